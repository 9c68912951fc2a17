"""Admin for users, role assignments and API tokens (the back office of access control).

The Django admin writes models directly, so every save and delete here is wrapped in a
transaction that also records an audit event: granting or revoking a role is as traceable as
any change made through the services.
"""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest

from thidua.accounts.models import ApiToken, RoleAssignment, User
from thidua.audit.services import audit_record


class AuditedAdminMixin(admin.ModelAdmin):
    """Records an AuditEvent for every add, change and delete made through the admin."""

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            changed = {name: str(form.cleaned_data.get(name)) for name in form.changed_data if "password" not in name}
            action = f"{obj._meta.model_name}.{'update' if change else 'create'}"
            audit_record(actor=request.user, action=f"admin.{action}", obj=obj, changes=changed)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            audit_record(actor=request.user, action=f"admin.{obj._meta.model_name}.delete", obj=obj)
            super().delete_model(request, obj)

    def save_formset(self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool) -> None:
        with transaction.atomic():
            super().save_formset(request, form, formset, change)
            for obj in formset.new_objects:
                audit_record(
                    actor=request.user,
                    action=f"admin.{obj._meta.model_name}.create",
                    obj=obj,
                    changes={"user": obj_user(obj)},
                )
            for obj, fields in formset.changed_objects:
                audit_record(
                    actor=request.user,
                    action=f"admin.{obj._meta.model_name}.update",
                    obj=obj,
                    changes={"fields": list(fields), "user": obj_user(obj)},
                )
            for obj in formset.deleted_objects:
                audit_record(
                    actor=request.user,
                    action=f"admin.{obj._meta.model_name}.delete",
                    object_type=obj._meta.label_lower,
                    object_id=obj.pk or "",
                    object_repr=str(obj),
                )


def obj_user(obj: Any) -> Any:
    return getattr(obj, "user_id", None)


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    raw_id_fields = ["unit", "block_year"]


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, ("Thidua", {"fields": ("full_name", "is_demo")}))  # type: ignore[misc]
    list_display = ["username", "full_name", "email", "is_staff", "is_demo"]
    inlines = [RoleAssignmentInline]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(AuditedAdminMixin):
    list_display = ["user", "role", "unit", "block_year", "valid_from", "valid_to"]
    list_filter = ["role"]
    raw_id_fields = ["user", "unit", "block_year"]


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdminMixin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["key_hash", "prefix", "created_at", "last_used_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # tokens are issued through the API (POST /api/tokens), which shows the secret once
