"""Deterministic workbook writers: one in-memory description, written as .xlsx, .xlsm, .xls or .ods.

The same `Sheet` list always gives the same bytes: no clock, no random ids. Zip entries carry the
date 1980-01-01, document properties the date 2014-01-01. The demo generator and the collection
templates use this module; the cleaner never writes a workbook.
"""

from __future__ import annotations

import datetime as dt
import io
import numbers
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from lib03.contract import FORMULA_START, write_atomic

NUMBER_FORMATS = {
    "percent": "0.0%", "count": "#,##0", "date": "dd/mm/yyyy", "text": "General",
    "change": '+0.0%;"−"0.0%;0.0%',  # the minus sign (−) the report's pages use
    # A difference of two shares, in percentage points: the cell holds points (3.2, not 0.032),
    # because a "%" format would read as a relative change.
    "points": '+0.0" điểm %";"−"0.0" điểm %";0.0" điểm %"',
    "decimal": "0.0",
}
FIXED_PROPERTIES_TIME = datetime(2014, 1, 1)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
ODS_MIME = "application/vnd.oasis.opendocument.spreadsheet"
_XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"


@dataclass(frozen=True)
class Formula:
    """A formula written without a cached value (Excel would compute it on open)."""

    text: str


@dataclass
class Sheet:
    """One sheet. Keys are zero-based (row, col): (0, 0) is A1.

    `merges` holds (first_row, first_col, last_row, last_col), inclusive; the value of a merged
    range sits in its top-left cell. `fonts` names the font of single cells, `font` the default.
    """

    name: str
    cells: dict[tuple[int, int], object] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    fonts: dict[tuple[int, int], str] = field(default_factory=dict)
    bold: set[tuple[int, int]] = field(default_factory=set)
    font: str = "Times New Roman"
    widths: dict[int, float] = field(default_factory=dict)


def address(row: int, col: int) -> str:
    """Zero-based (row, col) to A1 notation.

    >>> address(0, 0), address(11, 2), address(3, 27)
    ('A1', 'C12', 'AB4')
    """
    return f"{get_column_letter(col + 1)}{row + 1}"


def write_book(sheets: list[Sheet], path: Path) -> None:
    """Write `sheets` to `path` in the format its suffix names (.xlsx, .xlsm, .xls, .ods)."""
    write_bytes(Path(path), book_bytes(sheets, Path(path).suffix))


def book_bytes(sheets: list[Sheet], suffix: str) -> bytes:
    """The bytes of a workbook in the format `suffix` names."""
    suffix = suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_bytes(sheets, macro=suffix == ".xlsm")
    if suffix == ".xls":
        return _xls_bytes(sheets)
    if suffix == ".ods":
        return _ods_bytes(sheets)
    raise ValueError(f"unsupported workbook suffix: {suffix}")


def write_bytes(path: Path, data: bytes) -> None:
    """Write atomically, with the ordinary permissions of a saved file."""
    write_atomic(path, data)


def save_workbook(wb: openpyxl.Workbook, path: Path, *, macro: bool = False) -> None:
    """Save an openpyxl workbook with fixed properties and zip dates (atomic)."""
    write_bytes(Path(path), workbook_bytes(wb, macro=macro))


def workbook_bytes(wb: openpyxl.Workbook, *, macro: bool = False) -> bytes:
    wb.properties.created = FIXED_PROPERTIES_TIME
    wb.properties.modified = FIXED_PROPERTIES_TIME
    wb.properties.creator = "lib03"
    buf = io.BytesIO()
    # ExcelWriter directly: openpyxl's save_workbook() would stamp `modified` with the clock.
    ExcelWriter(wb, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED)).save()
    return fixed_zip(buf.getvalue(), macro=macro)


def fixed_zip(data: bytes, *, macro: bool = False) -> bytes:
    """Rewrite a zip (an Office file) with fixed entry dates, same order, deflated."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if macro and info.filename == "[Content_Types].xml":
                body = body.replace(_XLSX_MAIN.encode(), _XLSM_MAIN.encode())
            dst.writestr(_zip_info(info.filename), body)
    return out.getvalue()


def document_bytes(doc, *, title: str = "", author: str = "lib03") -> bytes:
    """A python-docx Document as bytes that do not depend on the clock: fixed core properties
    (python-docx would keep its template's, or stamp now) and fixed zip dates."""
    props = doc.core_properties
    props.author = props.last_modified_by = author
    if title:
        props.title = title
    props.created = props.modified = FIXED_PROPERTIES_TIME
    props.revision = 1
    buf = io.BytesIO()
    doc.save(buf)
    return fixed_zip(buf.getvalue())


def archive_bytes(members: dict[str, bytes]) -> bytes:
    """A .zip of `members` (name -> bytes), as webmail's "download all" gives, fixed dates."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name, body in members.items():
            dst.writestr(_zip_info(name), body)
    return out.getvalue()


def _zip_info(name: str, compress: int = zipfile.ZIP_DEFLATED) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = compress
    info.create_system = 0
    info.external_attr = 0
    return info


# --- xlsx / xlsm -------------------------------------------------------------------------------


@cache
def _xl_font(name: str, bold: bool) -> Font:
    return Font(name=name, bold=bold, size=12)


_WRAP = Alignment(wrap_text=True, vertical="center")


def _xlsx_bytes(sheets: list[Sheet], *, macro: bool) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sheet in sheets:
        ws = wb.create_sheet(sheet.name)
        for (r, c), value in sorted(sheet.cells.items()):
            cell = ws.cell(row=r + 1, column=c + 1)
            if isinstance(value, Formula):
                cell.value = value.text
            else:
                cell.value = value
                if isinstance(value, str):
                    # openpyxl stores a string starting with '=' as a formula; here only a
                    # Formula is one, so text typed as "=1+1" stays the text it was.
                    cell.data_type = "s"
                if isinstance(value, date):
                    cell.number_format = "DD/MM/YYYY"
            cell.font = _xl_font(sheet.fonts.get((r, c), sheet.font), (r, c) in sheet.bold)
            if isinstance(value, str) and "\n" in value:
                cell.alignment = _WRAP
        for r1, c1, r2, c2 in sheet.merges:
            ws.merge_cells(start_row=r1 + 1, start_column=c1 + 1, end_row=r2 + 1, end_column=c2 + 1)
        for c, width in sorted(sheet.widths.items()):
            ws.column_dimensions[get_column_letter(c + 1)].width = width
    return workbook_bytes(wb, macro=macro)


# --- xls (Excel 97-2003, BIFF8) -----------------------------------------------------------------


@cache
def _xls_style(font: str, bold: bool, kind: str):
    import xlwt

    style = xlwt.XFStyle()
    style.font = xlwt.Font()
    style.font.name = font
    style.font.bold = bold
    style.font.height = 240
    if kind == "date":
        style.num_format_str = "DD/MM/YYYY"
    elif kind == "wrap":
        style.alignment = xlwt.Alignment()
        style.alignment.wrap = 1
    return style


def _xls_bytes(sheets: list[Sheet]) -> bytes:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    for sheet in sheets:
        ws = wb.add_sheet(sheet.name, cell_overwrite_ok=True)
        merged_top_left = {(m[0], m[1]): m for m in sheet.merges}
        for (r, c), value in sorted(sheet.cells.items()):
            if isinstance(value, Formula):
                raise ValueError("formulas without cached value are written to .xlsx only")
            kind = "date" if isinstance(value, date) else "plain"
            if isinstance(value, str) and "\n" in value:
                kind = "wrap"
            style = _xls_style(sheet.fonts.get((r, c), sheet.font), (r, c) in sheet.bold, kind)
            if (r, c) in merged_top_left:
                r1, c1, r2, c2 = merged_top_left.pop((r, c))
                ws.write_merge(r1, r2, c1, c2, value, style)
            else:
                ws.write(r, c, value, style)
        for r1, c1, r2, c2 in merged_top_left.values():
            ws.merge(r1, r2, c1, c2)
        for c, width in sorted(sheet.widths.items()):
            ws.col(c).width = int(width * 256)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- ods (OpenDocument spreadsheet, written by hand) --------------------------------------------

_ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
    'office:version="1.2"'
)
_ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.2">'
    f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{ODS_MIME}"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)
_ODS_STYLES = (
    f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-styles {_ODS_NS}>'
    "<office:styles/></office:document-styles>"
)
_ODS_AUTO_STYLES = (
    "<office:automatic-styles>"
    '<number:date-style style:name="N1"><number:day number:style="long"/>'
    '<number:text>/</number:text><number:month number:style="long"/>'
    "<number:text>/</number:text><number:year/></number:date-style>"
    '<style:style style:name="ce1" style:family="table-cell" style:data-style-name="N1"/>'
    "</office:automatic-styles>"
)


def _ods_text(value: str) -> str:
    """Text paragraphs with runs of spaces kept (<text:s/>), one <text:p> per line."""
    paras = []
    for line in value.split("\n"):
        out, i = [], 0
        while i < len(line):
            if line[i] == " " and (i == 0 or line[i - 1] == " " or i == len(line) - 1):
                j = i
                while j < len(line) and line[j] == " ":
                    j += 1
                out.append(f'<text:s text:c="{j - i}"/>')
                i = j
            else:
                out.append(escape(line[i]))
                i += 1
        paras.append(f"<text:p>{''.join(out)}</text:p>")
    return "".join(paras)


def _ods_cell(value: object, span: tuple[int, int] | None) -> str:
    attrs = ""
    if span:
        attrs = f' table:number-rows-spanned="{span[0]}" table:number-columns-spanned="{span[1]}"'
    if value is None:
        return f"<table:table-cell{attrs}/>"
    if isinstance(value, (bool, Formula)):
        raise ValueError(f"cannot write {value!r} to .ods")
    if isinstance(value, (int, float)):
        shown = repr(value) if isinstance(value, float) else str(value)
        return (
            f'<table:table-cell{attrs} office:value-type="float" office:value="{shown}">'
            f"<text:p>{shown}</text:p></table:table-cell>"
        )
    if isinstance(value, date):
        day = value.date() if isinstance(value, datetime) else value
        return (
            f'<table:table-cell{attrs} table:style-name="ce1" office:value-type="date" '
            f'office:date-value="{day.isoformat()}"><text:p>{day:%d/%m/%Y}</text:p>'
            "</table:table-cell>"
        )
    text = _ods_text(str(value))
    return f'<table:table-cell{attrs} office:value-type="string">{text}</table:table-cell>'


def _ods_table(sheet: Sheet) -> str:
    spans = {(r1, c1): (r2 - r1 + 1, c2 - c1 + 1) for r1, c1, r2, c2 in sheet.merges}
    covered = {
        (r, c)
        for r1, c1, r2, c2 in sheet.merges
        for r in range(r1, r2 + 1)
        for c in range(c1, c2 + 1)
        if (r, c) != (r1, c1)
    }
    used = set(sheet.cells) | covered | set(spans)
    n_rows = max((r for r, _ in used), default=-1) + 1
    n_cols = max((c for _, c in used), default=-1) + 1
    rows = []
    for r in range(n_rows):
        row_cells = [c for c in range(n_cols) if (r, c) in used]
        last = max(row_cells, default=-1)
        parts = []
        for c in range(last + 1):
            if (r, c) in covered:
                parts.append("<table:covered-table-cell/>")
            else:
                parts.append(_ods_cell(sheet.cells.get((r, c)), spans.get((r, c))))
        if not parts:
            parts.append("<table:table-cell/>")
        rows.append(f"<table:table-row>{''.join(parts)}</table:table-row>")
    return (
        f"<table:table table:name={quoteattr(sheet.name)}>"
        f'<table:table-column table:number-columns-repeated="{max(n_cols, 1)}"/>'
        f"{''.join(rows)}</table:table>"
    )


def _ods_bytes(sheets: list[Sheet]) -> bytes:
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {_ODS_NS}>'
        f"{_ODS_AUTO_STYLES}<office:body><office:spreadsheet>"
        f"{''.join(_ods_table(s) for s in sheets)}"
        "</office:spreadsheet></office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr(_zip_info("mimetype", zipfile.ZIP_STORED), ODS_MIME)
        zf.writestr(_zip_info("META-INF/manifest.xml"), _ODS_MANIFEST)
        zf.writestr(_zip_info("content.xml"), content)
        zf.writestr(_zip_info("styles.xml"), _ODS_STYLES)
    return out.getvalue()


def is_missing(value: object) -> bool:
    """Blank text, None, NaN, NaT and NA: a cell left empty, never a zero."""
    import pandas as pd  # loaded already wherever frames are written

    if isinstance(value, str):
        return not value.strip()
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


def clean_cell_text(text: str) -> str:
    """Text without the control characters that make openpyxl refuse a cell."""
    # Control characters make openpyxl refuse the cell; tab, line feed and CR are allowed.
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def put(cell, value: object, number_format: str = "General"):
    """Write one value. Text stays text even when it starts like a formula."""
    if is_missing(value):
        return cell
    if isinstance(value, str):
        cell.value = text = clean_cell_text(value)
        # openpyxl stores any string starting with '=' as a formula unless told otherwise.
        cell.data_type = "s"
        if text.startswith(FORMULA_START):
            # Excel's mark for a typed leading apostrophe: the cell stays text if edited too.
            cell.quotePrefix = True
        return cell
    cell.value = value
    if isinstance(value, dt.date):  # openpyxl's own default would show the time too
        cell.number_format = NUMBER_FORMATS["date"]
    elif isinstance(value, numbers.Real) and not isinstance(value, bool):
        cell.number_format = number_format
    return cell
