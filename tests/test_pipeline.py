"""The whole clean run on small hand-made folders: outputs, statuses, log, raw untouched."""

import hashlib
import os

import openpyxl
import pandas as pd
import pytest
from builders import write_report

from lib03.contract import read_table
from lib03.ingest.pipeline import run_clean


def _hashes(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _run(raw_dir, tmp_path):
    out = tmp_path / "out"
    summary = run_clean(raw_dir, out, progress=False)
    tables = {n: read_table(out / f"{n}.csv") for n in
              ("units", "submissions", "indicators", "monthly", "inspections", "quality_log")}
    return summary, tables


def test_shifted_table_is_read_at_its_real_cells(raw_dir, tmp_path):
    write_report(raw_dir / "2014-H1" / "BC Tan Phu.xlsx", offset_rows=4, offset_cols=2)
    _, t = _run(raw_dir, tmp_path)
    ind = t["indicators"].set_index("indicator")
    assert ind.loc["tong_dang_vien", "value"] == "120"
    assert ind.loc["tong_dang_vien", "source"] == "2014-H1/BC Tan Phu.xlsx!Tổng hợp!E12"
    assert ind.loc["dv_dang_ky", "value"] == "118"
    assert ind.loc["dv_hoc_chuyen_de", "value"] == "1100"
    assert ind.loc["bo_phan_03", "value"] == "1"
    assert t["submissions"].loc[0, "status"] == "ok"
    assert t["submissions"].loc[0, "report_date"] == "2014-06-18"
    assert t["submissions"].loc[0, "on_time"] == "1"
    assert list(t["monthly"]["month"]) == ["1", "2", "3", "4", "5", "6"]
    insp = t["inspections"]
    assert list(insp["cell_code"]) == ["DB01-01", "DB01-02", "DB01-03"]
    assert list(insp["date"]) == ["2014-03-12", "2014-04-02", ""]
    assert insp.loc[0, "source"] == "2014-H1/BC Tan Phu.xlsx!Kiểm tra, giám sát!B2:G2"
    # The only finding is the planted inconsistency: 1.100 studying members of 120.
    problems = t["quality_log"][t["quality_log"]["severity"] != "info"]
    assert list(problems["code"]) == ["dv_hoc_gt_total"]
    assert problems.iloc[0]["cell"] == "E18"


def test_bad_files_are_quarantined_and_the_run_goes_on(raw_dir, tmp_path):
    period = raw_dir / "2014-H1"
    write_report(period / "good.xlsx")
    (period / "empty.xlsx").write_bytes(b"")
    (period / "notes.xls").write_text("không phải bảng tính", encoding="utf-8")
    (period / "scan.pdf").write_bytes(b"%PDF-1.4")
    write_report(period / "old.xlsx", period_text="6 tháng cuối năm 2013")
    summary, t = _run(raw_dir, tmp_path)
    subs = t["submissions"]
    status = dict(zip(subs["source_file"], subs["status_reason"], strict=True))
    assert status == {
        "2014-H1/empty.xlsx": "file_empty",
        "2014-H1/good.xlsx": "",
        "2014-H1/notes.xls": "file_not_spreadsheet",
        "2014-H1/old.xlsx": "period_mismatch",
        "2014-H1/scan.pdf": "file_unsupported_type",
    }
    assert (summary.files, summary.ok, summary.quarantined) == (5, 1, 4)
    errors = t["quality_log"][t["quality_log"]["severity"] == "error"]
    assert sorted(errors["source_file"]) == sorted(k for k, v in status.items() if v)
    assert all(m.startswith("Tệp 2014-H1/") for m in errors["message"])


def test_later_report_wins_and_both_are_logged(raw_dir, tmp_path):
    period = raw_dir / "2014-H1"
    write_report(period / "a.xlsx", date_text="Tân Phú, ngày 25 tháng 6 năm 2014")
    write_report(period / "b.xlsx", date_text="Tân Phú, ngày 10 tháng 6 năm 2014")
    _, t = _run(raw_dir, tmp_path)
    sub = t["submissions"].set_index("source_file")
    assert sub.loc["2014-H1/a.xlsx", "status"] == "ok"
    assert sub.loc["2014-H1/a.xlsx", "on_time"] == "0"
    assert sub.loc["2014-H1/b.xlsx", "status"] == "superseded"
    log = t["quality_log"]
    dup = log[log["code"] == "duplicate_submission"]
    assert sorted(dup["source_file"]) == ["2014-H1/a.xlsx", "2014-H1/b.xlsx"]
    assert set(t["indicators"]["source"].str.split("!").str[0]) == {"2014-H1/a.xlsx"}


def test_raw_is_untouched_and_outputs_are_byte_identical(raw_dir, tmp_path):
    write_report(raw_dir / "2014-H1" / "r.xlsx")
    (raw_dir / "2014-H1" / "empty.xlsx").write_bytes(b"")
    (raw_dir / "ghi chu").mkdir()
    before = _hashes(raw_dir)
    run_clean(raw_dir, tmp_path / "o1", progress=False)
    run_clean(raw_dir, tmp_path / "o2", progress=False)
    assert _hashes(raw_dir) == before
    assert _hashes(tmp_path / "o1") == _hashes(tmp_path / "o2")
    log = pd.read_csv(tmp_path / "o1" / "quality_log.csv", encoding="utf-8-sig")
    assert "folder_not_period" in set(log["code"])
    assert (tmp_path / "o1" / "units.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_folder_oddities_are_logged_not_fatal(raw_dir, tmp_path):
    period = raw_dir / "2014-H1"
    write_report(period / "good.xlsx")
    (period / "Thumbs.db").write_bytes(b"\x00" * 10)
    (period / "~$good.xlsx").write_bytes(b"lock")
    (period / "gone.xlsx").symlink_to(period / "nowhere.xlsx")
    odd = os.fsdecode(b"B\xe1o c\xe1o T\xe2n Ph\xfa.xlsx")  # a Windows-1258 name
    write_report(period / odd)
    summary, t = _run(raw_dir, tmp_path)
    log = t["quality_log"]
    codes = dict(zip(log["source_file"], log["code"], strict=True))
    assert codes["2014-H1/Thumbs.db"] == "file_system"
    assert codes["2014-H1/~$good.xlsx"] == "file_temporary"
    subs = t["submissions"].set_index("source_file")
    assert subs.loc["2014-H1/gone.xlsx", "status_reason"] == "file_unreadable"
    assert subs.loc["2014-H1/Báo cáo Tân Phú.xlsx", "status"] in ("ok", "superseded")
    assert summary.files == 3


def test_a_cell_heading_its_report_is_not_its_dang_bo(raw_dir, tmp_path):
    path = raw_dir / "2014-H1" / "chi bo ap 3.xlsx"
    write_report(path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Tổng hợp"]
    ws["A1"], ws["A2"] = "ĐẢNG BỘ XÃ TÂN PHÚ", "CHI BỘ ẤP 3"
    wb.save(path)
    _, t = _run(raw_dir, tmp_path)
    sub = t["submissions"].iloc[0]
    assert (sub["unit_code"], sub["status_reason"]) == ("DB01-03", "unit_not_grassroots")


def test_inspection_rows_of_units_named_like_totals_are_kept(raw_dir, tmp_path):
    # "Công an xã" and "Tổng đội" start with the words of a total row; they are cells.
    path = raw_dir / "2014-H1" / "r.xlsx"
    write_report(path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Kiểm tra, giám sát"]
    ws["B4"] = "Chi bộ Công an xã"
    ws["B5"] = "Tổng cộng"
    wb.save(path)
    _, t = _run(raw_dir, tmp_path)
    names = list(t["inspections"]["cell_name_raw"])
    assert names == ["CB ấp 1", "Chi bo Ap 2", "Chi bộ Công an xã"]
    log = t["quality_log"]
    assert list(log.loc[log["code"] == "total_row_skipped", "cell"]) == ["B5"]


def test_command_line_speaks_vietnamese_and_refuses_writing_into_raw(raw_dir, capsys):
    from lib03.cli import main

    assert main(["clean", "--raw", str(raw_dir), "--out", str(raw_dir / "out")]) == 2
    assert "dữ liệu gốc" in capsys.readouterr().err
    assert not (raw_dir / "out").exists()
    with pytest.raises(SystemExit) as stop:
        main(["clean", "--khong-co"])
    assert stop.value.code == 2
    assert "không hiểu tham số" in capsys.readouterr().err
    assert main(["demo", "--out", str(raw_dir.parent / "d"), "--scale", "0"]) == 2


def test_inputs_are_listed_in_byte_order_without_dot_entries(tmp_path):
    from lib03.ingest.pipeline import list_inputs

    raw = tmp_path / "raw"
    names = ["b.xlsx", "a/z.xlsx", "a/b/c.xlsx", "B.xlsx", ".hidden.xlsx", ".x/in-dot.xlsx",
             "a/.y/in-dot.xlsx", "Đ.xlsx", "a b/c.ods"]
    for name in names:
        (raw / "2014-H1" / name).parent.mkdir(parents=True, exist_ok=True)
        (raw / "2014-H1" / name).write_bytes(b"x")
    inputs, notes = list_inputs(raw)
    shown = [rel for _, _, rel in inputs]
    # What pathlib gives, sorted by the bytes of the relative path: the listing's contract.
    expected = sorted(
        (p.relative_to(raw).as_posix() for p in (raw / "2014-H1").rglob("*") if p.is_file()
         and not any(part.startswith(".") for part in p.relative_to(raw / "2014-H1").parts)),
        key=os.fsencode)
    assert shown == expected == ["2014-H1/B.xlsx", "2014-H1/a b/c.ods", "2014-H1/a/b/c.xlsx",
                                 "2014-H1/a/z.xlsx", "2014-H1/b.xlsx", "2014-H1/Đ.xlsx"]
    assert [p for _, p, _ in inputs] == [raw / s for s in shown]
    assert notes == []
