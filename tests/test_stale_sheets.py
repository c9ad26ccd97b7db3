"""A workbook that still holds last period's report beside this period's: the sheet of the
folder's period is read, the other is set aside with an info line, never a quarantine."""

from __future__ import annotations

import openpyxl
from builders import write_report

from lib03.contract import read_table
from lib03.ingest.pipeline import run_clean

FILE = "2014-H1/DB01.xlsx"


def _two_periods(path, *, stale_first: bool = True, only_stale: bool = False) -> None:
    """This period's report (written by the builder) with last period's copied in front."""
    write_report(path, period_text="6 tháng đầu năm 2014")
    stale_path = path.with_name("cu.xlsx")
    write_report(stale_path, period_text="6 tháng cuối năm 2013",
                 date_text="Tân Phú, ngày 15 tháng 12 năm 2013")
    wb, old = openpyxl.load_workbook(path), openpyxl.load_workbook(stale_path)
    stale_path.unlink()
    copy = wb.create_sheet("BC 6T cuối 2013", 0 if stale_first else None)
    for row in old["Tổng hợp"].iter_rows(values_only=True):
        copy.append([v * 2 if isinstance(v, int) and v > 10 else v for v in row])
    if only_stale:
        del wb["Tổng hợp"]
    wb.save(path)


def _clean(raw_dir, tmp_path):
    run_clean(raw_dir, tmp_path / "out", progress=False)
    return {n: read_table(tmp_path / "out" / f"{n}.csv")
            for n in ("submissions", "indicators", "quality_log")}


def test_the_sheet_of_the_folders_period_is_read_and_the_stale_one_set_aside(raw_dir,
                                                                             tmp_path):
    _two_periods(raw_dir / FILE)
    t = _clean(raw_dir, tmp_path)
    sub = t["submissions"].iloc[0]
    assert (sub["status"], sub["report_date"]) == ("ok", "2014-06-18")
    ind = t["indicators"].set_index("indicator")
    assert ind.loc["tong_dang_vien", "value"] == "120"  # not the stale sheet's 240
    assert ind.loc["tong_dang_vien", "source"].startswith(f"{FILE}!Tổng hợp!")
    log = t["quality_log"]
    assert "indicator_duplicate" not in set(log["code"])
    stale = log[log["code"] == "sheet_other_period"]
    assert list(stale["sheet"]) == ["BC 6T cuối 2013"]
    assert list(stale["severity"]) == ["info"] and "2013-H2" in stale["message"].iloc[0]


def test_the_order_of_the_sheets_does_not_matter(raw_dir, tmp_path):
    _two_periods(raw_dir / FILE, stale_first=False)
    t = _clean(raw_dir, tmp_path)
    assert t["submissions"].iloc[0]["status"] == "ok"
    assert t["indicators"].set_index("indicator").loc["tong_dang_vien", "value"] == "120"


def test_a_workbook_with_only_another_periods_report_is_still_quarantined(raw_dir, tmp_path):
    _two_periods(raw_dir / FILE, only_stale=True)
    t = _clean(raw_dir, tmp_path)
    sub = t["submissions"].iloc[0]
    assert (sub["status"], sub["status_reason"]) == ("quarantined", "period_mismatch")
