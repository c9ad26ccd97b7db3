"""The tables of docs/du_lieu.md §4 from per-file results, each file's rows rendered to CSV
bytes once.

A file's lines are rendered where it is cleaned (in a worker process) into a `Packed` record:
its submission row and its lines as UTF-8 bytes. The parent, the cache and the writer only
ever move those bytes, so a province's 10,000 results stay a few tens of megabytes, a rerun
reads them back without rebuilding any row, and the tables are streamed to disk rather than
built whole in memory.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO

from lib03.contract import COLUMNS, header_csv, render_rows
from lib03.quality import LOG_COLUMNS, Problem, severity_of, word_problem

DATA_TABLES = ("indicators", "monthly", "inspections")


@dataclass
class Packed:
    """What the tables need of one file: its submission row, the severities of its problems,
    and its rendered lines (data tables and own log lines) as UTF-8 bytes."""

    submission: dict
    doubtful: bool
    severities: dict[str, int]
    lines: dict[str, bytes]
    # What the run decided after cleaning, kept apart so the file's own record (the part the
    # cache stores) never changes: a duplicate's new status, and the problem that says why.
    outcome: dict = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def row(self) -> dict:
        """The file's row of submissions.csv as this run ends."""
        return self.submission | self.outcome if self.outcome else self.submission

    @property
    def status(self) -> str:
        return self.row["status"]

    def own(self) -> tuple:
        """The file's own record, as the cache stores it (see `from_own`)."""
        return self.submission, self.doubtful, self.severities, self.lines

    @classmethod
    def from_own(cls, own: tuple) -> Packed:
        return cls(*own)


def _month_key(row: dict) -> tuple:
    # Missing months sort last, as pandas does.
    return (row.get("month") is None, row.get("month") or 0)


def pack_result(result) -> Packed:
    """Render one cleaned file (a `clean.FileResult`) into its `Packed` record.

    Every row of a file carries the file's own period and unit, and a unit has one usable
    report per period, so the tables' order (period, unit, then month) is the order of the
    files by period and unit with each file's months sorted here.

    >>> from lib03.ingest.clean import FileResult
    >>> sub = {"period": "2014-H1", "source_file": "a.xlsx", "unit_code": "DB01"}
    >>> rows = [{"period": "2014-H1", "unit_code": "DB01", "month": m} for m in (2, 1)]
    >>> p = pack_result(FileResult(sub, monthly=rows))
    >>> p.lines["monthly"].decode().splitlines()
    ['2014-H1,DB01,1,,,,,', '2014-H1,DB01,2,,,,,']
    """
    period, source = result.submission["period"], result.submission["source_file"]
    own = (period, result.submission.get("unit_code"))
    lines: dict[str, bytes] = {}
    for name in DATA_TABLES:
        rows = getattr(result, name)
        if any((row.get("period"), row.get("unit_code")) != own for row in rows):
            raise ValueError(f"{source}: dòng của đơn vị khác trong bảng {name}")
        if name == "monthly":
            rows = sorted(rows, key=_month_key)
        lines[name] = render_rows(rows, COLUMNS[name])
    # The file's own row of submissions.csv; a duplicate's changed status is rendered anew.
    lines["submission"] = render_rows([result.submission], COLUMNS["submissions"])
    logged = [word_problem(p, period, source) for p in result.problems]
    lines["log"] = render_rows(logged, LOG_COLUMNS)
    severities: dict[str, int] = {}
    for row in logged:
        severities[row["severity"]] = severities.get(row["severity"], 0) + 1
    return Packed(result.submission, result.doubtful, severities, lines)


def assemble_tables(units_csv: bytes, results: list[Packed],
                    notes: list[dict]) -> dict[str, bytes | Callable[[BinaryIO], None]]:
    """Every table, in a fixed order whatever the order of `results`: the small ones as CSV
    bytes, the large ones as functions that stream their lines to an open file."""
    results = sorted(results, key=lambda r: (r.submission["period"], r.submission["source_file"]))
    ok = sorted((r for r in results if r.status == "ok"),
                key=lambda r: (r.submission["period"], r.submission["unit_code"]))
    tables: dict[str, bytes | Callable[[BinaryIO], None]] = {
        "units": units_csv,
        "submissions": header_csv(COLUMNS["submissions"]) + b"".join(
            render_rows([r.row], COLUMNS["submissions"])
            if r.outcome else r.lines["submission"] for r in results),
    }

    def data_table(name: str) -> Callable[[BinaryIO], None]:
        def write(fh: BinaryIO) -> None:
            fh.write(header_csv(COLUMNS[name]))
            for r in ok:
                fh.write(r.lines[name])
        return write

    def quality_log(fh: BinaryIO) -> None:
        fh.write(header_csv(LOG_COLUMNS))
        fh.write(render_rows(notes, LOG_COLUMNS))
        for r in results:
            fh.write(r.lines["log"])
            if r.problems:
                fh.write(render_rows(
                    [word_problem(p, r.submission["period"], r.submission["source_file"])
                     for p in r.problems], LOG_COLUMNS))

    for name in DATA_TABLES:
        tables[name] = data_table(name)
    tables["quality_log"] = quality_log
    return tables


def count_severities(results: list[Packed], notes: list[dict]) -> dict[str, int]:
    """How many errors and warnings the quality log holds."""
    counts = {"error": 0, "warning": 0, "info": 0}
    for note in notes:
        counts[note["severity"]] = counts.get(note["severity"], 0) + 1
    for r in results:
        for level, n in r.severities.items():
            counts[level] = counts.get(level, 0) + n
        for problem in r.problems:
            level = severity_of(problem)
            counts[level] = counts.get(level, 0) + 1
    return counts
