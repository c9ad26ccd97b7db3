"""The trend chart: one small panel per measure, the district's figure over every period.

Twelve measures on one line chart would be a tangle; small multiples with a shared 0–100 %
axis let a reader compare the shape of each line and read its values (docs/du_lieu.md §5).
"""

from __future__ import annotations

import math

import pandas as pd
from matplotlib.figure import Figure

from lib03.report.charts_style import SLIDE_SIZE, chart_style, percent_axis, wrap
from lib03.report.formatting import format_percent, rate_labels
from lib03.report.metrics import DISTRICT
from lib03.report.trend import MEASURE_LABELS, short_period, trend_wide

LINE = "#0072B2"  # Okabe–Ito blue: readable for every kind of colour vision


def plot_trend(trend: pd.DataFrame, measures: list[str] | None = None,
               group: str = DISTRICT) -> Figure:
    """Each measure of `group` over the periods of `trend`, one panel each; returns the
    Figure (the caller saves or shows it)."""
    wide = trend_wide(trend, group, measures)
    labels = {**MEASURE_LABELS, **rate_labels(short=True)}
    n = max(len(wide.index), 1)
    cols = min(4, n)
    rows = math.ceil(n / cols)
    with chart_style():
        fig = Figure(figsize=SLIDE_SIZE, layout="constrained")
        axes = fig.subplots(rows, cols, sharex=True, sharey=True, squeeze=False)
        x = list(range(len(wide.columns)))
        ticks = [short_period(p).replace(" ", "\n", 1) for p in wide.columns]
        for ax, measure in zip(axes.flat, wide.index, strict=False):
            values = wide.loc[measure].astype(float)
            ax.plot(x, values.to_numpy(), color=LINE, marker="o", linewidth=2)
            for i, v in zip(x, values, strict=True):
                if not pd.isna(v):
                    ax.annotate(format_percent(v), (i, v), textcoords="offset points",
                                xytext=(0, -13 if v > 0.8 else 6), ha="center", fontsize=7.5)
            ax.set_title(wrap(labels.get(measure, measure), 28), fontsize=9)
            ax.set_ylim(0, 1.08)
            ax.set_xlim(-0.4, len(x) - 0.6)
            percent_axis(ax.yaxis)
            ax.set_xticks(x, ticks, fontsize=7)
            ax.tick_params(labelbottom=True)  # every panel names its periods, even above a gap
            ax.grid(axis="y", alpha=0.3)
        for ax in list(axes.flat)[n:]:
            ax.set_visible(False)
        fig.suptitle(f"Diễn biến qua các kỳ — {group}", fontsize=13, fontweight="bold")
    return fig
