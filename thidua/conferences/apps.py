from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConferencesConfig(AppConfig):
    name = "thidua.conferences"
    label = "conferences"
    verbose_name = _("Conferences")

    def ready(self) -> None:
        from thidua.attachments.registry import register_owner
        from thidua.conferences import permissions  # noqa: F401  (registers rules)
        from thidua.conferences.models import AgendaItem

        register_owner(AgendaItem, "conferences.view_agenda_item")
