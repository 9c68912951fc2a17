"""Accent-insensitive search: the same answers on SQLite (FTS5) and PostgreSQL (pg_trgm)."""

from typing import Any

import pytest

from thidua.organizations.models import Block, Person, Unit
from thidua.organizations.search import search
from thidua.tests_support.factories import make_unit, system_actor

pytestmark = pytest.mark.django_db


def _on_postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("quang tri", "Ủy ban nhân dân tỉnh Quảng Trị"),
        ("QUẢNG TRỊ", "Ủy ban nhân dân tỉnh Quảng Trị"),
        ("duc", "Trung tâm Đào tạo Đức Thọ"),
        ("DONG HA", "Trung tâm Lưu trữ lịch sử"),
        ("đông hà", "Trung tâm Lưu trữ lịch sử"),
        ("kiem soat benh", "Trung tâm Kiểm soát bệnh tật"),
        ("ban quan ly", "Ban Quản lý dự án"),
    ],
)
def test_unit_search_ignores_tone_marks_and_stroke_d(tree: dict[str, Any], query: str, expected: str) -> None:
    names = list(search(Unit.objects.all(), query).values_list("name", flat=True))
    assert expected in names


def test_search_requires_every_word(tree: dict[str, Any]) -> None:
    names = set(search(Unit.objects.all(), "trung tam duc").values_list("name", flat=True))
    assert names == {"Trung tâm Đào tạo Đức Thọ"}


def test_search_finds_nothing_for_unknown_word(tree: dict[str, Any]) -> None:
    assert not search(Unit.objects.all(), "xyzzy").exists()


def test_people_and_blocks_are_searchable(tree: dict[str, Any]) -> None:
    assert list(search(Person.objects.all(), "nguyen van duc").values_list("full_name", flat=True)) == [
        "Nguyễn Văn Đức"
    ]
    assert search(Block.objects.all(), "khoi thi dua cac so").count() == 1


def test_search_index_follows_renames(tree: dict[str, Any]) -> None:
    from thidua.organizations.services import unit_update

    unit_update(actor=system_actor(), unit=tree["centre_b"], name="Trung tâm Dịch vụ Đông Hà")
    assert not search(Unit.objects.all(), "dao tao").exists()
    assert search(Unit.objects.all(), "dich vu dong ha").get().code == "TTB"


def test_nfd_input_is_found() -> None:
    import unicodedata

    make_unit("NFD1", unicodedata.normalize("NFD", "Trung tâm Quảng Bình"), kind="centre")
    assert search(Unit.objects.all(), "quang binh").exists()


def test_empty_query_returns_everything(tree: dict[str, Any]) -> None:
    assert search(Unit.objects.all(), "  ").count() == Unit.objects.count()


@pytest.mark.skipif(not _on_postgres(), reason="needs PostgreSQL's unaccent extension")
def test_postgres_unaccent_agrees_with_vi_fold() -> None:
    from django.db import connection

    from thidua.core.vi_text import vi_fold

    samples = [
        "Quảng Trị",
        "Đông Hà",
        "Đức Thọ",
        "Nguyễn Thị Ánh Tuyết",
        "Cờ thi đua của Chính phủ",
        "Hướng Hóa, Đakrông",
    ]
    with connection.cursor() as cursor:
        for text in samples:
            cursor.execute("SELECT lower(unaccent(%s))", [text])
            assert cursor.fetchone()[0] == vi_fold(text)


def test_search_index_forgets_deleted_rows(tree: dict[str, Any]) -> None:
    from thidua.organizations.models import Unit

    unit = make_unit("DEL", "Trung tâm tạm thời Hải Lăng", kind="centre")
    assert search(Unit.objects.all(), "hai lang").exists()
    Unit.objects.filter(pk=unit.pk).delete()
    assert not search(Unit.objects.all(), "hai lang").exists()
