"""What a report's title block says: the unit that sent it, the period, the report date."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from lib03 import vocab
from lib03.ingest.parse import (
    find_date_in_text,
    looks_like_place_date,
    parse_date,
    read_date_in_text,
)
from lib03.ingest.raw_report import RawReport, TitleText
from lib03.ingest.read import cell_address
from lib03.periods import parse_period
from lib03.quality import Problem
from lib03.text import clean_text, fold_key, has_words

# "Tân Phú, ngày 18 tháng 6 năm 2014", "Mỹ Lộc, 16-06-2014", "Ngày 18/6/2014".


def find_title_facts(report: RawReport, period: str | None = None) -> None:
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
    with_tables = {t.sheet for t in report.tables}
    for t in texts:
        # Only a title block above a table states the period: a sheet of notes may compare
        # with another period ("so với 6 tháng cuối năm 2013").
        if t.above_table and t.sheet in with_tables and (stated := parse_period(t.text)):
            report.stated_period = stated
            break
    dated: list[tuple[int, dt.date, str, str]] = []  # rank, date, sheet, cell
    undated: TitleText | None = None
    imprecise: TitleText | None = None
    for rank, t in enumerate(texts):
        key = fold_key(t.text, numbering=False)
        if key.startswith("ngay bao cao"):  # an explicit "Ngày báo cáo" wins: rank -1
            if found := find_date_in_text(t.text):
                dated.append((-1, found, t.sheet, cell_address(t.row, t.col)))
            elif beside := _date_right_of(report, t, period):
                dated.append((-1, beside[0], t.sheet, cell_address(t.row, beside[1])))
            continue
        if _names_other_date(key):
            continue
        if looks_like_place_date(t.text):
            said = read_date_in_text(t.text)
            if said.value:
                dated.append((rank, said.value, t.sheet, cell_address(t.row, t.col)))
            elif said.problem == "date_imprecise" and not has_words(key, "ngay"):
                imprecise = imprecise or t  # "Tân Phú, tháng 6 năm 2014": no day at all
            elif undated is None and has_words(key, "thang"):
                undated = t  # "ngày … tháng 12 năm 2014" with the day left blank
    if dated:
        _, report.report_date, sheet, cell = min(dated, key=lambda d: d[0])
        report.report_date_cell = (sheet, cell)
    elif undated is not None:
        report.problems.append(Problem("report_date_unparseable", undated.sheet,
                                       cell_address(undated.row, undated.col),
                                       raw=undated.text))
    elif imprecise is not None:
        report.problems.append(Problem("date_imprecise", imprecise.sheet,
                                       cell_address(imprecise.row, imprecise.col),
                                       raw=imprecise.text))


@lru_cache(maxsize=65536)
def _names_other_date(key: str) -> bool:
    # Cached: a pure function of the folded text, asked of every title line of every file.
    return any(has_words(key, w) for w in vocab.words("other_date"))


def _date_right_of(report: RawReport, t: TitleText,
                   period: str | None) -> tuple[dt.date, int] | None:
    # "Ngày báo cáo: | 15/12": a date without its year takes the period's year.
    year = int(period[:4]) if period else None
    for c, value in _right_of(report, t):
        if found := parse_date(value, year_hint=year).value:
            return found, c
    return None


def unit_hints(report: RawReport) -> list[tuple[str, str]]:
    """Texts that may name the reporting unit, most explicit first: ('code'|'name', text).

    The title block names the unit in a "Mã đơn vị" cell, as "Đơn vị: …" (the name after
    the colon or in the next cell), or as organisation lines under the district's name. Of
    those the lowest comes first: a cell's report is headed by its Đảng bộ, then itself.
    """
    codes, named, org = [], [], []
    for t in report.texts:
        key = fold_key(t.text, numbering=False)
        if key.startswith(("ma don vi", "ma dang vien")):  # "Mã ĐV" folds as "mã đảng viên"
            value = t.text.split(":", 1)[1].strip() if ":" in t.text else ""
            codes.append(("code", value or _text_right_of(report, t)))
        elif key.startswith(("don vi", "ten don vi")) and not key.startswith("don vi tinh"):
            value = t.text.split(":", 1)[1].strip() if ":" in t.text else ""
            if value or key in ("don vi", "don vi bao cao", "ten don vi"):
                named.append(("name", value or _text_right_of(report, t)))
        elif t.above_table and _names_an_organisation(key):
            org.append((t.sheet, t.row, t.text))
    org.sort(key=lambda o: -o[1])
    return [h for h in codes + named if h[1]] + [("name", text) for _, _, text in org]


def _names_an_organisation(key: str) -> bool:
    """"ĐẢNG ỦY XÃ TÂN PHÚ" does; "ĐẢNG BỘ HUYỆN MẪU", the superior, does not."""
    for prefix in vocab.words("org_prefix"):
        if key == prefix or key.startswith(prefix + " "):
            rest = key[len(prefix):].strip()
            return not vocab.starts_with_word(rest, "superior")
    return False


def _right_of(report: RawReport, t: TitleText):
    """Values in the cells right of a label on its row ("Ngày báo cáo:" | 18/6/2014)."""
    for c in range(t.col + 1, t.col + 6):
        value = report.outside.get((t.sheet, t.row, c))
        if value is not None:
            yield c, value


def _text_right_of(report: RawReport, t: TitleText) -> str:
    for _, value in _right_of(report, t):
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # a code typed as a number
        if text := clean_text(str(value)) if not isinstance(value, bool) else "":
            return text
    return ""
