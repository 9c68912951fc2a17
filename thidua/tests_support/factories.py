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


# --- awards: decisions and the awards they gave (certificates, portal) -------------------------------------------


class DecisionFactory(factory.django.DjangoModelFactory[Any]):
    """An issued, published decision of the province (pass status="draft" or published=False for the others).

    Built directly, not through the decision services: tests of certificates and of the portal only need rows."""

    class Meta:
        model = "awards.Decision"

    number = factory.Sequence(lambda n: f"{n + 100}/QĐ-UBND")
    signed_on = dt.date(2025, 1, 20)
    title = "Về việc tặng Bằng khen và Cờ thi đua năm 2024"
    issuing_body = "Ủy ban nhân dân tỉnh Quảng Trị"
    decider = "province_chairman"
    signer_name = "Võ Văn Hưng"
    signer_title = "Chủ tịch"
    legal_basis = "Luật Thi đua, khen thưởng số 06/2022/QH15; Nghị định số 98/2023/NĐ-CP"
    fund = "province"
    status = "issued"
    issued_at = factory.LazyAttribute(
        lambda o: dt.datetime(2025, 1, 20, 9, 0, tzinfo=dt.UTC) if o.status == "issued" else None
    )
    published = True
    owner = factory.LazyFunction(lambda: Unit.objects.filter(parent__isnull=True).order_by("id").first())


def decision_award(
    decision: Any,
    *,
    award_type: str = "bang_khen_tinh",
    unit: Unit | None = None,
    person: Person | None = None,
    year: int = 2024,
    amount: int | None = None,
    **kw: Any,
) -> Any:
    """An Award given by `decision` (source "decision", decision snapshots copied), saved with its search key.

    A person's award takes `unit` as the person's unit at the time (default: their current unit)."""
    from thidua.awards.models import Award, AwardType
    from thidua.awards.services.registry import _search_key

    if person is not None and unit is None:
        membership = person.memberships.filter(end_date__isnull=True).select_related("unit").first()
        unit = membership.unit if membership is not None else None
    award = Award(
        award_type=AwardType.objects.get(code=award_type),
        recipient_kind="individual" if person is not None else "collective",
        unit=unit,
        person=person,
        recipient_name=person.full_name if person is not None else unit.name if unit is not None else "",
        unit_name=unit.name if unit is not None else "",
        year=year,
        decision_number=decision.number,
        decision_date=decision.signed_on,
        decision_signer=decision.signer_name,
        issuing_body=decision.issuing_body,
        amount=amount,
        source="decision",
        decision=decision,
        fund=decision.fund,
        **kw,
    )
    award.search_key = _search_key(award)
    award.save()
    return award


def _award_type(code: str) -> Any:
    from thidua.awards.models import AwardType

    return AwardType.objects.get(code=code)


class ProposalFactory(factory.django.DjangoModelFactory[Any]):
    """An awards Proposal row written directly (no workflow), ACCEPTED by default: for the decision tests.

    Pass `unit` and `block_year` (and `person` for an individual proposal); `award_code` picks the award type.
    """

    class Meta:
        model = "awards.Proposal"
        exclude = ("award_code",)

    award_code = "ttldtt"
    award_type = factory.LazyAttribute(lambda o: _award_type(o.award_code))
    person = None
    recipient_kind = factory.LazyAttribute(lambda o: "individual" if o.person is not None else "collective")
    recipient_name = factory.LazyAttribute(lambda o: o.person.full_name if o.person is not None else o.unit.name)
    year = 2025
    status = "accepted"
    submitted_on = dt.date(2026, 1, 10)
    council_meeting_on = dt.date(2026, 2, 10)
    council_members = 9
    council_votes_for = 7
    council_votes_against = 2
    eligibility = "pass"


def make_proposal(
    *,
    unit: Unit,
    award_type: str = "ttldtt",
    person: Person | None = None,
    year: int = 2025,
    achievement_report: str | None = None,
    **kw: Any,
) -> Any:
    """A draft proposal made through the service by the system actor (optionally with its report text)."""
    from thidua.awards.services.proposals import proposal_create, proposal_update

    proposal = proposal_create(actor=system_actor(), award_type=award_type, unit=unit, person=person, year=year, **kw)
    if achievement_report is not None:
        proposal = proposal_update(actor=system_actor(), proposal=proposal, achievement_report=achievement_report)
    return proposal
