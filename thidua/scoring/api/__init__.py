"""JSON API of the scoring app: criteria and settings, score sheets and reviews, final scores and ranking."""

from ninja import Router

from thidua.scoring.api import criteria, sheets

router = Router()
router.add_router("", criteria.router)
router.add_router("", sheets.router)
