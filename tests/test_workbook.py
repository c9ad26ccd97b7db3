"""The summary workbook: cover first (with each table's title and notes), one table per sheet
under its title (A1) and notes, units in the headers, [x] for a missing figure, formats,
formula-safe text, byte-identical output, atomic write, and readable by a second reader
(calamine)."""

import datetime as dt
import re
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from lib03.errors import ReportError
from lib03.report.workbook import (
    BLANK_NOTE,
    COVER_NAME,
    EMPTY_ROW_TEXT,
    FILE_NAME,
    MISSING_SYMBOL,
    SheetTable,
    build_summary_workbook,
    write_summary_workbook,
)
from lib03.sheetwrite import workbook_bytes

COVER = {
    "title": "Tổng hợp thực hiện Chỉ thị 03-CT/TW, 6 tháng đầu năm 2014",
    "period_label": "6 tháng đầu năm 2014",
    "source": "Báo cáo của các tổ chức cơ sở đảng trực thuộc",
    "data_date": "2014-07-15",
    "notes": ["Số liệu tạm tính.", "Tỷ lệ tính trên số đơn vị có báo cáo."],
}
RATES = SheetTable(
    name="Tỷ lệ hoàn thành",
    title="Tỷ lệ chi bộ hoàn thành nội dung sinh hoạt, theo đơn vị",
    frame=pd.DataFrame({
        "Đơn vị": ["Đảng ủy xã Hòa Bình", "=1+1", "-3 đ/c"],
        "Tỷ lệ hoàn thành": [0.5, np.nan, 1.0],
        "Số chi bộ": [1234, 3, pd.NA],
        "Ngày báo cáo": ["2014-06-30", None, dt.date(2014, 7, 1)],
        "Thay đổi so với kỳ trước": [0.05, -0.1, 0.0],
    }),
    formats={"Tỷ lệ hoàn thành": "percent", "Số chi bộ": "count", "Ngày báo cáo": "date",
             "Thay đổi so với kỳ trước": "change"},
    notes=("Chỉ tính chi bộ đã báo cáo.",),
)
LATE = SheetTable(
    name="Nộp muộn",
    title="Đơn vị nộp báo cáo muộn",
    frame=pd.DataFrame({"Mã đơn vị": ["X01", "X02"], "Số ngày muộn": [2, 15]}),
    formats={"Số ngày muộn": "count"},
)
EMPTY = SheetTable(
    name="Kiểm tra",
    title="Đơn vị được kiểm tra",
    frame=pd.DataFrame({"Đơn vị": [], "Số cuộc": []}),
    formats={"Số cuộc": "count"},
)
TABLES = [RATES, LATE, EMPTY]


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return write_summary_workbook(tmp_path / FILE_NAME, TABLES, **COVER)


@pytest.fixture
def wb(path: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(path)


def _table(ws):
    (table,) = ws.tables.values()
    return table


def _header_row(ws) -> int:
    return int(re.match(r"A(\d+):", _table(ws).ref).group(1))


def test_cover_sheet_comes_first_with_metadata_notes_and_contents(wb):
    assert wb.sheetnames == [COVER_NAME, "Tỷ lệ hoàn thành", "Nộp muộn", "Kiểm tra"]
    assert wb.active.title == COVER_NAME
    rows = [tuple(r) for r in wb[COVER_NAME].iter_rows(values_only=True)]
    assert rows[0] == (COVER["title"], None, None)
    assert rows[1:4] == [
        ("Kỳ báo cáo", COVER["period_label"], None),
        ("Nguồn số liệu", COVER["source"], None),
        ("Ngày số liệu", dt.datetime(2014, 7, 15), None),
    ]
    assert rows[4:7] == [("Ghi chú", None, None), *((n, None, None) for n in COVER["notes"])]
    assert rows[7:] == [
        ("Danh mục bảng", None, None), ("Trang tính", "Nội dung", "Ghi chú"),
        (RATES.name, RATES.title, f"{RATES.notes[0]} {BLANK_NOTE}"),
        (LATE.name, LATE.title, None), (EMPTY.name, EMPTY.title, None),
    ]
    assert wb[COVER_NAME]["B4"].number_format == "dd/mm/yyyy"


def test_cover_contents_is_a_table_linking_to_each_sheet(wb):
    cover = wb[COVER_NAME]
    table = _table(cover)
    assert table.ref == "A9:C12"
    links = [cover.cell(row, 1).hyperlink.location for row in range(10, 13)]
    assert links == [f"'{t.name}'!A1" for t in TABLES]


UNITS = {"Tỷ lệ hoàn thành": "Tỷ lệ hoàn thành (%)",
         "Thay đổi so với kỳ trước": "Thay đổi so với kỳ trước (%)"}


def test_table_sheets_hold_their_title_notes_and_one_table_and_nothing_else(wb):
    names = set()
    for spec in TABLES:
        ws = wb[spec.name]
        table = _table(ws)
        rows = max(len(spec.frame), 1)
        notes = [*spec.notes, *([BLANK_NOTE] if spec is RATES else [])]
        top = 2 + len(notes)  # the title in A1, each note on its own row, then the table
        assert ws["A1"].value == spec.title and ws["A1"].font.b
        assert [ws.cell(2 + i, 1).value for i in range(len(notes))] == notes
        last_col = openpyxl.utils.get_column_letter(spec.frame.shape[1])
        assert table.ref == f"A{top}:{last_col}{top + rows}"
        assert ws.max_row == top + rows  # nothing below the table
        headers = [UNITS.get(c, c) for c in spec.frame.columns]
        assert [c.value for c in ws[top]][:len(headers)] == headers
        assert [c.name for c in table.tableColumns] == headers
        assert table.autoFilter is None  # the checklist asks for no filter buttons
        assert table.tableStyleInfo.showRowStripes
        assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", table.displayName)
        names.add(table.displayName)
        assert ws.freeze_panes == f"A{top + 1}"
        assert ws.print_title_rows == f"${top}:${top}"  # header repeated on printed pages
    assert len(names) == len(TABLES)


def test_blank_cells_are_explained_only_where_there_are_some(wb):
    notes = {r[0]: r[2] for r in wb[COVER_NAME].iter_rows(min_row=10, values_only=True)}
    assert BLANK_NOTE in notes["Tỷ lệ hoàn thành"] and notes["Nộp muộn"] is None


def test_no_merged_cells_anywhere(wb):
    assert all(not ws.merged_cells.ranges for ws in wb.worksheets)


def test_number_formats_follow_the_column_kind(wb):
    ws = wb["Tỷ lệ hoàn thành"]
    first = ws[_header_row(ws) + 1]
    assert [c.number_format for c in first] == [
        "General", "0.0%", "#,##0", "dd/mm/yyyy", '+0.0%;"−"0.0%;0.0%']
    assert [c.value for c in first] == [
        "Đảng ủy xã Hòa Bình", 0.5, 1234, dt.datetime(2014, 6, 30), 0.05]


def test_a_missing_figure_shows_the_symbol_and_missing_text_is_empty(wb):
    ws = wb["Tỷ lệ hoàn thành"]
    top = _header_row(ws)
    assert [c.value for c in ws[top + 2]] == ["=1+1", MISSING_SYMBOL, 3, MISSING_SYMBOL, -0.1]
    assert ws.cell(top + 3, 3).value == MISSING_SYMBOL
    values = [v for row in ws.iter_rows(values_only=True) for v in row]
    assert "nan" not in values and "<NA>" not in values


def test_formula_looking_text_stays_text(wb, path):
    ws = wb["Tỷ lệ hoàn thành"]
    top = _header_row(ws)
    for row, text in ((top + 2, "=1+1"), (top + 3, "-3 đ/c")):
        cell = ws.cell(row, 1)
        assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)
    assert ws.cell(top + 1, 1).quotePrefix is False
    with zipfile.ZipFile(path) as zf:
        sheets = [n for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets and not any(b"<f>" in zf.read(n) or b"<f " in zf.read(n) for n in sheets)


def test_empty_frame_gets_one_placeholder_row(wb):
    ws = wb["Kiểm tra"]
    assert [c.value for c in ws[_header_row(ws) + 1]] == [EMPTY_ROW_TEXT, None]


def test_column_widths_fit_content_and_are_capped():
    long_text = "Đảng ủy " * 20
    spec = SheetTable("Dài", "Bảng có chữ dài", pd.DataFrame({"Ghi chú": [long_text],
                                                              "Số": [5]}), {"Số": "count"})
    ws = build_summary_workbook([spec], **COVER)["Dài"]
    assert ws.column_dimensions["A"].width == 50
    assert ws.column_dimensions["B"].width == 8
    assert ws["A3"].alignment.wrap_text  # under the title and the header
    assert ws.row_dimensions[3].height >= 15 * 3  # 160 characters in a 50-wide column


def test_same_input_gives_the_same_bytes(tmp_path):
    once = workbook_bytes(build_summary_workbook(TABLES, **COVER))
    twice = workbook_bytes(build_summary_workbook(TABLES, **COVER))
    assert once == twice
    first = write_summary_workbook(tmp_path / "a" / FILE_NAME, TABLES, **COVER).read_bytes()
    assert first == write_summary_workbook(tmp_path / "b" / FILE_NAME, TABLES, **COVER).read_bytes()


def test_write_is_atomic_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / FILE_NAME
    target.write_bytes(b"old")
    assert write_summary_workbook(target, TABLES, **COVER) == target
    assert [p.name for p in tmp_path.iterdir()] == [FILE_NAME]
    assert zipfile.is_zipfile(target)


def test_document_properties_name_title_and_language(wb):
    assert wb.properties.title == COVER["title"]
    assert wb.properties.language == "vi-VN"


def test_calamine_reads_it_too(path):
    book = CalamineWorkbook.from_path(str(path))
    assert book.sheet_names == [COVER_NAME, "Tỷ lệ hoàn thành", "Nộp muộn", "Kiểm tra"]
    rows = book.get_sheet_by_name("Tỷ lệ hoàn thành").to_python()
    assert rows[0][0] == RATES.title
    assert rows[3] == [UNITS.get(c, c) for c in RATES.frame.columns]
    assert rows[4] == ["Đảng ủy xã Hòa Bình", 0.5, 1234, dt.date(2014, 6, 30), 0.05]
    assert rows[5][:2] == ["=1+1", MISSING_SYMBOL]
    assert book.get_sheet_by_name(COVER_NAME).to_python()[3][:2] == [
        "Ngày số liệu", dt.date(2014, 7, 15)]


@pytest.mark.parametrize("name", [
    "x" * 32, "Tỷ lệ/đơn vị", "Bảng [1]", "'Bảng", "", "bìa", "nộp MUỘN",
])
def test_names_excel_refuses_are_rejected(name):
    spec = SheetTable(name, "t", pd.DataFrame({"A": [1]}), {})
    with pytest.raises(ReportError):
        build_summary_workbook([LATE, spec], **COVER)


@pytest.mark.parametrize("formats", [{"A": "percentage"}, {"Không có": "count"}])
def test_unknown_formats_are_rejected(formats):
    spec = SheetTable("Bảng", "t", pd.DataFrame({"A": [1]}), formats)
    with pytest.raises(ReportError):
        build_summary_workbook([spec], **COVER)


def test_repeated_headers_are_rejected():
    frame = pd.DataFrame([[1, 2]], columns=["Số chi bộ", "số chi bộ"])
    with pytest.raises(ReportError):
        build_summary_workbook([SheetTable("Bảng", "t", frame, {})], **COVER)


def test_date_text_that_is_not_iso_is_kept_as_typed():
    spec = SheetTable("Ngày", "t", pd.DataFrame({"Ngày": ["30/6", pd.NaT]}), {"Ngày": "date"})
    ws = build_summary_workbook([spec], **COVER)["Ngày"]
    assert (ws["A4"].value, ws["A5"].value) == ("30/6", MISSING_SYMBOL)


def test_blank_cells_already_explained_by_a_note_are_not_explained_twice():
    frame = pd.DataFrame({"Tỷ lệ": [None, 0.5]})
    spec = SheetTable("Bảng", "t", frame, {"Tỷ lệ": "percent"}, ("Ô trống là không tính được.",))
    cover = build_summary_workbook([spec], **COVER)[COVER_NAME]
    last = [c.value for c in cover[cover.max_row]]
    assert last == ["Bảng", "t", "Ô trống là không tính được."]
