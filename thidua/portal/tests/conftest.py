"""The portal's fixture: one published decision, one issued but unpublished, one draft, a hand-entered award."""

import datetime as dt
from typing import Any

import pytest

from thidua.awards.services.registry import award_record
from thidua.tests_support.factories import DecisionFactory, decision_award, system_actor


@pytest.fixture
def public(tree: dict[str, Any]) -> dict[str, Any]:
    published = DecisionFactory(
        number="125/QĐ-UBND",
        signed_on=dt.date(2025, 1, 20),
        title="Về việc tặng Cờ thi đua và Bằng khen năm 2024",
        legal_basis="Luật Thi đua, khen thưởng số 06/2022/QH15",
    )
    unpublished = DecisionFactory(
        number="7/QĐ-SNV", issuing_body="Sở Nội vụ", title="Về việc tặng Giấy khen nội bộ", published=False
    )
    draft = DecisionFactory(status="draft", number="", title="Dự thảo chưa ban hành")
    return {
        "published": published,
        "unpublished": unpublished,
        "draft": draft,
        "flag": decision_award(published, award_type="co_tinh", unit=tree["centre_a"], amount=10_530_000),
        "merit": decision_award(published, award_type="bang_khen_tinh", person=tree["person_a"], amount=1_170_000),
        "hidden": decision_award(unpublished, award_type="giay_khen", unit=tree["centre_c"], amount=620_000),
        "pending": decision_award(draft, award_type="giay_khen", unit=tree["board"]),
        "manual": award_record(
            actor=system_actor(),
            award_type="ttldtt",
            unit=tree["centre_b"],
            year=2023,
            decision_number="3/QĐ-SNV",
            decision_date=dt.date(2024, 1, 15),
        ),
    }
