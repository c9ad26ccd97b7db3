"""One run at a time per output folder: a second run waits a little, then stops untouched.

An analyst may double-click the launcher twice, or start a report while a clean is still
working. Two runs writing the same folder would mix their outputs, so every command that
writes holds an operating-system file lock (the well-kept `filelock` package: `fcntl` on
Linux and macOS, `msvcrt` on Windows) for each folder it writes. The operating system drops
the lock of a process that dies, so a killed run never blocks the next one; a small note
beside the lock says which process holds it and since when, and when the next run finds a
note but no lock, it says that the previous run stopped half-way. Locks and notes live in
the system's temporary folder, keyed by the folder's absolute path, so that nothing but
the analyst's own files ever appears in data/processed/ or reports/.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from lib03.errors import BusyError

LOCK_DIR = Path(tempfile.gettempdir()) / "lib03-khoa"
DEFAULT_WAIT_SECONDS = 10.0


def _lock_paths(folder: Path) -> tuple[Path, Path]:
    """The lock and the note of a folder (already absolute)."""
    key = hashlib.sha256(os.fsencode(folder)).hexdigest()[:24]
    return LOCK_DIR / f"{key}.lock", LOCK_DIR / f"{key}.json"


def _read_note(note_path: Path) -> dict:
    try:
        note = json.loads(note_path.read_text(encoding="utf-8"))
        return note if isinstance(note, dict) else {}
    except (OSError, ValueError):
        return {}


def describe_run(note: dict) -> str:
    """Which run a note speaks of, in Vietnamese.

    >>> describe_run({"pid": 42, "command": "report", "started": "2014-06-20T08:15:00"})
    'lệnh «lib03 report» của tiến trình 42, bắt đầu lúc 08:15:00 ngày 20/06/2014'
    """
    if not note:
        return "một lần chạy khác"
    started = dt.datetime.fromisoformat(note["started"]) if note.get("started") else None
    when = f", bắt đầu lúc {started:%H:%M:%S ngày %d/%m/%Y}" if started else ""
    return f"lệnh «lib03 {note.get('command', '?')}» của tiến trình {note.get('pid', '?')}{when}"


@contextmanager
def _locked(folder: Path, command: str, wait: float,
            say: Callable[[str], None]) -> Iterator[None]:
    from filelock import FileLock, Timeout  # only the commands that write need it

    LOCK_DIR.mkdir(parents=True, exist_ok=True)
    lock_path, note_path = _lock_paths(folder)
    lock = FileLock(lock_path)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        holder = describe_run(_read_note(note_path))
        say(f"Thư mục {folder} đang được dùng bởi {holder}; chờ tối đa {wait:g} giây…")
        try:
            lock.acquire(timeout=wait)
        except Timeout:
            raise BusyError(
                f"Thư mục {folder} vẫn đang được dùng bởi {holder}. Lần chạy này dừng và không "
                "thay đổi gì; hãy đợi lần chạy kia xong rồi chạy lại.") from None
    try:
        left = _read_note(note_path)
        if left:  # a note with no lock held: its run ended without clearing it
            say(f"Lần chạy trước ({describe_run(left)}) đã dừng giữa chừng; kết quả cũ vẫn "
                "được giữ, lần chạy này làm lại từ đầu.")
        note = {"pid": os.getpid(), "command": command,
                "started": dt.datetime.now().isoformat(timespec="seconds")}
        # ASCII JSON: a folder name in legacy bytes (Windows-1258) is escaped, never an error.
        note_path.write_text(json.dumps(note | {"folder": os.fsdecode(folder)}),
                             encoding="utf-8")
        try:
            yield
        finally:  # only a killed run leaves its note behind
            note_path.unlink(missing_ok=True)
    finally:
        lock.release()


@contextmanager
def hold_folders(folders: list[Path], command: str, *, wait: float = DEFAULT_WAIT_SECONDS,
                 say: Callable[[str], None] = print) -> Iterator[None]:
    """Hold the lock of every folder a command writes, in a fixed order (no two runs can
    each hold one and wait for the other), or raise BusyError after `wait` seconds."""
    unique = sorted({Path(f).resolve() for f in folders}, key=os.fspath)
    with ExitStack() as stack:
        for folder in unique:
            stack.enter_context(_locked(folder, command, wait, say))
        yield
