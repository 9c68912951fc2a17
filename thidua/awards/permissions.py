"""Object permissions of the awards app (rules predicates).

Read this table as the specification; tests/test_catalogue_services.py checks each line per role.
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
"""

from typing import Any

import rules

from thidua.accounts.predicates import grants_of, is_admin, is_authenticated
from thidua.accounts.roles import Role


@rules.predicate
def provincial_officer_of_province(user: Any) -> bool:
    """Holds provincial_officer on a unit at the top of the tree (its path has one segment)."""
    return any(
        grant.role == Role.PROVINCIAL_OFFICER and grant.unit_path and len(grant.unit_path.strip("/").split("/")) == 1
        for grant in grants_of(user)
    )


rules.add_perm("awards.view_catalogue", is_authenticated)
rules.add_perm("awards.manage_catalogue", is_admin | provincial_officer_of_province)
rules.add_perm("awards.manage_prize_money", is_admin)
