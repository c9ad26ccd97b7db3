"""The progress bar of `lib03 clean`: shown to a person at a terminal, never in CI or a pipe."""

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios

from builders import copy_sample

from lib03.config import PROJECT_ROOT

FILES = ["DB01.xlsx", "CB11.xlsx", "CB17.xlsm", "CB23.ods", "DB07.xlsx", "DB13.xlsx"]


def _clean(tmp_path, *, terminal: bool, ci: bool) -> str:
    raw = copy_sample(tmp_path / "raw", FILES)
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PYTHONPATH"] = str(PROJECT_ROOT)
    if ci:
        env["CI"] = "true"
    cmd = [sys.executable, "-m", "lib03", "clean", "--raw", str(raw),
           "--out", str(tmp_path / "out"), "--no-cache"]
    if not terminal:
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stderr
    # stderr on a pseudo-terminal, as in the analyst's window.
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=follower)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the child closed its end
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert proc.wait(timeout=300) == 0
    return b"".join(chunks).decode("utf-8", "replace")


def test_a_terminal_sees_files_per_second_and_time_left(tmp_path):
    shown = _clean(tmp_path, terminal=True, ci=False)
    assert "Đọc tệp:" in shown
    assert f"{len(FILES)}/{len(FILES)} tệp" in shown
    assert "còn khoảng" in shown and "tệp/s" in shown


def test_ci_and_pipes_get_no_bar(tmp_path):
    assert "Đọc tệp" not in _clean(tmp_path / "pipe", terminal=False, ci=False)
    assert "Đọc tệp" not in _clean(tmp_path / "ci", terminal=True, ci=True)
