"""Permissions of the accounts app: who may grant roles and issue API tokens."""

import rules

from thidua.accounts.predicates import is_admin

rules.add_perm("accounts.manage_roles", is_admin)
rules.add_perm("accounts.view_user", is_admin)
