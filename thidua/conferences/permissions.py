"""Object permissions of the conferences app (rules predicates).

Read this table as the specification; the permission tests check each line per role. "Leaders" hold
block_head or block_deputy on the block-year; "staff of a member unit" hold unit_head or unit_clerk on
one of its member units; officers are provincial/department officers over the block's organising body.
The conference's secretary is the user named on the conference.

| permission                        | object     | who                                                             |
|-----------------------------------|------------|-----------------------------------------------------------------|
| conferences.add_conference        | BlockYear  | admin; officers; leaders                                        |
| conferences.view_conference       | Conference | admin; officers; leaders; staff of a member unit; the secretary; |
|                                   |            | its delegates (through the account linked to their staff record) |
| conferences.manage_conference     | Conference | admin; officers; leaders; the secretary (agenda, roll, polls …)  |
| conferences.close_conference      | Conference | admin; officers; the block head (closing hands the leadership over) |
| conferences.view_agenda_item      | AgendaItem | whoever may view its conference (attachments)                   |

Voting is not a permission of a user: a ballot is cast by a *delegate* of the conference (identified by
the signed token of their card, or by the account linked to their staff record), checked by the service
`poll_cast` against the roll (present, entitled to vote, not voted yet).
"""

from typing import Any

import rules

from thidua.accounts.predicates import is_admin
from thidua.organizations.permissions import head_of_block_year, officer_over_block_year
from thidua.scoring.permissions import leader_of_block_year, staff_of_member_unit


def _on_conference_year(predicate: Any) -> Any:
    """Lift a block-year predicate to a conference (its block-year)."""

    @rules.predicate(name=f"conference_{predicate.name}")
    def lifted(user: Any, conference: Any) -> bool:
        return conference is not None and bool(predicate.test(user, conference.block_year))

    return lifted


@rules.predicate
def secretary_of_conference(user: Any, conference: Any) -> bool:
    return conference is not None and conference.secretary_id is not None and conference.secretary_id == user.pk


@rules.predicate
def delegate_of_conference(user: Any, conference: Any) -> bool:
    if conference is None or not getattr(user, "is_authenticated", False):
        return False
    return conference.delegates.filter(person__user=user).exists()


officers = is_admin | officer_over_block_year
conference_officers = is_admin | _on_conference_year(officer_over_block_year)
conference_leaders = _on_conference_year(leader_of_block_year)

rules.add_perm("conferences.add_conference", officers | leader_of_block_year)
rules.add_perm(
    "conferences.view_conference",
    conference_officers
    | conference_leaders
    | secretary_of_conference
    | _on_conference_year(staff_of_member_unit)
    | delegate_of_conference,
)
rules.add_perm("conferences.manage_conference", conference_officers | conference_leaders | secretary_of_conference)
rules.add_perm("conferences.close_conference", conference_officers | _on_conference_year(head_of_block_year))


@rules.predicate
def may_view_item_conference(user: Any, item: Any) -> bool:
    """An agenda item's attachments are seen by whoever may see its conference."""
    return item is not None and bool(user.has_perm("conferences.view_conference", item.conference))


rules.add_perm("conferences.view_agenda_item", may_view_item_conference)
