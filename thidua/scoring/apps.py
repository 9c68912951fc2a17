from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "thidua.scoring"
    label = "scoring"
    verbose_name = _("Scoring")

    def ready(self) -> None:
        from thidua.attachments.registry import register_owner
        from thidua.organizations.models import Phase
        from thidua.organizations.phase_hooks import on_enter
        from thidua.scoring import permissions  # noqa: F401  (registers rules)
        from thidua.scoring.models import ScoreLine
        from thidua.scoring.services.criteria import lock_criteria_when_scoring_opens

        register_owner(ScoreLine, "scoring.view_line")
        on_enter(Phase.SCORING, lock_criteria_when_scoring_opens)
