"""Good-practice services: draft → published → withdrawn, comments, adoptions, files; each refusal writes nothing."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from thidua.audit.models import AuditEvent
from thidua.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from thidua.movements import services
from thidua.movements.models import Practice, PracticeAdoption, PracticeComment, PracticeStatus
from thidua.movements.tests.conftest import NothingWritten, at, upload
from thidua.organizations import services as org_services
from thidua.tests_support.factories import make_unit, system_actor

pytestmark = pytest.mark.django_db


def _draft(w: dict[str, Any], actor: Any = None, **kwargs: Any) -> Practice:
    data: dict[str, Any] = {
        "block_year": w["block_year"],
        "unit": w["centre_a"],
        "title": "Một cửa liên thông điện tử",
        "problem": "Người dân phải đi lại nhiều lần.",
        "approach": "Tiếp nhận hồ sơ trực tuyến.",
        "results": "Giảm 60% thời gian.",
    }
    return services.practice_create(actor=actor or system_actor(), **{**data, **kwargs})


def _last_action() -> str | None:
    return AuditEvent.objects.order_by("-seq").values_list("action", flat=True).first()


# --- create / update -------------------------------------------------------------------------------------------------


def test_create_a_draft(w: dict[str, Any], users: dict[str, Any]) -> None:
    practice = _draft(w, users["unit_clerk"], movement=w["movement"])
    assert practice.status == PracticeStatus.DRAFT
    assert practice.theme == "digital_transformation"  # from the movement
    assert practice.published_at is None
    assert "mot cua lien thong dien tu" in practice.search_key
    assert "trung tam luu tru lich su" in practice.search_key  # the unit's name is searchable too
    assert _last_action() == "practice.create"


@pytest.mark.parametrize("role", ["admin", "provincial", "department", "unit_head", "unit_clerk"])
def test_who_may_draft_for_centre_a(w: dict[str, Any], users: dict[str, Any], role: str) -> None:
    assert _draft(w, users[role]).pk


@pytest.mark.parametrize("role", ["block_head", "block_deputy", "clerk_c", "delegate", "viewer"])
def test_who_may_not_draft_for_centre_a(w: dict[str, Any], users: dict[str, Any], role: str) -> None:
    with NothingWritten(), pytest.raises(PermissionDenied):
        _draft(w, users[role])


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"title": " "}, "required", "title"),
        ({"theme": "sports"}, "invalid_choice", "theme"),
        ({"contact": "x" * 501}, "too_long", "contact"),
    ],
)
def test_create_validates(w: dict[str, Any], kwargs: dict[str, Any], code: str, field: str) -> None:
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        _draft(w, **kwargs)
    assert (err.value.code, err.value.field) == (code, field)


def test_the_unit_must_be_a_member(w: dict[str, Any]) -> None:
    stranger = make_unit("NGOAI", "Trung tâm ngoài khối", parent=w["dept"])
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        _draft(w, unit=stranger)
    assert (err.value.code, err.value.field) == ("not_a_member", "unit")


def test_the_movement_must_be_of_the_same_block_year(w: dict[str, Any]) -> None:
    next_year = org_services.block_year_create(actor=system_actor(), block=w["block"], year=2026)
    foreign = services.movement_create(
        actor=system_actor(),
        block_year=next_year,
        title="Phong trào 2026",
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 12, 31),
    )
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        _draft(w, movement=foreign)
    assert err.value.code == "movement_other_year"


def test_update_rebuilds_the_search_key(w: dict[str, Any], users: dict[str, Any]) -> None:
    practice = w["practice"]
    services.practice_update(actor=users["unit_head"], practice=practice, title="Kho lưu trữ số")
    practice.refresh_from_db()
    assert practice.search_key.startswith("kho luu tru so")
    assert _last_action() == "practice.update"
    with NothingWritten(), pytest.raises(PermissionDenied):
        services.practice_update(actor=users["clerk_c"], practice=practice, title="Khác")
    with NothingWritten(), pytest.raises(PermissionDenied):
        services.practice_update(actor=users["block_head"], practice=practice, title="Khác")
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.practice_update(actor=users["unit_head"], practice=practice, status="draft")
    assert err.value.code == "unknown_field"


# --- publish / withdraw / delete -------------------------------------------------------------------------------------


def test_publish_a_draft(w: dict[str, Any], users: dict[str, Any]) -> None:
    practice = _draft(w)
    published = services.practice_publish(actor=users["unit_head"], practice=practice)
    assert published.status == PracticeStatus.PUBLISHED
    assert published.published_at is not None
    assert _last_action() == "practice.publish"


def test_publish_refusals(w: dict[str, Any], users: dict[str, Any]) -> None:
    draft = _draft(w)
    with NothingWritten(), pytest.raises(PermissionDenied):
        services.practice_publish(actor=users["block_head"], practice=draft)
    with NothingWritten(), pytest.raises(Conflict) as conflict:
        services.practice_publish(actor=users["unit_head"], practice=w["practice"])
    assert conflict.value.code == "not_draft"
    empty = _draft(w, problem="", approach="", results="")
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.practice_publish(actor=users["unit_head"], practice=empty)
    assert (err.value.code, err.value.field) == ("incomplete", "problem")
    future = timezone.now() + dt.timedelta(days=2)
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.practice_publish(actor=users["unit_head"], practice=draft, published_at=future)
    assert err.value.code == "invalid"


def test_withdraw(w: dict[str, Any], users: dict[str, Any]) -> None:
    practice = w["practice"]
    with NothingWritten(), pytest.raises(PermissionDenied):
        services.practice_withdraw(actor=users["block_head"], practice=practice)
    services.practice_withdraw(actor=users["provincial"], practice=practice, reason="Trùng nội dung")
    practice.refresh_from_db()
    assert practice.status == PracticeStatus.WITHDRAWN
    assert practice.withdrawn_at is not None
    assert _last_action() == "practice.withdraw"
    with NothingWritten(), pytest.raises(Conflict) as conflict:
        services.practice_withdraw(actor=users["provincial"], practice=practice)
    assert conflict.value.code == "not_published"
    with NothingWritten(), pytest.raises(Conflict) as conflict:
        services.practice_update(actor=users["unit_head"], practice=practice, title="Sửa")
    assert conflict.value.code == "practice_withdrawn"
    with NothingWritten(), pytest.raises(Conflict) as conflict:
        services.practice_attach(actor=users["unit_head"], practice=practice, upload=upload())
    assert conflict.value.code == "practice_withdrawn"


def test_delete_only_drafts(w: dict[str, Any], users: dict[str, Any]) -> None:
    with NothingWritten(), pytest.raises(Conflict) as conflict:
        services.practice_delete(actor=users["unit_head"], practice=w["practice"])
    assert conflict.value.code == "not_draft"
    draft = _draft(w)
    services.practice_attach(actor=users["unit_clerk"], practice=draft, upload=upload())
    with NothingWritten(), pytest.raises(PermissionDenied):
        services.practice_delete(actor=users["clerk_c"], practice=draft)
    services.practice_delete(actor=users["unit_clerk"], practice=draft)
    assert not Practice.objects.filter(pk=draft.pk).exists()
    assert _last_action() == "practice.delete"


def test_files(w: dict[str, Any], users: dict[str, Any]) -> None:
    attachment = services.practice_attach(actor=users["unit_clerk"], practice=w["practice"], upload=upload())
    with NothingWritten(), pytest.raises(PermissionDenied):
        services.practice_attach(actor=users["viewer"], practice=w["practice"], upload=upload())
    with NothingWritten(), pytest.raises(PermissionDenied):
        services.practice_detach(actor=users["viewer"], practice=w["practice"], attachment=attachment)
    other = services.activity_attach(actor=system_actor(), activity=w["activity"], upload=upload("anh.png"))
    with NothingWritten(), pytest.raises(NotFound):
        services.practice_detach(actor=users["unit_clerk"], practice=w["practice"], attachment=other)
    services.practice_detach(actor=users["unit_clerk"], practice=w["practice"], attachment=attachment)
    assert _last_action() == "attachment.remove"


# --- comments --------------------------------------------------------------------------------------------------------


def test_any_user_comments_and_the_author_deletes(w: dict[str, Any], users: dict[str, Any]) -> None:
    comment = services.practice_comment_add(actor=users["viewer"], practice=w["practice"], text="  Rất hay!  ")
    assert comment.text == "Rất hay!"
    assert comment.author == users["viewer"]
    assert _last_action() == "practice.comment"
    with NothingWritten(), pytest.raises(PermissionDenied):
        services.practice_comment_delete(actor=users["unit_head"], comment=comment)
    services.practice_comment_delete(actor=users["viewer"], comment=comment)
    assert not PracticeComment.objects.exists()
    assert _last_action() == "practice.comment_delete"


def test_admin_may_delete_any_comment(w: dict[str, Any], users: dict[str, Any]) -> None:
    comment = services.practice_comment_add(actor=users["viewer"], practice=w["practice"], text="Spam")
    services.practice_comment_delete(actor=users["admin"], comment=comment)
    assert not PracticeComment.objects.exists()


def test_comment_refusals(w: dict[str, Any], users: dict[str, Any]) -> None:
    draft = _draft(w)
    with NothingWritten(), pytest.raises(PermissionDenied):  # a draft is not even visible to the viewer
        services.practice_comment_add(actor=users["viewer"], practice=draft, text="?")
    with NothingWritten(), pytest.raises(Conflict) as conflict:  # the unit's own staff see it, but it is not published
        services.practice_comment_add(actor=users["unit_head"], practice=draft, text="?")
    assert conflict.value.code == "not_published"
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.practice_comment_add(actor=users["viewer"], practice=w["practice"], text="   ")
    assert err.value.code == "required"
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.practice_comment_add(actor=users["viewer"], practice=w["practice"], text="x" * 5001)
    assert err.value.code == "too_long"


# --- adoptions -------------------------------------------------------------------------------------------------------


def test_adopt_and_remove(w: dict[str, Any], users: dict[str, Any]) -> None:
    adoption = services.practice_adopt(
        actor=users["clerk_c"], practice=w["practice"], unit=w["centre_c"], note="Áp dụng tại kho mẫu", adopted_on=None
    )
    assert adoption.adopted_on == timezone.localdate()
    assert adoption.recorded_by == users["clerk_c"]
    assert _last_action() == "practice.adopt"
    with NothingWritten(), pytest.raises(PermissionDenied):
        services.practice_adoption_remove(actor=users["unit_head"], adoption=adoption)
    services.practice_adoption_remove(actor=users["clerk_c"], adoption=adoption)
    assert not PracticeAdoption.objects.exists()
    assert _last_action() == "practice.adoption_remove"


def test_a_unit_outside_the_block_may_adopt(w: dict[str, Any], make_user: Any) -> None:
    outsider = make_unit("HUE-TT", "Trung tâm Bảo tồn di tích", parent=w["other_dept"])
    clerk = make_user("unit_clerk", unit=outsider)
    adoption = services.practice_adopt(actor=clerk, practice=w["practice"], unit=outsider)
    assert adoption.unit == outsider


def test_adoption_refusals(w: dict[str, Any], users: dict[str, Any]) -> None:
    practice = w["practice"]
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.practice_adopt(actor=users["unit_head"], practice=practice, unit=w["centre_a"])
    assert (err.value.code, err.value.field) == ("own_practice", "unit")
    with NothingWritten(), pytest.raises(PermissionDenied):  # a clerk of C adopts for the board
        services.practice_adopt(actor=users["clerk_c"], practice=practice, unit=w["board"])
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.practice_adopt(
            actor=users["clerk_c"],
            practice=practice,
            unit=w["centre_c"],
            adopted_on=timezone.localdate() + dt.timedelta(1),
        )
    assert err.value.code == "date_in_future"
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.practice_adopt(
            actor=users["clerk_c"], practice=practice, unit=w["centre_c"], adopted_on=dt.date(2025, 3, 1)
        )
    assert err.value.code == "before_published"
    services.practice_adopt(
        actor=users["clerk_c"], practice=practice, unit=w["centre_c"], adopted_on=dt.date(2025, 5, 1)
    )
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.practice_adopt(actor=users["clerk_c"], practice=practice, unit=w["centre_c"])
    assert err.value.code == "already_adopted"
    draft = _draft(w)
    with NothingWritten(), pytest.raises(Conflict) as conflict:
        services.practice_adopt(actor=users["provincial"], practice=draft, unit=w["centre_c"])
    assert conflict.value.code == "not_published"


def test_publication_time_may_be_backdated(w: dict[str, Any]) -> None:
    practice = _draft(w)
    services.practice_publish(actor=system_actor(), practice=practice, published_at=at(2025, 2, 10))
    practice.refresh_from_db()
    assert timezone.localdate(practice.published_at) == dt.date(2025, 2, 10)
