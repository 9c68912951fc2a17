"""The history import: CSV and XLSX, recipients linked or kept by name, all or nothing with every bad row listed
(each stable code), duplicates in the file and against the registry, file-level refusals, permissions."""

import csv
import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import Workbook

from thidua.accounts.roles import Role
from thidua.audit.models import AuditEvent
from thidua.awards import registry_io
from thidua.awards.models import Award, AwardSource, ImportBatch
from thidua.awards.services.registry import ImportRejected, award_import, award_record
from thidua.core.exceptions import PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db

HEADER = [
    "Danh hiệu / hình thức",
    "Tập thể / cá nhân",
    "Đơn vị",
    "Họ và tên",
    "Năm thành tích",
    "Số quyết định",
    "Ngày quyết định",
    "Số tiền thưởng (đồng)",
    "Tính vào thành tích",
]
GOOD_ROWS = [
    ["ttldtt", "Tập thể", "TTA", "", "2022", "12/QĐ-SNV", "15/01/2023", "1.880.000", ""],
    [
        "Chiến sĩ thi đua cơ sở",
        "Cá nhân",
        "Trung tâm Lưu trữ lịch sử",
        "nguyen van duc",
        "2022",
        "13/QĐ-SNV",
        "2023-01-15",
        "",
        "",
    ],
    ["ttldtt", "tap the", "Trung tâm Văn hóa (đã giải thể)", "", "2019", "5/QĐ-SNV", "", "", "có"],
    ["giay_khen", "Cá nhân", "", "Lê Thị Cũ", "2020", "", "", "", "không"],
]


def csv_bytes(rows: list[list[Any]], header: list[str] = HEADER, delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(rows: list[list[Any]], header: list[str] = HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Khen thưởng"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def written() -> tuple[int, int, int]:
    return Award.objects.count(), ImportBatch.objects.count(), AuditEvent.objects.count()


@pytest.fixture
def provincial(tree: dict[str, Any], make_user: Any) -> Any:
    return make_user(Role.PROVINCIAL_OFFICER, unit=tree["province"])


def test_import_csv_links_known_recipients_and_keeps_others_by_name(tree: dict[str, Any], provincial: Any) -> None:
    events = AuditEvent.objects.count()
    result = award_import(actor=provincial, upload=csv_bytes(GOOD_ROWS), file_name="lich-su.csv")
    assert len(result.awards) == 4
    batch = result.batch
    assert (batch.file_name, batch.rows, batch.created, len(batch.sha256)) == ("lich-su.csv", 4, 4, 64)
    assert batch.created_by == provincial
    linked = Award.objects.get(award_type__code="ttldtt", year=2022)
    assert linked.unit == tree["centre_a"]
    assert linked.amount == 1_880_000
    assert linked.source == AwardSource.IMPORT
    person_award = Award.objects.get(award_type__code="cstd_co_so")
    assert person_award.person == tree["person_a"]
    assert person_award.unit == tree["centre_a"]
    assert person_award.decision_date == dt.date(2023, 1, 15)
    gone = Award.objects.get(year=2019)
    assert gone.unit is None
    assert gone.recipient_name == "Trung tâm Văn hóa (đã giải thể)"
    assert gone.counts_as_history
    retired = Award.objects.get(year=2020)
    assert retired.person is None
    assert retired.recipient_name == "Lê Thị Cũ"
    assert retired.counts_as_history is False
    assert all(a.batch == batch for a in Award.objects.all())
    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    assert event.action == "award.import"
    assert event.changes["created"] == 4


def test_import_xlsx_with_date_and_number_cells(tree: dict[str, Any], provincial: Any) -> None:
    rows: list[list[Any]] = [
        ["cstd_co_so", "Cá nhân", "TTC", "Trần Thị Hà", 2023, "3/QĐ-SYT", dt.datetime(2024, 2, 1), 2340000, None],
        ["ttldxs", "Tập thể", "TTC", None, 2023.0, "40/QĐ-UBND", dt.date(2024, 3, 1), None, None],
    ]
    result = award_import(actor=provincial, upload=xlsx_bytes(rows), file_name="history.xlsx")
    assert len(result.awards) == 2
    person_award = Award.objects.get(award_type__code="cstd_co_so")
    assert person_award.person == tree["person_c"]
    assert person_award.amount == 2_340_000
    assert person_award.decision_date == dt.date(2024, 2, 1)


def test_import_semicolon_csv(tree: dict[str, Any], provincial: Any) -> None:
    result = award_import(actor=provincial, upload=csv_bytes(GOOD_ROWS[:1], delimiter=";"), file_name="a.csv")
    assert len(result.awards) == 1


def test_the_template_imports_as_it_is(tree: dict[str, Any], admin_user: Any) -> None:
    result = award_import(actor=admin_user, upload=registry_io.template_xlsx(), file_name="mau.xlsx")
    assert len(result.awards) == 2
    assert Award.objects.get(award_type__code="cstd_co_so").person == tree["person_a"]
    Award.objects.all().delete()
    result = award_import(actor=admin_user, upload=registry_io.template_csv(), file_name="mau.csv")
    assert len(result.awards) == 2


def test_malformed_file_is_refused_whole_with_every_bad_row(tree: dict[str, Any], provincial: Any) -> None:
    award_record(
        actor=provincial,
        award_type="ttldtt",
        unit=tree["centre_b"],
        year=2022,
        decision_number="1/QĐ",
        decision_date=dt.date(2023, 1, 2),
    )
    future = dt.date.today().year + 1
    rows = [
        GOOD_ROWS[0],  # row 2: fine
        ["bang_khen_xyz", "Tập thể", "TTA", "", "2022", "", "", "", ""],  # 3
        ["ttldtt", "ai đó", "TTA", "", "2022", "", "", "", ""],  # 4
        ["ldtt", "Tập thể", "TTA", "", "2022", "", "", "", ""],  # 5: an individual title for a collective
        ["ttldtt", "Tập thể", "", "", "2022", "", "", "", ""],  # 6: no unit
        ["ttldtt", "Tập thể", "TTC", "", "hai nghìn", "", "", "", ""],  # 7
        ["ttldtt", "Tập thể", "TTC", "", str(future), "", "", "", ""],  # 8
        ["ttldtt", "Tập thể", "TTC", "", "2021", "", "31/02/2022", "", ""],  # 9
        ["ttldtt", "Tập thể", "TTC", "", "2021", "", "20/12/2020", "", ""],  # 10
        ["ttldtt", "Tập thể", "BQL", "", "2021", "", "", "1.5", ""],  # 11
        ["ttldtt", "Tập thể", "BQL", "", "2020", "", "", "abc", ""],  # 12
        ["ttldtt", "Tập thể", "BQL", "", "2019", "", "", "", "có lẽ"],  # 13
        ["TTLDTT", "Tập thể", "tta", "", "2022", "", "", "", ""],  # 14: same as row 2
        ["ttldtt", "Tập thể", "TTB", "", "2022", "", "", "", ""],  # 15: already in the registry
    ]
    before = written()
    with pytest.raises(ImportRejected) as caught:
        award_import(actor=provincial, upload=csv_bytes(rows), file_name="bad.csv")
    assert caught.value.code == "import_invalid"
    codes = {error["row"]: error["code"] for error in caught.value.errors}
    assert codes == {
        3: "unknown_award_type",
        4: "invalid_recipient_kind",
        5: "recipient_not_allowed",
        6: "recipient_required",
        7: "invalid_year",
        8: "invalid_year",
        9: "invalid_date",
        10: "decision_before_achievement",
        11: "invalid_amount",
        12: "invalid_amount",
        13: "invalid_flag",
        14: "duplicate_award",
        15: "duplicate_award",
    }
    assert all(error["message"] for error in caught.value.errors)
    assert "3, 4, 5" in str(caught.value.message)
    assert caught.value.as_dict()["details"][0]["row"] == 3
    assert written() == before


def test_duplicate_by_name_only_recipient(tree: dict[str, Any], provincial: Any) -> None:
    award_import(actor=provincial, upload=csv_bytes(GOOD_ROWS[2:3]), file_name="a.csv")
    before = written()
    same = [["ttldtt", "Tập thể", "TRUNG TAM VAN HOA (DA GIAI THE)", "", "2019", "", "", "", ""]]
    with pytest.raises(ImportRejected) as caught:
        award_import(actor=provincial, upload=csv_bytes(same), file_name="b.csv")
    assert [e["code"] for e in caught.value.errors] == ["duplicate_award"]
    assert written() == before


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("a.txt", b"x", "import_unsupported_file"),
        ("a.csv", b"", "import_unreadable"),
        ("a.xlsx", b"not a zip", "import_unreadable"),
        ("a.csv", "\ufeffNăm thành tích,Đơn vị\n2022,TTA\n".encode(), "import_missing_column"),
        ("a.csv", csv_bytes([]), "import_empty"),
        ("a.csv", "Danh hiệu\n".encode("utf-16"), "import_unreadable"),
    ],
)
def test_unreadable_files(tree: dict[str, Any], provincial: Any, name: str, content: bytes, code: str) -> None:
    before = written()
    with pytest.raises(ValidationFailed) as caught:
        award_import(actor=provincial, upload=content, file_name=name)
    assert caught.value.code == code
    assert written() == before


def test_too_many_rows(tree: dict[str, Any], provincial: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry_io, "MAX_ROWS", 2)
    with pytest.raises(ValidationFailed) as caught:
        award_import(actor=provincial, upload=csv_bytes(GOOD_ROWS), file_name="a.csv")
    assert caught.value.code == "import_too_large"


def test_import_permissions(tree: dict[str, Any], make_user: Any) -> None:
    clerk = make_user(Role.UNIT_CLERK, unit=tree["centre_a"])
    with pytest.raises(PermissionDenied):
        award_import(actor=clerk, upload=csv_bytes(GOOD_ROWS), file_name="a.csv")
    # A department officer covers the department's units only; a unit Thidua does not know needs the province.
    officer = make_user(Role.DEPARTMENT_OFFICER, unit=tree["dept"])
    rows = [GOOD_ROWS[0], ["ttldtt", "Tập thể", "TTC", "", "2022", "", "", "", ""], GOOD_ROWS[2]]
    before = written()
    with pytest.raises(ImportRejected) as caught:
        award_import(actor=officer, upload=csv_bytes(rows), file_name="a.csv")
    assert [(e["row"], e["code"]) for e in caught.value.errors] == [(3, "permission_denied"), (4, "permission_denied")]
    assert written() == before
    assert len(award_import(actor=officer, upload=csv_bytes(rows[:1]), file_name="a.csv").awards) == 1
