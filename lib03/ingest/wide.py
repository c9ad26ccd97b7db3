"""Monthly tables laid out wide: the months across the columns, the contents down the rows.

    STT | Nội dung                         | Tháng 1 | Tháng 2 | … | Tháng 6 | Cộng
    1   | Số chi bộ sinh hoạt              |    3    |    3    | … |    3    |  18
    2   | Nội dung học tập và làm theo …   |    3    |    2    | … |    3    |  17

Many units turn the template's table this way. It is read into the same records as a long
table (one per month, each field a real cell), so everything after extraction is the same;
a total column is skipped and said at info level, like a total row (docs/du_lieu.md §3).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from lib03 import vocab
from lib03.ingest.parse import parse_month
from lib03.ingest.raw_report import RawCell
from lib03.ingest.read import Grid

CONTENTS = ("cells_met", "content_hcm", "content_thrift", "review")
# A wide header names at least this many months, and at least this many contents follow.
MIN_MONTHS = 3
MIN_CONTENTS = 2
# Contents sit right under the header; a gap of blank rows this long ends the table.
MAX_GAP = 1


@dataclass
class WideMonthly:
    """Where a wide monthly table stands: its header row, month columns, content rows."""

    header_row: int
    months: list[tuple[int, int]]  # (column, month)
    contents: dict[str, int]  # field → its row
    totals: list[int] = field(default_factory=list)  # total columns, skipped
    end: int = 0  # the row after the table

    def records(self, grid: Grid) -> list[dict[str, RawCell]]:
        """One record per month, its fields in the order of a long table's columns."""
        def cell(r: int, c: int) -> RawCell:
            return RawCell(grid.value(r, c), grid.name, r, c, (r, c) in grid.formula_cells)

        return [{"month": cell(self.header_row, c)}
                | {k: cell(self.contents[k], c) for k in CONTENTS if k in self.contents}
                for c, _ in self.months]


def _header_month(value: object) -> int | None:
    """The month a header cell names ("Tháng 1", "T.1", "01/2014", "Tháng Giêng", or a date
    cell: Excel and LibreOffice turn a typed "01/2014" into 1 January 2014); a bare number is
    no header (it may be a figure)."""
    if isinstance(value, date):
        return value.month
    if not isinstance(value, str) or not any(ch.isalpha() or ch in "/-." for ch in value):
        return None
    return parse_month(value).value


def _may_name_months(value: object) -> bool:
    return isinstance(value, str | date)


def find_wide_monthly(grid: Grid, start: int = 0, end: int | None = None,
                      is_total=lambda text: False) -> WideMonthly | None:
    """The first wide monthly table between rows `start` and `end`, or None."""
    stop = len(grid.rows) if end is None else end
    for r in range(start, stop):
        row = grid.rows[r]
        if sum(map(_may_name_months, row)) < MIN_MONTHS:
            continue  # a header names at least three months (text or dates): most rows cannot
        months = [(c, m) for c, v in enumerate(row) if (m := _header_month(v))]
        if len(months) < MIN_MONTHS or len({m for _, m in months}) != len(months):
            continue
        first = months[0][0]
        contents, last, gap = {}, r, 0
        for below in range(r + 1, stop):
            labels = [v for v in grid.value_row(below)[:first]
                      if isinstance(v, str) and v.strip()]
            if not labels:
                if any(v not in (None, "") for v in grid.value_row(below)):
                    break  # figures with no label: not this table's
                gap += 1
                if gap > MAX_GAP:
                    break
                continue
            key = vocab.match_column("monthly", labels[-1])
            if key not in CONTENTS or key in contents:
                break
            contents[key], last, gap = below, below, 0
        if len(contents) >= MIN_CONTENTS:
            totals = [c for c, v in enumerate(row)
                      if c > first and isinstance(v, str) and is_total(v)]
            return WideMonthly(r, months, contents, totals, last + 1)
    return None
