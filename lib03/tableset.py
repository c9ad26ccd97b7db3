"""The processed tables are published as one set: a reader sees the old set or the new one,
never a mix (docs/du_lieu.md §4).

Replacing six files one by one is not atomic: a full disk, a kill or a table held open by
Excel in the middle leaves new tables beside old ones. So a run first writes every table
into a staging folder with a manifest (each table's sha256) written last; then moves the
tables over the old ones and the manifest last of all. Whatever stops it:

- before the staged manifest is written, the staging folder is incomplete and is thrown
  away: the old set, with its own manifest, is still current;
- after it, the new set is complete on disk, and the next reader or writer finishes moving
  it in (`recover`), which is safe to do twice.

Readers go through `check_tables`, which compares the tables with the manifest and refuses
a folder where they differ. Plain renames and a manifest work alike on Windows, where a
folder cannot be swapped atomically.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from lib03.contract import remove_stale_temporaries, replace_file, write_atomic
from lib03.errors import TablesError

log = logging.getLogger(__name__)

MANIFEST_NAME = ".manifest.json"
STAGING_NAME = ".dang-ghi"


def publish_tables(tables: dict[str, bytes | Callable[[BinaryIO], object]],
                   out_dir: Path) -> dict[str, str]:
    """Write every table as `<name>.csv` under out_dir as one set; returns each file's sha256.

    A table is either its bytes or a function that streams them to an open file, so a
    province's large tables never exist whole in memory.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    recover(out_dir)
    remove_stale_temporaries(out_dir)  # left by runs stopped before sets were staged
    staging = out_dir / STAGING_NAME
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    digests: dict[str, str] = {}
    for name, data in tables.items():
        digest = hashlib.sha256()

        def write(fh: BinaryIO, data=data, digest=digest) -> None:
            sink = _Hashing(fh, digest)
            data(sink) if callable(data) else sink.write(data)
            sink.flush()

        write_atomic(staging / f"{name}.csv", write)
        digests[f"{name}.csv"] = digest.hexdigest()
    write_atomic(staging / MANIFEST_NAME, _manifest_bytes(digests))
    _move_in(out_dir)
    return digests


def recover(out_dir: Path) -> None:
    """Finish a publication a stopped run left complete, or drop one it left half-written."""
    staging = out_dir / STAGING_NAME
    if (staging / MANIFEST_NAME).is_file():
        log.info("hoàn tất bộ bảng mà lần chạy trước đã ghi xong nhưng chưa kịp thay vào")
        _move_in(out_dir)
    elif staging.exists():
        shutil.rmtree(staging, ignore_errors=True)


def _move_in(out_dir: Path) -> None:
    staging = out_dir / STAGING_NAME
    digests = json.loads((staging / MANIFEST_NAME).read_text(encoding="utf-8"))["tables"]
    for name in digests:
        staged = staging / name
        if staged.exists():  # moved already by an earlier, interrupted attempt
            replace_file(staged, out_dir / name)
    replace_file(staging / MANIFEST_NAME, out_dir / MANIFEST_NAME)
    _sync_folder(out_dir)
    shutil.rmtree(staging, ignore_errors=True)


def check_tables(out_dir: Path, names: list[str]) -> None:
    """Refuse a processed folder whose tables are not the set its manifest names.

    A folder without a manifest was written before sets were published (or by hand): it is
    accepted as it is. A set left complete by a stopped run is moved in first.
    """
    if (out_dir / STAGING_NAME).exists():
        recover(out_dir)
    try:
        manifest = json.loads((out_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
        expected = manifest["tables"]
    except FileNotFoundError:
        return
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise TablesError(_refusal(out_dir, "tệp kê các bảng bị hỏng")) from exc
    for name in names:
        path = out_dir / f"{name}.csv"
        try:
            with open(path, "rb") as fh:
                actual = hashlib.file_digest(fh, "sha256").hexdigest()
        except OSError:
            actual = None
        if actual != expected.get(f"{name}.csv"):
            raise TablesError(_refusal(out_dir, f"bảng {name}.csv không thuộc cùng lần làm sạch "
                                                "với các bảng khác"))


def _refusal(out_dir: Path, why: str) -> str:
    return (f"Số liệu đã làm sạch trong {out_dir} không dùng được: {why} (có thể một lần chạy "
            "đã bị dừng giữa chừng, hoặc một bảng đã bị sửa tay). Hãy chạy lại «lib03 clean» "
            "(hoặc «lib03 report» không kèm --skip-clean).")


def _manifest_bytes(digests: dict[str, str]) -> bytes:
    return json.dumps({"tables": digests}, sort_keys=True, indent=1).encode("utf-8")


def _sync_folder(folder: Path) -> None:
    """Make the renames themselves durable where the system allows it (not on Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class _Hashing:
    """A file that also feeds what is written to it into a hash. Writes are gathered into
    chunks of about a megabyte: a table arrives as one small piece per workbook."""

    CHUNK = 1 << 20

    def __init__(self, fh: BinaryIO, digest):
        self.fh, self.digest = fh, digest
        self.pending: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> int:
        self.pending.append(data)
        self.size += len(data)
        if self.size >= self.CHUNK:
            self.flush()
        return len(data)

    def flush(self) -> None:
        chunk = b"".join(self.pending)
        self.pending.clear()
        self.size = 0
        self.digest.update(chunk)
        self.fh.write(chunk)
