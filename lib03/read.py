"""Open a workbook of any supported format into plain grids whose indices are real cells.

Only python-calamine parses cell data (macros are never run). The first bytes of the file decide
how it is opened, not its name, so an .xlsx renamed .xls still reads and a text file named .xls
is refused with a clear reason.
"""

from __future__ import annotations

import codecs
import io
import logging
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine as pc

from lib03 import legacy
from lib03.config import load_settings
from lib03.errors import WorkbookError

log = logging.getLogger(__name__)

ZIP_MAGIC = b"PK\x03\x04"
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A zip that packs better than this is not a workbook anyone typed (reports pack ~5–20×).
MAX_ZIP_RATIO = 200
_MB = 1024 * 1024


@dataclass
class Grid:
    """One sheet: `rows[r][c]` is the cell at Excel row r+1, column c+1."""

    name: str
    rows: list[list[object]]
    formula_cells: set[tuple[int, int]] = field(default_factory=set)
    hidden: bool = False

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


def sniff_format(data: bytes) -> str:
    """Name the container by its first bytes: 'zip', 'cfb', 'html', 'text' or 'binary'.

    >>> sniff_format(b"PK\\x03\\x04rest"), sniff_format(b"<html><body>"), sniff_format(b"a,b\\n1,2")
    ('zip', 'html', 'text')
    """
    if data.startswith(ZIP_MAGIC):
        return "zip"
    if data.startswith(CFB_MAGIC):
        return "cfb"
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<html", b"<!doctype", b"<?xml", b"<table", b"<meta")):
        return "html"
    try:
        data[:4096].decode("utf-8")
        return "text"
    except UnicodeDecodeError:
        return "binary"


def _check_zip(data: bytes) -> tuple[str, zipfile.ZipFile]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        log.debug("zip: %s", exc)
        raise WorkbookError("file_corrupt", "tệp nén bị hỏng") from exc
    total = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    limit = load_settings().max_unzipped_mb
    if total > limit * _MB or total / packed > MAX_ZIP_RATIO and total > 10_000_000:
        raise WorkbookError("file_too_large", f"giải nén ra {_mb(total)} MB, giới hạn {limit} MB")
    names = {i.filename for i in infos}
    if "xl/workbook.xml" in names:
        return "xlsx", zf
    if "content.xml" in names:
        return "ods", zf
    raise WorkbookError("file_not_spreadsheet", "tệp nén zip nhưng không chứa bảng tính")


_CELL_XML = re.compile(r"<c\b([^>]*?)(/>|>(.*?)</c>)", re.S)
_CELL_REF = re.compile(r'\br="([A-Z]{1,3})(\d{1,7})"')


@dataclass
class SheetScan:
    """What the raw XML of one .xlsx sheet says before calamine builds its grid."""

    formula_cells: set[tuple[int, int]] = field(default_factory=set)
    max_row: int = 0
    max_col: int = 0


def _scan_xlsx(zf: zipfile.ZipFile) -> dict[str, SheetScan]:
    """Per sheet name: the cells holding a formula but no saved value (files written by
    scripts), and the furthest cell used, so a huge sheet is refused before it is loaded."""
    try:
        wb_xml = zf.read("xl/workbook.xml").decode("utf-8", "replace")
        rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    except KeyError:
        return {}
    targets = dict(re.findall(r'<Relationship [^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"', rels))
    targets |= {
        rid: tgt
        for tgt, rid in re.findall(r'<Relationship [^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"', rels)
    }
    sheets = re.findall(r'<sheet [^>]*?name="([^"]+)"[^>]*?r:id="([^"]+)"', wb_xml)
    limits = load_settings()
    if len(sheets) > limits.max_sheets:
        raise WorkbookError("file_too_large", f"{len(sheets)} trang, giới hạn {limits.max_sheets}")
    found: dict[str, SheetScan] = {}
    for name, rid in sheets:
        target = targets.get(rid, "")
        member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        try:
            fh = zf.open(member)
        except KeyError:
            continue
        scan = SheetScan()
        with fh:
            for attrs, _, body in _iter_cells(fh):
                ref = _CELL_REF.search(attrs)
                if not ref:
                    continue
                r, c = parse_address(ref[1] + ref[2])
                scan.max_row, scan.max_col = max(scan.max_row, r + 1), max(scan.max_col, c + 1)
                # Stops at the first cell past the limits: a million rows cost no more than 5.000.
                _check_size(_unescape(name), scan.max_row, scan.max_col)
                if body and "<f" in body and "<v>" not in body and "<is>" not in body:
                    scan.formula_cells.add((r, c))
        found[_unescape(name)] = scan
    return found


def _iter_cells(fh, chunk: int = _MB):
    """The <c> elements of a sheet's XML, read a megabyte at a time so memory stays flat."""
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    tail = ""
    while True:
        data = fh.read(chunk)
        text = tail + decoder.decode(data, final=not data)
        end = 0
        for match in _CELL_XML.finditer(text):
            yield match.groups()
            end = match.end()
        if not data:
            return
        # An element cut by the chunk boundary is carried over to the next round.
        start = text.rfind("<c", end)
        tail = text[start:] if start >= 0 else ""


def _is_encrypted_cfb(data: bytes) -> bool:
    """An encrypted .xlsx is an OLE file with an EncryptionInfo stream; an encrypted .xls has
    a FILEPASS record (0x002F) right after the workbook's BOF record."""
    if "EncryptionInfo".encode("utf-16-le") in data[:65536]:
        return True
    for length in (b"\x10\x00", b"\x08\x00"):
        bof = data.find(b"\x09\x08" + length)
        if bof >= 0:
            nxt = bof + 4 + int.from_bytes(length, "little")
            return data[nxt:nxt + 2] == b"\x2f\x00"
    return False


def _unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
        .replace("&apos;", "'").replace("&amp;", "&")
    )


def read_workbook(path: Path, data: bytes | None = None) -> Book:
    """Read every worksheet of `path` into grids, or raise WorkbookError with a log code."""
    if data is None:
        data = path.read_bytes()
    if not data:
        raise WorkbookError("file_empty")
    limits = load_settings()
    if len(data) > limits.max_file_mb * _MB:
        raise WorkbookError("file_too_large",
                            f"{_mb(len(data))} MB, giới hạn {limits.max_file_mb} MB")
    kind = sniff_format(data)
    scans: dict[str, SheetScan] = {}
    if kind == "zip":
        fmt, zf = _check_zip(data)
        if fmt == "xlsx":
            try:
                scans = _scan_xlsx(zf)
            except (zipfile.BadZipFile, zlib.error, OSError, NotImplementedError,
                    RuntimeError, EOFError) as exc:  # a damaged member inside the zip
                log.debug("đọc xml hỏng: %s", exc)
                raise WorkbookError("file_corrupt", "một phần của tệp nén bị hỏng") from exc
    elif kind == "cfb":
        if _is_encrypted_cfb(data):
            raise WorkbookError("file_password")
        fmt = "xls"
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
        for meta in worksheets:
            try:
                sheet = wb.get_sheet_by_name(meta.name)
                height, width = (sheet.end[0] + 1, sheet.end[1] + 1) if sheet.end else (0, 0)
                _check_size(meta.name, height, width)
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
                meta.name, rows, scan.formula_cells,
                hidden=meta.visible != pc.SheetVisibleEnum.Visible,
            ))
    decode_legacy_text(book, data)
    return book


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
    """(sheet, (row, col)) of the TCVN3 cells set in an upper-case font; one workbook load."""
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


def _check_size(sheet: str, rows: int, cols: int) -> None:
    """Refuse a sheet longer or wider than any report needs, before its cells are built: a few
    kilobytes can declare a cell at XFD1048576 and cost gigabytes of memory."""
    limits = load_settings()
    if rows > limits.max_sheet_rows:
        raise WorkbookError("file_too_large", f"trang «{sheet}» dài hơn "
                            f"{_dots(limits.max_sheet_rows)} dòng (giới hạn)")
    if rows * cols > limits.max_sheet_cells:
        raise WorkbookError("file_too_large", f"trang «{sheet}» trải tới {_dots(rows)} dòng × "
                            f"{_dots(cols)} cột")


def _dots(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _mb(size: int) -> str:
    return _dots(max(1, round(size / _MB)))
