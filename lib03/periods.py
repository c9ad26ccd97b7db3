"""Half-year reporting periods: their ids ("2014-H1"), the folders and titles that name them,
their months and their first and last days."""

from __future__ import annotations

import re
from datetime import date

from lib03.text import cached_for_text, fold_cell, is_blank

_PERIOD_ID = re.compile(r"^\d{4}-H[12]$", re.ASCII)
_PERIOD_IN_TEXT = re.compile(r"(?<!\d)(\d{4})\s*-\s*h\s*([12])(?![0-9a-z])")
_HALF = r"(?<![0-9a-z])(?:0?6|sau)\s*thang\s*(dau|cuoi)"
_HALF_YEAR = re.compile(rf"{_HALF}[\s,]*(?:nam)?\s*(\d{{4}})(?!\d)")
_YEAR_HALF = re.compile(rf"nam\s*(\d{{4}})\s*\(?\s*{_HALF}")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def is_period_id(name: object) -> bool:
    """True for a period folder name such as ``2014-H1``.

    >>> is_period_id("2014-H2"), is_period_id("2014 H2")
    (True, False)
    """
    return isinstance(name, str) and _PERIOD_ID.fullmatch(name) is not None


def period_of_folder(name: str) -> str | None:
    """The period a folder stands for: "2014-H1", also typed "2014-h1", "2014 H1", "2014_H1".

    >>> period_of_folder("2014-h1"), period_of_folder("2014 H2"), period_of_folder("moi nhan")
    ('2014-H1', '2014-H2', None)
    """
    m = re.fullmatch(r"(\d{4})\s*[-_ ]?\s*[hH]\s*([12])", name.strip())
    return f"{m[1]}-H{m[2]}" if m else None


def period_of_spelled_folder(name: str) -> str | None:
    """The period a folder named the way people write it stands for, when it names one half
    of one year without doubt: "6T dau nam 2014", "6 tháng đầu năm 2014", "H1-2014",
    "2014 6T dau", "6 thang cuoi nam 2014". A year alone, or both halves, is no period.

    >>> [period_of_spelled_folder(n) for n in ("6T dau nam 2014", "6 tháng cuối năm 2014",
    ...     "H1-2014", "2014 6T dau", "h2 2013", "2014", "6T 2014", "6T dau 2013 - 6T cuoi 2013")]
    ['2014-H1', '2014-H2', '2014-H1', '2014-H1', '2013-H2', None, None, None]
    """
    folded = fold_cell(name)
    # "6T", "6 th", "06t" are how "6 tháng" is shortened in folder names.
    folded = re.sub(r"(?<![0-9a-z])0?6\s*(?:t|th)(?![a-z])\.?", "6 thang", folded)
    halves = set(re.findall(r"thang\s*(dau|cuoi)", folded))
    halves |= {"dau" if h == "1" else "cuoi"
               for h in re.findall(r"(?<![0-9a-z])h\s*([12])(?![0-9])", folded)}
    years = set(_YEAR.findall(folded))
    if len(halves) != 1 or len(years) != 1:
        return None
    return f"{years.pop()}-H{1 if halves.pop() == 'dau' else 2}"


def folder_year(name: str) -> int | None:
    """The year a folder's name holds, if exactly one ("Bao cao 2015" → 2015).

    >>> folder_year("6T 2015"), folder_year("moi nhan")
    (2015, None)
    """
    years = set(_YEAR.findall(fold_cell(name)))
    return int(years.pop()) if len(years) == 1 else None


@cached_for_text
def parse_period(text: object) -> str | None:
    """The reporting period named in a title or folder name, as ``YYYY-H1`` / ``YYYY-H2``.

    >>> [parse_period(t) for t in ("Báo cáo 6 tháng đầu năm 2014", "6 thang cuoi 2014", "Năm")]
    ['2014-H1', '2014-H2', None]
    """
    return None if is_blank(text) else _period_in(fold_cell(text))


def _period_in(folded: str) -> str | None:
    if match := _PERIOD_IN_TEXT.search(folded):
        return f"{match[1]}-H{match[2]}"
    # Titles often end "…, phương hướng 6 tháng cuối năm": that is the next period's plan.
    head = folded.split("phuong huong")[0]
    if match := _HALF_YEAR.search(head):
        return f"{match[2]}-H{1 if match[1] == 'dau' else 2}"
    if match := _YEAR_HALF.search(head):
        return f"{match[1]}-H{1 if match[2] == 'dau' else 2}"
    # "6 tháng đầu năm, phương hướng … năm 2014": the half comes first, the year later.
    if (match := re.search(_HALF, head)) and (year := _YEAR.search(folded, match.end())):
        return f"{year[0]}-H{1 if match[1] == 'dau' else 2}"
    return None


def _split_period(period: str) -> tuple[int, int]:
    if not is_period_id(period):
        raise ValueError(f"không phải mã kỳ báo cáo (ví dụ 2014-H1): {period!r}")
    return int(period[:4]), int(period[-1])


def period_months(period: str) -> list[int]:
    """The months of a period.

    >>> period_months("2014-H2")
    [7, 8, 9, 10, 11, 12]
    """
    first = 1 if _split_period(period)[1] == 1 else 7
    return list(range(first, first + 6))


def period_bounds(period: str) -> tuple[date, date]:
    """First and last day of a period.

    >>> period_bounds("2014-H1")
    (datetime.date(2014, 1, 1), datetime.date(2014, 6, 30))
    """
    year, half = _split_period(period)
    first = date(year, 1 if half == 1 else 7, 1)
    return first, date(year, 6, 30) if half == 1 else date(year, 12, 31)
