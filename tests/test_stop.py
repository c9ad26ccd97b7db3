"""A run that is stopped (Ctrl-C, SIGTERM) or killed leaves no worker behind and no traceback."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lib03.config import RAW_DIR, REGISTRY_FILE_NAME

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc to find workers")


def _big_raw(folder: Path, copies: int = 20) -> Path:
    """Many files, so that a run with two workers is still busy when it is stopped."""
    folder.mkdir()
    shutil.copy(RAW_DIR / REGISTRY_FILE_NAME, folder / REGISTRY_FILE_NAME)
    for i in range(copies):
        shutil.copytree(RAW_DIR / "2014-H1", folder / f"{2000 + i}-H1")
    return folder


def _processes_of(marker: str) -> list[int]:
    """Processes whose command line holds `marker` (workers carry their parent's)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if marker.encode() in cmdline and int(entry.name) != os.getpid():
                found.append(int(entry.name))
    return found


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(x) for x in text.split()]


def _start(tmp_path: Path) -> tuple[subprocess.Popen, str]:
    raw = _big_raw(tmp_path / "raw")
    marker = str(tmp_path / "out")
    env = {**os.environ, "CI": "true"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "lib03", "clean", "--raw", str(raw), "--out", marker,
         "--workers", "2", "--no-cache"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True,
        start_new_session=True)  # its own process group, as a terminal gives it
    deadline = time.monotonic() + 60
    while len(_children(proc.pid)) < 2:  # wait until both workers are at work
        if proc.poll() is not None or time.monotonic() > deadline:
            pytest.skip("the run ended before its workers could be stopped")
        time.sleep(0.05)
    time.sleep(0.3)
    return proc, marker


def _gone_within(marker: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while _processes_of(marker):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


@pytest.mark.parametrize("how", ["SIGTERM", "Ctrl-C"])
def test_a_stopped_run_says_so_in_vietnamese_and_leaves_no_worker(tmp_path, how):
    proc, marker = _start(tmp_path)
    if how == "SIGTERM":
        proc.send_signal(signal.SIGTERM)
    else:  # a terminal sends SIGINT to every process of the group, workers included
        os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "Đã dừng theo yêu cầu; kết quả cũ được giữ nguyên." in err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert _gone_within(marker, 5)
    assert not (Path(marker) / "submissions.csv").exists()  # nothing half-made published


def test_workers_of_a_killed_run_end_within_seconds(tmp_path):
    proc, marker = _start(tmp_path)
    proc.kill()  # SIGKILL: the parent cannot tell its workers anything
    proc.communicate(timeout=30)
    assert _gone_within(marker, 5)


def _lib03(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lib03", *args], capture_output=True,
                          text=True, cwd=cwd, env={**os.environ, "CI": "true"}, timeout=300)


def test_a_second_run_on_the_same_folder_waits_then_stops_untouched(tmp_path):
    from lib03.runlock import hold_folders

    out = tmp_path / "out"
    out.mkdir()
    (out / "submissions.csv").write_text("cũ", encoding="utf-8")
    with hold_folders([out], "report", say=lambda _: None):
        done = _lib03("--wait", "0.5", "clean", "--out", str(out))
    assert done.returncode == 3, done.stderr
    assert "đang được dùng bởi lệnh «lib03 report» của tiến trình" in done.stderr
    assert "Lần chạy này dừng và không thay đổi gì" in done.stderr
    assert "Traceback" not in done.stderr
    assert (out / "submissions.csv").read_text(encoding="utf-8") == "cũ"


def test_the_lock_of_a_killed_run_is_taken_over_with_a_line(tmp_path):
    out = tmp_path / "out"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import time\nfrom pathlib import Path\n"
         "from lib03.runlock import hold_folders\n"
         f"with hold_folders([Path({str(out)!r})], 'clean'):\n"
         "    print('held', flush=True)\n    time.sleep(60)\n"],
        stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    holder.kill()
    holder.wait()
    done = _lib03("--wait", "5", "clean", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert f"Lần chạy trước (lệnh «lib03 clean» của tiến trình {holder.pid}" in done.stderr
    assert "đã dừng giữa chừng" in done.stderr
    assert (out / "submissions.csv").is_file()


def test_relative_folders_work_from_any_working_directory(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    raw = os.path.relpath(RAW_DIR, elsewhere)
    done = _lib03("clean", "--raw", raw, "--out", "ket_qua", cwd=elsewhere)
    assert done.returncode == 0, done.stderr
    assert (elsewhere / "ket_qua" / "submissions.csv").is_file()
