"""Charts: every function returns a Figure in Vietnamese words and numbers, and saving is
byte-stable. Frames are small hand-made copies of what lib03.report.metrics builds."""

import math
import re
import sys
import xml.etree.ElementTree as ET

import matplotlib as mpl
import matplotlib.image as mpimg
import pandas as pd
import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.text import Text

from lib03.report import charts
from lib03.report.formatting import rate_labels, statuses

NAN = math.nan
TOTAL = "Toàn huyện"
XA, CQ = "Xã, thị trấn", "Cơ quan, đơn vị sự nghiệp"


def status_frame() -> pd.DataFrame:
    rows = [("DB01", "Đảng bộ xã Tân Phú", XA, "dang_bo_co_so", "on_time"),
            ("DB02", "Đảng bộ xã An Bình", XA, "dang_bo_co_so", "late"),
            ("CB01", "Chi bộ Văn phòng Huyện ủy", CQ, "chi_bo_co_so", "on_time"),
            ("CB02", "Chi bộ Trường THCS An Bình", CQ, "chi_bo_co_so", "missing"),
            ("CB03", "Chi bộ Kho bạc Nhà nước huyện", CQ, "chi_bo_co_so", "unusable")]
    frame = pd.DataFrame(rows, columns=["unit_code", "unit_name", "sector", "unit_type",
                                        "status"])
    frame["short_name"] = frame["unit_name"].str.replace("Đảng bộ ", "ĐB ").str.replace(
        "Chi bộ ", "CB ")
    frame["status_label"] = frame["status"].map(lambda s: statuses()[s]["label"])
    frame["report_date"], frame["deadline"], frame["source_file"] = "", "2014-06-20", ""
    return frame


def unit_rates_frame(n: int = 6, missing: tuple[int, ...] = (2,)) -> pd.DataFrame:
    rows = []
    for i in range(n):
        value = NAN if i in missing else 0.4 + 0.6 * i / max(n - 1, 1)
        name = f"Chi bộ Phòng Nông nghiệp và Phát triển nông thôn số {i + 1}"
        rows.append({"unit_code": f"CB{i:02d}", "unit_name": name,
                     "short_name": name.replace("Chi bộ ", "CB "), "unit_type": "chi_bo_co_so",
                     "sector": CQ, "rate": "dang_ky", "numerator": NAN if math.isnan(value)
                     else value * 20, "denominator": NAN if math.isnan(value) else 20,
                     "value": value})
    return pd.DataFrame(rows)


def group_rates_frame() -> pd.DataFrame:
    rows = [(g, r, v) for r in ("dang_ky", "nd_hcm", "bao_phu_kt")
            for g, v in ((XA, 0.8), (CQ, 0.9), (TOTAL, 0.85))]
    rows[-2] = (CQ, "bao_phu_kt", NAN)  # no Đảng bộ in that sector: no value, no bar
    frame = pd.DataFrame(rows, columns=["group", "rate", "value"])
    return frame.assign(numerator=NAN, denominator=NAN, units=3)


def changes_frame(previous: bool = True) -> pd.DataFrame:
    frame = pd.DataFrame({"group": [TOTAL, TOTAL, XA], "rate": ["dang_ky", "nd_hcm", "dang_ky"],
                          "value": [0.9, 0.6, 0.7],
                          "previous": [0.868, 0.65, 0.7] if previous else [NAN] * 3})
    return frame.assign(change=frame["value"] - frame["previous"])


def inspection_frame() -> pd.DataFrame:
    rows = [("DB01", "ĐB xã Tân Phú", 1.0, 0.95, "", False),
            ("DB02", "ĐB xã An Bình", 0.3, 0.9, "low_coverage", True),
            ("DB03", "ĐB xã Phước Hòa", 0.9, 0.4, "low_followup", True),
            ("DB04", "ĐB xã Vĩnh Xuân", 0.0, NAN, "no_activity;low_coverage", True),
            ("DB05", "ĐB xã Mỹ Lộc", 0.8, NAN, "", False),
            ("DB06", "ĐB xã Hòa Lợi", NAN, 1.0, "", False)]
    frame = pd.DataFrame(rows, columns=["unit_code", "short_name", "coverage", "followup",
                                        "flags", "flagged"])
    return frame.assign(unit_name=frame["short_name"], sector=XA, subcells=10, cells_acted=5,
                        findings=4, resolved=3, overdue=0, reasons="")


def monthly_frame() -> pd.DataFrame:
    rows = []
    for code, name in (("CB01", "CB Văn phòng Huyện ủy"), ("DB01", "ĐB xã Tân Phú")):
        for month in range(1, 7):
            rows.append({"unit_code": code, "unit_name": name, "short_name": name,
                         "unit_type": "chi_bo_co_so", "month": month, "cells_met": 2.0,
                         "content_hcm": 1.0, "content_thrift": 2.0, "review": 0.0})
    frame = pd.DataFrame(rows)
    frame.loc[1, "content_hcm"] = NAN  # a blank cell in the form
    frame.loc[2, "cells_met"] = 0.0  # no meeting that month
    return frame


def texts(fig: Figure) -> list[str]:
    """Every text a reader sees, tick labels included (laid out first)."""
    fig.draw_without_rendering()
    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text()]


def tick_labels(axis) -> list[str]:
    axis.figure.draw_without_rendering()
    return [t.get_text() for t in axis.get_ticklabels() if t.get_text()]


CHARTS = {
    "status": lambda: charts.plot_reporting_status(status_frame()),
    "unit_rates": lambda: charts.plot_unit_rates(unit_rates_frame(), "dang_ky", 0.7, 0.9),
    "heatmap": lambda: charts.plot_monthly_heatmap(monthly_frame()),
    "inspection": lambda: charts.plot_inspection(inspection_frame(), 50.0, 70.0),
    "sector": lambda: charts.plot_sector_rates(group_rates_frame()),
    "changes": lambda: charts.plot_changes(changes_frame()),
}


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_a_vietnamese_slide_figure(name):
    before = dict(mpl.rcParams)
    fig = CHARTS[name]()
    assert isinstance(fig, Figure)
    assert tuple(fig.get_size_inches()) == pytest.approx((13.333, 7.5), abs=0.01)
    title = fig.axes[0].get_title(loc="left")
    assert title and re.search("[ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỷỹđ]", title.lower())
    assert dict(mpl.rcParams) == before  # the style never leaks into the caller's session
    words = " ".join(texts(fig))
    assert "nan" not in words.lower() and "0.5" not in words
    assert "%" in words or name == "status"
    pyplot = sys.modules.get("matplotlib.pyplot")
    assert pyplot is None or not pyplot.get_fignums()  # nothing piles up in pyplot


def test_chart_draws_on_the_callers_axes():
    fig = Figure()
    ax = fig.add_subplot()
    assert charts.plot_sector_rates(group_rates_frame(), ax=ax) is fig
    assert ax.get_title(loc="left") == "Các tỷ lệ theo khối"


def test_reporting_status_counts_each_sector_and_the_district():
    fig = charts.plot_reporting_status(status_frame())
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == "Tình hình gửi báo cáo"
    assert [t.get_text() for t in ax.get_yticklabels()] == [TOTAL, XA, CQ]
    shown = texts(fig)
    assert "  đã gửi 3/5" in shown and "  đã gửi 2/2" in shown and "  đã gửi 1/3" in shown
    # Only the statuses some unit has (nobody sent a report without a date), in table order.
    legend = ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == [
        s["label"] for code, s in statuses().items() if code != "no_date"]
    colors = [tuple(h.get_facecolor()) for h in legend.legend_handles]
    assert len(set(colors)) == len(colors)  # four statuses, four colours
    assert ax.xaxis.get_major_formatter()(1000) == "1.000"
    assert all(re.fullmatch(r"\d{1,3}(\.\d{3})*", t) for t in tick_labels(ax.xaxis))


def test_reporting_status_refuses_an_unknown_status():
    with pytest.raises(ValueError, match="không rõ"):
        charts.plot_reporting_status(status_frame().assign(status="lost"))


def test_unit_rates_reads_vietnamese_and_notes_missing_units():
    fig = charts.plot_unit_rates(unit_rates_frame(), "dang_ky", 0.855, target=0.9)
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == rate_labels()["dang_ky"]
    assert tick_labels(ax.xaxis)[:3] == ["0 %", "20 %", "40 %"]
    shown = texts(fig)
    assert "Toàn huyện 85,5 %" in shown and "Chỉ tiêu 90 %" in shown
    assert "100,0 %" in shown and "40,0 %" in shown
    note = next(t for t in shown if t.startswith("Không tính được"))
    assert "CB Phòng Nông nghiệp và Phát triển nông thôn số 3" in note
    bars = ax.patches
    assert len(bars) == 5  # the unit without a value has no bar, not a zero bar
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert names[-1].endswith("số 6")  # highest on top


def test_fifty_units_fit_and_missing_ones_are_listed():
    frame = unit_rates_frame(52, missing=(5, 41))
    fig = charts.plot_unit_rates(frame, "dang_ky", 0.7)
    shown = texts(fig)  # layout runs: no exception with 50 bars
    assert len(fig.axes[0].patches) == 50
    assert fig.axes[0].get_title(loc="left") == rate_labels()["dang_ky"]
    note = next(t for t in shown if t.startswith("Không tính được")).replace("\n", " ")
    assert "số 6" in note and "số 42" in note
    assert "Chỉ tiêu" not in " ".join(shown)  # no target given, no target line


def test_a_province_shows_its_lowest_units_and_says_so():
    frame = unit_rates_frame(1200, missing=(5,))
    fig = charts.plot_unit_rates(frame, "dang_ky", 0.7)
    ax = fig.axes[0]
    assert len(ax.patches) == 50
    label, line = ax.get_title(loc="left").split("\n")
    assert label == rate_labels()["dang_ky"]
    assert line == "50 đơn vị thấp nhất trong 1.199 (đủ các đơn vị: bang_tong_hop.xlsx)"
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert names[0].endswith("số 1") and names[-1].endswith("số 51")  # the lowest, lowest first

    rows = []
    for i in range(80):
        for month in range(1, 7):
            rows.append({"unit_code": f"CB{i:03d}", "short_name": f"CB số {i}", "month": month,
                         "cells_met": 4.0, "content_hcm": float(i % 5 if i < 60 else 4),
                         "content_thrift": 4.0, "review": 4.0})
    fig = charts.plot_monthly_heatmap(pd.DataFrame(rows), "content_hcm")
    ax = fig.axes[0]
    assert ax.get_title(loc="left").endswith("50 đơn vị thấp nhất trong 80 "
                                             "(đủ các đơn vị: bang_tong_hop.xlsx)")
    shown = [t.get_text() for t in ax.get_yticklabels()]
    below_full = [f"CB số {i}" for i in range(60) if i % 5 != 4]  # 48 units under 100 %
    assert len(shown) == 50 and set(below_full) <= set(shown)
    assert "CB số 60" not in shown  # of the units at 100 %, the first two in the data
    assert shown == sorted(shown, key=lambda n: int(n.split()[-1]))  # in the data's order


def test_heatmap_tells_a_blank_from_a_month_without_meeting():
    fig = charts.plot_monthly_heatmap(monthly_frame(), "content_hcm")
    ax, bar = fig.axes
    assert tick_labels(ax.xaxis) == [f"Th {m}" for m in range(1, 7)]
    cells = [t.get_text() for t in ax.texts]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[0].startswith("«–»") and legend[1].startswith("«0 lượt»")
    assert len(legend) == 2  # no cell above 100 %: nothing to explain about it
    assert len(cells) == 12 and cells.count("50 %") == 10
    assert cells.count("–") == 1 and cells.count("0 lượt") == 1  # blank; met 0 times
    assert tick_labels(bar.yaxis) == ["0 %", "25 %", "50 %", "75 %", "100 %"]
    with pytest.raises(ValueError, match="content_hcm"):
        charts.plot_monthly_heatmap(monthly_frame(), "cells_met")


def test_inspection_names_flagged_units_and_keeps_units_without_findings():
    fig = charts.plot_inspection(inspection_frame(), 50.0, 70.0)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.texts]
    assert "ĐB xã An Bình" in labels and "ĐB xã Phước Hòa" in labels
    assert "ĐB xã Vĩnh Xuân (không kiểm tra, giám sát)" in labels
    assert not any("Tân Phú" in t or "Mỹ Lộc" in t for t in labels)  # not flagged
    placed = sum(len(c.get_offsets()) for c in ax.collections)
    assert placed == 5  # Mỹ Lộc (no findings) is on the bottom row, not dropped
    note = next(t for t in labels if t.startswith("Không tính được"))
    assert "ĐB xã Hòa Lợi" in note
    assert "Ngưỡng kiểm tra 50 %" in labels and "Ngưỡng khắc phục 70 %" in labels
    assert tick_labels(ax.xaxis)[:2] == ["0 %", "20 %"]
    assert "Không có\nkiến nghị" in tick_labels(ax.yaxis)


def test_a_province_names_only_its_weakest_flagged_dang_bo():
    rows = [(f"DB{i:03d}", f"ĐB số {i}", 0.2 + i / 500, 0.9, "low_coverage", True)
            for i in range(200)]
    frame = pd.DataFrame(rows, columns=["unit_code", "short_name", "coverage", "followup",
                                        "flags", "flagged"])
    fig = charts.plot_inspection(frame, 50.0, 70.0)
    ax = fig.axes[0]
    assert ax.get_title(loc="left").split("\n", 1)[1].replace("\n", " ") == (
        "Ghi tên 15 trong 200 Đảng bộ bị đánh dấu, tỷ lệ thấp nhất "
        "(đủ danh sách: bang_tong_hop.xlsx)")
    named = " ".join(t.get_text() for t in ax.texts)
    assert "ĐB số 14" in named and "ĐB số 15" not in named
    assert "Bị đánh dấu (200)" in texts(fig)  # every dot is still drawn and counted


def test_sector_rates_put_the_district_first():
    fig = charts.plot_sector_rates(group_rates_frame(), rate_ids=["nd_hcm", "dang_ky"])
    ax = fig.axes[0]
    assert [t.replace("\n", " ") for t in tick_labels(ax.xaxis)] == [TOTAL, XA, CQ]
    short = rate_labels(short=True)
    assert [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()] == [
        short["nd_hcm"], short["dang_ky"]]
    assert "85,0 %" in texts(fig)


def test_changes_label_points_and_say_when_there_is_no_previous_period():
    fig = charts.plot_changes(changes_frame(), period="2014-H1")
    shown = texts(fig)
    assert any(t.startswith("+3,2 điểm %") for t in shown)
    assert any(t.startswith("−5,0 điểm %") for t in shown)
    assert "6 tháng cuối năm 2013" in shown
    assert "6 tháng đầu năm 2014: tăng" in shown and "6 tháng đầu năm 2014: giảm" in shown
    # The legend's dots are the colours of the dots on the chart (up, down).
    ax = fig.axes[0]
    dots = [tuple(c.get_facecolor()[0]) for c in ax.collections[1::2]]
    legend = [to_rgba(h.get_color()) for h in ax.get_legend().legend_handles[1:]]
    assert set(legend) == set(dots) and len(legend) == 2
    alone = texts(charts.plot_changes(changes_frame(previous=False)))
    assert "Chưa có số liệu kỳ trước để so sánh" in alone


def test_save_chart_writes_stable_png_and_svg(tmp_path):
    first = charts.save_chart(CHARTS["inspection"](), tmp_path / "a", "kiem_tra")
    second = charts.save_chart(CHARTS["inspection"](), tmp_path / "b", "kiem_tra")
    assert [p.name for p in first] == ["kiem_tra.png", "kiem_tra.svg"]
    for one, two in zip(first, second, strict=True):
        assert one.read_bytes() == two.read_bytes()
    height, width = mpimg.imread(first[0]).shape[:2]
    assert width >= int(13.33 * 200) and width / height == pytest.approx(16 / 9, rel=0.01)
    root = ET.parse(first[1]).getroot()
    assert root.tag.endswith("svg") and b"<dc:date>" not in first[1].read_bytes()
    assert not list(tmp_path.glob("*/.*.tmp"))  # written through a temporary file, then renamed


def test_save_chart_refuses_a_path_as_name(tmp_path):
    with pytest.raises(ValueError):
        charts.save_chart(Figure(), tmp_path, "../ngoai")


# --- a rate above 100 % (inconsistent data) never passes for a full one ----------------------

OVER = "Trên 100 %: số liệu mâu thuẫn"


def test_unit_rate_above_100_is_hatched_bold_and_explained():
    frame = unit_rates_frame()
    frame.loc[5, "value"] = 1.6
    fig = charts.plot_unit_rates(frame, "dang_ky", 0.8, target=0.9)
    ax = fig.axes[0]
    hatched = [b for b in ax.patches if b.get_hatch()]
    assert len(hatched) == 1 and hatched[0].get_y() == pytest.approx(4 - 0.36)  # on top
    label = next(t for t in ax.texts if t.get_text() == "160,0 %")
    assert label.get_fontweight() == "bold"
    assert OVER in [t.get_text() for t in ax.get_legend().get_texts()]


def test_heatmap_cell_above_100_is_hatched_not_the_colour_of_100():
    frame = monthly_frame()
    frame.loc[3, ["content_hcm", "cells_met"]] = [7.0, 6.0]  # 117 %
    frame.loc[4, ["content_hcm", "cells_met"]] = [2.0, 2.0]  # 100 %
    fig = charts.plot_monthly_heatmap(frame, "content_hcm")
    ax = fig.axes[0]
    assert "117 %" in [t.get_text() for t in ax.texts]
    hatched = [p for p in ax.patches if p.get_hatch()]
    assert [(p.get_x(), p.get_y()) for p in hatched] == [(3, 0)]  # row CB01, month 4
    assert tuple(hatched[0].get_facecolor()) != tuple(ax.collections[0].get_facecolors()[4])
    assert OVER in [t.get_text() for t in ax.get_legend().get_texts()]


def test_inspection_names_and_marks_a_share_above_100():
    frame = inspection_frame()
    frame.loc[0, "followup"] = 1.2  # Tân Phú: not flagged, but more findings resolved than made
    fig = charts.plot_inspection(frame, 50.0, 70.0)
    ax = fig.axes[0]
    assert "ĐB xã Tân Phú (trên 100 %)" in [t.get_text() for t in ax.texts]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert f"{OVER} (1)" in legend and "Không bị đánh dấu (2)" in legend  # as the report counts
    diamond = next(c for c in ax.collections if c.get_hatch() and len(c.get_offsets()))
    assert diamond.get_offsets().tolist() == [[1.0, 1.2]]


def test_shares_are_shaded_in_one_blue_not_red_to_green():
    from lib03.report.charts_style import SHARE_CMAP

    for share in (0, 0.25, 0.5, 0.75, 1):
        red, green, blue, _ = SHARE_CMAP(share)
        assert blue >= red and blue >= green


def test_titles_wrap_between_words_and_never_inside_a_name():
    fig = charts.plot_monthly_heatmap(monthly_frame(), "content_hcm")
    lines = fig.axes[0].get_title(loc="left").split("\n")
    assert len(lines) == 2 and any("Hồ Chí Minh" in line for line in lines)
    assert " ".join(lines) == f"{rate_labels()['nd_hcm']}, theo tháng"
