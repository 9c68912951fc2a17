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
"""

from typing import Any

import rules

from thidua.accounts.predicates import grants_of, is_admin, is_authenticated, officer_covers_path, officer_unit_paths
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


rules.add_perm("awards.view_catalogue", is_authenticated)
rules.add_perm("awards.manage_catalogue", is_admin | provincial_officer_of_province)
rules.add_perm("awards.manage_prize_money", is_admin)
rules.add_perm("awards.view_award", is_authenticated)
rules.add_perm("awards.add_award", is_admin | officer_over_recipient_unit)
rules.add_perm("awards.import_awards", is_admin | officer_anywhere)
rules.add_perm("awards.revoke_award", is_admin | officer_over_award)
