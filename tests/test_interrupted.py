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

# The child: a real clean whose disk stalls before its N-th file move inside the output
# folder (staging a table, staging the manifest, moving a table in, moving the manifest in).
SLOW_DISK = """
import os, sys, time
from pathlib import Path
out = os.path.abspath(sys.argv[2])
stop_at = int(sys.argv[3])
real_replace = os.replace
calls = []
def slow_replace(src, dst):
    dst_text = os.path.abspath(str(dst))
    if dst_text.startswith(out) and ".cache" not in dst_text:
        calls.append(dst_text)
        if len(calls) == stop_at:
            print("DANG-GHI", flush=True)
            time.sleep(60)
    real_replace(src, dst)
os.replace = slow_replace
from lib03.ingest.pipeline import run_clean
run_clean(Path(sys.argv[1]), Path(sys.argv[2]), progress=False)
"""
# 6 tables staged, the manifest staged, 6 tables moved in, the manifest moved in.
PUBLISH_STEPS = 14


def _raw(folder: Path, files: list[str]) -> Path:
    return copy_sample(folder, files)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _tables_seen(folder: Path) -> dict[str, bytes]:
    """The tables as a reader sees them: through the set's manifest, which refuses a mix."""
    from lib03.tableset import check_tables

    check_tables(folder, ["units", "submissions", "indicators", "monthly", "inspections",
                          "quality_log"])
    return {n: b for n, b in _snapshot(folder).items() if n.endswith(".csv")}


@pytest.fixture(scope="module")
def before_after(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sets")
    old_raw, new_raw = _raw(tmp / "old", FILES[:3]), _raw(tmp / "new", FILES)
    run_clean(old_raw, tmp / "before", progress=False)
    run_clean(new_raw, tmp / "after", progress=False)
    return old_raw, new_raw, _tables_seen(tmp / "before"), _tables_seen(tmp / "after")


@pytest.mark.parametrize("step", range(1, PUBLISH_STEPS + 1))
def test_a_clean_killed_while_publishing_leaves_one_whole_set(tmp_path, before_after, step):
    old_raw, new_raw, before, after = before_after
    out = tmp_path / "processed"
    run_clean(old_raw, out, progress=False)
    child = subprocess.Popen([sys.executable, "-c", SLOW_DISK, str(new_raw), str(out),
                              str(step)], stdout=subprocess.PIPE, env=ENV, text=True)
    try:
        assert child.stdout.readline().strip() == "DANG-GHI"
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    seen = _tables_seen(out)  # never a mix: the old set, or the new one moved in whole
    assert seen in (before, after), step
    if step <= 7:  # killed while staging: the old set is still current
        assert seen == before
    else:  # the new set was complete on disk: a reader finishes moving it in
        assert seen == after
    for name in seen:
        read_table(out / name)
    run_clean(new_raw, out, progress=False)
    assert _tables_seen(out) == after  # the rerun finished the job
    assert not list(out.glob(".*.tmp")) and not (out / ".dang-ghi").exists()


@pytest.mark.parametrize("step", range(1, PUBLISH_STEPS + 1))
def test_a_full_disk_while_publishing_leaves_one_whole_set(tmp_path, before_after, step,
                                                           monkeypatch):
    import errno

    old_raw, new_raw, before, after = before_after
    out = tmp_path / "processed"
    run_clean(old_raw, out, progress=False)
    real_replace, calls = os.replace, []

    def full_disk(src, dst):
        if str(dst).startswith(str(out)) and ".cache" not in str(dst):
            calls.append(dst)
            if len(calls) == step:
                raise OSError(errno.ENOSPC, "No space left on device", str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OSError):
        run_clean(new_raw, out, progress=False, cache=False)
    monkeypatch.setattr(os, "replace", real_replace)
    assert _tables_seen(out) in (before, after), step


def test_a_table_edited_by_hand_is_refused(tmp_path, before_after):
    from lib03.errors import TablesError
    from lib03.tableset import check_tables

    old_raw, _, _, _ = before_after
    out = tmp_path / "processed"
    run_clean(old_raw, out, progress=False)
    (out / "indicators.csv").write_text("sửa tay", encoding="utf-8")
    with pytest.raises(TablesError, match="không thuộc cùng lần làm sạch"):
        check_tables(out, ["units", "indicators"])


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
        deadline = time.monotonic() + 60
        # Each run stages in a folder of its own: .2014-H1.dang-viet-<unique>
        while not list(reports.glob(".2014-H1.dang-viet*")) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert list(reports.glob(".2014-H1.dang-viet*")), "the report never started writing"
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
        truth = read_table(RAW_DIR / ".ground_truth" / "submissions.csv")
        assert (summary.files, summary.ok) == (len(truth), int((truth["status"] == "ok").sum()))
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
