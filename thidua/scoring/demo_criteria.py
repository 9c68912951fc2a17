"""A realistic demo scoring table for a block of public-service centres, built through the services.

The table follows the typical shape of a provincial block's criteria (domain.md §4.3): five groups
worth 100 points — professional tasks (40), administrative reform and digital transformation (20),
emulation and commendation work (15), Party and mass organisations (15), discipline (10) — plus
bonus points for emulation flags (+10 for the provincial flag, +15 for the Government's) and
deductions (−1 per late report up to −5, −5 per disciplined staff member). The settings are review
by the head and deputies, mean of the reviews, tie-break on group I then fewer deductions, and the
bands of the Ministry of Labour's sector table (Thông tư 08/2019: 70–90 points) made contiguous.

Idempotent: a set that already has lines is left as it is, and settings or bands that a block-year
already has are not overwritten, so a second run writes nothing and records no audit event.
The wording is plausible, not a claim about any real block's regulation (domain.md §4.3 UNCONFIRMED).
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from thidua.organizations.models import BlockYear
from thidua.scoring import rules
from thidua.scoring.models import CriteriaSet, FinalRule, ItemType, ReviewMode, ScoreBand, ScoringConfig
from thidua.scoring.services import config as config_services
from thidua.scoring.services import criteria as criteria_services

LEGAL_BASIS = (
    "Luật Thi đua, khen thưởng năm 2022; Nghị định số 98/2023/NĐ-CP ngày 31/12/2023 của Chính phủ quy định chi tiết "
    "thi hành một số điều của Luật Thi đua, khen thưởng; Quy chế hoạt động của Khối thi đua."
)
BAND_SOURCE = "Thông tư 08/2019/TT-BLĐTBXH (thang điểm ngành LĐTBXH, tham khảo); ngưỡng áp dụng do Khối thống nhất"


@dataclass(frozen=True)
class DemoItem:
    code: str
    title: str
    item_type: str = ItemType.POINTS
    max_points: int = 0
    per_occurrence: int = 0
    cap: int | None = None
    evidence: bool = False
    guidance: str = ""


P, YN, BONUS, DEDUCT = ItemType.POINTS, ItemType.YES_NO, ItemType.BONUS, ItemType.DEDUCTION

DEMO_TABLE: list[tuple[str, str, list[DemoItem]]] = [
    (
        "I",
        "Thực hiện nhiệm vụ chuyên môn",
        [
            DemoItem(
                "1.1",
                "Hoàn thành 100% chỉ tiêu, kế hoạch công tác chuyên môn được giao trong năm",
                P,
                12,
                evidence=True,
                guidance="Căn cứ báo cáo tổng kết năm và đánh giá của cơ quan quản lý cấp trên. "
                "Mỗi chỉ tiêu không hoàn thành trừ 2 điểm.",
            ),
            DemoItem(
                "1.2",
                "Hoàn thành các nhiệm vụ trọng tâm đã đăng ký thi đua đầu năm",
                P,
                10,
                evidence=True,
                guidance="Mỗi nhiệm vụ trọng tâm không hoàn thành trừ 2 điểm.",
            ),
            DemoItem(
                "1.3",
                "Chất lượng cung cấp dịch vụ sự nghiệp công; mức độ hài lòng của người dân, tổ chức",
                P,
                8,
                guidance="Theo kết quả khảo sát: từ 90% trở lên: 8 điểm; từ 80% đến dưới 90%: 6 điểm; "
                "dưới 80%: 3 điểm.",
            ),
            DemoItem(
                "1.4",
                "Có mô hình, giải pháp, sáng kiến được cấp có thẩm quyền công nhận và áp dụng hiệu quả",
                P,
                5,
                evidence=True,
            ),
            DemoItem("1.5", "Quản lý, sử dụng tài chính, tài sản công đúng quy định; thực hiện cơ chế tự chủ", P, 5),
        ],
    ),
    (
        "II",
        "Cải cách hành chính, chuyển đổi số",
        [
            DemoItem(
                "2.1", "Rà soát, ban hành quy chế nội bộ, quy trình giải quyết công việc theo hướng tinh gọn", P, 5
            ),
            DemoItem(
                "2.2",
                "Sử dụng văn bản điện tử, chữ ký số; hồ sơ công việc được xử lý trên môi trường mạng",
                P,
                5,
                guidance="Tỷ lệ văn bản đi được ký số từ 95% trở lên: 5 điểm; từ 80% đến dưới 95%: 3 điểm.",
            ),
            DemoItem(
                "2.3",
                "Triển khai chuyển đổi số, cơ sở dữ liệu chuyên ngành phục vụ quản lý và cung cấp dịch vụ",
                P,
                5,
                evidence=True,
            ),
            DemoItem("2.4", "Thực hiện văn hóa công sở; công khai, minh bạch trong hoạt động của đơn vị", YN, 5),
        ],
    ),
    (
        "III",
        "Công tác thi đua, khen thưởng",
        [
            DemoItem("3.1", "Ký kết giao ước, đăng ký thi đua và gửi Khối trưởng đúng thời hạn", YN, 3),
            DemoItem(
                "3.2",
                "Tổ chức, hưởng ứng các phong trào thi đua của tỉnh và của Khối; tham gia đầy đủ hoạt động chung",
                P,
                4,
            ),
            DemoItem(
                "3.3", "Sơ kết, tổng kết; phát hiện, bồi dưỡng, nhân rộng điển hình tiên tiến", P, 4, evidence=True
            ),
            DemoItem("3.4", "Hồ sơ đề nghị khen thưởng đúng quy định, đúng thời hạn", P, 4),
        ],
    ),
    (
        "IV",
        "Xây dựng Đảng, đoàn thể",
        [
            DemoItem("4.1", "Tổ chức cơ sở đảng được xếp loại “Hoàn thành tốt nhiệm vụ” trở lên", YN, 6, evidence=True),
            DemoItem(
                "4.2",
                "Công đoàn, Đoàn Thanh niên, Hội Cựu chiến binh (nếu có) hoàn thành tốt nhiệm vụ trở lên",
                P,
                5,
            ),
            DemoItem(
                "4.3",
                "Tham gia các hoạt động văn hóa, văn nghệ, thể dục thể thao, an sinh xã hội, từ thiện, nhân đạo",
                P,
                4,
            ),
        ],
    ),
    (
        "V",
        "Chấp hành kỷ luật, kỷ cương hành chính",
        [
            DemoItem("5.1", "Chấp hành chế độ thông tin, báo cáo đầy đủ, đúng thời hạn", P, 4),
            DemoItem("5.2", "Thực hành tiết kiệm, chống lãng phí; phòng, chống tham nhũng, tiêu cực", P, 3),
            DemoItem("5.3", "Không có cán bộ, viên chức, người lao động vi phạm pháp luật, bị xử lý kỷ luật", YN, 3),
        ],
    ),
    (
        "VI",
        "Điểm thưởng, điểm trừ",
        [
            DemoItem(
                "6.1",
                "Được tặng Cờ thi đua của Ủy ban nhân dân tỉnh",
                BONUS,
                per_occurrence=10,
                cap=10,
                evidence=True,
                guidance="Cộng 10 điểm (quyết định tặng Cờ thi đua trong năm).",
            ),
            DemoItem(
                "6.2",
                "Được tặng Cờ thi đua của Chính phủ",
                BONUS,
                per_occurrence=15,
                cap=15,
                evidence=True,
                guidance="Cộng 15 điểm (quyết định tặng Cờ thi đua trong năm).",
            ),
            DemoItem(
                "6.3",
                "Chậm nộp báo cáo theo yêu cầu của Khối",
                DEDUCT,
                per_occurrence=1,
                cap=5,
                guidance="Trừ 1 điểm mỗi lần, tối đa 5 điểm.",
            ),
            DemoItem(
                "6.4",
                "Có cán bộ, viên chức bị xử lý kỷ luật",
                DEDUCT,
                per_occurrence=5,
                evidence=True,
                guidance="Trừ 5 điểm cho mỗi trường hợp bị kỷ luật từ hình thức khiển trách trở lên.",
            ),
        ],
    ),
]

DEMO_TIE_BREAKS = [{"kind": "group", "group": "I"}, {"kind": "fewer_deductions"}]
DEMO_BAND_THRESHOLDS = [
    (Decimal(70), "Tập thể lao động tiên tiến"),
    (Decimal(91), "Tập thể lao động xuất sắc"),
]


def _decimal(value: int | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _build_tree(actor: Any, criteria_set: CriteriaSet) -> None:
    for code, title, items in DEMO_TABLE:
        group = criteria_services.criteria_group_add(actor=actor, criteria_set=criteria_set, code=code, title=title)
        for item in items:
            criteria_services.criteria_item_add(
                actor=actor,
                group=group,
                code=item.code,
                title=item.title,
                item_type=item.item_type,
                max_points=Decimal(item.max_points),
                per_occurrence=Decimal(item.per_occurrence),
                cap=_decimal(item.cap),
                evidence_required=item.evidence,
                guidance=item.guidance,
            )


@transaction.atomic
def build_criteria_demo(*, block_year: BlockYear, actor: Any) -> CriteriaSet:
    """The demo criteria set, settings and bands of `block_year` (see the module docstring)."""
    criteria_set = CriteriaSet.objects.filter(block_year=block_year).first()
    if criteria_set is None:
        criteria_set = criteria_services.criteria_set_create(
            actor=actor,
            block_year=block_year,
            title=f"Bảng tiêu chí chấm điểm thi đua năm {block_year.year}",
            legal_basis=LEGAL_BASIS,
        )
    if not criteria_set.items.exists() and not criteria_set.is_locked:
        _build_tree(actor, criteria_set)
    if not ScoringConfig.objects.filter(block_year=block_year).exists():
        config_services.scoring_config_update(
            actor=actor,
            block_year=block_year,
            review_mode=ReviewMode.HEAD_AND_DEPUTIES,
            final_rule=FinalRule.MEAN,
            tie_breaks=DEMO_TIE_BREAKS,
        )
    if not ScoreBand.objects.filter(block_year=block_year).exists():
        bands = rules.contiguous_bands(DEMO_BAND_THRESHOLDS)
        config_services.score_bands_set(
            actor=actor,
            block_year=block_year,
            bands=[(band.minimum, band.maximum, band.title, BAND_SOURCE) for band in bands],
        )
    return criteria_set


@transaction.atomic
def build_locked_criteria_demo(*, block_year: BlockYear, actor: Any) -> CriteriaSet:
    """The demo set, locked so that scoring can open (self-score sheets need a locked set)."""
    criteria_set = build_criteria_demo(block_year=block_year, actor=actor)
    if not criteria_set.is_locked:
        criteria_set = criteria_services.criteria_set_lock(actor=actor, criteria_set=criteria_set)
    return criteria_set
