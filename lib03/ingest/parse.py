"""Cell parsers: turn one raw spreadsheet value into a clean value plus an optional problem code.

Two rules from the spec run through every parser: a blank cell is missing, not zero (except
for marks, where blank means "no"); and a value that breaks a rule is kept as read and logged,
not corrected.
"""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from lib03 import vocab
from lib03.text import (
    cached_for_text,
    fold_cell,
    fold_key,
    is_blank,
    normal_text,
)


@dataclass(frozen=True)
class Parsed:
    """A clean value (None = missing) and the quality-log code of its problem, if any."""

    value: object | None
    problem: str | None = None


_DASHES = re.compile(r"[-‐‑‒–—―−]+")
# A number in text: digits with "." or "," between groups; the sign may be ASCII, minus or en dash.
_LEADING_NUMBER = re.compile(r"([-−–+]?)\s*([0-9]{1,15}(?:[.,][0-9]{1,15})*)(.*)", re.DOTALL)

# Tick symbols fold to nothing, so they are checked before folding; "√" is the usual Excel tick.
_TICKS = {"✓", "✔", "☑", "√", "×"}

_EXCEL_EPOCH = date(1899, 12, 30)
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?!\d)")
_WORD_DATE = re.compile(r"(?<!\d)(\d{1,2})[\s,]*thang\s*(\d{1,2})[\s,]*(?:nam)?\s*(\d{4})(?!\d)")
_DMY_DATE = re.compile(r"(?<!\d)(\d{1,2})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{4}|\d{2})(?!\d)")
_DAY_MONTH = re.compile(r"(?:ngay\s*)?(\d{1,2})\s*(?:[-/.]|thang)\s*(\d{1,2})")

_MONTH_WORDS = {
    "gieng": 1, "mot": 1, "hai": 2, "ba": 3, "tu": 4, "bon": 4, "nam": 5, "sau": 6,
    "bay": 7, "tam": 8, "chin": 9, "muoi": 10, "muoi mot": 11, "muoi hai": 12, "chap": 12,
}  # fmt: skip
_ROMAN = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"]
_YEAR_TAIL = r"(?:\s*(?:[-/.]|nam)\s*\d{4}|\s*[-/.]\s*\d{2})?"
_MONTH_NUMBER = re.compile(rf"(?:(?:thang|th|t)\s*\.?\s*)?(\d{{1,2}}){_YEAR_TAIL}")
# Month words need "tháng" before them: a bare "ba" or "năm" is not a month.
_MONTH_WORD = re.compile(
    rf"thang\s+({'|'.join(sorted(_MONTH_WORDS, key=len, reverse=True))})(?:{_YEAR_TAIL}|\s+\d{{4}})"
)
_MONTH_ROMAN = re.compile(rf"(?:th[aá]ng\s*)?({'|'.join(_ROMAN)})")
_YEAR_MONTH = re.compile(r"\d{4}\s*[-/.]\s*(\d{1,2})")


def _is_grouped(token: str, sep: str) -> bool:  # "1.234.567": 1–3 digits, then groups of 3
    return re.fullmatch(rf"[1-9][0-9]{{0,2}}(?:\{sep}[0-9]{{3}})+", token) is not None


def _read_number(token: str, *, grouping: bool) -> int | float | None:
    """Read "1.234", "12,5", "1.234,5" the Vietnamese way (dot groups, comma is the decimal)."""
    dots, commas = token.count("."), token.count(",")
    if dots and commas:  # both marks: the last one is the decimal mark, the other groups
        decimal = "." if token.rfind(".") > token.rfind(",") else ","
        whole, _, fraction = token.rpartition(decimal)
        group = "," if decimal == "." else "."
        if decimal in whole or not _is_grouped(whole, group):
            return None
        return float(whole.replace(group, "") + "." + fraction)
    sep = "." if dots else "," if commas else ""
    if not sep:
        return int(token)
    if grouping and _is_grouped(token, sep):
        return int(token.replace(sep, ""))
    if dots + commas > 1:
        return None
    return float(token.replace(",", "."))


def _checked(number: float, *, integer: bool) -> Parsed:
    """A number as a count or a share may hold it.

    >>> _checked(10 ** 400, integer=True).problem, _checked(float("inf"), integer=False).problem
    ('value_not_finite', 'value_not_finite')
    """
    try:
        finite = math.isfinite(number)
    except OverflowError:  # a typed integer past 1e308 has no float value at all
        finite = False
    if not finite:
        return Parsed(None, "value_not_finite")
    number = int(number) if integer and float(number).is_integer() else number
    number = number if integer else float(number)
    if number < 0:
        return Parsed(number, "value_negative")
    if integer and not isinstance(number, int):
        return Parsed(number, "value_not_integer")
    return Parsed(number)


def _parse_number(raw: object, *, count: bool) -> Parsed:
    if is_blank(raw):
        return Parsed(None)
    if isinstance(raw, str):
        return _parse_number_text(raw, count)
    if isinstance(raw, bool) or not isinstance(raw, numbers.Real):
        return Parsed(None, "value_unparseable")  # bools, dates, times are not numbers
    if not count and isinstance(raw, float) and 0 < raw <= 1.0:
        raw = round(raw * 100, 10)  # round away float noise: 0.855 * 100 = 85.4999…
    return _checked(raw, integer=count)


@lru_cache(maxsize=65536)
def _parse_number_text(raw: str, count: bool) -> Parsed:
    # Cached: a pure function of the text, and Parsed is frozen; "-", "x", "25 đ/c" recur.
    text = normal_text(raw)
    if _DASHES.fullmatch(text) or fold_key(text, numbering=False) in vocab.words("zero_word"):
        return Parsed(0 if count else 0.0)
    match = _LEADING_NUMBER.fullmatch(text)
    rest = match[3].strip() if match else ""
    # One number, then words: "10 (đạt 100%)" or "5/7" hold a second number and are ambiguous.
    if not match or re.search(r"[0-9]", rest) or (not count and rest not in ("", "%")):
        return Parsed(None, "value_unparseable")
    if count and rest.startswith("%"):
        return Parsed(None, "value_percent")
    number = _read_number(match[2], grouping=count)
    if number is None:
        return Parsed(None, "value_unparseable")
    return _checked(number if match[1] in ("", "+") else -number, integer=count)


def parse_count(raw: object) -> Parsed:
    """A whole-number count. Dots group thousands and a comma is the decimal mark; a comma
    followed by exactly three digits ("1,234") is read as grouping because counts are whole
    numbers. Unit words after the number ("25 đ/c") are dropped; dashes and "không" are zero.

    >>> [parse_count(v).value for v in ("1.234", "1,234", "25 đ/c", "-", 12.0, None)]
    [1234, 1234, 25, 0, 12, None]
    >>> parse_count("12,5"), parse_count("85%")
    (Parsed(value=12.5, problem='value_not_integer'), Parsed(value=None, problem='value_percent'))
    """
    return _parse_number(raw, count=True)


def parse_percent(raw: object) -> Parsed:
    """A percentage as a number of percent. Text is read as written ("85,5%" → 85.5, a dot or
    comma is always a decimal mark here). A float cell in (0, 1] is taken as a cell formatted
    as percent, which Excel stores as a fraction, and is multiplied by 100; an int is not.

    >>> [parse_percent(v).value for v in ("85,5%", "85.5 %", 0.855, 1.0, 85, 1)]
    [85.5, 85.5, 85.5, 100.0, 85.0, 1.0]
    """
    return _parse_number(raw, count=False)


def parse_yesno(raw: object) -> Parsed:
    """A yes/no answer where blank means "not answered" (None, no problem).

    >>> [parse_yesno(v).value for v in ("Có", "không", "", None)]
    [True, False, None, None]
    >>> parse_yesno("?")
    Parsed(value=None, problem='mark_unparseable')
    >>> [parse_yesno(v).value for v in ("Đã kiện toàn", "Đã KT", "Chưa kiện toàn", "Có 2 lần")]
    [True, True, False, None]
    """
    if is_blank(raw):
        return Parsed(None)
    if isinstance(raw, bool):
        return Parsed(raw)
    if isinstance(raw, numbers.Real):
        return Parsed(raw == 1) if raw in (0, 1) else Parsed(None, "mark_unparseable")
    if not isinstance(raw, str):
        return Parsed(None, "mark_unparseable")
    return _parse_yesno_text(raw)


@lru_cache(maxsize=65536)
def _parse_yesno_text(raw: str) -> Parsed:
    # Cached: a pure function of the text, and Parsed is frozen; marks are a handful of words.
    text = normal_text(raw)
    key = fold_key(text, numbering=False)
    # Ticks are looked up before legacy-font repair too, which would turn "×" into "ì".
    if ({raw.strip(), text} & _TICKS or key in vocab.words("mark_yes")
            or re.fullmatch(r"1(?:[.,]0+)?", text)):
        return Parsed(True)
    # A dash in a tick column means nothing was done, as in count columns.
    if (_DASHES.fullmatch(text) or key in vocab.words("mark_no")
            or re.fullmatch(r"0(?:[.,]0+)?", text)):
        return Parsed(False)
    # An answer in words: "Đã kiện toàn", "Đã KT", "Chưa kiện toàn", "Không thực hiện".
    # "chưa" and "không" are checked first: "chưa có" is a no although it holds "có".
    words = key.split()
    if words and not re.search(r"\d", key):
        if words[0] in ("chua", "khong"):
            return Parsed(False)
        if words[0] == "da":
            return Parsed(True)
    return Parsed(None, "mark_unparseable")


def parse_mark(raw: object) -> Parsed:
    """A tick cell: "x", "✓", "Có", 1 → True; "Không", 0 → False; blank means no (False).

    >>> [parse_mark(v).value for v in ("x", "✓", 1, "Không", 0, None, "  ")]
    [True, True, True, False, False, False, False]
    >>> parse_mark(2)
    Parsed(value=None, problem='mark_unparseable')
    """
    return Parsed(False) if is_blank(raw) else parse_yesno(raw)


def _make_date(year: str | int, month: str | int, day: str | int) -> date | None:
    year = int(year)
    try:
        return date(year + 2000 if year < 100 else year, int(month), int(day))
    except ValueError:
        return None


def _search_date(folded: str) -> date | None:
    # ISO first so "2014-06-20" is never read day-first; then "ngày … tháng … năm", then d/m/y.
    for pattern, order in ((_ISO_DATE, (1, 3, 4)), (_WORD_DATE, (3, 2, 1)), (_DMY_DATE, (4, 3, 1))):
        for match in pattern.finditer(folded):
            found = _make_date(*(match[i] for i in order))
            if found:
                return found
    return None


@cached_for_text
def find_date_in_text(text: object) -> date | None:
    """The first valid date written in a longer sentence (title blocks), day first.

    >>> find_date_in_text("Tân Phú, ngày 18 tháng 6 năm 2014")
    datetime.date(2014, 6, 18)
    """
    return None if is_blank(text) else _search_date(fold_cell(text))


def parse_date(raw: object, *, year_hint: int | None = None) -> Parsed:
    """A date: Excel dates and serial numbers, or text written day first ("20/6/2014",
    "ngày 20 tháng 6 năm 2014"); "20/6" takes its year from `year_hint`.

    >>> parse_date("20/6/14").value, parse_date("20/6", year_hint=2014).value
    (datetime.date(2014, 6, 20), datetime.date(2014, 6, 20))
    >>> parse_date("31/2/2014")
    Parsed(value=None, problem='date_unparseable')
    """
    if is_blank(raw):
        return Parsed(None)
    if isinstance(raw, datetime):
        return Parsed(raw.date())
    if isinstance(raw, date):
        return Parsed(raw)
    if isinstance(raw, numbers.Real) and not isinstance(raw, bool):
        # Serials 20000–80000 are 1954–2119: a plausible report date, not a stray count.
        if math.isfinite(raw) and 20000 <= raw < 80000:
            return Parsed(_EXCEL_EPOCH + timedelta(days=int(raw)))
        return Parsed(None, "date_unparseable")
    if not isinstance(raw, str):
        return Parsed(None, "date_unparseable")  # bools, times, durations
    return _parse_date_text(raw, year_hint)


@lru_cache(maxsize=65536)
def _parse_date_text(raw: str, year_hint: int | None) -> Parsed:
    # Cached: a pure function of the text and the hint, and Parsed and dates are immutable.
    folded = fold_cell(raw)
    found = _search_date(folded)
    if found is None and year_hint is not None and (match := _DAY_MONTH.fullmatch(folded)):
        found = _make_date(year_hint, match[2], match[1])
    return Parsed(found) if found else Parsed(None, "date_unparseable")


def parse_month(raw: object, *, year_hint: int | None = None) -> Parsed:
    """A month number 1–12 from a month label ("Tháng 1", "T.1", "01/2014", "Tháng Giêng",
    "XII"). Only the month is returned; the year, if written, is not checked, so `year_hint`
    is accepted for the same call shape as `parse_date` and not used.

    >>> parse_month("Tháng Một").value, parse_month("01/2014").value, parse_month("Th.12").value
    (1, 1, 12)
    >>> parse_month("Tổng cộng")
    Parsed(value=None, problem='month_unparseable')
    """
    if is_blank(raw):
        return Parsed(None)
    if isinstance(raw, date):
        return Parsed(raw.month)
    if isinstance(raw, numbers.Real) and not isinstance(raw, bool):
        if math.isfinite(raw) and float(raw).is_integer() and 1 <= raw <= 12:
            return Parsed(int(raw))
        return Parsed(None, "month_unparseable")
    if not isinstance(raw, str):
        return Parsed(None, "month_unparseable")
    return _parse_month_text(raw)


@lru_cache(maxsize=65536)
def _parse_month_text(raw: str) -> Parsed:
    # Cached: a pure function of the text; "Tháng 7" recurs in every monthly table.
    folded = fold_cell(raw)
    month = None
    if match := _MONTH_NUMBER.fullmatch(folded) or _YEAR_MONTH.fullmatch(folded):
        month = int(match[1])
    elif match := _MONTH_WORD.fullmatch(folded):
        month = _MONTH_WORDS[match[1]]
    elif match := _MONTH_ROMAN.fullmatch(normal_text(raw).lower().strip(" .,:;")):
        # Roman numerals only as the whole label, so "I. Công tác" headings never count; read
        # with diacritics kept so that a stray "ì" or "í" is not taken for "I".
        month = _ROMAN.index(match[1]) + 1
    elif _ISO_DATE.fullmatch(folded) or _DMY_DATE.fullmatch(folded):  # a date typed as text
        month = getattr(_search_date(folded), "month", None)
    return Parsed(month) if month and 1 <= month <= 12 else Parsed(None, "month_unparseable")
