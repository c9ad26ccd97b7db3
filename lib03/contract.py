"""The output tables of docs/du_lieu.md §4: their columns, their order, and how they reach the disk.

CSV in UTF-8 with BOM is the contract (Excel opens it with the right letters). Every file is
written to a temporary name and moved into place, so a run stopped half-way never leaves a
half-written table, and the same rows always give the same bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from lib03.domain import read_table
from lib03.errors import FileInUseError

if TYPE_CHECKING:
    import pandas as pd

SCHEMA = read_table("schema")  # table, column, type, description: docs/du_lieu.md §4
COLUMNS: dict[str, list[str]] = {}
for _row in SCHEMA:
    COLUMNS.setdefault(_row["table"], []).append(_row["column"])
# What the report reads back as numbers (missing = NaN): counts, months and 1/0 marks.
NUMERIC = {table: [r["column"] for r in SCHEMA if r["table"] == table
                   and r["type"] in ("int", "float", "bool")] for table in COLUMNS}
# Formula-looking text is neutralised so a cell typed by a unit never runs in the analyst's Excel.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def format_value(value: object) -> str:
    """The text a value takes in our CSVs: integral numbers without '.0', dates in ISO,
    booleans as 1/0, missing as empty.

    >>> [format_value(v) for v in (12.0, 12.5, None, float("nan"), True, dt.date(2014, 6, 18))]
    ['12', '12.5', '', '', '1', '2014-06-18']
    >>> format_value("=1+1"), format_value("-"), format_value(-3)
    ("'=1+1", "'-", '-3')
    """
    if type(value) is str:  # most cells: checked first, as this runs for every value
        return "'" + value if value.startswith(FORMULA_START) else value
    if value is None or _pandas_missing(value):
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):  # pandas' Timestamp is one too
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def _pandas_missing(value: object) -> bool:
    # pandas' NA and NaT exist only once pandas is imported: cleaning from the cache never
    # imports it (a third of a second of a rerun), so it is not imported here to ask.
    pd = sys.modules.get("pandas")
    return pd is not None and (value is pd.NA or value is pd.NaT)


def render_rows(rows: list[dict], columns: list[str]) -> bytes:
    """CSV lines of row dicts as UTF-8 bytes, columns in the contract's order (a missing key
    is empty).

    >>> render_rows([{"a": 1.0, "b": "x,y"}, {"b": "=2"}], ["a", "b"]).decode().splitlines()
    ['1,"x,y"', ",'=2"]
    """
    return _csv_bytes([row.get(c) for c in columns] for row in rows)


def _csv_bytes(rows) -> bytes:
    """CSV lines of rows of values in our text format, as UTF-8 bytes. One writer for all the
    rows: a writer and a buffer per line cost more than the values.

    >>> print(_csv_bytes([[1.0, "a,b", None, "=1"]]).decode(), end="")
    1,"a,b",,'=1
    """
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([format_value(v) for v in row] for row in rows)
    return buf.getvalue().encode("utf-8")


def header_csv(columns: list[str]) -> bytes:
    """The first line of one of our CSV files: the byte-order mark and the column names."""
    return "\ufeff".encode("utf-8") + _csv_bytes([columns])


def write_atomic(path: Path, data: bytes | Callable[[BinaryIO], object], *,
                 durable: bool = True) -> None:
    """Write `data` to `path` through a temporary file in the same folder and a rename.

    `data` may be a function that writes to the open file, so a large object can be streamed
    (pickled) without a second copy of it in memory. `durable` waits for the disk before the
    rename, so a power cut never leaves an empty table; a file that may be lost at no cost
    (the cache) skips the wait (~15 ms for 5 MB).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp makes the file private (0600); outputs are shared like any saved file.
        os.chmod(tmp, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as fh:
            if callable(data):
                data(fh)
            else:
                fh.write(data)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        replace_file(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# Windows refuses to replace a file another program holds open (Excel keeps a workbook or a
# CSV open while it is shown): access denied, sharing or lock violation.
_HELD_OPEN = (5, 32, 33)
RETRY_SECONDS = (0.2, 0.5, 1.0, 2.0)


def replace_file(src: str | Path, dst: Path) -> None:
    """`os.replace`, retried for a few seconds while another program holds `dst` open; then
    a Vietnamese FileInUseError naming the file (the old file is left as it was)."""
    for pause in (*RETRY_SECONDS, None):
        try:
            os.replace(src, dst)
            return
        except PermissionError as exc:
            if getattr(exc, "winerror", None) not in _HELD_OPEN:
                raise
            if pause is None:
                raise FileInUseError(
                    f"Không thay được tệp {dst}: tệp đang mở trong Excel hoặc chương trình "
                    "khác. Hãy đóng tệp rồi chạy lại; bản cũ vẫn còn nguyên.") from exc
            time.sleep(pause)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Delete the temporary files a run killed half-way left behind (``.name.XXXX.tmp``).

    They are never read (tables are only ever replaced whole), so a rerun clears them with no
    manual step.
    """
    stale = sorted(folder.glob(".*.tmp")) if folder.is_dir() else []
    for path in stale:
        path.unlink(missing_ok=True)
    return stale


def read_table(path: Path) -> pd.DataFrame:
    """Read one of our CSVs back with every column as text (empty = missing).

    The apostrophe that kept a formula-looking text from running in Excel is taken off again,
    as Excel does with a typed one, so a unit named "+1" reads "+1" in the report.
    """
    import pandas as pd

    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    for col in frame.columns:
        text = frame[col]
        guarded = text.str.startswith("'") & text.str[1:2].isin(FORMULA_START)
        if guarded.any():
            frame[col] = text.where(~guarded, text.str[1:])
    return frame
