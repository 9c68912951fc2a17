"""Loads the awards catalogue and its dated parameters from domain.md §2–3 (law 06/2022, ND98, ND152).

The data lives here, not in app code, so that the migration stays what it was when it ran. Later changes are made
through the catalogue services (dated rows with their source), never by editing this file.

Decisions recorded here:
- Coefficients are loaded twice for the titles: under ND98 (01/01/2024–30/06/2025) and ND152 (from 01/07/2025),
  with the same values, so that each period states its own legal basis.
- Forms (Bằng khen, Giấy khen) have individual rows only; a collective's amount is the individual coefficient ×
  the `collective_multiplier` parameter (×2, UNCONFIRMED under ND152). A collective row added later wins.
- The ND98 coefficients of the forms are UNCONFIRMED (domain.md §3.2): Bằng khen tỉnh 1.0 (the Decree 91 value),
  Bằng khen TTg 3.5 and Giấy khen 0.3 (assumed equal to ND152).
- The base salary series goes back to 2018 for history; every row is UNCONFIRMED except the amount 2,340,000,
  whose start date (01/07/2024) is not quoted in the sources read. No later value is loaded.
"""

import datetime as dt

from django.db import migrations

LAW = "Luật Thi đua, khen thưởng số 06/2022/QH15"
ND98 = "Nghị định 98/2023/NĐ-CP"
ND152 = "Nghị định 152/2025/NĐ-CP"
LAW_START = dt.date(2024, 1, 1)
ND152_START = dt.date(2025, 7, 1)
ND98_END = dt.date(2025, 6, 30)

SRC_GAZETTE_80 = "https://vi.wikisource.org/wiki/Trang:Cong_bao_Chinh_phu_571_572_nam_2022.pdf/56"
SRC_LDTT = (
    "https://dantri.com.vn/noi-vu/muc-tien-thuong-voi-cong-chuc-dat-danh-hieu-lao-dong-tien-tien-20251206130014585.htm"
)
SRC_CSTDCS = "https://news.laodong.vn/giao-duc/du-kien-giao-vien-phai-co-sang-kien-moi-duoc-danh-hieu-chien-si-thi-dua-co-so-1629499.ldo"
SRC_CSTD = "https://baoyenbai.com.vn/13/342479/Tieu-chuan-danh-hieu-Chien-si-thi-dua-co-so-Lao-dong-tien-tien-Chien-si-tien-tien.aspx"
SRC_CSTD_TQ = "https://lawnet.vn/en/laws/ca-nhan-phai-co-02-lan-lien-tuc-duoc-tang-danh-hieu-chien-si-thi-dua-bo-nganh-tinh-moi-duoc-nhan-da-22754.html"
SRC_TTLDTT = "http://thiduakhenthuong.langson.gov.vn/en/hinhthucs/tap-lao-dong-tien-tien"
SRC_TTLDXS = "https://stp.thuathienhue.gov.vn/?gd=12&cn=28&tc=9123"
SRC_CO_TINH = "http://hethongphapluat.vn/thong-tu-29-2023-tt-bgddt-huong-dan-luat-thi-dua-khen-thuong-doi-voi-nganh-giao-duc-do-bo-truong-bo-giao-duc-va-dao-tao-ban-hanh/dieu-4"
SRC_CO_CP = "https://lawnet.vn/en/laws/tap-the-phai-dat-duoc-nhung-tieu-chuan-dieu-kien-nao-de-duoc-xet-tang-danh-hieu-co-thi-dua-cac-cap-22767.html"
SRC_BK_TINH = "https://chinhsachonline.chinhphu.vn/tieu-chuan-de-nghi-xet-tang-bang-khen-cua-bo-nganh-77204.htm"
SRC_BK_TTG = "http://banthiduakhenthuongtw.gov.vn/traloi/6ca1f7e08dae494f8b0b95f2e9d12906"
SRC_GIAY_KHEN = "https://baochinhphu.vn/tieu-chuan-xet-tang-giay-khen-102241213091854171.htm"
SRC_AUTHORITY_TTG = (
    "https://dichvubaocaothue.vn/huong-dan-ghi-mau-to-trinh-de-nghi-khen-thuong-nam-2024-theo-nghi-dinh-98-2023/"
)
SRC_ND98_COEF = "https://phuongduc.thuathienhue.gov.vn/default.aspx?gd=4&cn=129&tc=51696"
SRC_ND152_COEF = "https://dantri.com.vn/noi-vu/muc-tien-thuong-danh-hieu-chien-si-thi-dua-co-so-20251203220710774.htm"
SRC_ND152_FORMS = "https://giadinh.suckhoedoisong.vn/cong-chuc-vien-chuc-mung-tham-se-duoc-nhan-tien-thuong-hon-8-trieu-dong-neu-dat-duoc-thanh-tich-nay-172250808152932881.htm"
SRC_ND152_GIAY_KHEN = "https://ja.laodong.vn/cong-doan/muc-tien-thuong-bang-khen-giay-khen-ky-niem-chuong-doi-voi-ca-nhan-theo-nghi-dinh-152-1535725.ldo"
SRC_COLLECTIVE_X2 = "https://plo.vn/nhan-bang-khen-cua-thu-tuong-duoc-thuong-4-5-trieu-dong-post456130.html"
SRC_5007 = "http://tintuc.thuvienphapluat.com/thong-bao-van-ban-moi/email/53199/bo-noi-vu-huong-dan-ve-xet-de-nghi-tang-co-thi-dua-cua-chinh-phu"
SRC_CSTDCS_QUOTA = (
    "https://thuvienphapluat.vn/hoi-dap-phap-luat/45A9C-hd-tieu-chuan-de-xet-tang-danh-hieu-chien-si-thi-dua-co-so.html"
)

DEPT_HEAD = (
    "department_head",
    "Thủ trưởng cơ quan chuyên môn thuộc Ủy ban nhân dân cấp tỉnh",
    f"{LAW}, Điều 80, khoản 1",
    SRC_GAZETTE_80,
)
CHAIRMAN = ("province_chairman", "Chủ tịch Ủy ban nhân dân tỉnh", f"{LAW}, Điều 79", "")
PM = ("prime_minister", "Thủ tướng Chính phủ", LAW, SRC_AUTHORITY_TTG)
GOV = ("government", "Chính phủ", LAW, SRC_AUTHORITY_TTG)
AUTHORITY_NOTE = "The clause of the Law giving this authority is not quoted in the sources read (domain.md §2.5)."

# code, name, kind, recipient, level, authority, legal basis, source, handed over, unconfirmed note
AWARD_TYPES = [
    (
        "ldtt",
        "Lao động tiên tiến",
        "title",
        "individual",
        "grassroots",
        DEPT_HEAD,
        f"{LAW}, Điều 24",
        SRC_LDTT,
        "nothing",
        "",
    ),
    (
        "cstd_co_so",
        "Chiến sĩ thi đua cơ sở",
        "title",
        "individual",
        "grassroots",
        DEPT_HEAD,
        f"{LAW}, Điều 23",
        SRC_CSTDCS,
        "certificate_frame",
        "",
    ),
    (
        "cstd_tinh",
        "Chiến sĩ thi đua cấp tỉnh",
        "title",
        "individual",
        "provincial",
        CHAIRMAN,
        f"{LAW}, Điều 22",
        SRC_CSTD,
        "certificate_frame_badge",
        "The article number (Điều 22) and the authority clause (Điều 79) are not quoted in the sources read.",
    ),
    (
        "cstd_toan_quoc",
        "Chiến sĩ thi đua toàn quốc",
        "title",
        "individual",
        "national",
        PM,
        f"{LAW}, Điều 21",
        SRC_CSTD_TQ,
        "certificate_frame_badge",
        "The article number (Điều 21) and the authority clause are not quoted in the sources read.",
    ),
    (
        "ttldtt",
        "Tập thể lao động tiên tiến",
        "title",
        "collective",
        "grassroots",
        DEPT_HEAD,
        f"{LAW}, Điều 28",
        SRC_TTLDTT,
        "nothing",
        "The exact 2022 wording of Điều 28 was not found; the “more than 50% Lao động tiên tiến” threshold comes from the 2003 law.",
    ),
    (
        "ttldxs",
        "Tập thể lao động xuất sắc",
        "title",
        "collective",
        "provincial",
        CHAIRMAN,
        f"{LAW}, Điều 27",
        SRC_TTLDXS,
        "certificate_frame",
        AUTHORITY_NOTE,
    ),
    (
        "co_tinh",
        "Cờ thi đua của Ủy ban nhân dân tỉnh",
        "title",
        "collective",
        "provincial",
        CHAIRMAN,
        f"{LAW}, Điều 26, khoản 1, 2",
        SRC_CO_TINH,
        "flag",
        "The exact text of Điều 26 (standards a, b) and the authority clause are not quoted in the sources read.",
    ),
    (
        "co_chinh_phu",
        "Cờ thi đua của Chính phủ",
        "title",
        "collective",
        "national",
        GOV,
        f"{LAW}, Điều 25",
        SRC_CO_CP,
        "flag",
        "",
    ),
    (
        "bang_khen_tinh",
        "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
        "form",
        "both",
        "provincial",
        CHAIRMAN,
        f"{LAW}, Điều 74",
        SRC_BK_TINH,
        "certificate_frame",
        "Only the individual criterion of Điều 74 khoản 1 điểm d is sourced; criteria a–c and the collective criteria (khoản 2) are not.",
    ),
    (
        "bang_khen_ttg",
        "Bằng khen của Thủ tướng Chính phủ",
        "form",
        "both",
        "national",
        PM,
        f"{LAW}, Điều 71",
        SRC_BK_TTG,
        "certificate_frame",
        "The 2022 wording of Điều 71 was not found; the source quotes the old rule (Decree 65/2014).",
    ),
    (
        "giay_khen",
        "Giấy khen",
        "form",
        "both",
        "grassroots",
        DEPT_HEAD,
        f"{LAW}, Điều 75",
        SRC_GIAY_KHEN,
        "certificate",
        "The criteria are set by the provincial regulation (Điều 75 khoản 2), which was not found for Quảng Trị.",
    ),
]

# code, recipient, coefficient — identical under ND98 Art. 54 and ND152 (domain.md §3.2)
TITLE_COEFFICIENTS = [
    ("cstd_toan_quoc", "individual", "4.5"),
    ("cstd_tinh", "individual", "3.0"),
    ("cstd_co_so", "individual", "1.0"),
    ("ldtt", "individual", "0.3"),
    ("co_chinh_phu", "collective", "12.0"),
    ("co_tinh", "collective", "8.0"),
    ("ttldxs", "collective", "1.5"),
    ("ttldtt", "collective", "0.8"),
]
# code, coefficient, source, ND98 coefficient, ND98 note — forms, individuals (collectives: × collective_multiplier)
FORM_COEFFICIENTS = [
    (
        "bang_khen_ttg",
        "3.5",
        SRC_ND152_FORMS,
        "3.5",
        "ND98 value not quoted in the sources read; assumed equal to ND152.",
    ),
    (
        "bang_khen_tinh",
        "1.5",
        SRC_ND152_FORMS,
        "1.0",
        "ND98 value not quoted in the sources read; Decree 91/2017 had 1.0.",
    ),
    (
        "giay_khen",
        "0.3",
        SRC_ND152_GIAY_KHEN,
        "0.3",
        "ND98 value not quoted in the sources read; assumed equal to ND152.",
    ),
]

# amount, from, to, legal basis, source, note
BASE_SALARIES = [
    (
        1_390_000,
        dt.date(2018, 7, 1),
        dt.date(2019, 6, 30),
        "Nghị định 72/2018/NĐ-CP",
        "",
        "Not sourced in domain.md; loaded for the history of awards decided before 2024.",
    ),
    (
        1_490_000,
        dt.date(2019, 7, 1),
        dt.date(2023, 6, 30),
        "Nghị định 38/2019/NĐ-CP",
        "",
        "Not sourced in domain.md; loaded for the history of awards decided before 2024.",
    ),
    (
        1_800_000,
        dt.date(2023, 7, 1),
        dt.date(2024, 6, 30),
        "Nghị định 24/2023/NĐ-CP",
        "",
        "Not sourced in domain.md; in force on the days before 01/07/2024.",
    ),
    (
        2_340_000,
        dt.date(2024, 7, 1),
        None,
        "Nghị định 73/2024/NĐ-CP",
        SRC_ND152_GIAY_KHEN,
        "The amount is sourced; the start date 01/07/2024 is not quoted in the sources read (domain.md §3.3). "
        "A later rise (2,530,000 from 01/07/2026) is reported but unconfirmed and not loaded.",
    ),
]

# key, type, value, legal basis, source, unconfirmed note, description
PARAMETERS = [
    (
        "collective_multiplier",
        "decimal",
        "2",
        "Nghị định 91/2017/NĐ-CP (quy định cũ): “Đối với tập thể, mức thưởng gấp hai lần mức thưởng đối với cá nhân”",
        SRC_COLLECTIVE_X2,
        "The ×2 rule for collective Bằng khen / Giấy khen under ND98/ND152 is not confirmed (domain.md §3.2).",
        "Multiplier of the individual prize coefficient for a form (Bằng khen, Giấy khen) given to a collective.",
    ),
    (
        "government_flag_share",
        "decimal",
        "0.20",
        "Công văn 5007/BNV-TĐKT ngày 05/9/2023 của Bộ Nội vụ",
        SRC_5007,
        "Whether ND98/ND152 keep the 20% cap is not confirmed (domain.md §2.3).",
        "Government-flag proposals may not exceed this share of the province's collectives voted leaders of their blocks.",
    ),
    (
        "ttldtt_ldtt_share",
        "decimal",
        "0.50",
        f"{LAW}, Điều 28",
        SRC_TTLDTT,
        "Threshold of the 2003 law; the 2022 wording was not found (domain.md §2.3).",
        "Tập thể lao động tiên tiến: strictly more than this share of members are Lao động tiên tiến.",
    ),
    (
        "ttldxs_ldtt_share",
        "decimal",
        "0.70",
        f"{LAW}, Điều 27, điểm c",
        SRC_TTLDXS,
        "",
        "Tập thể lao động xuất sắc: at least this share of members are Lao động tiên tiến.",
    ),
    (
        "cstd_tinh_consecutive",
        "integer",
        3,
        f"{LAW}, Điều 22",
        SRC_CSTD,
        "",
        "Chiến sĩ thi đua cấp tỉnh: consecutive years of Chiến sĩ thi đua cơ sở required.",
    ),
    (
        "cstd_toan_quoc_consecutive",
        "integer",
        2,
        f"{LAW}, Điều 21",
        SRC_CSTD_TQ,
        "",
        "Chiến sĩ thi đua toàn quốc: consecutive Chiến sĩ thi đua cấp tỉnh titles required.",
    ),
    (
        "ttldxs_completing_share",
        "decimal",
        "1",
        f"{LAW}, Điều 27, điểm c",
        SRC_TTLDXS,
        "",
        "Tập thể lao động xuất sắc: at least this share of members completed their tasks (100%).",
    ),
    (
        "ttldxs_cstdcs_min",
        "integer",
        1,
        f"{LAW}, Điều 27, điểm d",
        SRC_TTLDXS,
        "",
        "Tập thể lao động xuất sắc: at least this many members are Chiến sĩ thi đua cơ sở.",
    ),
    (
        "bang_khen_tinh_cstdcs_consecutive",
        "integer",
        2,
        f"{LAW}, Điều 74, khoản 1, điểm d",
        SRC_BK_TINH,
        "",
        "Bằng khen tỉnh (individual): consecutive Chiến sĩ thi đua cơ sở titles.",
    ),
    (
        "bang_khen_tinh_excellent_years",
        "integer",
        2,
        f"{LAW}, Điều 74, khoản 1, điểm d",
        SRC_BK_TINH,
        "",
        "Bằng khen tỉnh (individual), alternatively: consecutive years of excellent completion of tasks …",
    ),
    (
        "bang_khen_tinh_initiatives",
        "integer",
        2,
        f"{LAW}, Điều 74, khoản 1, điểm d",
        SRC_BK_TINH,
        "",
        "… with at least this many initiatives recognised and applied at grassroots level in those years.",
    ),
    (
        "cstdcs_quota",
        "decimal",
        None,
        "Nghị định 91/2017/NĐ-CP (quy định cũ: không quá 15%); không có quy định tương ứng đã xác minh",
        SRC_CSTDCS_QUOTA,
        "Whether any cap applies under the Law 2022, ND98, ND152 or the Quảng Trị regulation is not confirmed (domain.md §2.2).",
        "Chiến sĩ thi đua cơ sở: maximum share of the individuals with Lao động tiên tiến; empty means no cap.",
    ),
]


def load(apps, schema_editor):
    AwardType = apps.get_model("awards", "AwardType")
    PrizeCoefficient = apps.get_model("awards", "PrizeCoefficient")
    BaseSalary = apps.get_model("awards", "BaseSalary")
    AwardParameter = apps.get_model("awards", "AwardParameter")
    types = {}
    for position, (code, name, kind, recipient, level, authority, basis, source, handed, note) in enumerate(
        AWARD_TYPES, 1
    ):
        decided_by, decided_by_text, authority_basis, authority_source = authority
        types[code] = AwardType.objects.create(
            code=code,
            name=name,
            kind=kind,
            recipient=recipient,
            level=level,
            decided_by=decided_by,
            decided_by_text=decided_by_text,
            authority_basis=authority_basis,
            legal_basis=basis,
            source_url=source or authority_source,
            handed_over=handed,
            counts_as_history=True,
            valid_from=LAW_START,
            unconfirmed=bool(note) or not authority_source,
            note=note or ("" if authority_source else AUTHORITY_NOTE),
            position=position * 10,
        )
    for code, recipient, coefficient in TITLE_COEFFICIENTS:
        PrizeCoefficient.objects.create(
            award_type=types[code],
            recipient=recipient,
            coefficient=coefficient,
            valid_from=LAW_START,
            valid_to=ND98_END,
            legal_basis=f"{ND98}, Điều 54",
            source_url=SRC_ND98_COEF,
        )
        PrizeCoefficient.objects.create(
            award_type=types[code],
            recipient=recipient,
            coefficient=coefficient,
            valid_from=ND152_START,
            legal_basis=ND152,
            source_url=SRC_ND152_COEF,
            note="Same values as ND98 Art. 54; the article of ND152 is not quoted in the sources read.",
        )
    for code, coefficient, source, nd98_coefficient, nd98_note in FORM_COEFFICIENTS:
        PrizeCoefficient.objects.create(
            award_type=types[code],
            recipient="individual",
            coefficient=nd98_coefficient,
            valid_from=LAW_START,
            valid_to=ND98_END,
            legal_basis=ND98,
            unconfirmed=True,
            note=nd98_note,
        )
        PrizeCoefficient.objects.create(
            award_type=types[code],
            recipient="individual",
            coefficient=coefficient,
            valid_from=ND152_START,
            legal_basis=f"{ND152}, Điều 54, khoản 1",
            source_url=source,
        )
    for amount, start, end, basis, source, note in BASE_SALARIES:
        BaseSalary.objects.create(
            amount=amount,
            valid_from=start,
            valid_to=end,
            legal_basis=basis,
            source_url=source,
            unconfirmed=True,
            note=note,
        )
    for key, value_type, value, basis, source, note, description in PARAMETERS:
        AwardParameter.objects.create(
            key=key,
            value_type=value_type,
            value=value,
            valid_from=LAW_START,
            legal_basis=basis,
            source_url=source,
            unconfirmed=bool(note),
            note=note,
            description=description,
        )


def unload(apps, schema_editor):
    for name in ("AwardParameter", "BaseSalary", "PrizeCoefficient", "AwardType"):
        apps.get_model("awards", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("awards", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
