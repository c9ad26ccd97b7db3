"""Bound an old .xls (BIFF5/BIFF8 in an OLE2 container) before calamine parses it.

calamine builds a sheet's grid from its furthest cell, so a 6 KB file with one cell at
IV65536 asks for 16 million cells (over a gigabyte). The container is opened with olefile
(a well-kept reader of OLE2 files) and the workbook stream is walked record by record:
sheets are counted, and every cell record's row and column bound its sheet, whatever the
sheet's DIMENSIONS record claims. The limits are those of .xlsx and .ods
(docs/assumptions_caveats.md §1).
"""

from __future__ import annotations

import io
import struct

from lib03.config import Limits
from lib03.errors import WorkbookError
from lib03.ingest.scan import Budget, SheetScan

_BOF, _EOF, _BOUNDSHEET = 0x0809, 0x000A, 0x0085
# Cell records start with their row (2 bytes) and column (2 bytes).
_CELLS = frozenset({0x0006, 0x0201, 0x0203, 0x0204, 0x0205, 0x00FD, 0x027E, 0x00D6,
                    0x0406, 0x0002, 0x0003, 0x0004, 0x0005})
# MULRK and MULBLANK: row, first column, …, last column in the record's last two bytes.
_MULTI = frozenset({0x00BD, 0x00BE})
_ROW = 0x0208  # row, first column, last column + 1
_COLINFO = 0x007D  # first column, last column, width, format, options (bit 0: hidden)


def scan_xls(data: bytes, limits: Limits) -> dict[str, SheetScan]:
    """The furthest cell of every sheet, refused past the limits before calamine runs.

    >>> import xlwt, io
    >>> wb = xlwt.Workbook(); ws = wb.add_sheet("Tổng hợp"); ws.write(9, 3, 1)
    >>> buf = io.BytesIO(); wb.save(buf)
    >>> scan = scan_xls(buf.getvalue(), Limits())["Tổng hợp"]
    >>> scan.max_row, scan.max_col
    (10, 4)
    """
    import olefile  # only old .xls files need it

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            if ole.exists("WordDocument"):  # a Word 97–2003 document renamed, or sent as is
                raise WorkbookError("file_doc_old")
            name = next((n for n in ("Workbook", "Book") if ole.exists(n)), None)
            if name is None:
                raise WorkbookError("file_corrupt", "tệp .xls không có phần sổ tính")
            stream = ole.openstream(name).read()
    except WorkbookError:
        raise
    except Exception as exc:  # olefile raises several types for a damaged container
        raise WorkbookError("file_corrupt", "vỏ OLE2 của tệp .xls bị hỏng") from exc
    return _scan_stream(memoryview(stream), limits)


def _scan_stream(stream: memoryview, limits: Limits) -> dict[str, SheetScan]:
    names: dict[int, str] = {}  # a sheet's BOF offset → its name
    found: dict[str, SheetScan] = {}
    budget = Budget(limits)
    scan: SheetScan | None = None
    sheet, globals_done = "", False
    depth, pos, end = 0, 0, len(stream)
    unpack = struct.unpack_from
    while pos + 4 <= end:
        kind, size = unpack("<HH", stream, pos)
        body = pos + 4
        if kind == _BOF:
            depth += 1
            if depth == 1 and globals_done:  # a sheet's own records begin
                sheet, scan = names.get(pos, f"trang {len(found) + 1}"), SheetScan()
        elif kind == _EOF:
            depth = max(0, depth - 1)
            globals_done = globals_done or depth == 0
            if depth == 0 and scan is not None:
                budget.check(sheet, scan)
                budget.close(scan)
                found[sheet] = scan
                scan = None
        elif kind == _BOUNDSHEET and not globals_done:
            offset = unpack("<I", stream, body)[0] if size >= 4 else -1
            names[offset] = _sheet_name(stream[body:body + size], len(names))
            if len(names) > limits.max_sheets:
                raise WorkbookError("file_too_large",
                                    f"{len(names)} trang, giới hạn {limits.max_sheets}")
        elif scan is not None and depth == 1 and size >= 4:
            if kind in _CELLS:
                row, col = unpack("<HH", stream, body)
                scan.extend(row + 1, col + 1)
            elif kind in _MULTI and size >= 6:
                row = unpack("<H", stream, body)[0]
                scan.extend(row + 1, unpack("<H", stream, body + size - 2)[0] + 1)
            elif kind == _ROW and size >= 6:
                row, _, last = unpack("<HHH", stream, body)
                scan.extend(row + 1, last)
            elif kind == _COLINFO and size >= 10:
                first, last, _, _, options = unpack("<HHHHH", stream, body)
                if options & 0x0001:
                    scan.hidden_cols.update(range(first, min(last, 255) + 1))
            if scan.max_row > limits.max_sheet_rows or \
                    scan.max_row * scan.max_col > limits.max_sheet_cells:
                budget.check(sheet, scan)  # refused as soon as one record goes too far
        pos = body + size
    return found


def _sheet_name(record: memoryview, index: int) -> str:
    """A BOUNDSHEET record's sheet name (BIFF8 Unicode, or BIFF5 bytes read as cp1252)."""
    try:
        length, flags = record[6], record[7]
        if len(record) >= 8 + length * 2 and flags & 1:
            return bytes(record[8:8 + length * 2]).decode("utf-16-le")
        if len(record) >= 8 + length and flags in (0, 1):
            return bytes(record[8:8 + length]).decode("latin-1")
        return bytes(record[7:7 + length]).decode("cp1252", "replace")
    except (IndexError, UnicodeDecodeError):
        return f"trang {index + 1}"
