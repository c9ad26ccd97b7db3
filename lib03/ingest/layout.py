"""Where the tables of a sheet are: header rows, column roles, the value column.

A table is recognised by its header row — words that name known columns — never by the
sheet's name or position. Headers may span two rows, sit under merged title cells, or name
the value column in an unusual way; the checks here keep a data row from passing as a header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

from rapidfuzz import fuzz

from lib03 import vocab
from lib03.ingest.parse import is_blank, parse_count, parse_mark
from lib03.ingest.read import Grid
from lib03.text import cell_text, fold_key, has_words

# What a table needs before it is believed to be one: required columns, the columns of which
# some must be present, and how many of those.
REQUIRED = {
    "summary": (("label",), ("value",), 0),
    "monthly": (("month",), ("cells_met", "content_hcm", "content_thrift", "review"), 2),
    "inspection": (("cell_name",), ("inspected", "supervised"), 1),
}
# The fields of one record of the monthly and inspection tables, left to right.
ROW_KEYS = {
    "monthly": ("month", "cells_met", "content_hcm", "content_thrift", "review"),
    "inspection": ("cell_name", "inspected", "supervised", "date", "findings", "resolved"),
}
_COLUMN_NUMBER = re.compile(r"^\(?\s*(\d{1,2}|[a-z])\s*\)?$", re.IGNORECASE)


@dataclass
class Table:
    kind: str
    sheet: str
    header_row: int  # the last row of the header (a header may span two rows)
    columns: dict[str, int]
    top: int = -1  # the first row of the header
    rows: list[int] = field(default_factory=list)
    # Headers of other columns that could also be the value ("Năm 2013 | Năm 2014"), when the
    # period could not decide: the first is used and the analyst is told.
    rival_values: list[str] = field(default_factory=list)
    header_texts: list[str] = field(default_factory=list)  # as read, two-row headers joined


@cache
def _label_keys(kind: str) -> dict[str, str]:
    return {t.id: fold_key(t.label, numbering=False) for t in vocab.columns(kind)}


def map_columns(kind: str, texts: list[str]) -> dict[str, int]:
    """Column id → index for a header row of a table kind. Of several columns fit for one
    role, the one whose header is closest to the role's label wins (leftmost on a tie).

    >>> map_columns("summary", ["STT", "Nội dung", "Số lượng", "Tỷ lệ %", "Ghi chú"])
    {'stt': 0, 'label': 1, 'value': 2, 'percent': 3, 'note': 4}
    """
    return dict(_map_columns(kind, tuple(texts)))  # a copy: callers add the inferred columns


@lru_cache(maxsize=16384)
def _map_columns(kind: str, texts: tuple[str, ...]) -> dict[str, int]:
    # Cached: a pure function of the header texts, which recur in every file of a template.
    candidates: dict[str, list[int]] = {}
    for c, text in enumerate(texts):
        col = vocab.match_column(kind, text) if text else None
        if col:
            candidates.setdefault(col, []).append(c)
    labels = _label_keys(kind)
    # Of several columns fit for one role ("Nội dung kiểm tra" and "Kiểm tra"), the one
    # whose header is closest to the role's own label; on a tie the leftmost.
    return {col: max(cs, key=lambda c: (fuzz.ratio(fold_key(texts[c], numbering=False),
                                                    labels[col]), -c))
            for col, cs in sorted(candidates.items(), key=lambda kv: kv[1][0])}


def choose_value_column(texts: list[str], cols: dict[str, int],
                        period: str | None) -> list[str]:
    """Several columns may be headed like values ("6 tháng đầu năm | 6 tháng cuối năm",
    "Năm 2013 | Năm 2014"): keep the one that names this period, and return the headers of
    the rivals left when the headers cannot tell (empty when the choice is clear).

    >>> cols = {"label": 0, "value": 1}
    >>> choose_value_column(["Nội dung", "6 tháng đầu năm", "6 tháng cuối năm"], cols, "2014-H2")
    []
    >>> cols
    {'label': 0, 'value': 2}
    """
    found = [c for c, t in enumerate(texts) if t and vocab.match_column("summary", t) == "value"]
    if len(found) < 2:
        return []
    if period:
        year, half = period.split("-")
        this, other = ("dau", "cuoi") if half == "H1" else ("cuoi", "dau")

        def fits(c: int) -> bool:
            key = fold_key(texts[c], numbering=False)
            years = re.findall(r"\b(?:19|20)\d\d\b", key)
            return (not has_words(key, f"{other} nam") and (not years or year in years)
                    and (has_words(key, f"{this} nam") or year in years or not has_words(
                        key, "6 thang")))

        narrowed = [c for c in found if fits(c)] or found
    else:
        narrowed = found
    cols["value"] = narrowed[0]
    return [texts[c] for c in narrowed[1:]]


def _satisfies(kind: str, cols: dict[str, int]) -> bool:
    must, some, at_least = REQUIRED[kind]
    return all(m in cols for m in must) and sum(s in cols for s in some) >= max(1, at_least)


def _header_texts(grid: Grid, r: int) -> list[str]:
    return [cell_text(v) for v in grid.value_row(r)]


def _join_header_rows(top: list[str], below: list[str]) -> list[str]:
    """The texts of a header spanning two rows: a title cell merged over several columns
    ("Kiểm tra" over "Số lượng | Ngày") lends its words to each column under it."""
    width = max(len(top), len(below))
    top = top + [""] * (width - len(top))
    below = below + [""] * (width - len(below))
    merged, carry = [], ""
    for t, b in zip(top, below, strict=True):
        carry = t or (carry if b else "")
        merged.append(f"{carry} {b}".strip() if b else t)
    return merged


def _looks_like_header(grid: Grid, r: int) -> bool:
    """Headers are words: at least two text cells, and no numbers or tick marks."""
    texts = 0
    for v in grid.rows[r]:  # most rows are data: the first number or mark settles it
        if isinstance(v, str):
            t = v.strip()
            if t:
                if len(t) <= 3 and parse_mark(t).value is not None:
                    return False
                texts += 1
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            return False
    return texts >= 2


def find_header_row(grid: Grid, start: int = 0, period: str | None = None) -> Table | None:
    """The first header row at or after `start` that opens a table of any kind.

    Most of the header's words must be known column names, so a data row that happens to
    hold two matching words is not taken for a header.
    """
    for r in range(start, len(grid.rows)):
        if not _looks_like_header(grid, r):
            continue
        # The texts of this row alone, and joined with the next when that looks like a header;
        # each read once for all table kinds.
        headers = [(False, _header_texts(grid, r))]
        if r + 1 < len(grid.rows) and _looks_like_header(grid, r + 1):
            below = tuple(_header_texts(grid, r + 1))
            headers.append((True, _join_header_rows(headers[0][1], list(below))))
        variants = [(two, texts, tuple(texts), sum(bool(t) for t in texts))
                    for two, texts in headers]
        best, best_rank = None, None
        for kind in REQUIRED:
            for two, texts, key, filled in variants:
                named = len(_map_columns(kind, key))
                if two and named <= len(_map_columns(kind, below)):
                    continue  # the row below is the header by itself; this row is a title
                cols = dict(_map_columns(kind, key))  # a copy: inferred columns are added
                if kind == "summary" and "label" in cols:
                    _settle_label_column(grid, r + two, cols)
                    if "value" not in cols:
                        inferred = _infer_value_column(grid, r + two, cols)
                        if inferred is not None:
                            cols["value"] = inferred
                # A value column named by its header beats one inferred from the data.
                rank = (named >= len(cols), named)
                if (_satisfies(kind, cols) and 2 * named >= filled
                        and (best_rank is None or rank > best_rank)):
                    rivals = choose_value_column(texts, cols, period) if kind == "summary" else []
                    best = Table(kind, grid.name, r + (1 if two else 0), cols, top=r,
                                 rival_values=rivals, header_texts=texts)
                    best_rank = rank
        if best:
            return best
    return None


def _settle_label_column(grid: Grid, header_row: int, cols: dict[str, int]) -> None:
    """A "Nội dung" header merged over the numbering column and the label column names the
    numbering one: move the label to the column that holds the words."""
    def words(c: int) -> int:
        return sum(
            isinstance(v := grid.value(r, c), str) and len(cell_text(v)) > 6
            and parse_count(v).value is None
            for r in range(header_row + 1, min(header_row + 21, len(grid.rows)))
        )

    label = cols["label"]
    taken = set(cols.values())
    best = label
    for c in range(label + 1, label + 3):
        if c in taken:
            break
        if words(c) > words(best):
            best = c
    cols["label"] = best


def _infer_value_column(grid: Grid, header_row: int, cols: dict[str, int]) -> int | None:
    """A summary whose value column has an unusual header ("6 tháng đầu năm", or none):
    the first free column right of the labels that holds counts below the header."""
    taken = set(cols.values())
    width = max((len(grid.value_row(r)) for r in range(header_row, header_row + 20)), default=0)
    for c in range(cols["label"] + 1, width):
        if c in taken:
            continue
        counts = sum(
            parse_count(grid.value(r, c)).value is not None
            for r in range(header_row + 1, min(header_row + 21, len(grid.rows)))
        )
        if counts >= 3:
            return c
    return None


def is_column_number_row(values: list[object]) -> bool:
    filled = [v for v in values if not is_blank(v)]
    return len(filled) >= 2 and all(
        isinstance(v, (int, float)) and not isinstance(v, bool) and 0 < v < 30
        or isinstance(v, str) and _COLUMN_NUMBER.match(v.strip())
        for v in filled
    ) and _ascending(filled)


def _ascending(values: list[object]) -> bool:
    nums = []
    for v in values:
        digits = re.sub(r"\D", "", str(v))
        if not digits:
            return True  # letters (A, B, C) — accept
        nums.append(int(digits))
    return nums == sorted(nums) and len(set(nums)) == len(nums)


