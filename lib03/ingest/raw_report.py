"""What extraction lifts out of one workbook, before anything is parsed: cells that keep
their real address, the texts outside the tables, and the problems met on the way.

`extract` fills a `RawReport`, `title` reads its texts, `interpret` parses its cells.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

from lib03.ingest.layout import Table
from lib03.ingest.read import cell_address
from lib03.quality import Problem


@dataclass
class RawCell:
    value: object
    sheet: str
    row: int
    col: int
    formula: bool = False

    @property
    def address(self) -> str:
        return _address(self.row, self.col)


@lru_cache(maxsize=65536)
def _address(r: int, c: int) -> str:
    # Cached: a pure function of the position; a template puts its figures in the same cells.
    return cell_address(r, c)


@dataclass
class TitleText:
    """A line of text outside every table, kept to find the unit, period and date."""

    sheet: str
    text: str
    row: int
    col: int
    above_table: bool


@dataclass
class RawReport:
    """Everything lifted from one workbook, before parsing: cells keep their real address."""

    texts: list[TitleText] = field(default_factory=list)
    outside: dict[tuple[str, int, int], object] = field(default_factory=dict)
    summary: list[tuple[str, RawCell]] = field(default_factory=list)  # indicator id, value cell
    monthly: list[dict[str, RawCell]] = field(default_factory=list)
    inspections: list[dict[str, RawCell]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    report_date: dt.date | None = None
    report_date_cell: tuple[str, str] | None = None
    stated_period: str | None = None
    from_template: bool = False  # read by a lib03 template's known layout
