"""Fill a lib03 template the way a unit would, with values known in advance.

Used by the template tests and by fixtures/templates/make_template_fixtures.py.
"""

from __future__ import annotations

import datetime as dt
import zlib
from pathlib import Path

import openpyxl

from lib03.forms.template import INSPECTION, MONTHLY, SUMMARY
from lib03.periods import period_months
from lib03.vocab import indicator_labels


def known_values(code: str, period: str, cells: list[str], is_dang_bo: bool) -> dict:
    """Plausible, internally consistent values derived from the unit code alone."""
    seed = zlib.crc32(code.encode())
    year, months = int(period[:4]), period_months(period)
    members, n_cells, found = 20 + seed % 200, len(cells), 2 + seed % 5
    ind = {
        "tong_dang_vien": members, "dv_dang_ky": members - seed % 5,
        "tong_tap_the": n_cells + 1, "tap_the_dang_ky": n_cells + 1,
        "dv_bao_cao": members - seed % 7, "buoi_quan_triet": 1 + seed % 4,
        "dv_hoc_chuyen_de": members - seed % 3, "guong_phat_hien": 1 + seed % 6,
        "guong_nhan_rong": seed % 2, "bo_phan_03": int(seed % 3 != 0),
    }
    if is_dang_bo:
        ind |= {"so_chi_bo_truc_thuoc": n_cells, "cuoc_kiem_tra": 1 + seed % 3,
                "cuoc_giam_sat": 1 + seed % 2, "kien_nghi": found,
                "kien_nghi_khac_phuc": found - seed % 2}
    monthly = []
    for i, month in enumerate(months):
        if is_dang_bo:
            met = max(n_cells - (seed + i) % 2, 0)
            row = (met, met, max(met - 1, 0), met)
        else:
            met = int((seed + i) % 5 != 0)
            row = (met, met, met, (seed + i) % 2 * met)
        monthly.append(dict(zip(("month", "cells_met", "content_hcm", "content_thrift",
                                 "review"), (month, *row), strict=True)))
    inspections = []
    for i, name in enumerate(cells):
        inspected, supervised = int(i % 2 == 0), int(i % 3 == 0)
        acted = inspected or supervised
        inspections.append({
            "cell_name_raw": name, "inspected": inspected, "supervised": supervised,
            "date": dt.date(year, months[i % 6], 10 + i % 15) if acted else None,
            "findings": 1 + i % 2 if acted else None,
            "resolved": i % 2 if acted else None,
        })
    return {"indicators": ind, "monthly": monthly, "inspections": inspections,
            "report_date": dt.date(year, months[-1], 15), "marks": not is_dang_bo}


def _yes_no(value: int) -> str:
    return "Có" if value else "Không"


def fill_template(path: Path, out: Path, values: dict) -> None:
    """Type `values` into the shaded cells of the template at `path`, save it as `out`."""
    wb = openpyxl.load_workbook(path)
    ws = wb[SUMMARY]
    ws["C8"] = values["report_date"]
    rows = {ws.cell(row=r, column=2).value: r for r in range(11, ws.max_row + 1)}
    for indicator, value in values["indicators"].items():
        typed = _yes_no(value) if indicator == "bo_phan_03" else value
        ws.cell(row=rows[indicator_labels()[indicator]], column=3, value=typed)
    ws = wb[MONTHLY]
    for i, month in enumerate(values["monthly"]):
        for col, key in zip("BCDE", ("cells_met", "content_hcm", "content_thrift", "review"),
                            strict=True):
            ws[f"{col}{4 + i}"] = _yes_no(month[key]) if values["marks"] else month[key]
    if values["inspections"]:
        ws = wb[INSPECTION]
        for i, row in enumerate(values["inspections"]):
            r = 4 + i
            ws[f"C{r}"], ws[f"D{r}"] = _yes_no(row["inspected"]), _yes_no(row["supervised"])
            ws[f"E{r}"], ws[f"F{r}"], ws[f"G{r}"] = row["date"], row["findings"], row["resolved"]
    wb.save(out)
