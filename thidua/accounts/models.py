"""Custom user (from the first migration), object-scoped role assignments and API tokens."""

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from thidua.accounts.roles import ROLE_SCOPE, Role, Scope


class User(AbstractUser):
    """A person who logs in. Linked to a staff record (organizations.Person) when there is one."""

    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.get_full_name() or self.username


class RoleAssignment(models.Model):
    """Grants `role` to `user` on one scope object, for a period."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    unit = models.ForeignKey(
        "organizations.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="role_assignments"
    )
    block_year = models.ForeignKey(
        "organizations.BlockYear", null=True, blank=True, on_delete=models.CASCADE, related_name="role_assignments"
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role__in=[r for r, s in ROLE_SCOPE.items() if s == Scope.NONE], unit=None, block_year=None)
                    | Q(
                        role__in=[r for r, s in ROLE_SCOPE.items() if s == Scope.UNIT],
                        unit__isnull=False,
                        block_year=None,
                    )
                    | Q(
                        role__in=[r for r, s in ROLE_SCOPE.items() if s == Scope.BLOCK_YEAR],
                        unit=None,
                        block_year__isnull=False,
                    )
                ),
                name="roleassignment_scope_matches_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role"], condition=Q(unit=None, block_year=None), name="roleassignment_unique_global"
            ),
            models.UniqueConstraint(
                fields=["user", "role", "unit"], condition=Q(unit__isnull=False), name="roleassignment_unique_unit"
            ),
            models.UniqueConstraint(
                fields=["user", "role", "block_year"],
                condition=Q(block_year__isnull=False),
                name="roleassignment_unique_block_year",
            ),
        ]

    def __str__(self) -> str:
        scope = self.unit or self.block_year or ""
        return f"{self.user} · {self.get_role_display()} {scope}".strip()


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the clear token is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def generate_key() -> str:
        return "td_" + secrets.token_urlsafe(32)
