"""Weak inspection follow-up (docs/du_lieu.md §5): each reporting Đảng bộ cơ sở's coverage of
its cells, its follow-up of findings, findings left open too long, and the flags with their
reasons.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from lib03.config import Settings
from lib03.periods import period_bounds
from lib03.report.formatting import flags, format_date, format_number, format_percent
from lib03.report.metrics import share, unit_inputs


def inspection_summary(tables: dict[str, pd.DataFrame], period: str, settings: Settings, *,
                       inputs: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each reporting Đảng bộ cơ sở: coverage, follow-up, overdue findings and its flags;
    `inputs` is the period's `unit_inputs` when the caller already has it."""
    if inputs is None:
        inputs = unit_inputs(tables, period, settings)
    inputs = inputs[inputs["unit_type"] == "dang_bo_co_so"]
    rows = tables["inspections"]
    rows = rows[rows["period"] == period]
    end = period_bounds(period)[1]
    names = tables["units"].set_index("unit_code")["unit_name"]
    out = []
    for _, u in inputs.iterrows():
        own = rows[rows["unit_code"] == u["unit_code"]]
        as_of = _date(u["report_date"]) or end
        overdue = _overdue(own, as_of, settings.overdue_days, names)
        acted = own[(own["inspected"] == 1) | (own["supervised"] == 1)]
        unmatched = int((acted["cell_code"] == "").sum())
        # Inspections told only in the summary count as activity, never as coverage.
        visits = len(acted) + sum(0 if pd.isna(v) else v for v in
                                  (u.get("cuoc_kiem_tra"), u.get("cuoc_giam_sat")))
        record = {
            "unit_code": u["unit_code"], "unit_name": u["unit_name"],
            "short_name": u["short_name"], "sector": u["sector"],
            "subcells": u["so_chi_bo_truc_thuoc"], "subcells_from": u["subcells_from"],
            "cells_acted": u["cells_acted"],
            "coverage": share(u["cells_acted"], u["so_chi_bo_truc_thuoc"]),
            "visits": visits,
            "findings": u.get("kien_nghi", math.nan),
            "resolved": u.get("kien_nghi_khac_phuc", math.nan),
            "followup": share(u.get("kien_nghi_khac_phuc", math.nan),
                               u.get("kien_nghi", math.nan)),
            "overdue": len(overdue), "as_of": as_of.isoformat(), "unmatched": unmatched,
            "listed": len(own),
        }
        found = weak_flags(record, overdue, settings)
        record["flags"] = ";".join(found)
        record["reasons"] = "; ".join(found.values())
        record["flagged"] = bool(found)
        out.append(record)
    return pd.DataFrame(out, columns=[
        "unit_code", "unit_name", "short_name", "sector", "subcells", "subcells_from",
        "cells_acted", "coverage", "visits", "findings", "resolved", "followup", "overdue",
        "as_of", "unmatched", "listed", "flags", "reasons", "flagged"])


def _date(text: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text)[:10])
    except ValueError:
        return None


def _overdue(rows: pd.DataFrame, as_of: dt.date, days: int,
             names: pd.Series | None = None) -> list[str]:
    """Inspection rows with a finding still open more than `days` after the inspection;
    a cell matched to the registry is named as the registry writes it."""
    found = []
    for _, r in rows.iterrows():
        when = _date(r["date"])
        if (when and not pd.isna(r["findings"]) and not pd.isna(r["resolved"])
                and r["findings"] > r["resolved"] and (as_of - when).days > days):
            name = r["cell_name_raw"]
            if names is not None and r["cell_code"] in names.index:
                name = names[r["cell_code"]]
            found.append(f"{name} (kiểm tra {format_date(when)}, còn "
                         f"{format_number(r['findings'] - r['resolved'])} kiến nghị, "
                         f"{(as_of - when).days} ngày)")
    return found


def weak_flags(u: dict, overdue: list[str], settings: Settings) -> dict[str, str]:
    """The flags of docs/du_lieu.md §5 for one Đảng bộ → their reasons in Vietnamese (empty:
    not flagged).

    A threshold is a limit not reached: coverage exactly at 50 % is not flagged. Shares are
    compared as whole numbers (5 × 100 against 50 × 10), so no rounding of 0,57 × 100 can
    put a Đảng bộ that sits exactly on a threshold below it.
    """
    words = flags()
    found = {}
    if not u["visits"]:
        found["no_activity"] = words["no_activity"]["reason"]
    if _below(u["cells_acted"], u["subcells"], settings.coverage_min):
        detail = f"{format_number(u['cells_acted'])}/{format_number(u['subcells'])}"
        if u.get("unmatched"):
            detail += (f"; {u['unmatched']} tên chi bộ chưa ghép được với danh mục nên chưa "
                       "được tính")
        found["low_coverage"] = words["low_coverage"]["reason"].format(
            value=format_percent(u["coverage"]), detail=detail,
            threshold=f"{format_number(settings.coverage_min)} %")
    if _below(u["resolved"], u["findings"], settings.followup_min):
        found["low_followup"] = words["low_followup"]["reason"].format(
            value=format_percent(u["followup"]),
            detail=f"{format_number(u['resolved'])}/{format_number(u['findings'])}",
            threshold=f"{format_number(settings.followup_min)} %")
    if overdue:
        found["overdue_finding"] = words["overdue_finding"]["reason"].format(
            threshold=f"{settings.overdue_days} ngày", detail="; ".join(overdue))
    return found


def _below(numerator: float, denominator: float, percent: float) -> bool:
    """numerator / denominator < percent %, with a known, non-zero denominator.

    >>> _below(57, 100, 57.0), _below(56, 100, 57.0), _below(1, 0, 50.0)
    (False, True, False)
    """
    if any(pd.isna(v) for v in (numerator, denominator)) or not denominator:
        return False
    return numerator * 100 < percent * denominator
