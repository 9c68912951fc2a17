from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MovementsConfig(AppConfig):
    name = "thidua.movements"
    label = "movements"
    verbose_name = _("Movements and activities")

    def ready(self) -> None:
        from thidua.attachments.registry import register_owner
        from thidua.movements import permissions  # noqa: F401  (registers rules)
        from thidua.movements.models import Activity, Practice

        register_owner(Activity, "movements.view_activity")
        register_owner(Practice, "movements.view_practice")
