"""Lift the raw cells of a report workbook out of the tables `layout` finds.

Every non-empty row ends up somewhere: in a table's records, in the quality log, or among
the texts outside the tables that `title` reads for the unit, period and date. Values stay
raw here; `interpret` parses them once the unit, and so the meaning of each cell, is known.
"""

from __future__ import annotations

import datetime as dt
from functools import cache, lru_cache

from lib03 import vocab
from lib03.config import Matching
from lib03.ingest.layout import ROW_KEYS, Table, find_header_row, is_column_number_row
from lib03.ingest.parse import is_blank, is_date_text, parse_count, parse_mark, parse_month
from lib03.ingest.raw_report import RawCell, RawReport, TitleText
from lib03.ingest.read import Book, Grid, cell_address
from lib03.ingest.title import find_title_facts
from lib03.ingest.wide import WideMonthly, find_wide_monthly
from lib03.periods import parse_period
from lib03.quality import Problem
from lib03.text import cached_for_text, cell_text, fold_key

# Text that is a figure although it gives no count: a percentage, or digits split by spaces
# that are not thousands groups ("12 34").
_FIGURE_PROBLEMS = frozenset({"value_percent", "value_spacing_ambiguous"})


@lru_cache(maxsize=65536)
def _is_signature(text: str) -> bool:
    # Cached: a pure function of the text; labels and signature lines recur in every file.
    key = fold_key(text)
    return vocab.starts_with_word(key, "signature")


@cached_for_text  # "x", "-", "Có" fill the cells of every file
def _is_data_value(value: object) -> bool:
    """A number, a count written as text, or a mark: what a data row holds (not a name)."""
    if is_blank(value):
        return False
    if isinstance(value, (int, float, dt.date)):
        return True
    if _is_signature(cell_text(value)):
        return False
    # A cell that is nothing but a date or a month ("20/6/2014", "ngày 20 tháng 6, năm 2014",
    # "tháng 6/2014") is a value, unlike a sentence holding one ("Phước Hòa, ngày 25 tháng 6
    # năm 2014" is a signature line). So are digits spaced too loosely to be read ("12 34"):
    # a figure typed, which must reach the log rather than pass for a note.
    count = parse_count(value)
    return (count.value is not None or count.problem == "value_spacing_ambiguous"
            or parse_mark(value).value is not None or is_date_text(cell_text(value)))


@lru_cache(maxsize=65536)  # a pure function of the text, asked of every row's label
def _is_total(text: str) -> bool:
    """"Cộng", "Tổng cộng 6 tháng đầu năm" — but not "Công an xã" or "Tổng đội …": after
    the total word only the words of the total_tail list (and numbers) may follow.

    >>> _is_total("Tổng cộng 6 tháng đầu năm"), _is_total("Công an xã"), _is_total("Lũy kế")
    (True, False, True)
    """
    key = fold_key(text)
    for word in vocab.words("total"):
        if key == word or key.startswith(word + " "):
            tail = key[len(word):].split()
            return all(w.isdigit() or w in vocab.words("total_tail") for w in tail)
    return False


def extract_report(book: Book, period: str | None = None,
                   matching: Matching = Matching()) -> RawReport:  # noqa: B008 (frozen)
    """Lift every recognised table and the title texts out of a workbook.

    Hidden sheets hold lookup lists or last period's copy: they are read only when the
    visible sheets hold no summary table, and are otherwise listed in the log.
    """
    report = RawReport()
    visible = [g for g in book.sheets if not g.hidden]
    found = {g.name: _find_tables(g, period) for g in visible}
    # A workbook with a monthly table laid out as the template asks needs no look for one
    # laid out wide (a look at every cell of every sheet, a tenth of the cleaning time).
    wide = not any(t.kind == "monthly" for tables in found.values() for t in tables)
    for grid in _sheets_of_period(visible, found, period, report):
        _extract_sheet(grid, found[grid.name], report, period, matching, look_wide=wide)
    hidden = [g for g in book.sheets if g.hidden]
    if not any(t.kind == "summary" for t in report.tables):
        for grid in hidden:
            _extract_sheet(grid, _find_tables(grid, period), report, period, matching)
    else:
        report.problems += [Problem("sheet_hidden", g.name, detail=g.name) for g in hidden
                            if any(not is_blank(v) for row in g.rows for v in row)]
    find_title_facts(report, period)
    return report


def _find_tables(grid: Grid, period: str | None) -> list[Table]:
    tables: list[Table] = []
    r = 0
    while (table := find_header_row(grid, r, period)) is not None:
        tables.append(table)
        r = table.header_row + 1
    return tables


def _sheets_of_period(grids: list[Grid], found: dict[str, list[Table]], period: str | None,
                      report: RawReport) -> list[Grid]:
    """The sheets to read when a workbook holds reports of several periods (last period's
    report copied and left in the file): those whose title states the folder's period, and
    those that state none. The others are set aside with an info line, and only when a sheet
    of the folder's period exists: otherwise the file is another period's (`period_mismatch`).
    """
    reports = [g for g in grids if any(t.kind == "summary" for t in found[g.name])]
    if not period or len(reports) < 2:
        return grids  # one report in the workbook: nothing to choose between
    stated = {g.name: _stated_period(g, found[g.name]) for g in grids}
    if period not in stated.values():
        return grids
    stale = [g for g in grids if stated[g.name] not in (None, period)]
    report.problems += [Problem("sheet_other_period", g.name,
                                detail=f"«{g.name}» ghi kỳ {stated[g.name]}") for g in stale]
    return [g for g in grids if g not in stale]


def _stated_period(grid: Grid, tables: list[Table]) -> str | None:
    """The period a sheet's title block states (the rows above its first table); a sheet
    with no table states none."""
    if not tables:
        return None
    for row in grid.rows[:tables[0].top]:
        for value in row:
            if isinstance(value, str) and (stated := parse_period(value)):
                return stated
    return None


def _extract_sheet(grid: Grid, tables: list[Table], report: RawReport, period: str | None,
                   matching: Matching, *, look_wide: bool = True) -> None:
    used: set[int] = set()
    wide = find_wide_monthly(grid, is_total=_is_total) if look_wide and not any(
        t.kind == "monthly" for t in tables) else None
    if wide:  # months across the columns: nothing found inside it is another table
        tables = [t for t in tables if not wide.header_row <= t.top < wide.end]
    for i, table in enumerate(tables):
        end = tables[i + 1].top if i + 1 < len(tables) else len(grid.rows)
        if wide and table.header_row < wide.header_row:
            end = min(end, wide.header_row)
        used.update(range(table.top, table.header_row + 1))
        _read_rows(grid, table, end, report, used, matching)
        report.problems += _unread_columns(grid, table)
        report.tables.append(table)
        if table.rival_values:
            chosen = cell_address(table.header_row, table.columns["value"])
            report.problems.append(Problem(
                "value_column_ambiguous", grid.name, chosen,
                detail=f"dùng cột ở ô {chosen}; các cột khác: " + "; ".join(table.rival_values)))
    if wide:
        _read_wide(grid, wide, report, used)
    first_table = min([t.top for t in tables] + ([wide.header_row] if wide else [])
                      + [len(grid.rows)])
    formulas = grid.formula_cells
    outside = []
    for r, row in enumerate(grid.rows):
        if r in used:
            continue
        if formulas:
            report.problems += [Problem("formula_no_value", grid.name, cell_address(r, c))
                                for c in range(len(row)) if (r, c) in formulas]
        filled = _filled_cells(row)
        for c, v in filled:
            report.outside[(grid.name, r, c)] = v
            if isinstance(v, str):
                for line in v.splitlines():
                    if line.strip():
                        report.texts.append(TitleText(grid.name, cell_text(line), r, c,
                                                      r < first_table))
        if filled:
            outside.append(r)
    stray = [cell_address(r, c) for r in outside for c, v in enumerate(grid.rows[r])
             if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if tables and stray:  # numbers typed beside the tables, not in them
        report.problems.append(Problem("numbers_outside_table", grid.name, stray[0],
                                       detail=", ".join(stray[:10]) + (" …" if len(stray) > 10
                                                                      else "")))
    if outside and not tables and _has_numbers(grid, outside):
        report.problems.append(Problem("sheet_unrecognised", grid.name, ""))
    elif outside:
        report.problems.append(
            Problem("rows_outside_table", grid.name, "", detail=_ranges(outside))
        )


def _read_wide(grid: Grid, wide: WideMonthly, report: RawReport, used: set[int]) -> None:
    """A wide monthly table's records, one per month with any figure in it."""
    used.update(range(wide.header_row, wide.end))
    for record in wide.records(grid):
        if any(c.formula or _is_data_value(c.value) for k, c in record.items() if k != "month"):
            report.monthly.append(record)
    first = wide.months[0][0]
    report.tables.append(Table("monthly", grid.name, wide.header_row,
                               {"month": first} | {k: first for k in wide.contents},
                               top=wide.header_row, rows=sorted(wide.contents.values())))
    report.problems += [Problem("total_column_skipped", grid.name,
                                cell_address(wide.header_row, c),
                                raw=grid.value(wide.header_row, c)) for c in wide.totals]


def _filled_cells(row: list[object]) -> list[tuple[int, object]]:
    """(column, value) of the cells that are not is_blank (inlined: asked of every cell)."""
    return [(c, v) for c, v in enumerate(row)
            if v is not None and (not isinstance(v, str) or v.strip())]


def _is_blank_row(row: list[object]) -> bool:
    """Every cell is_blank (inlined: this is asked of every row of every table)."""
    return not any(v is not None and (not isinstance(v, str) or v.strip()) for v in row)


def _has_numbers(grid: Grid, rows: list[int]) -> bool:
    return any(
        isinstance(v, (int, float)) and not isinstance(v, bool) for r in rows for v in grid.rows[r]
    )


def _ranges(rows: list[int]) -> str:
    spans, start, prev = [], rows[0], rows[0]
    for r in rows[1:] + [None]:
        if r is not None and r == prev + 1:
            prev = r
            continue
        spans.append(f"hàng {start + 1}" if start == prev else f"hàng {start + 1}–{prev + 1}")
        if r is not None:
            start = prev = r
    return ", ".join(spans)


def _cell(grid: Grid, r: int, c: int | None) -> RawCell | None:
    if c is None:
        return None
    return RawCell(grid.value(r, c), grid.name, r, c, (r, c) in grid.formula_cells)


def _row_cells(grid: Grid, r: int, cols: dict[str, int],
               keys: tuple[str, ...]) -> dict[str, RawCell]:
    """The cells of row r under each of `keys` the table has a column for, in that order."""
    row = grid.value_row(r)
    return {k: RawCell(row[c] if c < len(row) else None, grid.name, r, c,
                       (r, c) in grid.formula_cells)
            for k in keys if (c := cols.get(k)) is not None}


def _is_number(value: object) -> bool:
    """A figure: a number, or text that reads as a count ("25 đ/c"); not a mark or a date."""
    if isinstance(value, (bool, dt.date)):
        return False
    if isinstance(value, (int, float)):
        return True
    parsed = parse_count(value) if isinstance(value, str) else None
    return bool(parsed) and (parsed.value is not None or parsed.problem in _FIGURE_PROBLEMS)


def _is_numbering(values: list[object]) -> bool:
    """1, 2, 3 … down a column: row numbers, not figures."""
    nums = [parse_count(v).value for v in values]
    return len(nums) > 1 and nums == list(range(1, len(nums) + 1))


@cache
def _skipped_columns(kind: str) -> frozenset[str]:
    # The columns.csv terms of kind "ignore"; the table never changes while lib03 runs.
    return frozenset(t.id for t in vocab.columns(kind) if t.kind == "ignore")


def _unread_columns(grid: Grid, table: Table) -> list[Problem]:
    """A column of the table that no role reads yet holds numbers ("Trong đó: nữ", a column
    with no header): said once per column, so no typed figure goes unmentioned. Columns the
    template knows to skip (Tỷ lệ %, Kế hoạch, ĐVT) are derived or other periods' figures."""
    known = set(table.columns.values())
    skipped = _skipped_columns(table.kind)
    width = max((len(grid.value_row(r)) for r in table.rows), default=0)
    found = []
    for c in range(width):
        header = table.header_texts[c] if c < len(table.header_texts) else ""
        if c in known or vocab.match_column(table.kind, header) in skipped:
            continue
        numbers = [r for r in table.rows if _is_number(grid.value(r, c))]
        if numbers and not _is_numbering([grid.value(r, c) for r in numbers]):
            header = header or "không có tiêu đề"
            # A column the sender hid is a helper, not a figure left out: said, not warned.
            code = "column_hidden" if c in grid.hidden_cols else "column_unread"
            found.append(Problem(code, grid.name, cell_address(numbers[0], c),
                                 detail=f"«{header}», cột {cell_address(0, c)[:-1]}"))
    return found


def _read_rows(grid: Grid, table: Table, end: int, report: RawReport, used: set[int],
               matching: Matching) -> None:
    cols = table.columns
    if table.kind == "summary" and "value" not in cols:
        return
    after_gap = False  # past a blank row, a row with no data is a note, not a record
    for r in range(table.header_row + 1, end):
        row = grid.rows[r]
        if _is_blank_row(row):
            after_gap = bool(table.rows)
            continue
        if r <= table.header_row + 2 and not table.rows and is_column_number_row(row):
            used.add(r)
            continue
        if "stt" in cols and all(c == cols["stt"] for c, _ in _filled_cells(row)):
            used.add(r)  # a numbered row left empty: nothing to read, nothing lost
            continue
        if table.kind == "summary":
            taken = _summary_row(grid, table, r, report, matching)
        else:
            taken = _record_row(grid, table, r, report, after_gap)
        if taken:
            used.add(r)
            table.rows.append(r)
        elif taken is None:
            used.add(r)


def _summary_row(grid: Grid, table: Table, r: int, report: RawReport,
                 matching: Matching) -> bool | None:
    cols = table.columns
    label = cell_text(grid.value(r, cols["label"]))
    value = _cell(grid, r, cols["value"])
    has_value = value.formula or _is_data_value(value.value)
    if not label or _is_signature(label):
        if has_value:
            report.problems.append(Problem("row_unrecognised", grid.name, value.address,
                                           raw=value.value))
            return None
        return False
    if _is_total(label):  # "Cộng" under a summary: derived, not an indicator
        report.problems.append(Problem("total_row_skipped", grid.name,
                                       cell_address(r, cols["label"]), raw=label))
        return None
    match = vocab.match_indicator(label, matching)
    if match.id is None:
        if has_value:
            code = "label_ambiguous" if match.how == "ambiguous" else "label_unmatched"
            report.problems.append(Problem(code, grid.name, cell_address(r, cols["label"]),
                                           raw=label, detail="; ".join(match.candidates)))
            return None
        return False  # a heading or a note: reported with the text outside tables
    if match.how == "fuzzy":
        report.problems.append(Problem("label_fuzzy_match", grid.name,
                                       cell_address(r, cols["label"]), raw=label,
                                       detail=f"«{label}» → {match.candidates[0]}"))
    if first := next((cell for ind, cell in report.summary if ind == match.id), None):
        label_text = vocab.indicator_labels()[match.id]
        # Said at the kept value too: a slip that made an earlier row read as this indicator
        # is then flagged where its (maybe wrong) value stands, not only at the real row.
        if not any(p.code == "indicator_duplicate" and (p.sheet, p.cell) ==
                   (first.sheet, first.address) for p in report.problems):
            report.problems.append(Problem("indicator_duplicate", first.sheet, first.address,
                                           raw=first.value, detail=label_text))
        report.problems.append(Problem("indicator_duplicate", grid.name, value.address,
                                       raw=value.value, detail=label_text))
        return None
    report.summary.append((match.id, value))
    if not has_value:
        elsewhere = [c for c, v in enumerate(grid.value_row(r))
                     if c not in (cols["label"], cols["value"], cols.get("stt")) and _is_number(v)]
        if elsewhere:
            header = cell_text(grid.value(table.header_row, elsewhere[0])) or "không có tiêu đề"
            report.problems.append(Problem(
                "value_elsewhere", grid.name, cell_address(r, elsewhere[0]),
                raw=grid.value(r, elsewhere[0]),
                detail=f"{vocab.indicator_labels()[match.id]}; số nằm ở cột «{header}»"))
    return True


def _record_row(grid: Grid, table: Table, r: int, report: RawReport,
                after_gap: bool) -> bool | None:
    key_col = "month" if table.kind == "monthly" else "cell_name"
    key_raw = grid.value(r, table.columns[key_col])
    cells = _row_cells(grid, r, table.columns, ROW_KEYS[table.kind])
    data_present = any(
        c.formula or _is_data_value(c.value) for k, c in cells.items() if k != key_col
    )
    key_text = cell_text(key_raw) if isinstance(key_raw, str) else ""
    if not key_text:  # "Tổng cộng" may stand in the STT column, left of the key column
        key_text = next((cell_text(v) for v in grid.value_row(r)[:table.columns[key_col]]
                         if isinstance(v, str) and v.strip()), "")
    if key_text and _is_total(key_text) and (
        table.kind == "inspection" or parse_month(key_raw).value is None
    ):
        report.problems.append(Problem("total_row_skipped", grid.name,
                                       cell_address(r, table.columns[key_col]), raw=key_text))
        return None
    if is_blank(key_raw) or _is_signature(key_text):
        if data_present:
            first = min(c.col for k, c in cells.items() if k != key_col
                        and (c.formula or not is_blank(c.value)))
            report.problems.append(Problem("row_unrecognised", grid.name, cell_address(r, first),
                                           raw=_row_text(grid, r)))
            return None
        return False
    if not data_present and (after_gap or table.kind == "monthly"
                             and parse_month(key_raw).value is None):
        return False  # a note or a signature line under the table
    target = report.monthly if table.kind == "monthly" else report.inspections
    target.append(cells)
    return True


def _row_text(grid: Grid, r: int) -> str:
    return " | ".join(str(v) for v in grid.rows[r] if not is_blank(v))[:200]


