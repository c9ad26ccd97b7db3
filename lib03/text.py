"""One normaliser for every piece of Vietnamese text lib03 reads.

`clean_text` gives the text kept for display; `fold_key` gives the key used for matching.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cache, lru_cache, wraps
from typing import TypeVar

from lib03 import legacy
from lib03.domain import read_table

_SPACE = re.compile(r"\s+")
# Numbering before a label: "1.", "2-", "a)", "I.", "1.2.", "(3)", "-", "+", "*".
_NUMBERING = re.compile(
    r"^\s*(?:\(?(?:\d{1,2}(?:\.\d{1,2})*|[a-zđ]|[ivxl]{1,5})\s*[\.\)\-:]|\(\d{1,2}\)|[-+*•–])\s*",
    re.IGNORECASE,
)
_NON_WORD = re.compile(r"[^0-9a-z%]+")
_LEADING_ZEROS = re.compile(r"(?<![0-9])0+(?=[0-9])")


_T = TypeVar("_T")


def cached_for_text(compute: Callable[[object], _T]) -> Callable[[object], _T]:
    """`compute` of one cell value, remembered when the value is text (labels and titles
    recur in every file of a period); numbers and dates are computed each time, not kept.
    `compute` must be a pure function of the value and return something immutable."""
    remembered = lru_cache(maxsize=65536)(compute)

    @wraps(compute)
    def of_value(value: object) -> _T:
        return remembered(value) if isinstance(value, str) else compute(value)

    return of_value


def clean_text(value: object) -> str:
    """Display text: legacy encodings converted, NFC, whitespace and line breaks folded.

    >>> clean_text("  Chi bộ\\n  ấp 3 ")
    'Chi bộ ấp 3'
    >>> clean_text("§¶ng viªn")
    'Đảng viên'
    """
    if isinstance(value, str):
        return _clean_str(value)
    return "" if value is None else _clean_str(str(value))


@lru_cache(maxsize=65536)
def _clean_str(value: str) -> str:
    # Cached: the same labels recur in every file of a period.
    text = unicodedata.normalize("NFC", value)
    text = legacy.to_unicode(text)
    return _SPACE.sub(" ", text).strip()


def cell_text(value: object) -> str:
    """Display text of a cell that holds text; numbers and dates are not text.

    >>> cell_text(" Tháng  1 "), cell_text(12)
    ('Tháng 1', '')
    """
    return _clean_str(value) if isinstance(value, str) else ""


@lru_cache(maxsize=65536)  # a pure function of the text; title lines recur in every file
def fold_plain(text: str) -> str:
    """Lower case without diacritics, punctuation and digits kept (for dates and places).

    >>> fold_plain("Mỹ Lộc, 16-06-2014")
    'my loc, 16-06-2014'
    """
    return strip_diacritics(text).lower().strip()


def strip_diacritics(text: str) -> str:
    """Remove Vietnamese tone and vowel marks; đ becomes d.

    >>> strip_diacritics("Đảng bộ xã Tân Phú")
    'Dang bo xa Tan Phu'
    """
    if text.isascii():  # nothing to strip; most keys are plain by now
        return text
    return text.replace("đ", "d").replace("Đ", "D").translate(_BASE_LETTERS)


def file_words(text: str, sep: str, keep: str = "") -> str:
    """The letters and digits of `text` (marks dropped, and any character of `keep`) joined by
    `sep`: a piece of a file name every system accepts and that never names a folder.

    >>> file_words("Đảng bộ xã Tân Phú", "_"), file_words("../DB/01", " ", keep="-")
    ('Dang_bo_xa_Tan_Phu', 'DB 01')
    """
    return sep.join(re.sub(rf"[^A-Za-z0-9{re.escape(keep)}]+", " ",
                           strip_diacritics(text)).split())


class _BaseLetters(dict):
    """Code point → the character with its marks dropped (NFD, then no combining marks),
    filled in as characters are met: str.translate then strips a text at C speed.

    Stripping character by character equals stripping the decomposed text: NFD decomposes
    each character alone and only reorders marks, never a character of combining class 0.
    """

    def __missing__(self, code: int) -> str:
        decomposed = unicodedata.normalize("NFD", chr(code))
        self[code] = base = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        return base


_BASE_LETTERS = _BaseLetters()


def strip_numbering(text: str) -> str:
    """Drop a leading list number such as ``1.``, ``2-``, ``a)`` or ``IV.``.

    >>> strip_numbering("2- Số buổi quán triệt")
    'Số buổi quán triệt'
    >>> strip_numbering("IV. Kiểm tra")
    'Kiểm tra'
    """
    previous = None
    while previous != text:
        previous = text
        stripped = _NUMBERING.sub("", text, count=1)
        # A bare word such as "Ấp" or "Xã" is not numbering; only strip when text remains.
        if stripped and stripped != text:
            text = stripped
    return text.strip()


@cache
def _any_abbreviation() -> re.Pattern[str]:
    # One search tells most keys hold no abbreviation at all, before each is tried in turn.
    words = "|".join(re.escape(abbreviation) for abbreviation, _, _ in _abbreviations())
    return re.compile(rf"(?<![0-9a-z])(?:{words})(?![0-9a-z])")


@cache
def _abbreviations() -> tuple[tuple[str, re.Pattern[str], str], ...]:
    rows = read_table("abbreviations")
    # Longer abbreviations first so "sl dv" wins over "sl".
    rows.sort(key=lambda r: -len(r["abbreviation"]))
    return tuple(
        (r["abbreviation"],
         re.compile(rf"(?<![0-9a-z]){re.escape(r['abbreviation'])}(?![0-9a-z])"), r["expansion"])
        for r in rows
    )


def expand_abbreviations(key: str) -> str:
    """Expand the abbreviations of domain/abbreviations.csv inside a folded key.

    >>> expand_abbreviations("ts dv")
    'tong so dang vien'
    """
    if not _any_abbreviation().search(key):
        return key
    for abbreviation, pattern, expansion in _abbreviations():
        if abbreviation in key:  # the pattern cannot match otherwise; a substring test is cheap
            key = pattern.sub(expansion, key)
    return key


def fold_key(value: object, *, numbering: bool = True) -> str:
    """Matching key: clean text, numbering stripped, lower case, no diacritics, abbreviations
    expanded, punctuation folded to single spaces, leading zeros of numbers dropped.

    >>> fold_key("1. Tổng số ĐV")
    'tong so dang vien'
    >>> fold_key("Chi bộ Ấp 03")
    'chi bo ap 3'
    >>> fold_key("CB ấp 3") == fold_key("Chi bo Ap 3")
    True
    """
    if isinstance(value, str):
        return _fold_str(value, numbering)
    return _fold_str("" if value is None else str(value), numbering)


@lru_cache(maxsize=65536)
def _fold_str(value: str, numbering: bool) -> str:
    # Cached: the same labels and headers recur in every file of a period.
    text = clean_text(value)
    if numbering:
        text = strip_numbering(text)
    text = strip_diacritics(text).lower().replace("đ", "d")
    text = text.replace("đ/c", "dong chi").replace("d/c", "dong chi")
    text = _NON_WORD.sub(" ", text).strip()
    text = _LEADING_ZEROS.sub("", text)
    return _SPACE.sub(" ", expand_abbreviations(text)).strip()


def has_words(key: str, words: str) -> bool:
    """True when the folded phrase `words` stands in `key` on word boundaries.

    >>> has_words("so dang vien da dang ky", "dang ky")
    True
    >>> has_words("so dang vien", "dang ky")
    False
    """
    return f" {words} " in f" {key} "


def normal_text(raw: object) -> str:
    """A cell's text with compatibility forms folded, legacy fonts decoded, ends trimmed."""
    # NFKC turns full-width digits and signs into ASCII; clean_text folds NBSP and legacy fonts.
    return unicodedata.normalize("NFKC", clean_text(raw)).strip()


def fold_cell(raw: object) -> str:
    """A cell's text in lower case without diacritics, punctuation kept (dates and months
    need "/" and "-").

    >>> fold_cell(" Ngày 16/6/2014. ")
    'ngay 16/6/2014'
    """
    return fold_plain(normal_text(raw)).strip(" .,:;")


def is_blank(raw: object) -> bool:
    """True for None, "" and strings of whitespace only.

    >>> is_blank("  "), is_blank(0)
    (True, False)
    """
    # str.strip() already treats NBSP, ideographic and other Unicode spaces as blank.
    return raw is None or (isinstance(raw, str) and not raw.strip())
