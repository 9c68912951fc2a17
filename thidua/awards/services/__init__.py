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

__all__ = [
    "award_parameter_add",
    "award_parameter_update",
    "award_type_update",
    "base_salary_add",
    "base_salary_update",
    "prize_coefficient_add",
    "prize_coefficient_update",
]
