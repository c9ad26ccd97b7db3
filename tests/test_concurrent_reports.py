"""Two reports started at once on the same folders: the published report is always one run's
complete report, and each run ends with 0 or with the Vietnamese "another run" stop (3)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="runs two lib03 processes")
EXPECTED = {"index.html", "bang_tong_hop.xlsx", "01_chat_luong_so_lieu.html",
            "02_ty_le_hoan_thanh.html", "03_kiem_tra_giam_sat.html", "04_bieu_do.html"}


@pytest.fixture(scope="module")
def processed(sample_processed) -> Path:
    return sample_processed


def _report(processed: Path, reports: Path, cwd: Path | None = None,
            wait: str = "60") -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "lib03", "--wait", wait, "report", "--skip-clean",
         "--processed", str(processed), "--reports", str(reports)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd,
        env={**os.environ, "CI": "true"})


def _complete(folder: Path) -> bool:
    names = {p.name for p in folder.iterdir()}
    charts = list((folder / "charts").glob("*")) if (folder / "charts").is_dir() else []
    return names >= EXPECTED and len(charts) == 20  # the newest period draws the trend too


@pytest.mark.parametrize(("offset", "wait"), [(0.0, "60"), (0.7, "1")])
def test_two_reports_at_once_publish_one_complete_report(processed, tmp_path, offset, wait):
    reports = tmp_path / "reports"
    first = _report(processed, reports)
    time.sleep(offset)
    second = _report(processed, reports, wait=wait)
    outcomes = []
    for run in (first, second):
        out, err = run.communicate(timeout=600)
        outcomes.append(run.returncode)
        assert "Traceback" not in err and "Error:" not in err, err
        if run.returncode == 3:
            assert "đang được dùng bởi lệnh «lib03 report»" in err
            assert "Lần chạy này dừng và không thay đổi gì" in err
        else:
            assert run.returncode == 0, err
    assert outcomes[0] == 0 and set(outcomes) <= {0, 3}
    assert sorted(p.name for p in reports.iterdir()) == ["2014-H2"]  # no staging left over
    assert _complete(reports / "2014-H2")


def test_relative_folders_work_for_a_report_from_anywhere(processed, tmp_path):
    elsewhere = tmp_path / "noi khac"
    elsewhere.mkdir()
    run = _report(Path(os.path.relpath(processed, elsewhere)), Path("bao_cao"), cwd=elsewhere)
    out, err = run.communicate(timeout=600)
    assert run.returncode == 0, err
    assert _complete(elsewhere / "bao_cao" / "2014-H2")
    assert not (Path.cwd() / "bao_cao").exists()
