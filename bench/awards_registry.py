"""Benchmark: the registry of awards at provincial scale (issue #5 item 12) — search without tone marks and eligibility.

Run: `.venv/bin/python bench/awards_registry.py [--awards N] [--db sqlite|postgres|both]` (2,000,000 awards and both
databases by default). Each database is measured in its own process: SQLite in a file under /tmp, PostgreSQL on
DATABASE_URL when it is set, otherwise on a throwaway server started with scripts/pg_start.sh (PGPORT 5466, PGDATA
/tmp/pg-bench by default) and stopped at the end. The files and the server's data are removed at the end.

Data (fixed seed, not timed as part of any figure below): about 1 in 600 awards' worth of units of Quảng Trị (the
province, its departments, districts and communes, their schools, health stations and boards), collective awards
per unit and year, and people with realistic Vietnamese names (family names at their usual frequencies) whose
careers earn individual awards year after year (Lao động tiên tiến most years, Chiến sĩ thi đua cơ sở in streaks,
Chiến sĩ thi đua cấp tỉnh after three of those, …) for 2000–2025, each award with its decision number
("1234/QĐ-UBND"), issuing body and signer, as imported history (one import batch per year). `search_key` is
computed by the services' own function (`services.registry._search_key`). Loaded with COPY on PostgreSQL and
executemany in transactions of 50,000 rows on SQLite, after the migrations; the search index is dropped for the
load and rebuilt by migration 0004's own code (`--index-during-load` keeps it, i.e. the FTS5 triggers on SQLite
and GIN updates on PostgreSQL, for comparison). The load time is printed.

Measured, in the same run:
1. Search: ~200 queries without tone marks (full names "nguyen van hung", unit fragments "hai lang", title words
   "chien si", years, decision numbers "1234/qd") through `award_search` as the registry page runs it (the count
   it shows and the first page of 25 rows); the baseline is the bare index query with LIMIT 25 through a cursor
   (FTS5 MATCH on SQLite; `search_key LIKE '%token%'` per token, answered by the pg_trgm GIN index, on
   PostgreSQL). One warm-up pass, then one timed pass with the two interleaved per query; p50 / p95 / p99 and
   their ratios.
2. Eligibility of 10,000 proposals for 2025 drawn from the synthetic registry: (a) the pure engine (`evaluate`
   per candidate, parameters resolved once) against the baseline of reading the 10,000 histories
   (`histories_for`, two queries); (b) `eligibility_for` (the database path a page uses) for a sample, against
   reading the same recipient's history alone (`history_for`).
"""

# ruff: noqa: S108, S603, S607, S608  (the brief's /tmp paths, fixed commands of this repository, SQL from constants)

import argparse
import datetime as dt
import importlib
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

YEARS = range(2000, 2026)
PAGE_SIZE = 25
CHUNK = 50_000
PROVINCE = "Ủy ban nhân dân tỉnh Quảng Trị"

# ---------------------------------------------------------------- names

# Approximate national frequencies (per cent) of the common family names; Lê, Hoàng, Võ and Phan are a little more
# frequent in the centre, which the weights lean towards.
FAMILY_NAMES = [
    ("Nguyễn", 36.0),
    ("Trần", 11.0),
    ("Lê", 11.0),
    ("Phạm", 6.0),
    ("Hoàng", 5.0),
    ("Huỳnh", 1.5),
    ("Phan", 4.5),
    ("Vũ", 2.0),
    ("Võ", 4.0),
    ("Đặng", 2.1),
    ("Bùi", 2.0),
    ("Đỗ", 1.4),
    ("Hồ", 2.0),
    ("Ngô", 1.3),
    ("Dương", 1.0),
    ("Lý", 0.5),
    ("Đinh", 0.8),
    ("Trương", 0.9),
    ("Mai", 0.5),
    ("Đoàn", 0.6),
    ("Cao", 0.4),
    ("Tôn Thất", 0.2),
    ("Hà", 0.5),
    ("Lương", 0.4),
]
MIDDLE_MALE = ["Văn", "Văn", "Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Thanh", "Xuân", "Đình", "Ngọc", "Anh"]
MIDDLE_FEMALE = ["Thị", "Thị", "Thị", "Thị", "Ngọc", "Thanh", "Thu", "Hồng", "Kim", "Diệu", "Bảo", "Mỹ", "Phương"]
GIVEN_MALE = [
    "Hùng",
    "Dũng",
    "Hưng",
    "Tuấn",
    "Nam",
    "Long",
    "Cường",
    "Thắng",
    "Quân",
    "Sơn",
    "Hải",
    "Phong",
    "Hiếu",
    "Trung",
    "Bình",
    "Toàn",
    "Lộc",
    "Phúc",
    "Khánh",
    "Huy",
    "Tài",
    "Đạt",
    "Vinh",
    "Thành",
    "Hoàng",
    "Tiến",
    "Anh",
    "Minh",
    "Việt",
    "Quang",
    "Thịnh",
    "Hòa",
    "Tâm",
    "Nghĩa",
    "Phước",
    "Lâm",
    "Kiên",
    "Tú",
    "Đông",
    "Chiến",
]
GIVEN_FEMALE = [
    "Lan",
    "Hương",
    "Hoa",
    "Mai",
    "Thủy",
    "Hằng",
    "Linh",
    "Trang",
    "Nga",
    "Hà",
    "Thảo",
    "Nhung",
    "Yến",
    "Phương",
    "Ngọc",
    "Hiền",
    "Loan",
    "Dung",
    "Vân",
    "Thu",
    "Liên",
    "Huyền",
    "Oanh",
    "Diệp",
    "Quỳnh",
    "Nhi",
    "Hạnh",
    "Tâm",
    "Uyên",
    "Giang",
    "Hoài",
    "Lý",
    "Trinh",
    "Thúy",
]

# ---------------------------------------------------------------- units of Quảng Trị (incl. the former Quảng Bình)

DISTRICTS = {
    ("thành phố", "Đông Hà"): "Phường 1, Phường 2, Phường 3, Phường 5, Đông Giang, Đông Lễ, Đông Lương, Đông Thanh",
    ("thị xã", "Quảng Trị"): "Phường 1, Phường 2, An Đôn, Hải Lệ",
    (
        "huyện",
        "Vĩnh Linh",
    ): "Vĩnh Chấp, Vĩnh Giang, Vĩnh Hà, Vĩnh Hòa, Vĩnh Khê, Vĩnh Lâm, Vĩnh Long, Vĩnh Ô, Vĩnh Sơn, "
    "Vĩnh Thạch, Vĩnh Thủy, Vĩnh Tú",
    ("huyện", "Gio Linh"): "Gio An, Gio Châu, Gio Hải, Gio Mai, Gio Mỹ, Gio Quang, Gio Sơn, Gio Việt, Linh Hải, "
    "Phong Bình, Trung Giang, Trung Hải, Trung Sơn",
    ("huyện", "Cam Lộ"): "Cam Chính, Cam Hiếu, Cam Nghĩa, Cam Thành, Cam Thủy, Cam Tuyền",
    ("huyện", "Triệu Phong"): "Triệu Ái, Triệu An, Triệu Đại, Triệu Độ, Triệu Giang, Triệu Hòa, Triệu Long, "
    "Triệu Phước, Triệu Sơn, Triệu Tài, Triệu Thành, Triệu Trạch, Triệu Trung, Triệu Vân",
    ("huyện", "Hải Lăng"): "Hải An, Hải Ba, Hải Chánh, Hải Dương, Hải Định, Hải Hưng, Hải Khê, Hải Lâm, Hải Phong, "
    "Hải Phú, Hải Quế, Hải Sơn, Hải Thượng, Hải Trường",
    ("huyện", "Hướng Hóa"): "Hướng Lập, Hướng Linh, Hướng Phùng, Hướng Sơn, Hướng Tân, Hướng Việt, Tân Hợp, Tân Lập, "
    "Tân Liên, Tân Long, Tân Thành, Thuận, Thanh, Xy, A Dơi, Ba Tầng",
    ("huyện", "Đakrông"): "A Bung, A Ngo, A Vao, Ba Lòng, Ba Nang, Hải Phúc, Húc Nghì, Mò Ó, Tà Long, Tà Rụt, "
    "Triệu Nguyên",
    ("thành phố", "Đồng Hới"): "Bắc Lý, Bắc Nghĩa, Đồng Hải, Đồng Phú, Đức Ninh, Hải Thành, Nam Lý, Bảo Ninh, "
    "Quang Phú",
    ("huyện", "Lệ Thủy"): "An Thủy, Cam Thủy, Dương Thủy, Hoa Thủy, Hồng Thủy, Hưng Thủy, Lộc Thủy, Mai Thủy, "
    "Mỹ Thủy, Ngư Thủy, Phong Thủy, Sen Thủy, Tân Thủy, Thái Thủy",
    ("huyện", "Bố Trạch"): "Hoàn Lão, Hòa Trạch, Hưng Trạch, Lý Trạch, Nam Trạch, Phú Trạch, Sơn Trạch, Tây Trạch, "
    "Thanh Trạch, Vạn Trạch",
}
DEPARTMENTS = [
    ("Sở Y tế", "SYT", ["Trung tâm Kiểm soát bệnh tật tỉnh", "Bệnh viện Đa khoa tỉnh", "Bệnh viện Phục hồi chức năng"]),
    ("Sở Giáo dục và Đào tạo", "SGDĐT", ["Trường THPT Chuyên Lê Quý Đôn", "Trường THPT Đông Hà", "Trường THPT Lê Lợi"]),
    ("Sở Tài chính", "STC", ["Trung tâm Dịch vụ tài chính công"]),
    ("Sở Nội vụ", "SNV", ["Ban Thi đua - Khen thưởng", "Chi cục Văn thư - Lưu trữ", "Ban Tôn giáo"]),
    ("Sở Tư pháp", "STP", ["Trung tâm Trợ giúp pháp lý nhà nước", "Phòng Công chứng số 1"]),
    ("Sở Xây dựng", "SXD", ["Trung tâm Quy hoạch và Kiểm định xây dựng"]),
    ("Sở Công Thương", "SCT", ["Trung tâm Khuyến công và Xúc tiến thương mại"]),
    (
        "Sở Nông nghiệp và Môi trường",
        "SNNMT",
        ["Chi cục Kiểm lâm", "Ban Quản lý rừng phòng hộ Hướng Hóa - Đakrông", "Trung tâm Khuyến nông"],
    ),
    ("Sở Văn hóa, Thể thao và Du lịch", "SVHTTDL", ["Bảo tàng tỉnh", "Thư viện tỉnh", "Trung tâm Văn hóa - Điện ảnh"]),
    ("Sở Khoa học và Công nghệ", "SKHCN", ["Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng"]),
    ("Ban Quản lý Khu kinh tế tỉnh", "BQLKKT", ["Trung tâm Dịch vụ Khu kinh tế"]),
    (
        "Ban Quản lý dự án đầu tư xây dựng công trình giao thông tỉnh",
        "BQLDAGT",
        [],
    ),
    ("Ban Quản lý dự án đầu tư xây dựng các công trình dân dụng và công nghiệp tỉnh", "BQLDADD", []),
    ("Đài Phát thanh và Truyền hình Quảng Trị", "PTTH", []),
]
DISTRICT_UNITS = [
    "Ủy ban nhân dân {d}",
    "Trung tâm Y tế {d}",
    "Phòng Giáo dục và Đào tạo {d}",
    "Phòng Nội vụ {d}",
    "Phòng Tài chính - Kế hoạch {d}",
    "Phòng Nông nghiệp và Phát triển nông thôn {d}",
    "Ban Quản lý dự án đầu tư xây dựng {d}",
    "Trung tâm Văn hóa - Thông tin và Thể thao {d}",
    "Hạt Kiểm lâm {d}",
    "Trung tâm Giáo dục nghề nghiệp - Giáo dục thường xuyên {d}",
]
COMMUNE_UNITS = [
    "Ủy ban nhân dân {k} {c}",
    "Trạm Y tế {k} {c}",
    "Trường Mầm non {c}",
    "Trường Tiểu học {c}",
    "Trường THCS {c}",
]
SCHOOL_NAMES = "Lê Lợi, Nguyễn Huệ, Phan Chu Trinh, Chu Văn An, Nguyễn Du, Trần Hưng Đạo, Hàm Nghi, Lý Thường Kiệt, "
SCHOOL_NAMES += "Cồn Tiên, Nguyễn Trãi, Bến Hải, Hải Lăng, Vĩnh Định, Lê Thế Hiếu, Cửa Tùng, Nguyễn Hữu Thận"

# ---------------------------------------------------------------- awards

INDIVIDUAL_TYPES = ["ldtt", "cstd_co_so", "cstd_tinh", "cstd_toan_quoc", "giay_khen", "bang_khen_tinh", "bang_khen_ttg"]
COLLECTIVE_TYPES = ["ttldtt", "ttldxs", "co_tinh", "co_chinh_phu", "giay_khen", "bang_khen_tinh", "bang_khen_ttg"]
PROVINCIAL = {"cstd_tinh", "ttldxs", "co_tinh", "bang_khen_tinh"}
NATIONAL = {
    "cstd_toan_quoc": "Thủ tướng Chính phủ",
    "bang_khen_ttg": "Thủ tướng Chính phủ",
    "co_chinh_phu": "Chính phủ",
}
DECISIONS_PER_ISSUER_YEAR = 6


def weighted(rng: random.Random, pairs: Sequence[tuple[str, float]]) -> str:
    return rng.choices([name for name, _ in pairs], weights=[w for _, w in pairs])[0]


def person_name(rng: random.Random) -> tuple[str, bool]:
    """A full name "Nguyễn Thị Thu Hà" and whether it is a woman's."""
    female = rng.random() < 0.5
    family = weighted(rng, FAMILY_NAMES)
    middle = rng.choice(MIDDLE_FEMALE if female else MIDDLE_MALE)
    given = rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
    if rng.random() < 0.25:  # a second middle name
        middle += " " + rng.choice(["Thu", "Ngọc", "Minh", "Thanh", "Hoài", "Bảo", "Quốc", "Xuân"])
    return f"{family} {middle} {given}", female


def unit_catalogue(count: int) -> list[tuple[str, str, str, str]]:
    """`count` units as (name, kind, issuer name, issuer abbreviation); schools are numbered once names run out."""
    units: list[tuple[str, str, str, str]] = []
    for department, abbr, children in DEPARTMENTS:
        units.append((department, "department", PROVINCE, "UBND"))
        units.extend((child, "centre", department, abbr) for child in children)
    for (prefix, district), communes in DISTRICTS.items():
        d = f"{prefix} {district}"
        issuer = f"Ủy ban nhân dân {d}"
        units.extend(
            (template.format(d=d), "office", PROVINCE if i == 0 else issuer, "UBND")
            for i, template in enumerate(DISTRICT_UNITS)
        )
        for commune in communes.split(", "):
            kind = "phường" if commune.startswith("Phường") or prefix != "huyện" else "xã"
            units.extend((t.format(k=kind, c=commune), "other", issuer, "UBND") for t in COMMUNE_UNITS)
    units.extend(
        (f"Trường THPT {name}", "centre", "Sở Giáo dục và Đào tạo", "SGDĐT") for name in SCHOOL_NAMES.split(", ")
    )
    base = [u for u in units if u[0].startswith(("Trường Tiểu học", "Trường Mầm non", "Trường THCS"))]
    number = 2
    while len(units) < count:
        for name, kind, issuer, abbr in base:
            units.append((f"{name} số {number}", kind, issuer, abbr))
        number += 1
    return units[:count]


class Generator:
    """The synthetic registry, deterministic for a seed: units, people and awards, as rows ready to insert."""

    def __init__(
        self,
        *,
        awards: int,
        seed: int,
        now: dt.datetime,
        type_ids: dict[str, int],
        type_names: dict[str, str],
        batch_ids: dict[int, int],
        root_id: int,
    ) -> None:
        from thidua.awards.services.registry import _search_key

        self.search_key_of = _search_key
        self.rng = random.Random(seed)
        self.total = awards
        self.now = now
        self.type_ids = type_ids
        self.type_names = {code: SimpleNamespace(name=name) for code, name in type_names.items()}
        self.batch_ids = batch_ids
        self.units = unit_catalogue(max(60, awards // 600))
        self.root_id = root_id
        self.unit_ids = [root_id + 1 + i for i in range(len(self.units))]
        self.signers: dict[tuple[str, int], str] = {}
        self.decisions: dict[tuple[str, int], list[str]] = {}
        self.count = 0
        self.person_count = 0
        self.decision_numbers: list[str] = []

    # ---- decisions

    def issuer(self, code: str, unit_index: int) -> tuple[str, str]:
        if code in NATIONAL:
            return NATIONAL[code], "QĐ-TTg"
        if code in PROVINCIAL:
            return PROVINCE, "QĐ-UBND"
        _name, _kind, issuer, abbr = self.units[unit_index]
        return issuer, f"QĐ-{abbr}"

    def decision(self, code: str, unit_index: int, year: int) -> tuple[str, str, str, dt.date]:
        issuer, suffix = self.issuer(code, unit_index)
        key = (issuer, year)
        numbers = self.decisions.get(key)
        if numbers is None:
            numbers = [f"{self.rng.randint(1, 4000)}/{suffix}" for _ in range(DECISIONS_PER_ISSUER_YEAR)]
            self.decisions[key] = numbers
            self.signers[key] = person_name(self.rng)[0]
            self.decision_numbers.extend(numbers)
        number = self.rng.choice(numbers)
        day = dt.date(year + 1, self.rng.randint(1, 5), self.rng.randint(1, 28))
        return number, issuer, self.signers[key], day

    # ---- rows

    def award_row(self, code: str, kind: str, year: int, unit_index: int, person: tuple[int, str] | None) -> tuple:
        self.count += 1
        unit_name = self.units[unit_index][0]
        number, issuer, signer, day = self.decision(code, unit_index, year)
        unit_ns = SimpleNamespace(name=unit_name)
        recipient = person[1] if person is not None else unit_name
        award = SimpleNamespace(
            recipient_name=recipient,
            unit_name=unit_name if person is not None else "",
            person=SimpleNamespace(full_name=person[1]) if person is not None else None,
            unit=unit_ns,
            award_type=self.type_names[code],
            year=year,
            decision_number=number,
            decision_signer=signer,
            issuing_body=issuer,
        )
        thematic = code == "giay_khen" and self.rng.random() < 0.15
        revoked = self.rng.random() < 0.0005
        return (
            self.count,  # id
            self.now,  # created_at
            self.now,  # updated_at
            self.type_ids[code],
            kind,
            self.unit_ids[unit_index],
            person[0] if person is not None else None,
            recipient,
            award.unit_name,
            year,
            number,
            day,
            signer,
            issuer,
            None,  # amount: imported history does not say
            not thematic,
            day + dt.timedelta(days=400) if revoked else None,
            "Thu hồi do kê khai thành tích không trung thực" if revoked else "",
            f"{self.rng.randint(1, 4000)}/QĐ-UBND" if revoked else "",
            None,
            "import",
            self.batch_ids[year],
            None,  # decision
            None,  # proposal
            "",  # fund
            "",  # note
            self.search_key_of(award),  # type: ignore[arg-type]  # the services' own function, on a stand-in
            False,
        )

    def collective_awards(self, unit_index: int) -> Iterator[tuple]:
        rng = self.rng
        excellent_before = False
        for year in YEARS:
            excellent = rng.random() < (0.45 if excellent_before else 0.2)
            if excellent:
                yield self.award_row("ttldxs", "collective", year, unit_index, None)
                if rng.random() < 0.12:
                    yield self.award_row("co_tinh", "collective", year, unit_index, None)
                elif rng.random() < 0.02:
                    yield self.award_row("co_chinh_phu", "collective", year, unit_index, None)
            elif rng.random() < 0.8:
                yield self.award_row("ttldtt", "collective", year, unit_index, None)
            for code, p in (("giay_khen", 0.12), ("bang_khen_tinh", 0.05), ("bang_khen_ttg", 0.008)):
                if rng.random() < p:
                    yield self.award_row(code, "collective", year, unit_index, None)
            excellent_before = excellent

    def individual_awards(self, person_id: int, name: str, unit_index: int, years: range) -> Iterator[tuple]:
        rng = self.rng
        person = (person_id, name)
        streak = 0  # consecutive years of Chiến sĩ thi đua cơ sở
        provincial: list[int] = []
        for year in years:
            ldtt = rng.random() < 0.78
            cstd = ldtt and rng.random() < (0.55 if streak else 0.14)
            if ldtt and not cstd:
                yield self.award_row("ldtt", "individual", year, unit_index, person)
            if cstd:
                yield self.award_row("cstd_co_so", "individual", year, unit_index, person)
                streak += 1
                if streak >= 3 and rng.random() < 0.35 and (not provincial or year - provincial[-1] >= 3):
                    yield self.award_row("cstd_tinh", "individual", year, unit_index, person)
                    provincial.append(year)
                    if len(provincial) >= 2 and rng.random() < 0.2:
                        yield self.award_row("cstd_toan_quoc", "individual", year, unit_index, person)
            else:
                streak = 0
            for code, p in (("giay_khen", 0.08), ("bang_khen_tinh", 0.02), ("bang_khen_ttg", 0.002)):
                if rng.random() < p:
                    yield self.award_row(code, "individual", year, unit_index, person)

    def unit_rows(self) -> list[tuple[int, str, str, str, int]]:
        """(id, name, kind, path, depth) of the units under the province's root."""
        return [
            (uid, name, kind, f"/{self.root_id}/{uid}/", 1)
            for uid, (name, kind, _issuer, _abbr) in zip(self.unit_ids, self.units, strict=True)
        ]

    def stream(self) -> Iterator[tuple[str, tuple]]:
        """("person", (id, full name, female)) and ("award", row) items, `total` awards in all."""
        for index in range(len(self.units)):
            for row in self.collective_awards(index):
                yield "award", row
                if self.count >= self.total:
                    return
        while True:
            self.person_count += 1
            name, female = person_name(self.rng)
            start = self.rng.randint(1980, 2025)
            years = range(max(start, YEARS.start), min(start + self.rng.randint(5, 35), YEARS.stop - 1) + 1)
            if not years:
                years = range(YEARS.stop - 1, YEARS.stop)
            yield "person", (self.person_count, name, female)
            unit_index = self.rng.randrange(len(self.units))
            for row in self.individual_awards(self.person_count, name, unit_index, years):
                yield "award", row
                if self.count >= self.total:
                    return


# ---------------------------------------------------------------- the database side (child process)

AWARD_COLUMNS = [
    "id", "created_at", "updated_at", "award_type_id", "recipient_kind", "unit_id", "person_id", "recipient_name",
    "unit_name", "year", "decision_number", "decision_date", "decision_signer", "issuing_body", "amount",
    "counts_as_history", "revoked_on", "revoke_reason", "revoke_decision_number", "recovery_amount", "source",
    "batch_id", "decision_id", "proposal_id", "fund", "note", "search_key", "is_demo",
]  # fmt: skip
PERSON_COLUMNS = ["id", "created_at", "updated_at", "full_name", "gender", "date_of_birth", "email", "phone",
                  "user_id", "search_key", "is_demo"]  # fmt: skip
UNIT_COLUMNS = ["id", "created_at", "updated_at", "code", "name", "short_name", "kind", "parent_id", "path", "depth",
                "address", "phone", "email", "status", "valid_from", "valid_to", "search_key", "is_demo"]  # fmt: skip


def check_columns() -> None:
    """Fail loudly when the models gained or lost a column this script writes."""
    from thidua.awards.models import Award
    from thidua.organizations.models import Person, Unit

    for model, columns in ((Award, AWARD_COLUMNS), (Person, PERSON_COLUMNS), (Unit, UNIT_COLUMNS)):
        actual = {str(field.column) for field in model._meta.concrete_fields}
        if actual != set(columns):
            sys.exit(
                f"{model.__name__} columns changed: {sorted(actual ^ set(columns))}; update bench/awards_registry.py"
            )


def insert_rows(table: str, columns: Sequence[str], rows: Sequence[tuple]) -> None:
    """COPY on PostgreSQL, executemany on SQLite, through the raw driver connection of Django's connection."""
    from django.db import connection

    connection.ensure_connection()
    raw: Any = connection.connection
    if connection.vendor == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join("?" for _ in columns)
        raw.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def migration_0004() -> Any:
    return importlib.import_module("thidua.awards.migrations.0004_registry_search")


def drop_search_index() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP INDEX IF EXISTS awards_award_search_trgm")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS awards_award_fts_ai")


def rebuild_search_index() -> None:
    """Migration 0004's own forwards(): CREATE INDEX IF NOT EXISTS (PostgreSQL) / the trigger and 'rebuild' (SQLite)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET maintenance_work_mem = '512MB'")
    with connection.schema_editor() as editor:
        migration_0004().forwards(None, editor)


def load(args: argparse.Namespace) -> tuple[Generator, dict[str, float]]:
    """Migrate, then write the units, people and awards; returns the generator (for the queries) and timings."""
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from thidua.awards.models import Award, AwardType, ImportBatch
    from thidua.core.vi_text import search_key
    from thidua.organizations.models import Person, Unit

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    timings = {"migrate": time.perf_counter() - started}
    check_columns()
    if Award.objects.exists() or Unit.objects.exists() or Person.objects.exists():
        sys.exit("the database is not empty: the benchmark needs a throwaway database")
    sqlite = connection.vendor == "sqlite"
    now = timezone.now().replace(microsecond=0)
    db_now = now.replace(tzinfo=None) if sqlite else now
    root = Unit.objects.create(code="BAR-ROOT", name=PROVINCE, kind="province", search_key=search_key(PROVINCE))
    root.path = f"/{root.pk}/"
    root.save(update_fields=["path"])
    batches = {
        year: ImportBatch.objects.create(file_name=f"khen-thuong-{year}.xlsx", sha256=f"{year:064d}").pk
        for year in YEARS
    }
    types = dict(AwardType.objects.values_list("code", "pk"))
    names = dict(AwardType.objects.values_list("code", "name"))
    gen = Generator(awards=args.awards, seed=args.seed, now=db_now, type_ids=types, type_names=names,
                    batch_ids=batches, root_id=root.pk)  # fmt: skip
    unit_rows = [
        (uid, db_now, db_now, f"BAR-{uid:05d}", name, "", kind, root.pk, path, depth, "", "", "", "active", None,
         None, search_key(name, "", f"BAR-{uid:05d}", ""), False)
        for uid, name, kind, path, depth in gen.unit_rows()
    ]  # fmt: skip
    with transaction.atomic():
        insert_rows("organizations_unit", UNIT_COLUMNS, unit_rows)
    if args.index_during_load:
        rebuild_search_index()  # on SQLite the triggers may be missing after later migrations remade the table
    else:
        drop_search_index()

    generating = inserting = 0.0
    stream = gen.stream()
    done = False
    load_started = time.perf_counter()
    while not done:
        t0 = time.perf_counter()
        awards: list[tuple] = []
        people: list[tuple] = []
        for kind, item in stream:
            if kind == "person":
                pid, full_name, female = item
                people.append((pid, db_now, db_now, full_name, "female" if female else "male", None, "", "", None,
                               search_key(full_name, ""), False))  # fmt: skip
            else:
                awards.append(item)
                if len(awards) >= CHUNK:
                    break
        else:
            done = True
        if not awards:
            break
        t1 = time.perf_counter()
        with transaction.atomic():
            if people:
                insert_rows("organizations_person", PERSON_COLUMNS, people)
            insert_rows("awards_award", AWARD_COLUMNS, awards)
        t2 = time.perf_counter()
        generating += t1 - t0
        inserting += t2 - t1
        if gen.count % 500_000 < CHUNK:
            print(f"  … {gen.count:,} awards ({t2 - load_started:.0f} s)", flush=True)
    timings["generate"] = generating
    timings["insert"] = inserting
    t0 = time.perf_counter()
    if not args.index_during_load:
        rebuild_search_index()
    timings["index"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(_no_style(), [Unit, Person, Award]):
            cursor.execute(sql)
        cursor.execute("ANALYZE")
    timings["analyze"] = time.perf_counter() - t0
    return gen, timings


def _no_style() -> Any:
    from django.core.management.color import no_style

    return no_style()


# ---------------------------------------------------------------- queries


def make_queries(gen: Generator, count: int, seed: int) -> list[tuple[str, str]]:
    """(category, query) pairs without tone marks, as people type them."""
    from thidua.core.vi_text import vi_fold

    rng = random.Random(seed + 1)
    unit_fragments = [
        "hai lang", "trung tam y te", "so y te", "ban quan ly du an", "thpt le loi", "tram y te xa", "gio linh",
        "dong ha", "vinh linh", "huong hoa", "truong tieu hoc", "phong giao duc", "hai thuong", "trieu phong",
        "le thuy", "ban quan ly rung", "trung tam y te huyen hai lang", "ubnd xa", "mam non gio my", "kiem lam",
    ]  # fmt: skip
    titles = [
        "chien si", "chien si thi dua", "chien si thi dua co so", "lao dong tien tien", "bang khen", "giay khen",
        "co thi dua", "tap the lao dong xuat sac", "thu tuong", "chien si thi dua cap tinh",
    ]  # fmt: skip
    numbers = sorted(set(gen.decision_numbers))
    plan = [("name", 80), ("unit", 40), ("title", 25), ("year", 20), ("decision", 35)]
    queries: list[tuple[str, str]] = []
    scale = count / sum(n for _, n in plan)
    for category, n in plan:
        for _ in range(max(1, round(n * scale))):
            if category == "name":
                full, _female = person_name(rng)
                parts = full.split()
                text = full if rng.random() < 0.8 else f"{parts[0]} {parts[-1]}"  # "nguyen hung"
                queries.append((category, vi_fold(text)))
            elif category == "unit":
                queries.append((category, rng.choice(unit_fragments)))
            elif category == "title":
                queries.append((category, rng.choice(titles)))
            elif category == "year":
                queries.append((category, str(rng.choice(list(YEARS)))))
            else:
                number = rng.choice(numbers)
                queries.append((category, vi_fold(number.split("-")[0])))  # "1234/qd"
    rng.shuffle(queries)
    return queries


def selector_page(query: str) -> tuple[int, int]:
    """What the registry page does: the count it shows (capped, as the page's) and the first page of rows (with their
    joins)."""
    from thidua.awards.selectors_registry import SEARCH_COUNT_CAP, award_search
    from thidua.core.web import CappedPaginator

    page = CappedPaginator(award_search(query=query), PAGE_SIZE, count_cap=SEARCH_COUNT_CAP).get_page(1)
    rows = list(page.object_list)
    for award in rows:  # what the row template reads
        _ = (award.award_type.name, award.unit, award.person, award.batch)
    return page.paginator.count, len(rows)


def raw_query(query: str) -> int:
    """The bare index query with LIMIT the page size (the baseline)."""
    from django.db import connection

    from thidua.core.vi_text import search_tokens

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # every token as a substring, answered by the trigram GIN index (the word-similarity operator `<%` was
            # tried first: 28 s and more for a six-word title at 2 million rows, so it cannot serve as a baseline)
            tokens = search_tokens(query)
            where = " AND ".join("search_key LIKE %s" for _ in tokens)
            cursor.execute(
                f"SELECT id FROM awards_award WHERE {where} LIMIT %s", [*(f"%{t}%" for t in tokens), PAGE_SIZE]
            )
        else:
            match = " ".join(f'"{token}"*' for token in search_tokens(query))
            cursor.execute(
                "SELECT rowid FROM awards_award_fts WHERE awards_award_fts MATCH %s LIMIT %s", [match, PAGE_SIZE]
            )
        return len(cursor.fetchall())


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return (time.perf_counter() - start) * 1000, result


def bench_search(gen: Generator, args: argparse.Namespace) -> None:
    queries = make_queries(gen, args.queries, args.seed)
    for _category, query in queries:  # warm-up: caches, prepared plans, page cache
        selector_page(query)
        raw_query(query)
    sel: list[float] = []
    raw: list[float] = []
    by_category: dict[str, list[float]] = {}
    matches: dict[str, list[int]] = {}
    for category, query in queries:
        ms_raw, _n = timed(partial(raw_query, query))
        ms_sel, (count, _rows) = timed(partial(selector_page, query))
        raw.append(ms_raw)
        sel.append(ms_sel)
        by_category.setdefault(category, []).append(ms_sel)
        matches.setdefault(category, []).append(count)
    print(f"search: {len(queries)} queries without tone marks, award_search (count + first page of {PAGE_SIZE}) "
          f"vs the bare index query (LIMIT {PAGE_SIZE})", flush=True)  # fmt: skip
    for label, share in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99)):
        s, r = percentile(sel, share), percentile(raw, share)
        print(f"  {label}: selector {s:8.2f} ms   raw index {r:8.2f} ms   ratio {s / r:7.1f}x", flush=True)
    aim = "met" if percentile(sel, 0.95) < 50 else "NOT met"
    print(f"  aim p95 < 50 ms: {aim}", flush=True)
    for category, values in by_category.items():
        counts = matches[category]
        print(
            f"  {category:9s} n={len(values):3d}: p50 {percentile(values, 0.5):8.2f} ms, p95 "
            f"{percentile(values, 0.95):8.2f} ms, max {max(values):8.2f} ms; matches median "
            f"{statistics.median(counts):,.0f}, max {max(counts):,}",
            flush=True,
        )


# ---------------------------------------------------------------- eligibility


def proposals(args: argparse.Namespace, gen: Generator) -> list[tuple[str, int, str]]:
    """(kind, recipient id, award code) for 2025: 85 % individuals, 15 % collectives, codes weighted as offices
    propose them."""
    rng = random.Random(args.seed + 2)
    individual = [("ldtt", 30), ("cstd_co_so", 35), ("cstd_tinh", 20), ("cstd_toan_quoc", 5), ("bang_khen_tinh", 10)]
    collective = [("ttldtt", 30), ("ttldxs", 40), ("co_tinh", 20), ("co_chinh_phu", 10)]
    out = []
    for _ in range(args.proposals):
        if rng.random() < 0.85 and gen.person_count:
            out.append(("individual", rng.randint(1, gen.person_count), weighted(rng, individual)))
        else:
            out.append(("collective", rng.choice(gen.unit_ids), weighted(rng, collective)))
    return out


def facts_for(kind: str, rng: random.Random) -> Any:
    from thidua.awards.eligibility import Initiatives, PastYear, TaskRating, YearFacts

    rating = rng.choice([TaskRating.EXCELLENT, TaskRating.EXCELLENT, TaskRating.GOOD])
    if kind == "individual":
        return YearFacts(
            task_rating=rating,
            initiatives=Initiatives(grassroots=rng.randint(0, 2), provincial=rng.randint(0, 1)),
            disciplinary_hold=rng.random() < 0.01,
            earlier_years=tuple(
                PastYear(year, TaskRating.EXCELLENT, Initiatives(grassroots=1)) for year in (2023, 2024)
            ),
        )
    members = rng.randint(10, 80)
    completing = members - rng.randint(0, 1)
    ldtt = min(completing, round(members * rng.uniform(0.6, 0.9)))
    return YearFacts(
        task_rating=rating,
        disciplinary_hold=False,
        member_count=members,
        members_completing=completing,
        members_ldtt=ldtt,
        members_cstdcs=min(ldtt, rng.randint(0, 5)),
        members_disciplined=0,
        led_block=rng.random() < 0.2,
        block_leaders_in_province=40,
        government_flag_proposals=rng.randint(0, 8),
    )


def bench_eligibility(gen: Generator, args: argparse.Namespace) -> None:
    from collections import Counter

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from thidua.awards.eligibility import Candidate, RecipientKind, evaluate, resolve_parameters
    from thidua.awards.selectors import parameters_on
    from thidua.awards.selectors_eligibility import eligibility_for
    from thidua.awards.selectors_registry import histories_for, history_for
    from thidua.organizations.models import Person, Unit

    year = 2025
    plan = proposals(args, gen)
    rng = random.Random(args.seed + 3)
    facts = [facts_for(kind, rng) for kind, _pk, _code in plan]
    units = {pk for kind, pk, _ in plan if kind == "collective"}
    people = {pk for kind, pk, _ in plan if kind == "individual"}

    # (a) the pure engine over the 10,000 proposals; baseline: reading their histories (two queries)
    read_ms, histories = timed(
        lambda: histories_for(
            units=[Unit(pk=pk) for pk in sorted(units)], people=[Person(pk=pk) for pk in sorted(people)],
            up_to_year=year,
        )
    )  # fmt: skip
    params = resolve_parameters(year, parameters_on(dt.date(year, 12, 31)))
    verdicts: Counter[str] = Counter()
    records = sum(len(h) for h in histories.values())
    start = time.perf_counter()
    for (kind, pk, code), year_facts in zip(plan, facts, strict=True):
        report = evaluate(
            Candidate(key=pk, kind=RecipientKind(kind), year=year), code, histories[(kind, pk)], year_facts, params
        )
        verdicts[report.verdict.value] += 1
    engine_ms = (time.perf_counter() - start) * 1000
    print(
        f"eligibility (a) pure engine: {len(plan):,} proposals ({len(people):,} people, {len(units):,} units, "
        f"{records:,} history records): {engine_ms:.0f} ms, {engine_ms / len(plan) * 1000:.0f} µs per proposal; "
        f"reading the histories {read_ms:.0f} ms; ratio {engine_ms / read_ms:.2f}x; verdicts {dict(verdicts)}",
        flush=True,
    )

    # (b) through eligibility_for (the database path of a page) for a sample; baseline: history_for alone
    sample = plan[: args.db_sample]
    objects: dict[tuple[str, int], Unit | Person] = {}
    objects.update(
        (("collective", u.pk), u) for u in Unit.objects.filter(pk__in=[pk for k, pk, _ in sample if k == "collective"])
    )
    objects.update(
        (("individual", p.pk), p)
        for p in Person.objects.filter(pk__in=[pk for k, pk, _ in sample if k == "individual"])
    )

    def one(kind: str, pk: int, code: str) -> Any:
        target = objects[(kind, pk)]
        if kind == "collective":
            return eligibility_for(unit=target, award_code=code, year=year)  # type: ignore[arg-type]
        return eligibility_for(person=target, award_code=code, year=year)  # type: ignore[arg-type]

    for kind, pk, code in sample[:20]:  # warm-up
        one(kind, pk, code)
        history_for(objects[(kind, pk)], up_to_year=year)
    full: list[float] = []
    base: list[float] = []
    queries: Counter[str] = Counter()
    for kind, pk, code in sample:
        ms, _ = timed(partial(history_for, objects[(kind, pk)], up_to_year=year))
        base.append(ms)
        with CaptureQueriesContext(connection) as captured:
            ms, _ = timed(partial(one, kind, pk, code))
        full.append(ms)
        queries[f"{kind}:{len(captured.captured_queries)}"] += 1
    total, total_base = sum(full), sum(base)
    print(
        f"eligibility (b) eligibility_for: {len(sample):,} proposals in {total:.0f} ms, {total / len(sample):.2f} ms "
        f"per proposal (p50 {percentile(full, 0.5):.2f}, p95 {percentile(full, 0.95):.2f} ms); history_for alone "
        f"{total_base / len(sample):.2f} ms; ratio {total / total_base:.2f}x; queries per proposal "
        f"{dict(sorted(queries.items()))}",
        flush=True,
    )


# ---------------------------------------------------------------- processes


def child(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            cursor.execute("SELECT sqlite_version()")
            version = f"SQLite {cursor.fetchone()[0]}"
    print(f"== {version}: {args.awards:,} awards", flush=True)
    started = time.perf_counter()
    gen, t = load(args)
    how = "index kept during the load" if args.index_during_load else "index dropped, rebuilt by migration 0004"
    print(
        f"load: {gen.count:,} awards, {gen.person_count:,} people, {len(gen.units):,} units in "
        f"{time.perf_counter() - started:.0f} s (migrate {t['migrate']:.0f} s, generating rows with search_key "
        f"{t['generate']:.0f} s, inserting {t['insert']:.0f} s, search index {t['index']:.0f} s ({how}), "
        f"sequences + ANALYZE {t['analyze']:.0f} s)",
        flush=True,
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('awards_award'))")
            print(f"  awards_award with its indexes: {cursor.fetchone()[0]}", flush=True)
    bench_search(gen, args)
    bench_eligibility(gen, args)


def run_child(args: argparse.Namespace, db: str, env: dict[str, str]) -> int:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", "--db", db, "--awards", str(args.awards),
               "--queries", str(args.queries), "--proposals", str(args.proposals), "--db-sample",
               str(args.db_sample), "--seed", str(args.seed)]  # fmt: skip
    if args.index_during_load:
        command.append("--index-during-load")
    return subprocess.run(command, env=env, check=False).returncode


def machine() -> str:
    cores = os.cpu_count()
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    model = ""
    if shutil.which("lscpu"):
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        model = next((line.split(":", 1)[1].strip() for line in out.splitlines() if line.startswith("Model name")), "")
    return f"{cores} cores, {ram:.0f} GiB RAM, {model}; load average {os.getloadavg()[0]:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--awards", type=int, default=2_000_000)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--queries", type=int, default=200, help="search queries in the mix")
    parser.add_argument("--proposals", type=int, default=10_000, help="proposals for the pure engine")
    parser.add_argument("--db-sample", type=int, default=1_000, help="proposals through eligibility_for")
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--index-during-load", action="store_true", help="keep the search index during the load")
    parser.add_argument("--pgport", default=os.environ.get("PGPORT", "5466"))
    parser.add_argument("--pgdata", default=os.environ.get("PGDATA", "/tmp/pg-bench"))
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return

    print(f"machine: {machine()}", flush=True)
    started = time.perf_counter()
    failures = 0
    base_env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    base_env["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    base_env.setdefault("SECRET_KEY", "thidua-bench-awards-registry")
    if args.db in ("sqlite", "both"):
        var_dir = tempfile.mkdtemp(prefix="thidua-bench-awards-")
        env = {k: v for k, v in base_env.items() if k != "DATABASE_URL"}
        env["THIDUA_VAR_DIR"] = var_dir
        try:
            failures += run_child(args, "sqlite", env) != 0
        finally:
            shutil.rmtree(var_dir, ignore_errors=True)
    if args.db in ("postgres", "both"):
        own = "DATABASE_URL" not in base_env
        pg_env = {**base_env, "PGPORT": str(args.pgport), "PGDATA": args.pgdata}
        if own:
            print(f"starting a throwaway PostgreSQL (port {args.pgport}, {args.pgdata}) …", flush=True)
            url = subprocess.run(
                ["bash", str(ROOT / "scripts/pg_start.sh")], env=pg_env, check=True, capture_output=True, text=True
            ).stdout.strip()
        else:
            url = base_env["DATABASE_URL"]
        env = {**base_env, "DATABASE_URL": url, "THIDUA_VAR_DIR": tempfile.mkdtemp(prefix="thidua-bench-awards-")}
        try:
            failures += run_child(args, "postgres", env) != 0
        finally:
            shutil.rmtree(env["THIDUA_VAR_DIR"], ignore_errors=True)
            if own:
                subprocess.run(["bash", str(ROOT / "scripts/pg_stop.sh")], env=pg_env, check=False)
    print(f"total {time.perf_counter() - started:.0f} s", flush=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
