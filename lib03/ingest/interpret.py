"""Parse a report's raw cells by what they mean for this unit, and check the rules table.

Values that break a rule are kept as read; the rule only adds a line to the quality log.
Rules live in domain/rules.csv (left, operator, right, severity, message) so a new check is
one line there, as DHIS2 keeps its validation rules.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from lib03 import vocab
from lib03.config import Matching
from lib03.ingest.layout import ROW_KEYS
from lib03.ingest.match import match_cells
from lib03.ingest.parse import (
    Parsed,
    is_blank,
    parse_count,
    parse_date,
    parse_mark,
    parse_month,
    parse_yesno,
)
from lib03.ingest.raw_report import RawCell, RawReport
from lib03.periods import period_bounds, period_months
from lib03.quality import Problem
from lib03.rules import check_rules
from lib03.text import clean_text


@dataclass
class ParsedReport:
    indicators: list[dict] = field(default_factory=list)
    monthly: list[dict] = field(default_factory=list)
    inspections: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    empty: bool = False  # not one figure in the summary: a blank form, not a report


def _value(cell: RawCell, parsed: Parsed, problems: list[Problem]) -> object:
    if cell.formula and is_blank(cell.value):
        problems.append(Problem("formula_no_value", cell.sheet, cell.address))
    elif parsed.problem:
        problems.append(Problem(parsed.problem, cell.sheet, cell.address, raw=cell.value))
    value = parsed.value
    return int(value) if isinstance(value, bool) else value


def _year_of(value: object) -> int | None:
    """The year a month cell states, if any ("07/2013", a real date); None otherwise.

    >>> _year_of("07/2013"), _year_of("Tháng 7"), _year_of(dt.date(2014, 7, 1))
    (2013, None, 2014)
    """
    if isinstance(value, dt.date):
        return value.year
    found = re.findall(r"(?<!\d)(?:19|20)\d\d(?!\d)", str(value))
    return int(found[0]) if len(found) == 1 else None


def _read_mark(cell: RawCell, year: int, key: str, row: dict,
               mark_dates: list[tuple[dt.date, RawCell]], problems: list[Problem]) -> Parsed:
    """A Kiểm tra / Giám sát cell. Besides a tick, units write the inspection's date there
    ("12/3/2014": done, and that is its date) or how many there were ("2 cuộc": done, and
    the count is kept in `<key>_count`); each reading is said at info level."""
    parsed = parse_mark(cell.value)
    if parsed.problem != "mark_unparseable":
        return parsed
    value = cell.value
    as_date = None if isinstance(value, (int, float)) else parse_date(value, year_hint=year)
    if as_date is not None and as_date.value is not None:
        mark_dates.append((as_date.value, cell))
        problems.append(Problem("mark_as_date", cell.sheet, cell.address, raw=value,
                                detail=as_date.value.strftime("%d/%m/%Y")))
        return Parsed(True)
    as_count = parse_count(value)
    if as_count.problem is None and isinstance(as_count.value, int) and as_count.value >= 1:
        row[f"{key}_count"] = as_count.value
        problems.append(Problem("mark_as_count", cell.sheet, cell.address, raw=value,
                                detail=str(as_count.value)))
        return Parsed(True)
    return parsed


def _span(cells: dict[str, RawCell], keys: tuple[str, ...]) -> str:
    present = [cells[k] for k in keys if k in cells]
    # A record lies along a row, or down a column when the table is laid out wide.
    first = min(present, key=lambda c: (c.row, c.col))
    last = max(present, key=lambda c: (c.row, c.col))
    return f"{first.sheet}!{first.address}:{last.address}"


def _missing_columns(raw: RawReport, kind: str) -> list[Problem]:
    """One line per table that lacks some of its columns (they become blanks, not zeros)."""
    labels = {t.id: t.label for t in vocab.columns(kind)}
    found = []
    for table in raw.tables:
        if table.kind == kind:
            missing = [labels[k] for k in ROW_KEYS[kind] if k not in table.columns]
            if missing:
                found.append(Problem("column_missing", table.sheet, detail="; ".join(missing)))
    return found


def interpret_report(raw: RawReport, unit: Mapping, period: str, children: list[Mapping],
                     source_file: str,
                     matching: Matching = Matching()) -> ParsedReport:  # noqa: B008 (frozen)
    """Turn the raw cells of one report into table rows by what they mean for this unit,
    checking every rule on the way; `matching` decides how close a typed cell name must be."""
    out = ParsedReport()
    is_dang_bo = unit["unit_type"] == "dang_bo_co_so"
    values: dict[str, object] = {}
    cells: dict[str, str] = {}
    blank = []
    scopes = {t.id: t.scope for t in vocab.indicators()}
    for indicator, cell in raw.summary:
        if scopes[indicator] == "dang_bo" and not is_dang_bo:
            # A Chi bộ cơ sở has no cells to inspect: a figure read as one of those is a label
            # that means something else (or a slip), never this unit's inspections.
            out.problems.append(Problem("indicator_not_for_unit", cell.sheet, cell.address,
                                        raw=cell.value,
                                        detail=vocab.indicator_labels()[indicator]))
            continue
        yesno = vocab.indicator_kinds()[indicator] == "yesno"
        parsed = parse_yesno(cell.value) if yesno else parse_count(cell.value)
        value = _value(cell, parsed, out.problems)
        if is_blank(cell.value) and not cell.formula:
            blank.append(vocab.indicator_labels()[indicator])
        values[indicator] = value
        cells[indicator] = f"{cell.sheet}!{cell.address}"
        out.indicators.append({"indicator": indicator, "value": value,
                               "source": f"{source_file}!{cell.sheet}!{cell.address}"})
    expected = [t for t in vocab.indicators() if t.scope == "all" or is_dang_bo]
    missing = [t.label for t in expected if t.id not in values]
    if missing:
        out.problems.append(Problem("indicator_missing", detail="; ".join(missing)))
    if blank:  # asked and left empty: missing, not zero — and the analyst should know
        out.problems.append(Problem("indicator_blank", detail="; ".join(blank)))
    out.empty = not any(v is not None for v in values.values())
    values["registry.subcells"] = sum(c["active"] == 1 for c in children) if is_dang_bo else None
    if any(t.kind == "inspection" for t in raw.tables):
        values["sheet.inspection_rows"] = len(raw.inspections)
    out.problems += check_rules("indicators", values, cells)
    _parse_monthly(raw, period, is_dang_bo, values, source_file, out)
    if is_dang_bo and not any(t.kind == "inspection" for t in raw.tables):
        out.problems.append(Problem("inspection_missing"))
    _parse_inspections(raw, period, children, source_file, out, matching)
    out.problems += _missing_columns(raw, "monthly") + _missing_columns(raw, "inspection")
    out.indicators.sort(key=lambda r: vocab.indicator_ids().index(r["indicator"]))
    return out


def _parse_monthly(raw: RawReport, period: str, is_dang_bo: bool, totals: dict,
                   source_file: str, out: ParsedReport) -> None:
    if not any(t.kind == "monthly" for t in raw.tables):
        out.problems.append(Problem("monthly_missing"))
        return
    months_of_period = period_months(period)
    year = int(period[:4])
    seen: set[int] = set()
    for cells in raw.monthly:
        month_cell = cells["month"]
        month = parse_month(month_cell.value, year_hint=year).value
        if month is None:
            out.problems.append(Problem("month_unparseable", month_cell.sheet, month_cell.address,
                                        raw=month_cell.value))
            continue
        if month in seen:
            out.problems.append(Problem("month_duplicate", month_cell.sheet, month_cell.address,
                                        raw=month_cell.value, detail=str(month)))
            continue
        seen.add(month)
        stated_year = _year_of(month_cell.value)
        if month not in months_of_period or stated_year not in (None, year):
            out.problems.append(Problem("month_outside_period", month_cell.sheet,
                                        month_cell.address, raw=month_cell.value,
                                        detail=f"{month}/{stated_year}" if stated_year
                                        else str(month)))
        row = {"month": month}
        addresses = {}
        for key in ROW_KEYS["monthly"][1:]:
            cell = cells.get(key)
            if cell is None:
                row[key] = None
                continue
            parsed = parse_count(cell.value) if is_dang_bo else parse_mark(cell.value)
            row[key] = _value(cell, parsed, out.problems)
            addresses[key] = f"{cell.sheet}!{cell.address}"
        marks = [cells[k] for k in ROW_KEYS["monthly"][1:] if k in cells]
        if raw.from_template and not is_dang_bo and marks and all(
                is_blank(c.value) for c in marks):
            # Blank marks mean "no" (docs/du_lieu.md §3), but our template offers Có/Không in
            # every cell: a whole month left blank there is a form not filled in. Kept as no,
            # and said.
            out.problems.append(Problem("month_blank", month_cell.sheet, month_cell.address,
                                        raw=month_cell.value, detail=str(month)))
        row["source"] = f"{source_file}!{_span(cells, ROW_KEYS['monthly'])}"
        out.problems += check_rules("monthly", row | {
            "so_chi_bo_truc_thuoc": totals.get("so_chi_bo_truc_thuoc") if is_dang_bo else None
        }, addresses)
        out.monthly.append(row)
    absent = [m for m in months_of_period if m not in seen]
    if absent:
        out.problems.append(Problem("month_missing", detail=", ".join(f"tháng {m}"
                                                                         for m in absent)))
    out.monthly.sort(key=lambda r: r["month"])


def _parse_inspections(raw: RawReport, period: str, children: list[Mapping],
                       source_file: str, out: ParsedReport, matching: Matching) -> None:
    start, end = period_bounds(period)
    names = [clean_text(cells["cell_name"].value) for cells in raw.inspections]
    matches = match_cells(names, children, matching)
    seen: dict[str, str] = {}
    for cells, name, found in zip(raw.inspections, names, matches, strict=True):
        name_cell = cells["cell_name"]
        where = (name_cell.sheet, name_cell.address)
        if found.how == "none":
            out.problems.append(Problem("cell_unmatched", *where, raw=name, detail=found.detail))
        elif found.how == "ambiguous":
            out.problems.append(Problem("cell_ambiguous", *where, raw=name, detail=found.detail))
        elif found.how == "fuzzy":
            out.problems.append(Problem("cell_fuzzy_match", *where, raw=name,
                                        detail=found.detail))
        if found.code and found.code in seen:
            out.problems.append(Problem("cell_duplicate", *where, raw=name,
                                        detail=f"{found.code} (đã có ở ô {seen[found.code]})"))
        elif found.code:
            seen[found.code] = name_cell.address
        row: dict[str, object] = {"cell_code": found.code, "cell_name_raw": name}
        addresses = {}
        mark_dates: list[tuple[dt.date, RawCell]] = []
        for key in ("inspected", "supervised", "date", "findings", "resolved"):
            cell = cells.get(key)
            if cell is None:  # the column is missing: logged once per table, never a 0
                row[key] = None
                continue
            if key in ("inspected", "supervised"):
                parsed = _read_mark(cell, start.year, key, row, mark_dates, out.problems)
            elif key == "date":
                parsed = parse_date(cell.value, year_hint=start.year)
            else:
                parsed = parse_count(cell.value)
            row[key] = _value(cell, parsed, out.problems)
            addresses[key] = f"{cell.sheet}!{cell.address}"
        date_cell = cells.get("date")
        if row.get("date") is None and mark_dates:  # "12/3/2014" in the Kiểm tra column
            row["date"], date_cell = mark_dates[0]
            addresses["date"] = f"{date_cell.sheet}!{date_cell.address}"
        date = row["date"]
        if isinstance(date, dt.date) and not start <= date <= end:
            out.problems.append(Problem("date_outside_period", date_cell.sheet,
                                        date_cell.address, raw=date_cell.value))
        row["source"] = f"{source_file}!{_span(cells, ROW_KEYS['inspection'])}"
        out.problems += check_rules("inspections", row, addresses)
        out.inspections.append(row)
