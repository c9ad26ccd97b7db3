"""Match reports and hand-typed cell names to the registry.

By code first, then by normalised name, then fuzzy (rapidfuzz) among the right candidates
only. A fuzzy match needs a high score, a clear lead over the runner-up and the same numbers
("ấp 13" is never "ấp 3"); anything weaker is reported with its candidates, not guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
from rapidfuzz import fuzz

from lib03.config import load_settings
from lib03.text import fold_key

_CODE = re.compile(r"[A-Za-z]{1,4}\d{1,4}(?:-\d{1,4})*")
# Titles name the committee ("Đảng ủy", "Chi ủy") where the registry names the organisation.
_SYNONYMS = (("dang uy", "dang bo"), ("chi uy", "chi bo"), ("ban chap hanh", ""),
             ("bch", ""), ("t m", ""))
_CELL_PREFIX = re.compile(r"^(?:chi bo|dang bo)\s+")


@dataclass(frozen=True)
class UnitMatch:
    """The registry code found for a name (None if none) and how: code, exact, fuzzy, none,
    ambiguous; `detail` is the Vietnamese explanation for the quality log."""

    code: str | None
    how: str
    detail: str = ""


@lru_cache(maxsize=65536)
def unit_key(name: object, *, numbering: bool = False) -> str:
    """Key for comparing unit names.

    >>> unit_key("ĐẢNG ỦY XÃ TÂN PHÚ") == unit_key("Đảng bộ xã Tân Phú")
    True
    >>> unit_key("Chi bộ Ấp 03")
    'chi bo ap 3'
    """
    key = f" {fold_key(name, numbering=numbering)} "
    for old, new in _SYNONYMS:
        key = key.replace(f" {old} ", f" {new} ")
    return " ".join(key.split())


def cell_key(name: object) -> str:
    """Key for a subordinate cell's name: the "Chi bộ" prefix says nothing.

    >>> cell_key("CB ấp 3"), cell_key("Chi bo Ap 3"), cell_key("Chi bộ Ấp 03")
    ('ap 3', 'ap 3', 'ap 3')
    >>> cell_key("1. CHI BỘ ẤP 2")
    'ap 2'
    """
    # Rows of the inspection sheet are often numbered inside the name cell ("1. Chi bộ …").
    return _CELL_PREFIX.sub("", unit_key(name, numbering=True))


def _numbers(key: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\d+", key))


def match_name(name: object, candidates: dict[str, str], key=unit_key) -> UnitMatch:
    """Match `name` among `candidates` (code → registry name).

    >>> cands = {"A1": "Chi bộ ấp 1", "A3": "Chi bộ ấp 3", "A9": "Chi bộ ấp Phước Lợi"}
    >>> match_name("CB ấp 3", cands, cell_key).code
    'A3'
    >>> match_name("Chi bộ ấp 13", cands, cell_key).how
    'none'
    >>> match_name("Chi bộ ấp Phước Lợii", cands, cell_key).how
    'fuzzy'
    """
    settings = load_settings()
    target = key(name)
    if not target:
        return UnitMatch(None, "none", "tên trống")
    keyed = {code: key(label) for code, label in candidates.items()}
    exact = sorted(code for code, k in keyed.items() if k == target)
    if len(exact) == 1:
        return UnitMatch(exact[0], "exact")
    if len(exact) > 1:
        return UnitMatch(None, "ambiguous", _list(exact, candidates))
    scored = sorted(
        ((fuzz.ratio(target, k), code) for code, k in keyed.items()
         if _numbers(k) == _numbers(target)),
        key=lambda sc: (-sc[0], sc[1]),
    )
    if scored and scored[0][0] >= settings.fuzzy_unit_threshold:
        runner_up = scored[1][0] if len(scored) > 1 else 0.0
        best_code = scored[0][1]
        if scored[0][0] - runner_up < settings.fuzzy_margin:
            close = [c for s, c in scored if scored[0][0] - s < settings.fuzzy_margin]
            return UnitMatch(None, "ambiguous", _list(close, candidates))
        return UnitMatch(best_code, "fuzzy",
                         f"«{name}» → {candidates[best_code]} ({best_code}, {scored[0][0]:.0f}%)")
    nearest = sorted(
        ((fuzz.ratio(target, k), code) for code, k in keyed.items()), key=lambda sc: (-sc[0], sc[1])
    )[:3]
    return UnitMatch(None, "none", "; ".join(
        f"{candidates[c]} ({c}, {s:.0f}%)" for s, c in nearest) or "không có ứng viên")


def _list(codes: list[str], candidates: dict[str, str]) -> str:
    return "; ".join(f"{candidates[c]} ({c})" for c in codes)


def match_report_unit(hints: list[tuple[str, str]], file_stem: str,
                      names: dict[str, str]) -> UnitMatch:
    """Which registry unit (`names`: code → name) sent a report: a stated code, then the
    names in the title block, then a code in the file name, then a close name."""
    for kind, text in hints:
        code = text.upper().replace(" ", "")
        if kind == "code" and code in names:
            return UnitMatch(code, "code")
    name_hints = [text for kind, text in hints if kind == "name"]
    for text in name_hints:
        found = match_name(text, names)
        if found.how == "exact":
            return found
    in_stem = sorted({t.upper() for t in _CODE.findall(file_stem)} & names.keys(), key=len)
    if in_stem:
        return UnitMatch(in_stem[-1], "code")
    tried = []
    for text in name_hints or [file_stem]:
        found = match_name(text, names)
        if found.how in ("fuzzy", "ambiguous"):
            return found
        tried.append(f"«{text}»")
    if not name_hints:
        return UnitMatch(None, "none", f"tên tệp «{file_stem}», tiêu đề không ghi tên đơn vị")
    return UnitMatch(None, "none", "tiêu đề ghi " + ", ".join(tried))


def match_cells(names: list[object], children: pd.DataFrame) -> list[UnitMatch]:
    """Match hand-typed subordinate-cell names to the registry children of one Đảng bộ."""
    candidates = dict(zip(children["unit_code"], children["unit_name"], strict=True))
    return [match_name(n, candidates, cell_key) for n in names]
