"""Demo data of the emulation year: plan, covenant and signatures, registrations, key tasks with progress,
and a published mid-year review, for one block-year of the Quảng Trị demo.

Everything is written through the emulation services with the demo superuser as the actor, so the
audit chain records it as it would record real work. The content is deterministic (a random generator
seeded per unit code) and idempotent: nothing happens when the block-year already has a covenant.
The demo's lead calls `build_emulation_demo` from thidua/demo/builder.py.
"""

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from thidua.emulation import services
from thidua.emulation.models import Covenant, KeyTask
from thidua.emulation.selectors import member_units
from thidua.emulation.titles import CollectiveTitle, IndividualTitle
from thidua.organizations.models import BlockYear, LeadershipRole, Person, PersonMembership, Phase, Unit

HEAD_TITLE = "Giám đốc"


@dataclass(frozen=True)
class TaskSpec:
    title: str
    target: Decimal | None
    unit_of_measure: str
    due: tuple[int, int]  # (month, day) in the block-year
    weight: int = 1


# Tasks by unit code (the demo's centres and boards); other units draw from GENERIC_TASKS.
UNIT_TASKS: dict[str, list[TaskSpec]] = {
    "SNV-TTLT": [
        TaskSpec("Chỉnh lý, số hóa tài liệu lưu trữ lịch sử", Decimal(12000), "hồ sơ", (11, 30), 3),
        TaskSpec("Phục vụ độc giả khai thác tài liệu lưu trữ", Decimal(1500), "lượt", (12, 15), 2),
        TaskSpec(
            "Tổ chức triển lãm tài liệu lưu trữ kỷ niệm 50 năm thống nhất đất nước", Decimal(1), "triển lãm", (4, 30)
        ),
        TaskSpec("Cập nhật cơ sở dữ liệu lưu trữ lên phần mềm dùng chung", Decimal(100), "%", (6, 30), 2),
    ],
    "SNV-DVVL": [
        TaskSpec("Tư vấn, giới thiệu việc làm cho người lao động", Decimal(8000), "lượt", (12, 15), 3),
        TaskSpec("Tổ chức phiên giao dịch việc làm", Decimal(24), "phiên", (12, 15), 2),
        TaskSpec("Giải quyết hồ sơ trợ cấp thất nghiệp đúng hạn", Decimal(100), "%", (12, 31), 2),
        TaskSpec("Kết nối đưa lao động đi làm việc ở nước ngoài", Decimal(350), "người", (10, 31)),
    ],
    "SNNMT-TTKN": [
        TaskSpec("Xây dựng mô hình trình diễn lúa hữu cơ", Decimal(60), "ha", (9, 30), 3),
        TaskSpec("Tập huấn chuyển giao tiến bộ kỹ thuật cho nông dân", Decimal(40), "lớp", (11, 30), 2),
        TaskSpec("Hỗ trợ hợp tác xã xây dựng sản phẩm OCOP", Decimal(6), "sản phẩm", (6, 30)),
        TaskSpec("Phát hành bản tin khuyến nông điện tử", Decimal(12), "số", (12, 31)),
    ],
    "SNNMT-BQLRPH": [
        TaskSpec("Tuần tra, bảo vệ diện tích rừng phòng hộ được giao", Decimal(100), "%", (12, 31), 3),
        TaskSpec("Trồng rừng phòng hộ đầu nguồn", Decimal(150), "ha", (9, 30), 2),
        TaskSpec("Không để xảy ra cháy rừng trong mùa khô", None, "", (8, 31), 2),
        TaskSpec("Ký hợp đồng khoán bảo vệ rừng với cộng đồng thôn bản", Decimal(25), "hợp đồng", (3, 31)),
    ],
    "SNNMT-QTMT": [
        TaskSpec("Quan trắc chất lượng môi trường nước mặt định kỳ", Decimal(6), "đợt", (12, 15), 3),
        TaskSpec("Vận hành ổn định trạm quan trắc không khí tự động", Decimal(98), "% thời gian", (12, 31), 2),
        TaskSpec("Báo cáo hiện trạng môi trường 6 tháng đầu năm", Decimal(1), "báo cáo", (7, 15)),
    ],
    "SVHTTDL-VHDA": [
        TaskSpec("Tổ chức chương trình nghệ thuật chào mừng các ngày lễ lớn", Decimal(10), "chương trình", (12, 31), 3),
        TaskSpec("Chiếu phim lưu động phục vụ vùng sâu, vùng xa", Decimal(300), "buổi", (11, 30), 2),
        TaskSpec("Tuyên truyền cổ động trực quan kỷ niệm 50 năm giải phóng", Decimal(1), "đợt", (4, 30)),
        TaskSpec("Số hóa kho phim tư liệu của tỉnh", Decimal(200), "phim", (10, 31)),
    ],
    "SVHTTDL-HLTD": [
        TaskSpec("Tham gia giải thể thao toàn quốc và đạt huy chương", Decimal(15), "huy chương", (11, 30), 3),
        TaskSpec("Đào tạo vận động viên năng khiếu", Decimal(120), "vận động viên", (12, 31), 2),
        TaskSpec("Tổ chức Đại hội Thể dục thể thao tỉnh", Decimal(1), "đại hội", (8, 31), 2),
    ],
    "SKHCN-TTTK": [
        TaskSpec("Cập nhật cơ sở dữ liệu nhiệm vụ khoa học và công nghệ", Decimal(100), "%", (9, 30), 2),
        TaskSpec("Phát hành bản tin khoa học và công nghệ", Decimal(12), "số", (12, 31)),
        TaskSpec("Tổ chức chợ công nghệ và thiết bị", Decimal(1), "sự kiện", (10, 31), 2),
    ],
    "SXD-TTQH": [
        TaskSpec("Lập đồ án quy hoạch chung xây dựng xã", Decimal(8), "đồ án", (11, 30), 3),
        TaskSpec("Hoàn thành hồ sơ quy hoạch chi tiết khu dân cư", Decimal(5), "hồ sơ", (9, 30), 2),
        TaskSpec("Số hóa hồ sơ quy hoạch đã phê duyệt", Decimal(400), "hồ sơ", (6, 30)),
    ],
    "SXD-TTKD": [
        TaskSpec("Kiểm định chất lượng công trình xây dựng", Decimal(180), "công trình", (12, 15), 3),
        TaskSpec("Duy trì năng lực phòng thí nghiệm LAS-XD", Decimal(100), "%", (12, 31), 2),
        TaskSpec("Rút ngắn thời gian trả kết quả thí nghiệm", Decimal(5), "ngày", (6, 30)),
    ],
    "STC-DVTC": [
        TaskSpec("Thẩm định giá tài sản công đúng thời hạn", Decimal(100), "%", (12, 31), 3),
        TaskSpec("Kiện toàn bộ máy và quy chế hoạt động của Trung tâm", Decimal(1), "quy chế", (4, 30), 2),
        TaskSpec("Tổ chức đấu giá tài sản công", Decimal(30), "cuộc", (11, 30)),
        TaskSpec("Triển khai phần mềm quản lý tài sản công", Decimal(100), "%", (9, 30)),
    ],
}

GENERIC_TASKS = [
    TaskSpec("Hoàn thành các chỉ tiêu chuyên môn được giao", Decimal(100), "%", (12, 31), 3),
    TaskSpec("Giải quyết hồ sơ thủ tục hành chính đúng hạn", Decimal(100), "%", (12, 31), 2),
    TaskSpec("Ứng dụng chữ ký số trong gửi nhận văn bản", Decimal(100), "%", (6, 30)),
    TaskSpec("Tổ chức hoạt động văn hóa, thể thao cho người lao động", Decimal(4), "hoạt động", (10, 31)),
]

PLAN_OBJECTIVES = (
    "Đẩy mạnh phong trào thi đua yêu nước gắn với thực hiện thắng lợi nhiệm vụ chính trị của từng đơn vị năm {year}; "
    "thi đua lập thành tích chào mừng các ngày lễ lớn của đất nước và của tỉnh Quảng Trị.\n"
    "Đổi mới nội dung, hình thức thi đua theo hướng thiết thực, hiệu quả; phát hiện, bồi dưỡng và nhân rộng "
    "các mô hình hay, cách làm hiệu quả trong cải cách hành chính và chuyển đổi số.\n"
    "Đánh giá, bình xét khen thưởng công khai, dân chủ, đúng người, đúng thành tích; lựa chọn đơn vị tiêu biểu "
    "đề nghị UBND tỉnh tặng Cờ thi đua."
)

MILESTONES = [
    ((1, 16), "Hội nghị tổng kết công tác thi đua năm {prev}, triển khai nhiệm vụ năm {year}"),
    ((2, 25), "Ký kết giao ước thi đua giữa các đơn vị thành viên"),
    ((3, 15), "Hạn đăng ký danh hiệu thi đua và nhiệm vụ trọng tâm"),
    ((7, 15), "Sơ kết công tác thi đua 6 tháng đầu năm"),
    ((11, 30), "Các đơn vị tự chấm điểm theo bảng tiêu chí"),
    ((12, 10), "Chấm chéo; Khối trưởng tổng hợp kết quả"),
]

COVENANT_PREAMBLE = (
    "Thực hiện Luật Thi đua, khen thưởng năm 2022 và Kế hoạch hoạt động của Khối năm {year}, các đơn vị thành viên "
    "thống nhất ký kết giao ước thi đua với các nội dung sau:"
)

COMMITMENTS = [
    "Hoàn thành xuất sắc các chỉ tiêu, nhiệm vụ chuyên môn được cấp có thẩm quyền giao năm {year}.",
    "Thực hiện tốt công tác cải cách hành chính, chuyển đổi số; 100% văn bản được gửi, nhận trên môi trường điện tử.",
    "Thực hành tiết kiệm, chống lãng phí; quản lý, sử dụng tài chính, tài sản công đúng quy định.",
    "Xây dựng cơ quan, đơn vị văn hóa; không có cán bộ, viên chức vi phạm pháp luật, bị xử lý kỷ luật.",
    "Tham gia đầy đủ các phong trào thi đua, hoạt động văn hóa, thể thao và công tác an sinh xã hội do Khối phát động.",
    "Chia sẻ ít nhất một mô hình hay, cách làm hiệu quả với các đơn vị trong Khối.",
]

MIDYEAR_SUMMARY = (
    "Sáu tháng đầu năm {year}, các đơn vị trong Khối đã ký kết giao ước thi đua, đăng ký danh hiệu và nhiệm vụ trọng "
    "tâm đúng thời hạn; phong trào thi đua được triển khai sâu rộng, gắn với kỷ niệm 50 năm giải phóng tỉnh Quảng Trị "
    "và thống nhất đất nước.\n"
    "Phần lớn nhiệm vụ trọng tâm đạt tiến độ đề ra; một số nhiệm vụ có thời hạn trong quý II còn chậm do ảnh hưởng của "
    "việc sắp xếp tổ chức bộ máy, cần tập trung hoàn thành trong quý III.\n"
    "Sáu tháng cuối năm, các đơn vị tiếp tục đẩy mạnh chuyển đổi số, cải cách hành chính và chia sẻ mô hình hay; "
    "Khối trưởng đôn đốc các đơn vị có nhiệm vụ quá hạn báo cáo tiến độ hằng tháng."
)


def _director(unit: Unit) -> Person | None:
    membership = (
        PersonMembership.objects.filter(unit=unit, end_date__isnull=True, position__startswith=HEAD_TITLE)
        .select_related("person")
        .order_by("person_id")
        .first()
    )
    return membership.person if membership else None


def _staff_count(unit: Unit) -> int:
    return PersonMembership.objects.filter(unit=unit, end_date__isnull=True).count()


def _titles(index: int, role: str | None) -> list[str]:
    if role == LeadershipRole.HEAD:
        return [CollectiveTitle.FLAG_PROVINCE, CollectiveTitle.EXCELLENT_COLLECTIVE]
    if role == LeadershipRole.DEPUTY or index % 3 == 0:
        return [CollectiveTitle.MERIT_PROVINCE, CollectiveTitle.EXCELLENT_COLLECTIVE]
    return [CollectiveTitle.EXCELLENT_COLLECTIVE if index % 2 else CollectiveTitle.ADVANCED_COLLECTIVE]


def _targets(staff: int, rng: random.Random) -> dict[str, int]:
    staff = staff or rng.randint(15, 30)
    return {
        IndividualTitle.ADVANCED_LABOURER: round(staff * rng.uniform(0.7, 0.9)),
        IndividualTitle.EMULATION_FIGHTER_GRASSROOTS: max(1, round(staff * rng.uniform(0.08, 0.15))),
        IndividualTitle.EMULATION_FIGHTER_PROVINCE: rng.choice([0, 0, 1]),
    }


def _progress_updates(actor: Any, task: KeyTask, *, stuck: bool, rng: random.Random, today: dt.date, year: int) -> None:
    """Two to four updates; a task on track reaches 100 % by its due date, a "stuck" one stops short of it."""
    final = rng.randint(55, 85) if stuck else 100
    last_month = 11 if stuck else task.due_date.month
    first_month = max(1, last_month - 6)
    months = sorted(
        rng.sample(range(first_month, last_month + 1), k=min(rng.randint(2, 4), last_month - first_month + 1))
    )
    last = len(months) - 1
    for step, month in enumerate(months):
        latest_day = task.due_date.day if month == task.due_date.month and not stuck else 28
        date = dt.date(year, month, rng.randint(min(5, latest_day), min(25, latest_day)))
        if date > today:
            break
        percent = final if step == last else min(final, round(final * (step + 1) / (last + 1)) // 5 * 5)
        actual = None
        if task.target_value is not None and task.target_unit != "%":
            actual = (task.target_value * percent / 100).quantize(Decimal(1))
        services.key_task_record_progress(
            actor=actor,
            task=task,
            date=date,
            progress=percent,
            actual_value=actual,
            note="Đã báo cáo Khối trưởng." if step == last else "",
            today=today,
        )


@transaction.atomic
def build_emulation_demo(*, block_year: BlockYear, actor: Any, today: dt.date) -> None:
    """Fill the block-year's emulation work (see the module docstring); nothing if it already has a covenant."""
    if Covenant.objects.filter(block_year=block_year).exists() or block_year.phase == Phase.CLOSED:
        return
    year = block_year.year
    units = list(member_units(block_year=block_year))
    roles = dict(block_year.leadership.values_list("unit_id", "role"))

    services.plan_save(
        actor=actor,
        block_year=block_year,
        objectives=PLAN_OBJECTIVES.format(year=year),
        milestones=[(dt.date(year, m, d), title.format(year=year, prev=year - 1)) for (m, d), title in MILESTONES]
        + [(dt.date(year + 1, 1, 16), f"Hội nghị tổng kết năm {year}, bình xét, suy tôn đơn vị dẫn đầu")],
    )
    covenant = services.covenant_save(
        actor=actor,
        block_year=block_year,
        title=f"Giao ước thi đua năm {year}",
        preamble=COVENANT_PREAMBLE.format(year=year),
        commitments=[text.format(year=year) for text in COMMITMENTS],
    )
    covenant = services.covenant_open_for_signing(actor=actor, covenant=covenant)
    for unit in units[:-1]:  # the last unit in the rotation has not signed yet
        director = _director(unit)
        services.covenant_sign(
            actor=actor,
            covenant=covenant,
            unit=unit,
            signer_name=director.full_name if director else f"{HEAD_TITLE} {unit.short_name or unit.name}",
            signer_title=f"{HEAD_TITLE} {unit.name}"[:200],
        )

    for index, unit in enumerate(units):
        rng = random.Random(f"emulation:{year}:{unit.code}")
        registration = services.registration_save(
            actor=actor,
            block_year=block_year,
            unit=unit,
            collective_titles=_titles(index, roles.get(unit.pk)),
            individual_targets=_targets(_staff_count(unit), rng),
            note="Đơn vị cam kết thực hiện đầy đủ nội dung giao ước thi đua của Khối.",
        )
        specs = UNIT_TASKS.get(unit.code, GENERIC_TASKS)[:5]
        director = _director(unit)
        tasks = [
            services.key_task_create(
                actor=actor,
                block_year=block_year,
                unit=unit,
                title=spec.title,
                due_date=dt.date(year, *spec.due),
                target_value=spec.target,
                target_unit=spec.unit_of_measure,
                owner=director if position == 0 else None,
                owner_name="" if position == 0 else "Phòng Nghiệp vụ",
                weight=spec.weight,
            )
            for position, spec in enumerate(specs)
        ]
        registration = services.registration_submit(actor=actor, registration=registration)
        if index % 5 != 4:  # a few registrations still wait for the block head
            services.registration_acknowledge(actor=actor, registration=registration)
        stuck = {1} if index % 2 == 0 else set()  # about half the units have one task running late
        for position, task in enumerate(tasks):
            _progress_updates(actor, task, stuck=position in stuck, rng=rng, today=today, year=year)

    cutoff = min(dt.date(year, 6, 30), today)
    if cutoff < dt.date(year, 1, 1):
        return
    review = services.midyear_review_save(
        actor=actor,
        block_year=block_year,
        summary=MIDYEAR_SUMMARY.format(year=year),
        cutoff_date=cutoff,
        remarks={
            unit.pk: (
                "Hoàn thành tốt nhiệm vụ 6 tháng đầu năm; tích cực tham gia các hoạt động của Khối."
                if index % 3
                else "Có nhiệm vụ trọng tâm chậm tiến độ; đề nghị tập trung khắc phục trong quý III."
            )
            for index, unit in enumerate(units)
        },
    )
    services.midyear_review_publish(actor=actor, review=review, today=today)
