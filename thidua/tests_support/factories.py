"""factory-boy factories and a small ready-made organisation tree for tests.

Domain objects are built through the services (as a system actor) so tests see the same
paths, search keys and audit events the application makes.
"""

import datetime as dt
from typing import Any, cast

import factory

from thidua.accounts.models import RoleAssignment, User
from thidua.accounts.predicates import forget_grants
from thidua.organizations import services
from thidua.organizations.models import BlockYear, Person, Unit


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.vn")
    password = factory.PostGenerationMethodCall("set_password", "secret-pass-123")

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            obj.save()


def new_user(**kwargs: Any) -> User:
    """A saved user (password "secret-pass-123"); typed wrapper around UserFactory."""
    return cast(User, UserFactory(**kwargs))


def system_actor() -> User:
    """A superuser that builds fixtures through the services."""
    user, _ = User.objects.get_or_create(username="fixture-system", defaults={"is_superuser": True})
    return user


def grant(user: User, role: str, *, unit: Unit | None = None, block_year: BlockYear | None = None) -> RoleAssignment:
    assignment = RoleAssignment.objects.create(user=user, role=role, unit=unit, block_year=block_year)
    forget_grants(user)
    return assignment


def make_unit(code: str, name: str, *, parent: Unit | None = None, kind: str = "centre", **kw: Any) -> Unit:
    return services.unit_create(actor=system_actor(), code=code, name=name, parent=parent, kind=kind, **kw)


def make_person(unit: Unit, full_name: str, *, position: str = "Chuyên viên", **kw: Any) -> Person:
    return services.person_create(
        actor=system_actor(), unit=unit, full_name=full_name, position=position, start_date=dt.date(2020, 1, 1), **kw
    )


def build_tree() -> dict[str, Any]:
    actor = system_actor()
    province = make_unit("QT", "Ủy ban nhân dân tỉnh Quảng Trị", kind="province")
    dept = make_unit("SNV", "Sở Nội vụ", parent=province, kind="department")
    other_dept = make_unit("SYT", "Sở Y tế", parent=province, kind="department")
    centre_a = make_unit("TTA", "Trung tâm Lưu trữ lịch sử", parent=dept, address="Đông Hà, Quảng Trị")
    centre_b = make_unit("TTB", "Trung tâm Đào tạo Đức Thọ", parent=dept)
    centre_c = make_unit("TTC", "Trung tâm Kiểm soát bệnh tật", parent=other_dept)
    board = make_unit("BQL", "Ban Quản lý dự án", parent=other_dept, kind="management_board")
    block = services.block_create(
        actor=actor, code="K1", name="Khối thi đua các trung tâm, ban quản lý", owner=province
    )
    other_block = services.block_create(actor=actor, code="K2", name="Khối thi đua các sở", owner=province)
    block_year = services.block_year_create(actor=actor, block=block, year=2025)
    for unit in (centre_a, centre_b, centre_c, board):
        services.block_member_add(actor=actor, block_year=block_year, unit=unit)
    services.block_year_set_leadership(actor=actor, block_year=block_year, head=centre_a, deputies=[centre_b])
    person_a = make_person(centre_a, "Nguyễn Văn Đức")
    person_c = make_person(centre_c, "Trần Thị Hà")
    return {
        "province": province,
        "dept": dept,
        "other_dept": other_dept,
        "centre_a": centre_a,
        "centre_b": centre_b,
        "centre_c": centre_c,
        "board": board,
        "block": block,
        "other_block": other_block,
        "block_year": block_year,
        "person_a": person_a,
        "person_c": person_c,
    }
