"""The trend over every period in the data up to the report's: reporting, on-time reporting
and every rate, for the district and each sector.

A review of several years ("sơ kết 5 năm") asks how each figure moved, not only how it
changed since the last half-year. Each period is computed exactly as its own report computes
it (docs/du_lieu.md §5, docs/assumptions_caveats.md), so a figure of the trend equals the
figure printed in that period's report. The report shows the trend once the data holds
`MIN_PERIODS` periods: with two, the change column of the rates table already says it all.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from lib03.config import Settings
from lib03.report import metrics
from lib03.report.formatting import period_label

MIN_PERIODS = 3
REPORTING, ON_TIME = "bao_cao_dung_duoc", "dung_han"  # measures besides the rates' ids
MEASURE_LABELS = {REPORTING: "Tỷ lệ đơn vị gửi báo cáo dùng được",
                  ON_TIME: "Tỷ lệ đơn vị nộp báo cáo đúng hạn"}  # fmt: skip
COLUMNS = ["period", "group", "measure", "numerator", "denominator", "value"]


def periods_up_to(tables: dict[str, pd.DataFrame], period: str) -> list[str]:
    """The periods of the data up to `period`, oldest first; a later period never changes an
    earlier report."""
    return [p for p in metrics.periods_in(tables) if p <= period]


def period_trend(tables: dict[str, pd.DataFrame], settings: Settings, up_to: str,
                 status_of: Callable[[str], pd.DataFrame] | None = None) -> pd.DataFrame:
    """One row per period, group (each sector, then the district) and measure.

    `status_of(period)` gives a period's reporting status when the caller keeps them.
    """
    rows = []
    for period in periods_up_to(tables, up_to):
        status = (status_of or (lambda p: metrics.reporting_status(tables, p, settings)))(period)
        for _, g in metrics.reporting_rates(status).iterrows():
            rows.append([period, g["group"], REPORTING, g["reported"], g["expected"],
                         g["reporting_rate"]])  # fmt: skip
            rows.append([period, g["group"], ON_TIME, g["on_time"], g["expected"],
                         g["on_time_rate"]])  # fmt: skip
        inputs = metrics.unit_inputs(tables, period, settings, status=status)
        groups = metrics.group_rates(metrics.unit_rates(tables, period, settings, inputs=inputs))
        rows += groups[["group", "rate", "numerator", "denominator", "value"]].assign(
            period=period).rename(columns={"rate": "measure"})[COLUMNS].values.tolist()
    return pd.DataFrame(rows, columns=COLUMNS)


def shown_periods(trend: pd.DataFrame) -> int:
    """How many periods the trend covers."""
    return trend["period"].nunique()


def trend_wide(trend: pd.DataFrame, group: str = metrics.DISTRICT,
               measures: list[str] | None = None) -> pd.DataFrame:
    """One group's measures down the rows and the periods across, oldest first.

    >>> t = pd.DataFrame({"period": ["2014-H1", "2013-H2"], "group": ["Toàn huyện"] * 2,
    ...     "measure": ["x", "x"], "numerator": [1, 1], "denominator": [2, 4],
    ...     "value": [0.5, 0.25]})
    >>> trend_wide(t).values.tolist()
    [[0.25, 0.5]]
    """
    part = trend[trend["group"] == group]
    wide = part.pivot_table(index="measure", columns="period", values="value", aggfunc="last",
                            sort=False, dropna=False)  # fmt: skip
    order = measures or list(dict.fromkeys(part["measure"]))
    return wide.reindex(index=[m for m in order if m in wide.index],
                        columns=sorted(wide.columns))  # fmt: skip


def short_period(period: str) -> str:
    """A period as a chart axis names it.

    >>> short_period("2014-H1"), short_period("2013-H2")
    ('6T đầu 2014', '6T cuối 2013')
    """
    return period_label(period).replace("6 tháng", "6T").replace(" năm", "")
