"""What the title block says: the unit, the period and the report date."""

import datetime as dt

from lib03.ingest.extract import extract_report
from lib03.ingest.read import Book, Grid
from lib03.ingest.title import unit_hints

HEADER = ["STT", "Nội dung (chỉ tiêu)", "Số lượng", "Ghi chú"]
BODY = [[1, "Tổng số đảng viên", 120, ""], [2, "Số tập thể đã đăng ký", 5, ""]]


def _report(above, below=()):
    rows = [list(r) + [""] * (4 - len(r)) for r in above] + [HEADER] + BODY
    rows += [list(r) + [""] * (4 - len(r)) for r in below]
    return extract_report(Book(path=None, fmt="xlsx", sheets=[Grid("Tổng hợp", rows)]))


def test_place_and_date_line():
    raw = _report([["ĐẢNG ỦY XÃ TÂN PHÚ", "", "", "Tân Phú, ngày 18 tháng 6 năm 2014"]])
    assert raw.report_date == dt.date(2014, 6, 18)
    assert raw.report_date_cell == ("Tổng hợp", "D1")


def test_place_and_date_without_the_word_ngay():
    assert _report([["", "", "", "Mỹ Lộc, 16-06-2014"]]).report_date == dt.date(2014, 6, 16)


def test_directive_date_and_data_cut_off_are_not_the_report_date():
    raw = _report(
        [["Kết quả thực hiện Chỉ thị 03-CT/TW ngày 14/5/2011 6 tháng đầu năm 2014"],
         ["(Số liệu tính đến ngày 31/5/2014)"]],
        [[], ["", "", "Tân Phú, ngày 19 tháng 6 năm 2014"]],
    )
    assert raw.report_date == dt.date(2014, 6, 19)
    assert raw.stated_period == "2014-H1"


def test_blank_day_is_reported_not_replaced_by_a_note():
    raw = _report([["", "", "", "Tân Phú, ngày    tháng 12 năm 2014"]],
                  [[], ["(Số liệu tính đến ngày 30/11/2014)"]])
    assert raw.report_date is None
    assert [p.code for p in raw.problems if p.code.startswith("report_date")] == [
        "report_date_unparseable"]


def test_period_comes_from_the_title_not_a_comparison_below():
    raw = _report([["Kết quả thực hiện Chỉ thị 03-CT/TW sáu tháng đầu năm"]],
                  [[], ["Ghi chú: tăng so với 6 tháng cuối năm 2013"]])
    assert raw.stated_period is None


def test_signature_date_under_the_value_column_is_not_a_row():
    raw = _report([], [[], ["", "", "Phước Hòa, ngày 25 tháng 6 năm 2014"], ["", "", "BÍ THƯ"]])
    assert raw.report_date == dt.date(2014, 6, 25)
    assert not [p for p in raw.problems if p.code == "row_unrecognised"]


def test_unit_hints_lowest_organisation_line_first():
    raw = _report([["ĐẢNG BỘ HUYỆN MẪU"], ["ĐẢNG BỘ XÃ TÂN PHÚ"], ["CHI BỘ ẤP 3"],
                   ["Mã đơn vị:", "DB01-03"]])
    assert unit_hints(raw) == [("code", "DB01-03"), ("name", "CHI BỘ ẤP 3"),
                               ("name", "ĐẢNG BỘ XÃ TÂN PHÚ")]


def _summary(header, rows, period="2014-H2"):
    grid = Grid("Tổng hợp", [header] + rows)
    return extract_report(Book(path=None, fmt="xlsx", sheets=[grid]), period)


def test_the_column_of_this_period_is_the_value():
    raw = _summary(["STT", "Nội dung", "6 tháng đầu năm", "6 tháng cuối năm"],
                   [[1, "Tổng số đảng viên", 209, 211]])
    assert [(i, c.value, c.address) for i, c in raw.summary] == [("tong_dang_vien", 211, "D2")]
    raw = _summary(["STT", "Nội dung", "Kỳ trước", "Kỳ này"], [[1, "Tổng số đảng viên", 9, 11]])
    assert [c.value for _, c in raw.summary] == [11]
    raw = _summary(["STT", "Nội dung", "Số lượng", "Kết quả"], [[1, "Tổng số đảng viên", 9, 11]])
    assert "value_column_ambiguous" in {p.code for p in raw.problems}


def test_figures_the_cleaner_does_not_read_are_always_named():
    raw = _summary(["STT", "Nội dung", "Số lượng", "Tỷ lệ %", "Trong đó: nữ"],
                   [[1, "Tổng số đảng viên", 120, "", 30],
                    [2, "Số đảng viên đã đăng ký nêu gương", None, 0.9, 28]])
    problems = {(p.code, p.cell) for p in raw.problems}
    assert ("column_unread", "E2") in problems  # the "nữ" column
    assert ("value_elsewhere", "D3") in problems  # blank value, a figure beside it
    raw = extract_report(Book(path=None, fmt="xlsx", sheets=[Grid("Tổng hợp", [
        ["Tổng số đảng viên:", 211], [], HEADER] + BODY)]))
    assert ("numbers_outside_table", "B1") in {(p.code, p.cell) for p in raw.problems}


def test_a_report_date_without_year_takes_the_folder_periods_year_not_a_stated_ones():
    # The title states no period: the folder's year still completes "15/12".
    raw = extract_report(Book(path=None, fmt="xlsx", sheets=[Grid("Tổng hợp", [
        ["BÁO CÁO", ""], ["Ngày báo cáo:", "15/12"], HEADER] + BODY)]), "2014-H2")
    assert raw.report_date == dt.date(2014, 12, 15)
