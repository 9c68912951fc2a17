"""The registry's file formats: the history import (CSV or XLSX), its template, and the export of a search result.

Offices keep their past awards in spreadsheets, one award per row, so the import reads a table whose first row
names the columns. Headers are matched without tone marks or case, in Vietnamese (the template's) or by the
English key, and the columns may come in any order:

| key              | template header          | value                                                            |
|------------------|--------------------------|------------------------------------------------------------------|
| award            | Danh hiệu / hình thức    | the catalogue code ("cstd_co_so") or its Vietnamese name         |
| recipient_kind   | Tập thể / cá nhân        | "tập thể" / "collective" or "cá nhân" / "individual"             |
| unit             | Đơn vị                   | a unit code or name (a name Thidua does not know is kept as text)|
| person           | Họ và tên                | the person's full name (individual awards only)                  |
| year             | Năm thành tích           | the achievement year, e.g. 2023                                  |
| decision_number  | Số quyết định            | e.g. "125/QĐ-UBND"                                               |
| decision_date    | Ngày quyết định          | a date cell, dd/mm/yyyy or yyyy-mm-dd                            |
| decision_signer  | Người ký                 | optional                                                         |
| issuing_body     | Cơ quan ban hành         | optional                                                         |
| amount           | Số tiền thưởng (đồng)    | optional, whole đồng ("1.880.000" and "1,880,000" are read too)  |
| counts_as_history| Tính vào thành tích      | optional "có"/"không" (default: the award type's setting)        |
| note             | Ghi chú                  | optional                                                         |

This module only reads and writes the format: `read_table` returns the rows as text/typed cells keyed by column
(file-level problems raise ValidationFailed "import_unreadable", "import_too_large", "import_missing_column");
each row is checked by the import service (services/registry.py), which reports every bad row at once.
Export writes a search result as CSV (UTF-8 with BOM, so Excel opens it in Vietnamese) or as XLSX.
"""

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill

from thidua.core.exceptions import ValidationFailed
from thidua.core.vi_text import vi_fold

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
SHEET_NAME = "Khen thưởng"
MAX_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_ROWS = 5000

# (key, template header, required, column width)
COLUMNS: list[tuple[str, str, bool, int]] = [
    ("award", "Danh hiệu / hình thức", True, 34),
    ("recipient_kind", "Tập thể / cá nhân", True, 14),
    ("unit", "Đơn vị", False, 40),
    ("person", "Họ và tên", False, 28),
    ("year", "Năm thành tích", True, 10),
    ("decision_number", "Số quyết định", False, 18),
    ("decision_date", "Ngày quyết định", False, 14),
    ("decision_signer", "Người ký", False, 24),
    ("issuing_body", "Cơ quan ban hành", False, 28),
    ("amount", "Số tiền thưởng (đồng)", False, 16),
    ("counts_as_history", "Tính vào thành tích", False, 12),
    ("note", "Ghi chú", False, 30),
]
KEYS = [key for key, _header, _required, _width in COLUMNS]
REQUIRED = [key for key, _header, required, _width in COLUMNS if required]


def _fold_header(text: str) -> str:
    return "".join(ch for ch in vi_fold(text) if ch.isalnum())


_HEADER_ALIASES: dict[str, str] = {
    **{_fold_header(header): key for key, header, _required, _width in COLUMNS},
    **{_fold_header(key): key for key in KEYS},
    "madanhhieu": "award",
    "danhhieu": "award",
    "hinhthuc": "award",
    "doituong": "recipient_kind",
    "hoten": "person",
    "canhan": "person",
    "nam": "year",
    "soqd": "decision_number",
    "ngayqd": "decision_date",
    "sotien": "amount",
    "tienthuong": "amount",
}


def header_of(key: str) -> str:
    return next((header for name, header, _required, _width in COLUMNS if name == key), key)


@dataclass(frozen=True)
class Row:
    """One data row: its number in the file (1 = the header row) and its cells by column key."""

    number: int
    cells: dict[str, Any]


def _file_error(message: str, code: str = "import_unreadable") -> ValidationFailed:
    return ValidationFailed(message, code=code, field="file")


def upload_name(upload: Any) -> str:
    return PurePath(getattr(upload, "name", "") or "").name[:255]


def read_bytes(upload: Any) -> bytes:
    """The upload's content (bytes or a file), refusing empty and oversized files."""
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
        _("The file is larger than %(max)d MB.") % {"max": MAX_BYTES // (1024 * 1024)}, code="import_too_large"
    )


def _cell_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _csv_rows(data: bytes) -> list[list[Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _file_error(_("The CSV file is not in UTF-8. Save it as “CSV UTF-8” and try again.")) from exc
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return [list(row) for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as exc:
        raise _file_error(_("The CSV file cannot be read: %(error)s") % {"error": exc}) from exc


def _xlsx_rows(data: bytes) -> list[list[Any]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _file_error(_("The file is not an Excel workbook (.xlsx).")) from exc
    if unpacked > MAX_UNCOMPRESSED_BYTES:
        raise _too_large()
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors on a broken package
        raise _file_error(_("The file is not an Excel workbook (.xlsx).")) from exc
    try:
        names = {_fold_header(name): name for name in workbook.sheetnames}
        sheet = workbook[names.get(_fold_header(SHEET_NAME), workbook.sheetnames[0])]
        rows: list[list[Any]] = []
        try:
            for values in sheet.iter_rows(values_only=True):
                rows.append(list(values))
                if len(rows) > MAX_ROWS + 1:
                    break
        except Exception as exc:  # a damaged sheet fails while it is read (read-only mode streams it)
            raise _file_error(_("The workbook is damaged and cannot be read.")) from exc
        return rows
    finally:
        workbook.close()


def read_table(file_name: str, data: bytes) -> list[Row]:
    """The non-empty data rows of a CSV or XLSX history file, cells keyed by column; the header is row 1."""
    suffix = PurePath(file_name).suffix.lower()
    if suffix == ".csv":
        raw = _csv_rows(data)
    elif suffix == ".xlsx":
        raw = _xlsx_rows(data)
    else:
        raise _file_error(_("Upload a .csv or .xlsx file."), code="import_unsupported_file")
    if not raw or all(_cell_empty(value) for value in raw[0]):
        raise _file_error(_("The first row must name the columns."), code="import_missing_column")
    positions: dict[str, int] = {}
    for index, header in enumerate(raw[0]):
        key = _HEADER_ALIASES.get(_fold_header(str(header or "")))
        if key is not None and key not in positions:
            positions[key] = index
    missing = [header_of(key) for key in REQUIRED if key not in positions]
    if missing:
        raise _file_error(
            _("Columns missing from the first row: %(columns)s.") % {"columns": ", ".join(missing)},
            code="import_missing_column",
        )
    rows = []
    for number, values in enumerate(raw[1:], start=2):
        if all(_cell_empty(value) for value in values):
            continue
        cells = {key: values[index] if index < len(values) else None for key, index in positions.items()}
        rows.append(Row(number, cells))
        if len(rows) > MAX_ROWS:
            raise _file_error(_("The file has more than %(max)d rows.") % {"max": MAX_ROWS}, code="import_too_large")
    if not rows:
        raise _file_error(_("The file has no award rows."), code="import_empty")
    return rows


# --- template and export -------------------------------------------------------------------------------------------

_HEADER_FILL = PatternFill("solid", start_color="A4161A", end_color="A4161A")
_HEADER_FONT = Font(bold=True, color="FFFFFF")

TEMPLATE_EXAMPLES: list[list[Any]] = [
    [
        "ttldtt",
        "Tập thể",
        "Trung tâm Lưu trữ lịch sử",
        "",
        2023,
        "125/QĐ-SNV",
        dt.date(2024, 1, 20),
        "Nguyễn Văn A",
        "Sở Nội vụ",
        1880000,
        "có",
        "",
    ],
    [
        "Chiến sĩ thi đua cơ sở",
        "Cá nhân",
        "Trung tâm Lưu trữ lịch sử",
        "Nguyễn Văn Đức",
        2023,
        "126/QĐ-SNV",
        dt.date(2024, 1, 20),
        "Nguyễn Văn A",
        "Sở Nội vụ",
        2340000,
        "",
        "",
    ],
]

GUIDE = [
    "CÁCH ĐIỀN BẢNG “Khen thưởng” (mỗi dòng là một khen thưởng đã có quyết định)",
    "1. Giữ nguyên dòng tiêu đề (dòng 1). Các cột bắt buộc: Danh hiệu / hình thức, Tập thể / cá nhân, Năm thành tích.",
    "2. Danh hiệu / hình thức: mã trong danh mục (ldtt, cstd_co_so, cstd_tinh, cstd_toan_quoc, ttldtt, ttldxs, "
    "co_tinh, co_chinh_phu, bang_khen_tinh, bang_khen_ttg, giay_khen) hoặc tên đầy đủ.",
    "3. Tập thể / cá nhân: ghi “Tập thể” hoặc “Cá nhân”. Tập thể: ghi mã hoặc tên đơn vị ở cột “Đơn vị”. "
    "Cá nhân: ghi họ và tên, và đơn vị công tác lúc được khen (nếu biết).",
    "4. Đơn vị, cá nhân chưa có trong phần mềm (đã giải thể, sáp nhập, nghỉ hưu) vẫn nhập được: tên được lưu như ghi "
    "trong quyết định.",
    "5. Ngày quyết định: ô kiểu ngày, hoặc dd/mm/yyyy. Ngày quyết định không được trước năm thành tích.",
    "6. Số tiền thưởng: số nguyên (đồng), để trống nếu không rõ.",
    "7. Tính vào thành tích: “không” với khen thưởng chuyên đề, đột xuất (không dùng làm căn cứ xét danh hiệu sau).",
    "8. Một thành tích chỉ được một khen thưởng: trùng (cùng danh hiệu, cùng đối tượng, cùng năm) trong tệp hoặc "
    "với sổ khen thưởng đều bị từ chối.",
    f"9. Nếu có dòng lỗi, phần mềm liệt kê các dòng và lý do, và không ghi dòng nào. Tối đa {MAX_ROWS} dòng.",
]


def _style_header(sheet: Any) -> None:
    for index, (_key, _header, _required, width) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.fill = _HEADER_FILL
        cell.font = _HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[cell.column_letter].width = width
    sheet.freeze_panes = "A2"


def template_xlsx() -> bytes:
    """The import template: the table with two example rows, and a guide sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAME
    sheet.append([header for _key, header, _required, _width in COLUMNS])
    for example in TEMPLATE_EXAMPLES:
        sheet.append(example)
    for row in sheet.iter_rows(min_row=2, min_col=7, max_col=7):
        for cell in row:
            cell.number_format = "DD/MM/YYYY"
    _style_header(sheet)
    guide = workbook.create_sheet("Hướng dẫn")
    for line in GUIDE:
        guide.append([line])
    guide.column_dimensions["A"].width = 120
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def template_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([header for _key, header, _required, _width in COLUMNS])
    for example in TEMPLATE_EXAMPLES:
        writer.writerow([value.strftime("%d/%m/%Y") if isinstance(value, dt.date) else value for value in example])
    return out.getvalue().encode("utf-8-sig")


EXPORT_HEADERS = [
    "Năm thành tích",
    "Mã danh hiệu",
    "Danh hiệu / hình thức",
    "Tập thể / cá nhân",
    "Đối tượng",
    "Đơn vị",
    "Số quyết định",
    "Ngày quyết định",
    "Người ký",
    "Cơ quan ban hành",
    "Số tiền thưởng (đồng)",
    "Tính vào thành tích",
    "Thu hồi ngày",
    "Lý do thu hồi",
    "Số tiền phải thu hồi (đồng)",
    "Nguồn",
]


def export_row(award: Any) -> list[Any]:
    """One award as export cells (the Vietnamese file whatever the page's language)."""
    return [
        award.year,
        award.award_type.code,
        award.award_type.name,
        "Tập thể" if award.recipient_kind == "collective" else "Cá nhân",
        award.recipient_name,
        award.unit_name,
        award.decision_number,
        award.decision_date,
        award.decision_signer,
        award.issuing_body,
        award.amount,
        "có" if award.counts_as_history else "không",
        award.revoked_on,
        award.revoke_reason,
        award.recovery_amount,
        {"decision": "Quyết định", "import": "Nhập từ tệp", "manual": "Nhập tay"}.get(award.source, award.source),
    ]


def export_csv(awards: Iterable[Any]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_HEADERS)
    for award in awards:
        writer.writerow(
            [
                value.strftime("%d/%m/%Y") if isinstance(value, dt.date) else ("" if value is None else value)
                for value in export_row(award)
            ]
        )
    return out.getvalue().encode("utf-8-sig")


def export_xlsx(awards: Iterable[Any]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_NAME)
    widths = [10, 16, 40, 12, 32, 36, 18, 14, 22, 26, 16, 10, 14, 30, 16, 14]
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append(EXPORT_HEADERS)
    for award in awards:
        sheet.append(export_row(award))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
