"""Where the texts of a chart go, so that none covers another or leaves the slide.

Estimating a label's size from its number of letters is what put labels on top of each other
(a Vietnamese letter with two marks is wider and taller than an «i»), so texts are measured
with the font they are drawn in, and texts placed around the plot (wrapped titles and notes,
legend rows, names beside dots) are placed after the layout has set the axes where they will
be drawn: `settle` runs it. tests/test_chart_layout.py checks the result with the renderer.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import QuadMesh
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.legend import Legend
from matplotlib.patches import Patch, Rectangle
from matplotlib.textpath import text_to_path
from matplotlib.transforms import offset_copy

from lib03.report.charts_style import (
    INK,
    MUTED,
    OVER,
    OVER_HATCH,
    SHARE_CMAP,
    percent_axis,
    text_color,
)
from lib03.report.formatting import format_number

_NOTE_NAMES = 20  # names a "cannot be computed" note lists before "… and N more"
_NBSP = "\u00a0"
GAP = 6.0  # points between a text and what it must not touch
_NOTE_SIZE = 9
_TITLE_SIZE = 15  # axes.titlesize of the chart style


# --- measuring and wrapping -------------------------------------------------------------------

def text_width(text: str, size: float, weight: str = "normal") -> float:
    """The width in points of the widest line of `text`, in the charts' font.

    >>> text_width("Hồ Chí Minh", 10) > text_width("Ho Chi Minh", 10) * 0.99
    True
    """
    return max(_line_width(line, size, weight) for line in str(text).split("\n"))


@lru_cache(maxsize=4096)
def _line_width(line: str, size: float, weight: str) -> float:
    prop = FontProperties(family="DejaVu Sans", size=size, weight=weight)
    return text_to_path.get_text_width_height_descent(line, prop, ismath=False)[0]


def _keep_together(text: str) -> str:
    """No-break spaces inside what a line must not split: a proper name (capitalised words
    in a row after the first word: «Hồ Chí Minh», «Mẫu Sơn») and a number and its «%».

    >>> _keep_together("Khối Đảng, Mặt trận, tấm gương Hồ Chí Minh: 90 %").split(" ")
    ['Khối', 'Đảng,', 'Mặt', 'trận,', 'tấm', 'gương', 'Hồ\xa0Chí\xa0Minh:', '90\xa0%']
    """
    words = text.split(" ")
    out = words[:1]
    for i, word in enumerate(words[1:], start=1):
        before = words[i - 1]
        name = (i > 1 and word[:1].isupper() and before[:1].isupper()
                and before[-1:] not in ",;:.")  # «Đảng, Mặt trận»: two names, not one
        if out and (name or word == "%"):
            out[-1] += _NBSP + word
        else:
            out.append(word)
    return " ".join(out)


def wrap_to_width(text: str, width: float, size: float, weight: str = "normal") -> str:
    """Break `text` on spaces so that no line is wider than `width` points (a single word
    wider than that stays whole), never inside a name.

    >>> wrap_to_width("làm theo tấm gương đạo đức Hồ Chí Minh", 120, 10)
    'làm theo tấm gương\\nđạo đức Hồ Chí Minh'
    """
    space = _line_width("a a", size, weight) - 2 * _line_width("a", size, weight)
    lines = []
    for paragraph in str(text).split("\n"):
        line, used = "", 0.0
        for word in _keep_together(paragraph).split(" "):
            # Words measured one by one (a line's width is theirs and the spaces'), with a
            # margin for the kerning between them.
            wide = _line_width(word.replace(_NBSP, " "), size, weight)
            if line and (used + space + wide) * 1.02 > width:
                lines.append(line)
                line, used = word, wide
            else:
                line, used = (f"{line} {word}", used + space + wide) if line else (word, wide)
        lines.append(line)
    return "\n".join(lines).replace(_NBSP, " ")


def wrap_balanced(text: str, width: float, size: float, weight: str = "normal") -> str:
    """As few lines as fit in `width` points, of about the same length: a title broken into
    a long line and a stray word reads as two titles.

    >>> print(wrap_balanced("Tỷ lệ lượt sinh hoạt chi bộ có nội dung học tập và làm theo tấm "
    ...                     "gương đạo đức Hồ Chí Minh, theo tháng", 700, 15, "bold"))
    Tỷ lệ lượt sinh hoạt chi bộ có nội dung học tập và làm
    theo tấm gương đạo đức Hồ Chí Minh, theo tháng
    """
    lines = wrap_to_width(text, width, size, weight).count("\n")
    low, high = width / (lines + 1), width
    for _ in range(12):  # the narrowest width that needs no more lines
        middle = (low + high) / 2
        if wrap_to_width(text, middle, size, weight).count("\n") > lines:
            low = middle
        else:
            high = middle
    return wrap_to_width(text, high, size, weight)


# --- the layout of a figure -------------------------------------------------------------------

def settle(fig: Figure) -> None:
    """Run the figure's layout now, so that the axes are where they will be drawn."""
    fig.draw_without_rendering()


def room(ax: Axes) -> float:
    """Points from the axes' left edge to the figure's right edge, less a margin: the width a
    title or a note starting at the axes can use (call after `settle`)."""
    fig = ax.figure
    return (1 - ax.get_position().x0) * fig.get_figwidth() * 72 - 2 * GAP


def _points(ax: Axes, pixels: float) -> float:
    return pixels * 72 / ax.figure.dpi


def set_title(ax: Axes, title: str, width: float, extra: str = "") -> None:
    """The chart's title, bold, wrapped at word boundaries into lines of balanced length
    within `width` points; `extra` goes on the line(s) after it (what the chart leaves out)."""
    lines = [wrap_balanced(title, width, _TITLE_SIZE, "bold")]
    if extra:
        lines.append(wrap_to_width(extra, width, _TITLE_SIZE, "bold"))
    ax.set_title("\n".join(lines))


def _columns(handles: list, width: float, size: float) -> int:
    """How many legend entries fit side by side in `width` points, as Matplotlib lays them
    out: handle, gap, text; columns two font sizes apart, filled by `np.array_split`."""
    entries = np.array([2.8 * size + text_width(h.get_label(), size) for h in handles])
    for cols in range(len(entries), 1, -1):
        widths = [part.max() for part in np.array_split(entries, cols) if len(part)]
        if (sum(widths) + 2.0 * size * (len(widths) - 1) + 1.0 * size) * 1.04 <= width:
            return cols
    return 1


def legend_above(ax: Axes, handles: list, width: float, size: float = 10) -> Legend:
    """A legend in one or more rows between the title and the axes (as many entries to a row
    as `width` points allow); the title is moved up to clear it."""
    cols = _columns(handles, width, size)
    rows = -(-len(handles) // cols)
    legend = ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.0), ncols=cols,
                       fontsize=size, borderaxespad=0.2, frameon=False)
    # Each row is a line of text and half a line between rows; the title sits on a baseline.
    ax.set_title(ax.get_title(loc="left"), loc="left",
                 pad=rows * 1.25 * size + (rows - 1) * 0.5 * size + 0.8 * size + 10)
    return legend


def legend_below(ax: Axes, handles: list, width: float, size: float = 9) -> Legend:
    """A legend under everything below the axes, in as many rows as `width` points need."""
    fig = ax.figure
    anchor = offset_copy(ax.transAxes, fig=fig, x=0, y=-below(ax) - 2, units="points")
    return ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0, 0),
                     bbox_transform=anchor, ncols=_columns(handles, width, size),
                     fontsize=size, borderaxespad=0, frameon=False)


def below(ax: Axes) -> float:
    """Points from the axes' bottom edge to the bottom of everything drawn under it (tick
    labels, axis label, notes), after `settle`."""
    return max(0.0, _points(ax, ax.bbox.y0 - ax.get_tightbbox().y0))


def note_below(ax: Axes, text: str, width: float | None = None) -> None:
    """A small grey note under everything below the axes, wrapped within `width` points
    (default: the room right of the axes' left edge); call when the rest is drawn."""
    fig = ax.figure
    settle(fig)
    text = wrap_to_width(text, width or room(ax), _NOTE_SIZE)
    ax.annotate(text, xy=(0, 0), xycoords="axes fraction", xytext=(0, -below(ax) - 4),
                textcoords="offset points", va="top", ha="left", fontsize=_NOTE_SIZE,
                color=MUTED)


def names_note_within(prefix: str, names: list[str], width: float, lines: int = 3) -> str:
    """`names_note`, naming only as many units as `lines` lines of `width` points hold (the
    rest counted), so that a long list does not push the chart off the slide.

    >>> names_note_within("Không tính được", ["CB A", "CB B", "CB C"], 150, 1)
    'Không tính được: CB A và 2 đơn vị khác'
    """
    def note(shown: int) -> str:
        more = len(names) - shown
        text = names_note(prefix, names[:shown])
        return text + (f" và {format_number(more)} đơn vị khác" if more > 0 else "")

    def fits(shown: int) -> bool:
        return wrap_to_width(note(shown), width, _NOTE_SIZE).count("\n") < lines

    low, high = 1, min(len(names), _NOTE_NAMES)  # the most names that fit, found by halving
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if fits(middle) else (low, middle - 1)
    return note(low)


def add_footer(fig: Figure, text: str) -> None:
    """The line saying whose data and which period, in the band `axes_for` keeps free at the
    bottom right; a chart pasted alone into a slide still says where it comes from."""
    fig.text(0.995, 0.004, text, ha="right", va="bottom", fontsize=9, color=MUTED,
             parse_math=False)


def empty_message(ax: Axes, text: str) -> None:
    """Say in words, in place of an empty chart, why there is nothing to draw."""
    ax.set_axis_off()
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", fontsize=14,
            color=MUTED)


def value_column(ax: Axes, texts: list[str], size: float, bold=None) -> list:
    """The values of a one-row-per-unit chart in a column right of the axes, aligned on their
    right edge: no reference line drawn across the plot can run through them."""
    bold = [False] * len(texts) if bold is None else bold
    width = max(text_width(t, size, "bold") for t in texts)
    return [ax.annotate(text, xy=(1, y), xycoords=("axes fraction", "data"),
                        xytext=(GAP + width, 0), textcoords="offset points", ha="right",
                        va="center", fontsize=size, color=INK,
                        fontweight="bold" if strong else "normal")
            for y, (text, strong) in enumerate(zip(texts, bold, strict=True))]


def fit_rows(ax: Axes, values: list) -> None:
    """Shrink the y tick labels and the `value_column` texts to the height of a row, measured
    once the title, legend and notes have taken their room (40 long names, a long note)."""
    fig = ax.figure
    settle(fig)
    names = ax.get_yticklabels()
    size = names[0].get_fontsize()
    lines = max(t.get_text().count("\n") + 1 for t in names)
    pitch = ax.bbox.height * 72 / fig.dpi / len(values)
    fit = round(min(size, pitch / (1.3 * lines)), 1)
    if fit < size:
        ax.tick_params(axis="y", labelsize=fit)
        for value in values:
            value.set_fontsize(fit)
            value.xyann = (GAP + (value.xyann[0] - GAP) * fit / size, 0)


# --- notes in words ---------------------------------------------------------------------------

def names_note(prefix: str, names: list[str]) -> str:
    """A note naming the units a chart could not draw.

    >>> names_note("Không tính được", ["CB A", "CB B"])
    'Không tính được: CB A, CB B'
    """
    shown = ", ".join(names[:_NOTE_NAMES])
    more = len(names) - _NOTE_NAMES
    return f"{prefix}: {shown}" + (f" và {more} đơn vị khác" if more > 0 else "")


def lowest_note(shown: int, total: int) -> str:
    """The title line of a per-unit chart that shows only its lowest units.

    >>> lowest_note(50, 1234)
    '50 đơn vị thấp nhất trong 1.234 (đủ các đơn vị: bang_tong_hop.xlsx)'
    """
    return (f"{shown} đơn vị thấp nhất trong {format_number(total)} "
            "(đủ các đơn vị: bang_tong_hop.xlsx)")


def named_note(shown: int, total: int) -> str:
    """The title line of the inspection chart when it names only some flagged Đảng bộ.

    >>> named_note(15, 334)
    'Ghi tên 15 trong 334 Đảng bộ bị đánh dấu, tỷ lệ thấp nhất (đủ danh sách: bang_tong_hop.xlsx)'
    """
    return (f"Ghi tên {shown} trong {format_number(total)} Đảng bộ bị đánh dấu, tỷ lệ thấp nhất "
            "(đủ danh sách: bang_tong_hop.xlsx)")


# --- a grid of shares (heat maps) -------------------------------------------------------------

def over_patch(label: str) -> Patch:
    """The legend swatch of a value above 100 %: hatched, as its cell or bar is."""
    return Patch(facecolor="white", edgecolor=OVER, hatch=OVER_HATCH, label=label)


def share_grid(ax: Axes, values: np.ndarray, labels: list[list[str]], size: float,
               bold: np.ndarray | None = None) -> QuadMesh:
    """Rows × columns of shares coloured by value (SHARE_CMAP; grey without a value), each
    cell with its label; a share above 100 % is not a colour of the scale but a white cell
    hatched in the 'over' colour, so that it never passes for a full one."""
    mesh = ax.pcolormesh(np.ma.masked_invalid(values), cmap=SHARE_CMAP, vmin=0, vmax=1,
                         edgecolors="white", linewidth=1.5)
    bold = np.zeros(values.shape, bool) if bold is None else bold
    for (i, j), v in np.ndenumerate(values):
        over = v > 1 + 1e-9
        if over:  # under the mesh, whose white lines keep the cells apart
            ax.add_patch(Rectangle((j, i), 1, 1, facecolor="white", hatch=OVER_HATCH,
                                   edgecolor=OVER, linewidth=0, zorder=0.5))
        fill = SHARE_CMAP.get_bad() if np.isnan(v) else (1, 1, 1, 1) if over else SHARE_CMAP(v)
        text = ax.text(j + 0.5, i + 0.5, labels[i][j], ha="center", va="center", fontsize=size,
                       color=INK if over else text_color(fill),
                       fontweight="bold" if bold[i, j] or over else "normal")
        if over:  # the number stays readable on the hatching
            text.set_bbox({"facecolor": "white", "edgecolor": "none", "pad": 1})
    ax.set_xlim(0, values.shape[1])
    ax.set_ylim(values.shape[0], 0)
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return mesh


def share_colorbar(ax: Axes, mesh: QuadMesh) -> None:
    """The key of a `share_grid`: a thin bar right of it, 0 % to 100 %."""
    bar = ax.figure.colorbar(mesh, ax=ax, fraction=0.02, pad=0.015,
                                            ticks=np.linspace(0, 1, 5))
    percent_axis(bar.ax.yaxis)
    bar.outline.set_visible(False)


# --- names beside dots ------------------------------------------------------------------------
