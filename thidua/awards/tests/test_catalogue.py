"""The migrated catalogue (domain.md §2–3) and the dated lookups: worked prize amounts through prize_for, the base
salary by date, gaps and the figures a decision states."""

import datetime as dt
import json
from decimal import Decimal
from itertools import pairwise
from typing import Any

import pytest

from thidua.awards import selectors
from thidua.awards.models import AwardParameter, AwardType, BaseSalary, PrizeCoefficient, Recipient
from thidua.core.exceptions import ValidationFailed

pytestmark = pytest.mark.django_db

CODES = [
    "ldtt",
    "cstd_co_so",
    "cstd_tinh",
    "cstd_toan_quoc",
    "ttldtt",
    "ttldxs",
    "co_tinh",
    "co_chinh_phu",
    "bang_khen_tinh",
    "bang_khen_ttg",
    "giay_khen",
]
ND152_DAY = dt.date(2025, 12, 1)
ND98_DAY = dt.date(2024, 12, 31)
IND, COL = Recipient.INDIVIDUAL.value, Recipient.COLLECTIVE.value


def _code(exc: Any) -> str:
    return exc.value.code


# --- the migrated data -----------------------------------------------------------------------------------------------


def test_catalogue_has_every_award_type_in_order() -> None:
    assert set(AwardType.objects.values_list("code", flat=True)) == set(CODES)
    assert [t.code for t in selectors.award_types()][:2] == ["ldtt", "cstd_co_so"]
    assert all(t.counts_as_history and t.valid_from == dt.date(2024, 1, 1) for t in AwardType.objects.all())
    flag = AwardType.objects.get(code="co_chinh_phu")
    assert (flag.kind, flag.recipient, flag.level, flag.decided_by, flag.handed_over) == (
        "title",
        "collective",
        "national",
        "government",
        "flag",
    )
    giay_khen = AwardType.objects.get(code="giay_khen")
    assert (giay_khen.kind, giay_khen.recipient, giay_khen.decided_by) == ("form", "both", "department_head")
    assert "Điều 80, khoản 1" in giay_khen.authority_basis


def test_every_award_type_has_an_open_coefficient_for_its_recipients() -> None:
    for award_type in AwardType.objects.all():
        recipients = {IND, COL} if award_type.recipient == "both" else {award_type.recipient}
        own = set(
            PrizeCoefficient.objects.filter(award_type=award_type, valid_to__isnull=True).values_list(
                "recipient", flat=True
            )
        )
        # forms carry individual rows only; collectives use the multiplier
        assert own == ({IND} if award_type.kind == "form" else recipients), award_type.code


@pytest.mark.parametrize("model", [PrizeCoefficient, BaseSalary, AwardParameter])
def test_no_series_overlaps(model: Any) -> None:
    series: dict[Any, list[Any]] = {}
    for row in model.objects.order_by("valid_from"):
        key = (
            (row.award_type_id, row.recipient)
            if model is PrizeCoefficient
            else row.key
            if model is AwardParameter
            else None
        )
        series.setdefault(key, []).append(row)
    for rows in series.values():
        assert sum(row.valid_to is None for row in rows) == 1
        for earlier, later in pairwise(rows):
            assert earlier.valid_to is not None
            assert earlier.valid_to < later.valid_from


def test_base_salary_series_is_continuous_and_unconfirmed_where_unsourced() -> None:
    rows = list(selectors.base_salary_series())
    assert [(r.amount, r.valid_from) for r in rows] == [
        (1_390_000, dt.date(2018, 7, 1)),
        (1_490_000, dt.date(2019, 7, 1)),
        (1_800_000, dt.date(2023, 7, 1)),
        (2_340_000, dt.date(2024, 7, 1)),
    ]
    for earlier, later in pairwise(rows):
        assert earlier.valid_to == later.valid_from - dt.timedelta(days=1)
    assert all(row.unconfirmed and row.note for row in rows)
    assert rows[-1].legal_basis == "Nghị định 73/2024/NĐ-CP"


def test_unconfirmed_items_are_flagged_with_a_note() -> None:
    flagged = set(AwardParameter.objects.filter(unconfirmed=True).values_list("key", flat=True))
    assert flagged == {
        "collective_multiplier",
        "government_flag_share",
        "ttldtt_ldtt_share",
        "cstdcs_quota",
        # the workflow's deadlines and the council's majority (migration 0006): Thidua defaults, unconfirmed
        "deadline_unit_head_days",
        "deadline_block_head_days",
        "deadline_department_days",
        "deadline_council_days",
        "deadline_decision_days",
        "council_majority_share",
    }
    assert all(p.note for p in AwardParameter.objects.filter(unconfirmed=True))
    nd98_forms = PrizeCoefficient.objects.filter(award_type__kind="form", valid_to=dt.date(2025, 6, 30))
    assert nd98_forms.count() == 3
    assert all(row.unconfirmed for row in nd98_forms)
    assert not PrizeCoefficient.objects.filter(valid_from=dt.date(2025, 7, 1), unconfirmed=True).exists()
    assert AwardType.objects.get(code="ttldtt").unconfirmed
    assert not AwardType.objects.get(code="ldtt").unconfirmed


def test_parameters_on_a_date_are_typed() -> None:
    values = selectors.parameters_on(dt.date(2025, 3, 1))
    assert values == {
        "bang_khen_tinh_cstdcs_consecutive": 2,
        "bang_khen_tinh_excellent_years": 2,
        "bang_khen_tinh_initiatives": 2,
        "collective_multiplier": Decimal(2),
        "council_majority_share": Decimal("0.5"),
        "deadline_block_head_days": 5,
        "deadline_council_days": 25,
        "deadline_decision_days": 10,
        "deadline_department_days": 10,
        "deadline_unit_head_days": 5,
        "cstd_tinh_consecutive": 3,
        "cstd_toan_quoc_consecutive": 2,
        "cstdcs_quota": None,
        "government_flag_share": Decimal("0.20"),
        "ttldtt_ldtt_share": Decimal("0.50"),
        "ttldxs_completing_share": Decimal(1),
        "ttldxs_cstdcs_min": 1,
        "ttldxs_ldtt_share": Decimal("0.70"),
    }
    assert selectors.parameters_on(dt.date(2023, 12, 31)) == {}
    assert selectors.parameter_on("government_flag_share", ND152_DAY).legal_basis.startswith("Công văn 5007/BNV-TĐKT")


# --- prize_for: the worked amounts of domain.md §3.3 ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "recipient", "amount"),
    [
        ("ttldtt", COL, 1_880_000),  # 0.8 × 2,340,000 = 1,872,000 → 1,880,000
        ("co_chinh_phu", COL, 28_080_000),
        ("ldtt", IND, 710_000),
        ("cstd_co_so", IND, 2_340_000),
        ("co_tinh", COL, 18_720_000),
        ("ttldxs", COL, 3_510_000),
        ("cstd_tinh", IND, 7_020_000),
        ("cstd_toan_quoc", IND, 10_530_000),
        ("bang_khen_tinh", IND, 3_510_000),
        ("giay_khen", IND, 710_000),
        ("bang_khen_ttg", IND, 8_190_000),
        ("bang_khen_tinh", COL, 7_020_000),  # 1.5 × 2 (collective multiplier)
        ("giay_khen", COL, 1_410_000),  # 0.3 × 2 × 2,340,000 = 1,404,000 → 1,410,000
        ("bang_khen_ttg", COL, 16_380_000),
    ],
)
def test_worked_amounts_through_prize_for(code: str, recipient: str, amount: int) -> None:
    quote = selectors.prize_for(code, recipient, ND152_DAY)
    assert quote.amount == amount
    assert quote.base_salary == 2_340_000
    assert quote.base_salary_basis == "Nghị định 73/2024/NĐ-CP"


def test_quote_states_the_figures_used() -> None:
    quote = selectors.prize_for(AwardType.objects.get(code="giay_khen"), COL, ND152_DAY)
    assert quote.coefficient == Decimal("0.30")
    assert quote.multiplier == Decimal(2)
    assert quote.coefficient_basis == "Nghị định 152/2025/NĐ-CP, Điều 54, khoản 1"
    assert quote.multiplier_basis.startswith("Nghị định 91/2017/NĐ-CP")
    assert quote.multiplier_id == selectors.parameter_on("collective_multiplier", ND152_DAY).pk
    assert quote.unconfirmed  # the ×2 rule and the base salary's start date are unconfirmed
    data = json.loads(json.dumps(quote.as_dict()))
    assert data["amount"] == 1_410_000
    assert data["coefficient"] == "0.30"
    assert data["decision_date"] == "2025-12-01"
    individual = selectors.prize_for("giay_khen", IND, ND152_DAY)
    assert individual.multiplier == 1
    assert individual.multiplier_id is None
    assert individual.multiplier_basis == ""


def test_the_values_in_force_on_the_decision_date_are_used() -> None:
    # ND98 period: Bằng khen tỉnh had 1.0 (unconfirmed) — ND152 1.5 from 01/07/2025
    assert selectors.prize_for("bang_khen_tinh", IND, ND98_DAY).amount == 2_340_000
    assert selectors.prize_for("bang_khen_tinh", IND, dt.date(2025, 6, 30)).coefficient == Decimal("1.00")
    assert selectors.prize_for("bang_khen_tinh", IND, dt.date(2025, 7, 1)).coefficient == Decimal("1.50")
    # base salary 1,800,000 until 30/06/2024: 0.8 × 1,800,000 = 1,440,000
    early = selectors.prize_for("ttldtt", COL, dt.date(2024, 6, 30))
    assert (early.base_salary, early.amount) == (1_800_000, 1_440_000)
    assert selectors.prize_for("ldtt", IND, dt.date(2024, 6, 30)).amount == 540_000  # 0.3 × 1,800,000


def test_base_salary_by_date() -> None:
    assert selectors.base_salary_on(dt.date(2024, 6, 30)).amount == 1_800_000
    assert selectors.base_salary_on(dt.date(2024, 7, 1)).amount == 2_340_000
    assert selectors.base_salary_on(dt.date(2030, 1, 1)).amount == 2_340_000
    assert selectors.base_salary_on(dt.date(2019, 7, 1)).amount == 1_490_000
    with pytest.raises(ValidationFailed) as info:
        selectors.base_salary_on(dt.date(2018, 6, 30))
    assert _code(info) == "no_base_salary"


def test_a_base_salary_gap_on_the_decision_date_is_refused() -> None:
    BaseSalary.objects.filter(amount=1_800_000).update(valid_to=dt.date(2024, 5, 31))
    with pytest.raises(ValidationFailed) as info:
        selectors.prize_for("ldtt", IND, dt.date(2024, 6, 15))
    assert _code(info) == "no_base_salary"
    assert info.value.field == "date"
    assert "15" in str(info.value.message)
    assert selectors.prize_for("ldtt", IND, dt.date(2024, 5, 31)).amount == 540_000


def test_lookups_refuse_what_the_catalogue_does_not_cover() -> None:
    with pytest.raises(ValidationFailed) as info:
        selectors.prize_for("ldtt", COL, ND152_DAY)
    assert _code(info) == "recipient_not_allowed"
    with pytest.raises(ValidationFailed) as info:
        selectors.prize_for("co_tinh", IND, ND152_DAY)
    assert _code(info) == "recipient_not_allowed"
    with pytest.raises(ValidationFailed) as info:
        selectors.prize_for("huan_chuong", IND, ND152_DAY)
    assert _code(info) == "unknown_award_type"
    with pytest.raises(ValidationFailed) as info:
        selectors.prize_for("ldtt", IND, dt.date(2023, 12, 31))  # before Law 06/2022: no coefficient loaded
    assert _code(info) == "no_coefficient"
    with pytest.raises(ValidationFailed) as info:
        selectors.parameter_on("collective_multiplier", dt.date(2023, 1, 1))
    assert _code(info) == "no_parameter"


def test_a_collective_without_a_multiplier_value_is_refused() -> None:
    AwardParameter.objects.filter(key="collective_multiplier").update(value=None)
    with pytest.raises(ValidationFailed) as info:
        selectors.prize_for("giay_khen", COL, ND152_DAY)
    assert _code(info) == "no_parameter"
    AwardParameter.objects.filter(key="collective_multiplier").delete()
    with pytest.raises(ValidationFailed) as info:
        selectors.prize_for("giay_khen", COL, ND152_DAY)
    assert _code(info) == "no_parameter"


def test_emulation_title_codes_map_to_catalogue_codes() -> None:
    from thidua.emulation.titles import CollectiveTitle, IndividualTitle

    assert set(selectors.EMULATION_TITLE_CODES) == set(CollectiveTitle.values) | set(IndividualTitle.values)
    assert set(selectors.EMULATION_TITLE_CODES.values()) <= set(CODES)
