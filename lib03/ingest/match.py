"""Match reports and hand-typed cell names to the registry.

By code first, then by normalised name, then fuzzy (rapidfuzz) among the right candidates
only. A fuzzy match needs a high score, a clear lead over the runner-up, the same number of
words, each word a typo away from its counterpart, and the same numbers: "ấp 13" is never
"ấp 3" and "Trường THPT" is never "Trường THCS". Anything weaker is reported with its
candidates, not guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from lib03 import vocab
from lib03.config import Matching
from lib03.text import fold_key, has_words

if TYPE_CHECKING:
    from collections.abc import Mapping

# The word lists live in domain/word_lists.csv: unit_synonym (titles name the committee,
# "Đảng ủy", where the registry names the organisation), level_word ("xã", "phường": may be
# left out), generic_word (the kind of unit, not which one), file_word (file-name filler).


def _longest_first(name: str) -> tuple[str, ...]:
    return tuple(sorted(vocab.words(name), key=len, reverse=True))


def _generic_words() -> tuple[str, ...]:
    return _longest_first("generic_word") + _longest_first("level_word")


@dataclass(frozen=True)
class UnitMatch:
    """The registry code found for a name (None if none) and how: code, exact, fuzzy,
    filename, none, ambiguous; `detail` is the Vietnamese explanation for the log."""

    code: str | None
    how: str
    detail: str = ""


@lru_cache(maxsize=65536)
def unit_key(name: object, *, numbering: bool = False) -> str:
    """Key for comparing unit names.

    >>> unit_key("ĐẢNG ỦY XÃ TÂN PHÚ") == unit_key("Đảng bộ xã Tân Phú")
    True
    >>> unit_key("Chi bộ Ấp 03"), unit_key("ĐU TT Mẫu Sơn")
    ('chi bo ap 3', 'dang bo thi tran mau son')
    """
    key = f" {fold_key(name, numbering=numbering)} "
    for old, new in vocab.word_pairs("unit_synonym"):
        key = key.replace(f" {old} ", f" {new} ")
    return " ".join(key.split())


@lru_cache(maxsize=65536)
def cell_key(name: object) -> str:
    """Key for a subordinate cell's name as units type it: the "Chi bộ" prefix however it is
    written says nothing, "và" may be a dash, a place's number may be Roman.

    >>> cell_key("CB ấp 3"), cell_key("Chi bo Ap 3"), cell_key("Chi bộ Ấp 03")
    ('ap 3', 'ap 3', 'ap 3')
    >>> cell_key("1. CHI BỘ ẤP 2"), cell_key("C/b ấp 2"), cell_key("Chi bộ ấp III")
    ('ap 2', 'ap 2', 'ap 3')
    >>> cell_key("Phòng Tài nguyên - Môi trường") == cell_key("Phòng Tài nguyên và Môi trường")
    True
    """
    # Rows of the inspection sheet are often numbered inside the name cell ("1. Chi bộ …").
    key = unit_key(name, numbering=True)
    for prefix in _longest_first("cell_prefix"):
        if key.startswith(prefix + " "):
            key = key[len(prefix) + 1:]
            break
    return _roman_places(_drop(key, vocab.words("cell_joiner")))


_ROMAN_NUMBERS = ("i ii iii iv v vi vii viii ix x "  # noqa: SIM905 — easier to read so
                  "xi xii xiii xiv xv xvi xvii xviii xix xx").split()
_ROMAN = {roman: str(n) for n, roman in enumerate(_ROMAN_NUMBERS, 1)}


def _roman_places(key: str) -> str:
    """A Roman number after a place word ("ấp III", "khu phố IV") as the number it is; the
    word "số" between them ("ấp số 2") says nothing.

    >>> _roman_places("ap so 2"), _roman_places("khu pho so iv"), _roman_places("nha so 1")
    ('ap 2', 'khu pho 4', 'nha so 1')
    """
    words = key.split()
    places = set(vocab.words("numbered_place"))

    def after_place(i: int) -> bool:
        return words[i - 1] in places or " ".join(words[max(0, i - 2):i]) in places

    words = [w for i, w in enumerate(words)
             if not (w == "so" and 0 < i < len(words) - 1 and after_place(i)
                     and (words[i + 1].isdigit() or words[i + 1] in _ROMAN))]
    for i in range(1, len(words)):
        if words[i] in _ROMAN and after_place(i):
            words[i] = _ROMAN[words[i]]
    return " ".join(words)


def short_cell_key(key: str) -> str:
    """A cell key without a leading word units often leave out ("Trường", "Phòng").

    >>> short_cell_key(cell_key("Chi bộ Trường THCS Long Hòa"))
    'thcs long hoa'
    """
    for word in _longest_first("cell_optional_word"):
        if key.startswith(word + " "):
            return key[len(word) + 1:]
    return key


def _drop(key: str, words: tuple[str, ...]) -> str:
    padded = f" {key} "
    for word in words:
        padded = padded.replace(f" {word} ", " ")
    return " ".join(padded.split())


def distinctive_key(name: object) -> str:
    """What tells a unit from its neighbours: its name without the kind of unit or place.

    >>> distinctive_key("Đảng bộ xã Tân Phước"), distinctive_key("Chi bộ Trường THCS Tân Phú")
    ('tan phuoc', 'truong thcs tan phu')
    """
    return _drop(unit_key(name), _generic_words())


def _numbers(key: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\d+", key))


def _slip(x: str, y: str) -> bool:
    """One keyboard slip between two words: a letter typed twice or two letters swapped.

    Vietnamese syllables that differ by one letter are usually different names ("Phúc" and
    "Phước" fold to "phuc" and "phuoc"), so nothing looser counts as a typo.

    >>> _slip("loii", "loi"), _slip("lio", "loi"), _slip("phuoc", "phuc"), _slip("13", "3")
    (True, True, False, False)
    """
    if x.isdigit() or y.isdigit():
        return False
    short, long_ = sorted((x, y), key=len)
    if len(long_) == len(short) + 1:
        return any(long_[i] == long_[i - 1] and long_[:i] + long_[i + 1:] == short
                   for i in range(1, len(long_)))
    if len(x) == len(y):
        diff = [i for i in range(len(x)) if x[i] != y[i]]
        return len(diff) == 2 and diff[1] == diff[0] + 1 and x[diff[0]] == y[diff[1]] \
            and x[diff[1]] == y[diff[0]]
    return False


def _typo_close(a: str, b: str) -> bool:
    """Same words in the same order, each equal or one slip away ("lợii" for "lợi"), never a
    different word ("thpt" for "thcs", "phuoc" for "phu", or an extra "tây")."""
    wa, wb = a.split(), b.split()
    return len(wa) == len(wb) and all(
        x == y or _slip(x, y) for x, y in zip(wa, wb, strict=True)
    )


@dataclass(frozen=True)
class _Index:
    """The candidates' keys, prepared once: exact and level-free lookups, and the fuzzy
    candidates grouped by the numbers in their names (only those can ever match)."""

    codes: list[str]
    keys: list[str]
    exact: dict[str, list[str]]
    level: dict[str, list[str]]
    by_numbers: dict[tuple[str, ...], list[tuple[str, str]]]


def _drop_level(key: str) -> str:
    return _drop(key, vocab.words("level_word"))


def index_names(candidates: dict[str, str], key=unit_key) -> _Index:
    """The lookups `match_name` needs over `candidates` (code → name), built once.

    The registry's is built with the registry and kept in the cache with it: folding a
    province's 28,000 names costs most of a second.
    """
    codes = sorted(candidates)
    keys = [key(candidates[c]) for c in codes]
    exact: dict[str, list[str]] = {}
    level: dict[str, list[str]] = {}
    by_numbers: dict[tuple[str, ...], list[tuple[str, str]]] = {}
    for code, k in zip(codes, keys, strict=True):
        exact.setdefault(k, []).append(code)
        level.setdefault(_drop_level(k), []).append(code)
        by_numbers.setdefault(_numbers(k), []).append((code, k))
    return _Index(codes, keys, exact, level, by_numbers)


@dataclass(frozen=True)
class RegistryIndex:
    """The registry prepared once per run for the per-file lookups."""

    names: dict[str, str]  # unit code -> registry name
    records: dict[str, dict]  # unit code -> its row
    children: dict[str, list[dict]]  # Đảng bộ code -> the rows of its chi bộ trực thuộc
    name_index: object  # index_names(names): how a report's title finds its unit


def index_rows(rows: list[dict]) -> RegistryIndex:
    """Build the lookups every file needs from the registry's rows, once (and keep them in the
    cache).

    The index holds plain Python data only: neither building it nor taking it from the cache
    imports pandas (a third of a second, more than a rerun's own work on 2,000 files).
    """
    names = {row["unit_code"]: row["unit_name"] for row in rows}
    records = {row["unit_code"]: row for row in rows}
    # Plain rows, not frames: a province has thousands of Đảng bộ, and a small DataFrame for
    # each cost megabytes and most of a second.
    children: dict[str, list[dict]] = {}
    for row in records.values():
        if row["unit_type"] == "chi_bo_truc_thuoc" and row["parent_code"] is not None:
            children.setdefault(row["parent_code"], []).append(row)
    return RegistryIndex(names=names, records=records, children=children,
                         name_index=index_names(names))


def match_name(name: object, candidates: dict[str, str], key=unit_key, *,
               explain: bool = True, index: _Index | None = None,
               matching: Matching = Matching()) -> UnitMatch:  # noqa: B008 (a frozen value)
    """Match `name` among `candidates` (code → registry name); without `explain`, a name that
    matches nothing is not given its nearest candidates (a scan of the whole registry).
    `index` is `index_names(candidates, key)` when the caller keeps one; `matching` holds the
    run's fuzzy thresholds (`Settings.matching`).

    >>> cands = {"A1": "Chi bộ ấp 1", "A3": "Chi bộ ấp 3", "A9": "Chi bộ ấp Phước Lợi"}
    >>> match_name("CB ấp 3", cands, cell_key).code
    'A3'
    >>> match_name("Chi bộ ấp 13", cands, cell_key).how
    'none'
    >>> match_name("Chi bộ ấp Phước Lợii", cands, cell_key).how
    'fuzzy'
    """
    target = key(name)
    if not target:
        return UnitMatch(None, "none", "tên trống")
    index = index or index_names(candidates, key)
    # Exact, then exact without "xã", "phường", "thị trấn".
    for table, probe in ((index.exact, target), (index.level, _drop_level(target))):
        exact = table.get(probe, [])
        if len(exact) == 1:
            return UnitMatch(exact[0], "exact")
        if len(exact) > 1:
            return UnitMatch(None, "ambiguous", _list(exact, candidates))
    scored = sorted(
        ((fuzz.ratio(target, k), code) for code, k in index.by_numbers.get(_numbers(target), ())
         if _typo_close(target, k)),
        key=lambda sc: (-sc[0], sc[1]),
    )
    if scored and scored[0][0] >= matching.unit_threshold:
        runner_up = scored[1][0] if len(scored) > 1 else 0.0
        best_code = scored[0][1]
        if scored[0][0] - runner_up < matching.margin:
            close = [c for s, c in scored if scored[0][0] - s < matching.margin]
            return UnitMatch(None, "ambiguous", _list(close, candidates))
        return UnitMatch(best_code, "fuzzy",
                         f"«{name}» → {candidates[best_code]} ({best_code}, {scored[0][0]:.0f}%)")
    if not explain:
        return UnitMatch(None, "none")
    hits = process.extract(target, index.keys, scorer=fuzz.ratio, limit=None)
    nearest = sorted(((s, index.codes[i]) for _, s, i in hits), key=lambda sc: (-sc[0], sc[1]))[:3]
    return UnitMatch(None, "none", "; ".join(
        f"{candidates[c]} ({c}, {s:.0f}%)" for s, c in nearest) or "không có ứng viên")


def _list(codes: list[str], candidates: dict[str, str]) -> str:
    return "; ".join(f"{candidates[c]} ({c})" for c in codes)


def _from_file_name(stem: str, names: dict[str, str]) -> UnitMatch:
    """A unit named only by its file ("bao cao Tan Phuoc.xlsx"): accepted when exactly one
    unit's distinctive name stands whole in the file name and nothing else is left over
    ("CB THPT Tan Phu" leaves "thpt": not the Đảng bộ xã Tân Phú)."""
    stem_key = unit_key(stem)
    words = _drop(fold_key(stem, numbering=False), _longest_first("file_word"))
    found = []
    for code, name in names.items():
        distinct = distinctive_key(name)
        if not distinct or not has_words(words, distinct):
            continue
        left = _drop(_drop(words, (distinct,)), _generic_words()).split()
        if all(w.isdigit() for w in left) and _kind_agrees(stem_key, unit_key(name)):
            found.append(code)
    if len(found) == 1:
        code = found[0]
        return UnitMatch(code, "filename", f"tên tệp «{stem}» → {names[code]} ({code})")
    return UnitMatch(None, "none")


def _kind_agrees(stem_key: str, name_key: str) -> bool:
    """A file name that says "chi bộ" is no Đảng bộ's report, and the other way round."""
    for kind, other in (("chi bo", "dang bo"), ("dang bo", "chi bo")):
        if has_words(stem_key, kind) and name_key.startswith(other):
            return False
    return True


def codes_in_file_name(stem: str, names: dict[str, str]) -> list[str]:
    """Registry codes standing whole in a file name ("H02-DB01" is not "DB01").

    >>> codes_in_file_name("DB01_Tan_Phu", {"DB01": "", "DB01-03": ""})
    ['DB01']
    >>> codes_in_file_name("H02-DB01 bao cao", {"DB01": ""})
    []
    """
    tokens = {t.upper() for t in re.split(r"[^A-Za-z0-9-]+", stem) if t}
    return sorted(tokens & names.keys())


def match_report_unit(hints: list[tuple[str, str]], file_stem: str, registry: RegistryIndex,
                      matching: Matching = Matching()) -> UnitMatch:  # noqa: B008 (frozen)
    """Which registry unit sent a report.

    Evidence, strongest first: a stated code; the names of the title block, the sender's
    line (lowest) before its superior's ("ĐẢNG BỘ XÃ TÂN PHÚ" above "CHI BỘ ẤP 3" is the
    cell's report, not the Đảng bộ's); a code in the file name; a close name; the file name.
    """
    names = registry.names
    for kind, text in hints:
        code = text.upper().replace(" ", "")
        if kind == "code" and code in names:
            return UnitMatch(code, "code")
    name_hints = [text for kind, text in hints if kind == "name"]
    # Most title lines name no unit ("ĐẢNG BỘ HUYỆN MẪU"): their nearest candidates would be
    # a scan of the whole registry per line, and are never shown.
    matched = {text: match_name(text, names, explain=False, index=registry.name_index,
                                matching=matching)
               for text in name_hints}
    for text in name_hints:
        found = matched[text]
        if found.how == "exact":
            return found
        if found.how == "ambiguous":
            return _settle_by_parent(text, name_hints, registry, matching) or found
    in_stem = codes_in_file_name(file_stem, names)
    if len(in_stem) == 1:
        return UnitMatch(in_stem[0], "code")
    if len(in_stem) > 1:
        return UnitMatch(None, "ambiguous", "tên tệp có nhiều mã: " + ", ".join(in_stem))
    for text in name_hints:
        if matched[text].how == "fuzzy":
            return matched[text]
    if not name_hints:  # a title that names a unit we cannot find is not overruled by a file name
        by_file = _from_file_name(file_stem, names)
        if by_file.code:
            return by_file
        return UnitMatch(None, "none", f"tên tệp «{file_stem}», tiêu đề không ghi tên đơn vị")
    return UnitMatch(None, "none", "tiêu đề ghi " + ", ".join(f"«{t}»" for t in name_hints))


def _settle_by_parent(text: str, hints: list[str], registry: RegistryIndex,
                      matching: Matching) -> UnitMatch | None:
    """"Chi bộ ấp 3" exists under many Đảng bộ: the superior named in the title decides."""
    same = registry.name_index.exact.get(unit_key(text), [])
    for other in hints:
        parent = match_name(other, registry.names, explain=False, index=registry.name_index,
                            matching=matching)
        if parent.how == "exact":
            children = [c for c in same if registry.records[c]["parent_code"] == parent.code]
            if len(children) == 1:
                return UnitMatch(children[0], "exact")
    return None


def match_cells(names: list[object], children: list[Mapping],
                matching: Matching = Matching()) -> list[UnitMatch]:  # noqa: B008 (frozen)
    """Match hand-typed subordinate-cell names to the registry children of one Đảng bộ (their
    registry rows)."""
    items = tuple((c["unit_code"], c["unit_name"]) for c in children)
    candidates, index = dict(items), _cells_index(items)
    found = [match_name(n, candidates, cell_key, index=index, matching=matching) for n in names]
    return [_by_short_name(name, m, items) if m.how == "none" else m
            for name, m in zip(names, found, strict=True)]


def _by_short_name(name: object, miss: UnitMatch,
                   items: tuple[tuple[str, str], ...]) -> UnitMatch:
    """"THCS Long Hòa" for "Chi bộ Trường THCS Long Hòa": the same name once a word units
    often leave out is dropped from both; taken only when exactly one cell fits."""
    short = short_cell_key(cell_key(name))
    if not short or " " not in short:  # "Long" alone says too little
        return miss
    fits = [code for code, registered in items if short_cell_key(cell_key(registered)) == short]
    if len(fits) == 1:
        return UnitMatch(fits[0], "exact")
    if len(fits) > 1:
        return UnitMatch(None, "ambiguous", _list(fits, dict(items)))
    return miss


@lru_cache(maxsize=4096)
def _cells_index(items: tuple[tuple[str, str], ...]) -> _Index:
    # A Đảng bộ's cells are matched for each of its reports: indexed once per set of cells.
    return index_names(dict(items), cell_key)
