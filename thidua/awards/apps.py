"""Awards: the catalogue of titles and forms with dated legal parameters, eligibility, proposals, decisions,
the registry of awards, prize money and certificates."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "thidua.awards"
    label = "awards"
    verbose_name = _("Awards")

    def ready(self) -> None:
        from thidua.attachments.registry import register_owner
        from thidua.awards import permissions  # noqa: F401  (registers rules)
        from thidua.awards.models import Proposal

        register_owner(Proposal, "awards.view_proposal")
