"""A sample report typed in Word instead of Excel: the same sheets, each table lifted into a
Word table and the text around it into paragraphs, as units retype a form in Word.

The cleaner names a Word table `Bảng N` and counts its rows and columns from the table's
top-left cell (docs/du_lieu.md §3), so the ground-truth sources are moved the same way:
`Tổng hợp!C12` becomes `Bảng 2!C4` when the table's header stands on row 9 and the party
header is table 1. The bytes are fixed (core properties and zip dates), as for every sample
file.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from lib03.forms.demo_sheets import Rendered
from lib03.sheetwrite import Sheet, address, document_bytes


def docx_report(rendered: Rendered, *, header_table: bool) -> tuple[bytes, Rendered]:
    """The Word document of `rendered`'s sheets and the sources moved into its tables.

    With `header_table`, the party header (issuing body | ĐẢNG CỘNG SẢN VIỆT NAM, unit | place
    and date, document number) is a borderless two-column table, as most units type it;
    otherwise each part is a paragraph of its own.
    """
    import docx

    doc = docx.Document()
    moved: dict[tuple[str, int], tuple[str, int, int]] = {}  # (sheet, row) -> table, top, left
    closing: list[list[object]] = []
    tables = 0
    for sheet in rendered.sheets:
        header = next((row for name, row in rendered.headers.values() if name == sheet.name), None)
        if header is None:
            continue
        rows = _rows(sheet)
        end = next((r for r in range(header, len(rows)) if not any(rows[r])), len(rows))
        above = rows[:header]
        if header_table and tables == 0:
            tables += 1
            _table(doc, [row for row in above[:3]], borders=False)
            above = above[3:]
        for row in above:
            for text in row:
                if text:
                    doc.add_paragraph(text)
        left = min(c for c, v in enumerate(rows[header]) if v)
        tables += 1
        _table(doc, [row[left:] for row in rows[header:end]], borders=True)
        moved[(sheet.name, header)] = (f"Bảng {tables}", header, left)
        closing += rows[end:]
    for row in closing:  # the notes and the signature close the document
        text = "    ".join(v for v in row if v)
        if text:
            doc.add_paragraph(text)
    return document_bytes(doc, author="Văn phòng"), _move_sources(rendered, moved)


def _rows(sheet: Sheet) -> list[list[str]]:
    """The sheet as text rows, a merged cell read once at its first column."""
    height = max((r for r, _ in sheet.cells), default=-1) + 1
    width = max((c for _, c in sheet.cells), default=-1) + 1
    rows = [[""] * width for _ in range(height)]
    for (r, c), value in sheet.cells.items():
        rows[r][c] = _text(value)
    return rows


def _text(value: object) -> str:
    if isinstance(value, datetime | date):
        return f"{value.day}/{value.month}/{value.year}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def _table(doc, rows: list[list[str]], *, borders: bool) -> None:
    width = max(map(len, rows))
    table = doc.add_table(rows=len(rows), cols=width)
    if borders:
        table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text:
                table.cell(r, c).text = text


def _move_sources(rendered: Rendered, moved) -> Rendered:
    """The ground-truth sources pointed at the Word tables instead of the sheets."""
    def cell(sheet: str, ref: str) -> tuple[str, str]:
        (table, top, left), parts = _place(moved, sheet), []
        for one in ref.split(":"):
            col, row = coordinate_from_string(one)
            parts.append(address(row - 1 - top, column_index_from_string(col) - 1 - left))
        return table, ":".join(parts)

    def move(rows: list[tuple]) -> list[tuple]:
        return [(*row[:-2], *cell(row[-2], row[-1])) for row in rows]

    return replace(rendered, indicators=move(rendered.indicators), monthly=move(rendered.monthly),
                   inspections=move(rendered.inspections))  # fmt: skip


def _place(moved, sheet: str) -> tuple[str, int, int]:
    return next(v for (name, _), v in moved.items() if name == sheet)
