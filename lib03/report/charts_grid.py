"""The grid charts of the meeting: the monthly heat maps (units × months) and the table of
rates by sector, each cell shaded on one colour-blind-safe blue scale (docs/du_lieu.md §5).

Split from `charts` (which re-exports them) to keep each module one step; the conventions are
the same: data in, an optional `ax`, the Figure out, never shown or saved here.
"""


import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from lib03.report import charts_layout as layout
from lib03.report.charts_style import (
    LABELS,
    MAX_UNITS_SHOWN,
    NO_DATA,
    OVER_SHARE,
    axes_for,
    chart_style,
    label_size,
    unique,
)
from lib03.report.formatting import (
    format_percent,
    rate_labels,
    rates,
)
from lib03.report.metrics import DISTRICT


def _months(months: pd.Series) -> list[int]:
    """The half-year's six months when the data stays inside one half, else the whole year."""
    present = {int(m) for m in months.dropna()}
    if present and max(present) <= 6:
        return list(range(1, 7))
    if present and min(present) >= 7:
        return list(range(7, 13))
    return list(range(1, 13))


def plot_monthly_heatmap(monthly: pd.DataFrame, column: str = "content_hcm",
                         ax: Axes | None = None) -> Figure:
    """Unit × month share of cell meetings with `column` (content_hcm, content_thrift,
    review); grey '–' where there is no number, grey '0 lượt' where no cell met that month,
    hatched where the unit wrote more meetings with the content than meetings."""
    monthly_rates = {r.numerator: r for r in rates() if r.denominator == "cells_met"}
    if column not in monthly_rates:
        raise ValueError(f"Cột {column!r} không phải nội dung sinh hoạt; chọn một trong: "
                         f"{', '.join(monthly_rates)}")
    sums = monthly.groupby(["unit_code", "month"], sort=False)[[column, "cells_met"]].sum(
        min_count=1)
    share = (sums[column] / sums["cells_met"].where(sums["cells_met"] > 0)).unstack("month")
    codes = unique(monthly["unit_code"])
    names = monthly.drop_duplicates("unit_code").set_index("unit_code")["short_name"]
    months = _months(monthly["month"])
    title, extra = f"{monthly_rates[column].label}, theo tháng", ""
    if len(codes) > MAX_UNITS_SHOWN:
        # A province: the units with the lowest share over the half-year (a month without a
        # figure counts as none), in the order of the data like a district's.
        mean = share.reindex(index=codes, columns=months).fillna(0).mean(axis=1)
        keep = set(mean.sort_values(kind="stable").index[:MAX_UNITS_SHOWN])
        extra = layout.lowest_note(MAX_UNITS_SHOWN, len(codes))
        codes = [c for c in codes if c in keep]
    grid = share.reindex(index=codes, columns=months).to_numpy(dtype=float)
    # A month reported with no meeting is itself a finding: it reads "0 lượt", not "no figure".
    met = sums["cells_met"].unstack("month").reindex(index=codes, columns=months)
    no_meeting = (met == 0).to_numpy()
    with chart_style():
        fig, ax = axes_for(ax)
        if not codes:
            ax.set_title(title)
            layout.empty_message(ax, "Chưa có số liệu sinh hoạt chi bộ theo tháng")
            return fig
        size = label_size(len(codes), room=320)
        labels = [[format_percent(v, 0) if not np.isnan(v) else "0 lượt" if none else "–"
                   for v, none in zip(row, nones, strict=True)]
                  for row, nones in zip(grid, no_meeting, strict=True)]
        mesh = layout.share_grid(ax, grid, labels, size, bold=no_meeting)
        ax.set_xticks(np.arange(len(months)) + 0.5, [f"Th {m}" for m in months])
        ax.set_yticks(np.arange(len(codes)) + 0.5, [names[c] for c in codes], fontsize=size)
        layout.share_colorbar(ax, mesh)
        blank = np.isnan(grid) & ~no_meeting
        handles = [Patch(color=NO_DATA, label=LABELS[k]) for k, cells in
                   (("blank", blank), ("no_meeting", no_meeting)) if cells.any()]
        if (grid > OVER_SHARE).any():
            handles.append(layout.over_patch(LABELS["over"]))
        layout.settle(fig)
        layout.set_title(ax, title, layout.room(ax), extra=extra)
        if handles:
            layout.legend_below(ax, handles, layout.room(ax))
    return fig


def plot_sector_rates(group_rates: pd.DataFrame, rate_ids: list[str] | None = None,
                      ax: Axes | None = None) -> Figure:
    """Each rate (short label, a row) for the district and each sector (a column), as a table
    of numbers shaded by value: 55 bars side by side could not be read on a slide."""
    present = set(group_rates["rate"])
    ids = [r for r in (rate_ids or [r.id for r in rates()]) if r in present]
    groups = [DISTRICT, *(g for g in unique(group_rates["group"]) if g != DISTRICT)]
    table = (group_rates.drop_duplicates(["rate", "group"]).set_index(["rate", "group"])["value"]
             .unstack("group").reindex(index=ids, columns=groups))
    short = rate_labels(short=True)
    with chart_style():
        fig, ax = axes_for(ax)
        ax.set_title("Các tỷ lệ theo khối")
        if not ids:
            layout.empty_message(ax, "Chưa có tỷ lệ nào để so sánh")
            return fig
        grid = table.to_numpy(dtype=float)
        size = min(12.0, label_size(len(ids), room=300))
        district = np.zeros(grid.shape, bool)
        district[:, 0] = True
        mesh = layout.share_grid(ax, grid, [[format_percent(v) for v in row] for row in grid],
                                 size, bold=district)
        text = min(11.0, size)
        ax.set_yticks(np.arange(len(ids)) + 0.5,
                      [layout.wrap_balanced(short.get(r, r), 220, text) for r in ids],
                      fontsize=text)
        ax.axvline(1, color="white", lw=5)  # the district apart from its sectors
        layout.share_colorbar(ax, mesh)
        handles = [Patch(color=NO_DATA, label=LABELS["no_group_value"])] * bool(
            np.isnan(grid).any())
        if (grid > OVER_SHARE).any():
            handles.append(layout.over_patch(LABELS["over"]))
        layout.settle(fig)
        # Column names as wide as their column, in lines of balanced length.
        column = ax.bbox.width * 72 / fig.dpi / len(groups) - 8
        ax.set_xticks(np.arange(len(groups)) + 0.5,
                      [layout.wrap_balanced(g, column, text) for g in groups], fontsize=text)
        ax.get_xticklabels()[0].set_fontweight("bold")
        if handles:
            layout.settle(fig)
            layout.legend_below(ax, handles, layout.room(ax))
    return fig
