"""The metrics as an analyst reads them: Vietnamese headers, one format per column, and HTML
that is always escaped.

Each ``*_table`` function returns a `Shown`: the numbers kept as numbers (the summary workbook
needs them) with the format of each column, so the HTML report and the workbook show the same
table. Text that came from a unit's file (names, notes, cell values) is escaped everywhere: a
name typed as ``<script>`` reads as text.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import pandas as pd

from lib03.quality import split_message
from lib03.report.formatting import (
    MISSING,
    format_change,
    format_date,
    format_growth,
    format_number,
    format_percent,
    rate_labels,
    rates,
)
from lib03.report.metrics import DISTRICT
from lib03.report.trend import MEASURE_LABELS, short_period, trend_wide


@dataclass(frozen=True)
class Shown:
    """A table ready to show: Vietnamese headers, values, and each column's format."""

    frame: pd.DataFrame
    formats: dict[str, str] = field(default_factory=dict)  # percent, count, date, change, text


_FORMATTERS = {
    "shown": str,  # already text as it should read, right-aligned as a figure
    "percent": format_percent, "count": format_number, "date": format_date,
    "change": format_change, "growth": format_growth,
    "decimal": lambda v: format_number(v, 1),
}


def format_cell(value: object, kind: str) -> str:
    """One value as text in its column's format.

    >>> format_cell(0.5, "percent"), format_cell(1234, "count"), format_cell(None, "text")
    ('50,0 %', '1.234', '–')
    """
    formatter = _FORMATTERS.get(kind)
    if formatter:
        return formatter(value)
    if value is None or (isinstance(value, float) and pd.isna(value)) or value == "":
        return MISSING
    return str(value)


def to_html(shown: Shown, *, empty: str = "Không có dòng nào.") -> str:
    """An escaped HTML table; numbers right-aligned.

    >>> to_html(Shown(pd.DataFrame({"Tên": ["<b>x</b>"], "Tỷ lệ": [0.5]}), {"Tỷ lệ": "percent"}))
    ... # doctest: +ELLIPSIS
    '<div class="cuon">...<td>&lt;b&gt;x&lt;/b&gt;</td><td class="so">50,0 %</td>...'
    """
    frame = shown.frame
    if frame.empty:
        return f'<p class="trong">{html.escape(empty)}</p>'
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    kinds = [shown.formats.get(c, "text") for c in frame.columns]
    body = []
    for row in frame.itertuples(index=False):
        cells = []
        for value, kind in zip(row, kinds, strict=True):
            cls = ' class="so"' if kind != "text" else ""
            cells.append(f"<td{cls}>{html.escape(format_cell(value, kind))}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    # The wrapper scrolls a wide table by itself on a phone; the page never scrolls sideways.
    return (f'<div class="cuon"><table class="bang"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></div>")


def paragraph(text: str) -> str:
    """An escaped paragraph of generated text."""
    return f"<p>{html.escape(text)}</p>"


def bullets(items: list[str]) -> str:
    """An escaped list."""
    return "<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>"


# --- reporting -------------------------------------------------------------------------------

def status_table(status: pd.DataFrame, only: tuple[str, ...] | None = None) -> Shown:
    """Expected units with their reporting status (optionally only some statuses)."""
    rows = status if only is None else status[status["status"].isin(only)]
    frame = pd.DataFrame({
        "Mã đơn vị": rows["unit_code"], "Đơn vị": rows["unit_name"], "Khối": rows["sector"],
        "Tình trạng": rows["status_label"], "Ngày báo cáo": rows["report_date"],
        "Hạn nộp": rows["deadline"], "Tệp": rows["source_file"],
    })
    return Shown(frame.reset_index(drop=True), {"Ngày báo cáo": "date", "Hạn nộp": "date"})


def reporting_table(rates_frame: pd.DataFrame) -> Shown:
    """Reporting and on-time rates per sector and for the district."""
    frame = pd.DataFrame({
        "Khối": rates_frame["group"], "Đơn vị phải báo cáo": rates_frame["expected"],
        "Đã gửi báo cáo dùng được": rates_frame["reported"],
        "Tỷ lệ báo cáo": rates_frame["reporting_rate"],
        "Nộp đúng hạn": rates_frame["on_time"], "Tỷ lệ đúng hạn": rates_frame["on_time_rate"],
    })
    return Shown(frame, {"Đơn vị phải báo cáo": "count", "Đã gửi báo cáo dùng được": "count",
                         "Tỷ lệ báo cáo": "percent", "Nộp đúng hạn": "count",
                         "Tỷ lệ đúng hạn": "percent"})


def reporting_sentence(rates_frame: pd.DataFrame) -> str:
    """One sentence for the district's reporting."""
    d = rates_frame[rates_frame["group"] == DISTRICT].iloc[0]
    return (f"{format_number(d['reported'])}/{format_number(d['expected'])} tổ chức cơ sở đảng "
            f"đã gửi báo cáo dùng được ({format_percent(d['reporting_rate'])}); "
            f"{format_number(d['on_time'])} báo cáo nộp đúng hạn "
            f"({format_percent(d['on_time_rate'])}).")


# --- rates -----------------------------------------------------------------------------------

def district_rates_table(changes: pd.DataFrame, group: str = DISTRICT) -> Shown:
    """Every rate of one group with its numbers and the change since the previous period."""
    rows = changes[changes["group"] == group]
    frame = pd.DataFrame({
        "Chỉ tiêu": rows["rate"].map(rate_labels()), "Tử số": rows["numerator"],
        "Mẫu số": rows["denominator"], "Tỷ lệ": rows["value"],
        "Số đơn vị tính": rows["units"], "Kỳ trước": rows["previous"],
        "Thay đổi": rows["change"],
        # A unit reporting more than its total is kept as read but not added in (see
        # over_total_table); the reader must see how many.
        OVER_COLUMN: rows["over"],
    })
    return Shown(frame.reset_index(drop=True), {
        "Tử số": "count", "Mẫu số": "count", "Tỷ lệ": "percent", "Số đơn vị tính": "count",
        "Kỳ trước": "percent", "Thay đổi": "change", OVER_COLUMN: "count"})


OVER_COLUMN = "Đơn vị không cộng (tử số lớn hơn mẫu số)"
# Beside a unit's rate above 100 %: inconsistent figures, kept as written, not added in.
OVER_MARK = "— trên 100 %, số liệu mâu thuẫn"


def over_total_table(over: pd.DataFrame) -> Shown:
    """The unit rates above 100 %, each to be asked about, none added into a group figure."""
    frame = pd.DataFrame({
        "Đơn vị": over["unit_name"], "Khối": over["sector"],
        "Chỉ tiêu": over["rate"].map(rate_labels()), "Tử số": over["numerator"],
        "Mẫu số": over["denominator"], "Tỷ lệ đơn vị ghi": over["value"],
    })
    return Shown(frame.reset_index(drop=True), {
        "Tử số": "count", "Mẫu số": "count", "Tỷ lệ đơn vị ghi": "percent"})


def trend_table(trend_frame: pd.DataFrame, group: str = DISTRICT) -> Shown:
    """Every measure of one group down the rows, one column per period (oldest first)."""
    wide = trend_wide(trend_frame, group)
    labels = {**MEASURE_LABELS, **rate_labels()}
    frame = pd.DataFrame({"Chỉ tiêu": [labels.get(m, m) for m in wide.index]})
    for period in wide.columns:
        frame[short_period(period)] = wide[period].to_numpy()
    return Shown(frame, dict.fromkeys(frame.columns[1:], "percent"))


def trend_by_sector_table(trend_frame: pd.DataFrame, measure: str) -> Shown:
    """One measure per sector (and the district, last) down the rows, periods across."""
    part = trend_frame[trend_frame["measure"] == measure]
    wide = part.pivot_table(index="group", columns="period", values="value", aggfunc="last",
                            sort=False, dropna=False)
    groups = [g for g in dict.fromkeys(part["group"]) if g != DISTRICT] + [DISTRICT]
    wide = wide.reindex(index=[g for g in groups if g in wide.index], columns=sorted(wide.columns))
    frame = pd.DataFrame({"Khối": wide.index})
    for period in wide.columns:
        frame[short_period(period)] = wide[period].to_numpy()
    return Shown(frame, dict.fromkeys(frame.columns[1:], "percent"))


def totals_table(totals: pd.DataFrame) -> Shown:
    """Study sessions held and good examples found and spread, per sector and district."""
    frame = pd.DataFrame({
        "Khối": totals["group"], "Đơn vị có số liệu": totals["units"],
        "Buổi quán triệt, học tập chuyên đề": totals["buoi_quan_triet"],
        "Lượt đảng viên học chuyên đề": totals["dv_hoc_chuyen_de"],
        "Gương người tốt, việc tốt được phát hiện": totals["guong_phat_hien"],
        "Gương được biểu dương, nhân rộng": totals["guong_nhan_rong"],
    })
    return Shown(frame, {c: "count" for c in frame.columns if c != "Khối"})


def without_unit_03_table(frame: pd.DataFrame) -> Shown:
    return Shown(pd.DataFrame({
        "Mã đơn vị": frame["unit_code"], "Đơn vị": frame["unit_name"], "Khối": frame["sector"],
        "Đã kiện toàn Bộ phận 03": frame["answer"],
    }))


def consistency_table(steady: pd.DataFrame) -> Shown:
    """Units that missed a period, with the periods they missed."""
    rows = steady[~steady["consistent"]]
    return Shown(pd.DataFrame({
        "Mã đơn vị": rows["unit_code"], "Đơn vị": rows["unit_name"], "Khối": rows["sector"],
        "Số kỳ có báo cáo": rows["periods_reported"], "Số kỳ phải báo cáo": rows["periods"],
        "Kỳ không có báo cáo dùng được": rows["missed"],
    }).reset_index(drop=True), {"Số kỳ có báo cáo": "count", "Số kỳ phải báo cáo": "count"})


def unit_numbers_table(unit_frame: pd.DataFrame) -> Shown:
    """Every unit rate with the numerator and denominator it is made of (for the workbook)."""
    labels = rate_labels()
    return Shown(pd.DataFrame({
        "Mã đơn vị": unit_frame["unit_code"], "Đơn vị": unit_frame["unit_name"],
        "Chỉ tiêu": unit_frame["rate"].map(labels), "Tử số": unit_frame["numerator"],
        "Mẫu số": unit_frame["denominator"], "Tỷ lệ": unit_frame["value"],
    }).reset_index(drop=True), {"Tử số": "count", "Mẫu số": "count", "Tỷ lệ": "percent"})


def sector_rates_table(group_frame: pd.DataFrame) -> Shown:
    """Sectors (and the district) across, rates down."""
    wide = group_frame.pivot_table(index="rate", columns="group", values="value",
                                   aggfunc="first", sort=False, dropna=False)
    groups = [g for g in dict.fromkeys(group_frame["group"]) if g != DISTRICT] + [DISTRICT]
    order = [r.id for r in rates() if r.id in wide.index]
    wide = wide.reindex(index=order, columns=groups)
    frame = wide.reset_index().rename(columns={"rate": "Chỉ tiêu"})
    frame["Chỉ tiêu"] = frame["Chỉ tiêu"].map(rate_labels())
    frame.columns.name = None
    return Shown(frame, {g: "percent" for g in groups})


def unit_rates_table(unit_frame: pd.DataFrame, rate_ids: list[str] | None = None, *,
                     sector: bool = True, compact: bool = False) -> Shown:
    """One row per unit, one column per rate (its short label), plus the change of each.

    On a page, a few rates at a time (`rate_ids`) keep the table as wide as the screen;
    `compact` (for the page, not the workbook) puts each change beside its rate in one cell,
    leaves out the unit code and sorts the units by sector, then name.
    """
    ids = rate_ids or [r.id for r in rates()]
    short = rate_labels(short=True)
    columns = ["unit_code", "unit_name", *(["sector"] if sector else [])]
    base = unit_frame[unit_frame["rate"].isin(ids)].drop_duplicates("unit_code")[columns]
    if compact:
        base = base.sort_values([c for c in ("sector", "unit_name") if c in base],
                                kind="stable")
    frame = base.rename(columns={"unit_code": "Mã đơn vị", "unit_name": "Đơn vị",
                                 "sector": "Khối"}).reset_index(drop=True)
    codes = frame["Mã đơn vị"]
    formats = {}
    for rate in ids:
        part = unit_frame[unit_frame["rate"] == rate].set_index("unit_code")
        if part.empty:
            continue
        changed = "change" in part and part["change"].notna().any()
        if compact:
            values = codes.map(part["value"])
            changes = codes.map(part["change"]) if changed else None
            frame[short[rate]] = [
                format_percent(v) + (f" ({format_change(c).removesuffix(' điểm %')})"
                                     if changes is not None and not pd.isna(c) else "")
                + (f" {OVER_MARK}" if v > 1 + 1e-9 else "")
                for v, c in zip(values, changes if changes is not None else values, strict=True)]
            formats[short[rate]] = "shown"
            continue
        frame[short[rate]] = codes.map(part["value"])
        formats[short[rate]] = "percent"
        if changed:
            col = f"{short[rate]} — thay đổi"
            frame[col] = codes.map(part["change"])
            formats[col] = "change"
    if compact:
        frame = frame.drop(columns="Mã đơn vị")
    return Shown(frame, formats)


# --- inspection ------------------------------------------------------------------------------

def inspection_table(summary: pd.DataFrame) -> Shown:
    """Each Đảng bộ's inspection work, with its flags."""
    frame = pd.DataFrame({
        "Mã đơn vị": summary["unit_code"], "Đảng bộ": summary["unit_name"],
        "Chi bộ trực thuộc": summary["subcells"],
        "Chi bộ kê trong bảng kiểm tra": summary["listed"],
        "Chi bộ được kiểm tra, giám sát": summary["cells_acted"],
        "Tên chi bộ chưa ghép được": summary["unmatched"],
        "Tỷ lệ bao phủ": summary["coverage"], "Kiến nghị": summary["findings"],
        "Đã khắc phục": summary["resolved"], "Tỷ lệ khắc phục": summary["followup"],
        "Kiến nghị quá hạn": summary["overdue"],
        "Lý do đánh dấu": summary["reasons"].where(summary["flagged"], ""),
    })
    return Shown(frame.reset_index(drop=True), {
        "Chi bộ trực thuộc": "count", "Chi bộ được kiểm tra, giám sát": "count",
        "Chi bộ kê trong bảng kiểm tra": "count", "Tên chi bộ chưa ghép được": "count",
        "Tỷ lệ bao phủ": "percent", "Kiến nghị": "count", "Đã khắc phục": "count",
        "Tỷ lệ khắc phục": "percent", "Kiến nghị quá hạn": "count"})


def flagged_items(summary: pd.DataFrame) -> list[str]:
    """One line per flagged Đảng bộ: its name and every reason."""
    return [f"{r.unit_name} ({r.unit_code}): {r.reasons}."
            for r in summary[summary["flagged"]].itertuples()]


# --- data quality ----------------------------------------------------------------------------

def quarantined_table(frame: pd.DataFrame) -> Shown:
    """Each file set aside, why, and what to do; the file named once, in its column."""
    parts = [split_message(m, f) for m, f in zip(frame["message"], frame["source_file"],
                                                 strict=True)]
    return Shown(pd.DataFrame({
        "Tệp": frame["source_file"], "Đơn vị (nếu nhận ra)": frame["unit_name"],
        "Lý do": [p for p, _ in parts], "Cách xử lý": [a for _, a in parts],
    }).reset_index(drop=True))


def warnings_table(frame: pd.DataFrame) -> Shown:
    """Each warning once: its file, sheet and cell in their columns, so the text says only
    what is wrong and what to do."""
    parts = [split_message(m, f) for m, f in zip(frame["message"], frame["source_file"],
                                                 strict=True)]
    return Shown(pd.DataFrame({
        "Tệp": frame["source_file"], "Trang": frame["sheet"], "Ô": frame["cell"],
        "Cần kiểm tra": [p for p, _ in parts], "Giá trị ghi trong tệp": frame["raw_value"],
        "Cách xử lý": [a for _, a in parts],
    }).reset_index(drop=True))


def problem_counts_table(frame: pd.DataFrame) -> Shown:
    severity = {"error": "Lỗi (tệp bị cách ly)", "warning": "Cảnh báo (cần xem)",
                "info": "Ghi chú (không cần làm gì)"}
    return Shown(pd.DataFrame({
        "Mức": frame["severity"].map(severity), "Loại vấn đề": frame["label"],
        "Số lần": frame["count"],
    }), {"Số lần": "count"})


def changes_table(frame: pd.DataFrame, names: dict[str, str]) -> Shown:
    return Shown(pd.DataFrame({
        "Đơn vị": frame["unit_code"].map(names).fillna(frame["unit_code"]),
        "Chỉ tiêu": frame["indicator_label"], "Kỳ trước": frame["previous"],
        "Kỳ này": frame["value"], "Thay đổi": frame["change_share"], "Ô nguồn": frame["source"],
    }).reset_index(drop=True), {"Kỳ trước": "count", "Kỳ này": "count", "Thay đổi": "growth"})


def outliers_table(frame: pd.DataFrame) -> Shown:
    return Shown(pd.DataFrame({
        "Đơn vị": frame["unit_name"], "Chỉ tiêu": frame["rate_label"], "Tỷ lệ": frame["value"],
        "Mức giữa của các đơn vị cùng loại": frame["median"],
        "Độ khác thường": frame["z"],
    }).reset_index(drop=True), {"Tỷ lệ": "percent", "Mức giữa của các đơn vị cùng loại": "percent",
                                "Độ khác thường": "decimal"})
