"""Open a workbook of any supported format into plain grids whose indices are real cells.

Only python-calamine parses cell data (macros are never run). The first bytes of the file decide
how it is opened, not its name, so an .xlsx renamed .xls still reads and a text file named .xls
is refused with a clear reason.
"""

from __future__ import annotations

import io
import logging
import posixpath
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import python_calamine as pc

from lib03 import legacy
from lib03.config import Limits
from lib03.errors import WorkbookError
from lib03.ingest.scan import (
    Budget,
    SheetScan,
    check_file_size,
    check_xml_parts,
    check_zip,
    is_encrypted_cfb,
    scan_ods,
    scan_xlsx,
    sniff_format,
)
from lib03.ingest.scan_xls import scan_xls
from lib03.ingest.word import read_docx

log = logging.getLogger(__name__)



@dataclass
class Grid:
    """One sheet: `rows[r][c]` is the cell at Excel row r+1, column c+1."""

    name: str
    rows: list[list[object]]
    formula_cells: set[tuple[int, int]] = field(default_factory=set)
    hidden: bool = False
    hidden_cols: set[int] = field(default_factory=set)

    def value(self, r: int, c: int) -> object:
        row = self.value_row(r)
        return row[c] if 0 <= c < len(row) else None

    def value_row(self, r: int) -> list[object]:
        return self.rows[r] if 0 <= r < len(self.rows) else []


@dataclass
class Book:
    path: Path
    fmt: str
    sheets: list[Grid]


def col_letter(c: int) -> str:
    """Zero-based column index to Excel letters.

    >>> col_letter(0), col_letter(25), col_letter(26), col_letter(701)
    ('A', 'Z', 'AA', 'ZZ')
    """
    letters = ""
    c += 1
    while c:
        c, rem = divmod(c - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_address(r: int, c: int) -> str:
    """Zero-based (row, column) to A1 notation.

    >>> cell_address(0, 0), cell_address(11, 2)
    ('A1', 'C12')
    """
    return f"{col_letter(c)}{r + 1}"


def parse_address(addr: str) -> tuple[int, int]:
    """A1 notation to zero-based (row, column).

    >>> parse_address("C12")
    (11, 2)
    """
    m = re.fullmatch(r"([A-Z]+)(\d+)", addr)
    if not m:
        raise ValueError(addr)
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)) - 1, col - 1


def read_workbook(path: Path, data: bytes | None = None, *,
                  limits: Limits = Limits()) -> Book:  # noqa: B008 (a frozen value)
    """Read every worksheet of `path` into grids, or raise WorkbookError with a log code.

    `limits` are the run's (`Settings.limits`); the defaults are those of settings.toml as
    shipped. The unit registry of a province is read with a longer row limit than any report.
    """
    if data is None:
        # The size is known before the bytes are read: a 10 GB file is never loaded.
        check_file_size(path.stat().st_size, limits.max_file_mb)
        data = path.read_bytes()
    if not data:
        raise WorkbookError("file_empty")
    check_file_size(len(data), limits.max_file_mb)
    kind = sniff_format(data)
    scans: dict[str, SheetScan] = {}
    if kind == "zip":
        fmt, zf = check_zip(data, limits.max_unzipped_mb)
        try:
            parts = check_xml_parts(zf, data)
            if fmt == "docx":  # a report written in Word: its tables are its sheets
                return _decoded(Book(path, "docx", [Grid(name, rows) for name, rows
                                                    in read_docx(data, limits)]), data)
            scans = scan_xlsx(zf, limits, parts) if fmt == "xlsx" else scan_ods(zf, limits)
        # A damaged member inside the zip, or a directory pointing at impossible places.
        except (zipfile.BadZipFile, zlib.error, OSError, NotImplementedError,
                RuntimeError, EOFError, struct.error, ValueError, OverflowError) as exc:
            log.debug("đọc xml hỏng: %s", exc)
            raise WorkbookError("file_corrupt", "một phần của tệp nén bị hỏng") from exc
    elif kind == "cfb":
        if is_encrypted_cfb(data):
            raise WorkbookError("file_password")
        fmt = "xls"
        scans = scan_xls(data, limits)  # refuses a sheet calamine would build too large
    elif kind == "html":
        raise WorkbookError("file_not_spreadsheet", "trang HTML/XML mang đuôi bảng tính")
    elif kind == "text":
        raise WorkbookError("file_not_spreadsheet", "tệp văn bản")
    else:
        raise WorkbookError("file_not_spreadsheet", "nội dung không nhận ra")
    try:
        wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except pc.PasswordError as exc:
        raise WorkbookError("file_password") from exc
    except Exception as exc:  # calamine raises several unrelated types for damaged files
        log.debug("calamine: %s", exc)
        raise WorkbookError("file_corrupt", "cấu trúc tệp không đọc được") from exc
    book = Book(path=path, fmt=fmt, sheets=[])
    with wb:
        worksheets = [m for m in wb.sheets_metadata if m.typ == pc.SheetTypeEnum.WorkSheet]
        if len(worksheets) > limits.max_sheets:
            raise WorkbookError("file_too_large",
                                f"{len(worksheets)} trang, giới hạn {limits.max_sheets}")
        budget = Budget(limits)
        for meta in worksheets:
            try:
                sheet = wb.get_sheet_by_name(meta.name)
                height, width = (sheet.end[0] + 1, sheet.end[1] + 1) if sheet.end else (0, 0)
                size = SheetScan(max_row=height, max_col=width)
                budget.check(meta.name, size)
                budget.close(size)
                rows = sheet.to_python(skip_empty_area=False)
            except WorkbookError:
                raise
            except Exception as exc:
                if isinstance(exc, pc.PasswordError):
                    raise WorkbookError("file_password") from exc
                log.debug("calamine, trang %s: %s", meta.name, exc)
                raise WorkbookError("file_corrupt", f"trang «{meta.name}» không đọc được") from exc
            scan = scans.get(meta.name, SheetScan())
            book.sheets.append(Grid(
                meta.name, rows, scan.formula_cells | _blank_cells(rows, scan.formula_valued),
                hidden_cols=scan.hidden_cols,
                hidden=meta.visible != pc.SheetVisibleEnum.Visible,
            ))
    return _decoded(book, data)


def _decoded(book: Book, data: bytes) -> Book:
    decode_legacy_text(book, data)
    return book


def _blank_cells(rows: list[list], cells: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """The cells among `cells` whose value came back empty: a formula saved without its
    result, even where the file has an empty value element for it."""
    return {(r, c) for r, c in cells
            if r >= len(rows) or c >= len(rows[r]) or rows[r][c] in ("", None)}


def decode_legacy_text(book: Book, data: bytes) -> None:
    """Convert cells typed in TCVN3 or VNI fonts to Unicode, in place.

    TCVN3 has no codes for toned capitals: a title typed in `.VnTimeH` is stored in lower-case
    codes and only looks capital on screen. In .xlsx the cell's font is read to restore the
    capitals; .xls and .ods keep the letters as typed (documented in the caveats).
    """
    pending: dict[str, list[tuple[int, int]]] = {}
    found: dict[str, int] = {}
    doubtful: list[tuple[Grid, int, int]] = []
    for grid in book.sheets:
        for r, row in enumerate(grid.rows):
            for c, value in enumerate(row):
                if not isinstance(value, str) or value.isascii():
                    continue
                enc = legacy.detect_encoding(value)
                if enc:
                    found[enc] = found.get(enc, 0) + 1
                    row[c] = legacy.to_unicode(value, enc)
                    if enc == "tcvn3":
                        pending.setdefault(grid.name, []).append((r, c))
                elif legacy.could_be_legacy(value):
                    doubtful.append((grid, r, c))
    # A workbook is typed in one font: once most of its legacy cells say which encoding, the
    # cells that read as valid Unicode by accident ("Chi bé") are converted with it too.
    if found and doubtful:
        enc = max(sorted(found), key=found.get)
        if found[enc] >= 3:
            for grid, r, c in doubtful:
                if not legacy.reads_better(grid.rows[r][c], enc):
                    continue  # typed in Unicode beside the legacy text: leave it
                grid.rows[r][c] = legacy.to_unicode(grid.rows[r][c], enc)
                if enc == "tcvn3":
                    pending.setdefault(grid.name, []).append((r, c))
    if pending and book.fmt == "xlsx":
        grids = {g.name: g for g in book.sheets}
        for sheet, (r, c) in _upper_font_cells(data, pending):
            grids[sheet].rows[r][c] = grids[sheet].rows[r][c].upper()


def _upper_font_cells(data: bytes, pending: dict[str, list[tuple[int, int]]]):
    """(sheet, (row, col)) of the TCVN3 cells set in an upper-case font.

    The fonts are read straight from the styles and sheet XML (a few ms, where loading the
    workbook in openpyxl took ~20); a workbook whose XML strays from what Excel writes is read
    through openpyxl as before, so both ways always agree.
    """
    try:
        return _read_upper_font_cells(data, pending)
    except Exception as exc:  # anything unusual: openpyxl decides, as it always did
        log.debug("đọc phông chữ qua openpyxl: %r", exc)
        return _upper_font_cells_openpyxl(data, pending)


def _upper_font_cells_openpyxl(data: bytes, pending: dict[str, list[tuple[int, int]]]):
    """`_upper_font_cells` through openpyxl; one workbook load."""
    try:
        import openpyxl

        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        found = []
        for sheet, cells in pending.items():
            wanted = set(cells)
            for row in wb[sheet].iter_rows(max_row=max(r for r, _ in cells) + 1):
                for cell in row:
                    pos = (getattr(cell, "row", 0) - 1, getattr(cell, "column", 0) - 1)
                    font = cell.font.name if getattr(cell, "font", None) else None
                    if pos in wanted and legacy.is_upper_font(font):
                        found.append((sheet, pos))
        return found
    except Exception as exc:  # fonts only improve display; never fail a file for them
        log.debug("không đọc được phông chữ: %s", exc)
        return []


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_CELL_REF = re.compile(r"([A-Z]{1,3})([1-9][0-9]{0,6})")


class _UnusualXml(Exception):
    """The workbook's XML is not shaped as Excel writes it: openpyxl reads its fonts."""


def _read_upper_font_cells(data: bytes, pending: dict[str, list[tuple[int, int]]]):
    """`_upper_font_cells` from the XML, raising where openpyxl might read it differently."""
    zf = zipfile.ZipFile(io.BytesIO(data))
    if b'PartName="/xl/workbook.xml"' not in zf.read("[Content_Types].xml"):
        raise _UnusualXml("workbook part")
    xf_fonts = _xf_font_names(ElementTree.fromstring(zf.read("xl/styles.xml")))
    members = _sheet_members(zf)
    found = []
    for sheet, cells in pending.items():
        wanted = set(cells)
        last_row = max(r for r, _ in cells) + 1
        for pos, font in _cell_fonts(zf.read(members[sheet]), last_row, xf_fonts):
            if pos in wanted and legacy.is_upper_font(font):
                found.append((sheet, pos))
    return found


def _xf_font_names(styles: ElementTree.Element) -> list[str | None]:
    """The font name of each cell format (the `s` of a cell) of xl/styles.xml."""
    fonts, xfs = styles.find(f"{_MAIN}fonts"), styles.find(f"{_MAIN}cellXfs")
    if styles.tag != f"{_MAIN}styleSheet" or fonts is None or xfs is None or not len(xfs):
        raise _UnusualXml("styles")  # openpyxl then keeps its default styles
    names = []
    for font in fonts:
        name = font.findall(f"{_MAIN}name")
        if font.tag != f"{_MAIN}font" or len(name) > 1:
            raise _UnusualXml("font")
        names.append(name[0].get("val") if name else None)
    found = []
    for xf in xfs:
        font_id = int(xf.get("fontId", "0"))
        if xf.tag != f"{_MAIN}xf" or not 0 <= font_id < len(names):
            raise _UnusualXml("cell format")
        found.append(names[font_id])
    return found


def _sheet_members(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its part in the zip, through xl/_rels/workbook.xml.rels."""
    rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r for r in rels if r.tag == _RELATIONSHIP}
    sheets = ElementTree.fromstring(zf.read("xl/workbook.xml")).find(f"{_MAIN}sheets")
    members: dict[str, str] = {}
    for sheet in sheets if sheets is not None else ():
        name, rel = sheet.get("name"), targets.get(sheet.get(_REL_ID))
        if (name in members or rel is None or rel.get("TargetMode") == "External"
                or "worksheet" not in rel.get("Type", "")):
            raise _UnusualXml("sheet list")
        target = rel.get("Target", "")
        members[name] = (target[1:] if target.startswith("/")
                         else posixpath.normpath(posixpath.join("xl", target)))
    return members


def _cell_fonts(xml: bytes, last_row: int, xf_fonts: list[str | None]):
    """((row, col), font name) of each cell of a sheet down to `last_row` (Excel numbering),
    as openpyxl's read-only sheet gives them: cells right of the sheet's declared dimension
    are left out. Rows and cells must carry their address and come in order."""
    max_col = None
    path: list[str] = []  # the tags open around the current element
    prev_row = 0
    for event, el in ElementTree.iterparse(io.BytesIO(xml), events=("start", "end")):
        if event == "end":
            path.pop()
            if el.tag == f"{_MAIN}row":
                el.clear()
            continue
        parent = path[-1] if path else None
        path.append(el.tag)
        if parent is None and el.tag != f"{_MAIN}worksheet":
            raise _UnusualXml("root")
        if el.tag == f"{_MAIN}dimension":
            if max_col is not None or prev_row:
                raise _UnusualXml("dimension")  # openpyxl heeds only one, before the rows
            first, _, last = el.get("ref", "").partition(":")
            max_col = _ref_position(last or first)[1]
        elif el.tag == f"{_MAIN}row":
            row = int(el.get("r", "0"))
            if parent != f"{_MAIN}sheetData" or row <= prev_row:
                raise _UnusualXml("row")
            if row > last_row:
                return
            prev_row, prev_col = row, 0
        elif parent == f"{_MAIN}row":
            row, col = _ref_position(el.get("r", ""))
            style = int(el.get("s", "0"))
            if (el.tag != f"{_MAIN}c" or row != prev_row or col <= prev_col
                    or not 0 <= style < len(xf_fonts)):
                raise _UnusualXml("cell")
            prev_col = col
            if max_col is None or col <= max_col:
                yield (prev_row - 1, col - 1), xf_fonts[style]
        elif el.tag in (f"{_MAIN}row", f"{_MAIN}c"):
            raise _UnusualXml("cell outside a row")


def _ref_position(ref: str) -> tuple[int, int]:
    """The 1-based (row, column) of an A1 reference ("F20" → (20, 6)); raises on anything
    else, as openpyxl might read it otherwise."""
    if not _CELL_REF.fullmatch(ref):
        raise _UnusualXml(f"reference {ref!r}")
    row, col = parse_address(ref)
    return row + 1, col + 1
