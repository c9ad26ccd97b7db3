"""The one look of every lib03 chart: its colours and words (one table each), the style, the
axis formats, and how a chart reaches the disk. Where things go on a chart: `charts_layout`.

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
import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.colors import ListedColormap, to_rgb
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.ticker import FuncFormatter, MaxNLocator

from lib03.contract import write_atomic
from lib03.report.formatting import format_number, format_percent

SLIDE_SIZE = (40 / 3, 7.5)  # inches: a 16:9 slide (13.33 × 7.5)
DPI = 200  # sharp when projected and when printed on A4
_CREATOR = "lib03"
# A district has about 50 grassroots organisations; a province's thousands cannot be read as
# one bar or row each on a slide, and cost minutes to draw. Past this, a per-unit chart shows
# the units that need attention (the lowest) and says so; every unit is in the workbook.
MAX_UNITS_SHOWN = 50
# Flagged Đảng bộ named on the inspection chart; a province's hundreds would bury the dots.
MAX_FLAGGED_NAMED = 15
# The strip under a slide chart kept free for the footer (district and period, added by the
# notebook): the chart's own texts stop above it.
FOOTER_BAND = 16 / 72  # inches

# Okabe & Ito's colours stay distinct for every common kind of colour-blindness (a tenth of
# the men in a meeting): every colour of a chart is one of these, or a grey.
_OKABE_ITO = {"orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73", "yellow": "#F0E442",
              "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7"}
# What each colour means, for every chart; the words that go with it are in LABELS.
COLORS = {
    "ink": "#263238", "muted": "#78909c", "grid": "#e0e0e0", "no_data": "#d9d9d9",
    "accent": _OKABE_ITO["blue"],  # a value with nothing to say about it
    "under": _OKABE_ITO["orange"],  # under the target
    "alert": _OKABE_ITO["vermillion"],  # the target line, a flagged Đảng bộ
    "over": _OKABE_ITO["purple"],  # above 100 %: inconsistent data, always hatched as well
    "up": _OKABE_ITO["blue"], "down": _OKABE_ITO["vermillion"], "same": "#78909c",
    # Reporting status (domain/statuses.csv): sent on time is the norm, not sent the alarm;
    # no two neighbours in a bar are both warm colours.
    "on_time": _OKABE_ITO["blue"], "no_date": _OKABE_ITO["sky"], "late": _OKABE_ITO["yellow"],
    "unusable": _OKABE_ITO["purple"], "missing": _OKABE_ITO["vermillion"],
}
LABELS = {
    "over": "Trên 100 %: số liệu mâu thuẫn",
    "over_short": "trên 100 %",  # beside a name, next to the hatched mark and its legend
    "on_target": "Đạt chỉ tiêu", "under": "Dưới chỉ tiêu", "rate": "Tỷ lệ",
    "district": "Toàn huyện", "target": "Chỉ tiêu",
    "blank": "«–»: đơn vị không ghi số liệu tháng đó",
    "no_meeting": "«0 lượt»: đơn vị ghi là không có chi bộ nào sinh hoạt trong tháng",
    "no_group_value": "«–»: khối không có đơn vị nào tính được tỷ lệ này",
    "up": "tăng", "down": "giảm", "same": "không đổi",
}
OVER_HATCH = "////"
OVER_SHARE = 1 + 1e-9  # a share above this is more than 100 % (not a rounding of 100 %)
INK, MUTED, GRID, NO_DATA = COLORS["ink"], COLORS["muted"], COLORS["grid"], COLORS["no_data"]
ACCENT, ALERT, WARN, OVER = COLORS["accent"], COLORS["alert"], COLORS["under"], COLORS["over"]
# Shares on a grid (heat maps): one blue, dark where the share is low, so that the cells to
# talk about stand out and 100 % recedes; a single hue reads the same for every eye.
# Above 100 % the mesh paints nothing: the hatched cell under it shows (`share_grid`).
SHARE_CMAP = ListedColormap(colormaps["Blues"](np.linspace(0.95, 0.1, 256)),
                            name="lib03_share").with_extremes(bad=NO_DATA, over=(1, 1, 1, 0))

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
    # The one hatching of the charts marks a share above 100 %; set here, not per artist, as
    # Matplotlib before 3.10 has no per-artist hatch colour.
    "hatch.color": OVER, "hatch.linewidth": 1.0,
}


def chart_style() -> AbstractContextManager:
    """The lib03 chart style as a context manager; every plot function uses it itself.

    >>> with chart_style():
    ...     mpl.rcParams["font.sans-serif"][0], mpl.rcParams["axes.spines.top"]
    ('DejaVu Sans', False)
    """
    return mpl.rc_context(_STYLE)


def axes_for(ax: Axes | None) -> tuple[Figure, Axes]:
    """The caller's axes and their figure, or a new slide-sized figure with one axes whose
    layout keeps the footer band free."""
    if ax is not None:
        return ax.figure, ax
    band = FOOTER_BAND / SLIDE_SIZE[1]
    fig = Figure(figsize=SLIDE_SIZE,
                 layout=ConstrainedLayoutEngine(rect=(0, band, 1, 1 - band)))
    return fig, fig.add_subplot()


def _clean(value: float) -> float:
    # Tick positions such as 0.30000000000000004 or -0.0 must not show as '30,0' or '-0'.
    return round(value, 9) + 0.0


def minus(text: str) -> str:
    """A number's leading hyphen as the minus sign «−» the report writes everywhere.

    >>> minus("-10 %"), minus("Tân Phú - Mẫu Sơn")
    ('−10 %', 'Tân Phú - Mẫu Sơn')
    """
    return "−" + text[1:] if text[:1] == "-" else text


def percent_axis(axis: Axis, decimals: int = 0) -> None:
    """Ticks of a share axis read '50 %' (and '−10 %').

    >>> fig, ax = axes_for(None); percent_axis(ax.xaxis); ax.xaxis.get_major_formatter()(-0.1)
    '−10 %'
    """
    axis.set_major_formatter(FuncFormatter(
        lambda v, _pos: minus(format_percent(_clean(v), decimals))))


def count_axis(axis: Axis) -> None:
    """Ticks of a count axis are whole numbers read '1.000'.

    >>> fig, ax = axes_for(None); count_axis(ax.yaxis); ax.yaxis.get_major_formatter()(1000)
    '1.000'
    """
    axis.set_major_locator(MaxNLocator(integer=True))
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: minus(format_number(_clean(v)))))


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


def share_decimals(share: float) -> int:
    """0 decimals for a round share such as 90 %, else 1.

    >>> share_decimals(0.9), share_decimals(0.855)
    (0, 1)
    """
    return 0 if abs(share * 100 - round(share * 100)) < 1e-9 else 1
