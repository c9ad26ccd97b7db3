"""`bang_tong_hop.xlsx`: the report's tables as a workbook to paste into the written report.

The same `present` tables as the HTML, so a number reads the same in both.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from lib03.config import Settings
from lib03.report import checks, inspection, metrics, present
from lib03.report.formatting import format_date, period_label
from lib03.report.workbook import SheetTable, write_summary_workbook

# `present` formats → workbook formats: a relative change is a signed percent there, and a
# change of a rate is written in percentage points.
_WORKBOOK_FORMAT = {"growth": "change", "change": "points"}


def _sheet(name: str, title: str, shown: present.Shown, notes: tuple[str, ...] = ()
           ) -> SheetTable:
    formats = {c: _WORKBOOK_FORMAT.get(k, k) for c, k in shown.formats.items()}
    return SheetTable(name=name, title=title, frame=shown.frame, formats=formats, notes=notes)


def summary_sheets(tables: dict[str, pd.DataFrame], period: str,
                   settings: Settings) -> list[SheetTable]:
    """The workbook's tables for one period."""
    status = metrics.reporting_status(tables, period, settings)
    units = metrics.unit_rates(tables, period, settings)
    groups = metrics.group_rates(units)
    before = metrics.previous_of(tables, period)
    prev_groups = prev_units = None
    if before:
        prev_units = metrics.unit_rates(tables, before, settings)
        prev_groups = metrics.group_rates(prev_units)
    changes = metrics.with_change(groups, prev_groups, ["group", "rate"])
    unit_changes = metrics.with_change(units, prev_units, ["unit_code", "rate"])
    weak = inspection.inspection_summary(tables, period, settings)
    ratio = ("Tỷ lệ của khối và toàn huyện = tổng tử số ÷ tổng mẫu số của các đơn vị có đủ hai "
             "số; ô trống là không tính được.")
    compared = (f"Thay đổi so với kỳ {before}, bằng điểm phần trăm." if before
                else "Chưa có số liệu kỳ trước để so sánh.")
    return [
        _sheet("Tình hình báo cáo", "Tỷ lệ báo cáo và nộp đúng hạn theo khối",
               present.reporting_table(metrics.reporting_rates(status)),
               (f"Hạn nộp: {format_date(settings.deadline(period))}.",)),
        _sheet("Đơn vị chưa đúng hạn", "Đơn vị chưa báo cáo, báo cáo muộn hoặc không dùng được",
               present.status_table(status, only=("missing", "unusable", "late", "no_date"))),
        _sheet("Tỷ lệ toàn huyện", "Các tỷ lệ của toàn huyện và thay đổi so với kỳ trước",
               present.district_rates_table(changes), (ratio, compared)),
        _sheet("Tỷ lệ theo khối", "Các tỷ lệ theo khối", present.sector_rates_table(groups),
               (ratio,)),
        _sheet("Tỷ lệ theo đơn vị", "Các tỷ lệ của từng đơn vị",
               present.unit_rates_table(unit_changes), (compared,)),
        _sheet("Tử số, mẫu số theo đơn vị", "Tử số và mẫu số của từng tỷ lệ của từng đơn vị",
               present.unit_numbers_table(units)),
        _sheet("Học tập, gương điển hình", "Buổi học tập chuyên đề, gương người tốt việc tốt "
               "(tổng của các đơn vị có ghi số liệu)",
               present.totals_table(metrics.count_totals(tables, period, settings))),
        _sheet("Chưa kiện toàn Bộ phận 03", "Đơn vị chưa kiện toàn Bộ phận giúp việc 03",
               present.without_unit_03_table(metrics.without_unit_03(tables, period, settings))),
        _sheet("Báo cáo qua các kỳ", "Đơn vị không có báo cáo dùng được ở mọi kỳ",
               present.consistency_table(metrics.consistent_reporters(tables, settings,
                                                                      up_to=period))),
        _sheet("Kiểm tra, giám sát", "Kiểm tra, giám sát của các Đảng bộ cơ sở và lý do đánh dấu",
               present.inspection_table(weak)),
        _sheet("Tệp không dùng được", "Tệp bị cách ly và cách xử lý",
               present.quarantined_table(checks.quarantined_files(tables, period))),
        _sheet("Cảnh báo cần xem", "Cảnh báo về số liệu, kèm tệp, trang và ô",
               present.warnings_table(checks.warnings_to_check(tables, period))),
    ]


def write_summary(tables: dict[str, pd.DataFrame], period: str, settings: Settings,
                  path: Path) -> Path:
    """Write bang_tong_hop.xlsx for one period."""
    from lib03.report.html import data_date

    newest, usable = data_date(tables, period)
    return write_summary_workbook(
        path, summary_sheets(tables, period, settings),
        title="Tổng hợp kết quả thực hiện Chỉ thị 03-CT/TW",
        period_label=f"{period_label(period)} ({period})",
        source=f"Báo cáo của các tổ chức cơ sở đảng, Đảng bộ {settings.district} "
               f"({usable} báo cáo dùng được)",
        data_date=newest,
        notes=["Số liệu giữ đúng như đơn vị báo cáo; ô trống là đơn vị không ghi hoặc không "
               "tính được (không phải số 0).",
               "Nguồn của từng con số (tệp!trang!ô) nằm trong data/processed/indicators.csv.",
               "Cách tính: docs/assumptions_caveats.md."])
