"""Admin for back-office data. Edits made here skip services, so the admin is read-mostly:
creating and changing domain objects goes through the pages and the API, which audit every write."""

from django.contrib import admin

from thidua.organizations.models import (
    Block,
    BlockLeadership,
    BlockMembership,
    BlockYear,
    Person,
    PersonMembership,
    PhaseDeadline,
    Unit,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "parent", "status"]
    list_filter = ["kind", "status", "is_demo"]
    search_fields = ["code", "name", "search_key"]


class PersonMembershipInline(admin.TabularInline):
    model = PersonMembership
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ["full_name", "email", "user"]
    search_fields = ["full_name", "search_key"]
    inlines = [PersonMembershipInline]


@admin.register(Block)
class BlockAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "owner", "rotation_rule"]


class MembershipInline(admin.TabularInline):
    model = BlockMembership
    extra = 0


class LeadershipInline(admin.TabularInline):
    model = BlockLeadership
    extra = 0


class DeadlineInline(admin.TabularInline):
    model = PhaseDeadline
    extra = 0


@admin.register(BlockYear)
class BlockYearAdmin(ReadOnlyAdmin):
    list_display = ["block", "year", "phase"]
    list_filter = ["phase", "year"]
    inlines = [MembershipInline, LeadershipInline, DeadlineInline]
