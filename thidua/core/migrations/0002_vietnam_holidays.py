"""Vietnam's public holidays and announced days off/make-up working days for 2025–2027.

Labour Code 2019, Art. 112: 1 January; Tết (lunar new year, 5 days); Hùng Kings' day (10th of the
3rd lunar month); 30 April; 1 May; 2 September plus one adjacent day. Art. 111(3): a holiday on the
weekly day off is compensated on the next working day. Each year the Government also moves working
days for public servants to join holidays to weekends; those swaps are listed only where an
announcement was found. Rows marked `unconfirmed` are computed from the law and the lunar calendar
but no announcement was checked: an administrator should confirm them (admin → calendar days,
or the calendar services) when the year's schedule is published.
"""

from django.db import migrations

LAW = "Bộ luật Lao động 2019, Điều 112"
COMPENSATED = "Bộ luật Lao động 2019, Điều 111 khoản 3 (nghỉ bù khi ngày lễ trùng ngày nghỉ hằng tuần)"
TB_2025 = "Thông báo 6150/TB-LĐTBXH (2024) thực hiện Công văn 8726/VPCP-KGVX về nghỉ Tết Âm lịch và các dịp lễ năm 2025"
VPCP_2026_NEW_YEAR = (
    "Công văn 12729/VPCP-KGVX ngày 25/12/2025 (nghỉ Tết Dương lịch 2026: 4 ngày, làm bù thứ Bảy 10/01/2026)"
)
TET_2026 = "Phương án nghỉ Tết Âm lịch 2026 được Thủ tướng chấp thuận (Bộ Nội vụ): nghỉ từ 14/02 đến hết 22/02/2026"
UNCONFIRMED = "Chưa xác nhận: tính theo luật và âm lịch, chưa đối chiếu thông báo lịch nghỉ chính thức của năm."
VIETNAMPLUS_2025_0430 = (
    "https://www.vietnamplus.vn/cong-chuc-vien-chuc-duoc-nghi-the-nao-trong-dip-le-304-152025-post1033115.vnp"
)

H = "holiday"
W = "working_day"

# (date, kind, name, legal basis, source url, unconfirmed)
DAYS: list[tuple[str, str, str, str, str, bool]] = [
    # 2025
    ("2025-01-01", H, "Tết Dương lịch", LAW, "", False),
    ("2025-01-27", H, "Tết Nguyên đán Ất Tỵ (28 tháng Chạp)", f"{LAW}; {TB_2025}", "", False),
    ("2025-01-28", H, "Tết Nguyên đán Ất Tỵ (29 tháng Chạp)", f"{LAW}; {TB_2025}", "", False),
    ("2025-01-29", H, "Tết Nguyên đán Ất Tỵ (mùng 1)", f"{LAW}; {TB_2025}", "", False),
    ("2025-01-30", H, "Tết Nguyên đán Ất Tỵ (mùng 2)", f"{LAW}; {TB_2025}", "", False),
    ("2025-01-31", H, "Tết Nguyên đán Ất Tỵ (mùng 3)", f"{LAW}; {TB_2025}", "", False),
    ("2025-04-07", H, "Giỗ Tổ Hùng Vương (10/3 âm lịch)", LAW, "", False),
    ("2025-04-26", W, "Làm bù cho thứ Sáu 02/05/2025", TB_2025, VIETNAMPLUS_2025_0430, False),
    ("2025-04-30", H, "Ngày Chiến thắng (30/4)", LAW, VIETNAMPLUS_2025_0430, False),
    ("2025-05-01", H, "Ngày Quốc tế Lao động (1/5)", LAW, VIETNAMPLUS_2025_0430, False),
    ("2025-05-02", H, "Nghỉ hoán đổi (làm bù thứ Bảy 26/04/2025)", TB_2025, VIETNAMPLUS_2025_0430, False),
    ("2025-09-01", H, "Quốc khánh (ngày liền kề)", f"{LAW}; {TB_2025}", "", False),
    ("2025-09-02", H, "Quốc khánh (2/9)", LAW, "", False),
    # 2026
    ("2026-01-01", H, "Tết Dương lịch", LAW, "", False),
    ("2026-01-02", H, "Nghỉ hoán đổi (làm bù thứ Bảy 10/01/2026)", VPCP_2026_NEW_YEAR, "", False),
    ("2026-01-10", W, "Làm bù cho thứ Sáu 02/01/2026", VPCP_2026_NEW_YEAR, "", False),
    ("2026-02-16", H, "Tết Nguyên đán Bính Ngọ (29 tháng Chạp)", f"{LAW}; {TET_2026}", "", False),
    ("2026-02-17", H, "Tết Nguyên đán Bính Ngọ (mùng 1)", f"{LAW}; {TET_2026}", "", False),
    ("2026-02-18", H, "Tết Nguyên đán Bính Ngọ (mùng 2)", f"{LAW}; {TET_2026}", "", False),
    ("2026-02-19", H, "Tết Nguyên đán Bính Ngọ (mùng 3)", f"{LAW}; {TET_2026}", "", False),
    ("2026-02-20", H, "Tết Nguyên đán Bính Ngọ (mùng 4)", f"{LAW}; {TET_2026}", "", False),
    ("2026-04-26", H, "Giỗ Tổ Hùng Vương (10/3 âm lịch, Chủ nhật)", LAW, "", False),
    ("2026-04-27", H, "Nghỉ bù Giỗ Tổ Hùng Vương", COMPENSATED, "", False),
    ("2026-04-30", H, "Ngày Chiến thắng (30/4)", LAW, "", False),
    ("2026-05-01", H, "Ngày Quốc tế Lao động (1/5)", LAW, "", False),
    ("2026-09-01", H, "Quốc khánh (ngày liền kề)", f"{LAW}. {UNCONFIRMED}", "", True),
    ("2026-09-02", H, "Quốc khánh (2/9)", LAW, "", False),
    # 2027
    ("2027-01-01", H, "Tết Dương lịch", LAW, "", False),
    ("2027-02-05", H, "Tết Nguyên đán Đinh Mùi (tất niên)", f"{LAW}. {UNCONFIRMED}", "", True),
    ("2027-02-06", H, "Tết Nguyên đán Đinh Mùi (mùng 1, thứ Bảy)", f"{LAW}. {UNCONFIRMED}", "", True),
    ("2027-02-07", H, "Tết Nguyên đán Đinh Mùi (mùng 2, Chủ nhật)", f"{LAW}. {UNCONFIRMED}", "", True),
    ("2027-02-08", H, "Tết Nguyên đán Đinh Mùi (mùng 3)", f"{LAW}. {UNCONFIRMED}", "", True),
    ("2027-02-09", H, "Tết Nguyên đán Đinh Mùi (mùng 4)", f"{LAW}. {UNCONFIRMED}", "", True),
    ("2027-02-10", H, "Nghỉ bù Tết (mùng 1 trùng thứ Bảy)", f"{COMPENSATED}. {UNCONFIRMED}", "", True),
    ("2027-02-11", H, "Nghỉ bù Tết (mùng 2 trùng Chủ nhật)", f"{COMPENSATED}. {UNCONFIRMED}", "", True),
    ("2027-04-16", H, "Giỗ Tổ Hùng Vương (10/3 âm lịch)", LAW, "", False),
    ("2027-04-30", H, "Ngày Chiến thắng (30/4)", LAW, "", False),
    ("2027-05-01", H, "Ngày Quốc tế Lao động (1/5, thứ Bảy)", LAW, "", False),
    ("2027-05-03", H, "Nghỉ bù Ngày Quốc tế Lao động", COMPENSATED, "", False),
    ("2027-09-02", H, "Quốc khánh (2/9)", LAW, "", False),
    ("2027-09-03", H, "Quốc khánh (ngày liền kề)", f"{LAW}. {UNCONFIRMED}", "", True),
]


def load(apps, schema_editor):
    CalendarDay = apps.get_model("core", "CalendarDay")
    for day, kind, name, legal_basis, source_url, unconfirmed in DAYS:
        CalendarDay.objects.update_or_create(
            date=day,
            defaults={
                "kind": kind,
                "name": name,
                "legal_basis": legal_basis,
                "source_url": source_url,
                "unconfirmed": unconfirmed,
            },
        )


def unload(apps, schema_editor):
    CalendarDay = apps.get_model("core", "CalendarDay")
    CalendarDay.objects.filter(date__in=[day for day, *_ in DAYS]).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
