"""The one look of every lib03 chart, the small layout helpers the charts share, and how a
chart reaches the disk.

Charts are projected on a 16:9 slide in the meeting and printed in the report, so they share a
print-ready style, and every number on an axis reads like the rest of the report ('50 %',
'1.234'). Figures are plain `matplotlib.figure.Figure` objects, never pyplot figures: nothing
piles up in pyplot's list of open figures, and no backend has to be chosen (a notebook's inline
backend is left alone).
"""

from __future__ import annotations

import io
import sys
import textwrap
from contextlib import AbstractContextManager
from pathlib import Path

import matplotlib as mpl
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from lib03.contract import write_atomic
from lib03.report.formatting import format_number, format_percent

SLIDE_SIZE = (40 / 3, 7.5)  # inches: a 16:9 slide (13.33 × 7.5)
DPI = 200  # sharp when projected and when printed on A4
INK, MUTED, GRID = "#263238", "#78909c", "#e0e0e0"
ACCENT, ALERT, WARN, NO_DATA = "#1565c0", "#c62828", "#ef8f00", "#d9d9d9"
_CREATOR = "lib03"
_NOTE_NAMES = 20  # names a "cannot be computed" note lists before "… and N more"
# A district has about 50 grassroots organisations; a province's thousands cannot be read as
# one bar or row each on a slide, and cost minutes to draw. Past this, a per-unit chart shows
# the units that need attention (the lowest) and says so; every unit is in the workbook.
MAX_UNITS_SHOWN = 50
# Flagged Đảng bộ named on the inspection chart; a province's hundreds would bury the dots.
MAX_FLAGGED_NAMED = 15

_STYLE = {
    "figure.figsize": SLIDE_SIZE, "figure.facecolor": "white", "savefig.facecolor": "white",
    "axes.facecolor": "white", "savefig.dpi": DPI,
    # DejaVu Sans ships with matplotlib and has every Vietnamese letter with its marks.
    "font.family": "sans-serif", "font.sans-serif": ["DejaVu Sans"], "font.size": 11,
    "axes.titlesize": 15, "axes.titleweight": "bold", "axes.titlelocation": "left",
    "axes.titlepad": 10, "axes.labelsize": 11, "xtick.labelsize": 10, "ytick.labelsize": 10,
    "legend.fontsize": 10, "legend.frameon": False,
    "axes.spines.top": False, "axes.spines.right": False, "axes.edgecolor": MUTED,
    "axes.grid": True, "grid.color": GRID, "grid.linewidth": 0.8, "axes.axisbelow": True,
    "text.color": INK, "axes.labelcolor": INK, "xtick.color": INK, "ytick.color": INK,
    "axes.formatter.use_locale": False,  # our formatters decide, not the machine's locale
    # Names come from the units' files: "$x^$" or a backslash must be drawn as typed, never
    # read as mathtext or LaTeX (which mangles the name, or stops the whole report).
    "text.parse_math": False, "text.usetex": False,
    # Same figure, same bytes: fixed ids in the SVG, glyphs as paths (no font needed to view).
    "svg.hashsalt": _CREATOR, "svg.fonttype": "path",
}


def chart_style() -> AbstractContextManager:
    """The lib03 chart style as a context manager; every plot function uses it itself.

    >>> with chart_style():
    ...     mpl.rcParams["font.sans-serif"][0], mpl.rcParams["axes.spines.top"]
    ('DejaVu Sans', False)
    """
    return mpl.rc_context(_STYLE)


def axes_for(ax: Axes | None) -> tuple[Figure, Axes]:
    """The caller's axes and their figure, or a new slide-sized figure with one axes."""
    if ax is not None:
        return ax.figure, ax
    fig = Figure(figsize=SLIDE_SIZE, layout="constrained")
    return fig, fig.add_subplot()


def _clean(value: float) -> float:
    # Tick positions such as 0.30000000000000004 or -0.0 must not show as '30,0' or '-0'.
    return round(value, 9) + 0.0


def percent_axis(axis: Axis, decimals: int = 0) -> None:
    """Ticks of a share axis read '50 %'.

    >>> fig, ax = axes_for(None); percent_axis(ax.xaxis); ax.xaxis.get_major_formatter()(0.5)
    '50 %'
    """
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: format_percent(_clean(v), decimals)))


def count_axis(axis: Axis) -> None:
    """Ticks of a count axis are whole numbers read '1.000'.

    >>> fig, ax = axes_for(None); count_axis(ax.yaxis); ax.yaxis.get_major_formatter()(1000)
    '1.000'
    """
    axis.set_major_locator(MaxNLocator(integer=True))
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: format_number(_clean(v))))


def wrap(text: str, width: int) -> str:
    """Break a long label on spaces, never inside a word.

    >>> wrap("Sinh hoạt có nội dung tiết kiệm, chống tham nhũng", 24)
    'Sinh hoạt có nội dung\\ntiết kiệm, chống tham\\nnhũng'
    """
    return textwrap.fill(str(text), width, break_long_words=False, break_on_hyphens=False)


def text_color(background: str) -> str:
    """Black or white, whichever reads better on a fill colour.

    >>> text_color("#c62828"), text_color("#f9a825")
    ('white', 'black')
    """
    r, g, b = to_rgb(background)
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.55 else "white"


def label_size(count: int, room: float = 380.0) -> float:
    """A font size (points) that lets `count` labels share the height of a slide chart.

    >>> label_size(10), label_size(60), label_size(200)
    (11.0, 6.3, 5.5)
    """
    return round(min(11.0, max(5.5, room / max(count, 1))), 1)


def save_chart(fig: Figure, directory: str | Path, name: str) -> list[Path]:
    """Write `name.png` (200 dpi) and `name.svg` into `directory`; returns both paths.

    The same figure always gives the same bytes (no dates, fixed creator, fixed SVG ids), and
    each file is rendered in full before it replaces an older one.
    """
    if not name or Path(name).name != name:
        raise ValueError(f"Tên biểu đồ không hợp lệ (chỉ là tên tệp, không có thư mục): {name!r}")
    directory = Path(directory)
    rendered = {}
    with chart_style():
        for fmt, metadata in (("png", {"Software": _CREATOR}),
                              ("svg", {"Date": None, "Creator": _CREATOR})):
            buf = io.BytesIO()
            fig.savefig(buf, format=fmt, dpi=DPI, metadata=metadata)
            rendered[directory / f"{name}.{fmt}"] = buf.getvalue()
    for path, data in rendered.items():
        write_atomic(path, data)
    return list(rendered)


def close(fig: Figure) -> None:
    """Free a figure once saved or shown; needed only in long loops or for pyplot figures."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:  # a figure made with plt.subplots stays in pyplot's list otherwise
        pyplot.close(fig)
    fig.clear()


def unique(values: pd.Series) -> list:
    """Values in order of first appearance: the order metrics gave (registry order)."""
    return list(dict.fromkeys(v for v in values if pd.notna(v)))


def names_note(prefix: str, names: list[str]) -> str:
    """A note naming the units a chart could not draw.

    >>> names_note("Không tính được", ["CB A", "CB B"])
    'Không tính được: CB A, CB B'
    """
    shown = ", ".join(names[:_NOTE_NAMES])
    more = len(names) - _NOTE_NAMES
    return wrap(f"{prefix}: {shown}" + (f" và {more} đơn vị khác" if more > 0 else ""), 190)


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


def note_below(ax: Axes, text: str, offset: float = -26) -> None:
    """A small grey note under the axes; the offset is in points so that it clears the tick
    labels whatever the axes' height."""
    ax.annotate(text, xy=(0, 0), xycoords="axes fraction", xytext=(0, offset),
                textcoords="offset points", va="top", ha="left", fontsize=9, color=MUTED)


def empty_message(ax: Axes, text: str) -> None:
    """Say in words, in place of an empty chart, why there is nothing to draw."""
    ax.set_axis_off()
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", fontsize=14,
            color=MUTED)


def share_decimals(share: float) -> int:
    """0 decimals for a round share such as 90 %, else 1.

    >>> share_decimals(0.9), share_decimals(0.855)
    (0, 1)
    """
    return 0 if abs(share * 100 - round(share * 100)) < 1e-9 else 1


def place_labels(ax: Axes, fig: Figure, points: list[tuple[float, float, str]],
                 dots: list[tuple[float, float]]) -> None:
    """Label dots greedily: try offsets around each dot, take the first that covers no dot and
    no label placed before (sizes estimated in points, as the layout is not drawn yet)."""
    box = ax.get_position()
    width = fig.get_figwidth() * 72 * box.width
    height = fig.get_figheight() * 72 * box.height
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()

    def to_points(x: float, y: float) -> tuple[float, float]:
        return (x - x0) / (x1 - x0) * width, (y - y0) / (y1 - y0) * height

    taken = [(px - 5, py - 5, px + 5, py + 5) for px, py in (to_points(*d) for d in dots)]
    offsets = [(dx, dy) for step in (1, 2, 3, 4, 6) for dy in (6 * step, -6 * step)
               for dx in (10, -10)]
    for x, y, text in sorted(points, key=lambda p: (-p[1], p[0])):
        px, py = to_points(x, y)
        lines = text.split("\n")
        w, h = max(map(len, lines)) * 9 * 0.6, len(lines) * 9 * 1.3
        for dx, dy in offsets:
            left = px + dx if dx > 0 else px + dx - w
            bottom = py + dy if dy > 0 else py + dy - h
            cand = (left, bottom, left + w, bottom + h)
            inside = cand[0] >= -40 and cand[2] <= width + 40 and cand[3] <= height
            if inside and not any(_overlap(cand, t) for t in taken):
                break
        else:
            dx, dy = offsets[0]  # crowded everywhere: the nearest place, overlapping
            cand = (px + dx, py + dy, px + dx + w, py + dy + h)
        taken.append(cand)
        # The leader line leaves from the label's corner nearest the dot, not across the text.
        corner = (0 if dx > 0 else 1, 0 if dy > 0 else 1)
        ax.annotate(text, xy=(x, y), xytext=(dx, dy), textcoords="offset points",
                    ha="left" if dx > 0 else "right", va="bottom" if dy > 0 else "top",
                    fontsize=9, color=ALERT, arrowprops={"arrowstyle": "-", "color": ALERT,
                                                         "lw": 0.6, "shrinkA": 0, "shrinkB": 4,
                                                         "relpos": corner})


def _overlap(a: tuple, b: tuple) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
