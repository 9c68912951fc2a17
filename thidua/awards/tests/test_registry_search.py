"""Registry search ignores tone marks and đ/Đ on SQLite (FTS5) and PostgreSQL (pg_trgm): by name, unit, title,
year and decision number; filters; one query per page of results."""

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from thidua.awards.selectors_registry import _year_token, award_search
from thidua.awards.services.registry import award_record, award_revoke
from thidua.tests_support.factories import system_actor

pytestmark = pytest.mark.django_db


@pytest.fixture
def awards(tree: dict[str, Any]) -> dict[str, Any]:
    actor = system_actor()

    def add(**kwargs: Any) -> Any:
        data = {"decision_date": dt.date(2024, 1, 15), "year": 2023, **kwargs}
        return award_record(actor=actor, **data)

    return {
        "flag": add(
            award_type="co_tinh",
            unit=tree["centre_a"],
            decision_number="125/QĐ-UBND",
            issuing_body="Ủy ban nhân dân tỉnh Quảng Trị",
            decision_signer="Chủ tịch UBND tỉnh",
        ),
        "centre_b": add(
            award_type="ttldtt", unit=tree["centre_b"], decision_number="15/QĐ-SNV", issuing_body="Sở Nội vụ"
        ),
        "fighter": add(award_type="cstd_co_so", person=tree["person_a"], decision_number="16/QĐ-SNV", year=2022),
        "ha": add(award_type="ldtt", person=tree["person_c"], decision_number="3/QĐ-SYT", issuing_body="Sở Y tế"),
    }


def names(qs: Any) -> set[str]:
    return {award.recipient_name for award in qs}


def test_search_quang_tri_without_tone_marks(awards: dict[str, Any]) -> None:
    assert names(award_search(query="quang tri")) == {"Trung tâm Lưu trữ lịch sử"}
    assert names(award_search(query="QUẢNG TRỊ")) == {"Trung tâm Lưu trữ lịch sử"}


def test_search_duc_finds_d_with_stroke(awards: dict[str, Any]) -> None:
    # "duc" finds the person Nguyễn Văn Đức and the centre Đào tạo Đức Thọ.
    assert names(award_search(query="duc")) == {"Nguyễn Văn Đức", "Trung tâm Đào tạo Đức Thọ"}
    assert names(award_search(query="nguyen van duc")) == {"Nguyễn Văn Đức"}


def test_search_by_decision_number_title_unit_and_year(awards: dict[str, Any]) -> None:
    assert names(award_search(query="125/QĐ-UBND")) == {"Trung tâm Lưu trữ lịch sử"}
    assert names(award_search(query="125/qd-ubnd")) == {"Trung tâm Lưu trữ lịch sử"}
    assert names(award_search(query="chien si thi dua")) == {"Nguyễn Văn Đức"}
    assert names(award_search(query="kiem soat benh tat")) == {"Trần Thị Hà"}  # the person's unit
    assert names(award_search(query="2022")) == {"Nguyễn Văn Đức"}
    assert names(award_search(query="zzz")) == set()


def test_filters(tree: dict[str, Any], awards: dict[str, Any]) -> None:
    assert names(award_search(award_type="ttldtt")) == {"Trung tâm Đào tạo Đức Thọ"}
    assert names(award_search(year=2022)) == {"Nguyễn Văn Đức"}
    assert names(award_search(recipient_kind="individual")) == {"Nguyễn Văn Đức", "Trần Thị Hà"}
    assert names(award_search(unit=tree["dept"])) == {
        "Trung tâm Lưu trữ lịch sử",
        "Trung tâm Đào tạo Đức Thọ",
        "Nguyễn Văn Đức",
    }
    award_revoke(actor=system_actor(), award=awards["ha"], revoked_on=dt.date(2024, 5, 1), reason="x")
    assert "Trần Thị Hà" not in names(award_search(include_revoked=False))
    assert "Trần Thị Hà" in names(award_search(query="tran thi ha"))


def test_a_page_of_results_is_one_query(awards: dict[str, Any]) -> None:
    with CaptureQueriesContext(connection) as queries:
        rows = list(award_search(query="trung tam"))
        text = [(a.award_type.name, a.unit.name if a.unit else "", a.person, a.batch) for a in rows]
    assert text
    assert len(queries) == 1


def test_newest_first(awards: dict[str, Any]) -> None:
    assert [a.year for a in award_search()] == [2023, 2023, 2023, 2022]


def test_sqlite_search_triggers_survive_the_migrations() -> None:
    """Rebuilding awards_award on SQLite drops its FTS triggers; the last migrations must restore them."""
    if connection.vendor != "sqlite":
        pytest.skip("FTS5 triggers exist on SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'awards_award'")
        names = {row[0] for row in cursor.fetchall()}
    assert names >= {"awards_award_fts_ai", "awards_award_fts_ad", "awards_award_fts_au"}


def test_a_year_with_words_filters_the_year_and_a_decision_number_stays_text(awards: dict[str, Any]) -> None:
    assert names(award_search(query="nguyen van duc 2022")) == {"Nguyễn Văn Đức"}
    assert names(award_search(query="nguyen van duc 2023")) == set()
    # "trung tam" also finds people by their centre; 2023 leaves out Nguyễn Văn Đức's 2022 award.
    assert names(award_search(query="trung tam 2023")) == {
        "Trung tâm Lưu trữ lịch sử",
        "Trung tâm Đào tạo Đức Thọ",
        "Trần Thị Hà",
    }
    # With a slash the number belongs to a decision number: it is not read as a year.
    assert _year_token("2022/qd", ["2022", "qd"]) is None
    assert _year_token("hai lang 2022", ["hai", "lang", "2022"]) == 2022
    assert _year_token("2022 2023", ["2022", "2023"]) is None
    assert _year_token("1234", ["1234"]) is None


def test_with_words_the_latest_recorded_come_first(awards: dict[str, Any]) -> None:
    rows = list(award_search(query="trung tam"))
    assert [award.pk for award in rows] == sorted((award.pk for award in rows), reverse=True)
    assert len(rows) == 4


def test_the_search_page_counts_up_to_the_cap(client: Any, tree: dict[str, Any], awards: dict[str, Any]) -> None:
    from thidua.accounts.roles import Role
    from thidua.tests_support.factories import UserFactory, grant

    user: Any = UserFactory()
    grant(user, Role.VIEWER)
    client.force_login(user)
    html = client.get("/awards/registry/", {"q": "trung tam"}).content.decode()
    assert 'data-count="4"' in html
    assert "data-capped" not in html
