"""Forms real districts write, cleaned end to end: numbers grouped with spaces and followed by
unit words, dates written without "ngày" or with a month only, labels followed by the answer
options of the form. Each value is checked in the output tables with its source cell, and each
value that cannot be read surely is blank with a warning at its cell.
"""

from __future__ import annotations

import openpyxl
import pytest
from builders import INDICATOR_ROWS, write_report

from lib03.contract import read_table
from lib03.ingest.pipeline import run_clean

FILE = "2014-H1/BC Tan Phu.xlsx"
SUMMARY = "Tổng hợp"
INSPECTION = "Kiểm tra, giám sát"
# write_report puts the table header on row 7: indicator i (from 1) stands on row 7 + i,
# its label in column B and its value in column C.
ROW = {label: 7 + i for i, (label, _) in enumerate(INDICATOR_ROWS, 1)}
IDS = ["tong_dang_vien", "dv_dang_ky", "tong_tap_the", "tap_the_dang_ky", "dv_bao_cao",
       "buoi_quan_triet", "dv_hoc_chuyen_de", "guong_phat_hien", "guong_nhan_rong", "bo_phan_03",
       "so_chi_bo_truc_thuoc", "cuoc_kiem_tra", "cuoc_giam_sat", "kien_nghi",
       "kien_nghi_khac_phuc"]


def _rows(**values_by_id):
    """INDICATOR_ROWS with some values (or (label, value) pairs) replaced, by indicator id."""
    rows = []
    for indicator, (label, value) in zip(IDS, INDICATOR_ROWS, strict=True):
        new = values_by_id.get(indicator, value)
        rows.append(new if isinstance(new, tuple) else (label, new))
    return rows


def _clean(raw_dir, tmp_path):
    out = tmp_path / "out"
    run_clean(raw_dir, out, progress=False, workers=1)
    return {n: read_table(out / f"{n}.csv")
            for n in ("submissions", "indicators", "inspections", "quality_log")}


def _indicators(tables):
    return tables["indicators"].set_index("indicator")


def _log_at(tables, sheet, cell):
    log = tables["quality_log"]
    return list(log[(log["sheet"] == sheet) & (log["cell"] == cell)]["code"])


def _edit(path, sheet, cells):
    wb = openpyxl.load_workbook(path)
    for address, value in cells.items():
        wb[sheet][address] = value
    wb.save(path)


# ---- family 1: numbers grouped with spaces, unit words after them -------------------------------

def test_numbers_grouped_with_spaces_are_counts(raw_dir, tmp_path):
    write_report(raw_dir / FILE, rows=_rows(
        tong_dang_vien="1 165",
        dv_dang_ky="1\u00a0143 đồng chí",
        tong_tap_the="12 tập thể",
        tap_the_dang_ky="12 tập thể",
        dv_bao_cao="1\u202f100 đ/c",
        buoi_quan_triet="12 buổi",
        dv_hoc_chuyen_de="1\u2009087 lượt",
        guong_phat_hien="45 người",
        guong_nhan_rong="12 34",  # ambiguous: 1234? 12 and 34? never guessed
    ))
    t = _clean(raw_dir, tmp_path)
    assert t["submissions"].loc[0, "status"] == "ok"
    ind = _indicators(t)
    expected = {"tong_dang_vien": "1165", "dv_dang_ky": "1143", "tong_tap_the": "12",
                "tap_the_dang_ky": "12", "dv_bao_cao": "1100", "buoi_quan_triet": "12",
                "dv_hoc_chuyen_de": "1087", "guong_phat_hien": "45", "guong_nhan_rong": ""}
    for indicator, value in expected.items():
        assert ind.loc[indicator, "value"] == value, indicator
    assert ind.loc["tong_dang_vien", "source"] == f"{FILE}!{SUMMARY}!C8"
    assert ind.loc["dv_hoc_chuyen_de", "source"] == f"{FILE}!{SUMMARY}!C14"
    assert ind.loc["guong_nhan_rong", "source"] == f"{FILE}!{SUMMARY}!C16"
    assert _log_at(t, SUMMARY, "C16") == ["value_spacing_ambiguous"]
    for row in range(8, 16):  # every spaced number read surely: no line at its cell
        assert _log_at(t, SUMMARY, f"C{row}") == [], row


# ---- family 2: dates ----------------------------------------------------------------------------

@pytest.mark.parametrize("date_text, expected", [
    ("Tân Phú, ngày 16 tháng 6, năm 2014", "2014-06-16"),
    ("Tân Phú, ngày 16/6 năm 2014", "2014-06-16"),
    ("Tân Phú, ngày 16 tháng Sáu năm 2014", "2014-06-16"),
    ("Tân Phú, ngày 16.06.14", "2014-06-16"),
])
def test_report_date_in_the_title_line(raw_dir, tmp_path, date_text, expected):
    write_report(raw_dir / FILE, date_text=date_text)
    sub = _clean(raw_dir, tmp_path)["submissions"].iloc[0]
    assert (sub["report_date"], sub["on_time"]) == (expected, "1")


@pytest.mark.parametrize("typed, expected", [
    ("16 tháng 6 năm 2014", "2014-06-16"),
    ("20-6-2014", "2014-06-20"),
    ("20.06.2014", "2014-06-20"),
    ("20/6/14", "2014-06-20"),
    ("ngày 16 tháng 6, năm 2014", "2014-06-16"),
])
def test_report_date_in_the_cell_beside_its_label(raw_dir, tmp_path, typed, expected):
    path = raw_dir / FILE
    write_report(path)
    _edit(path, SUMMARY, {"D2": "Ngày báo cáo:", "E2": typed})
    t = _clean(raw_dir, tmp_path)
    sub = t["submissions"].iloc[0]
    assert (sub["report_date"], sub["on_time"]) == (expected, "1")
    assert not [c for c in t["quality_log"]["code"] if c.startswith("report_date")]


def test_month_only_inspection_date_is_blank_and_said(raw_dir, tmp_path):
    path = raw_dir / FILE
    write_report(path)
    _edit(path, INSPECTION, {"E2": "tháng 3/2014", "E3": "02.04.2014"})
    t = _clean(raw_dir, tmp_path)
    insp = t["inspections"]
    assert list(insp["date"]) == ["", "2014-04-02", ""]
    assert insp.loc[0, "source"] == f"{FILE}!{INSPECTION}!B2:G2"
    assert _log_at(t, INSPECTION, "E2") == ["date_imprecise"]
    log = t["quality_log"].set_index("code")
    assert log.loc["date_imprecise", "raw_value"] == "tháng 3/2014"
    assert log.loc["date_imprecise", "severity"] == "warning"


@pytest.mark.parametrize("date_text", ["Tân Phú, 16 tháng 6 năm 2014",
                                       "Tân Phú, ngày 16 tháng 6, năm 2014",
                                       "Tân Phú, 16-06-2014"])
def test_report_date_without_the_word_ngay(raw_dir, tmp_path, date_text):
    write_report(raw_dir / FILE, date_text=date_text)
    sub = _clean(raw_dir, tmp_path)["submissions"].iloc[0]
    assert sub["report_date"] == "2014-06-16"


def test_a_report_dated_by_month_only_says_so(raw_dir, tmp_path):
    write_report(raw_dir / FILE, date_text="Tân Phú, tháng 6 năm 2014")
    t = _clean(raw_dir, tmp_path)
    assert t["submissions"].iloc[0]["report_date"] == ""
    log = t["quality_log"].set_index("code")
    assert log.loc["date_imprecise", "raw_value"] == "Tân Phú, tháng 6 năm 2014"


# ---- family 3: labels followed by answer options, yes/no in words -------------------------------

@pytest.mark.parametrize("label, answer, value", [
    ("Đã kiện toàn Bộ phận 03 (Có/Không)", "Rồi", "1"),
    ("Đã kiện toàn Bộ phận giúp việc 03 (Đã/Chưa)", "Chưa kiện toàn", "0"),
    ("Đã kiện toàn Bộ phận 03 (ghi Có hoặc Không)", "Có, đã kiện toàn", "1"),
    ("Đã kiện toàn BPGV 03 [Có/Không]", "Chưa", "0"),
    ("Đã kiện toàn Bộ phận 03: Có/Không", "Đã có", "1"),
    ("Đơn vị đã kiện toàn Bộ phận giúp việc 03 chưa?", "Đã kiện toàn", "1"),
])
def test_yes_no_label_with_options(raw_dir, tmp_path, label, answer, value):
    write_report(raw_dir / FILE, rows=_rows(bo_phan_03=(label, answer)))
    t = _clean(raw_dir, tmp_path)
    ind = _indicators(t)
    assert ind.loc["bo_phan_03", "value"] == value
    assert ind.loc["bo_phan_03", "source"] == f"{FILE}!{SUMMARY}!C17"
    assert "indicator_missing" not in set(t["quality_log"]["code"])
    assert _log_at(t, SUMMARY, "B17") == [] and _log_at(t, SUMMARY, "C17") == []


def test_options_left_as_the_answer_are_blank_and_said(raw_dir, tmp_path):
    write_report(raw_dir / FILE,
                 rows=_rows(bo_phan_03=("Đã kiện toàn Bộ phận 03 (Có/Không)", "Có/Không")))
    t = _clean(raw_dir, tmp_path)
    assert _indicators(t).loc["bo_phan_03", "value"] == ""
    assert _log_at(t, SUMMARY, "C17") == ["mark_unparseable"]


def test_a_negated_label_with_options_is_not_its_indicator(raw_dir, tmp_path):
    rows = [*INDICATOR_ROWS, ("Số đảng viên chưa đăng ký (Có/Không)", 2)]
    write_report(raw_dir / FILE, rows=rows)
    t = _clean(raw_dir, tmp_path)
    assert _indicators(t).loc["dv_dang_ky", "value"] == "118"  # its own row, not the 2
    assert _log_at(t, SUMMARY, "B23") == ["label_unmatched"]


def test_inspection_headers_with_options_are_read(raw_dir, tmp_path):
    path = raw_dir / FILE
    write_report(path)
    _edit(path, INSPECTION, {"C1": "Kiểm tra (Có/Không)", "D1": "Giám sát (Có/Không)",
                             "C2": "Có", "D2": "Không", "C3": "Chưa", "D3": "Rồi"})
    t = _clean(raw_dir, tmp_path)
    insp = t["inspections"]
    assert list(insp["inspected"]) == ["1", "0", "0"]
    assert list(insp["supervised"]) == ["0", "1", "0"]
    assert "column_missing" not in set(t["quality_log"]["code"])


# ---- family 4: litter an office suite leaves beside a report ------------------------------------

def test_office_litter_is_info_never_a_warning(raw_dir, tmp_path):
    write_report(raw_dir / FILE)
    (raw_dir / "2014-H1" / "~$BC Tan Phu.xlsx").write_bytes(b"owner")
    (raw_dir / "2014-H1" / ".~lock.BC Tan Phu.xlsx#").write_bytes(b"lock")
    t = _clean(raw_dir, tmp_path)
    log = t["quality_log"].set_index("source_file")
    assert log.loc["2014-H1/~$BC Tan Phu.xlsx", ["code", "severity"]].tolist() == [
        "file_temporary", "info"]
    assert log.loc["2014-H1/.~lock.BC Tan Phu.xlsx#", "severity"] == "info"
    assert list(t["submissions"]["source_file"]) == [FILE]
