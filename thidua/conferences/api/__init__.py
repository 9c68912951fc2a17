"""JSON API of the conferences app: conferences, agenda, roll and check-in, polls, the secret cast, the bulletin.

Split in two modules: `conferences` (the meeting, its agenda and its roll of delegates) and `polls`
(preparing, opening and closing polls, the paper fallback, casting a ballot, the bulletin and receipt
checks). The hall's endpoints also accept a delegate's card (`X-Delegate-Card: <token>`), since
delegates need no account; see `_common` for how a request is authenticated.
"""

from ninja import Router

from thidua.conferences.api import conferences, polls

router = Router()
router.add_router("", conferences.router)
router.add_router("", polls.router)

__all__ = ["router"]
