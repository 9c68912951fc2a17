"""Mid-year review services: the draft, its remarks, publication with kept figures; refusals write nothing."""

import datetime as dt
from typing import Any

import pytest

from thidua.core.exceptions import Conflict, DomainError, PermissionDenied, ValidationFailed
from thidua.emulation import services
from thidua.emulation.models import KeyTask, MidyearReview, MidyearUnitRemark, ReviewStatus
from thidua.emulation.tests.helpers import close, last_action, state

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 11, 20)


def _refused(exc_type: type[DomainError], code: str | None, call: Any, **kwargs: Any) -> None:
    before = state()
    with pytest.raises(exc_type) as info:
        call(**kwargs)
    if code is not None:
        assert info.value.code == code
    assert state() == before


@pytest.fixture
def review(tree: dict[str, Any], users: dict[str, Any]) -> MidyearReview:
    return services.midyear_review_save(
        actor=users["head"],
        block_year=tree["block_year"],
        summary="Sơ kết 6 tháng đầu năm",
        cutoff_date=dt.date(2025, 6, 30),
        remarks={tree["centre_a"].pk: "Hoàn thành tốt"},
    )


def test_save_creates_then_updates(review: MidyearReview, users: dict[str, Any], tree: dict[str, Any]) -> None:
    assert review.status == ReviewStatus.DRAFT
    assert review.remarks.get().unit == tree["centre_a"]
    assert last_action() == "midyear_review.create"
    services.midyear_review_save(
        actor=users["officer"],
        block_year=tree["block_year"],
        summary="Bản sửa",
        cutoff_date=dt.date(2025, 6, 15),
        remarks={tree["centre_a"].pk: "", tree["centre_b"].pk: "Cần cố gắng"},
    )
    review.refresh_from_db()
    assert review.summary == "Bản sửa"
    assert list(MidyearUnitRemark.objects.values_list("unit_id", flat=True)) == [tree["centre_b"].pk]
    assert last_action() == "midyear_review.update"


@pytest.mark.parametrize("role", ["deputy", "unit_head", "clerk", "viewer", "other_officer"])
def test_save_refused(tree: dict[str, Any], users: dict[str, Any], role: str) -> None:
    _refused(
        PermissionDenied,
        None,
        services.midyear_review_save,
        actor=users[role],
        block_year=tree["block_year"],
        summary="x",
        cutoff_date=dt.date(2025, 6, 30),
    )


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"cutoff_date": dt.date(2024, 6, 30)}, "cutoff_out_of_range"),
        ({"cutoff_date": dt.date(2026, 1, 1)}, "cutoff_out_of_range"),
        ({"cutoff_date": None}, "invalid_date"),
        ({"summary": "x" * 20001}, "too_long"),
    ],
)
def test_save_bad_input(tree: dict[str, Any], users: dict[str, Any], kwargs: Any, code: str) -> None:
    values: dict[str, Any] = {"summary": "x", "cutoff_date": dt.date(2025, 6, 30), **kwargs}
    _refused(
        ValidationFailed,
        code,
        services.midyear_review_save,
        actor=users["head"],
        block_year=tree["block_year"],
        **values,
    )


def test_remark_on_a_non_member_is_refused(tree: dict[str, Any], users: dict[str, Any]) -> None:
    _refused(
        ValidationFailed,
        "not_member",
        services.midyear_review_save,
        actor=users["head"],
        block_year=tree["block_year"],
        summary="x",
        cutoff_date=dt.date(2025, 6, 30),
        remarks={tree["dept"].pk: "Không phải thành viên"},
    )


def test_publish_keeps_cutoff_and_figures(review: MidyearReview, users: dict[str, Any], task: KeyTask) -> None:
    services.key_task_record_progress(
        actor=users["clerk"], task=task, date=dt.date(2025, 6, 1), progress=40, today=TODAY
    )
    services.key_task_record_progress(
        actor=users["clerk"], task=task, date=dt.date(2025, 8, 1), progress=80, today=TODAY
    )
    published = services.midyear_review_publish(
        actor=users["head"], review=review, cutoff_date=dt.date(2025, 6, 30), today=TODAY
    )
    assert published.status == ReviewStatus.PUBLISHED
    assert published.published_at is not None
    assert published.figures["as_of"] == "2025-06-30"
    assert published.figures["totals"]["mean_progress"] == 40  # the August update is after the cut-off
    assert last_action() == "midyear_review.publish"
    _refused(
        Conflict, "review_published", services.midyear_review_publish, actor=users["head"], review=review, today=TODAY
    )
    _refused(
        Conflict,
        "review_published",
        services.midyear_review_save,
        actor=users["head"],
        block_year=review.block_year,
        summary="Sửa",
        cutoff_date=dt.date(2025, 6, 30),
    )


def test_publish_refusals(tree: dict[str, Any], users: dict[str, Any], review: MidyearReview) -> None:
    publish = services.midyear_review_publish
    _refused(PermissionDenied, None, publish, actor=users["deputy"], review=review, today=TODAY)
    _refused(
        ValidationFailed,
        "cutoff_in_future",
        publish,
        actor=users["head"],
        review=review,
        cutoff_date=dt.date(2025, 12, 1),
        today=TODAY,
    )
    empty = services.midyear_review_save(
        actor=users["head"], block_year=tree["block_year"], summary=" ", cutoff_date=dt.date(2025, 6, 30)
    )
    _refused(ValidationFailed, "summary_required", publish, actor=users["head"], review=empty, today=TODAY)
    close(tree["block_year"])
    _refused(ValidationFailed, "block_year_closed", publish, actor=users["head"], review=review, today=TODAY)
