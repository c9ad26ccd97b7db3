"""The inspection sheet as Đảng bộ fill it: a date or a count where a tick was asked, cell
names typed their own way. Each inspection that was done counts, so no Đảng bộ is flagged
weak for the way it wrote."""

from __future__ import annotations

import datetime as dt

import openpyxl
from builders import write_report

from lib03.contract import read_table
from lib03.ingest.pipeline import run_clean

FILE = "2014-H1/DB01.xlsx"
SHEET = "Kiểm tra, giám sát"


def _with_rows(path, rows) -> None:
    write_report(path)
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    ws.delete_rows(2, ws.max_row)
    for row in rows:
        ws.append(row)
    wb.save(path)


def _clean(raw_dir, tmp_path):
    run_clean(raw_dir, tmp_path / "out", progress=False)
    return {n: read_table(tmp_path / "out" / f"{n}.csv") for n in ("inspections",
                                                                    "quality_log")}


def test_a_date_or_a_count_in_a_mark_column_means_done(raw_dir, tmp_path):
    _with_rows(raw_dir / FILE, [
        [1, "C/b ấp 1", "12/3/2014", "", None, 2, 2],
        [2, "Chi bộ ấp II", "", "2 cuộc", dt.datetime(2014, 4, 2), 3, 1],
        [3, "Ấp 03", dt.datetime(2014, 5, 6), 1, None, None, None],
        [4, "ấp 3 (lần 2)", "xem ghi chú", "", None, None, None],
    ])
    t = _clean(raw_dir, tmp_path)
    ins = t["inspections"].set_index("cell_name_raw")
    assert ins.loc["C/b ấp 1", "cell_code"] == "DB01-01"
    assert (ins.loc["C/b ấp 1", "inspected"], ins.loc["C/b ấp 1", "date"]) == ("1", "2014-03-12")
    assert ins.loc["Chi bộ ấp II", "cell_code"] == "DB01-02"
    assert ins.loc["Chi bộ ấp II", "supervised"] == "1"
    assert ins.loc["Chi bộ ấp II", "supervised_count"] == "2"
    assert ins.loc["Chi bộ ấp II", "date"] == "2014-04-02"  # the date column still wins
    assert (ins.loc["Ấp 03", "inspected"], ins.loc["Ấp 03", "date"]) == ("1", "2014-05-06")
    assert ins.loc["Ấp 03", "supervised"] == "1" and ins.loc["Ấp 03", "supervised_count"] == ""
    log = t["quality_log"]
    mine = log[log["source_file"] == FILE].set_index("cell")
    assert mine.loc["C2", "code"] == "mark_as_date" and mine.loc["C2", "severity"] == "info"
    assert mine.loc["D3", "code"] == "mark_as_count" and mine.loc["D3", "severity"] == "info"
    # Words that are neither a tick, a date nor a count stay unread, with their warning.
    assert ins.loc["ấp 3 (lần 2)", "inspected"] == ""
    assert mine.loc["C5", "code"] == "mark_unparseable"
