"""Chart layout as the reader sees it: on the sample district and on a synthetic worst case
(40 units with long names, rates of 0 %, 100 %, 120 % and none), no two texts of a chart
overlap and none leaves the canvas. Extents come from the renderer that draws the PNG, after
the notebook's footer is added, so a label that only looks fine in an estimate fails here."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import SimpleNamespace

import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text

from lib03.config import load_settings
from lib03.report import charts, metrics
from lib03.report.charts_style import DPI, chart_style
from lib03.report.facts import PeriodFacts
from lib03.report.formatting import rates, statuses
from lib03.report.notebook import Context, show_figure

NAN = math.nan
TOUCH = 1.0  # pixels two texts may share (anti-aliasing), at the PNG's 200 dpi
PERIOD = "2014-H1"

LONG_NAMES = [  # the longest kinds of names a district's registry holds
    "Đảng bộ Công ty Cổ phần Cao su Mẫu Sơn", "Chi bộ Trường Trung học phổ thông Tân Phú",
    "Chi bộ Phòng Nông nghiệp và Phát triển nông thôn", "Đảng bộ Bệnh viện Đa khoa huyện",
    "Chi bộ Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện",
    "Đảng bộ xã Phước Hòa Thượng", "Chi bộ Ngân hàng Nông nghiệp và Phát triển nông thôn",
    "Chi bộ Trung tâm Giáo dục nghề nghiệp - Giáo dục thường xuyên",
]
LONG_SECTORS = ["Khối các cơ quan Đảng, Mặt trận Tổ quốc và các đoàn thể huyện",
                "Khối cơ quan quản lý nhà nước, đơn vị sự nghiệp công lập", "Khối doanh nghiệp",
                "Khối xã, thị trấn", "Khối lực lượng vũ trang huyện"]
VALUES = [0.0, 1.0, 1.2, NAN]  # none, all, more than all (inconsistent data), no figure


def names(n: int = 40) -> list[str]:
    return [f"{LONG_NAMES[i % len(LONG_NAMES)]} số {i + 1}" for i in range(n)]


# --- what is measured -------------------------------------------------------------------------

@contextmanager
def recording_texts() -> Iterator[list[Text]]:
    """Every Text the renderer really draws (a tick outside the view, an empty title or an
    axis switched off draws nothing), in drawing order."""
    drawn: list[Text] = []
    original = Text.draw

    def draw(self, renderer):
        original(self, renderer)
        if self.get_visible() and self.get_text().strip() and self not in drawn:
            drawn.append(self)

    Text.draw = draw
    try:
        yield drawn
    finally:
        Text.draw = original


def laid_out(fig: Figure) -> tuple[list[tuple[str, object]], object]:
    """Draw the figure as the PNG is drawn; each drawn text with its extent, and the renderer."""
    canvas = FigureCanvasAgg(fig)
    fig.set_dpi(DPI)
    with chart_style(), recording_texts() as drawn:
        canvas.draw()
    renderer = canvas.get_renderer()
    # The text itself: an annotation's extent would also hold its leader line.
    return [(t.get_text(), Text.get_window_extent(t, renderer)) for t in drawn], renderer


def depth(a, b) -> float:
    """How far two boxes overlap (the smaller of the two overlaps), 0 when apart."""
    return max(0.0, min(min(a.x1, b.x1) - max(a.x0, b.x0), min(a.y1, b.y1) - max(a.y0, b.y0)))


def assert_readable(fig: Figure) -> None:
    """No text leaves the canvas, no two texts overlap, no hyphen stands for a minus."""
    boxes, _ = laid_out(fig)
    page = fig.bbox
    outside = [text for text, box in boxes
               if box.x0 < page.x0 - TOUCH or box.y0 < page.y0 - TOUCH
               or box.x1 > page.x1 + TOUCH or box.y1 > page.y1 + TOUCH]
    assert not outside, f"text leaves the canvas: {outside}"
    overlapping = [(one, two) for (one, a), (two, b) in itertools.combinations(boxes, 2)
                   if depth(a, b) > TOUCH]
    assert not overlapping, f"texts overlap: {overlapping[:8]}"
    # A negative number is written with the minus sign «−», never a hyphen.
    hyphens = [text for text, _ in boxes if re.search(r"(^|[\s(])-\d", text)]
    assert not hyphens, f"a hyphen for a minus sign: {hyphens}"


def with_footer(fig: Figure) -> Figure:
    """The figure as the report shows it: with the notebook's footer (district and period)."""
    facts = SimpleNamespace(settings=SimpleNamespace(district="huyện Mẫu Sơn"),
                            label="6 tháng đầu năm 2014")
    show_figure(Context(facts, None), fig, "bieu_do", "biểu đồ")
    return fig


# --- the sample district, chart by chart as notebook 04 draws them ----------------------------

@pytest.fixture(scope="module")
def facts(sample_processed) -> PeriodFacts:
    return PeriodFacts.build(metrics.load_tables(sample_processed), PERIOD, load_settings())


def _unit_rates(rate: str) -> Callable[[PeriodFacts], Figure]:
    return lambda f: charts.plot_unit_rates(f.unit_rates, rate, f.district_rates.get(rate),
                                            target=f.settings.target_rate / 100)


SAMPLE: dict[str, Callable[[PeriodFacts], Figure]] = {
    "01_status": lambda f: charts.plot_reporting_status(f.status),
    "02_dang_ky": _unit_rates("dang_ky"),
    "03_hoc_tap": _unit_rates("hoc_tap"),
    "04_bao_cao": _unit_rates("bao_cao"),
    "05_nd_hcm": lambda f: charts.plot_monthly_heatmap(f.monthly, "content_hcm"),
    "06_nd_tiet_kiem": lambda f: charts.plot_monthly_heatmap(f.monthly, "content_thrift"),
    "07_inspection": lambda f: charts.plot_inspection(f.inspection, f.settings.coverage_min,
                                                      f.settings.followup_min),
    "08_sectors": lambda f: charts.plot_sector_rates(f.group_rates),
    "09_changes": lambda f: charts.plot_changes(f.group_changes, period=f.period),
}


@pytest.mark.parametrize("name", SAMPLE)
def test_sample_chart_texts_neither_overlap_nor_leave_the_slide(facts, name):
    assert_readable(with_footer(SAMPLE[name](facts)))


# --- the synthetic worst case -----------------------------------------------------------------

def worst_status() -> pd.DataFrame:
    codes = list(statuses())
    units = names()
    return pd.DataFrame({
        "unit_code": [f"U{i:02d}" for i in range(40)], "unit_name": units, "short_name": units,
        "sector": [LONG_SECTORS[i % len(LONG_SECTORS)] if i % 13 else "" for i in range(40)],
        "unit_type": "chi_bo_co_so", "status": [codes[i % len(codes)] for i in range(40)]})


def worst_unit_rates(rate: str = "dang_ky") -> pd.DataFrame:
    values = [VALUES[i % len(VALUES)] for i in range(40)]
    return pd.DataFrame({"unit_code": [f"U{i:02d}" for i in range(40)], "short_name": names(),
                         "rate": rate, "value": values,
                         "numerator": [v * 10 for v in values], "denominator": 10.0})


def worst_monthly(months: range = range(1, 7)) -> pd.DataFrame:
    rows = []
    for i, name in enumerate(names()):
        for m in months:
            k = (i + m) % 5
            met = 0.0 if k == 4 else 5.0
            done = [0.0, 5.0, 6.0, NAN, 0.0][k]  # 0 %, 100 %, 120 %, blank, no meeting
            rows.append({"unit_code": f"U{i:02d}", "short_name": name, "month": m,
                         "cells_met": met, "content_hcm": done, "content_thrift": done,
                         "review": done})
    return pd.DataFrame(rows)


def worst_inspection() -> pd.DataFrame:
    rows = []
    for i, name in enumerate(names()):
        cover, follow = VALUES[i % 4], VALUES[(i // 4) % 4]
        low = [f for f, bad in (("low_coverage", cover < 0.5), ("low_followup", follow < 0.7))
               if bad]
        extra = ["no_activity"] if cover == 0 else ["overdue"] if i % 7 == 0 else []
        flags = low + extra
        rows.append({"unit_code": f"DB{i:02d}", "short_name": name, "coverage": cover,
                     "followup": follow, "flags": ";".join(flags), "flagged": bool(flags)})
    return pd.DataFrame(rows)


def worst_group_rates() -> pd.DataFrame:
    groups = [*LONG_SECTORS, "Chưa xếp khối", metrics.DISTRICT]
    rows = [{"group": g, "rate": r.id, "value": VALUES[(i + j) % 4]}
            for j, r in enumerate(rates()) for i, g in enumerate(groups)]
    return pd.DataFrame(rows)


def worst_changes() -> pd.DataFrame:
    # Every kind of row: up, down, the same, from or to 0 %, 100 % or 120 %, no value now,
    # no value before.
    pairs = [(0.0, 0.0), (0.0, 1.0), (0.0, 1.2), (1.0, 0.0), (1.0, 1.0), (1.2, 1.0),
             (1.2, 0.0), (NAN, 0.95), (0.97, NAN), (1.0, 1.2), (0.5, 0.5)]
    rows = [{"group": metrics.DISTRICT, "rate": r.id, "value": pairs[j % len(pairs)][0],
             "previous": pairs[j % len(pairs)][1]} for j, r in enumerate(rates())]
    frame = pd.DataFrame(rows)
    return frame.assign(change=frame["value"] - frame["previous"])


WORST: dict[str, Callable[[], Figure]] = {
    "status": lambda: charts.plot_reporting_status(worst_status()),
    "unit_rates": lambda: charts.plot_unit_rates(worst_unit_rates(), "dang_ky", 0.9, 0.9),
    "unit_rates_close_lines": lambda: charts.plot_unit_rates(worst_unit_rates(), "dang_ky",
                                                             0.905, 0.9),
    "unit_rates_no_district": lambda: charts.plot_unit_rates(worst_unit_rates(), "dang_ky",
                                                             NAN, None),
    "heatmap": lambda: charts.plot_monthly_heatmap(worst_monthly(), "content_hcm"),
    "heatmap_year": lambda: charts.plot_monthly_heatmap(worst_monthly(range(1, 13)), "review"),
    "inspection": lambda: charts.plot_inspection(worst_inspection(), 50.0, 70.0),
    "sectors": lambda: charts.plot_sector_rates(worst_group_rates()),
    "changes": lambda: charts.plot_changes(worst_changes(), period=PERIOD),
}


@pytest.mark.parametrize("name", WORST)
def test_worst_case_chart_texts_neither_overlap_nor_leave_the_slide(name):
    assert_readable(with_footer(WORST[name]()))


# --- what lies under a label ------------------------------------------------------------------

def _vertical_lines(fig: Figure) -> list[tuple[float, float, float]]:
    """Each vertical line drawn in the axes (a reference line), as display x, y0, y1."""
    lines = []
    for ax in fig.axes:
        for line in ax.lines:
            x = line.get_xdata()
            if isinstance(line, Line2D) and len(x) == 2 and x[0] == x[1]:
                (x0, y0), (_, y1) = line.get_transform().transform(
                    list(zip(x, line.get_ydata(), strict=True)))
                lines.append((x0, min(y0, y1), max(y0, y1)))
    return lines


@pytest.mark.parametrize("case", ["sample", "worst"])
def test_reference_lines_cross_no_value_label(facts, case):
    fig = (SAMPLE["02_dang_ky"](facts) if case == "sample"
           else WORST["unit_rates_close_lines"]())
    boxes, _ = laid_out(fig)
    lines = _vertical_lines(fig)
    assert len(lines) == 2  # the district and the target
    crossed = [text for text, box in boxes for x, y0, y1 in lines
               if box.x0 + TOUCH < x < box.x1 - TOUCH and box.y0 < y1 and y0 < box.y1]
    assert not crossed, f"a reference line runs through: {crossed}"
