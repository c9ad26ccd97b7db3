"""Baseline readers timed by benchmarks/run.py, each run in its own process.

    python benchmarks/readers.py naive|calamine FILE_LIST

FILE_LIST holds one workbook path per line. Prints one JSON line:
{"files": n, "errors": k, "seconds": time spent in the reading loop}.

naive:    pandas.read_excel(path, sheet_name=None, engine="openpyxl") per file
calamine: CalamineWorkbook.from_path(path), then sheet.to_python() for every sheet
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


def main() -> None:
    mode, list_file = sys.argv[1], sys.argv[2]
    with open(list_file, encoding="utf-8") as fh:
        paths = [line.rstrip("\n") for line in fh if line.strip()]
    reader = {"naive": read_naive, "calamine": read_calamine}[mode]
    start = time.perf_counter()
    errors = reader(paths)
    seconds = time.perf_counter() - start
    print(json.dumps({"files": len(paths), "errors": errors, "seconds": seconds}))


if __name__ == "__main__":
    main()
