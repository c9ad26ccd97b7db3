"""Baseline readers timed by benchmarks/run.py, each run in its own process.

    python benchmarks/readers.py naive|calamine|floor FILE_LIST [REGISTRY]

FILE_LIST holds one workbook path per line. Prints one JSON line:
{"files": n, "errors": k, "seconds": time spent in the reading loop}.

naive:    pandas.read_excel(path, sheet_name=None, engine="openpyxl") per file
calamine: CalamineWorkbook.from_path(path), then sheet.to_python() for every sheet
floor:    what any `lib03 clean` must do before it cleans a cell: read the registry REGISTRY
          (lib03.ingest.registry), then read every workbook safely
          (lib03.ingest.read.read_workbook: the pre-parse safety checks, calamine, legacy-font
          decoding) in one
          process per core; no cleaning, no tables
"""

from __future__ import annotations

import json
import sys
import time


def read_naive(paths: list[str]) -> int:
    import pandas as pd

    errors = 0
    for p in paths:
        try:
            pd.read_excel(p, sheet_name=None, engine="openpyxl")
        except Exception:  # a deliberately broken demo file: count it, keep going
            errors += 1
    return errors


def read_calamine(paths: list[str]) -> int:
    from python_calamine import CalamineWorkbook

    errors = 0
    for p in paths:
        try:
            wb = CalamineWorkbook.from_path(p)
            for name in wb.sheet_names:
                wb.get_sheet_by_name(name).to_python()
        except Exception:
            errors += 1
    return errors


def _read_safely(path: str) -> int:
    from pathlib import Path

    from lib03.errors import WorkbookError
    from lib03.ingest.read import read_workbook

    try:
        read_workbook(Path(path))
        return 0
    except WorkbookError:  # refused with a reason, as the cleaner would
        return 1


def read_floor(paths: list[str], registry: str) -> int:
    import os
    from concurrent.futures import ProcessPoolExecutor
    from pathlib import Path

    from lib03.ingest.match import index_rows
    from lib03.ingest.registry import read_registry_rows

    index_rows(read_registry_rows(Path(registry))[0])
    workers = os.cpu_count() or 1
    with ProcessPoolExecutor(workers) as pool:  # as lib03 clean: forked, chunks of 32 at most
        chunk = max(1, min(32, len(paths) // (workers * 8)))
        return sum(pool.map(_read_safely, paths, chunksize=chunk))


def main() -> None:
    mode, list_file = sys.argv[1], sys.argv[2]
    with open(list_file, encoding="utf-8") as fh:
        paths = [line.rstrip("\n") for line in fh if line.strip()]
    start = time.perf_counter()
    if mode == "floor":
        errors = read_floor(paths, sys.argv[3])
    else:
        errors = {"naive": read_naive, "calamine": read_calamine}[mode](paths)
    seconds = time.perf_counter() - start
    print(json.dumps({"files": len(paths), "errors": errors, "seconds": seconds}))


if __name__ == "__main__":
    main()
