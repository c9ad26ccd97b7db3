"""What a report's title block says: the unit that sent it, the period, the report date."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from lib03.parse import find_date_in_text, parse_date, parse_period
from lib03.quality import Problem
from lib03.read import cell_address
from lib03.text import cell_text, fold_key, fold_plain, has_words

if TYPE_CHECKING:
    from lib03.clean import RawReport, TitleText


# A date next to these words is another document's or the data's cut-off, not the report's.
_OTHER_DATES = ("chi thi", "nghi quyet", "ke hoach", "huong dan", "quyet dinh", "cong van",
                "thong bao", "ban hanh", "so lieu", "tinh den", "tinh tu", "den ngay", "tu ngay",
                "thoi diem", "han nop")
# "Tân Phú, ngày 18 tháng 6 năm 2014", "Mỹ Lộc, 16-06-2014", "Ngày 18/6/2014".
_PLACE_DATE = re.compile(r"^(?:[^,]{2,60},\s*)?(?:ngay\b|\d{1,2}\s*[-/.]\s*\d)")


def find_title_facts(report: RawReport) -> None:
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
        if _PLACE_DATE.match(fold_plain(t.text)):
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
            return cell_text(value)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(int(value)) if float(value).is_integer() else str(value)
    return ""
