from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmulationConfig(AppConfig):
    name = "thidua.emulation"
    label = "emulation"
    verbose_name = _("Emulation year")

    def ready(self) -> None:
        from thidua.attachments.registry import register_owner
        from thidua.emulation import permissions  # noqa: F401  (registers rules)
        from thidua.emulation.models import KeyTaskUpdate

        register_owner(KeyTaskUpdate, "emulation.view_keytaskupdate")
