"""The summary workbook (bang_tong_hop.xlsx): a cover sheet, then one sheet per table.

Laid out after the UK Analysis Function spreadsheet checklist (the one gptables implements):
each table sheet carries its title in A1 and its notes below it, then one real Excel table
(so a screen reader announces the title first, and the table can be copied or linked as it
is). A figure that is missing shows the symbol [x], explained in the sheet's notes, never a
blank that could be read as zero; units stand in the headers ("(%)"). Nothing is merged, no
blank row is used for spacing, nothing is written below a table, and tables carry no filter
buttons. The same input always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import numbers
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

from lib03.contract import write_atomic
from lib03.errors import ReportError
from lib03.sheetwrite import NUMBER_FORMATS, clean_cell_text, is_missing, put, workbook_bytes

FILE_NAME = "bang_tong_hop.xlsx"
COVER_NAME = "Bìa"
CONTENTS_HEADERS = ["Trang tính", "Nội dung", "Ghi chú"]
EMPTY_ROW_TEXT = "Không có dòng nào"
MISSING_SYMBOL = "[x]"  # the Analysis Function's symbol for a figure that is not available
BLANK_NOTE = (f"{MISSING_SYMBOL}: không có số liệu (đơn vị không ghi hoặc không tính được), "
              "không phải số 0; ô chữ để trống: không có nội dung.")
UNITS = {"percent": "%", "change": "%", "points": "điểm %"}  # shown after a header
_BAD_SHEET_CHARS = set("[]:*?/\\")
_MIN_WIDTH, _MAX_WIDTH = 8, 50
# Named fonts: without a name LibreOffice falls back to a serif face. Headers are bold by hand
# because LibreOffice and WPS ignore Excel's table styles.
_TITLE_FONT = Font(name="Calibri", bold=True, size=14)
_HEADING_FONT = Font(name="Calibri", bold=True, size=11)
_WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class SheetTable:
    """One table sheet. `frame` columns are in display order with Vietnamese headers; `formats`
    maps a header to 'percent' (shares 0-1), 'count', 'date', 'text', 'change' (a signed percent) or
    'points' (a difference of shares, shown in percentage points); default text."""

    name: str
    title: str
    frame: pd.DataFrame
    formats: dict[str, str]
    notes: tuple[str, ...] = ()


def build_summary_workbook(tables: list[SheetTable], *, title: str, period_label: str,
                           source: str, data_date: str, notes: list[str],
                           contact: str = "") -> openpyxl.Workbook:
    """The cover sheet 'Bìa' (title, period, source, data date, notes, contents), then one sheet
    per table: its title in A1, its notes below, then the table.

    Excel tables need one data row, so an empty frame gets a single row whose first cell reads
    'Không có dòng nào'. A missing figure (None, NaN, pd.NA) shows MISSING_SYMBOL, missing
    text an empty cell; a sheet with any gets BLANK_NOTE under its title unless one of its
    notes mentions 'ô trống' or the symbol. 'date'
    columns take dates or ISO text; other text in them is written as typed. Raises ReportError
    for a sheet name Excel refuses, a repeated name or header, or an unknown format.
    """
    _check(tables)
    wb = openpyxl.Workbook()
    wb.properties.title = title
    wb.properties.language = "vi-VN"
    cover = wb.active
    cover.title = COVER_NAME
    _write_cover(cover, tables, title=title, period_label=period_label, source=source,
                 data_date=data_date, notes=notes, contact=contact)
    for number, table in enumerate(tables, 1):
        _write_table_sheet(wb.create_sheet(table.name), table, number)
    wb.active = 0
    return wb


def write_summary_workbook(path: Path, tables: list[SheetTable], **cover) -> Path:
    """Build the workbook and write it atomically to `path`; returns `path`."""
    path = Path(path)
    write_atomic(path, workbook_bytes(build_summary_workbook(tables, **cover)))
    return path


def table_name(number: int, sheet_name: str) -> str:
    """An Excel table name: ASCII, no spaces, unique through its number, readable by its words.

    >>> table_name(2, "Tỷ lệ hoàn thành (Đảng ủy)")
    'Bang_02_Ty_le_hoan_thanh_Dang_uy'
    """
    folded = unicodedata.normalize("NFKD", sheet_name.replace("đ", "d").replace("Đ", "D"))
    ascii_text = folded.encode("ascii", "ignore").decode()
    words = re.sub(r"[^A-Za-z0-9]+", "_", ascii_text).strip("_")
    return f"Bang_{number:02d}_{words}"[:80].rstrip("_")


def _check(tables: list[SheetTable]) -> None:
    seen = {COVER_NAME.casefold()}
    for table in tables:
        name = table.name
        if (not name.strip() or len(name) > 31 or _BAD_SHEET_CHARS & set(name)
                or name.startswith("'") or name.endswith("'")):
            raise ReportError(f"Tên trang tính không hợp lệ: {name!r} (tối đa 31 ký tự, không "
                              "chứa [ ] : * ? / \\, không bắt đầu hay kết thúc bằng dấu ').")
        if name.casefold() in seen:
            raise ReportError(f"Tên trang tính bị trùng: {name!r}.")
        seen.add(name.casefold())
        headers = _headers(table.frame)
        if not headers or "" in headers or len({h.casefold() for h in headers}) < len(headers):
            raise ReportError(f"Bảng {name!r}: tên cột trống hoặc bị trùng.")
        unknown = set(table.formats) - set(table.frame.columns)
        bad = set(table.formats.values()) - set(NUMBER_FORMATS)
        if unknown or bad:
            raise ReportError(f"Bảng {name!r}: định dạng cho cột không có {sorted(unknown)} "
                              f"hoặc định dạng lạ {sorted(bad)}.")


def _headers(frame: pd.DataFrame) -> list[str]:
    # Excel keeps table column names in an attribute, where a line break would not survive.
    return [" ".join(clean_cell_text(str(c)).split()) for c in frame.columns]


def _write_cover(ws, tables: list[SheetTable], *, title: str, period_label: str, source: str,
                 data_date: str, notes: list[str], contact: str = "") -> None:
    pairs = [["Kỳ báo cáo", period_label], ["Nguồn số liệu", source],
             ["Ngày số liệu", _as_date(data_date)]]
    if contact:
        pairs.append(["Người liên hệ", contact])
    put(ws.cell(1, 1), title).font = _TITLE_FONT
    for row, (label, value) in enumerate(pairs, 2):
        put(ws.cell(row, 1), label)
        put(ws.cell(row, 2), value)
    lines = [*(["Ghi chú", *notes] if notes else []), "Danh mục bảng"]
    for row, line in enumerate(lines, len(pairs) + 2):
        put(ws.cell(row, 1), line)
    heading = len(pairs) + len(lines) + 1
    for row in {len(pairs) + 2, heading}:
        ws.cell(row, 1).font = _HEADING_FONT
    contents = [[t.name, t.title, " ".join(sheet_notes(t)) or None] for t in tables]
    placed = _write_table(ws, heading + 1, CONTENTS_HEADERS, contents, ["text"] * 3,
                          "Danh_muc_bang")
    for row, table in enumerate(tables, heading + 2):
        location = "'{}'!A1".format(table.name.replace("'", "''"))
        ws.cell(row, 1).hyperlink = Hyperlink(ref=f"A{row}", location=location)
        ws.cell(row, 1).style = "Hyperlink"
    _fit_widths(ws, [*enumerate(pairs, 2), *placed], ["text", "date", "text"])
    _print_setup(ws, heading + 1)


def sheet_notes(table: SheetTable) -> list[str]:
    """A table's notes, with the meaning of a blank cell when the table has one."""
    blank = table.frame.isna().to_numpy().any() or (table.frame == "").to_numpy().any()
    # The checklist asks that empty cells be explained, once: the caller's note may already do it.
    explained = any("ô trống" in note.casefold() or MISSING_SYMBOL in note
                    for note in table.notes)
    return [*table.notes, *([BLANK_NOTE] if blank and not explained else [])]


def _write_table_sheet(ws, table: SheetTable, number: int) -> None:
    kinds = [table.formats.get(c, "text") for c in table.frame.columns]
    records = table.frame.itertuples(index=False, name=None)
    rows = [[_cell_value(v, k) for v, k in zip(r, kinds, strict=True)] for r in records]
    put(ws.cell(1, 1), table.title).font = _TITLE_FONT
    notes = sheet_notes(table)
    for row, note in enumerate(notes, 2):
        put(ws.cell(row, 1), note)
    top = 2 + len(notes)
    headers = [_with_unit(h, k) for h, k in zip(_headers(table.frame), kinds, strict=True)]
    placed = _write_table(ws, top, headers, rows, kinds, table_name(number, table.name))
    _fit_widths(ws, placed, kinds)  # the title and notes run over the empty cells beside them
    _print_setup(ws, top)
    # LibreOffice and WPS do not float a table's header while scrolling, so it is frozen.
    ws.freeze_panes = f"A{top + 1}"


def _with_unit(header: str, kind: str) -> str:
    """A header with the unit of its figures, unless it says it already.

    >>> [_with_unit("Tỷ lệ", "percent"), _with_unit("Tỷ lệ (%)", "percent"),
    ...  _with_unit("Số", "count")]
    ['Tỷ lệ (%)', 'Tỷ lệ (%)', 'Số']
    """
    unit = UNITS.get(kind)
    return header if unit is None or header.endswith(f"({unit})") else f"{header} ({unit})"


def _write_table(ws, top: int, headers: list[str], rows: list[list], kinds: list[str],
                 name: str) -> list[tuple[int, list]]:
    """Header at row `top`, rows below, marked up as one Excel table with row stripes; returns
    the rows written with their sheet row numbers."""
    rows = rows or [[EMPTY_ROW_TEXT] + [None] * (len(headers) - 1)]
    for col, header in enumerate(headers, 1):
        put(ws.cell(top, col), header).font = _HEADING_FONT
    for row, values in enumerate(rows, top + 1):
        for col, (value, kind) in enumerate(zip(values, kinds, strict=True), 1):
            put(ws.cell(row, col), value, NUMBER_FORMATS[kind])
    ref = f"A{top}:{get_column_letter(len(headers))}{top + len(rows)}"
    # Columns given up front: openpyxl would otherwise add an autoFilter (filter buttons). The
    # lightest striped style: the checklist discourages background fills.
    columns = [TableColumn(id=i, name=h) for i, h in enumerate(headers, 1)]
    style = TableStyleInfo(name="TableStyleLight1", showRowStripes=True)
    ws.add_table(Table(displayName=name, ref=ref, tableColumns=columns, tableStyleInfo=style))
    return list(enumerate([headers, *rows], top))


def _fit_widths(ws, placed: list[tuple[int, list]], kinds: list[str]) -> None:
    """Widths from the longest shown value (capped); longer text wraps, in a row made tall
    enough for it, as LibreOffice keeps the stored height when it opens the file.

    Only the rows given are measured, so a long title or note in column A runs over the empty
    cells beside it instead of widening column A.
    """
    widest: dict[int, int] = {}
    for row, values in placed:
        lines = 1
        for col, (value, kind) in enumerate(zip(values, kinds, strict=False), 1):
            length = _shown_length(value, kind)
            widest[col] = max(widest.get(col, 0), length)
            if isinstance(value, str) and (length + 2 > _MAX_WIDTH or "\n" in value):
                parts = value.split("\n")
                # One character per unit of width over-counts a little: better a loose row
                # than a clipped line.
                lines = max(lines, sum(-(-len(p) // (_MAX_WIDTH - 2)) or 1 for p in parts))
        if lines > 1:
            ws.row_dimensions[row].height = 15 * lines
            for col, value in enumerate(values, 1):
                if value is not None:
                    ws.cell(row, col).alignment = _WRAP
    for col, length in widest.items():
        width = min(max(length + 2, _MIN_WIDTH), _MAX_WIDTH)
        ws.column_dimensions[get_column_letter(col)].width = width


def _print_setup(ws, header_row: int) -> None:
    # On paper a wide table fits the page width, its header row repeated on every page.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"


def _shown_length(value: object, kind: str) -> int:
    if isinstance(value, numbers.Real) and not isinstance(value, bool) and kind != "text":
        if kind == "points":
            return len(f"{value:+.1f} điểm %")
        return len(f"{value:+.1%}" if kind in ("percent", "change") else f"{value:,.0f}")
    if isinstance(value, dt.date):
        return 10
    return 0 if value is None else max(len(line) for line in str(value).split("\n"))


def _cell_value(value: object, kind: str) -> object:
    """The value as the cell holds it: numbers for number columns, dates for date columns.

    >>> _cell_value(float("nan"), "percent"), _cell_value(12.0, "count"), _cell_value("", "text")
    ('[x]', 12, None)
    >>> _cell_value(0.032, "points")
    3.2
    """
    if is_missing(value):
        return None if kind == "text" else MISSING_SYMBOL
    if kind == "date":
        return _as_date(value)
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        number = float(value)
        if kind == "points":
            return round(number * 100, 10)  # 0.1 - 0.08 shows 2.0, not 2.0000000000000018
        return int(number) if kind == "count" and number.is_integer() else number
    return value if isinstance(value, (str, bool, dt.date)) else str(value)


def _as_date(value: object) -> object:
    """A date for dates and ISO text; any other text stays as it was typed.

    >>> _as_date("2014-06-30"), _as_date(pd.Timestamp("2014-06-30 08:00")), _as_date("30/6")
    (datetime.date(2014, 6, 30), datetime.date(2014, 6, 30), '30/6')
    """
    if isinstance(value, dt.date):  # datetime and pd.Timestamp included
        return value.date() if isinstance(value, dt.datetime) else value
    try:
        return dt.datetime.fromisoformat(str(value).strip()).date()
    except ValueError:
        return value
