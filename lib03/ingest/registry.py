"""Read the unit registry (danh_muc_don_vi.xlsx) into the units table."""

from __future__ import annotations

from dataclasses import replace
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from lib03 import vocab
from lib03.config import Limits
from lib03.contract import COLUMNS
from lib03.domain import read_table
from lib03.errors import RegistryError, WorkbookError, special_kind
from lib03.ingest.layout import Table, map_columns
from lib03.ingest.match import RegistryIndex, index_rows
from lib03.ingest.parse import is_blank, parse_count
from lib03.ingest.read import cell_address, read_workbook
from lib03.quality import Problem, codes
from lib03.text import cell_text, clean_text, fold_key, has_words
from lib03.vocab import Term, _term

if TYPE_CHECKING:
    import pandas as pd

# A province lists tens of thousands of units; a report sheet never needs more than 5.000 rows.
REGISTRY_MAX_ROWS = 200_000


@cache
def unit_types() -> tuple[Term, ...]:
    rows = read_table("unit_types")
    return tuple(_term(r | {"scope": "", "kind": "text"}, "unit_type") for r in rows)


def _infer_unit_type(text: object, name: str, parent: str | None) -> str | None:
    """"Loại" says only "Chi bộ" (or is blank): a chi bộ with a superior in the registry is a
    chi bộ trực thuộc, one without is a chi bộ cơ sở; likewise for a Đảng bộ.

    >>> _infer_unit_type("Chi bộ", "Chi bộ Kho bạc", None)
    'chi_bo_co_so'
    >>> _infer_unit_type("", "Chi bộ ấp 1", "DB01")
    'chi_bo_truc_thuoc'
    """
    key = fold_key(f"{clean_text(text)} {name}", numbering=False)
    if has_words(key, "chi bo"):
        return "chi_bo_truc_thuoc" if parent else "chi_bo_co_so"
    if has_words(key, "dang bo") and not parent:
        return "dang_bo_co_so"
    return None


def type_label(unit_type: str) -> str:
    """The Vietnamese name of a unit type id."""
    return next(t.label for t in unit_types() if t.id == unit_type)


@lru_cache(maxsize=4096, typed=True)  # a pure function of the cell; a registry repeats a few
def parse_unit_type(text: object) -> str | None:
    """Map a "Loại" cell to a unit type id.

    >>> parse_unit_type("Đảng bộ cơ sở"), parse_unit_type("CB trực thuộc"), parse_unit_type("?")
    ('dang_bo_co_so', 'chi_bo_truc_thuoc', None)
    """
    key = fold_key(text, numbering=False)
    for term in unit_types():
        if term.fits(key):
            return term.id
    return None


def index_registry(units: pd.DataFrame) -> RegistryIndex:
    """`index_rows` of a units table held as a DataFrame (templates and tests hold it so)."""
    import pandas as pd

    # Missing values as None, not NaN (which is truthy and equals nothing).
    columns = [[None if pd.isna(v) else v for v in units[c].tolist()] for c in units.columns]
    return index_rows([dict(zip(units.columns, row, strict=True))
                       for row in zip(*columns, strict=True)])


@lru_cache(maxsize=4096, typed=True)  # a pure function of the cell; a registry repeats words
def parse_active(value: object) -> bool | None:
    """Read the "Còn hoạt động" cell; blank means active, unknown words give None.

    >>> [parse_active(v) for v in ("Có", "Không", "Đã giải thể", "Sáp nhập", None, 1, "?")]
    [True, False, False, False, True, True, None]
    """
    if is_blank(value):
        return True
    key = fold_key(_code_text(value), numbering=False)
    if any(has_words(key, w) for w in vocab.words("inactive")):
        return False
    if any(has_words(key, w) for w in vocab.words("active")):
        return True
    return None


def _code_text(value: object) -> str:
    """A code cell as text: a code typed as a number (1, 101.0) reads as "1", "101"."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_text(value)


def _find_registry_table(book) -> tuple[object, Table] | None:
    for grid in book.sheets:
        for r, row in enumerate(grid.rows[:50]):
            texts = [cell_text(v) for v in row]
            cols = map_columns("registry", texts)
            if {"unit_code", "unit_name", "unit_type"} <= cols.keys():
                return grid, Table("registry", grid.name, r, cols)
    return None


def _unknown_columns(grid, table: Table) -> list[Problem]:
    """A warning for each titled registry column lib03 does not understand: a column of
    "Tình trạng" it cannot read would silently make dissolved units expected to report."""
    known = ", ".join(term.label for term in vocab.columns("registry"))
    used = set(table.columns.values())
    header = grid.rows[table.header_row]
    return [Problem("registry_column_unknown", grid.name, cell_address(table.header_row, c),
                    raw=text, detail=f"«{text}»; các tiêu đề đọc được: {known}")
            for c, value in enumerate(header)
            if c not in used and (text := cell_text(value)) and not _is_numbering(text)]


def _is_numbering(text: str) -> bool:
    # "STT", "TT", "Số TT": the row number column every Vietnamese list starts with.
    return fold_key(text) in ("stt", "tt", "so tt", "so thu tu", "thu tu")


def read_registry(path: Path, limits: Limits = Limits()  # noqa: B008 (a frozen value)
                  ) -> tuple[pd.DataFrame, list[Problem]]:
    """The units table (docs/du_lieu.md §4) as a DataFrame, and the problems met reading the
    registry."""
    import pandas as pd

    rows, problems = read_registry_rows(path, limits)
    return pd.DataFrame.from_records(rows, columns=COLUMNS["units"]), problems


def read_registry_rows(path: Path, limits: Limits = Limits()  # noqa: B008 (a frozen value)
                       ) -> tuple[list[dict], list[Problem]]:
    """The rows of the units table (docs/du_lieu.md §4), sorted by unit code, and the problems
    met while reading the registry. Plain dicts: cleaning never imports pandas (a third of a
    second)."""
    if not path.is_file():
        if path.exists():  # a folder, a pipe or a device named like the registry
            kind = special_kind(path.stat().st_mode)
            raise RegistryError(f"Danh mục đơn vị {path} không phải tệp bảng tính mà là {kind}; "
                                "hãy đặt tệp danh_muc_don_vi.xlsx thật vào đó.")
        raise RegistryError(f"Không tìm thấy danh mục đơn vị: {path}")
    try:
        book = read_workbook(path, limits=replace(limits, max_sheet_rows=REGISTRY_MAX_ROWS))
    except WorkbookError as exc:
        reason = codes()[exc.code]["message"].format(detail=exc.detail)
        raise RegistryError(f"Không đọc được danh mục đơn vị {path}: {reason}") from exc
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as exc:  # a reader that panics (not an Exception) on this file
        raise RegistryError(
            f"Không đọc được danh mục đơn vị {path}: thư viện đọc bảng tính bị lỗi "
            f"({type(exc).__name__}). Mở tệp bằng Excel, lưu lại dạng .xlsx rồi chạy lại."
        ) from None
    found = _find_registry_table(book)
    if found is None:
        raise RegistryError(
            f"Danh mục {path.name} không có hàng tiêu đề gồm Mã đơn vị, Tên đơn vị, Loại"
        )
    grid, table = found
    problems: list[Problem] = _unknown_columns(grid, table)
    records, seen = [], set()
    cols = table.columns
    width = max(cols.values()) + 1
    for r in range(table.header_row + 1, len(grid.rows)):
        row = grid.rows[r]
        if all(is_blank(v) for v in row):
            continue
        # Every column the table has, by name (None past the row's end): read once per row.
        cells = row[:width] + [None] * (width - len(row))

        def get(name: str, cells: list = cells) -> object:
            return cells[cols[name]] if name in cols else None

        code = _code_text(get("unit_code")).upper().replace(" ", "")
        name = clean_text(get("unit_name"))
        code_cell = cell_address(r, cols["unit_code"])
        where = f"{path.name}!{grid.name}!{code_cell}"
        if not code or not name:
            filled = [_code_text(v) for v in row if not is_blank(v)]
            note = len(filled) == 1  # a note under the list, not a unit
            problems.append(Problem("registry_note" if note else "registry_row_invalid",
                                    grid.name, code_cell, raw=" | ".join(filled),
                                    detail=f"hàng {r + 1}"))
            continue
        if code in seen:
            problems.append(Problem("registry_duplicate_code", grid.name, code_cell,
                                    raw=code, detail=code))
            continue
        seen.add(code)
        unit_type = parse_unit_type(get("unit_type"))
        parent = _code_text(get("parent_code")).upper().replace(" ", "") or None
        if unit_type is None:
            unit_type = _infer_unit_type(get("unit_type"), name, parent)
            problems.append(Problem(
                "registry_type_inferred" if unit_type else "registry_value_invalid",
                grid.name, cell_address(r, cols["unit_type"]), raw=get("unit_type"),
                detail=f"Loại đơn vị của {code}" + (
                    f": hiểu là {type_label(unit_type)}" if unit_type else ""),
            ))
        members = parse_count(get("members_ref")) if "members_ref" in cols else None
        if members and members.problem:
            problems.append(Problem("registry_value_invalid", grid.name,
                                    cell_address(r, cols["members_ref"]), raw=get("members_ref"),
                                    detail=f"Số đảng viên của {code}"))
        active_raw = get("active")
        active = parse_active(active_raw)
        if active is None:
            problems.append(Problem("registry_value_invalid", grid.name,
                                    cell_address(r, cols["active"]), raw=active_raw,
                                    detail=f"Còn hoạt động của {code}"))
            active = True
        records.append({
            "unit_code": code,
            "unit_name": name,
            "unit_type": unit_type,
            "parent_code": parent,
            "sector": clean_text(get("sector")) or None,
            "members_ref": members.value if members else None,
            "active": int(bool(active)),
            "source": where,
        })
    # Codes are unique by now: the order is the codes' (as sort_values gave it before).
    records.sort(key=lambda row: row["unit_code"])
    return records, problems
