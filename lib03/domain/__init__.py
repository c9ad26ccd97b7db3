"""The domain vocabulary: the CSV tables beside this file, and the one reader of them.

Each domain word lives in one table (docs/cau_truc.md): indicators and their labels, label
variants, column headers, unit types, rates, statuses, flags, quality codes, rules, word
lists, the settings an analyst may change, the output schema. Code asks this module for a
table by name; no other module opens these files.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

DOMAIN_DIR = Path(__file__).resolve().parent


@cache
def _rows(name: str) -> tuple[dict[str, str], ...]:
    with open(DOMAIN_DIR / f"{name}.csv", encoding="utf-8", newline="") as fh:
        return tuple(csv.DictReader(fh))


def read_table(name: str) -> list[dict[str, str]]:
    """The rows of domain/<name>.csv, in file order, as fresh dicts (the file is read once).

    >>> read_table("statuses")[0]["status"]
    'on_time'
    """
    return [dict(row) for row in _rows(name)]


def table_files() -> list[Path]:
    """Every domain table, in name order: what the cleaning cache's fingerprint hashes."""
    return sorted(DOMAIN_DIR.glob("*.csv"))
