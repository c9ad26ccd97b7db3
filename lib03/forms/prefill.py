"""A unit's template pre-filled with what lib03 read from its report, the cells to fix
marked, sent back with the letter (docs/van_ban.md): the unit corrects a few cells
instead of retyping its report.

Values go only into the template's input cells, so a returned file still matches its known
layout and cleans with no guessing. A cell is marked to fix when lib03 read nothing there
(blank, unreadable, missing indicator or month, no report date) or when a warning of the
unit's file points at the cell the value came from. A subordinate cell whose name matched no
registry cell is written in a blank row, its name marked, so the unit can correct it.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter, range_boundaries

from lib03.forms.template import YES_NO, build_template, template_file_name
from lib03.ingest.known_layout import ID_SHEET
from lib03.sheetwrite import save_workbook

TO_FIX = PatternFill("solid", fgColor="F4B183")  # orange: the letter names the colour
_YES, _NO = YES_NO


def layout_of(wb: openpyxl.Workbook) -> dict[str, str]:
    """The template's own map of its input cells (key → "Sheet!A1:B2")."""
    ws = wb[ID_SHEET]
    return {str(k): str(v) for k, v in ws.iter_rows(min_col=1, max_col=2, values_only=True) if k}


def _cells(ref: str) -> tuple[str, list[str]]:
    """("Sheet", ["B12", "C12", …]) of a one-row range "Sheet!B12:C12"."""
    sheet, _, span = ref.rpartition("!")
    first_col, row, last_col, _ = range_boundaries(span)
    return sheet, [f"{get_column_letter(c)}{row}" for c in range(first_col, last_col + 1)]


def _missing(value: object) -> bool:
    """Nothing read: None, NaN, pd.NA or empty text.

    >>> [_missing(v) for v in (None, float("nan"), pd.NA, "", 0, "x")]
    [True, True, True, True, False, False]
    """
    if isinstance(value, str):
        return value == ""
    return value is None or bool(pd.isna(value))


def _mark(value: object) -> str | None:
    return None if _missing(value) else (_YES if float(value) else _NO)


def prefill(wb: openpyxl.Workbook, tables: dict[str, pd.DataFrame], period: str,
            unit: dict, children: list[dict]) -> int:
    """Write what was read for `unit` into its template `wb`; returns the cells marked."""
    layout = layout_of(wb)
    code = unit["unit_code"]
    dang_bo = unit["unit_type"] == "dang_bo_co_so"
    of_unit = {name: t[(t["period"] == period) & (t["unit_code"] == code)]
               for name, t in tables.items() if name in ("indicators", "monthly", "inspections")}
    subs = tables["submissions"]
    used = subs[(subs["period"] == period) & (subs["unit_code"] == code)
                & (subs["status"] == "ok")].tail(1)
    log = tables["quality_log"]
    flagged = set()
    if len(used):
        mine = log[(log["source_file"] == used["source_file"].iloc[0])
                   & log["severity"].isin(["warning", "error"]) & (log["cell"] != "")]
        flagged = {f"{s}!{c}" for s, c in zip(mine["sheet"], mine["cell"], strict=True)}
    fix: list[tuple[str, str]] = []

    def put(sheet: str, ref: str, value: object, bad: bool) -> None:
        if not _missing(value):
            wb[sheet][ref] = value
        if bad or _missing(value):
            fix.append((sheet, ref))

    def warned(source: str) -> bool:
        place = source.partition("!")[2]
        first = place.partition(":")[0]
        return place in flagged or first in flagged

    sheet, (ref,) = _cells(layout["report_date"])
    day = used["report_date"].iloc[0] if len(used) else None
    put(sheet, ref, None if _missing(day) else pd.Timestamp(day).date(), False)
    values = of_unit["indicators"].set_index("indicator")
    for key, where in layout.items():
        if not key.startswith("indicator:"):
            continue
        indicator = key.split(":", 1)[1]
        sheet, cells = _cells(where)
        row = values.loc[indicator] if indicator in values.index else None
        value = None if row is None else row["value"]
        if indicator == "bo_phan_03":
            value = _mark(value)
        elif not _missing(value):
            value = int(value) if float(value).is_integer() else value
        put(sheet, cells[-1], value, row is not None and warned(row["source"]))
    months = of_unit["monthly"].set_index("month")
    for key, where in layout.items():
        if not key.startswith("month:"):
            continue
        month = int(key.split(":", 1)[1])
        sheet, cells = _cells(where)
        row = months.loc[month] if month in months.index else None
        for ref, column in zip(cells[1:], ("cells_met", "content_hcm", "content_thrift",
                                           "review"), strict=True):
            value = None if row is None else row[column]
            if not _missing(value):
                value = int(value) if dang_bo else _mark(value)
            put(sheet, ref, value, row is not None and warned(row["source"]))
    if dang_bo:
        _prefill_inspections(wb, layout, of_unit["inspections"], children, put, warned)
    for sheet, ref in fix:
        wb[sheet][ref].fill = TO_FIX
    return len(fix)


def _prefill_inspections(wb, layout, rows: pd.DataFrame, children: list[dict], put,
                         warned) -> None:
    """Each inspection row into the line of its registry cell (the template lists the
    children in order); an unmatched name into a blank line, its name marked to fix."""
    slots = [_cells(w) for _, w in sorted((int(k.split(":", 1)[1]), v)
                                          for k, v in layout.items() if k.startswith("cell:"))]
    line_of = {c["unit_code"]: slots[i] for i, c in enumerate(children)}
    spare = slots[len(children):]
    for _, r in rows.iterrows():
        target = None if _missing(r["cell_code"]) else line_of.get(r["cell_code"])
        if target is None:
            if not spare:
                continue  # more unmatched names than blank lines: the letter lists them
            target = spare.pop(0)
            put(target[0], target[1][0], r["cell_name_raw"], True)
        sheet, cells = target
        bad = warned(r["source"])
        for ref, column in ((cells[1], "inspected"), (cells[2], "supervised")):
            if r[column] == 1:
                put(sheet, ref, _YES, bad)
        if not _missing(r["date"]):
            put(sheet, cells[3], pd.Timestamp(r["date"]).date(), bad)
        for ref, column in ((cells[4], "findings"), (cells[5], "resolved")):
            if not _missing(r[column]):
                put(sheet, ref, int(r[column]), bad)


def write_prefilled(tables: dict[str, pd.DataFrame], period: str, unit_codes: list[str],
                    out_dir: Path, district: str = "huyện") -> list[Path]:
    """One pre-filled template per unit of `unit_codes` (registry units); returns the paths."""
    units = tables["units"]
    records = sorted(units.to_dict("records"), key=lambda r: r["unit_code"])
    by_code = {r["unit_code"]: r for r in records}
    written = []
    for code in unit_codes:
        unit = by_code.get(code)
        if unit is None:
            continue
        children = [c for c in records if c["parent_code"] == code
                    and c["unit_type"] == "chi_bo_truc_thuoc" and c["active"]]
        wb = build_template(unit, children, period, district)
        prefill(wb, tables, period, unit, children)
        path = Path(out_dir) / template_file_name(code, unit["unit_name"], period)
        save_workbook(wb, path)
        written.append(path)
    return written
