"""Read a returned lib03 template by its known layout.

A template carries its identity and the address of every input in the hidden sheet
`_lib03`. When every sheet still has exactly the shape it was sent with, the figures are
read from those cells and the unit from the identity — no guessing. Any reshaping (a column
inserted, rows appended, a sheet added or renamed) sends the file to the general path.
"""

from __future__ import annotations

from lib03 import vocab
from lib03.ingest.layout import ROW_KEYS, Table
from lib03.ingest.parse import is_blank, parse_date, parse_month
from lib03.ingest.raw_report import RawCell, RawReport, TitleText
from lib03.ingest.read import Book, cell_address, parse_address
from lib03.ingest.title import find_title_facts
from lib03.quality import Problem
from lib03.text import cell_text, fold_key

# The template's layout, written by template.py and read back here. It lives on this side so
# that cleaning never imports openpyxl, which only writing templates needs.
TEMPLATE_VERSION = "1"
ID_SHEET = "_lib03"
SUMMARY, MONTHLY, INSPECTION, GUIDE = "Tổng hợp", "Sinh hoạt chi bộ", "Kiểm tra, giám sát", \
    "Hướng dẫn"
HEADER_ROW = 10  # the summary table's header row (Excel numbering)


def template_identity(book: Book) -> dict[str, str] | None:
    """The key/value pairs of a template's hidden identity sheet, or None for other files."""
    grid = next((g for g in book.sheets if g.name == ID_SHEET), None)
    if grid is None:
        return None
    entries = {cell_text(row[0]): cell_text(row[1]) for row in grid.rows if len(row) > 1
               and cell_text(row[0])}
    if entries.get("template") != "lib03" or not entries.get("unit_code"):
        return None
    return entries


def _split(ref: str) -> tuple[str, int, int, int]:
    """'Tổng hợp!B11:C11' → (sheet, row, first col, last col), zero-based."""
    sheet, _, cells = ref.rpartition("!")
    first, _, last = cells.partition(":")
    r, c0 = parse_address(first)
    _, c1 = parse_address(last or first)
    return sheet, r, c0, c1


def read_known_layout(book: Book, identity: dict[str, str]) -> RawReport | None:
    """Read a template by the addresses its identity sheet records, after checking that
    every label still stands where it was written; None when the unit moved anything
    (renamed a sheet, inserted rows), so the general path reads it instead."""
    grids = {g.name: g for g in book.sheets}
    labels = vocab.indicator_labels()
    report = RawReport(stated_period=identity.get("period"), from_template=True)
    kinds = set()
    if not _shape_unchanged(book, identity):
        return None
    for key, ref in identity.items():
        kind, _, name = key.partition(":")
        if kind not in ("indicator", "month", "cell"):
            continue
        sheet, r, c0, c1 = _split(ref)
        grid = grids.get(sheet)
        if grid is None:
            return None
        if kind == "indicator":
            if fold_key(grid.value(r, c0)) != fold_key(labels.get(name, "?")):
                return None
            report.summary.append((name, _raw(grid, r, c1)))
            kinds.add("summary")
        elif kind == "month":
            if parse_month(grid.value(r, c0)).value != int(name):
                return None
            report.monthly.append(
                {k: _raw(grid, r, c0 + i) for i, k in enumerate(ROW_KEYS["monthly"])})
            kinds.add("monthly")
        else:
            kinds.add("inspection")
            if is_blank(grid.value(r, c0)):
                typed = [grid.value(r, c) for c in range(c0 + 1, c1 + 1)]
                if any(not is_blank(v) for v in typed):  # figures with no cell named
                    report.problems.append(Problem("row_unrecognised", sheet,
                                                   cell_address(r, c0 + 1), raw=" | ".join(
                                                       str(v) for v in typed if not is_blank(v))))
                continue  # a spare row left empty
            report.inspections.append(
                {k: _raw(grid, r, c0 + i) for i, k in enumerate(ROW_KEYS["inspection"])})
    if not _headers_in_place(grids, identity):
        return None
    report.tables = [Table(kind, "", 0, {k: i for i, k in enumerate(ROW_KEYS.get(kind, ()))})
                     for kind in sorted(kinds)]
    # The title block, so the unit named there can be compared with the template's identity.
    title = grids[SUMMARY]
    report.texts = [TitleText(SUMMARY, cell_text(v), r, c, True)
                    for r, row in enumerate(title.rows[:HEADER_ROW - 1]) for c, v in enumerate(row)
                    if cell_text(v)]
    sheet, r, c0, _ = _split(identity["report_date"])
    typed = grids[sheet].value(r, c0)
    parsed = parse_date(typed, year_hint=int(identity["period"][:4]))
    if parsed.value:
        report.report_date, report.report_date_cell = parsed.value, (sheet, cell_address(r, c0))
    elif parsed.problem:
        report.problems.append(Problem("report_date_unparseable", sheet, cell_address(r, c0),
                                       raw=typed))
    else:
        find_title_facts(report, identity.get("period"))  # a date typed elsewhere counts
        report.stated_period = identity.get("period")
    return report


def _shape_unchanged(book: Book, identity: dict[str, str]) -> bool:
    """Every sheet the template wrote is there with the same extent and the same written
    cells, and no other visible sheet holds anything: only then is the known layout safe
    (a column inserted, rows appended under a table or a sheet added all fail here)."""
    grids = {g.name: g for g in book.sheets}
    sheets = [k.partition(":")[2] for k in identity if k.startswith("extent:")]
    if not sheets:
        return False  # an identity without a fingerprint: read by the general path
    for name in sheets:
        grid = grids.get(name)
        if grid is None:
            return False
        last_r, last_c = parse_address(identity[f"extent:{name}"])
        inputs = {parse_address(a) for a in identity.get(f"inputs:{name}", "").split(",") if a}
        written = 0
        for r, row in enumerate(grid.rows):
            for c, value in enumerate(row):
                if is_blank(value):
                    continue
                if r > last_r or c > last_c:
                    return False
                written += (r, c) not in inputs
        if str(written) != identity.get(f"written:{name}"):
            return False
    return not any(
        g.name not in sheets and g.name != ID_SHEET and not g.hidden
        and any(not is_blank(v) for row in g.rows for v in row)
        for g in book.sheets
    )


def _headers_in_place(grids: dict, identity: dict[str, str]) -> bool:
    # The first data row of each table sits right under its header row, as written.
    checks = [(SUMMARY, 9, 2, "summary", "value"), (MONTHLY, 2, 0, "monthly", "month")]
    if any(k.startswith("cell:") for k in identity):
        checks.append((INSPECTION, 2, 1, "inspection", "cell_name"))
    return all(
        name in grids and vocab.match_column(kind, grids[name].value(r, c)) == column
        for name, r, c, kind, column in checks
    )


def _raw(grid, r: int, c: int) -> RawCell:
    return RawCell(grid.value(r, c), grid.name, r, c, (r, c) in grid.formula_cells)
