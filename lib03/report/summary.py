"""`bang_tong_hop.xlsx`: the report's tables as a workbook to paste into the written report.

The same `present` tables as the HTML, made from the same `PeriodFacts`, so a number reads the
same in both and is computed once.
"""

from __future__ import annotations

from pathlib import Path

from lib03.report import present
from lib03.report.facts import PeriodFacts
from lib03.report.formatting import format_date
from lib03.report.workbook import SheetTable, write_summary_workbook

# `present` formats → workbook formats: a relative change is a signed percent there, and a
# change of a rate is written in percentage points.
_WORKBOOK_FORMAT = {"growth": "change", "change": "points"}


def _sheet(name: str, title: str, shown: present.Shown, notes: tuple[str, ...] = ()
           ) -> SheetTable:
    formats = {c: _WORKBOOK_FORMAT.get(k, k) for c, k in shown.formats.items()}
    return SheetTable(name=name, title=title, frame=shown.frame, formats=formats, notes=notes)


def summary_sheets(facts: PeriodFacts) -> list[SheetTable]:
    """The workbook's tables for one period."""
    before = facts.previous
    ratio = ("Tỷ lệ của khối và toàn huyện = tổng tử số ÷ tổng mẫu số của các đơn vị có đủ hai "
             "số và tử số không lớn hơn mẫu số; [x] là không tính được.")
    compared = (f"Thay đổi so với kỳ {before}, bằng điểm phần trăm." if before
                else "Chưa có số liệu kỳ trước để so sánh.")
    return [
        _sheet("Tình hình báo cáo", "Tỷ lệ báo cáo và nộp đúng hạn theo khối",
               present.reporting_table(facts.reporting_rates),
               (f"Hạn nộp: {format_date(facts.deadline)}.",)),
        _sheet("Đơn vị chưa đúng hạn", "Đơn vị chưa báo cáo, báo cáo muộn hoặc không dùng được",
               present.status_table(facts.status,
                                    only=("missing", "unusable", "late", "no_date"))),
        _sheet("Tỷ lệ toàn huyện", "Các tỷ lệ của toàn huyện và thay đổi so với kỳ trước",
               present.district_rates_table(facts.group_changes), (ratio, compared)),
        _sheet("Tỷ lệ theo khối", "Các tỷ lệ theo khối",
               present.sector_rates_table(facts.group_rates), (ratio,)),
        _sheet("Tỷ lệ theo đơn vị", "Các tỷ lệ của từng đơn vị",
               present.unit_rates_table(facts.unit_changes), (compared,)),
        _sheet("Tử số, mẫu số theo đơn vị", "Tử số và mẫu số của từng tỷ lệ của từng đơn vị",
               present.unit_numbers_table(facts.unit_rates)),
        _sheet("Học tập, gương điển hình", "Buổi học tập chuyên đề, gương người tốt việc tốt "
               "(tổng của các đơn vị có ghi số liệu)", present.totals_table(facts.totals)),
        _sheet("Chưa kiện toàn Bộ phận 03", "Đơn vị chưa kiện toàn Bộ phận giúp việc 03",
               present.without_unit_03_table(facts.without_unit_03)),
        _sheet("Báo cáo qua các kỳ", "Đơn vị không có báo cáo dùng được ở mọi kỳ",
               present.consistency_table(facts.consistency)),
        _sheet("Kiểm tra, giám sát", "Kiểm tra, giám sát của các Đảng bộ cơ sở và lý do đánh dấu",
               present.inspection_table(facts.inspection)),
        _sheet("Tệp không dùng được", "Tệp bị cách ly và cách xử lý",
               present.quarantined_table(facts.quarantined)),
        _sheet("Cảnh báo cần xem", "Cảnh báo về số liệu, kèm tệp, trang và ô",
               present.warnings_table(facts.warnings)),
    ]


def write_summary(facts: PeriodFacts, path: Path) -> Path:
    """Write bang_tong_hop.xlsx for one period."""
    return write_summary_workbook(
        path, summary_sheets(facts),
        title="Tổng hợp kết quả thực hiện Chỉ thị 03-CT/TW",
        period_label=f"{facts.label} ({facts.period})",
        source=f"Báo cáo của các tổ chức cơ sở đảng, Đảng bộ {facts.settings.district} "
               f"({facts.usable_reports} báo cáo dùng được)",
        data_date=facts.newest_report_date, contact=facts.settings.contact,
        notes=["Số liệu giữ đúng như đơn vị báo cáo; [x] là đơn vị không ghi hoặc không tính "
               "được (không phải số 0).",
               "Đơn vị ghi tử số lớn hơn mẫu số không được cộng vào tỷ lệ của khối và toàn huyện "
               "(xem cột «Đơn vị không cộng»).",
               "Nguồn của từng con số (tệp!trang!ô): tệp indicators.csv trong thư mục "
               "data/processed của máy lập báo cáo.",
               "Cách tính từng con số: phần «Cách tính các con số» ở cuối trang index.html của "
               "báo cáo."])
