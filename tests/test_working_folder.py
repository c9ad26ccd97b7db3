"""Conditions of a real office PC: another start method, a worker count too large, a damaged
processed folder, and folder mistakes shown at the top of the report."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from builders import copy_sample

import lib03.cli as cli
from lib03.config import RAW_DIR

FILES = ["DB01.xlsx", "CB11.xlsx", "CB17.xlsm", "CB23.ods", "DB07.xlsx"]
SPAWN = """
import multiprocessing, sys
from pathlib import Path
if __name__ == "__main__":
    multiprocessing.set_start_method(sys.argv[3])
    import lib03.ingest.workers as workers
    workers.MIN_FILES_PER_WORKER = 1  # a pool even for a handful of files
    from lib03.ingest.pipeline import run_clean
    run_clean(Path(sys.argv[1]), Path(sys.argv[2]), progress=False, workers=2, cache=False)
"""


def _tables(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))}


def test_spawn_and_fork_give_the_same_bytes(tmp_path):
    """Windows and macOS start workers with spawn: the tables must not depend on it."""
    raw = copy_sample(tmp_path / "raw", FILES)
    script = tmp_path / "run.py"
    script.write_text(SPAWN, encoding="utf-8")
    for method in ("spawn", "fork"):
        subprocess.run([sys.executable, str(script), str(raw), str(tmp_path / method), method],
                       check=True, timeout=300, env={**os.environ, "CI": "true"})
    assert _tables(tmp_path / "spawn") == _tables(tmp_path / "fork")
    assert len(_tables(tmp_path / "spawn")) == 6


@pytest.mark.parametrize("asked", ["0", "-2"])
def test_a_worker_count_below_one_is_refused(tmp_path, capsys, asked):
    code = cli.main(["clean", "--out", str(tmp_path / "out"), "--workers", asked])
    assert code == 2 and "--workers phải là số nguyên từ 1 trở lên" in capsys.readouterr().err


def test_more_workers_than_cores_are_lowered_and_said(tmp_path, capsys):
    raw = copy_sample(tmp_path / "raw", FILES[:2])
    code = cli.main(["clean", "--raw", str(raw), "--out", str(tmp_path / "out"),
                     "--workers", "999"])
    assert code == 0
    assert f"dùng {os.cpu_count()} tiến trình thay vì 999" in capsys.readouterr().out


def test_a_report_on_a_damaged_set_of_tables_refuses(tmp_path, capsys):
    raw = copy_sample(tmp_path / "raw", FILES[:2])
    processed = tmp_path / "processed"
    assert cli.main(["clean", "--raw", str(raw), "--out", str(processed)]) == 0
    (processed / "monthly.csv").write_text("period,unit_code\n", encoding="utf-8")
    code = cli.main(["report", "--skip-clean", "--processed", str(processed), "--reports",
                     str(tmp_path / "reports")])
    err = capsys.readouterr().err
    assert code == 2 and "monthly.csv không thuộc cùng lần làm sạch" in err
    assert "Traceback" not in err and not (tmp_path / "reports" / "2014-H1").exists()


def test_folder_mistakes_are_at_the_top_of_the_report(tmp_path):
    raw = copy_sample(tmp_path / "raw", FILES)
    (raw / "2014-H2").mkdir()
    shutil.copy(RAW_DIR / "2014-H1" / "DB13.xlsx", raw / "DB13.xlsx")
    assert cli.main(["report", "--period", "2014-H1", "--raw", str(raw), "--processed",
                     str(tmp_path / "p"), "--reports", str(tmp_path / "r")]) == 0
    page = (tmp_path / "r" / "2014-H1" / "index.html").read_text(encoding="utf-8")
    top = page[:page.index('<nav class="muc-luc">')]
    assert "Cần xem ngay" in top
    assert "DB13.xlsx: Tệp nằm ngoài thư mục kỳ" in top
    assert "Thư mục kỳ 2014-H2 không có tệp nào" in top


@pytest.mark.skipif(sys.platform != "linux", reason="byte file names: Linux file systems")
@pytest.mark.parametrize("name", [
    "Kết quả tổng hợp",                                          # as typed on Windows (NFC)
    __import__("unicodedata").normalize("NFD", "Kết quả tổng hợp"),  # as macOS stores it
    os.fsdecode("K\xea\xcc\x81t qua\xcc\x89".encode("latin-1")),     # Windows-1258 bytes
])
def test_output_folders_with_vietnamese_names(tmp_path, name):
    raw = copy_sample(tmp_path / "raw", FILES[:2])
    home = tmp_path / name
    assert cli.main(["--home", str(home), "clean", "--raw", str(raw)]) == 0
    assert (home / "data" / "processed" / "submissions.csv").is_file()
    assert cli.main(["--home", str(home), "template", "--period", "2014-H2", "--raw",
                     str(raw)]) == 0
    assert len(list((home / "templates" / "2014-H2").glob("*.xlsx"))) == 40
