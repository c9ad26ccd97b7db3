"""The charts of the meeting (docs/du_lieu.md §5): who reported, each rate per unit and per
sector, the monthly cell meetings, inspections and follow-up, and the change since the last
half-year.

Every function takes a frame built by `lib03.report.metrics`, draws on `ax` when one is given
(else on a new 16:9 slide-sized figure) and returns the Figure; it never shows or saves it.
Save with `save_chart(fig, folder, name)`. Figures are plain Figure objects, not pyplot
figures, so nothing accumulates; `close(fig)` frees one early. In a notebook,
`%matplotlib inline` (or importing pyplot) makes a returned Figure display itself.

A rate above 100 % (a unit reporting more than its total: inconsistent data the cleaner keeps
and warns about) never looks like a full one: it is hatched in the 'over' colour and named as
«trên 100 %: số liệu mâu thuẫn» on every chart.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from lib03.report import charts_labels as dot_names
from lib03.report import charts_layout as layout
from lib03.report.charts_grid import plot_monthly_heatmap, plot_sector_rates
from lib03.report.charts_layout import add_footer
from lib03.report.charts_style import (
    ACCENT,
    ALERT,
    COLORS,
    INK,
    LABELS,
    MAX_FLAGGED_NAMED,
    MAX_UNITS_SHOWN,
    MUTED,
    OVER,
    OVER_HATCH,
    OVER_SHARE,
    axes_for,
    chart_style,
    close,
    count_axis,
    label_size,
    percent_axis,
    save_chart,
    share_decimals,
    text_color,
    unique,
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

__all__ = ["add_footer", "chart_style", "close", "plot_changes", "plot_inspection",
           "plot_monthly_heatmap", "plot_reporting_status", "plot_sector_rates",
           "plot_unit_rates", "save_chart"]

_NO_FINDINGS_Y = -0.15  # the row under the follow-up axis for Đảng bộ without findings
_OVER_DOT = {"s": 90, "marker": "D", "facecolor": "white", "hatch": OVER_HATCH}


def plot_reporting_status(status: pd.DataFrame, ax: Axes | None = None) -> Figure:
    """Expected units per reporting status, for the district and each sector (stacked bars);
    the legend names only the statuses some unit has."""
    labels = statuses()
    odd = sorted(set(status["status"]) - set(labels))
    if odd:  # a unit left out of the bars would make the district total wrong without a word
        raise ValueError(f"Tình trạng báo cáo không rõ: {', '.join(map(str, odd))}")
    sector = status["sector"].fillna("").replace("", "Chưa xếp khối")
    with chart_style():
        fig, ax = axes_for(ax)
        ax.set_title("Tình hình gửi báo cáo")
        if status.empty:
            layout.empty_message(ax, "Chưa có đơn vị nào phải báo cáo trong kỳ")
            return fig
        groups = [DISTRICT, *unique(sector)]
        counts = pd.crosstab(sector, status["status"])
        counts = counts.reindex(columns=list(labels), fill_value=0)
        counts.loc[DISTRICT] = counts.sum()
        counts = counts.reindex(groups, fill_value=0)
        shown = [code for code in labels if counts.loc[DISTRICT, code] > 0]
        y, left = np.arange(len(groups)), np.zeros(len(groups))
        widest = max(int(counts.to_numpy().sum(axis=1).max()), 1)
        handles = []
        for code in shown:
            widths, color = counts[code].to_numpy(), COLORS.get(code, MUTED)
            bars = ax.barh(y, widths, left=left, height=0.6, color=color)
            handles.append(Patch(color=color, label=labels[code]["label"]))
            # A segment too thin for its number stays unlabelled; the legend and total remain.
            texts = [format_number(w) if w and w / widest > 0.015 else "" for w in widths]
            ax.bar_label(bars, texts, label_type="center", color=text_color(color),
                         fontsize=10, fontweight="bold")
            left += widths
        sent = sum(counts[c] for c, i in labels.items() if i["reported"] == "1")
        for yi, (n_sent, total) in enumerate(zip(sent, left, strict=True)):
            ax.text(total, yi, f"  đã gửi {format_number(n_sent)}/{format_number(total)}",
                    va="center", fontsize=10, color=INK)
        ax.set_yticks(y, [layout.wrap_balanced(g, 140, 10) for g in groups])
        ax.get_yticklabels()[0].set_fontweight("bold")
        ax.invert_yaxis()
        ax.set_xlim(0, widest * 1.2)
        count_axis(ax.xaxis)
        ax.grid(axis="y", visible=False)
        ax.set_xlabel("Số tổ chức cơ sở đảng phải báo cáo")
        layout.settle(fig)
        layout.legend_above(ax, handles, layout.room(ax))
    return fig


def plot_unit_rates(unit_rates: pd.DataFrame, rate: str, district_value: float,
                    target: float | None = None, ax: Axes | None = None) -> Figure:
    """One bar per unit for one rate, highest on top, with the district line and the target
    (a share 0–1) as a dashed line; units without a value are named in a note, not drawn.
    The values stand in a column right of the plot, where no reference line crosses them."""
    rows = unit_rates[unit_rates["rate"] == rate]
    known = rows[rows["value"].notna()].sort_values(["value", "short_name"],
                                                    ascending=[True, False])
    unknown = rows.loc[rows["value"].isna(), "short_name"].tolist()
    extra = ""
    if len(known) > MAX_UNITS_SHOWN:  # a province: the units to look at, not thousands of bars
        extra = layout.lowest_note(MAX_UNITS_SHOWN, len(known))
        known = known.head(MAX_UNITS_SHOWN)
    title = rate_labels().get(rate, rate)
    with chart_style():
        fig, ax = axes_for(ax)
        n = len(known)
        handles, values = [], []
        if not n:
            layout.empty_message(ax, "Chưa đơn vị nào tính được tỷ lệ này")
        else:
            handles, values = _unit_bars(ax, known, district_value, target)
        layout.settle(fig)
        layout.set_title(ax, title, layout.room(ax), extra=extra)
        if handles:
            layout.legend_above(ax, handles, layout.room(ax))
        if unknown:
            layout.note_below(ax, layout.names_note_within(
                "Không tính được (thiếu số liệu)", unknown, layout.room(ax)))
        if values:
            layout.fit_rows(ax, values)
    return fig


def _unit_bars(ax: Axes, known: pd.DataFrame, district_value: float,
               target: float | None) -> tuple[list, list]:
    """The bars, value column and reference lines of `plot_unit_rates`; the legend handles
    and the values' texts."""
    values = known["value"].to_numpy(dtype=float)
    n, size = len(values), label_size(len(values))
    has_target = target is not None and pd.notna(target)
    over = values > OVER_SHARE
    kinds = ["over" if o else "under" if has_target and v < target else "accent"
             for v, o in zip(values, over, strict=True)]
    # A bar over 100 % stops at the plot's edge so as not to squash every other unit's bar.
    edge = 1.1 if over.any() or max(district_value or 0, target or 0) > 1 else 1.02
    bars = ax.barh(np.arange(n), np.minimum(values, edge), height=0.72,
                   color=[COLORS[k] for k in kinds])
    for bar, is_over in zip(bars, over, strict=True):
        if is_over:
            bar.set(facecolor="white", edgecolor=OVER, hatch=OVER_HATCH, linewidth=0.8)
    shown = layout.value_column(ax, [format_percent(v) for v in values], size, bold=over)
    names = [layout.wrap_balanced(s, 200, size) if n <= 20 else s for s in known["short_name"]]
    ax.set_yticks(np.arange(n), names, fontsize=size)
    ax.set_ylim(-0.6, n - 0.4)
    ax.set_xlim(0, edge)
    ax.set_xticks(np.arange(0, 1 + 1e-9, 0.2))
    percent_axis(ax.xaxis)
    ax.grid(axis="y", visible=False)
    ax.tick_params(axis="y", length=0)
    words = {"accent": LABELS["on_target"] if has_target else LABELS["rate"],
             "under": LABELS["under"]}
    handles = [Patch(color=COLORS[k], label=words[k]) for k in ("accent", "under")
               if k in kinds and (has_target or k == "accent")]
    if over.any():
        handles.append(layout.over_patch(LABELS["over"]))
    if len(handles) == 1 and not over.any():
        handles = []  # one colour for every bar says nothing a legend must explain
    if pd.notna(district_value):
        ax.axvline(min(district_value, edge), color=INK, lw=1.4)
        handles.append(Line2D([], [], color=INK, lw=1.4,
                              label=f"{LABELS['district']} {format_percent(district_value)}"))
    if has_target:
        ax.axvline(min(target, edge), color=ALERT, lw=1.4, ls="--")
        goal = format_percent(target, share_decimals(target))
        handles.append(Line2D([], [], color=ALERT, lw=1.4, ls="--",
                              label=f"{LABELS['target']} {goal}"))
    return handles, shown


def _inspection_label(row: pd.Series) -> str:
    """The name, plus the reason when the dot's place does not show it (no activity, overdue,
    a share above 100 %)."""
    words = flags()
    hidden = [words[f]["label"].lower() for f in str(row["flags"]).split(";")
              if f in words and f not in ("low_coverage", "low_followup")]
    if row["over"]:
        hidden.append(LABELS["over_short"])  # the hatched diamond and its legend say the rest
    return row["short_name"] + (f" ({'; '.join(hidden)})" if hidden else "")


def plot_inspection(inspection: pd.DataFrame, coverage_min: float, followup_min: float,
                    ax: Axes | None = None) -> Figure:
    """Coverage of subordinate cells (x) against findings resolved (y) per Đảng bộ cơ sở;
    thresholds are percents (50.0). Flagged Đảng bộ are red and named (past
    MAX_FLAGGED_NAMED, the lowest of them); a share above 100 % is a hatched diamond, named;
    those without findings sit on their own row under the axis; those without a coverage are
    named in a note."""
    frame = inspection.assign(
        y=inspection["followup"].fillna(_NO_FINDINGS_Y),
        flagged=inspection["flagged"].fillna(False).astype(bool),
        over=(inspection["coverage"] > OVER_SHARE) | (inspection["followup"] > OVER_SHARE))
    placed, lost = frame[frame["coverage"].notna()], frame[frame["coverage"].isna()]
    named = placed[placed["flagged"] & ~placed["over"]]
    extra = ""
    if len(named) > MAX_FLAGGED_NAMED:  # a province: name the weakest, draw every dot
        extra = layout.named_note(MAX_FLAGGED_NAMED, len(named))
        worst = named[["coverage", "followup"]].min(axis=1)
        named = named.assign(worst=worst).sort_values(["worst", "short_name"],
                                                      kind="stable").head(MAX_FLAGGED_NAMED)
    named = pd.concat([named, placed[placed["over"]].head(MAX_FLAGGED_NAMED)])
    with chart_style():
        fig, ax = axes_for(ax)
        if frame.empty:
            ax.set_title("Kiểm tra, giám sát chi bộ trực thuộc và khắc phục kiến nghị")
            layout.empty_message(ax, "Chưa có Đảng bộ cơ sở nào báo cáo")
            return fig
        handles = _inspection_dots(ax, placed)
        _inspection_axes(ax, placed, coverage_min, followup_min)
        layout.settle(fig)
        layout.set_title(ax, "Kiểm tra, giám sát chi bộ trực thuộc và khắc phục kiến nghị",
                         layout.room(ax), extra=extra)
        layout.legend_above(ax, handles, layout.room(ax))
        groups = named.groupby([named["coverage"].round(3), named["y"].round(3)], sort=False)
        labels = [(x, y, "\n".join(_inspection_label(r) for _, r in g.iterrows()),
                   ALERT if g["flagged"].any() else INK) for (x, y), g in groups]
        notes = [("Không tính được tỷ lệ kiểm tra, giám sát (thiếu số chi bộ trực thuộc)",
                  lost["short_name"].tolist())] if len(lost) else []
        dot_names.name_dots(ax, labels, list(zip(placed["coverage"], placed["y"], strict=True)),
                         notes)
    return fig


def _inspection_dots(ax: Axes, placed: pd.DataFrame) -> list:
    """The dots of `plot_inspection`; the legend counts every flagged Đảng bộ, as the report
    does, even one drawn as a share above 100 % (a diamond edged in the flag's colour)."""
    over, flagged = placed["over"], placed["flagged"]
    handles = []
    for rows, label, count, style in (
            (~flagged & ~over, "Không bị đánh dấu", ~flagged,
             {"s": 50, "color": ACCENT, "alpha": 0.55, "edgecolor": "white"}),
            (flagged & ~over, "Bị đánh dấu", flagged,
             {"s": 70, "color": ALERT, "alpha": 0.95, "edgecolor": "white"}),
            (over, LABELS["over"], over, _OVER_DOT | {"edgecolor": OVER})):
        if rows.any() or label != LABELS["over"]:
            part = placed[rows]
            handles.append(ax.scatter(part["coverage"], part["y"], linewidth=0.8, zorder=3,
                                      label=f"{label} ({format_number(count.sum())})",
                                      **style))
    both = placed[flagged & over]  # edged again, on top, in the flag's colour
    ax.scatter(both["coverage"], both["y"], linewidth=1.2, zorder=4, edgecolor=ALERT, **_OVER_DOT)
    return handles


def _inspection_axes(ax: Axes, placed: pd.DataFrame, coverage_min: float,
                     followup_min: float) -> None:
    """Limits, ticks, the row of Đảng bộ without findings and the two thresholds."""
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
        ax.set_title("Các tỷ lệ toàn huyện so với kỳ trước")
        if rows.empty or rows["previous"].isna().all():
            layout.empty_message(ax, "Chưa có số liệu kỳ trước để so sánh")
            return fig
        seen = []
        for i, (_rate, r) in enumerate(rows.iterrows()):
            change = r["change"]
            way = "same" if pd.isna(change) or abs(change) < 5e-4 else (
                "up" if change > 0 else "down")
            color = COLORS[way]
            # A plain bar between the two dots: an arrow head would hide a change under 1 point.
            ax.plot([r["previous"], r["value"]], [i, i], color=color, lw=3, alpha=0.6, zorder=2)
            ax.scatter([r["previous"]], [i], s=70, facecolor="white", edgecolor=MUTED, lw=1.6,
                       zorder=3, clip_on=False)
            if pd.notna(r["value"]):
                ax.scatter([r["value"]], [i], s=80, color=color, zorder=4, clip_on=False)
                seen.append(way)
            ax.annotate(_change_text(r), xy=(1, i), xycoords=("axes fraction", "data"),
                        xytext=(10, 0), textcoords="offset points", va="center", fontsize=10,
                        color=color if way != "same" else INK, fontweight="bold")
        short = rate_labels(short=True)
        ax.set_yticks(np.arange(len(ids)), [layout.wrap_balanced(short[r], 170, 10) for r in ids])
        ax.set_ylim(len(ids) - 0.5, -0.5)
        shown = rows[["value", "previous"]].to_numpy(dtype=float)
        low = max(0.0, np.floor((np.nanmin(shown) - 0.05) * 10) / 10)
        high = np.ceil((np.nanmax(shown) + 0.02) * 10) / 10
        high = min(high, 1.0) if np.nanmax(shown) <= 1 else high  # no '110 %' tick for 99 %
        # A little room left of the lowest dot, which would otherwise sit on the names.
        ax.set_xlim(low - 0.02 * (high - low), high)
        ax.set_xticks(np.arange(low, high + 1e-9, 0.1 if high - low <= 0.8 else 0.2))
        percent_axis(ax.xaxis)
        ax.grid(axis="y", visible=False)
        ax.tick_params(axis="y", length=0)
        # The legend shows the dots as drawn: hollow grey before, filled in the direction's
        # colour now (only the directions present).
        handles = [Line2D([], [], ls="", marker="o", ms=8, mfc="white", mec=MUTED, mew=1.6,
                          label=before)]
        handles += [Line2D([], [], ls="", marker="o", ms=8, color=COLORS[way],
                           label=f"{now}: {LABELS[way]}")
                    for way in ("up", "down", "same") if way in seen]
        layout.settle(fig)
        layout.legend_above(ax, handles, layout.room(ax))
    return fig


def _change_text(r: pd.Series) -> str:
    """What stands right of a rate's row: the change and both values, or what is missing."""
    if pd.isna(r["value"]):
        return f"kỳ này chưa tính được (kỳ trước {format_percent(r['previous'])})"
    if pd.isna(r["previous"]):
        return f"chưa có kỳ trước ({format_percent(r['value'])})"
    return (f"{format_change(r['change'])}   ({format_percent(r['previous'])} → "
            f"{format_percent(r['value'])})")
