"""Writes of the movements app. Each service checks permission, validates, runs in one transaction and
records an audit event; views, the API and the demo builder only call these."""

from thidua.movements.services.activities import (
    activity_attach,
    activity_create,
    activity_delete,
    activity_detach,
    activity_update,
)
from thidua.movements.services.movements import (
    movement_create,
    movement_delete,
    movement_join,
    movement_leave,
    movement_set_criteria,
    movement_set_participants,
    movement_update,
)
from thidua.movements.services.practices import (
    practice_adopt,
    practice_adoption_remove,
    practice_attach,
    practice_comment_add,
    practice_comment_delete,
    practice_create,
    practice_delete,
    practice_detach,
    practice_publish,
    practice_update,
    practice_withdraw,
)

__all__ = [
    "activity_attach",
    "activity_create",
    "activity_delete",
    "activity_detach",
    "activity_update",
    "movement_create",
    "movement_delete",
    "movement_join",
    "movement_leave",
    "movement_set_criteria",
    "movement_set_participants",
    "movement_update",
    "practice_adopt",
    "practice_adoption_remove",
    "practice_attach",
    "practice_comment_add",
    "practice_comment_delete",
    "practice_create",
    "practice_delete",
    "practice_detach",
    "practice_publish",
    "practice_update",
    "practice_withdraw",
]
