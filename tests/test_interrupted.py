"""Runs that are killed half-way, and raw data that must stay untouched.

A killed run must leave every previous output complete and readable, and the next run must
finish the job with no manual step. The child processes here are real `lib03` runs; the only
thing changed in them is a slow disk, so that the kill lands inside the write phase.
"""

import hashlib
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from builders import copy_sample

from lib03.config import PROJECT_ROOT, RAW_DIR
from lib03.contract import read_table
from lib03.ingest.pipeline import run_clean

FILES = ["DB01.xlsx", "CB11.xlsx", "CB17.xlsm", "CB23.ods", "DB07.xlsx", "DB13.xlsx"]
ENV = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}

# The child: a real clean whose disk stalls before the third table is moved into place
# (the cache, written before the tables, is not counted).
SLOW_DISK = """
import os, sys, time
from pathlib import Path
real_replace = os.replace
calls = []
def slow_replace(src, dst):
    if not str(dst).endswith(".csv"):
        return real_replace(src, dst)
    calls.append(dst)
    if len(calls) == 3:
        print("DANG-GHI", flush=True)  # the temporary file of table 3 is on disk now
        time.sleep(60)
    real_replace(src, dst)
os.replace = slow_replace
from lib03.ingest.pipeline import run_clean
run_clean(Path(sys.argv[1]), Path(sys.argv[2]), progress=False)
"""


def _raw(folder: Path, files: list[str]) -> Path:
    return copy_sample(folder, files)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_a_clean_killed_while_writing_leaves_whole_tables_and_the_rerun_recovers(tmp_path):
    out = tmp_path / "processed"
    old_raw = _raw(tmp_path / "old", FILES[:3])
    new_raw = _raw(tmp_path / "new", FILES)
    run_clean(old_raw, out, progress=False)
    before = _snapshot(out)
    run_clean(new_raw, tmp_path / "expected", progress=False)
    after = _snapshot(tmp_path / "expected")

    child = subprocess.Popen([sys.executable, "-c", SLOW_DISK, str(new_raw), str(out)],
                             stdout=subprocess.PIPE, env=ENV, text=True)
    try:
        assert child.stdout.readline().strip() == "DANG-GHI"
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    left = _snapshot(out)
    tables = sorted(n for n in left if n.endswith(".csv"))
    assert tables == sorted(before)  # every table is there
    temporaries = [n for n in left if n.endswith(".tmp")]
    assert len(temporaries) == 1  # the one the kill interrupted
    # The kill landed mid-way: some tables are already the new run's, others still the old's…
    assert any(left[n] == after[n] != before[n] for n in tables)
    assert any(left[n] == before[n] != after[n] for n in tables)
    for name in tables:  # …and each table is one run's, whole and readable
        assert left[name] in (before[name], after[name]), name
        read_table(out / name)

    run_clean(new_raw, out, progress=False)
    assert _snapshot(out) == after  # the rerun finished the job and cleared the leftovers


def test_a_report_killed_half_way_keeps_the_previous_report(tmp_path):
    processed = tmp_path / "processed"
    run_clean(_raw(tmp_path / "raw", FILES), processed, progress=False)
    reports = tmp_path / "reports"
    previous = reports / "2014-H1"
    previous.mkdir(parents=True)
    (previous / "index.html").write_text("báo cáo kỳ trước, còn nguyên", encoding="utf-8")
    child = subprocess.Popen(
        [sys.executable, "-m", "lib03", "report", "--skip-clean", "--processed",
         str(processed), "--reports", str(reports)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV,
        start_new_session=True)
    try:
        stage = reports / ".2014-H1.dang-viet"
        deadline = time.monotonic() + 60
        while not stage.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert stage.exists(), "the report never started writing"
        time.sleep(1.5)  # inside the notebooks
        os.killpg(child.pid, signal.SIGKILL)  # the command and its Jupyter kernel
    finally:
        child.wait(timeout=30)
    assert (previous / "index.html").read_text(encoding="utf-8") == "báo cáo kỳ trước, còn nguyên"
    assert sorted(p.name for p in previous.iterdir()) == ["index.html"]

    code = subprocess.run(
        [sys.executable, "-m", "lib03", "report", "--skip-clean", "--processed",
         str(processed), "--reports", str(reports)],
        capture_output=True, env=ENV, timeout=300).returncode
    assert code == 0
    assert sorted(p.name for p in reports.iterdir()) == ["2014-H1"]  # no leftovers
    assert "Sơ kết thực hiện Chỉ thị 03-CT/TW" in (previous / "index.html").read_text(
        encoding="utf-8")


def _hashes(folder: Path) -> dict[str, tuple[str, int]]:
    return {str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest(),
                                         p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_read_only_raw_data_is_cleaned_and_left_untouched(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW_DIR, raw)
    for path in [raw, *raw.rglob("*")]:
        mode = path.stat().st_mode
        path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    before = _hashes(raw)
    try:
        summary = run_clean(raw, tmp_path / "processed", progress=False)
        assert summary.files == 85 and summary.ok == 79
        assert _hashes(raw) == before  # same bytes, same modification times
        assert not any(p.stat().st_mode & stat.S_IWUSR for p in raw.rglob("*"))
    finally:
        for path in [raw, *raw.rglob("*")]:
            path.chmod(path.stat().st_mode | stat.S_IWUSR)


@pytest.mark.parametrize("order", ["reversed", "shuffled"])
def test_same_bytes_whatever_order_the_files_are_listed_in(tmp_path, monkeypatch, order):
    import random

    raw = _raw(tmp_path / "raw", FILES)
    run_clean(raw, tmp_path / "sorted", progress=False)
    real_iterdir, real_rglob = Path.iterdir, Path.rglob

    def scramble(items):
        items = list(items)
        if order == "reversed":
            return iter(items[::-1])
        random.Random(7).shuffle(items)
        return iter(items)

    monkeypatch.setattr(Path, "iterdir", lambda self: scramble(real_iterdir(self)))
    monkeypatch.setattr(Path, "rglob", lambda self, pattern: scramble(real_rglob(self, pattern)))
    run_clean(raw, tmp_path / "scrambled", progress=False)
    assert _snapshot(tmp_path / "scrambled") == _snapshot(tmp_path / "sorted")


def test_same_bytes_whatever_the_number_of_worker_processes(tmp_path):
    from lib03.cli import main

    raw = _raw(tmp_path / "raw", FILES)
    outs = {}
    for workers in (1, 2, 3):
        out = tmp_path / f"w{workers}"
        assert main(["clean", "--raw", str(raw), "--out", str(out), "--workers",
                     str(workers)]) == 0
        outs[workers] = _snapshot(out)
    assert outs[1] == outs[2] == outs[3]
    sample = {}
    for workers in (1, 2):
        run_clean(RAW_DIR, tmp_path / f"sample{workers}", progress=False, workers=workers)
        sample[workers] = _snapshot(tmp_path / f"sample{workers}")
    assert sample[1] == sample[2]
