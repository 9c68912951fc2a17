from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "thidua.scoring"
    label = "scoring"
    verbose_name = _("Scoring")

    def ready(self) -> None:
        from thidua.attachments.registry import register_owner
        from thidua.scoring import permissions  # noqa: F401  (registers rules)
        from thidua.scoring.models import ScoreLine

        register_owner(ScoreLine, "scoring.view_line")
