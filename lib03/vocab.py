"""The domain words, loaded once from lib03/domain/: indicators, column labels, label variants.

Matching a label is deliberately cautious: an exact known variant, then the keyword rules of the
indicator table, then a close fuzzy match that is reported; anything else is "no match" with the
closest candidates, never a silent guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from rapidfuzz import fuzz, process

from lib03.config import Matching
from lib03.domain import read_table
from lib03.text import clean_text, fold_key, has_words


@dataclass(frozen=True)
class Term:
    """A target (indicator or column) with its keyword rule."""

    id: str
    label: str
    kind: str
    scope: str
    all_of: tuple[str, ...]
    any_of: tuple[str, ...]
    none_of: tuple[str, ...]

    def fits(self, key: str) -> bool:
        padded = f" {key} "  # has_words, with the key padded once for all the rule's words
        return (
            all(f" {w} " in padded for w in self.all_of)
            and (not self.any_of or any(f" {w} " in padded for w in self.any_of))
            and not any(f" {w} " in padded for w in self.none_of)
        )


@dataclass(frozen=True)
class LabelMatch:
    """Result of matching one label: `id` is None when nothing fits; `how` says how it fit."""

    id: str | None
    how: str  # exact, rule, fuzzy, ambiguous, none
    candidates: tuple[str, ...] = ()


def _words(cell: str) -> tuple[str, ...]:
    # Rule words go through the same folding as labels ("03" and "3" must agree).
    return tuple(fold_key(w, numbering=False) for w in cell.split(";") if w.strip())


def _term(row: dict[str, str], id_field: str) -> Term:
    return Term(
        id=row[id_field],
        label=row["label"],
        kind=row["kind"],
        scope=row.get("scope", "all"),
        all_of=_words(row["all_of"]),
        any_of=_words(row["any_of"]),
        none_of=_words(row["none_of"]),
    )


@cache
def indicators() -> tuple[Term, ...]:
    """The indicators of docs/du_lieu.md §3 in their canonical order."""
    return tuple(_term(r, "indicator") for r in read_table("indicators"))


@cache
def indicator_ids() -> tuple[str, ...]:
    return tuple(t.id for t in indicators())


@cache
def indicator_labels() -> dict[str, str]:
    return {t.id: t.label for t in indicators()}


@cache
def indicator_kinds() -> dict[str, str]:
    """Indicator id → "count" or "yesno"."""
    return {t.id: t.kind for t in indicators()}


@cache
def columns(table: str) -> tuple[Term, ...]:
    """Column terms of one table kind: summary, monthly or inspection."""
    return tuple(
        _term(r, "column") for r in read_table("columns") if r["table"] == table
    )


@cache
def _variant_keys() -> dict[str, str]:
    keys = {fold_key(t.label): t.id for t in indicators()}
    for row in read_table("label_variants"):
        keys.setdefault(fold_key(row["variant"]), row["target"])
    return keys


# Where a form writes the answers it offers after a label: a group in brackets anywhere,
# the text after the last colon, a "Có/Không" pair at the end, the words before a final "?".
_BRACKETED = re.compile(r"\(([^()]*)\)|\[([^\[\]]*)\]")
_AFTER_COLON = re.compile(r":([^:]*)$")
_SLASHED_TAIL = re.compile(r"(?:^|\s)(\S+(?:\s*/\s*\S+)+)$")
_QUESTION_MARK = re.compile(r"\s*\?+$")


def _offers_answers(text: str) -> bool:
    """The text is nothing but answer options ("Có/Không", "x", "ghi Có hoặc Không"): every
    word is an answer or a filler word of domain/word_lists.csv. A lone "Không" or "Chưa" is
    not an offer but may be the label's own negation, so a no-answer must come with another
    answer (docs/assumptions_caveats.md §2)."""
    polarity = dict(word_pairs("option_answer"))
    filler = {w for phrase in words("option_filler") for w in phrase.split()}
    found = fold_key(text, numbering=False).split()
    answers = [polarity[w] for w in found if w in polarity]
    return (bool(answers) and all(w in polarity or w in filler for w in found)
            and (len(answers) > 1 or all(a == "co" for a in answers)))


def _question_tail(text: str) -> str:
    """ "Đã kiện toàn Bộ phận 03 chưa?", "… hay không?": the answer words that close a yes/no
    question, dropped with the question mark; "chưa" there asks, it does not negate."""
    polarity = dict(word_pairs("option_answer"))
    joiners = set(words("option_joiner"))
    tokens = text.split()
    keep = len(tokens)
    while keep and (fold_key(tokens[keep - 1], numbering=False) in polarity.keys() | joiners):
        keep -= 1
    asked = [fold_key(t, numbering=False) for t in tokens[keep:]]
    return " ".join(tokens[:keep]) if keep and any(w in polarity for w in asked) else text


@lru_cache(maxsize=65536)  # a pure function of the text; labels recur in every file
def _strip_options(text: str) -> str:
    text = _BRACKETED.sub(lambda m: " " if _offers_answers(m[1] or m[2] or "") else m[0], text)
    text = clean_text(text)
    asked = bool(_QUESTION_MARK.search(text))
    text = _QUESTION_MARK.sub("", text)
    for pattern in (_AFTER_COLON, _SLASHED_TAIL):
        if (found := pattern.search(text)) and _offers_answers(found[1]):
            text = text[:found.start()].rstrip(" :-–")
    if asked:
        text = _question_tail(text)
    return text


def strip_options(label: object) -> str:
    """A label without the answer options a form writes after it, so that "Không" or "Chưa"
    offered as an answer is not read as the label's own negation. Only words of the lists
    option_answer, option_filler and option_joiner (domain/word_lists.csv) are dropped; a
    label made of nothing else is kept as written.

    >>> strip_options("Đã kiện toàn Bộ phận 03 (Có/Không)")
    'Đã kiện toàn Bộ phận 03'
    >>> strip_options("Bộ phận 03: ghi Có hoặc Không"), strip_options("Đã kiện toàn chưa?")
    ('Bộ phận 03', 'Đã kiện toàn')
    >>> strip_options("Số đảng viên chưa đăng ký (không)"), strip_options("Có/Không")
    ('Số đảng viên chưa đăng ký (không)', 'Có/Không')
    """
    text = clean_text(label)
    stripped = _strip_options(text)
    return stripped if fold_key(stripped) else text


def match_indicator(label: object,
                    matching: Matching = Matching()) -> LabelMatch:  # noqa: B008 (frozen)
    """Match a summary-row label to an indicator id; `matching` holds the fuzzy thresholds
    of the run (`Settings.matching`). Answer options written after the label are dropped
    first (`strip_options`), so the negation guard and the keyword rules see the label's own
    words only.

    >>> match_indicator("1. Tổng số ĐV").id
    'tong_dang_vien'
    >>> match_indicator("Số KN đã khắc phục xong").id
    'kien_nghi_khac_phuc'
    >>> match_indicator("Số lượt đoàn viên thanh niên tham gia").how
    'none'
    >>> match_indicator("Đã kiện toàn Bộ phận 03 (Có/Không)").id
    'bo_phan_03'
    """
    key = fold_key(strip_options(label))
    if not key:
        return LabelMatch(None, "none")
    return _match_by_words(key) or _fuzzy(key, matching)


@lru_cache(maxsize=65536)
def _match_by_words(key: str) -> LabelMatch | None:
    # Cached: a pure function of the key and the tables (LabelMatch is frozen); the same labels
    # stand in every summary. The fuzzy step depends on the thresholds, so it is not cached.
    exact = _variant_keys().get(key)
    if exact:
        return LabelMatch(exact, "exact")
    fitting = [t.id for t in indicators() if t.fits(key)]
    if len(fitting) == 1:
        return LabelMatch(fitting[0], "rule")
    if len(fitting) > 1:
        return LabelMatch(None, "ambiguous", tuple(indicator_labels()[i] for i in fitting))
    return None


def _fuzzy(key: str, matching: Matching) -> LabelMatch:
    variants = _variant_keys()
    hits = process.extract(key, list(variants), scorer=fuzz.ratio, limit=10)
    best_per_id: dict[str, float] = {}
    for choice, score, _ in hits:
        best_per_id.setdefault(variants[choice], score)
    ranked = sorted(best_per_id.items(), key=lambda kv: -kv[1])
    labels = indicator_labels()
    candidates = tuple(f"{labels[i]} ({score:.0f}%)" for i, score in ranked[:3])
    # "chưa", "không", "miễn" turn a label into its opposite: never accepted as a near miss.
    negated = any(has_words(key, w) for w in words("negation"))
    if ranked and ranked[0][1] >= matching.label_threshold and not negated:
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        if ranked[0][1] - runner_up >= matching.margin:
            return LabelMatch(ranked[0][0], "fuzzy", candidates[:1])
    return LabelMatch(None, "none", candidates)


@cache
def _word_rows() -> tuple[dict[str, str], ...]:
    return tuple(read_table("word_lists"))


@cache
def words(name: str) -> tuple[str, ...]:
    """A list of domain/word_lists.csv, folded like the text it is compared with.

    >>> words("signature")[:3]
    ('t m', 'tm', 'bi thu')
    """
    found = tuple(dict.fromkeys(
        fold_key(r["word"], numbering=False) for r in _word_rows() if r["list"] == name))
    if not found:
        raise KeyError(f"word list {name!r} is empty or missing")
    return found


@cache
def word_pairs(name: str) -> tuple[tuple[str, str], ...]:
    """(word, replacement) pairs of a list of domain/word_lists.csv, folded."""
    return tuple((fold_key(r["word"], numbering=False), fold_key(r["replacement"], numbering=False))
                 for r in _word_rows() if r["list"] == name)


def starts_with_word(key: str, name: str) -> bool:
    """True when the folded key is, or begins with, a word of the list `name`."""
    return any(key == w or key.startswith(w + " ") for w in words(name))


def match_column(table: str, header: object) -> str | None:
    """Column id for a header text in a table kind, or None.

    >>> match_column("inspection", "Số KN")
    'findings'
    >>> match_column("summary", "Tỷ lệ %")
    'percent'
    >>> match_column("inspection", "Kiểm tra (Có/Không)")
    'inspected'
    """
    return _column_of(table, fold_key(strip_options(header), numbering=False))


@lru_cache(maxsize=65536)
def _column_of(table: str, key: str) -> str | None:
    # Headers repeat across thousands of files: each folded text is judged once. Bounded,
    # as title lines (unit names, dates) are asked too and are different in every file.
    if not key:
        return None
    for term in columns(table):
        if term.fits(key):
            return term.id
    return None


@cache
def must_report() -> frozenset[str]:
    """The unit types that owe the half-year report (grassroots units): the `must_report`
    column of domain/unit_types.csv.

    >>> sorted(must_report())
    ['chi_bo_co_so', 'dang_bo_co_so']
    """
    return frozenset(r["unit_type"] for r in read_table("unit_types") if r["must_report"] == "1")
