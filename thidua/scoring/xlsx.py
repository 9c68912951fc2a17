"""The criteria set as an Excel workbook a unit clerk can read, edit and send back.

Blocks keep their scoring table (bảng chấm điểm) in Excel, so the table goes out and comes back as
XLSX (openpyxl). The format is fixed in Vietnamese — the file is a working document of Vietnamese
offices whatever the language of the web page — and explained to the clerk in the workbook's second
sheet "Hướng dẫn":

- sheet "Tiêu chí", one header row (frozen): Nhóm | Mã | Nội dung tiêu chí | Hướng dẫn | Cách chấm |
  Điểm tối đa | Điểm mỗi lần | Mức trần | Cần minh chứng;
- a **group row** has its code in "Nhóm" (e.g. "I") and its title in "Nội dung tiêu chí"; its other
  cells are for reading only (the export writes the group's maximum as a sum formula) and ignored on import;
- an **item row** has its code in "Mã" (and "Nhóm" empty or equal to its group's code); it belongs to
  the group row above it. "Cách chấm" is one of the words in `TYPE_WORDS` (a drop-down list);
  "Cần minh chứng" is "Có" or "Không";
- blank rows are skipped; the header row may sit anywhere in the first ten rows.

This module only reads and writes the format: `read_criteria` returns the parsed tree or raises a
ValidationFailed naming the row and column ("xlsx_invalid", "xlsx_too_large", "xlsx_row_invalid");
the import service (`services/criteria.py`) validates each line with the same rules as the forms and
writes. Size guards: at most `MAX_BYTES` uploaded, `MAX_UNCOMPRESSED_BYTES` once unzipped (a zip bomb
is refused before openpyxl opens it) and `MAX_ROWS` non-empty rows.
"""

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from thidua.core.exceptions import ValidationFailed
from thidua.core.vi_text import vi_fold
from thidua.scoring import rules
from thidua.scoring.models import CriteriaGroup, CriteriaSet, ItemType

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_NAME = "Tiêu chí"
GUIDE_SHEET_NAME = "Hướng dẫn"
MAX_BYTES = 2 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 20 * 1024 * 1024
MAX_ROWS = 1000
HEADER_SEARCH_ROWS = 10

# (field, header, column width)
COLUMNS: list[tuple[str, str, int]] = [
    ("group", "Nhóm", 8),
    ("code", "Mã", 8),
    ("title", "Nội dung tiêu chí", 60),
    ("guidance", "Hướng dẫn", 45),
    ("item_type", "Cách chấm", 16),
    ("max_points", "Điểm tối đa", 11),
    ("per_occurrence", "Điểm mỗi lần", 11),
    ("cap", "Mức trần", 10),
    ("evidence_required", "Cần minh chứng", 11),
]
HEADERS = [header for _field, header, _width in COLUMNS]
TYPE_WORDS: dict[str, str] = {
    ItemType.POINTS: "Chấm điểm",
    ItemType.YES_NO: "Đạt/Không đạt",
    ItemType.BONUS: "Điểm thưởng",
    ItemType.DEDUCTION: "Điểm trừ",
}
YES, NO = "Có", "Không"

_YES_WORDS = {"co", "x", "yes", "true", "1", "can"}
_NO_WORDS = {"khong", "no", "false", "0", ""}


def _fold_word(text: str) -> str:
    return vi_fold(text).replace(" ", "")


_TYPE_ALIASES: dict[str, str] = {
    **{_fold_word(word): value for value, word in TYPE_WORDS.items()},
    **{_fold_word(str(value)): str(value) for value in ItemType.values},
    "diem": ItemType.POINTS,
    "dat/khongdat": ItemType.YES_NO,
    "co/khong": ItemType.YES_NO,
    "thuong": ItemType.BONUS,
    "congdiem": ItemType.BONUS,
    "tru": ItemType.DEDUCTION,
    "trudiem": ItemType.DEDUCTION,
}


@dataclass
class ParsedItem:
    row: int
    group_code: str
    code: str
    title: str
    guidance: str
    item_type: str
    max_points: Decimal | None
    per_occurrence: Decimal | None
    cap: Decimal | None
    evidence_required: bool


@dataclass
class ParsedGroup:
    row: int
    code: str
    title: str
    items: list[ParsedItem] = field(default_factory=list)


def column_label(field_name: str) -> str:
    """The Vietnamese header of the column holding `field_name` (the field name itself if none)."""
    return next((header for name, header, _width in COLUMNS if name == field_name), field_name)


def row_error(row: int, field_name: str, message: str) -> ValidationFailed:
    """The error for one cell: the row number and the column header lead the message."""
    return ValidationFailed(
        _("Row %(row)d, column “%(column)s”: %(message)s")
        % {"row": row, "column": column_label(field_name), "message": message},
        code="xlsx_row_invalid",
        field="file",
    )


def _file_error(message: str, code: str = "xlsx_invalid") -> ValidationFailed:
    return ValidationFailed(message, code=code, field="file")


def upload_name(upload: Any) -> str:
    return PurePath(getattr(upload, "name", "") or "").name[:255]


def export_filename(criteria_set: CriteriaSet) -> str:
    block_year = criteria_set.block_year
    return f"tieu-chi-{slugify(block_year.block.code) or 'khoi'}-{block_year.year}.xlsx"


# --- export --------------------------------------------------------------------------------------------------------

_HEADER_FILL = PatternFill("solid", start_color="A4161A", end_color="A4161A")
_GROUP_FILL = PatternFill("solid", start_color="F2F2F2", end_color="F2F2F2")
_THIN = Side(style="thin", color="BFBFBF")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")


def _number(value: Decimal | None) -> Decimal | None:
    """Whole numbers as integers so Excel shows "10", not "10.00"."""
    if value is None:
        return None
    return Decimal(int(value)) if value == value.to_integral_value() else value.normalize()


def _guide_rows(criteria_set: CriteriaSet, base_maximum: Decimal) -> list[str]:
    words = "; ".join(f"“{word}”" for word in TYPE_WORDS.values())
    caps = []
    if criteria_set.total_cap is not None:
        caps.append(f"Tổng điểm tối đa (mức trần): {_number(criteria_set.total_cap)}")
    if criteria_set.bonus_cap is not None:
        caps.append(f"Tổng điểm thưởng tối đa: {_number(criteria_set.bonus_cap)}")
    return [
        criteria_set.title,
        f"Căn cứ: {criteria_set.legal_basis}" if criteria_set.legal_basis else "",
        f"Điểm chuẩn tối đa (không kể điểm thưởng, điểm trừ): {_number(base_maximum)}",
        *caps,
        "",
        "CÁCH ĐIỀN BẢNG “Tiêu chí”",
        "1. Dòng tiêu đề (dòng 1) giữ nguyên tên các cột; không đổi tên, không xóa cột.",
        "2. Dòng NHÓM: ghi mã nhóm ở cột “Nhóm” (ví dụ I, II, III) và tên nhóm ở cột “Nội dung tiêu chí”; "
        "để trống cột “Mã”. Điểm tối đa của nhóm do phần mềm tự cộng, không cần nhập.",
        "3. Dòng TIÊU CHÍ: ghi mã tiêu chí ở cột “Mã” (ví dụ 1.1, 1.2); tiêu chí thuộc nhóm gần nhất phía trên. "
        "Cột “Nhóm” của dòng tiêu chí để trống (hoặc ghi đúng mã nhóm đó).",
        f"4. Cột “Cách chấm” chọn một trong: {words}.",
        "   - “Chấm điểm”: chấm từ 0 đến “Điểm tối đa” (lẻ đến 2 chữ số thập phân).",
        "   - “Đạt/Không đạt”: đạt thì được đủ “Điểm tối đa”, không đạt thì 0 điểm.",
        "   - “Điểm thưởng” / “Điểm trừ”: mỗi lần (mỗi trường hợp) được cộng / bị trừ “Điểm mỗi lần”, "
        "tối đa bằng “Mức trần” (để trống nếu không giới hạn). Dòng loại này để trống “Điểm tối đa”.",
        "5. Ghi điểm bằng số dương, kể cả điểm trừ (phần mềm tự trừ). Không dùng số âm.",
        "6. Cột “Cần minh chứng” ghi “Có” nếu đơn vị phải đính kèm minh chứng khi chấm dòng đó, ngược lại “Không”.",
        "7. Mã nhóm và mã tiêu chí không được trùng nhau trong bảng. Dòng trống được bỏ qua.",
        "8. Khi nhập lại tệp, bảng tiêu chí của năm (đang ở trạng thái nháp) được thay bằng nội dung tệp; "
        "tiêu chí trùng mã được cập nhật, tiêu chí không còn trong tệp bị xóa. Nếu tệp có lỗi, phần mềm báo "
        "dòng, cột bị lỗi và không thay đổi gì.",
        f"9. Tệp tối đa {MAX_BYTES // (1024 * 1024)} MB và {MAX_ROWS} dòng.",
    ]


def write_criteria(criteria_set: CriteriaSet, groups: Sequence[CriteriaGroup]) -> bytes:
    """The workbook of a set; `groups` in order, each with its items prefetched in order."""
    specs = [
        rules.ItemSpec(rules.ItemType(item.item_type), item.max_points, item.per_occurrence, item.cap)
        for group in groups
        for item in group.items.all()
    ]
    base_maximum = rules.criteria_maximum(specs)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET_NAME
    sheet.append(HEADERS)
    for index, (_name, _header, width) in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = width
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        cell.border = _BORDER
    sheet.row_dimensions[1].height = 32
    sheet.freeze_panes = "A2"

    row = 1
    for group in groups:
        row += 1
        group_row = row
        items = list(group.items.all())
        total = f"=SUM(F{group_row + 1}:F{group_row + len(items)})" if items else None
        sheet.append([group.code, None, group.title, None, None, total, None, None, None])
        for column in range(1, len(COLUMNS) + 1):
            cell = sheet.cell(row=group_row, column=column)
            cell.font = Font(bold=True)
            cell.fill = _GROUP_FILL
            cell.alignment = _WRAP_TOP
            cell.border = _BORDER
        for item in items:
            row += 1
            occurrence = item.item_type in (ItemType.BONUS, ItemType.DEDUCTION)
            sheet.append(
                [
                    None,
                    item.code,
                    item.title,
                    item.guidance or None,
                    TYPE_WORDS[item.item_type],
                    None if occurrence else _number(item.max_points),
                    _number(item.per_occurrence) if occurrence else None,
                    _number(item.cap),
                    YES if item.evidence_required else NO,
                ]
            )
            for column in range(1, len(COLUMNS) + 1):
                cell = sheet.cell(row=row, column=column)
                cell.alignment = _WRAP_TOP
                cell.border = _BORDER
    for column in (1, 2):  # codes stay text ("1.10" is not the number 1.1)
        for cells in sheet.iter_rows(min_row=2, max_row=max(row, 2), min_col=column, max_col=column):
            cells[0].number_format = "@"

    last = row + 200  # room for the clerk's new lines
    type_list = DataValidation(
        type="list",
        formula1='"' + ",".join(TYPE_WORDS.values()) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Cách chấm",
        error="Chọn một cách chấm trong danh sách.",
    )
    type_list.add(f"E2:E{last}")
    evidence_list = DataValidation(type="list", formula1=f'"{YES},{NO}"', allow_blank=True, showErrorMessage=True)
    evidence_list.add(f"I2:I{last}")
    sheet.add_data_validation(type_list)
    sheet.add_data_validation(evidence_list)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"

    guide = workbook.create_sheet(GUIDE_SHEET_NAME)
    guide.column_dimensions["A"].width = 110
    for line in _guide_rows(criteria_set, base_maximum):
        guide.append([line])
        guide.cell(row=guide.max_row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    guide.cell(row=1, column=1).font = Font(bold=True, size=13)

    workbook.properties.title = criteria_set.title[:255]
    workbook.properties.creator = "Thidua"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- import --------------------------------------------------------------------------------------------------------


def _read_bytes(upload: Any) -> bytes:
    if isinstance(upload, bytes | bytearray):
        data = bytes(upload)
    else:
        size = getattr(upload, "size", None)
        if size is not None and size > MAX_BYTES:
            raise _too_large()
        if hasattr(upload, "seek"):
            upload.seek(0)
        data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _too_large()
    if not data:
        raise _file_error(_("The file is empty."))
    return data


def _too_large() -> ValidationFailed:
    return _file_error(
        _("The file is larger than %(max)d MB.") % {"max": MAX_BYTES // (1024 * 1024)}, code="xlsx_too_large"
    )


def _not_xlsx() -> ValidationFailed:
    return _file_error(
        _("The file is not an Excel workbook (.xlsx). Save it as “Excel Workbook (.xlsx)” and try again.")
    )


def _check_archive(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _not_xlsx() from exc
    if unpacked > MAX_UNCOMPRESSED_BYTES:
        raise _too_large()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _decimal(value: Any, row: int, field_name: str) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise row_error(row, field_name, _("“%(value)s” is not a number.") % {"value": value})
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = str(value).strip().replace(" ", "").replace("\u00a0", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # Vietnamese decimal comma: "2,5"
    text = text.replace("−", "-")  # a typographic minus typed in Excel
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise row_error(row, field_name, _("“%(value)s” is not a number.") % {"value": value}) from exc
    if not number.is_finite():
        raise row_error(row, field_name, _("“%(value)s” is not a number.") % {"value": value})
    return number


def _item_type(value: Any, row: int) -> str:
    text = _text(value)
    choices = ", ".join(f"“{word}”" for word in TYPE_WORDS.values())
    if not text:
        raise row_error(row, "item_type", _("Choose how the line is scored: %(choices)s.") % {"choices": choices})
    found = _TYPE_ALIASES.get(_fold_word(text))
    if found is None:
        raise row_error(
            row,
            "item_type",
            _("“%(value)s” is not a scoring type; use one of %(choices)s.") % {"value": text, "choices": choices},
        )
    return str(found)


def _evidence(value: Any, row: int) -> bool:
    if isinstance(value, bool):
        return value
    folded = _fold_word(_text(value))
    if folded in _YES_WORDS:
        return True
    if folded in _NO_WORDS:
        return False
    raise row_error(row, "evidence_required", _("Write “%(yes)s” or “%(no)s”.") % {"yes": YES, "no": NO})


def _header_columns(rows: list[tuple[int, tuple[Any, ...]]]) -> tuple[int, dict[str, int]]:
    """The header row's number and the column index of each field; xlsx_invalid naming missing headers."""
    wanted = {_fold_word(header): name for name, header, _width in COLUMNS}
    best: tuple[int, dict[str, int]] = (0, {})
    for number, values in rows:
        found: dict[str, int] = {}
        for index, value in enumerate(values):
            name = wanted.get(_fold_word(_text(value)))
            if name is not None and name not in found:
                found[name] = index
        if len(found) > len(best[1]):
            best = (number, found)
    missing = [header for name, header, _width in COLUMNS if name not in best[1]]
    if missing:
        raise _file_error(
            _("The sheet “%(sheet)s” has no header row with the columns: %(missing)s.")
            % {"sheet": SHEET_NAME, "missing": ", ".join(f"“{h}”" for h in missing)}
        )
    return best


def _parse_rows(rows: list[tuple[int, tuple[Any, ...]]]) -> list[ParsedGroup]:
    header_row, columns = _header_columns(rows[:HEADER_SEARCH_ROWS])
    groups: list[ParsedGroup] = []
    group_rows: dict[str, int] = {}
    item_rows: dict[str, int] = {}
    current: ParsedGroup | None = None
    for number, values in rows:
        if number <= header_row:
            continue

        def cell(name: str, values: tuple[Any, ...] = values) -> Any:
            index = columns[name]
            return values[index] if index < len(values) else None

        group_code, code = _text(cell("group")), _text(cell("code"))
        if group_code and not code:
            if group_code in group_rows:
                raise row_error(
                    number,
                    "group",
                    _("The group code “%(code)s” is already used on row %(other)d.")
                    % {"code": group_code, "other": group_rows[group_code]},
                )
            group_rows[group_code] = number
            current = ParsedGroup(row=number, code=group_code, title=_text(cell("title")))
            groups.append(current)
            continue
        if not code:
            raise row_error(
                number,
                "code",
                _("The row has neither a group code (column “%(group)s”) nor a line code (column “%(code)s”).")
                % {"group": column_label("group"), "code": column_label("code")},
            )
        if current is None:
            raise row_error(
                number,
                "group",
                _("This line comes before any group row; put a group row (its code in column “%(group)s”) above it.")
                % {"group": column_label("group")},
            )
        if group_code and group_code != current.code:
            raise row_error(
                number,
                "group",
                _("This line names the group “%(named)s” but stands under the group “%(current)s”.")
                % {"named": group_code, "current": current.code},
            )
        if code in item_rows:
            raise row_error(
                number,
                "code",
                _("The line code “%(code)s” is already used on row %(other)d.")
                % {"code": code, "other": item_rows[code]},
            )
        item_rows[code] = number
        current.items.append(
            ParsedItem(
                row=number,
                group_code=current.code,
                code=code,
                title=_text(cell("title")),
                guidance=_text(cell("guidance")),
                item_type=_item_type(cell("item_type"), number),
                max_points=_decimal(cell("max_points"), number, "max_points"),
                per_occurrence=_decimal(cell("per_occurrence"), number, "per_occurrence"),
                cap=_decimal(cell("cap"), number, "cap"),
                evidence_required=_evidence(cell("evidence_required"), number),
            )
        )
    if not groups:
        raise _file_error(_("The sheet “%(sheet)s” has no criteria groups.") % {"sheet": SHEET_NAME})
    return groups


def _load_rows(data: bytes) -> list[tuple[int, tuple[Any, ...]]]:
    """The non-empty rows of the criteria sheet as (row number, values)."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors on a broken package
        raise _not_xlsx() from exc
    try:
        names = {_fold_word(name): name for name in workbook.sheetnames}
        name = names.get(_fold_word(SHEET_NAME))
        if name is None:
            raise _file_error(
                _("The workbook has no sheet named “%(sheet)s”; the sheets are: %(names)s.")
                % {"sheet": SHEET_NAME, "names": ", ".join(workbook.sheetnames)}
            )
        sheet = workbook[name]
        if not hasattr(sheet, "iter_rows"):
            raise _file_error(_("The sheet “%(sheet)s” holds no table.") % {"sheet": SHEET_NAME})
        rows: list[tuple[int, tuple[Any, ...]]] = []
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                if any(_text(value) for value in values):
                    rows.append((number, tuple(values)))
                    if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
                        raise _file_error(
                            _("The sheet has more than %(max)d rows.") % {"max": MAX_ROWS}, code="xlsx_too_large"
                        )
        except ValidationFailed:
            raise
        except Exception as exc:  # a damaged sheet fails while it is read (read-only mode streams it)
            raise _not_xlsx() from exc
        return rows
    finally:
        workbook.close()


def read_criteria(upload: Any) -> list[ParsedGroup]:
    """Parse an uploaded workbook (bytes or a file) into groups with their items, in file order."""
    data = _read_bytes(upload)
    _check_archive(data)
    rows = _load_rows(data)
    if not rows:
        raise _file_error(_("The sheet “%(sheet)s” is empty.") % {"sheet": SHEET_NAME})
    return _parse_rows(rows)
