"""The counts the meeting quotes beside the rates (docs/du_lieu.md §5): which units reported
in every period, study sessions and good examples summed per sector, the units without a Bộ
phận 03, and the monthly meetings behind the heat map.

Each takes the frames it reads (`reporting_status`, `unit_inputs` of `metrics`), which
`lib03.report.facts` computes once per period and shares.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial

import pandas as pd

from lib03.config import Settings
from lib03.report.formatting import statuses
from lib03.report.metrics import DISTRICT, expected_units, periods_in, reporting_status


def consistent_reporters(tables: dict[str, pd.DataFrame], settings: Settings,
                         up_to: str | None = None, *,
                         status_of: Callable[[str], pd.DataFrame] | None = None
                         ) -> pd.DataFrame:
    """Expected units with the periods they reported in (DHIS2's "consistently reporting": a
    usable report in every period present in the data, up to and including `up_to`, so a
    past period's report does not change when a later period arrives).

    `status_of(period)` gives a period's reporting status when the caller already has some.
    """
    status_of = status_of or partial(reporting_status, tables, settings=settings)
    periods = [p for p in periods_in(tables) if up_to is None or p <= up_to]
    missed: dict[str, list[str]] = {}
    out = expected_units(tables["units"])
    counts = {code: 0 for code in out["unit_code"]}
    for period in periods:
        st = status_of(period)
        reported = st["status"].map(lambda s: statuses()[s]["reported"] == "1")
        for code in st.loc[reported, "unit_code"]:
            counts[code] += 1
        for code in st.loc[~reported, "unit_code"]:
            missed.setdefault(code, []).append(period)
    out["periods_reported"] = out["unit_code"].map(counts)
    out["periods"] = len(periods)
    out["missed"] = out["unit_code"].map(lambda c: ", ".join(missed.get(c, [])))
    out["consistent"] = out["periods_reported"] == len(periods)
    return out


# Counts the meeting quotes as totals (study sessions held, good examples found and spread).
TOTALS = ("buoi_quan_triet", "dv_hoc_chuyen_de", "guong_phat_hien", "guong_nhan_rong")


def count_totals(inputs: pd.DataFrame, by: str | None = "sector") -> pd.DataFrame:
    """Sums of the counts in TOTALS per group and for the district, from `unit_inputs` (units
    that reported a value; `units` is how many reported at least one)."""
    # Reindexed, not assigned: the inputs frame is shared by every figure of the period.
    inputs = inputs.reindex(columns=[*inputs.columns,
                                     *(n for n in TOTALS if n not in inputs)])
    parts = [] if by is None else list(inputs.groupby(by, sort=False))
    parts.append((DISTRICT, inputs))
    rows = []
    for group, sub in parts:
        row = {"group": group, "units": int(sub[list(TOTALS)].notna().any(axis=1).sum())}
        row |= {name: sub[name].sum(min_count=1) for name in TOTALS}
        rows.append(row)
    return pd.DataFrame(rows, columns=["group", "units", *TOTALS])


def without_unit_03(inputs: pd.DataFrame) -> pd.DataFrame:
    """Reporting units (from `unit_inputs`) that have not set up their Bộ phận 03, or did not
    say."""
    answer = inputs["bo_phan_03"] if "bo_phan_03" in inputs else pd.Series(math.nan,
                                                                             inputs.index)
    out = inputs.loc[answer.ne(1), ["unit_code", "unit_name", "sector"]].copy()
    out["answer"] = answer[answer.ne(1)].map(lambda v: "Chưa ghi" if pd.isna(v) else "Chưa")
    return out.reset_index(drop=True)


def monthly_table(tables: dict[str, pd.DataFrame], period: str,
                  status: pd.DataFrame) -> pd.DataFrame:
    """The monthly meetings of every unit that reported, with its names (for the heat map);
    `status` is the period's `reporting_status`."""
    mon = tables["monthly"]
    mon = mon[mon["period"] == period]
    names = status.set_index("unit_code")[["unit_name", "short_name", "unit_type", "sector"]]
    out = mon.join(names, on="unit_code", how="inner")
    return out[["unit_code", "unit_name", "short_name", "unit_type", "sector", "month",
                "cells_met", "content_hcm", "content_thrift", "review"]].reset_index(drop=True)
