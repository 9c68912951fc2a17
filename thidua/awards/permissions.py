"""Object permissions of the awards app (rules predicates).

Read this table as the specification; tests/test_catalogue_services.py checks the catalogue lines per role and
tests/test_registry_services.py the registry lines.
The catalogue is one for the whole installation (it is not scoped to a unit), so only people responsible for the
whole province may change it. "Provincial officers" here are users holding provincial_officer on a top-level
unit (the province itself), not on a department or centre.

| permission                   | object | who                                                                 |
|------------------------------|--------|---------------------------------------------------------------------|
| awards.view_catalogue        | —      | any signed-in user (award types, coefficients, base salary, params) |
| awards.manage_catalogue      | —      | admin; provincial officers (texts of award types, rule parameters:  |
|                              |        | shares, consecutive counts, quotas, the collective multiplier —     |
|                              |        | these may follow the provincial regulation)                         |
| awards.manage_prize_money    | —      | admin only (prize coefficients and the base salary: set by          |
|                              |        | Government decrees, the same for the whole country)                 |
| awards.view_award            | Award  | any signed-in user: names, titles, years and decisions are public   |
|                              |        | data (no private data of people is kept in the registry)            |
| awards.add_award             | Unit   | admin; officer over the recipient's unit (a collective's own unit,  |
|                              |        | a person's unit at the time). With no unit (history naming a unit   |
|                              |        | Thidua does not know): admin; provincial officers                   |
| awards.import_awards         | —      | admin; any emulation officer (then each row needs add_award on its  |
|                              |        | unit: one refused row refuses the whole file)                       |
| awards.revoke_award          | Award  | admin; officer over the award's unit (none: provincial officers)    |
| awards.view_proposal         | Proposal | admin; officer over its unit or over its block's owner; head or   |
|                              |        | clerk of its unit; head or deputy of its block-year                 |
| awards.add_proposal          | Unit   | admin; officer over the unit; its unit head or clerk                |
| awards.change_proposal       | Proposal | (edit a draft or returned proposal, its dossier; submit; withdraw)|
|                              |        | admin; officer over its unit; its unit head or clerk                |
| awards.approve_unit          | Proposal | admin; its unit head                                              |
| awards.review_block          | Proposal / BlockYear | admin; head of the block-year; officer over the     |
|                              |        | block's owner (also: open and submit the block's batch)             |
| awards.review_department     | Proposal | admin; officer over the block's owner                             |
| awards.record_council        | Proposal | admin; provincial officers of the province (the council's         |
|                              |        | secretariat records its vote)                                       |
| awards.view_hold             | Unit / Person | admin; any emulation officer; head of the unit (own holds) |
| awards.manage_hold           | Unit / Person | admin; officer over the unit (the person's current unit)   |
| awards.view_decision         | Decision | issued: any signed-in user; draft: admin; officer over its owner  |
| awards.add_decision          | Unit   | admin; officer over the unit (the office preparing the decision)    |
| awards.manage_decision       | Decision | admin; officer over its owner (edit a draft, add or remove        |
|                              |        | proposals, issue it)                                                |
Which step a user may take also depends on the proposal's status (`awards.workflow`); these rules only say who.
"""

from typing import Any

import rules

from thidua.accounts.predicates import (
    block_role_on,
    grants_of,
    is_admin,
    is_authenticated,
    officer_covers_path,
    officer_unit_paths,
    unit_role_on,
)
from thidua.accounts.roles import Role


@rules.predicate
def provincial_officer_of_province(user: Any) -> bool:
    """Holds provincial_officer on a unit at the top of the tree (its path has one segment)."""
    return any(
        grant.role == Role.PROVINCIAL_OFFICER and grant.unit_path and len(grant.unit_path.strip("/").split("/")) == 1
        for grant in grants_of(user)
    )


@rules.predicate
def officer_over_recipient_unit(user: Any, unit: Any) -> bool:
    """An officer over `unit`; when the recipient has no unit in Thidua, a provincial officer of the province."""
    if unit is None:
        return bool(provincial_officer_of_province(user))
    return officer_covers_path(user, unit.path)


@rules.predicate
def officer_over_award(user: Any, award: Any) -> bool:
    return award is not None and bool(officer_over_recipient_unit(user, award.unit))


@rules.predicate
def officer_anywhere(user: Any) -> bool:
    return bool(officer_unit_paths(user))


def _block_owner_path(proposal: Any) -> str | None:
    block_year = getattr(proposal, "block_year", None)
    return block_year.block.owner.path if block_year is not None else None


@rules.predicate
def officer_over_proposal_unit(user: Any, proposal: Any) -> bool:
    return proposal is not None and officer_covers_path(user, proposal.unit.path)


@rules.predicate
def officer_over_proposal_block(user: Any, obj: Any) -> bool:
    """Officer over the owner of the block (a Proposal's block-year, or a BlockYear itself)."""
    if obj is None:
        return False
    path = obj.block.owner.path if hasattr(obj, "block") else _block_owner_path(obj)
    return path is not None and officer_covers_path(user, path)


@rules.predicate
def staff_of_proposal_unit(user: Any, proposal: Any) -> bool:
    return proposal is not None and unit_role_on(user, proposal.unit_id, Role.UNIT_HEAD, Role.UNIT_CLERK)


@rules.predicate
def head_of_proposal_unit(user: Any, proposal: Any) -> bool:
    return proposal is not None and unit_role_on(user, proposal.unit_id, Role.UNIT_HEAD)


@rules.predicate
def head_of_proposal_block(user: Any, obj: Any) -> bool:
    """Head of the block-year (of a Proposal, or a BlockYear itself)."""
    if obj is None:
        return False
    block_year_id = obj.pk if hasattr(obj, "block") else obj.block_year_id
    return block_role_on(user, block_year_id, Role.BLOCK_HEAD)


@rules.predicate
def leader_of_proposal_block(user: Any, proposal: Any) -> bool:
    return proposal is not None and block_role_on(user, proposal.block_year_id, Role.BLOCK_HEAD, Role.BLOCK_DEPUTY)


@rules.predicate
def staff_of_unit(user: Any, unit: Any) -> bool:
    return unit is not None and unit_role_on(user, unit.pk, Role.UNIT_HEAD, Role.UNIT_CLERK)


def _subject_unit(subject: Any) -> Any:
    """A unit itself, or a person's current unit (None when the person works nowhere now)."""
    if subject is None or hasattr(subject, "path"):
        return subject
    membership = subject.memberships.filter(end_date__isnull=True).select_related("unit").first()
    return membership.unit if membership is not None else None


@rules.predicate
def officer_over_subject(user: Any, subject: Any) -> bool:
    unit = _subject_unit(subject)
    return bool(officer_over_recipient_unit(user, unit))


@rules.predicate
def head_of_subject(user: Any, subject: Any) -> bool:
    unit = _subject_unit(subject)
    return unit is not None and unit_role_on(user, unit.pk, Role.UNIT_HEAD)


@rules.predicate
def decision_issued(user: Any, decision: Any) -> bool:
    return decision is not None and decision.status == "issued"


@rules.predicate
def officer_over_decision(user: Any, decision: Any) -> bool:
    return decision is not None and officer_covers_path(user, decision.owner.path)


@rules.predicate
def officer_over_unit(user: Any, unit: Any) -> bool:
    return unit is not None and officer_covers_path(user, unit.path)


rules.add_perm("awards.view_catalogue", is_authenticated)
rules.add_perm("awards.manage_catalogue", is_admin | provincial_officer_of_province)
rules.add_perm("awards.manage_prize_money", is_admin)
rules.add_perm("awards.view_award", is_authenticated)
rules.add_perm("awards.add_award", is_admin | officer_over_recipient_unit)
rules.add_perm("awards.import_awards", is_admin | officer_anywhere)
rules.add_perm("awards.revoke_award", is_admin | officer_over_award)
rules.add_perm(
    "awards.view_proposal",
    is_admin
    | officer_over_proposal_unit
    | officer_over_proposal_block
    | staff_of_proposal_unit
    | leader_of_proposal_block,
)
rules.add_perm("awards.add_proposal", is_admin | officer_over_unit | staff_of_unit)
rules.add_perm("awards.change_proposal", is_admin | officer_over_proposal_unit | staff_of_proposal_unit)
rules.add_perm("awards.approve_unit", is_admin | head_of_proposal_unit)
rules.add_perm("awards.review_block", is_admin | head_of_proposal_block | officer_over_proposal_block)
rules.add_perm("awards.review_department", is_admin | officer_over_proposal_block)
rules.add_perm("awards.record_council", is_admin | provincial_officer_of_province)
rules.add_perm("awards.view_hold", is_admin | officer_anywhere | head_of_subject)
rules.add_perm("awards.manage_hold", is_admin | officer_over_subject)
rules.add_perm("awards.view_decision", (is_authenticated & decision_issued) | is_admin | officer_over_decision)
rules.add_perm("awards.add_decision", is_admin | officer_over_unit)
rules.add_perm("awards.manage_decision", is_admin | officer_over_decision)
