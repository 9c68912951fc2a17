from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "thidua.organizations"
    label = "organizations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from thidua.organizations import permissions  # noqa: F401  (registers rules)
