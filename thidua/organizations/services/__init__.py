"""Writes of the organisations app. Each service checks permission, validates, runs in one
transaction and records an audit event; views and the API only call these."""

from thidua.organizations.services.blocks import (
    block_create,
    block_member_add,
    block_member_remove,
    block_update,
    block_year_create,
    block_year_create_next,
    block_year_hand_over,
    block_year_set_deadlines,
    block_year_set_leadership,
)
from thidua.organizations.services.people import (
    person_create,
    person_membership_add,
    person_membership_end,
    person_update,
)
from thidua.organizations.services.phases import block_year_advance_phase
from thidua.organizations.services.units import unit_create, unit_update

__all__ = [
    "block_create",
    "block_member_add",
    "block_member_remove",
    "block_update",
    "block_year_advance_phase",
    "block_year_create",
    "block_year_create_next",
    "block_year_hand_over",
    "block_year_set_deadlines",
    "block_year_set_leadership",
    "person_create",
    "person_membership_add",
    "person_membership_end",
    "person_update",
    "unit_create",
    "unit_update",
]
