"""Reports sent as Word documents (.docx): their tables become grids like a workbook's sheets,
so the same code finds the tables, the unit, the period and the date (docs/du_lieu.md §3).

python-docx (a well-kept reader of .docx) gives the body in document order. Each table is a
grid named `Bảng N` (N counts the document's tables from the top), so a cell's provenance
reads `bao cao.docx!Bảng 2!C5`: table 2, row 5, column C, as an analyst counts them in Word.
The paragraphs before the first table are the title block (grid `Đầu văn bản`); a paragraph
after a table is placed under that table's rows, as a signature line sits under a sheet's
table. A cell merged across columns is read once, at its first column.
"""

from __future__ import annotations

import io

from lib03.config import Limits
from lib03.errors import WorkbookError
from lib03.ingest.scan import Budget, SheetScan

TITLE_SHEET = "Đầu văn bản"


def table_sheet(number: int) -> str:
    """The grid name of the document's `number`-th table (from 1)."""
    return f"Bảng {number}"


def read_docx(data: bytes, limits: Limits) -> list[tuple[str, list[list[object]]]]:
    """Every table of a .docx as (grid name, rows), with the paragraphs around them; the
    pre-parse checks of its zip have run already (`read.read_workbook` makes the grids)."""
    from docx import Document
    from docx.oxml.ns import qn

    try:
        body = Document(io.BytesIO(data)).element.body
    except Exception as exc:  # python-docx and lxml raise several types for a bad document
        raise WorkbookError("file_corrupt", "tài liệu Word không đọc được") from exc
    title: list[list[object]] = []
    grids: list[tuple[str, list[list[object]]]] = []
    budget = Budget(limits)
    after_table = False
    for child in body.iterchildren():
        if child.tag == qn("w:tbl"):
            if len(grids) + 1 > limits.max_sheets:
                raise WorkbookError("file_too_large",
                                    f"hơn {limits.max_sheets} bảng (giới hạn)")
            rows = _table_rows(child, qn)
            name = table_sheet(len(grids) + 1)
            size = SheetScan(max_row=len(rows), max_col=max(map(len, rows), default=0))
            budget.check(name, size)
            budget.close(size)
            grids.append((name, rows))
            after_table = True
        elif child.tag == qn("w:p"):
            text = _text(child, qn)
            if not text:
                continue
            if grids:
                if after_table:  # a blank row between a table and what follows it
                    grids[-1][1].append([None])
                    after_table = False
                grids[-1][1].append([text])
            else:
                title.append([text])
    return ([(TITLE_SHEET, title)] if title else []) + grids


def _table_rows(table, qn) -> list[list[object]]:
    """A table's cells as text, a merged cell once at its first column (`gridSpan`), rows
    of unequal length kept as they are."""
    rows = []
    for tr in table.iterchildren(qn("w:tr")):
        row: list[object] = []
        for tc in tr.iterchildren(qn("w:tc")):
            span = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
            width = int(span.get(qn("w:val"), "1")) if span is not None else 1
            # A cell continuing a vertical merge repeats nothing: it is blank, as in Excel.
            merge = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
            continued = merge is not None and merge.get(qn("w:val")) in (None, "continue")
            text = "" if continued else "\n".join(
                t for p in tc.iterchildren(qn("w:p")) if (t := _text(p, qn)))
            row.append(text or None)
            row.extend([None] * (max(1, min(width, 64)) - 1))
        rows.append(row)
    return rows


def _text(paragraph, qn) -> str:
    """A paragraph's text: its runs, tabs as spaces, line breaks kept."""
    parts = []
    for node in paragraph.iter(qn("w:t"), qn("w:tab"), qn("w:br")):
        if node.tag == qn("w:t"):
            parts.append(node.text or "")
        elif node.tag == qn("w:tab"):
            parts.append(" ")
        else:
            parts.append("\n")
    return "".join(parts).strip()
