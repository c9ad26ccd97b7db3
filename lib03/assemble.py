"""The SPEC §4 tables from per-file results, each file's rows rendered to CSV text once.

A file's lines are rendered where it is cleaned (in a worker process) and kept with its result
in the cache, so a rerun only sorts and joins text: the cost of a province's tables no longer
grows with formatting hundreds of thousands of values every time.
"""

from __future__ import annotations

from lib03.quality import LOG_COLUMNS, severity_of, word_problem
from lib03.tables import COLUMNS, join_csv, render_rows

# The order rows take in each data table (files first sorted by period and file name).
SORT_KEYS = {
    "indicators": ("period", "unit_code"),
    "monthly": ("period", "unit_code", "month"),
    "inspections": ("period", "unit_code"),
}


def _key(row: dict, keys: tuple[str, ...]) -> tuple:
    # Missing values sort last, as pandas does; present ones compare as themselves.
    return tuple((row.get(k) is None, row.get(k)) for k in keys)


def _runs(rows: list[dict], lines: list[str], keys: tuple[str, ...]) -> list[tuple]:
    """Consecutive lines with the same sort key, joined: a file's indicator rows are one run,
    so a province holds one string per file instead of one per row. Sorting runs stably gives
    the same order as sorting the rows.

    >>> _runs([{"k": 1}, {"k": 1}, {"k": 0}], ["a\\n", "b\\n", "c\\n"], ("k",))
    [(((False, 1),), 'a\\nb\\n'), (((False, 0),), 'c\\n')]
    """
    runs: list[tuple] = []
    for row, line in zip(rows, lines, strict=True):
        key = _key(row, keys)
        if runs and runs[-1][0] == key:
            runs[-1][1].append(line)
        else:
            runs.append((key, [line]))
    return [(key, "".join(part)) for key, part in runs]


def render_result(result) -> None:
    """Render one file's table rows and its own log lines into `result.rendered`, keeping only
    the lines."""
    period, source = result.submission["period"], result.submission["source_file"]
    rendered: dict = {}
    for name, keys in SORT_KEYS.items():
        rows = getattr(result, name)
        rendered[name] = _runs(rows, render_rows(rows, COLUMNS[name]), keys)
    rendered["log"] = render_rows([word_problem(p, period, source) for p in result.problems],
                                  LOG_COLUMNS)
    rendered["problems"] = len(result.problems)
    result.rendered = rendered
    # The lines are all the tables need: a province's row dicts would double the memory.
    result.indicators, result.monthly, result.inspections = [], [], []


def assemble_tables(units_csv: bytes, results: list, notes: list[dict]) -> dict[str, bytes]:
    """Every table as CSV bytes, in a fixed order whatever the order of `results`; the units
    table comes rendered with the registry."""
    results = sorted(results, key=lambda r: (r.submission["period"], r.submission["source_file"]))
    ok = [r for r in results if r.submission["status"] == "ok"]
    tables = {
        "units": units_csv,
        "submissions": join_csv(COLUMNS["submissions"], render_rows(
            [r.submission for r in results], COLUMNS["submissions"])),
    }
    for name in SORT_KEYS:
        pairs = [pair for r in ok for pair in r.rendered[name]]
        pairs.sort(key=lambda pair: pair[0])  # stable: a file's rows keep their order
        tables[name] = join_csv(COLUMNS[name], [line for _, line in pairs])
    lines = render_rows(notes, LOG_COLUMNS)
    for r in results:
        lines += r.rendered["log"]
        # Problems found after the file was cleaned (a duplicate of another file's report).
        later = r.problems[r.rendered["problems"]:]
        lines += render_rows([word_problem(p, r.submission["period"], r.submission["source_file"])
                              for p in later], LOG_COLUMNS)
    tables["quality_log"] = join_csv(LOG_COLUMNS, lines)
    return tables


def count_severities(results: list, notes: list[dict]) -> dict[str, int]:
    """How many errors and warnings the quality log holds."""
    counts = {"error": 0, "warning": 0, "info": 0}
    for note in notes:
        counts[note["severity"]] = counts.get(note["severity"], 0) + 1
    for r in results:
        for problem in r.problems:
            level = severity_of(problem)
            counts[level] = counts.get(level, 0) + 1
    return counts
