"""Demo movements, activities and good practices for the Quảng Trị demo block-year 2025.

`build_movements_demo` is called by the demo builder after the blocks exist. Every write goes through
the movements services with the demo actor, so the audit chain records the demo as it would record
real work. It is idempotent in the simplest way: a block-year that already has movements is left
alone. Units are found by their demo codes among the block-year's members; an item whose units are
not members (the membership changed) is skipped rather than failing the whole demo.

Dates belong to 2025; publication and adoption dates are never later than `today`. The content is
plausible, not a record of what the real units did.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from thidua.accounts.models import User
from thidua.movements import services
from thidua.movements.models import ActivityKind, Movement, Theme
from thidua.organizations.models import BlockYear, Unit

D = dt.date

# Unit codes of the demo (thidua/demo/builder.py UNIT_SPECS).
LUU_TRU = "SNV-TTLT"
VIEC_LAM = "SNV-DVVL"
KHUYEN_NONG = "SNNMT-TTKN"
RUNG = "SNNMT-BQLRPH"
QUAN_TRAC = "SNNMT-QTMT"
VAN_HOA = "SVHTTDL-VHDA"
THE_THAO = "SVHTTDL-HLTD"
KHCN = "SKHCN-TTTK"
QUY_HOACH = "SXD-TTQH"
KIEM_DINH = "SXD-TTKD"
TAI_CHINH = "STC-DVTC"
ALL = "*"


@dataclass(frozen=True)
class MovementSpec:
    key: str
    title: str
    theme: str
    start: dt.date
    end: dt.date
    goals: str
    units: tuple[str, ...]


@dataclass(frozen=True)
class ActivitySpec:
    kind: str
    title: str
    date: dt.date
    organiser: str
    place: str
    description: str
    participants: tuple[str, ...]
    attendees: int
    movement: str | None = None
    end: dt.date | None = None


@dataclass(frozen=True)
class PracticeSpec:
    unit: str
    title: str
    movement: str | None
    problem: str
    approach: str
    results: str
    contact: str
    published: dt.date | None  # None: left as a draft
    comments: tuple[tuple[str, str], ...] = ()  # (username, text)
    adoptions: tuple[tuple[str, dt.date, str], ...] = field(default=())  # (unit code, date, note)


MOVEMENTS: list[MovementSpec] = [
    MovementSpec(
        "cchc",
        "Cải cách hành chính",
        Theme.ADMINISTRATIVE_REFORM,
        D(2025, 2, 15),
        D(2025, 12, 15),
        "Giải quyết 100% hồ sơ, thủ tục đúng hoặc trước hạn; niêm yết công khai quy trình nội bộ; "
        "không để xảy ra phản ánh, kiến nghị về thái độ phục vụ; mỗi đơn vị có ít nhất một sáng kiến cải cách.",
        (ALL,),
    ),
    MovementSpec(
        "cds",
        "Chuyển đổi số",
        Theme.DIGITAL_TRANSFORMATION,
        D(2025, 3, 1),
        D(2025, 12, 31),
        "100% văn bản đi được ký số và gửi trên hệ thống quản lý văn bản điều hành; số hóa hồ sơ công việc "
        "phát sinh trong năm; tổ chức họp trực tuyến khi phù hợp; mỗi viên chức có tài khoản định danh điện tử.",
        (LUU_TRU, KHUYEN_NONG, TAI_CHINH, KHCN, QUY_HOACH, KIEM_DINH, QUAN_TRAC, VIEC_LAM),
    ),
    MovementSpec(
        "asxh",
        "Vì người nghèo – an sinh xã hội",
        Theme.SOCIAL_WELFARE,
        D(2025, 10, 1),
        D(2025, 11, 30),
        "Hưởng ứng Tháng cao điểm “Vì người nghèo” (17/10 – 18/11): mỗi viên chức ủng hộ ít nhất một ngày lương; "
        "chung tay xóa nhà tạm, nhà dột nát; thăm hỏi hộ nghèo ở các xã miền núi Hướng Hóa, Đakrông.",
        (ALL,),
    ),
    MovementSpec(
        "dtvm",
        "Xây dựng đô thị văn minh",
        Theme.CIVILISED_URBAN,
        D(2025, 4, 1),
        D(2025, 12, 31),
        "Công sở xanh – sạch – đẹp, không rác thải nhựa dùng một lần; thực hiện văn hóa công sở; "
        "tham gia ra quân vệ sinh môi trường “Ngày Chủ nhật xanh” cùng phường Đông Hà và phường Đồng Hới.",
        (VAN_HOA, THE_THAO, QUY_HOACH, KIEM_DINH, QUAN_TRAC, RUNG),
    ),
]

ACTIVITIES: list[ActivitySpec] = [
    ActivitySpec(
        ActivityKind.SPORTS,
        "Giải bóng chuyền hơi Khối thi đua năm 2025",
        D(2025, 3, 22),
        THE_THAO,
        "Nhà thi đấu đa năng tỉnh, phường Đông Hà",
        "Chào mừng Ngày Quốc tế Phụ nữ 8/3 và Ngày thành lập Đoàn 26/3; 9 đội nam, nữ tham gia thi đấu vòng tròn.",
        (ALL,),
        180,
        None,
        D(2025, 3, 23),
    ),
    ActivitySpec(
        ActivityKind.ARTISTIC,
        "Hội diễn văn nghệ chào mừng 50 năm Giải phóng miền Nam, thống nhất đất nước",
        D(2025, 4, 25),
        VAN_HOA,
        "Nhà văn hóa Trung tâm tỉnh, phường Đông Hà",
        "14 tiết mục ca, múa, nhạc về quê hương Quảng Trị; trao 3 giải A, 5 giải B.",
        (ALL,),
        250,
        "dtvm",
    ),
    ActivitySpec(
        ActivityKind.EXPERIENCE_EXCHANGE,
        "Tọa đàm cải cách hành chính và vận hành Bộ phận một cửa",
        D(2025, 5, 20),
        TAI_CHINH,
        "Trung tâm Dịch vụ tài chính công, phường Đồng Hới",
        "Chia sẻ quy trình tiếp nhận hồ sơ trực tuyến, cách rút ngắn thời gian giải quyết thủ tục.",
        (VIEC_LAM, LUU_TRU, KIEM_DINH, QUY_HOACH, KHUYEN_NONG),
        42,
        "cchc",
    ),
    ActivitySpec(
        ActivityKind.EXPERIENCE_EXCHANGE,
        "Hội thảo trao đổi kinh nghiệm số hóa hồ sơ lưu trữ",
        D(2025, 6, 18),
        LUU_TRU,
        "Trung tâm Lưu trữ lịch sử tỉnh, phường Đông Hà",
        "Tham quan kho lưu trữ số; hướng dẫn phân loại, chỉnh lý và nhập siêu dữ liệu tài liệu.",
        (KHCN, QUY_HOACH, KIEM_DINH, QUAN_TRAC, TAI_CHINH, VIEC_LAM),
        60,
        "cds",
    ),
    ActivitySpec(
        ActivityKind.GRATITUDE,
        "Thăm hỏi, tặng quà gia đình chính sách nhân Ngày Thương binh – Liệt sĩ 27/7",
        D(2025, 7, 24),
        KHUYEN_NONG,
        "Xã Gio Linh và xã Cam Lộ",
        "Trao 30 suất quà cho thương binh, thân nhân liệt sĩ; kỷ niệm 78 năm Ngày Thương binh – Liệt sĩ.",
        (KHUYEN_NONG, RUNG, QUAN_TRAC, VAN_HOA),
        35,
    ),
    ActivitySpec(
        ActivityKind.GRATITUDE,
        "Dâng hương tưởng niệm tại Nghĩa trang liệt sĩ quốc gia Trường Sơn",
        D(2025, 7, 26),
        LUU_TRU,
        "Nghĩa trang liệt sĩ quốc gia Trường Sơn",
        "Viếng, thắp hương các anh hùng liệt sĩ; dọn vệ sinh khu mộ.",
        (ALL,),
        120,
    ),
    ActivitySpec(
        ActivityKind.CULTURAL,
        "Ngày hội văn hóa công sở “Xanh – sạch – đẹp”",
        D(2025, 9, 5),
        QUY_HOACH,
        "Trung tâm Quy hoạch xây dựng, phường Đồng Hới",
        "Trưng bày mô hình công sở xanh; thi trang trí khuôn viên và phân loại rác tại nguồn.",
        (QUY_HOACH, KIEM_DINH, QUAN_TRAC, THE_THAO, VAN_HOA, RUNG),
        95,
        "dtvm",
    ),
    ActivitySpec(
        ActivityKind.OTHER,
        "Ủng hộ Quỹ “Vì người nghèo” và trao nhà Đại đoàn kết",
        D(2025, 10, 17),
        VIEC_LAM,
        "Xã Hướng Lập, tỉnh Quảng Trị",
        "Khối ủng hộ 86 triệu đồng; trao 2 nhà Đại đoàn kết cho hộ nghèo người Vân Kiều.",
        (ALL,),
        70,
        "asxh",
    ),
]

PRACTICES: list[PracticeSpec] = [
    PracticeSpec(
        LUU_TRU,
        "Số hóa hồ sơ lưu trữ",
        "cds",
        "Kho lưu trữ có hơn 2.000 mét giá tài liệu giấy; mỗi yêu cầu khai thác phải tra cứu thủ công, "
        "có khi mất vài ngày, tài liệu quý bị xuống cấp do sử dụng nhiều.",
        "Chỉnh lý và phân loại theo phông; ưu tiên số hóa tài liệu có tần suất khai thác cao; quét và nhập "
        "siêu dữ liệu theo hướng dẫn của Bộ Nội vụ; kiểm tra chéo chất lượng từng lô; cấp quyền tra cứu trực tuyến.",
        "Đã số hóa 312.000 trang tài liệu; thời gian phục vụ một yêu cầu khai thác giảm từ 3 ngày xuống dưới "
        "30 phút; tài liệu gốc được hạn chế đưa ra khỏi kho.",
        "Phòng Nghiệp vụ – Trung tâm Lưu trữ lịch sử tỉnh, ĐT 0233 3856 210",
        D(2025, 4, 10),
        (
            ("khoitruong", "Mô hình rất thiết thực, đề nghị Trung tâm chia sẻ bảng phân loại siêu dữ liệu."),
            ("canbo.so", "Sở Nội vụ sẽ giới thiệu mô hình này tại hội nghị sơ kết 6 tháng."),
        ),
        (
            (QUY_HOACH, D(2025, 6, 25), "Áp dụng cho hồ sơ đồ án quy hoạch từ năm 2010."),
            (KHCN, D(2025, 7, 8), "Số hóa hồ sơ đề tài khoa học cấp tỉnh."),
            (QUAN_TRAC, D(2025, 8, 12), ""),
        ),
    ),
    PracticeSpec(
        TAI_CHINH,
        "Một cửa liên thông điện tử",
        "cchc",
        "Người dân, tổ chức phải đến nộp hồ sơ trực tiếp, đi lại nhiều lần để bổ sung giấy tờ; "
        "khó theo dõi tiến độ giải quyết.",
        "Tiếp nhận 100% hồ sơ qua Cổng dịch vụ công; hướng dẫn bổ sung một lần bằng tin nhắn; "
        "liên thông xử lý giữa các phòng trên phần mềm; trả kết quả qua bưu chính công ích.",
        "Tỷ lệ hồ sơ trực tuyến đạt 92%; 100% hồ sơ giải quyết đúng hạn; không có phản ánh về thái độ phục vụ.",
        "Bộ phận Một cửa – Trung tâm Dịch vụ tài chính công, ĐT 0232 3822 456",
        D(2025, 5, 22),
        (("khoipho", "Cách hướng dẫn bổ sung hồ sơ một lần rất đáng học tập."),),
        (
            (VIEC_LAM, D(2025, 7, 1), "Áp dụng cho thủ tục hưởng trợ cấp thất nghiệp."),
            (KIEM_DINH, D(2025, 8, 4), ""),
        ),
    ),
    PracticeSpec(
        KHUYEN_NONG,
        "Tổ khuyến nông cộng đồng trên nền tảng số",
        "cds",
        "Cán bộ khuyến nông ít, địa bàn rộng; thông tin về thời tiết, dịch hại đến với nông dân chậm.",
        "Lập nhóm Zalo theo từng xã với khuyến nông viên cơ sở; gửi bản tin kỹ thuật ngắn, video hướng dẫn; "
        "tiếp nhận ảnh chụp cây trồng để chẩn đoán sâu bệnh từ xa.",
        "45 nhóm với hơn 6.000 hộ tham gia; dịch rầy nâu vụ Hè Thu được cảnh báo sớm 7 ngày.",
        "Trạm Khuyến nông – Trung tâm Khuyến nông, ĐT 0233 3857 144",
        D(2025, 6, 5),
        (
            ("thutruong", "Trung tâm sẵn sàng hỗ trợ các đơn vị lập nhóm tương tự."),
            ("xem", "Nên có thêm bản tin bằng tiếng Vân Kiều, Pa Kô cho các xã miền núi."),
        ),
        ((RUNG, D(2025, 7, 20), "Dùng cho tổ bảo vệ rừng cộng đồng."),),
    ),
    PracticeSpec(
        QUAN_TRAC,
        "Công sở xanh – nói không với rác thải nhựa",
        "dtvm",
        "Mỗi tháng cơ quan thải ra hàng trăm chai nhựa, cốc nhựa dùng một lần từ các cuộc họp.",
        "Thay chai nhựa bằng bình nước và cốc thủy tinh; đặt thùng phân loại rác ở mỗi tầng; "
        "mỗi viên chức đăng ký chăm sóc một chậu cây xanh.",
        "Giảm hơn 90% rác nhựa dùng một lần; khuôn viên được Sở công nhận “Công sở xanh – sạch – đẹp”.",
        "Phòng Hành chính – Tổng hợp, Trung tâm Quan trắc tài nguyên và môi trường",
        D(2025, 5, 5),
        (("khoitruong", "Đề nghị các đơn vị trong Khối cùng thực hiện từ quý III."),),
        (
            (KHUYEN_NONG, D(2025, 7, 2), "Đã bỏ chai nhựa trong các cuộc họp."),
            (THE_THAO, D(2025, 9, 10), ""),
        ),
    ),
    PracticeSpec(
        VAN_HOA,
        "Chiếu phim lưu động phục vụ vùng sâu, vùng xa",
        "dtvm",
        "Người dân các xã miền núi ít có dịp thưởng thức điện ảnh và tiếp cận thông tin tuyên truyền.",
        "Kết hợp chiếu phim với tuyên truyền pháp luật, phòng chống ma túy; lịch chiếu lập cùng xã; "
        "đội chiếu bóng tự bảo dưỡng thiết bị.",
        "120 buổi chiếu tại 38 thôn, bản với hơn 25.000 lượt người xem.",
        "Đội Chiếu bóng lưu động, Trung tâm Văn hóa – Điện ảnh tỉnh",
        D(2025, 8, 20),
    ),
    PracticeSpec(
        VIEC_LAM,
        "Hũ gạo tình thương và quỹ tương trợ viên chức",
        "asxh",
        "Một số viên chức, người lao động gặp khó khăn đột xuất khi ốm đau, thiên tai.",
        "Mỗi tháng mỗi người góp một ít gạo hoặc tiền vào hũ chung; công đoàn quản lý, công khai thu chi.",
        "",
        "Công đoàn cơ sở Trung tâm Dịch vụ việc làm tỉnh",
        None,  # still a draft: the results are being written
    ),
]


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, 9, 0))


def _units(block_year: BlockYear) -> dict[str, Unit]:
    return {m.unit.code: m.unit for m in block_year.memberships.select_related("unit")}


def _pick(units: dict[str, Unit], codes: tuple[str, ...]) -> list[Unit]:
    if ALL in codes:
        return list(units.values())
    return [units[code] for code in codes if code in units]


def build_movements_demo(*, block_year: BlockYear, actor: Any, today: dt.date) -> None:
    """Create the demo movements, activities and practices of `block_year` unless it already has movements."""
    if Movement.objects.filter(block_year=block_year).exists():
        return
    units = _units(block_year)
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["khoitruong", "khoipho", "canbo.so", "thutruong", "xem"])
    }
    with transaction.atomic():
        movements: dict[str, Movement] = {}
        for spec in MOVEMENTS:
            movements[spec.key] = services.movement_create(
                actor=actor,
                block_year=block_year,
                title=spec.title,
                theme=spec.theme,
                goals=spec.goals,
                start_date=spec.start,
                end_date=spec.end,
                participants=_pick(units, spec.units),
                joined_on=spec.start,
            )
        for activity in ACTIVITIES:
            if activity.organiser not in units:
                continue
            services.activity_create(
                actor=actor,
                block_year=block_year,
                organiser=units[activity.organiser],
                kind=activity.kind,
                title=activity.title,
                date=activity.date,
                end_date=activity.end,
                place=activity.place,
                description=activity.description,
                movement=movements[activity.movement] if activity.movement else None,
                participants=_pick(units, activity.participants),
                attendee_count=activity.attendees,
            )
        for practice_spec in PRACTICES:
            _practice(
                practice_spec,
                block_year=block_year,
                actor=actor,
                today=today,
                units=units,
                movements=movements,
                users=users,
            )


def _practice(
    spec: PracticeSpec,
    *,
    block_year: BlockYear,
    actor: Any,
    today: dt.date,
    units: dict[str, Unit],
    movements: dict[str, Movement],
    users: dict[str, User],
) -> None:
    if spec.unit not in units:
        return
    practice = services.practice_create(
        actor=actor,
        block_year=block_year,
        unit=units[spec.unit],
        title=spec.title,
        movement=movements[spec.movement] if spec.movement else None,
        problem=spec.problem,
        approach=spec.approach,
        results=spec.results,
        contact=spec.contact,
    )
    if spec.published is None:
        return
    published_on = min(spec.published, today)
    published_at = min(_at(published_on), timezone.now())
    practice = services.practice_publish(actor=actor, practice=practice, published_at=published_at)
    for username, text in spec.comments:
        services.practice_comment_add(actor=users.get(username, actor), practice=practice, text=text)
    for code, day, note in spec.adoptions:
        if code in units and code != spec.unit:
            adopted_on = max(published_on, min(day, today))
            services.practice_adopt(actor=actor, practice=practice, unit=units[code], note=note, adopted_on=adopted_on)
