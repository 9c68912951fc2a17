"""Writes of the awards app. Each service checks permission, validates, runs in one transaction and records an
audit event; views, the API and the admin only call these."""

from thidua.awards.services.catalogue import (
    award_parameter_add,
    award_parameter_update,
    award_type_update,
    base_salary_add,
    base_salary_update,
    prize_coefficient_add,
    prize_coefficient_update,
)
from thidua.awards.services.registry import ImportRejected, ImportResult, award_import, award_record, award_revoke

__all__ = [
    "ImportRejected",
    "ImportResult",
    "award_import",
    "award_parameter_add",
    "award_parameter_update",
    "award_record",
    "award_revoke",
    "award_type_update",
    "base_salary_add",
    "base_salary_update",
    "prize_coefficient_add",
    "prize_coefficient_update",
]
