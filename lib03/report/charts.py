"""The charts of the meeting (docs/du_lieu.md §5): who reported, each rate per unit and per
sector, the monthly cell meetings, inspections and follow-up, and the change since the last
half-year.

Every function takes a frame built by `lib03.report.metrics`, draws on `ax` when one is given
(else on a new 16:9 slide-sized figure) and returns the Figure; it never shows or saves it.
Save with `save_chart(fig, folder, name)`. Figures are plain Figure objects, not pyplot
figures, so nothing accumulates; `close(fig)` frees one early. In a notebook,
`%matplotlib inline` (or importing pyplot) makes a returned Figure display itself.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from lib03.report.charts_style import (
    ACCENT,
    ALERT,
    INK,
    MAX_FLAGGED_NAMED,
    MAX_UNITS_SHOWN,
    MUTED,
    NO_DATA,
    WARN,
    axes_for,
    chart_style,
    close,
    count_axis,
    empty_message,
    label_size,
    lowest_note,
    named_note,
    names_note,
    note_below,
    percent_axis,
    place_labels,
    save_chart,
    share_decimals,
    text_color,
    unique,
    wrap,
)
from lib03.report.formatting import (
    flags,
    format_change,
    format_number,
    format_percent,
    period_label,
    previous_period,
    rate_labels,
    rates,
    statuses,
)
from lib03.report.metrics import DISTRICT

__all__ = ["chart_style", "close", "plot_changes", "plot_inspection", "plot_monthly_heatmap",
           "plot_reporting_status", "plot_sector_rates", "plot_unit_rates", "save_chart"]

_SECTOR_COLORS = ("#90caf9", "#a5d6a7", "#ffcc80", "#ce93d8", "#80cbc4", "#bcaaa4", "#f48fb1")
_DISTRICT_COLOR = "#0d47a1"
_UP, _DOWN, _SAME = "#2e7d32", ALERT, MUTED
_NO_FINDINGS_Y = -0.15  # the row under the follow-up axis for Đảng bộ without findings


def plot_reporting_status(status: pd.DataFrame, ax: Axes | None = None) -> Figure:
    """Expected units per reporting status, for the district and each sector (stacked bars)."""
    labels = statuses()
    odd = sorted(set(status["status"]) - set(labels))
    if odd:  # a unit left out of the bars would make the district total wrong without a word
        raise ValueError(f"Tình trạng báo cáo không rõ: {', '.join(map(str, odd))}")
    sector = status["sector"].fillna("").replace("", "Chưa xếp khối")
    with chart_style():
        fig, ax = axes_for(ax)
        groups = [DISTRICT, *unique(sector)]
        counts = pd.crosstab(sector, status["status"])
        counts = counts.reindex(columns=list(labels), fill_value=0)
        counts.loc[DISTRICT] = counts.sum()
        counts = counts.reindex(groups, fill_value=0)
        y, left = np.arange(len(groups)), np.zeros(len(groups))
        widest = max(int(counts.to_numpy().sum(axis=1).max()), 1)
        for code, info in labels.items():
            widths = counts[code].to_numpy()
            bars = ax.barh(y, widths, left=left, height=0.6, color=info["color"],
                           label=info["label"])
            # A segment too thin for its number stays unlabelled; the legend and total remain.
            texts = [format_number(w) if w and w / widest > 0.015 else "" for w in widths]
            ax.bar_label(bars, texts, label_type="center", color=text_color(info["color"]),
                         fontsize=10, fontweight="bold")
            left += widths
        sent = sum(counts[c] for c, i in labels.items() if i["reported"] == "1")
        for yi, (n_sent, total) in enumerate(zip(sent, left, strict=True)):
            ax.text(total, yi, f"  đã gửi {format_number(n_sent)}/{format_number(total)}",
                    va="center", fontsize=10, color=INK)
        ax.set_yticks(y, [wrap(g, 24) for g in groups])
        ax.get_yticklabels()[0].set_fontweight("bold")
        ax.invert_yaxis()
        ax.set_xlim(0, widest * 1.2)
        count_axis(ax.xaxis)
        ax.grid(axis="y", visible=False)
        ax.set_xlabel("Số tổ chức cơ sở đảng phải báo cáo")
        ax.set_title("Tình hình gửi báo cáo", pad=34)
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=len(labels), fontsize=10)
    return fig


def _reference_line(ax: Axes, x: float, text: str, ha: str, dashed: bool) -> None:
    ax.axvline(x, color=INK if not dashed else ALERT, lw=1.4, ls="--" if dashed else "-")
    ax.annotate(text, xy=(x, 1), xycoords=("data", "axes fraction"), xytext=(0, 4),
                textcoords="offset points", ha=ha, va="bottom", fontsize=10, fontweight="bold",
                color=INK if not dashed else ALERT)


def plot_unit_rates(unit_rates: pd.DataFrame, rate: str, district_value: float,
                    target: float | None = None, ax: Axes | None = None) -> Figure:
    """One bar per unit for one rate, highest on top, with the district line and the target
    (a share 0–1) as a dashed line; units without a value are named in a note, not drawn."""
    rows = unit_rates[unit_rates["rate"] == rate]
    known = rows[rows["value"].notna()].sort_values(["value", "short_name"],
                                                    ascending=[True, False])
    unknown = rows.loc[rows["value"].isna(), "short_name"].tolist()
    title = [wrap(rate_labels().get(rate, rate), 80)]
    if len(known) > MAX_UNITS_SHOWN:  # a province: the units to look at, not thousands of bars
        title.append(lowest_note(MAX_UNITS_SHOWN, len(known)))
        known = known.head(MAX_UNITS_SHOWN)
    with chart_style():
        fig, ax = axes_for(ax)
        ax.set_title("\n".join(title), pad=24)
        n = len(known)
        if not n:
            empty_message(ax, "Chưa đơn vị nào tính được tỷ lệ này")
        else:
            values = known["value"].to_numpy(dtype=float)
            size = label_size(n)
            names = [wrap(s, 34) if n <= 20 else s for s in known["short_name"]]
            has_target = target is not None and pd.notna(target)
            # A rate over 100 % is a reporting error the quality log names; its bar stops at
            # the axis edge so that it does not squash every other unit's bar.
            cap = 1.15
            colors = [ALERT if v > 1 else WARN if has_target and v < target else ACCENT
                      for v in values]
            bars = ax.barh(np.arange(n), np.minimum(values, cap), height=0.72, color=colors)
            texts = ax.bar_label(bars, [format_percent(v) for v in values], padding=3,
                                 fontsize=size)
            for text in texts:  # stays readable where it crosses the district or target line
                text.set_bbox({"facecolor": "white", "edgecolor": "none", "pad": 0.4,
                               "alpha": 0.85})
            ax.set_yticks(np.arange(n), names, fontsize=size)
            ax.set_ylim(-0.6, n - 0.4)
            refs = []
            if pd.notna(district_value):
                refs.append((district_value, f"Toàn huyện {format_percent(district_value)}", False))
            if has_target:
                goal = format_percent(target, share_decimals(target))
                refs.append((target, f"Chỉ tiêu {goal}", True))
            top = min(max(1.0, values.max(), *(x for x, _, _ in refs)), cap)
            ax.set_xlim(0, top * 1.1)
            ax.set_xticks(np.arange(0, min(top, 1.0) + 1e-9, 0.2))
            percent_axis(ax.xaxis)
            ax.grid(axis="y", visible=False)
            ax.tick_params(axis="y", length=0)
            # The lower line's label ends at its line, the higher one's starts there: never
            # on top of each other, however close the district comes to the target.
            refs.sort(key=lambda ref: ref[0])
            for k, (x, text, dashed) in enumerate(refs):
                ha = "center" if len(refs) == 1 else ("right" if k == 0 else "left")
                _reference_line(ax, x, text, ha, dashed)
            if has_target or ALERT in colors:
                kinds = [(ACCENT, "Đạt chỉ tiêu" if has_target else "Tỷ lệ"),
                         (WARN, "Dưới chỉ tiêu"),
                         (ALERT, "Trên 100 %: số liệu cần kiểm tra lại")]
                # Right of the plot: long bars and their labels reach every corner inside it.
                ax.legend(handles=[Patch(color=c, label=wrap(t, 18)) for c, t in kinds
                                   if c in colors],
                          loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=10,
                          frameon=False, borderaxespad=0)
        if unknown:
            note_below(ax, names_note("Không tính được (thiếu số liệu)", unknown))
    return fig


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
    review); grey '–' where there is no number, grey '0 lượt' where no cell met that month."""
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
    title = [wrap(f"{monthly_rates[column].label}, theo tháng", 80)]
    if len(codes) > MAX_UNITS_SHOWN:
        # A province: the units with the lowest share over the half-year (a month without a
        # figure counts as none), in the order of the data like a district's.
        mean = share.reindex(index=codes, columns=months).fillna(0).mean(axis=1)
        keep = set(mean.sort_values(kind="stable").index[:MAX_UNITS_SHOWN])
        title.append(lowest_note(MAX_UNITS_SHOWN, len(codes)))
        codes = [c for c in codes if c in keep]
    grid = share.reindex(index=codes, columns=months).to_numpy(dtype=float)
    # A month reported with no meeting is itself a finding: it reads "0 lượt", not "no figure".
    met = sums["cells_met"].unstack("month").reindex(index=codes, columns=months)
    no_meeting = (met == 0).to_numpy()
    with chart_style():
        fig, ax = axes_for(ax)
        ax.set_title("\n".join(title))
        if not codes:
            empty_message(ax, "Chưa có số liệu sinh hoạt chi bộ theo tháng")
            return fig
        cmap = colormaps["RdYlGn"].with_extremes(bad=NO_DATA)
        mesh = ax.pcolormesh(np.ma.masked_invalid(grid), cmap=cmap, vmin=0, vmax=1,
                             edgecolors="white", linewidth=1.5)
        size = label_size(len(codes), room=320)
        for (i, j), v in np.ndenumerate(grid):
            fill = NO_DATA if np.isnan(v) else cmap(min(max(v, 0), 1))
            label = format_percent(v, 0) if not np.isnan(v) else (
                "0 lượt" if no_meeting[i, j] else "–")
            ax.text(j + 0.5, i + 0.5, label, ha="center", va="center", fontsize=size,
                    color=text_color(fill), fontweight="bold" if no_meeting[i, j] else None)
        ax.set_xticks(np.arange(len(months)) + 0.5, [f"Th {m}" for m in months])
        ax.set_yticks(np.arange(len(codes)) + 0.5, [names[c] for c in codes], fontsize=size)
        ax.invert_yaxis()
        ax.xaxis.tick_top()
        ax.tick_params(length=0)
        ax.grid(False)
        for spine in ax.spines.values():
            spine.set_visible(False)
        bar = fig.colorbar(mesh, ax=ax, fraction=0.025, pad=0.015, ticks=np.linspace(0, 1, 5))
        percent_axis(bar.ax.yaxis)
        bar.outline.set_visible(False)
        note_below(ax, "Ô xám «–»: đơn vị không ghi số liệu tháng đó; ô xám «0 lượt»: đơn vị "
                       "ghi là không có chi bộ nào sinh hoạt trong tháng", offset=-6)
    return fig


def _inspection_label(row: pd.Series) -> str:
    """The name, plus the reason when the dot's place does not show it (no activity, overdue)."""
    words = flags()
    hidden = [words[f]["label"] for f in str(row["flags"]).split(";")
              if f in words and f not in ("low_coverage", "low_followup")]
    return row["short_name"] + (f" ({'; '.join(hidden).lower()})" if hidden else "")


def plot_inspection(inspection: pd.DataFrame, coverage_min: float, followup_min: float,
                    ax: Axes | None = None) -> Figure:
    """Coverage of subordinate cells (x) against findings resolved (y) per Đảng bộ cơ sở;
    thresholds are percents (50.0). Flagged Đảng bộ are red and named (past
    MAX_FLAGGED_NAMED, the lowest of them); those without findings sit on their own row under
    the axis; those without a coverage are named in a note."""
    frame = inspection.assign(
        y=inspection["followup"].fillna(_NO_FINDINGS_Y),
        flagged=inspection["flagged"].fillna(False).astype(bool))
    placed, lost = frame[frame["coverage"].notna()], frame[frame["coverage"].isna()]
    named = placed[placed["flagged"]]
    title = ["Kiểm tra, giám sát chi bộ trực thuộc và khắc phục kiến nghị"]
    if len(named) > MAX_FLAGGED_NAMED:  # a province: name the weakest, draw every dot
        title.append(wrap(named_note(MAX_FLAGGED_NAMED, len(named)), 64))  # clears the legend
        worst = named[["coverage", "followup"]].min(axis=1)
        named = named.assign(worst=worst).sort_values(["worst", "short_name"],
                                                      kind="stable").head(MAX_FLAGGED_NAMED)
    with chart_style():
        fig, ax = axes_for(ax)
        ax.set_title("\n".join(title), pad=12)
        if frame.empty:
            empty_message(ax, "Chưa có Đảng bộ cơ sở nào báo cáo")
            return fig
        for flagged, color, label in ((False, ACCENT, "Không bị đánh dấu"),
                                      (True, ALERT, "Bị đánh dấu")):
            part = placed[placed["flagged"] == flagged]
            ax.scatter(part["coverage"], part["y"], s=70 if flagged else 50, color=color,
                       alpha=0.95 if flagged else 0.55, edgecolor="white", linewidth=0.8,
                       zorder=3, label=f"{label} ({format_number(len(part))})")
        top = max(1.0, placed["coverage"].max(), placed["y"].max()) + 0.08
        right = max(1.0, placed["coverage"].max()) + 0.05
        ax.set_xlim(-0.04, right)
        ax.set_ylim(_NO_FINDINGS_Y - 0.08, top)
        ax.set_xticks(np.arange(0, right, 0.2))
        ax.set_yticks([_NO_FINDINGS_Y, *np.arange(0, top - 0.05, 0.2)])
        percent_axis(ax.xaxis)
        ax.yaxis.set_major_formatter(FuncFormatter(
            lambda v, _p: "Không có\nkiến nghị" if abs(v - _NO_FINDINGS_Y) < 1e-9
            else format_percent(round(v, 9) + 0.0, 0)))
        ax.axhline(_NO_FINDINGS_Y / 2, color=MUTED, lw=0.8)
        ax.axhspan(_NO_FINDINGS_Y - 0.08, _NO_FINDINGS_Y / 2, color="#f5f5f5", zorder=0)
        for value, vertical, text in ((coverage_min, True, "Ngưỡng kiểm tra"),
                                      (followup_min, False, "Ngưỡng khắc phục")):
            share = value / 100
            line = ax.axvline if vertical else ax.axhline
            line(share, color=MUTED, ls="--", lw=1.2, zorder=1)
            ax.annotate(f"{text} {format_percent(share, share_decimals(share))}",
                        xy=(share, 1) if vertical else (1, share),
                        xycoords=("data", "axes fraction") if vertical
                        else ("axes fraction", "data"),
                        xytext=(4, -4) if vertical else (-4, 4), textcoords="offset points",
                        ha="left" if vertical else "right", va="top" if vertical else "bottom",
                        fontsize=9, color=MUTED)
        ax.set_xlabel("Tỷ lệ chi bộ trực thuộc được kiểm tra, giám sát")
        ax.set_ylabel("Tỷ lệ kiến nghị đã khắc phục")
        ax.legend(loc="lower right", bbox_to_anchor=(1, 1.0), ncols=2)
        groups = named.groupby([named["coverage"].round(3), named["y"].round(3)], sort=False)
        labels = [(x, y, "\n".join(_inspection_label(r) for _, r in g.iterrows()))
                  for (x, y), g in groups]
        place_labels(ax, fig, labels, list(zip(placed["coverage"], placed["y"], strict=True)))
        if len(lost):
            note_below(ax, names_note("Không tính được tỷ lệ kiểm tra, giám sát (thiếu số chi "
                                        "bộ trực thuộc)", lost["short_name"].tolist()), -40)
    return fig


def plot_sector_rates(group_rates: pd.DataFrame, rate_ids: list[str] | None = None,
                      ax: Axes | None = None) -> Figure:
    """Each rate (short label) for the district and each sector, side by side."""
    present = set(group_rates["rate"])
    ids = [r for r in (rate_ids or [r.id for r in rates()]) if r in present]
    groups = [DISTRICT, *(g for g in unique(group_rates["group"]) if g != DISTRICT)]
    table = (group_rates.drop_duplicates(["rate", "group"]).set_index(["rate", "group"])["value"]
             .unstack("group").reindex(index=ids, columns=groups))
    short = rate_labels(short=True)
    with chart_style():
        fig, ax = axes_for(ax)
        ax.set_title("Các tỷ lệ theo khối", pad=30)
        if not ids:
            empty_message(ax, "Chưa có tỷ lệ nào để so sánh")
            return fig
        step = 0.84 / len(groups)
        size = label_size(len(ids) * len(groups), room=360)
        for j, group in enumerate(groups):
            values = table[group].to_numpy(dtype=float)
            ys = np.arange(len(ids)) + (j - (len(groups) - 1) / 2) * step
            district = group == DISTRICT
            color = _DISTRICT_COLOR if district else _SECTOR_COLORS[(j - 1) % len(_SECTOR_COLORS)]
            bars = ax.barh(ys, np.nan_to_num(values), height=step * 0.9, color=color,
                           label=group)
            ax.bar_label(bars, [format_percent(v) for v in values], padding=2, fontsize=size,
                         fontweight="bold" if district else "normal")
        ax.set_yticks(np.arange(len(ids)), [wrap(short.get(r, r), 26) for r in ids])
        ax.invert_yaxis()
        top = max(1.0, np.nanmax(table.to_numpy(dtype=float), initial=0))
        ax.set_xlim(0, top * 1.1)
        ax.set_xticks(np.arange(0, top + 1e-9, 0.2))
        percent_axis(ax.xaxis)
        ax.grid(axis="y", visible=False)
        ax.tick_params(axis="y", length=0)
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=min(len(groups), 5))
    return fig


def plot_changes(changes: pd.DataFrame, ax: Axes | None = None,
                 period: str | None = None) -> Figure:
    """District rates now against the previous half-year: a bar from the old dot to the new one,
    the change in points on the right. `period` (2014-H1) names the two periods in the legend."""
    rows = changes[changes["group"] == DISTRICT].drop_duplicates("rate").set_index("rate")
    ids = [r.id for r in rates() if r.id in rows.index]
    rows = rows.reindex(ids)
    now = period_label(period) if period else "Kỳ này"
    before = period_label(previous_period(period)) if period else "Kỳ trước"
    with chart_style():
        fig, ax = axes_for(ax)
        ax.set_title("Các tỷ lệ toàn huyện so với kỳ trước", pad=30)
        if rows.empty or rows["previous"].isna().all():
            empty_message(ax, "Chưa có số liệu kỳ trước để so sánh")
            return fig
        for i, (_rate, r) in enumerate(rows.iterrows()):
            change = r["change"]
            color = _SAME if pd.isna(change) or abs(change) < 5e-4 else (
                _UP if change > 0 else _DOWN)
            # A plain bar between the two dots: an arrow head would hide a change under 1 point.
            ax.plot([r["previous"], r["value"]], [i, i], color=color, lw=3, alpha=0.6, zorder=2)
            ax.scatter([r["previous"]], [i], s=70, facecolor="white", edgecolor=MUTED, lw=1.6,
                       zorder=3, clip_on=False)
            ax.scatter([r["value"]], [i], s=80, color=color, zorder=4, clip_on=False)
            text = (f"{format_change(change)}   ({format_percent(r['previous'])} → "
                    f"{format_percent(r['value'])})" if pd.notna(change)
                    else f"chưa có kỳ trước ({format_percent(r['value'])})")
            ax.annotate(text, xy=(1, i), xycoords=("axes fraction", "data"), xytext=(10, 0),
                        textcoords="offset points", va="center", fontsize=10, color=color,
                        fontweight="bold")
        short = rate_labels(short=True)
        ax.set_yticks(np.arange(len(ids)), [wrap(short[r], 30) for r in ids])
        ax.set_ylim(len(ids) - 0.5, -0.5)
        shown = rows[["value", "previous"]].to_numpy(dtype=float)
        low = max(0.0, np.floor((np.nanmin(shown) - 0.05) * 10) / 10)
        high = np.ceil((np.nanmax(shown) + 0.02) * 10) / 10
        high = min(high, 1.0) if np.nanmax(shown) <= 1 else high  # no '110 %' tick for 99 %
        ax.set_xlim(low, high)
        percent_axis(ax.xaxis)
        ax.grid(axis="y", visible=False)
        ax.tick_params(axis="y", length=0)
        ax.legend(handles=[
            Line2D([], [], ls="", marker="o", ms=8, mfc="white", mec=MUTED, mew=1.6, label=before),
            Line2D([], [], ls="", marker="o", ms=8, color=INK, label=now)],
            loc="lower left", bbox_to_anchor=(0, 1.0), ncols=2)
    return fig
