"""The numbers of the meeting (docs/du_lieu.md §5): reporting status, rates and their change.

Pure functions over the processed tables (the counts quoted beside the rates are in `tallies`);
`lib03.report.facts` calls each once per period and hands what it computed to the next
(`status=`, `inputs=`), so the report never recomputes a figure. Two rules hold everywhere:
- a group's rate is a ratio of sums over its units, never a mean of unit rates; a unit counts
  towards a rate only when both its numerator and its denominator are known;
- a zero or missing denominator gives a missing rate (NaN), never 0 and never 100 %.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from lib03 import vocab
from lib03.config import Settings
from lib03.contract import COLUMNS, NUMERIC, read_table
from lib03.errors import ReportError
from lib03.report.formatting import (
    previous_period,
    rates,
    short_name,
    statuses,
)
from lib03.tableset import check_tables

DISTRICT = "Toàn huyện"  # the group name of the whole district in every grouped table


def load_tables(processed_dir: Path) -> dict[str, pd.DataFrame]:
    """Read the tables of docs/du_lieu.md §4 written by `lib03 clean`, numbers as numbers
    (blank = NaN)."""
    tables = {}
    for name in COLUMNS:
        path = Path(processed_dir) / f"{name}.csv"
        if not path.is_file():
            raise ReportError(f"Chưa có số liệu đã làm sạch ({path} không có); "
                              "hãy chạy «lib03 clean» hoặc «lib03 report» trước.")
    # Only one complete set: a folder a stopped run left half-replaced is refused.
    check_tables(Path(processed_dir), list(COLUMNS))
    for name in COLUMNS:
        frame = read_table(Path(processed_dir) / f"{name}.csv")
        if missing := [c for c in COLUMNS[name] if c not in frame.columns]:
            raise ReportError(f"Bảng {name}.csv trong {processed_dir} thiếu cột "
                              f"{', '.join(missing)} (làm bởi một phiên bản lib03 khác); hãy "
                              "chạy lại «lib03 clean» hoặc «lib03 report» không kèm --skip-clean.")
        for col in NUMERIC[name]:
            # Always float: a column of whole numbers must still hold a NaN filled in later.
            frame[col] = pd.to_numeric(frame[col], errors="coerce").astype(float)
        tables[name] = frame
    return tables


def periods_in(tables: dict[str, pd.DataFrame]) -> list[str]:
    """The periods that have at least one file, oldest first."""
    return sorted(p for p in tables["submissions"]["period"].unique() if p)


def expected_units(units: pd.DataFrame) -> pd.DataFrame:
    """Active grassroots organisations: the units that must report every period.

    >>> u = pd.DataFrame({"unit_code": ["A", "B", "C"], "unit_name": ["Đảng bộ xã A", "b", "c"],
    ...     "unit_type": ["dang_bo_co_so", "chi_bo_truc_thuoc", "chi_bo_co_so"],
    ...     "sector": ["X", "X", "Y"], "active": [1, 1, 0]})
    >>> expected_units(u)[["unit_code", "short_name"]].values.tolist()
    [['A', 'ĐB xã A']]
    """
    exp = units[units["unit_type"].isin(vocab.must_report()) & (units["active"] == 1)].copy()
    exp["short_name"] = exp["unit_name"].map(short_name)
    cols = ["unit_code", "unit_name", "short_name", "unit_type", "sector"]
    return exp[cols].reset_index(drop=True)


def reporting_status(tables: dict[str, pd.DataFrame], period: str,
                     settings: Settings) -> pd.DataFrame:
    """One row per expected unit: did it send a usable report, on time or late?

    A unit whose only file was quarantined is "unusable"; a usable report without a date
    cannot be shown on time, so it counts as reported but not on time. The deadline is the
    setting's for this run (a deadline changed after cleaning still counts).
    """
    deadline = settings.deadline(period)
    subs = tables["submissions"]
    subs = subs[(subs["period"] == period) & (subs["unit_code"] != "")]
    ok = subs[subs["status"] == "ok"].drop_duplicates("unit_code", keep="last")
    ok = ok.set_index("unit_code")
    bad = subs[subs["status"] == "quarantined"].groupby("unit_code")["source_file"].last()
    out = expected_units(tables["units"])
    status, dates, files = [], [], []
    for code in out["unit_code"]:
        if code in ok.index:
            row = ok.loc[code]
            day = row["report_date"]
            status.append("no_date" if not day else "on_time" if day <= deadline else "late")
            dates.append(row["report_date"])
            files.append(row["source_file"])
        else:
            status.append("unusable" if code in bad.index else "missing")
            dates.append("")
            files.append(bad.get(code, ""))
    labels = statuses()
    out["status"] = status
    out["status_label"] = [labels[s]["label"] for s in status]
    out["report_date"] = dates
    out["deadline"] = deadline
    out["source_file"] = files
    return out


def reporting_rates(status: pd.DataFrame, by: str | None = "sector") -> pd.DataFrame:
    """Reporting and on-time rates per group and for the district (last row).

    >>> s = pd.DataFrame({"sector": ["X", "X", "Y"], "status": ["on_time", "late", "missing"]})
    >>> r = reporting_rates(s)
    >>> r[["group", "expected", "reported", "on_time", "reporting_rate"]].values.tolist()
    [['X', 2, 2, 1, 1.0], ['Y', 1, 0, 0, 0.0], ['Toàn huyện', 3, 2, 1, 0.6666666666666666]]
    """
    labels = statuses()
    frame = status.assign(
        reported=status["status"].map(lambda s: labels[s]["reported"] == "1"),
        on_time=status["status"].map(lambda s: labels[s]["on_time"] == "1"),
    )
    parts = []
    if by:
        for group, sub in frame.groupby(by, sort=False):
            parts.append((group, sub))
    parts.append((DISTRICT, frame))
    rows = []
    for group, sub in parts:
        expected, reported = len(sub), int(sub["reported"].sum())
        on_time = int(sub["on_time"].sum())
        rows.append({"group": group, "expected": expected, "reported": reported,
                     "on_time": on_time, "reporting_rate": share(reported, expected),
                     "on_time_rate": share(on_time, expected)})
    return pd.DataFrame(rows)


def share(numerator: float, denominator: float) -> float:
    """numerator ÷ denominator; missing when either is missing or the denominator is 0.

    >>> share(1, 4), share(0, 0), share(None, 3)
    (0.25, nan, nan)
    """
    if denominator is None or pd.isna(denominator) or denominator == 0 or pd.isna(numerator):
        return math.nan
    return numerator / denominator


def unit_inputs(tables: dict[str, pd.DataFrame], period: str, settings: Settings, *,
                status: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per reporting unit, every number a rate needs (indicator values, monthly sums, cells).

    `status` is the period's `reporting_status` when the caller already has it.
    """
    ind = tables["indicators"]
    ind = ind[ind["period"] == period].pivot_table(
        index="unit_code", columns="indicator", values="value", aggfunc="last")
    mon = tables["monthly"]
    mon = mon[mon["period"] == period].groupby("unit_code")[
        ["cells_met", "content_hcm", "content_thrift", "review"]].sum(min_count=1)
    acted = acted_cells(tables["inspections"], period).rename("cells_acted")
    frame = ind.join(mon, how="outer").join(acted, how="outer").astype(float)
    reporting = reporting_status(tables, period, settings) if status is None else status
    reporting = reporting[reporting["status"].map(lambda s: statuses()[s]["reported"] == "1")]
    frame = reporting.set_index("unit_code").join(frame, how="left")
    frame["one"] = 1.0  # the denominator of a yes/no answer: one unit
    db = frame["unit_type"] == "dang_bo_co_so"
    # A Đảng bộ whose inspection table lists its cells but marks none covered 0 of them; one
    # that sent no inspection table at all has an unknown coverage (blank is missing, not 0).
    listed = set(tables["inspections"].loc[tables["inspections"]["period"] == period,
                                           "unit_code"])
    has_rows = db & frame.index.isin(listed)
    frame.loc[has_rows, "cells_acted"] = frame.loc[has_rows, "cells_acted"].fillna(0)
    if "so_chi_bo_truc_thuoc" not in frame:
        frame["so_chi_bo_truc_thuoc"] = math.nan
    frame["subcells_from"] = "report"
    registry = registry_subcells(tables["units"])
    fill = db & frame["so_chi_bo_truc_thuoc"].isna()
    frame.loc[fill, "so_chi_bo_truc_thuoc"] = [registry.get(c, math.nan)
                                               for c in frame.index[fill]]
    frame.loc[fill, "subcells_from"] = "registry"
    return frame.reset_index()


def acted_cells(inspections: pd.DataFrame, period: str) -> pd.Series:
    """Distinct registry cells inspected or supervised, per Đảng bộ.

    Only cells matched to the registry count: an unmatched name has its own warning, and a
    cell typed twice under two spellings must not count twice.
    """
    rows = inspections[(inspections["period"] == period) & (inspections["cell_code"] != "")]
    rows = rows[(rows["inspected"] == 1) | (rows["supervised"] == 1)]
    return rows.groupby("unit_code")["cell_code"].nunique().astype(float)


def registry_subcells(units: pd.DataFrame) -> pd.Series:
    """Active Chi bộ trực thuộc per parent, from the registry."""
    cells = units[(units["unit_type"] == "chi_bo_truc_thuoc") & (units["active"] == 1)]
    return cells.groupby("parent_code")["unit_code"].nunique().astype(float)


def unit_rates(tables: dict[str, pd.DataFrame], period: str, settings: Settings, *,
               inputs: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every rate of docs/du_lieu.md §5 for every unit that reported, long format (one row per
    rate); `inputs` is the period's `unit_inputs` when the caller already has it."""
    if inputs is None:
        inputs = unit_inputs(tables, period, settings)
    rows = []
    for rate in rates():
        scoped = inputs if rate.scope == "all" else inputs[inputs["unit_type"] == rate.scope]
        for _, unit in scoped.iterrows():
            num, den = unit.get(rate.numerator, math.nan), unit.get(rate.denominator, math.nan)
            if pd.isna(num) or pd.isna(den):
                num = den = math.nan
            rows.append({"unit_code": unit["unit_code"], "unit_name": unit["unit_name"],
                         "short_name": unit["short_name"], "unit_type": unit["unit_type"],
                         "sector": unit["sector"], "rate": rate.id, "numerator": num,
                         "denominator": den, "value": share(num, den)})
    columns = ["unit_code", "unit_name", "short_name", "unit_type", "sector", "rate",
               "numerator", "denominator", "value"]
    return pd.DataFrame(rows, columns=columns)


def group_rates(unit_rates: pd.DataFrame, by: str | None = "sector") -> pd.DataFrame:
    """Ratio of sums per group (and for the district, last), over units with both numbers and
    a numerator no larger than the denominator; those left out are counted in `over`
    (docs/assumptions_caveats.md: a unit reporting more than its total is not added in).

    >>> u = pd.DataFrame({"sector": ["X", "X", "Y", "Y"], "rate": ["r"] * 4,
    ...     "numerator": [9, 1, None, 12], "denominator": [10, 90, None, 10]})
    >>> cols = ["group", "numerator", "denominator", "value", "units", "over"]
    >>> group_rates(u)[cols].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['X', 10.0, 100.0, 0.1, 2, 0], ['Y', nan, nan, nan, 0, 1],
     ['Toàn huyện', 10.0, 100.0, 0.1, 2, 1]]
    """
    frame = unit_rates.assign(known=unit_rates["denominator"].notna(),
                              over=unit_rates["numerator"] > unit_rates["denominator"])
    parts = [] if by is None else list(frame.groupby(by, sort=False))
    parts.append((DISTRICT, frame))
    rows = []
    for group, sub in parts:
        for rate, part in sub.groupby("rate", sort=False):
            # A unit claiming more than its total (120 % followed up) would lift the group
            # above what happened; it is left out of the sums and named in the tables.
            known = part[part["known"] & ~part["over"]]
            num = known["numerator"].sum() if len(known) else math.nan
            den = known["denominator"].sum() if len(known) else math.nan
            rows.append({"group": group, "rate": rate, "numerator": num, "denominator": den,
                         "value": share(num, den), "units": len(known),
                         "over": int(part["over"].sum())})
    return pd.DataFrame(rows, columns=["group", "rate", "numerator", "denominator", "value",
                                       "units", "over"])


def rates_over_total(unit_rates: pd.DataFrame) -> pd.DataFrame:
    """The units whose numerator exceeds the denominator of a rate: kept as reported, left
    out of the group sums (`group_rates`), and listed so the analyst can ask them.

    >>> u = pd.DataFrame({"unit_code": ["A", "B"], "rate": ["r", "r"],
    ...     "numerator": [12, 3], "denominator": [10, 10], "value": [1.2, 0.3]})
    >>> rates_over_total(u)["unit_code"].tolist()
    ['A']
    """
    return unit_rates[unit_rates["numerator"] > unit_rates["denominator"]].reset_index(drop=True)


def with_change(current: pd.DataFrame, previous: pd.DataFrame | None, keys: list[str]
                ) -> pd.DataFrame:
    """Add `previous` and `change` (difference of shares) to a rates table; NaN without one.

    >>> now = pd.DataFrame({"rate": ["r"], "value": [0.9786]})
    >>> before = pd.DataFrame({"rate": ["r"], "value": [0.9774]})
    >>> with_change(now, before, ["rate"])["change"].round(4).tolist()
    [0.002]
    """
    out = current.copy()
    if previous is None or previous.empty:
        out["previous"] = math.nan
    else:
        prev = previous[[*keys, "value"]].rename(columns={"value": "previous"})
        out = out.merge(prev, on=keys, how="left")
    # From the rates as printed (0,1 % steps), so "97,7 % → 97,9 %" reads "+0,2 điểm %".
    out["change"] = (out["value"] * 1000).round() / 1000 - (out["previous"] * 1000).round() / 1000
    return out


def previous_of(tables: dict[str, pd.DataFrame], period: str) -> str | None:
    """The half-year before `period`, when the data holds it."""
    before = previous_period(period)
    return before if before in periods_in(tables) else None
