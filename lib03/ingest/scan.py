"""What a file holds, learned before it is parsed: its format from its first bytes, and the
size of every sheet from a streaming, linear-time scan of its XML.

Every limit of `settings.toml [limits]` is checked here, so that a hostile or runaway file
(a zip bomb, a billion laughs, a million rows, a cell declared at XFD1048576) is refused in
milliseconds and with bounded memory, before python-calamine builds a single cell.
"""

from __future__ import annotations

import codecs
import io
import logging
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field

from lib03.config import Limits
from lib03.errors import WorkbookError

log = logging.getLogger(__name__)

ZIP_MAGIC = b"PK\x03\x04"
CENTRAL_DIR_MAGIC = b"PK\x01\x02"
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A zip that packs better than this is not a workbook anyone typed (reports pack ~5–20×).
MAX_ZIP_RATIO = 200
# A workbook has a few dozen parts (two or three per sheet); far more is not a report.
MAX_ZIP_PARTS = 10_000
_MB = 1024 * 1024


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


def check_zip(data: bytes, limit: int) -> tuple[str, zipfile.ZipFile]:
    """The kind of a zip-based workbook (xlsx, ods) and its archive, refused when it unzips
    to more than `limit` MB or hides a compression bomb."""
    # Every part has a central-directory record starting with this signature: counting them is
    # one scan of the bytes, while listing them costs zipfile ~0.5 KB and ~10 µs each (a 50 MB
    # file of a million empty parts would take seconds and hundreds of MB before any check).
    parts = data.count(CENTRAL_DIR_MAGIC)
    if parts > MAX_ZIP_PARTS:
        raise WorkbookError("file_too_large",
                            f"tệp nén chứa {_dots(parts)} phần, giới hạn {_dots(MAX_ZIP_PARTS)}")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        log.debug("zip: %s", exc)
        raise WorkbookError("file_corrupt", "tệp nén bị hỏng") from exc
    total = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if total > limit * _MB or total / packed > MAX_ZIP_RATIO and total > 10_000_000:
        raise WorkbookError("file_too_large", f"giải nén ra {_mb(total)} MB, giới hạn {limit} MB")
    names = {i.filename for i in infos}
    if "xl/workbook.xml" in names:
        return "xlsx", zf
    if "content.xml" in names:
        return "ods", zf
    if "word/document.xml" in names:
        return "docx", zf
    raise WorkbookError("file_not_spreadsheet", "tệp nén zip nhưng không chứa bảng tính")


def check_xml_parts(zf: zipfile.ZipFile, data: bytes) -> dict[str, bytes]:
    """Refuse XML parts that declare entities or more shared strings than they can hold;
    returns the parts small enough to have been read whole, so they are not inflated twice.

    Entities ("billion laughs": ten nested ones expand to gigabytes) are never written by Excel
    or LibreOffice; calamine does not expand them, so this only says why the file is refused.
    A shared-string count is trusted by calamine to reserve memory before reading: a count of
    two billion aborts the whole process. Both sit at the head of a part.
    """
    whole: dict[str, bytes] = {}
    for info in zf.infolist():
        name = info.filename.lower()
        if not name.endswith((".xml", ".rels")):
            continue
        raw = read_head(zf, data, info, _XML_HEAD)
        if len(raw) < _XML_HEAD:
            whole[info.filename] = raw
        if _ENTITY.search(raw):
            raise WorkbookError("file_corrupt", f"phần {info.filename} khai báo thực thể XML "
                                "«<!ENTITY», điều Excel không bao giờ ghi; có thể là tệp "
                                "cố ý gây hại")
        if name.endswith("sharedstrings.xml"):
            root = _SST_TAG.search(raw.decode("utf-8", "replace"))
            if root is None and info.file_size > _XML_HEAD:  # a head padded to hide the count
                raise WorkbookError("file_corrupt", f"phần {info.filename} không đúng cấu trúc")
            # Each string takes at least "<si/>": a part cannot hold more than a fifth of its size.
            declared = _attr_int(root[1], "uniqueCount") if root else 0
            if declared > info.file_size // 5 + 1:
                raise WorkbookError("file_corrupt", f"phần {info.filename} khai báo số chuỗi "
                                    "chữ nhiều hơn nó chứa được")
    return whole


_ENTITY = re.compile(rb"<!entity", re.IGNORECASE)
# Signature, general-purpose flags, then (at offset 26) the lengths of the name and extra field.
_LOCAL_HEADER = struct.Struct("<4s2xH18xHH")
# Flags zipfile refuses or decrypts (encrypted, patched data, strong encryption): left to it.
_FLAGS_FOR_ZIPFILE = 0x01 | 0x20 | 0x40
_UTF8_NAME = 0x800


def read_head(zf: zipfile.ZipFile, data: bytes, info: zipfile.ZipInfo, limit: int) -> bytes:
    """The first `limit` bytes of a member, or all of it when shorter, CRC-checked when whole,
    never more than its declared size (as zipfile reads it).

    A plain stored or deflated member is inflated straight from the file's bytes: zipfile's
    reader costs ~30 µs a member, and a small workbook has ten (0.3 ms, more than calamine
    takes to read the whole file). Everything zipfile checks before reading a member is
    checked here too (the local header is inside the file, names the same member); anything
    else goes through zipfile, which refuses it.
    """
    offset = info.header_offset
    if not 0 <= offset <= len(data) - _LOCAL_HEADER.size:  # a directory pointing outside
        raise zipfile.BadZipFile(f"phần {info.filename} nằm ngoài tệp")
    sig, flags, name_len, extra_len = _LOCAL_HEADER.unpack_from(data, offset)
    start = offset + _LOCAL_HEADER.size
    if (sig == ZIP_MAGIC and not (info.flag_bits | flags) & _FLAGS_FOR_ZIPFILE
            and info.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
            and _local_name(data[start:start + name_len], flags) == info.orig_filename):
        start += name_len + extra_len
        want = min(limit, info.file_size)
        # Deflate never needs much more input than the output it gives: a directory may
        # claim gigabytes of input for a ten-byte member, and copying them costs seconds.
        packed = memoryview(data)[start:start + min(info.compress_size, 2 * want + 4096)]
        ended = False  # the deflate stream ended, perhaps before the declared size
        if info.compress_type == zipfile.ZIP_STORED or not want:
            # (A max_length of 0 would mean "no limit" to zlib: an empty member inflates nothing.)
            out = bytes(packed[:want])
        else:
            inflate = zlib.decompressobj(-15)
            out = inflate.decompress(packed, want)
            ended = inflate.eof
        whole = ended or len(out) == info.file_size
        if len(out) < want and not ended or whole and zlib.crc32(out) != info.CRC:
            raise zipfile.BadZipFile(f"phần {info.filename} hỏng")
        return out
    with zf.open(info) as fh:
        return fh.read(limit)


def _local_name(raw: bytes, flags: int) -> str | None:
    try:
        return raw.decode("utf-8" if flags & _UTF8_NAME else "cp437")
    except UnicodeDecodeError:
        return None


# The tags that place cells are matched one at a time: no "<" can sit inside a tag, so a failed
# match stops at the next "<" and a scan stays linear whatever the bytes (a pattern spanning a
# whole cell up to "</c>" took half a minute on 120 KB of "<c>"). A quoted value may hold ">".
_TAG_ATTRS = r"""((?:[^<>"']|"[^<"]*"|'[^<']*')*)"""
# Any namespace prefix: calamine reads <x:c>, <é:c> as <c> (all before the first colon).
_PREFIX = r"(?:[^\s<>/:]+:)?"
# Groups: "/" of an end tag, the tag of an end tag, the tag of a start tag, the attributes.
# In .xlsx: rows, cells and what a cell holds, and the end of a cell.
_XLSX_TAG = re.compile(rf"<(?:(/){_PREFIX}(c)|{_PREFIX}(row|c|f|v|is))(?=[\s/>]){_TAG_ATTRS}>")
# In .ods (content.xml), whose prefix calamine takes literally: tables, rows and cells.
_ODS_TAG = re.compile(rf"<(/?)()table:(table|table-row|table-cell|covered-table-cell|table-column)"
                      rf"(?=[\s/>]){_TAG_ATTRS}>")
_SST_TAG = re.compile(rf"<{_PREFIX}sst(?=[\s/>]){_TAG_ATTRS}>")
# An ODS cell holds something for calamine only through one of these attributes.
_ODS_FILLED = re.compile(r"(?:^|\s)(?:office:[\w-]*value[\w-]*|table:formula)\s*=")
_XML_HEAD = 64 * 1024


@dataclass
class SheetScan:
    """What the raw XML of one sheet says before calamine builds its grid."""

    formula_cells: set[tuple[int, int]] = field(default_factory=set)
    # Formula cells with a <v> element, which may still be empty (`<v></v>`, as openpyxl
    # writes with lxml): `read` adds those whose value comes back blank to formula_cells.
    formula_valued: set[tuple[int, int]] = field(default_factory=set)
    # Columns the sender hid (helper lists, last year's figures): said at info level only.
    hidden_cols: set[int] = field(default_factory=set)
    max_row: int = 0
    max_col: int = 0

    def extend(self, row: int, col: int) -> None:
        self.max_row, self.max_col = max(self.max_row, row), max(self.max_col, col)


class Budget:
    """Cells the sheets read so far span, checked against the limits as each sheet grows: a
    workbook of 50 sheets at the per-sheet limit would cost minutes and a gigabyte."""

    def __init__(self, limits: Limits) -> None:
        self.done = 0
        self.limits = limits

    def check(self, sheet: str, scan: SheetScan) -> None:
        _check_size(sheet, scan.max_row, scan.max_col, self.limits, self.done)

    def close(self, scan: SheetScan) -> None:
        self.done += scan.max_row * scan.max_col


def scan_xlsx(zf: zipfile.ZipFile, limits: Limits,
              parts: dict[str, bytes] | None = None) -> dict[str, SheetScan]:
    """Per sheet name: the cells holding a formula but no saved value (files written by
    scripts), and the furthest cell holding something, so a huge sheet is refused before it is
    loaded. `parts` are members already read whole (by `check_xml_parts`)."""
    parts = parts or {}
    try:
        wb_xml, rels = (
            (parts.get(name) or zf.read(name)).decode("utf-8", "replace")
            for name in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"))
    except KeyError:
        return {}
    targets = dict(re.findall(r'<Relationship [^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"', rels))
    targets |= {
        rid: tgt
        for tgt, rid in re.findall(r'<Relationship [^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"', rels)
    }
    sheets = re.findall(r'<sheet [^>]*?name="([^"]+)"[^>]*?r:id="([^"]+)"', wb_xml)
    if len(sheets) > limits.max_sheets:
        raise WorkbookError("file_too_large", f"{len(sheets)} trang, giới hạn {limits.max_sheets}")
    members = []
    for name, rid in sheets:
        target = targets.get(rid, "")
        member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        try:
            members.append((_unescape(name), zf.getinfo(member)))
        except KeyError:
            continue
    try:
        found = _scan_sheets(zf, members, limits, parts, fast=True)
    except _Inconclusive:
        found = _scan_sheets(zf, members, limits, parts, fast=False)
    for name, info in members:
        if name in found:
            found[name].hidden_cols = _hidden_xlsx_columns(zf, info, parts)
    return found


# The <cols> of a sheet part come before its cells: 64 KB of its head hold them.
_COL_TAG = re.compile(rb"<(?:\w+:)?col\s([^>]*)>")
_COL_HEAD = 1 << 16


def _hidden_xlsx_columns(zf: zipfile.ZipFile, info: zipfile.ZipInfo,
                         parts: dict[str, bytes]) -> set[int]:
    data = parts.get(info.filename)
    if data is None:
        with zf.open(info) as fh:
            data = fh.read(_COL_HEAD)
    head = data[:data.find(b"<sheetData") if b"<sheetData" in data[:_COL_HEAD] else _COL_HEAD]
    hidden: set[int] = set()
    for attrs in _COL_TAG.findall(head):
        text = attrs.decode("utf-8", "replace")
        if _attr(text, "hidden") in ("1", "true"):
            first, last = _attr_int(text, "min") or 1, _attr_int(text, "max") or 1
            hidden.update(range(first - 1, min(last, first + 16384)))
    return hidden


class _Inconclusive(Exception):
    """The quick bound of a workbook's sheets does not settle it: scan tag by tag."""


# A sheet part up to this size may be read whole and bounded by counting (at C speed).
_BOUND_MAX_BYTES = 32 * _MB
_CELL_TAG = re.compile(rb"<c[\s/>]")
# A whole cell tag as Excel and LibreOffice write it: its address first, then attributes of
# plain names and double-quoted values, none of them another r. Only a part whose every cell
# tag reads so is bounded by counting; a second address, or one in a quoted value
# (`foo=' r="B1"' r="XFD1048576"`), leaves a tag unmatched and the part to the exact scan.
_CELL_TAG_WITH_REF = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"(?: (?!r=)[a-zA-Z]+="[^"]*")*/?>')
_FORMULA_TAG = re.compile(rb"<f[\s/>]")
# Every prefixed tag holds this (whatever its prefix); so may text, which then takes the
# exact scan too.
_PREFIXED_CELL_TAG_HINT = re.compile(rb":(?:row|c|f|v|is)[\s/>]")


def _scan_sheets(zf: zipfile.ZipFile, members: list, limits: Limits,
                 parts: dict[str, bytes], *, fast: bool) -> dict[str, SheetScan]:
    found: dict[str, SheetScan] = {}
    budget = Budget(limits)
    for name, info in members:
        scan = None
        if fast and info.file_size <= _BOUND_MAX_BYTES:
            data = parts.get(info.filename)
            scan = _bound_sheet_xml(zf.read(info) if data is None else data)
            if scan is None:
                raise _Inconclusive
            try:
                budget.check(name, scan)
            except WorkbookError as exc:  # the bound is over a limit; the sheet may not be
                raise _Inconclusive from exc
        elif fast:
            raise _Inconclusive
        else:
            with zf.open(info) as fh:
                scan = _scan_sheet_xml(fh, name, budget)
        budget.close(scan)
        found[name] = scan
    return found


def _bound_sheet_xml(data: bytes) -> SheetScan | None:
    """A bound of what `_scan_sheet_xml` finds, or None when it takes the tag-by-tag scan.

    When the part has no formula, no prefixed cell tag, and every cell states its address in
    the usual form, the furthest address of any cell (filled or not) bounds the furthest
    filled one, and there is no formula cell to report. Report sheets are like this: counting
    with two regular expressions is ten times quicker than following every tag.

    >>> b = _bound_sheet_xml(b'<row r="1"><c r="B2" t="s"><v>0</v></c><c r="AA9"/></row>')
    >>> b.max_row, b.max_col, b.formula_cells
    (9, 27, set())
    >>> _bound_sheet_xml(b'<c><v>1</v></c>') is None, _bound_sheet_xml(b'<c r="A1"><f>1</f></c>')
    (True, None)
    """
    if _FORMULA_TAG.search(data) or _PREFIXED_CELL_TAG_HINT.search(data):
        return None
    if len(data) < _MB:
        found = _CELL_TAG_WITH_REF.findall(data)
        cells, letters, rows = len(found), {c for c, _ in found}, {r for _, r in found}
        tags = len(_CELL_TAG.findall(data))
    else:
        # A province's registry holds 200,000 cells: matches are counted one at a time rather
        # than kept as lists that would briefly cost more than the part itself.
        cells, letters, rows = 0, set(), set()
        for m in _CELL_TAG_WITH_REF.finditer(data):
            cells += 1
            letters.add(m[1])
            rows.add(m[2])
        tags = sum(1 for _ in _CELL_TAG.finditer(data))
    if cells != tags:
        return None
    return SheetScan(max_row=max((int(r) for r in rows), default=0),
                     max_col=max((_ref_col(c.decode()) for c in letters), default=0))


def _scan_sheet_xml(fh, name: str, budget: Budget) -> SheetScan:
    """Follow rows and cells as calamine places them: a cell's `r` gives its address, and a
    cell or row without one (the attribute is optional) comes right after the previous one.
    Stops at the first cell past the limits: a million rows cost no more than 5.000."""
    scan = SheetScan()
    row, next_row, next_col = 1, 1, 1
    cell: list | None = None  # [row, col, has a formula, holds something] of an open <c>
    for closing, tag, attrs in _iter_tags(fh, _XLSX_TAG):
        empty = attrs.endswith("/")
        if tag == "row" and not closing:
            row = _attr_int(attrs, "r") or next_row
            next_row, next_col = row + 1, 1
        elif tag == "c" and not closing:
            ref = _CELL_REF.match(_attr(attrs, "r"))
            r = _ref_row(ref[2]) if ref and ref[2] else row
            c = _ref_col(ref[1]) if ref and ref[1] else next_col
            next_col = c + 1
            cell = None if empty else [r, c, False, False]
        elif cell is None:
            continue
        elif tag == "c":  # </c>
            r, c, formula, filled = cell
            if filled:  # what calamine keeps: a value or an inline string, even empty
                scan.extend(r, c)
                budget.check(name, scan)
            if formula:
                (scan.formula_valued if filled else scan.formula_cells).add((r - 1, c - 1))
            cell = None
        elif not closing and tag == "f":
            cell[2] = True
        elif not closing and (tag == "is" or not empty):
            cell[3] = True
    return scan


def scan_ods(zf: zipfile.ZipFile, limits: Limits) -> dict[str, SheetScan]:
    """The furthest filled cell of every table in content.xml, refused past the limits before
    calamine expands it: ODS writes a cell once with "repeated n times", and calamine builds
    every copy, so a 1 KB file can ask for a million rows of 16 cells (gigabytes)."""
    found: dict[str, SheetScan] = {}
    budget = Budget(limits)
    scan, name, depth = SheetScan(), "", 0
    row = row_repeat = col = column = 0
    try:
        fh = zf.open("content.xml")
    except KeyError:
        return {}
    with fh:
        for closing, tag, attrs in _iter_tags(fh, _ODS_TAG):
            empty = attrs.endswith("/")
            if tag == "table":  # tables inside a cell (depth > 1) are part of that cell
                if closing:
                    depth -= 1
                    if depth == 0:
                        budget.close(scan)
                        found[name] = scan
                elif not empty:
                    depth += 1
                    if depth == 1:
                        name = _unescape(_attr(attrs, "table:name"))
                        scan, row, column = SheetScan(), 0, 0
                        if len(found) + 1 > limits.max_sheets:
                            raise WorkbookError("file_too_large",
                                                f"hơn {limits.max_sheets} trang (giới hạn)")
            elif depth != 1:
                continue
            elif tag == "table-column":
                if not closing:
                    repeat = min(_attr_int(attrs, "table:number-columns-repeated") or 1, 16384)
                    if _attr(attrs, "table:visibility") in ("collapse", "filter"):
                        scan.hidden_cols.update(range(column, column + repeat))
                    column += repeat
            elif tag == "table-row" and not closing:
                row_repeat, col = _attr_int(attrs, "table:number-rows-repeated") or 1, 0
                if empty:
                    row += row_repeat
            elif tag == "table-row":  # </table:table-row>
                row += row_repeat
            elif not closing:  # a cell, or a cell covered by a merge
                repeat = _attr_int(attrs, "table:number-columns-repeated") or 1
                if _ODS_FILLED.search(attrs):
                    scan.extend(row + row_repeat, col + repeat)
                    budget.check(name, scan)
                col += repeat
    return found


def _iter_tags(fh, pattern: re.Pattern, chunk: int = _MB):
    """(closing "/" or "", tag, attributes) of each tag `pattern` matches in an XML stream,
    read a megabyte at a time so memory stays flat."""
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    tail = ""
    while True:
        data = fh.read(chunk)
        text = tail + decoder.decode(data, final=not data)
        end = 0
        for match in pattern.finditer(text):
            yield match[1] or "", match[2] or match[3], match[4]
            end = match.end()
        if not data:
            return
        # A tag cut by the chunk boundary is carried over to the next round; no tag is a
        # megabyte long, and carrying one that is would make the scan quadratic.
        start = text.rfind("<", end)
        tail = text[start:] if start >= 0 else ""
        if len(tail) > chunk:
            raise WorkbookError("file_corrupt", "một thẻ XML dài hơn 1 MB")


# An address as calamine reads it from the value of `r`.
_CELL_REF = re.compile(r"\s*([A-Za-z]*)(\d*)")
# One attribute: a quoted value is skipped whole, so text inside it is never read as another
# attribute (`foo=' r="B1"' r="XFD1048576"`). A name starts the text, or follows a space or a
# quote (a lenient reader may take `a="1"r="2"` as two): trying every position of a long run
# of letters would take quadratic time (a 20 KB tag, seconds).
_ATTR = re.compile(r"""(?:^|(?<=[\s"']))([^\s="']+)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.S)


def _attr(attrs: str, name: str) -> str:
    r"""The value of one attribute of a tag; refused when the tag states it twice (XML forbids
    it, readers disagree on which counts, and a size check must know which one calamine takes).

    >>> _attr(' s="1" r="B2"', "r"), _attr(' foo=\' r="B1"\'', "r")
    ('B2', '')
    """
    found = [a or b for key, a, b in _ATTR.findall(attrs) if key == name]
    if len(found) > 1:
        raise WorkbookError("file_corrupt", f"một thẻ XML ghi thuộc tính «{name}» hai lần")
    return found[0] if found else ""


def _attr_int(attrs: str, name: str) -> int:
    """A whole-number attribute; 0 if absent or not a number. Ten digits and more stand for
    "more than any limit" without converting a string of any length to an int."""
    text = _attr(attrs, name).strip()
    if not text.isdigit():
        return 0
    return int(text) if len(text) < 10 else 10**10


def _ref_row(digits: str) -> int:
    return int(digits) if len(digits) < 10 else 10**10


def _ref_col(letters: str) -> int:
    """Column letters (any case) to a one-based number; more than three letters is beyond
    any sheet.

    >>> _ref_col("A"), _ref_col("xfd"), _ref_col("AAAAAAAAAAAA") > 16384
    (1, 16384, True)
    """
    if len(letters) > 3:
        return 10**10
    col = 0
    for ch in letters.upper():
        col = col * 26 + ord(ch) - 64
    return col


def is_encrypted_cfb(data: bytes) -> bool:
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


def _check_size(sheet: str, rows: int, cols: int, limits: Limits, before: int = 0) -> None:
    """Refuse a sheet longer or wider than any report needs, before its cells are built: a few
    kilobytes can declare a cell at XFD1048576 and cost gigabytes of memory. `before` counts
    the cells of the workbook's earlier sheets, which share the same limit."""
    row_limit = limits.max_sheet_rows
    if rows > row_limit:
        raise WorkbookError("file_too_large", f"trang «{sheet}» dài hơn "
                            f"{_dots(row_limit)} dòng (giới hạn)")
    if rows * cols > limits.max_sheet_cells:
        raise WorkbookError("file_too_large", f"trang «{sheet}» trải tới {_dots(rows)} dòng × "
                            f"{_dots(cols)} cột")
    if before + rows * cols > limits.max_sheet_cells:
        raise WorkbookError("file_too_large", f"các trang cộng lại trải tới "
                            f"{_dots(before + rows * cols)} ô, giới hạn "
                            f"{_dots(limits.max_sheet_cells)}")


def check_file_size(size: int, limit_mb: int) -> None:
    if size > limit_mb * _MB:
        raise WorkbookError("file_too_large", f"{_mb(size)} MB, giới hạn {limit_mb} MB")


def _dots(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _mb(size: int) -> str:
    return _dots(max(1, round(size / _MB)))
