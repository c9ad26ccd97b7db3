"""Mistakes in the raw folder stop loudly: a period folder named the way people write it is
read and said, an empty one or one lib03 cannot name is printed, and a report that would be
for the wrong period stops."""

from __future__ import annotations

import shutil

import pytest
from builders import copy_sample

import lib03.cli as cli
from lib03.config import RAW_DIR
from lib03.contract import read_table
from lib03.ingest.pipeline import run_clean


@pytest.mark.parametrize(("name", "period"), [
    ("6T dau nam 2014", "2014-H1"), ("6 tháng đầu năm 2014", "2014-H1"), ("H1-2014", "2014-H1"),
    ("2014 6T dau", "2014-H1"), ("6 thang cuoi nam 2014", "2014-H2")])
def test_a_period_folder_named_as_people_write_it_is_read(tmp_path, name, period):
    raw = copy_sample(tmp_path / "raw", ["DB01.xlsx"])
    (raw / "2014-H1").rename(raw / name)
    summary = run_clean(raw, tmp_path / "out", progress=False)
    subs = read_table(tmp_path / "out" / "submissions.csv")
    assert list(subs["period"]) == [period] and summary.periods == [period]
    log = read_table(tmp_path / "out" / "quality_log.csv").set_index("code")
    assert log.loc["folder_period_spelled", "severity"] == "info"
    assert period in log.loc["folder_period_spelled", "message"]


def test_empty_and_unnamed_folders_are_printed(tmp_path, capsys):
    raw = copy_sample(tmp_path / "raw", ["DB01.xlsx"])
    (raw / "2014-H2").mkdir()
    (raw / "moi nhan").mkdir()
    shutil.copy(RAW_DIR / "2014-H1" / "CB11.xlsx", raw / "CB11.xlsx")
    assert cli.main(["clean", "--raw", str(raw), "--out", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr().out
    head = printed.split("Đã làm sạch xong.")[0]
    assert "Cần xem ngay:" in head
    assert "Thư mục kỳ 2014-H2 không có tệp nào" in head
    assert "«moi nhan» không mang tên kỳ báo cáo" in head and "Đổi tên thư mục" in head
    assert "CB11.xlsx: Tệp nằm ngoài thư mục kỳ" in head
    assert "Kỳ 2014-H2 không có báo cáo nào dùng được" in head


def test_a_report_that_would_be_for_the_wrong_period_stops(tmp_path, capsys):
    raw = copy_sample(tmp_path / "raw", ["DB01.xlsx"])
    (raw / "6T 2015").mkdir()  # the newest reports, in a folder lib03 cannot name
    shutil.copy(RAW_DIR / "2014-H1" / "CB11.xlsx", raw / "6T 2015" / "CB11.xlsx")
    code = cli.main(["report", "--raw", str(raw), "--processed", str(tmp_path / "p"),
                     "--reports", str(tmp_path / "r")])
    err = capsys.readouterr().err
    assert code == 2
    assert "Đổi tên thư mục thành 2015-H1 hoặc 2015-H2" in err
    assert "--period" in err
    assert not (tmp_path / "r").exists()  # no report for 2014-H1 written as "the latest"
