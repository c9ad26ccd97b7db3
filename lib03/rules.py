"""The consistency rules of domain/rules.csv, applied to one record at a time.

A value that breaks a rule is kept as read; the rule only adds a line to the quality log.
A new check is one line in the table (left, operator, right, severity, message), as DHIS2
keeps its validation rules. The cleaner checks each report; the report lists what broke.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from functools import cache

from lib03.domain import read_table
from lib03.quality import Problem

_OPS = {">": operator.gt, "<": operator.lt, ">=": operator.ge, "<=": operator.le,
        "!=": operator.ne, "==": operator.eq}


@dataclass(frozen=True)
class Rule:
    code: str
    table: str
    left: str
    op: str
    right: str
    severity: str
    message: str


@cache
def rules() -> tuple[Rule, ...]:
    """The consistency rules of domain/rules.csv."""
    return tuple(Rule(**row) for row in read_table("rules"))


@cache
def _rules_of(table: str) -> tuple[Rule, ...]:
    # Each record is checked against its own table's rules only; the rules never change.
    return tuple(rule for rule in rules() if rule.table == table)


def _number(value: object) -> int | float | None:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return value
    return None


def check_rules(table: str, values: dict[str, object], cells: dict[str, str],
                sheet: str = "") -> list[Problem]:
    """Apply the rules of one table to a record; `cells` gives the address of each field.

    >>> [p.code for p in check_rules("indicators", {"dv_dang_ky": 30, "tong_dang_vien": 25}, {})]
    ['dv_dang_ky_gt_total']
    >>> check_rules("indicators", {"dv_dang_ky": 30, "tong_dang_vien": None}, {})
    []
    """
    found = []
    for rule in _rules_of(table):
        left, right = _number(values.get(rule.left)), _number(values.get(rule.right))
        if left is None or right is None or not _OPS[rule.op](left, right):
            continue
        where_sheet, _, where_cell = cells.get(rule.left, "").rpartition("!")
        found.append(Problem(
            rule.code, where_sheet or sheet, where_cell, raw=values.get(rule.left),
            message=rule.message.format(left=left, right=right), severity=rule.severity,
        ))
    return found
