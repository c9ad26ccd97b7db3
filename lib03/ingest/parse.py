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
from functools import cache, lru_cache

from lib03 import vocab
from lib03.text import (
    cached_for_text,
    fold_cell,
    fold_key,
    has_words,
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
# Digits in runs split by spaces ("1 165", "12 34"), then no more digits or decimal marks.
_SPACED_NUMBER = re.compile(r"([-−–+]?)\s*([0-9]{1,15}(?: [0-9]{1,15})+)(?![.,]?[0-9])(.*)",
                            re.DOTALL)
# The one-character spaces that group thousands: the plain space, NBSP, and the figure, thin and
# narrow no-break spaces French-style software writes. Text cleaning folds them all to " ", so
# the gaps are checked on the cell as typed: a tab, a line break or two spaces between digits
# is two numbers side by side, never a grouping.
_GROUP_SPACES = frozenset(" \u00a0\u2007\u2009\u202f")
_DIGIT_GAP = re.compile(r"(?<=\d)\s+(?=\d)")

# Tick symbols fold to nothing, so they are checked before folding; "√" is the usual Excel tick.
_TICKS = {"✓", "✔", "☑", "√", "×"}

_EXCEL_EPOCH = date(1899, 12, 30)
_MONTH_WORDS = {
    "gieng": 1, "mot": 1, "hai": 2, "ba": 3, "tu": 4, "bon": 4, "nam": 5, "sau": 6,
    "bay": 7, "tam": 8, "chin": 9, "muoi": 10, "muoi mot": 11, "muoi hai": 12, "chap": 12,
}  # fmt: skip
_MONTH_WORD_ALTERNATIVES = "|".join(sorted(_MONTH_WORDS, key=len, reverse=True))

# Whole dates, searched in folded text. Each names its groups day, month (a number) or
# month_word, and year (four digits) or year2 (two).
_ISO_DATE = re.compile(r"(?<!\d)(?P<year>\d{4})([-/.])(?P<month>\d{1,2})\2(?P<day>\d{1,2})(?!\d)")
# "16 tháng 6 năm 2014", "ngày 16, tháng 6, năm 2014", "16 tháng 6 2014"; a two-digit year
# only after the word "năm" ("16 tháng 6 năm 14").
_WORD_DATE = re.compile(
    r"(?<!\d)(?P<day>\d{1,2})[\s,]*thang\s*(?P<month>\d{1,2})"
    r"[\s,]*(?:(?:nam)?\s*(?P<year>\d{4})|nam\s*(?P<year2>\d{2}))(?!\d)"
)
# "16 tháng Sáu năm 2014": the word "năm" must follow, as "tháng năm 2014" may be a month
# left blank before the year rather than May.
_WORD_MONTH_DATE = re.compile(
    rf"(?<!\d)(?P<day>\d{{1,2}})[\s,]*thang\s+(?P<month_word>{_MONTH_WORD_ALTERNATIVES})"
    r"[\s,]+nam\s*(?P<year>\d{4})(?!\d)"
)
_DMY_DATE = re.compile(
    r"(?<!\d)(?P<day>\d{1,2})\s*([-/.])\s*(?P<month>\d{1,2})\s*\2\s*(?:(?P<year>\d{4})|(?P<year2>\d{2}))"
    r"(?!\d)"
)
_DM_WORD_YEAR = re.compile(  # "ngày 16/6 năm 2014"
    r"(?<!\d)(?P<day>\d{1,2})\s*[-/.]\s*(?P<month>\d{1,2})[\s,]*nam\s*(?P<year>\d{4})(?!\d)"
)
# ISO first so "2014-06-20" is never read day-first; then "ngày … tháng … năm", then d/m/y.
_DATE_PATTERNS = (_ISO_DATE, _WORD_DATE, _WORD_MONTH_DATE, _DMY_DATE, _DM_WORD_YEAR)
_DAY_MONTH = re.compile(r"(?:ngay\s*)?(\d{1,2})\s*(?:[-/.]|thang)\s*(\d{1,2})")
# Shaped like a day and month, perhaps with a year, valid or not ("20/6-2014", "31/2/2014"):
# typed in a date column it is a value to read or report, not a note.
_DATE_SHAPED = re.compile(
    r"\d{1,2}[\s,]*(?:[-/.]|thang)\s*\d{1,2}(?:[\s,]*(?:[-/.]|nam)\s*\d{2,4})?"
)

# A month without its day where a date is asked (docs/assumptions_caveats.md §3): "tháng
# 6/2014", "tháng 6 năm 2014", "06/2014", "2014-06", "T6/2014", "tháng Sáu năm 2014". Matched
# against the whole cell. A day slot left blank ("ngày … tháng 6 năm 2014") is not one of
# these: the writer meant a day and did not fill it in.
_MONTH_ONLY = (
    re.compile(r"(?:thang|th|t)\s*\.?\s*(?P<month>\d{1,2})"
               r"(?:[\s,]*(?:[-/.]|nam)?\s*(?P<year>\d{4}))?"),
    re.compile(rf"thang\s+(?P<month_word>{_MONTH_WORD_ALTERNATIVES})"
               r"(?:[\s,]+nam\s*(?P<year>\d{4})|\s*[-/.]\s*(?P<year2>\d{4}))?"),
    re.compile(r"(?P<month>\d{1,2})\s*[-/.]\s*(?P<year>\d{4})"),
    re.compile(r"(?P<year>\d{4})\s*[-/.]\s*(?P<month>\d{1,2})"),
)
# The same inside a sentence ("Tân Phú, tháng 6 năm 2014"): the word "tháng" and a year are
# both required there, as "6 tháng đầu năm 2014" and "sinh hoạt tháng 6" are not dates.
_MONTH_YEAR_IN_TEXT = re.compile(
    rf"(?<![a-z])thang\s*(?:(?P<month>\d{{1,2}})|(?P<month_word>{_MONTH_WORD_ALTERNATIVES}))"
    r"[\s,]*(?:[-/.]|nam)\s*(?P<year>\d{4})(?!\d)"
)
# A place-and-date line of a title block: "Tân Phú, ngày 18 tháng 6 năm 2014", "Mỹ Lộc,
# 16-06-2014", "Tân Phú, 16 tháng 6 năm 2014", "Tân Phú, tháng 6 năm 2014", "Ngày 18/6/2014".
# "6 tháng đầu năm 2014" is not one: "tháng" must be followed by a month number.
_PLACE_DATE = re.compile(
    r"^(?:[^,]{2,60},\s*)?(?:ngay\b|\d{1,2}\s*[-/.]\s*\d|\d{1,2}[\s,]*thang\s*\d"
    rf"|thang\s*(?:\d|(?:{_MONTH_WORD_ALTERNATIVES})\b))"
)
# The same line with no comma after the place ("Tân Lập ngày 18 tháng 6 năm 2014", "Tân Phú -
# ngày 18/6/2014"): then "ngày" must be written, and the word before it must not make the
# line a sentence about some other date ("số liệu tính đến ngày 15/6").
_PLACE_NGAY = re.compile(r"^[^,\d:;]{2,40}?\s(?:-\s*)?ngay\b")
_NOT_A_PLACE = re.compile(
    r"\b(?:den|tu|tinh|truoc|sau|vao|toi|cho|trong|luc|hop|so)\s(?:-\s*)?ngay\b")
_ROMAN = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"]
_YEAR_TAIL = r"(?:\s*(?:[-/.]|nam)\s*\d{4}|\s*[-/.]\s*\d{2})?"
_MONTH_NUMBER = re.compile(rf"(?:(?:thang|th|t)\s*\.?\s*)?(\d{{1,2}}){_YEAR_TAIL}")
# Month words need "tháng" before them: a bare "ba" or "năm" is not a month.
_MONTH_WORD = re.compile(
    rf"thang\s+({_MONTH_WORD_ALTERNATIVES})(?:{_YEAR_TAIL}|\s+\d{{4}})"
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
    if spaced := _SPACED_NUMBER.fullmatch(text):
        return _spaced_number(raw, spaced, count)
    match = _LEADING_NUMBER.fullmatch(text)
    rest = match[3].strip() if match else ""
    # One number, then words: "10 (đạt 100%)" or "5/7" hold a second number and are ambiguous.
    if not match or re.search(r"[0-9]", rest) or (not count and rest not in ("", "%")):
        return Parsed(None, "value_unparseable")
    if count and rest.startswith("%"):
        return Parsed(None, "value_percent")
    if len(rest) == 1 and rest.isalpha():
        # "25O", "2l": a digit typed as a letter, not a unit word (no unit is one letter).
        return Parsed(None, "value_unparseable")
    number = _read_number(match[2], grouping=count)
    if number is None:
        return Parsed(None, "value_unparseable")
    return _checked(number if match[1] in ("", "+") else -number, integer=count)


def _spaced_number(raw: str, match: re.Match[str], count: bool) -> Parsed:
    """Digits split by spaces: thousands grouped with a space ("1 165", "1 143 đồng chí") when
    the groups are exactly three digits after a head of one to three, one space each, and the
    cell wants a count (docs/assumptions_caveats.md §3). Anything else ("1 2", "12 34",
    "1 1650", a percent "85 5") could be two numbers or a typo, and is not guessed."""
    rest = match[3].strip()
    if re.search(r"[0-9]", rest):  # "1 165 (nữ 12)": a second number, as for "10 (đạt 100%)"
        return Parsed(None, "value_unparseable")
    gaps = _DIGIT_GAP.findall(raw)
    grouped = (count and _is_grouped(match[2], " ")
               and all(len(gap) == 1 and gap in _GROUP_SPACES for gap in gaps))
    if not grouped:
        return Parsed(None, "value_spacing_ambiguous")
    if rest.startswith("%"):
        return Parsed(None, "value_percent")
    number = int(match[2].replace(" ", ""))
    return _checked(number if match[1] in ("", "+") else -number, integer=True)


def parse_count(raw: object) -> Parsed:
    """A whole-number count. Dots group thousands and a comma is the decimal mark; a comma
    followed by exactly three digits ("1,234") is read as grouping because counts are whole
    numbers. A space (or a no-break, thin or narrow space) groups thousands too, but only in
    exact groups of three ("1 165"; "12 34" is refused). Unit words after the number ("25 đ/c",
    "1 087 lượt") are dropped; dashes and "không" are zero.

    >>> [parse_count(v).value for v in ("1.234", "1,234", "25 đ/c", "-", 12.0, None, "1 165 đ/c")]
    [1234, 1234, 25, 0, 12, None, 1165]
    >>> parse_count("12,5"), parse_count("85%")
    (Parsed(value=12.5, problem='value_not_integer'), Parsed(value=None, problem='value_percent'))
    >>> parse_count("1 1650")
    Parsed(value=None, problem='value_spacing_ambiguous')
    """
    return _parse_number(raw, count=True)


def parse_percent(raw: object) -> Parsed:
    """A percentage as a number of percent. Text is read as written ("85,5%" → 85.5, a dot or
    comma is always a decimal mark here). A float cell in (0, 1] is taken as a cell formatted
    as percent, which Excel stores as a fraction, and is multiplied by 100; an int is not.
    Spaces never group digits in a percentage: "85 5" may be 85,5 or 855 and is refused.

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
    >>> [parse_yesno(v).value for v in ("Có rồi", "Kiện toàn rồi", "Có lẽ", "Có/Không")]
    [True, True, None, None]
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
    # The options of the form left as typed ("Có/Không", "Đã hoặc Chưa"): no answer at all.
    if _offers_both(text, key):
        return Parsed(None, "mark_unparseable")
    # Ticks are looked up before legacy-font repair too, which would turn "×" into "ì".
    if ({raw.strip(), text} & _TICKS or key in vocab.words("mark_yes")
            or re.fullmatch(r"1(?:[.,]0+)?", text)):
        return Parsed(True)
    # A dash in a tick column means nothing was done, as in count columns.
    if (_DASHES.fullmatch(text) or key in vocab.words("mark_no")
            or re.fullmatch(r"0(?:[.,]0+)?", text)):
        return Parsed(False)
    words = key.split()
    if not words or re.search(r"\d", key):
        return Parsed(None, "mark_unparseable")
    # An answer in words: "Đã kiện toàn", "Đã KT", "Chưa kiện toàn", "Không thực hiện".
    # "chưa" and "không" are checked first: "chưa có" is a no although it holds "có".
    if words[0] in vocab.words("mark_no_lead"):
        return Parsed(False)
    if words[0] in vocab.words("mark_yes_lead"):
        return Parsed(True)
    # "Có rồi", "Có, đã kiện toàn", "Kiện toàn rồi": a yes word with words of work done, and
    # nothing else ("Có lẽ", "Có 2 lần" stay unread).
    if _done_answer().fullmatch(key) and any(w in vocab.words("mark_yes") for w in words):
        return Parsed(True)
    return Parsed(None, "mark_unparseable")


@cache
def _done_answer() -> re.Pattern[str]:
    # The mark_yes words and the mark_yes_done phrases of domain/word_lists.csv, in any order.
    phrases = sorted(vocab.words("mark_yes") + vocab.words("mark_yes_done"), key=len, reverse=True)
    either = "|".join(re.escape(p) for p in phrases)
    return re.compile(rf"(?:{either})(?: (?:{either}))*")


def _offers_both(text: str, key: str) -> bool:
    """A yes and a no side by side as alternatives: "Có/Không", "Đã hoặc chưa"."""
    if "/" not in text and not any(has_words(key, w) for w in vocab.words("option_joiner")):
        return False
    polarity = dict(vocab.word_pairs("option_answer"))
    said = {polarity[w] for w in key.split() if w in polarity}
    return len(said) > 1


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


def _month_of(match: re.Match[str]) -> int:
    groups = match.groupdict()
    return int(groups["month"]) if groups.get("month") else _MONTH_WORDS[groups["month_word"]]


def _year_of(match: re.Match[str]) -> str | None:
    groups = match.groupdict()
    return groups.get("year") or groups.get("year2")


def _search_date(folded: str) -> date | None:
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(folded):
            found = _make_date(_year_of(match), _month_of(match), match["day"])
            if found:
                return found
    return None


def _is_month_only(folded: str) -> bool:
    """The whole cell names a month (and perhaps its year) but no day."""
    for pattern in _MONTH_ONLY:
        if (match := pattern.fullmatch(folded)) and 1 <= _month_of(match) <= 12:
            return True
    return False


def _month_in_text(folded: str) -> bool:
    """A sentence names a month and year with no day: "Tân Phú, tháng 6 năm 2014". Not "ngày
    16 tháng 6" (a day with its month) nor "ngày … tháng 6 năm 2014" (a day slot left blank)."""
    for match in _MONTH_YEAR_IN_TEXT.finditer(folded):
        before = folded[:match.start()].rstrip(" ,._?-")
        if 1 <= _month_of(match) <= 12 and not re.search(r"(?:\d|\bngay)$", before):
            return True
    return False


def is_date_text(text: object) -> bool:
    """The whole cell is a date, a day and month, or a month and year — a value someone typed
    in a date column, not a sentence that mentions one ("Chỉ thị … ngày 14/5/2011").

    >>> [is_date_text(t) for t in ("20/6/2014", "ngày 20 tháng 6, năm 2014", "06/2014",
    ...                            "tháng 6/2014", "Tân Phú, ngày 25 tháng 6 năm 2014", "Tháng")]
    [True, True, True, True, False, False]
    """
    if is_blank(text) or not isinstance(text, str):
        return False
    folded = re.sub(r"^ngay\s*", "", fold_cell(text))
    return (_DATE_SHAPED.fullmatch(folded) is not None
            or any(p.fullmatch(folded) for p in _DATE_PATTERNS) or _is_month_only(folded))


def looks_like_place_date(text: object) -> bool:
    """A title line that gives the report's place and date, the way a Vietnamese document
    does above its title; such a line is where the report date is looked for.

    >>> [looks_like_place_date(t) for t in ("Tân Phú, 16 tháng 6 năm 2014", "Mỹ Lộc, 16-06-2014",
    ...     "Tân Phú, tháng 6 năm 2014", "Báo cáo 6 tháng đầu năm 2014", "6 tháng đầu năm 2014")]
    [True, True, True, False, False]
    >>> [looks_like_place_date(t) for t in ("Tân Lập ngày 18 tháng 6 năm 2014",
    ...     "Tân Phú - ngày 18/6/2014", "Số liệu tính đến ngày 15/6/2014")]
    [True, True, False]
    """
    if is_blank(text):
        return False
    folded = fold_cell(text)
    if _PLACE_DATE.match(folded) is not None:
        return True
    return _PLACE_NGAY.match(folded) is not None and _NOT_A_PLACE.search(folded) is None


@cached_for_text
def find_date_in_text(text: object) -> date | None:
    """The first valid date written in a longer sentence (title blocks), day first.

    >>> find_date_in_text("Tân Phú, ngày 18 tháng 6 năm 2014")
    datetime.date(2014, 6, 18)
    """
    return None if is_blank(text) else _search_date(fold_cell(text))


@cached_for_text
def read_date_in_text(text: object) -> Parsed:
    """What a sentence says of a date: the first valid date; else, when it names a month and
    year with no day ("Tân Phú, tháng 6 năm 2014"), no date and `date_imprecise`; else nothing.

    >>> read_date_in_text("Tân Phú, 16 tháng 6 năm 2014").value
    datetime.date(2014, 6, 16)
    >>> read_date_in_text("Tân Phú, tháng 6 năm 2014")
    Parsed(value=None, problem='date_imprecise')
    >>> read_date_in_text("Kính gửi: Ban Tuyên giáo")
    Parsed(value=None, problem=None)
    """
    if is_blank(text):
        return Parsed(None)
    folded = fold_cell(text)
    if found := _search_date(folded):
        return Parsed(found)
    return Parsed(None, "date_imprecise") if _month_in_text(folded) else Parsed(None)


def parse_date(raw: object, *, year_hint: int | None = None) -> Parsed:
    """A date: Excel dates and serial numbers, or text written day first ("20/6/2014",
    "ngày 20 tháng 6 năm 2014", "16 tháng 6, năm 2014"); "20/6" takes its year from
    `year_hint`. A month with no day ("tháng 6/2014", "06/2014") is no date: it gives None and
    `date_imprecise`, never the first or last of the month (docs/assumptions_caveats.md §3).

    >>> parse_date("20/6/14").value, parse_date("20/6", year_hint=2014).value
    (datetime.date(2014, 6, 20), datetime.date(2014, 6, 20))
    >>> parse_date("31/2/2014"), parse_date("tháng 6/2014")
    (Parsed(value=None, problem='date_unparseable'), Parsed(value=None, problem='date_imprecise'))
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
    if found:
        return Parsed(found)
    return Parsed(None, "date_imprecise" if _is_month_only(folded) else "date_unparseable")


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
