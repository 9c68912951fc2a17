"""Criteria XLSX: the exported workbook cell by cell, the round trip, edits coming back, and malformed files.

A malformed file must raise a ValidationFailed naming the row and the column, with a stable code,
and leave the set exactly as it was (no row changed, no audit event).
"""

import io
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from thidua.audit.models import AuditEvent
from thidua.core.exceptions import ValidationFailed
from thidua.organizations import services as org_services
from thidua.scoring import xlsx
from thidua.scoring.demo_criteria import build_criteria_demo
from thidua.scoring.models import CriteriaGroup, CriteriaItem, CriteriaSet, ScoreLine, ScoreSheet, ScoringConfig
from thidua.scoring.selectors import criteria as selectors
from thidua.scoring.services import criteria as services
from thidua.tests_support.factories import system_actor

pytestmark = pytest.mark.django_db

D = Decimal


def shape(cs: CriteriaSet) -> list[tuple[Any, ...]]:
    """The tree as comparable tuples: groups in order with their items in order."""
    return [
        (
            view.group.code,
            view.group.title,
            [
                (i.code, i.title, i.guidance, i.item_type, i.max_points, i.per_occurrence, i.cap, i.evidence_required)
                for i in view.items
            ],
        )
        for view in selectors.criteria_tree(criteria_set=cs).groups
    ]


def export(cs: CriteriaSet) -> bytes:
    return xlsx.write_criteria(cs, selectors.criteria_groups(criteria_set=cs))


def upload(data: bytes, name: str = "tieu-chi.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=xlsx.CONTENT_TYPE)


def workbook(rows: list[list[Any]], *, sheet: str = xlsx.SHEET_NAME, header: list[str] | None = None) -> bytes:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    ws.append(header if header is not None else xlsx.HEADERS)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


GOOD_ROWS: list[list[Any]] = [
    ["I", None, "Nhiệm vụ chuyên môn", None, None, None, None, None, None],
    [None, "1.1", "Hoàn thành chỉ tiêu", "Trừ 2 điểm mỗi chỉ tiêu", "Chấm điểm", 10, None, None, "Có"],
    [None, "1.2", "Văn hóa công sở", None, "Đạt/Không đạt", 5, None, None, "Không"],
    ["II", None, "Điểm thưởng, điểm trừ", None, None, None, None, None, None],
    [None, "2.1", "Cờ thi đua của UBND tỉnh", None, "Điểm thưởng", None, 10, 10, "Có"],
    [None, "2.2", "Chậm nộp báo cáo", None, "Điểm trừ", None, 1, 5, None],
]


@pytest.fixture
def actor() -> Any:
    return system_actor()


@pytest.fixture
def demo(tree: dict[str, Any], actor: Any) -> CriteriaSet:
    return build_criteria_demo(block_year=tree["block_year"], actor=actor)


@pytest.fixture
def other_year(tree: dict[str, Any], actor: Any) -> Any:
    return org_services.block_year_create(actor=actor, block=tree["other_block"], year=2025)


# --- export --------------------------------------------------------------------------------------------------------


def test_export_is_a_readable_workbook(demo: CriteriaSet) -> None:
    book = load_workbook(io.BytesIO(export(demo)))
    assert book.sheetnames == ["Tiêu chí", "Hướng dẫn"]
    ws = book["Tiêu chí"]
    assert [c.value for c in ws[1]] == [
        "Nhóm",
        "Mã",
        "Nội dung tiêu chí",
        "Hướng dẫn",
        "Cách chấm",
        "Điểm tối đa",
        "Điểm mỗi lần",
        "Mức trần",
        "Cần minh chứng",
    ]
    assert ws.freeze_panes == "A2"
    assert ws[1][0].font.bold
    assert ws.column_dimensions["C"].width == 60
    # group I, then its first line
    assert [ws.cell(row=2, column=c).value for c in (1, 2, 3)] == ["I", None, "Thực hiện nhiệm vụ chuyên môn"]
    assert ws.cell(row=2, column=6).value == "=SUM(F3:F7)"
    assert ws.cell(row=2, column=1).font.bold
    first = [ws.cell(row=3, column=c).value for c in range(1, 10)]
    assert first[:3] == [None, "1.1", "Hoàn thành 100% chỉ tiêu, kế hoạch công tác chuyên môn được giao trong năm"]
    assert first[4:] == ["Chấm điểm", 12, None, None, "Có"]
    assert ws.cell(row=3, column=2).number_format == "@"
    rows = {
        ws.cell(row=r, column=2).value: [ws.cell(row=r, column=c).value for c in range(5, 10)]
        for r in range(2, ws.max_row + 1)
    }
    assert rows["2.4"] == ["Đạt/Không đạt", 5, None, None, "Không"]
    assert rows["6.2"] == ["Điểm thưởng", None, 15, 15, "Có"]
    assert rows["6.3"] == ["Điểm trừ", None, 1, 5, "Không"]
    assert rows["6.4"] == ["Điểm trừ", None, 5, None, "Có"]
    validations = {str(v.sqref): v.formula1 for v in ws.data_validations.dataValidation}
    assert any(ref.startswith("E2:") for ref in validations)
    assert '"Chấm điểm,Đạt/Không đạt,Điểm thưởng,Điểm trừ"' in validations.values()
    assert '"Có,Không"' in validations.values()
    guide = [row[0] for row in book["Hướng dẫn"].iter_rows(values_only=True)]
    assert guide[0] == demo.title
    assert any("Điểm chuẩn tối đa" in (line or "") and "100" in line for line in guide)
    assert any("Cách chấm" in (line or "") for line in guide)


def test_export_of_decimals_and_an_empty_group(tree: dict[str, Any], actor: Any) -> None:
    cs = services.criteria_set_create(actor=actor, block_year=tree["block_year"], title="Bảng")
    g = services.criteria_group_add(actor=actor, criteria_set=cs, code="I", title="Nhóm I")
    services.criteria_group_add(actor=actor, criteria_set=cs, code="II", title="Nhóm trống")
    services.criteria_item_add(actor=actor, group=g, code="1.1", title="Dòng", max_points=D("7.25"))
    ws = load_workbook(io.BytesIO(export(cs)))["Tiêu chí"]
    assert ws.cell(row=3, column=6).value == 7.25
    assert ws.cell(row=4, column=1).value == "II"
    assert ws.cell(row=4, column=6).value is None


# --- round trip and edits ------------------------------------------------------------------------------------------


def test_round_trip_into_a_new_block_year_gives_the_same_tree(demo: CriteriaSet, other_year: Any, actor: Any) -> None:
    imported = services.criteria_set_import(actor=actor, block_year=other_year, upload=upload(export(demo)))
    assert imported.block_year_id == other_year.pk
    assert shape(imported) == shape(demo)
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    assert event.action == "criteria_set.import"
    assert event.changes["created_set"] is True
    assert len(event.changes["added"]) == 23


def test_round_trip_onto_itself_changes_nothing(demo: CriteriaSet, actor: Any) -> None:
    before = shape(demo)
    ids = sorted(CriteriaItem.objects.values_list("pk", flat=True))
    services.criteria_set_import(actor=actor, block_year=demo.block_year, upload=upload(export(demo)))
    assert shape(demo) == before
    assert sorted(CriteriaItem.objects.values_list("pk", flat=True)) == ids  # updated in place, never recreated
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    assert (event.changes["added"], event.changes["changed"], event.changes["deleted"]) == ([], [], [])


def test_import_applies_edits_by_code(demo: CriteriaSet, actor: Any) -> None:
    book = load_workbook(io.BytesIO(export(demo)))
    ws = book["Tiêu chí"]
    for row in range(2, ws.max_row + 1):
        code = ws.cell(row=row, column=2).value
        if code == "1.1":
            ws.cell(row=row, column=3).value = "Hoàn thành chỉ tiêu (sửa)"
            ws.cell(row=row, column=6).value = "11,5"  # a Vietnamese decimal comma
        if code == "1.5":
            ws.delete_rows(row)
            break
    ws.append([None, "6.5", "Có sáng kiến cấp tỉnh", None, "điểm thưởng", None, 2, 4, "x"])
    buffer = io.BytesIO()
    book.save(buffer)
    kept = CriteriaItem.objects.get(code="1.1").pk
    services.criteria_set_import(actor=actor, block_year=demo.block_year, upload=upload(buffer.getvalue()))
    changed = CriteriaItem.objects.get(code="1.1")
    assert (changed.pk, changed.title, changed.max_points) == (kept, "Hoàn thành chỉ tiêu (sửa)", D("11.5"))
    assert not CriteriaItem.objects.filter(code="1.5").exists()
    new = CriteriaItem.objects.get(code="6.5")
    assert (new.group.code, new.item_type, new.per_occurrence, new.cap, new.evidence_required) == (
        "VI",
        "bonus",
        D(2),
        D(4),
        True,
    )
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    assert (event.changes["added"], event.changes["changed"], event.changes["deleted"]) == (["6.5"], ["1.1"], ["1.5"])


def test_import_moves_lines_and_drops_groups(tree: dict[str, Any], actor: Any) -> None:
    services.criteria_set_import(actor=actor, block_year=tree["block_year"], upload=upload(workbook(GOOD_ROWS)))
    rows: list[list[Any]] = [
        ["A", None, "Nhóm mới", None, None, None, None, None, None],
        [None, "2.2", "Chậm nộp báo cáo", None, "Điểm trừ", None, 1, 5, None],
        ["I", None, "Nhiệm vụ chuyên môn", None, None, None, None, None, None],
        ["I", "1.1", "Hoàn thành chỉ tiêu", None, "Chấm điểm", 10, None, None, None],  # "Nhóm" may repeat the group
    ]
    services.criteria_set_import(actor=actor, block_year=tree["block_year"], upload=upload(workbook(rows)))
    cs = CriteriaSet.objects.get(block_year=tree["block_year"])
    assert shape(cs) == [
        ("A", "Nhóm mới", [("2.2", "Chậm nộp báo cáo", "", "deduction", D(0), D(1), D(5), False)]),
        ("I", "Nhiệm vụ chuyên môn", [("1.1", "Hoàn thành chỉ tiêu", "", "points", D(10), D(0), None, False)]),
    ]
    assert not CriteriaGroup.objects.filter(code="II").exists()


def test_import_tolerates_a_title_row_and_text_numbers(tree: dict[str, Any], actor: Any) -> None:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "tieu chi"  # tone marks and case do not matter
    ws.append(["BẢNG TIÊU CHÍ CHẤM ĐIỂM THI ĐUA NĂM 2025"])
    ws.append([])
    ws.append(
        [
            "nhóm",
            "MÃ",
            "Nội dung tiêu chí",
            "Hướng dẫn",
            "Cách chấm",
            "Điểm tối đa",
            "Điểm mỗi lần",
            "Mức trần",
            "Cần minh chứng",
        ]
    )
    ws.append(["I", None, "Nhóm I"])
    ws.append([None, 1.1, "Dòng", None, "cham diem", "2.5", None, None, "co"])
    ws.append([None, "1.2", "Dòng 2", None, "yes_no", 3, None, None, True])
    buffer = io.BytesIO()
    book.save(buffer)
    cs = services.criteria_set_import(actor=actor, block_year=tree["block_year"], upload=upload(buffer.getvalue()))
    assert shape(cs) == [
        (
            "I",
            "Nhóm I",
            [
                ("1.1", "Dòng", "", "points", D("2.5"), D(0), None, True),
                ("1.2", "Dòng 2", "", "yes_no", D(3), D(0), None, True),
            ],
        ),
    ]


def test_import_keeps_scored_lines_safe(demo: CriteriaSet, tree: dict[str, Any], actor: Any) -> None:
    sheet = ScoreSheet.objects.create(block_year=demo.block_year, unit=tree["centre_a"], kind="self")
    ScoreLine.objects.create(sheet=sheet, item=CriteriaItem.objects.get(code="1.5"), value=D(4))
    book = load_workbook(io.BytesIO(export(demo)))
    ws = book["Tiêu chí"]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=2).value == "1.5")
    ws.delete_rows(row)
    buffer = io.BytesIO()
    book.save(buffer)
    before, events = shape(demo), AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as err:
        services.criteria_set_import(actor=actor, block_year=demo.block_year, upload=upload(buffer.getvalue()))
    assert err.value.code == "item_in_use"
    assert (shape(demo), AuditEvent.objects.count()) == (before, events)


def test_import_refuses_to_drop_a_tie_break_group(demo: CriteriaSet, actor: Any) -> None:
    assert ScoringConfig.objects.get(block_year=demo.block_year).tie_breaks[0] == {"kind": "group", "group": "I"}
    rows = [row for row in GOOD_ROWS if row[0] != "I" and row[1] not in ("1.1", "1.2")]
    rows[0][0] = "II"
    with pytest.raises(ValidationFailed) as err:
        services.criteria_set_import(actor=actor, block_year=demo.block_year, upload=upload(workbook(rows)))
    assert err.value.code == "group_in_use"


def test_import_into_a_locked_set_is_refused(demo: CriteriaSet, actor: Any) -> None:
    data = export(demo)
    services.criteria_set_lock(actor=actor, criteria_set=demo)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as err:
        services.criteria_set_import(actor=actor, block_year=demo.block_year, upload=upload(data))
    assert err.value.code == "criteria_locked"
    assert AuditEvent.objects.count() == events


# --- malformed files -----------------------------------------------------------------------------------------------


def _bad(rows_change: dict[int, dict[int, Any]] | None = None, extra: list[list[Any]] | None = None) -> bytes:
    rows = [list(row) for row in GOOD_ROWS]
    for index, cells in (rows_change or {}).items():
        for column, value in cells.items():
            rows[index][column] = value
    return workbook(rows + (extra or []))


def _zip_without_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    return buffer.getvalue()


MALFORMED: dict[str, tuple[Any, str, list[str]]] = {
    "not_a_file": (b"Nhom;Ma;Noi dung\nI;;Nhom I\n", "xlsx_invalid", [".xlsx"]),
    "zip_not_xlsx": (_zip_without_workbook, "xlsx_invalid", [".xlsx"]),
    "empty": (b"", "xlsx_invalid", []),
    "missing_sheet": (lambda: workbook(GOOD_ROWS, sheet="Sheet1"), "xlsx_invalid", ["Tiêu chí", "Sheet1"]),
    "missing_headers": (
        lambda: workbook(GOOD_ROWS, header=["Nhóm", "Mã", "Nội dung tiêu chí", "Cách chấm", "Điểm tối đa"]),
        "xlsx_invalid",
        ["Hướng dẫn", "Điểm mỗi lần", "Mức trần", "Cần minh chứng"],
    ),
    "only_headers": (lambda: workbook([]), "xlsx_invalid", ["Tiêu chí"]),
    "groups_without_lines": (lambda: workbook([GOOD_ROWS[0]]), "xlsx_invalid", ["Tiêu chí"]),
    "bad_number": (lambda: _bad({1: {5: "mười"}}), "xlsx_row_invalid", ["Row 3", "Điểm tối đa", "mười"]),
    "boolean_number": (lambda: _bad({2: {5: True}}), "xlsx_row_invalid", ["Row 4", "Điểm tối đa"]),
    "unknown_type": (lambda: _bad({1: {4: "Chấm chéo"}}), "xlsx_row_invalid", ["Row 3", "Cách chấm", "Chấm chéo"]),
    "missing_type": (lambda: _bad({1: {4: None}}), "xlsx_row_invalid", ["Row 3", "Cách chấm"]),
    "bad_evidence": (lambda: _bad({1: {8: "có lẽ"}}), "xlsx_row_invalid", ["Row 3", "Cần minh chứng"]),
    "duplicate_item_code": (lambda: _bad({2: {1: "1.1"}}), "xlsx_row_invalid", ["Row 4", "Mã", "1.1", "3"]),
    "duplicate_group_code": (lambda: _bad({3: {0: "I"}}), "xlsx_row_invalid", ["Row 5", "Nhóm", "I"]),
    "item_before_group": (
        lambda: workbook([GOOD_ROWS[1], *GOOD_ROWS]),
        "xlsx_row_invalid",
        ["Row 2", "Nhóm", "before any group"],
    ),
    "item_names_other_group": (lambda: _bad({2: {0: "II"}}), "xlsx_row_invalid", ["Row 4", "Nhóm", "II"]),
    "row_without_codes": (lambda: _bad(extra=[[None, None, "Dòng lạc"]]), "xlsx_row_invalid", ["Row 8", "Mã"]),
    "negative_points": (lambda: _bad({1: {5: -10}}), "xlsx_row_invalid", ["Row 3", "Điểm tối đa", "positive"]),
    "negative_deduction": (lambda: _bad({5: {6: "-1"}}), "xlsx_row_invalid", ["Row 7", "Điểm mỗi lần"]),
    "too_many_decimals": (lambda: _bad({1: {5: 2.555}}), "xlsx_row_invalid", ["Row 3", "Điểm tối đa"]),
    "points_without_maximum": (lambda: _bad({2: {5: None}}), "xlsx_row_invalid", ["Row 4", "Điểm tối đa"]),
    "bonus_with_maximum": (lambda: _bad({4: {5: 10}}), "xlsx_row_invalid", ["Row 6", "Điểm tối đa", "cap"]),
    "cap_on_points": (lambda: _bad({1: {7: 10}}), "xlsx_row_invalid", ["Row 3", "Mức trần"]),
    "missing_title": (lambda: _bad({1: {2: None}}), "xlsx_row_invalid", ["Row 3", "Nội dung tiêu chí"]),
    "group_without_title": (lambda: _bad({0: {2: None}}), "xlsx_row_invalid", ["Row 2", "Nội dung tiêu chí"]),
    "code_too_long": (lambda: _bad({1: {1: "1.1.1.1.1.1.1.1.1"}}), "xlsx_row_invalid", ["Row 3", "Mã"]),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_file_names_row_and_column_and_writes_nothing(demo: CriteriaSet, actor: Any, case: str) -> None:
    content, code, fragments = MALFORMED[case]
    data = content() if callable(content) else content
    before, events = shape(demo), AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as err:
        services.criteria_set_import(actor=actor, block_year=demo.block_year, upload=upload(data))
    assert (err.value.code, err.value.field) == (code, "file")
    for fragment in fragments:
        assert fragment in str(err.value.message)
    assert shape(demo) == before
    assert AuditEvent.objects.count() == events


def test_malformed_file_creates_no_set(other_year: Any, actor: Any) -> None:
    with pytest.raises(ValidationFailed):
        services.criteria_set_import(actor=actor, block_year=other_year, upload=upload(_bad({1: {4: "?"}})))
    assert not CriteriaSet.objects.filter(block_year=other_year).exists()


def test_size_guards(demo: CriteriaSet, actor: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    data = export(demo)
    monkeypatch.setattr(xlsx, "MAX_BYTES", len(data) - 1)
    with pytest.raises(ValidationFailed) as err:
        services.criteria_set_import(actor=actor, block_year=demo.block_year, upload=upload(data))
    assert err.value.code == "xlsx_too_large"
    monkeypatch.setattr(xlsx, "MAX_BYTES", 2 * 1024 * 1024)
    monkeypatch.setattr(xlsx, "MAX_UNCOMPRESSED_BYTES", 1000)  # a zip bomb unpacks far beyond its size
    with pytest.raises(ValidationFailed) as err:
        services.criteria_set_import(actor=actor, block_year=demo.block_year, upload=upload(data))
    assert err.value.code == "xlsx_too_large"
    monkeypatch.setattr(xlsx, "MAX_UNCOMPRESSED_BYTES", 20 * 1024 * 1024)
    monkeypatch.setattr(xlsx, "MAX_ROWS", 5)
    with pytest.raises(ValidationFailed) as err:
        services.criteria_set_import(actor=actor, block_year=demo.block_year, upload=upload(data))
    assert err.value.code == "xlsx_too_large"


def test_read_criteria_accepts_bytes() -> None:
    groups = xlsx.read_criteria(workbook(GOOD_ROWS))
    assert [(g.code, [i.code for i in g.items]) for g in groups] == [("I", ["1.1", "1.2"]), ("II", ["2.1", "2.2"])]
    assert groups[0].items[0].row == 3
