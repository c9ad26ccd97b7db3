"""Find the tables of a report workbook wherever they are, and lift their raw cells out.

A sheet is recognised by what it contains (its header row), never by its name or position; one
sheet may even hold several tables. Values stay raw here; `validate` parses them once the unit,
and so the meaning of each cell, is known.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from lib03 import vocab
from lib03.parse import (
    find_date_in_text,
    is_blank,
    parse_count,
    parse_date,
    parse_mark,
    parse_month,
    parse_period,
)
from lib03.quality import Problem
from lib03.read import Book, Grid, cell_address
from lib03.text import clean_text, fold_key, has_words, strip_diacritics

# What a table needs before it is believed to be one.
REQUIRED = {
    "summary": (("label",), ("value",), 0),
    "monthly": (("month",), ("cells_met", "content_hcm", "content_thrift", "review"), 2),
    "inspection": (("cell_name",), ("inspected", "supervised"), 1),
}
ROW_KEYS = {
    "monthly": ("month", "cells_met", "content_hcm", "content_thrift", "review"),
    "inspection": ("cell_name", "inspected", "supervised", "date", "findings", "resolved"),
}
# The signature block and the list of recipients under a table: text, never data.
_SIGNATURE_WORDS = ("t m", "tm", "bi thu", "pho bi thu", "noi nhan", "nguoi lap", "luu",
                    "k t", "kt bi thu", "xac nhan", "nhu tren", "thu truong", "chu tich",
                    "da ky", "ky ten", "ky ghi ro ho ten")
_TOTAL_WORDS = ("cong", "tong cong", "tong", "ca ky", "luy ke", "6 thang", "sau thang", "ca nam")
# A cell that is nothing but a date ("20/6/2014", "ngày 20 tháng 6 năm 2014"), as opposed
# to a sentence holding one ("Phước Hòa, ngày 25 tháng 6 năm 2014" is a signature line).
_DATE_ONLY = re.compile(
    r"(?:ngay\s*)?\d{1,2}\s*(?:[-/.]|thang)\s*\d{1,2}(?:\s*(?:[-/.]|nam)\s*\d{2,4})?"
)
_COLUMN_NUMBER = re.compile(r"^\(?\s*(\d{1,2}|[a-z])\s*\)?$", re.IGNORECASE)


@dataclass
class Table:
    kind: str
    sheet: str
    header_row: int  # the last row of the header (a header may span two rows)
    columns: dict[str, int]
    top: int = -1  # the first row of the header
    rows: list[int] = field(default_factory=list)


@dataclass
class RawCell:
    value: object
    sheet: str
    row: int
    col: int
    formula: bool = False

    @property
    def address(self) -> str:
        return cell_address(self.row, self.col)


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


def _text(value: object) -> str:
    return clean_text(value) if isinstance(value, str) else ""


def map_columns(kind: str, texts: list[str]) -> dict[str, int]:
    """Column id → index for a header row of a table kind; the first column of a role wins.

    >>> map_columns("summary", ["STT", "Nội dung", "Số lượng", "Tỷ lệ %", "Ghi chú"])
    {'stt': 0, 'label': 1, 'value': 2, 'percent': 3, 'note': 4}
    """
    found: dict[str, int] = {}
    for c, text in enumerate(texts):
        col = vocab.match_column(kind, text) if text else None
        if col and col not in found:
            found[col] = c
    return found


def _satisfies(kind: str, cols: dict[str, int]) -> bool:
    must, some, at_least = REQUIRED[kind]
    return all(m in cols for m in must) and sum(s in cols for s in some) >= max(1, at_least)


def _header_texts(grid: Grid, r: int, two_rows: bool) -> list[str]:
    top = [_text(v) for v in grid.rows[r]]
    if not two_rows:
        return top
    below = [_text(v) for v in grid.value_row(r + 1)]
    width = max(len(top), len(below))
    top += [""] * (width - len(top))
    below += [""] * (width - len(below))
    merged, carry = [], ""
    for t, b in zip(top, below, strict=True):
        carry = t or (carry if b else "")
        merged.append(f"{carry} {b}".strip() if b else t)
    return merged


def _looks_like_header(grid: Grid, r: int) -> bool:
    """Headers are words: at least two text cells, and no numbers or tick marks."""
    row = grid.rows[r]
    texts = [v.strip() for v in row if isinstance(v, str) and v.strip()]
    numbers = sum(isinstance(v, (int, float)) and not isinstance(v, bool) for v in row)
    marks = sum(len(t) <= 3 and parse_mark(t).value is not None for t in texts)
    return len(texts) >= 2 and numbers == 0 and marks == 0


def find_header_row(grid: Grid, start: int = 0) -> Table | None:
    """The first header row at or after `start` that opens a table of any kind.

    Most of the header's words must be known column names, so a data row that happens to
    hold two matching words is not taken for a header.
    """
    for r in range(start, len(grid.rows)):
        if not _looks_like_header(grid, r):
            continue
        two_ok = r + 1 < len(grid.rows) and _looks_like_header(grid, r + 1)
        best, best_rank = None, None
        for kind in REQUIRED:
            below = map_columns(kind, _header_texts(grid, r + 1, False)) if two_ok else {}
            for two in (False, True) if two_ok else (False,):
                texts = _header_texts(grid, r, two)
                cols = map_columns(kind, texts)
                named = len(cols)
                if two and named <= len(below):
                    continue  # the row below is the header by itself; this row is a title
                if kind == "summary" and "label" in cols:
                    _settle_label_column(grid, r + two, cols)
                    if "value" not in cols:
                        inferred = _infer_value_column(grid, r + two, cols)
                        if inferred is not None:
                            cols["value"] = inferred
                filled = sum(bool(t) for t in texts)
                # A value column named by its header beats one inferred from the data.
                rank = (named >= len(cols), named)
                if (_satisfies(kind, cols) and 2 * named >= filled
                        and (best_rank is None or rank > best_rank)):
                    best = Table(kind, grid.name, r + (1 if two else 0), cols, top=r)
                    best_rank = rank
        if best:
            return best
    return None


def _settle_label_column(grid: Grid, header_row: int, cols: dict[str, int]) -> None:
    """A "Nội dung" header merged over the numbering column and the label column names the
    numbering one: move the label to the column that holds the words."""
    def words(c: int) -> int:
        return sum(
            isinstance(v := grid.value(r, c), str) and len(_text(v)) > 6
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


def _is_column_number_row(values: list[object]) -> bool:
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


def _is_signature(text: str) -> bool:
    key = fold_key(text)
    return any(key == w or key.startswith(w + " ") for w in _SIGNATURE_WORDS)


def _is_data_value(value: object) -> bool:
    """A number, a count written as text, or a mark: what a data row holds (not a name)."""
    if is_blank(value):
        return False
    if isinstance(value, (int, float, dt.date)):
        return True
    if _is_signature(_text(value)):
        return False
    return (parse_count(value).value is not None or parse_mark(value).value is not None
            or _DATE_ONLY.fullmatch(_folded_keep_digits(_text(value))) is not None)


def _is_total(text: str) -> bool:
    key = fold_key(text)
    return any(key == w or key.startswith(w + " ") for w in _TOTAL_WORDS)


def extract_report(book: Book) -> RawReport:
    """Lift every recognised table and the title texts out of a workbook.

    Hidden sheets hold lookup lists or last period's copy: they are read only when the
    visible sheets hold no summary table, and are otherwise listed in the log.
    """
    report = RawReport()
    for grid in book.sheets:
        if not grid.hidden:
            _extract_sheet(grid, report)
    hidden = [g for g in book.sheets if g.hidden]
    if not any(t.kind == "summary" for t in report.tables):
        for grid in hidden:
            _extract_sheet(grid, report)
    else:
        report.problems += [Problem("sheet_hidden", g.name, detail=g.name) for g in hidden
                            if any(not is_blank(v) for row in g.rows for v in row)]
    if book.skipped_sheets:
        report.problems.append(Problem("sheets_skipped", detail=", ".join(book.skipped_sheets)))
    _find_title_facts(report)
    return report


def _extract_sheet(grid: Grid, report: RawReport) -> None:
    tables: list[Table] = []
    r = 0
    while (table := find_header_row(grid, r)) is not None:
        tables.append(table)
        r = table.header_row + 1
    used: set[int] = set()
    for i, table in enumerate(tables):
        end = tables[i + 1].top if i + 1 < len(tables) else len(grid.rows)
        used.update(range(table.top, table.header_row + 1))
        _read_rows(grid, table, end, report, used)
        report.tables.append(table)
    first_table = tables[0].top if tables else len(grid.rows)
    outside = []
    for r, row in enumerate(grid.rows):
        if r in used:
            continue
        for c, v in enumerate(row):
            if (r, c) in grid.formula_cells:
                report.problems.append(Problem("formula_no_value", grid.name, cell_address(r, c)))
            if is_blank(v):
                continue
            report.outside[(grid.name, r, c)] = v
            if isinstance(v, str):
                for line in v.splitlines():
                    if line.strip():
                        report.texts.append(TitleText(grid.name, _text(line), r, c,
                                                      r < first_table))
        if any(not is_blank(v) for v in row):
            outside.append(r)
    if grid.truncated_rows:
        report.problems.append(
            Problem("row_unrecognised", grid.name, "", detail=f"{grid.truncated_rows} dòng")
        )
    if outside and not tables and _has_numbers(grid, outside):
        report.problems.append(Problem("sheet_unrecognised", grid.name, ""))
    elif outside:
        report.problems.append(
            Problem("rows_outside_table", grid.name, "", detail=_ranges(outside))
        )


def _has_numbers(grid: Grid, rows: list[int]) -> bool:
    return any(
        isinstance(v, (int, float)) and not isinstance(v, bool) for r in rows for v in grid.rows[r]
    )


def _ranges(rows: list[int]) -> str:
    spans, start, prev = [], rows[0], rows[0]
    for r in rows[1:] + [None]:
        if r is not None and r == prev + 1:
            prev = r
            continue
        spans.append(f"hàng {start + 1}" if start == prev else f"hàng {start + 1}–{prev + 1}")
        if r is not None:
            start = prev = r
    return ", ".join(spans)


def _cell(grid: Grid, r: int, c: int | None) -> RawCell | None:
    if c is None:
        return None
    return RawCell(grid.value(r, c), grid.name, r, c, (r, c) in grid.formula_cells)


def _read_rows(grid: Grid, table: Table, end: int, report: RawReport, used: set[int]) -> None:
    cols = table.columns
    if table.kind == "summary" and "value" not in cols:
        return
    data_cols = [c for k, c in cols.items() if k not in ("stt", "note", "percent",
                                                         "unit_of_measure")]
    after_gap = False  # past a blank row, a row with no data is a note, not a record
    for r in range(table.header_row + 1, end):
        row = grid.rows[r]
        if all(is_blank(v) for v in row):
            after_gap = bool(table.rows)
            continue
        if r <= table.header_row + 2 and not table.rows and _is_column_number_row(row):
            used.add(r)
            continue
        if table.kind == "summary":
            taken = _summary_row(grid, table, r, report)
        else:
            taken = _record_row(grid, table, r, report, data_cols, after_gap)
        if taken:
            used.add(r)
            table.rows.append(r)
        elif taken is None:
            used.add(r)


def _summary_row(grid: Grid, table: Table, r: int, report: RawReport) -> bool | None:
    cols = table.columns
    label = _text(grid.value(r, cols["label"]))
    value = _cell(grid, r, cols["value"])
    has_value = value.formula or _is_data_value(value.value)
    if not label or _is_signature(label):
        if value.formula or _is_data_value(value.value) and not _is_signature(
                _text(value.value)):
            report.problems.append(Problem("row_unrecognised", grid.name, value.address,
                                           raw=value.value))
            return None
        return False
    match = vocab.match_indicator(label)
    if match.id is None:
        if has_value:
            code = "label_ambiguous" if match.how == "ambiguous" else "label_unmatched"
            report.problems.append(Problem(code, grid.name, cell_address(r, cols["label"]),
                                           raw=label, detail="; ".join(match.candidates)))
            return None
        return False  # a heading or a note: reported with the text outside tables
    if match.how == "fuzzy":
        report.problems.append(Problem("label_fuzzy_match", grid.name,
                                       cell_address(r, cols["label"]), raw=label,
                                       detail=f"«{label}» → {match.candidates[0]}"))
    if any(ind == match.id for ind, _ in report.summary):
        report.problems.append(Problem("indicator_duplicate", grid.name, value.address,
                                       raw=value.value,
                                       detail=vocab.indicator_labels()[match.id]))
        return None
    report.summary.append((match.id, value))
    return True


def _record_row(grid: Grid, table: Table, r: int, report: RawReport,
                data_cols: list[int], after_gap: bool) -> bool | None:
    key_col = "month" if table.kind == "monthly" else "cell_name"
    key_raw = grid.value(r, table.columns[key_col])
    cells = {k: _cell(grid, r, table.columns.get(k)) for k in ROW_KEYS[table.kind]}
    cells = {k: v for k, v in cells.items() if v is not None}
    data_present = any(
        c.formula or _is_data_value(c.value) for k, c in cells.items() if k != key_col
    )
    key_text = _text(key_raw) if isinstance(key_raw, str) else ""
    if not key_text:  # "Tổng cộng" may stand in the STT column, left of the key column
        key_text = next((_text(v) for v in grid.value_row(r)[:table.columns[key_col]]
                         if isinstance(v, str) and v.strip()), "")
    if key_text and _is_total(key_text) and (
        table.kind == "inspection" or parse_month(key_raw).value is None
    ):
        report.problems.append(Problem("total_row_skipped", grid.name,
                                       cell_address(r, table.columns[key_col]), raw=key_text))
        return None
    if is_blank(key_raw) or _is_signature(key_text):
        if data_present:
            report.problems.append(Problem("row_unrecognised", grid.name,
                                           cell_address(r, min(data_cols)),
                                           raw=_row_text(grid, r)))
            return None
        return False
    if not data_present and (after_gap or table.kind == "monthly"
                             and parse_month(key_raw).value is None):
        return False  # a note or a signature line under the table
    target = report.monthly if table.kind == "monthly" else report.inspections
    target.append(cells)
    return True


def _row_text(grid: Grid, r: int) -> str:
    return " | ".join(str(v) for v in grid.rows[r] if not is_blank(v))[:200]


# A date next to these words is another document's or the data's cut-off, not the report's.
_OTHER_DATES = ("chi thi", "nghi quyet", "ke hoach", "huong dan", "quyet dinh", "cong van",
                "thong bao", "ban hanh", "so lieu", "tinh den", "tinh tu", "den ngay", "tu ngay",
                "thoi diem", "han nop")
# "Tân Phú, ngày 18 tháng 6 năm 2014", "Mỹ Lộc, 16-06-2014", "Ngày 18/6/2014".
_PLACE_DATE = re.compile(r"^(?:[^,]{2,60},\s*)?(?:ngay\b|\d{1,2}\s*[-/.]\s*\d)")


def _find_title_facts(report: RawReport) -> None:
    """The period stated in the title, and the report date.

    The period is read from the title block only (above the tables): a note below such
    as "so với 6 tháng cuối năm 2013" is a comparison. The report date is an explicit
    "Ngày báo cáo", else the place-and-date line; dates of directives and data cut-offs
    ("số liệu tính đến ngày …") are never taken for it.
    """
    summary_sheets = {t.sheet for t in report.tables if t.kind == "summary"}
    texts = sorted(
        report.texts, key=lambda t: (t.sheet not in summary_sheets, not t.above_table)
    )
    for t in texts:
        if t.above_table and (period := parse_period(t.text)):
            report.stated_period = period
            break
    dated: list[tuple[int, TitleText, dt.date]] = []
    undated: TitleText | None = None
    for rank, t in enumerate(texts):
        key = fold_key(t.text, numbering=False)
        if key.startswith("ngay bao cao"):
            found = find_date_in_text(t.text) or _date_right_of(report, t)
            if found:
                dated.append((-1, t, found))  # an explicit "Ngày báo cáo" wins
            continue
        if any(has_words(key, w) for w in _OTHER_DATES):
            continue
        if _PLACE_DATE.match(_folded_keep_digits(t.text)):
            found = find_date_in_text(t.text)
            if found:
                dated.append((rank, t, found))
            elif undated is None and has_words(key, "thang"):
                undated = t  # "ngày … tháng 12 năm 2014" with the day left blank
    if dated:
        _, t, report.report_date = min(dated, key=lambda d: d[0])
        report.report_date_cell = (t.sheet, cell_address(t.row, t.col))
    elif undated is not None:
        report.problems.append(Problem("report_date_unparseable", undated.sheet,
                                       cell_address(undated.row, undated.col),
                                       raw=undated.text))


def _folded_keep_digits(text: str) -> str:
    return strip_diacritics(text).lower().replace("đ", "d").strip()


def _date_right_of(report: RawReport, t: TitleText) -> dt.date | None:
    for c in range(t.col + 1, t.col + 6):
        value = report.outside.get((t.sheet, t.row, c))
        if value is None:
            continue
        found = parse_date(value).value
        if found:
            return found
    return None


_ORG_PREFIXES = ("dang uy", "dang bo", "chi uy", "chi bo", "bch", "ban chap hanh", "du ")


def unit_hints(report: RawReport) -> list[tuple[str, str]]:
    """Texts that may name the reporting unit, most explicit first: ('code'|'name', text).

    The title block names the unit in a "Mã đơn vị" cell, as "Đơn vị: …" (the name after
    the colon or in the next cell), or as organisation lines under the district's name. Of
    those the lowest comes first: a cell's report is headed by its Đảng bộ, then itself.
    """
    codes, named, org = [], [], []
    for t in report.texts:
        key = fold_key(t.text, numbering=False)
        words = key.split()
        if key.startswith(("ma don vi", "ma dv")):
            value = t.text.split(":", 1)[1].strip() if ":" in t.text else ""
            codes.append(("code", value or _text_right_of(report, t)))
        elif key.startswith(("don vi", "ten don vi")) and not key.startswith("don vi tinh"):
            value = t.text.split(":", 1)[1].strip() if ":" in t.text else ""
            if value or key in ("don vi", "don vi bao cao", "ten don vi"):
                named.append(("name", value or _text_right_of(report, t)))
        elif t.above_table and (key + " ").startswith(_ORG_PREFIXES) and not (
            words[2:3] in (["huyen"], ["tinh"]) or words[2:4] in (["thi", "xa"], ["thanh", "pho"])
        ):
            org.append((t.sheet, t.row, t.text))
    org.sort(key=lambda o: -o[1])
    return [h for h in codes + named if h[1]] + [("name", text) for _, _, text in org]


def _text_right_of(report: RawReport, t: TitleText) -> str:
    for c in range(t.col + 1, t.col + 6):
        value = report.outside.get((t.sheet, t.row, c))
        if isinstance(value, str) and value.strip():
            return _text(value)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(int(value)) if float(value).is_integer() else str(value)
    return ""
