"""Numbers, dates and words as a Vietnamese reader expects them, and the report's term tables.

Every surface an analyst sees (chart, HTML, workbook) goes through these functions, so a rate
reads ``85,5 %`` and a count ``1.234`` everywhere, and a missing value is always the same dash.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import cache

from lib03.domain import read_table
from lib03.periods import is_period_id

MISSING = "–"  # an en dash: shown for every missing value, never 0 and never "nan"


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))  # NaN, pd.NA and NaT all end here
    except (TypeError, ValueError):
        return str(value) in ("", "<NA>", "NaT")


def format_number(value: object, decimals: int = 0) -> str:
    """A count with "." between thousands and "," before decimals.

    >>> format_number(1234), format_number(1234567.891, 2), format_number(None)
    ('1.234', '1.234.567,89', '–')

    A negative number takes the minus sign (−), the one every table and chart uses:

    >>> format_number(-3), format_number(-0.04, 1)
    ('−3', '0,0')
    """
    if _missing(value):
        return MISSING
    text = f"{float(value):,.{decimals}f}"
    text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    if text.startswith("-"):  # "-0,0" is zero: no sign at all
        text = "−" + text[1:] if text.strip("-0,.") else text[1:]
    return text


def format_percent(share: object, decimals: int = 1) -> str:
    """A share (0–1) as a Vietnamese percentage.

    >>> format_percent(0.855), format_percent(1), format_percent(float("nan"))
    ('85,5 %', '100,0 %', '–')
    """
    if _missing(share):
        return MISSING
    return f"{format_number(float(share) * 100, decimals)} %"


def format_change(points: object, decimals: int = 1) -> str:
    """A change of a share (difference of two 0–1 values) in percentage points, signed.

    >>> format_change(0.032), format_change(-0.1), format_change(0), format_change(None)
    ('+3,2 điểm %', '−10,0 điểm %', '0,0 điểm %', '–')
    """
    if _missing(points):
        return MISSING
    value = float(points) * 100
    text = format_number(abs(value), decimals)
    if round(value, decimals) == 0:
        return f"{text} điểm %"
    return f"{'+' if value > 0 else '−'}{text} điểm %"


def format_growth(share: object, decimals: int = 1) -> str:
    """A relative change (0,4 = grew by 40 %), signed.

    >>> format_growth(0.4), format_growth(-0.5), format_growth(None)
    ('+40,0 %', '−50,0 %', '–')
    """
    if _missing(share):
        return MISSING
    text = format_percent(abs(float(share)), decimals)
    if round(float(share) * 100, decimals) == 0:
        return text
    return f"{'+' if float(share) > 0 else '−'}{text}"


def format_date(value: object) -> str:
    """A date as dd/mm/yyyy; ISO text is accepted.

    >>> format_date("2014-06-18"), format_date(dt.date(2014, 12, 1)), format_date("")
    ('18/06/2014', '01/12/2014', '–')
    """
    if _missing(value):
        return MISSING
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return value.strftime("%d/%m/%Y")


def period_label(period: str) -> str:
    """The words for a period id.

    >>> period_label("2014-H1"), period_label("2013-H2")
    ('6 tháng đầu năm 2014', '6 tháng cuối năm 2013')
    """
    if not is_period_id(period):
        return period
    return f"6 tháng {'đầu' if period.endswith('H1') else 'cuối'} năm {period[:4]}"


def previous_period(period: str) -> str:
    """The half-year before a period.

    >>> previous_period("2014-H1"), previous_period("2014-H2")
    ('2013-H2', '2014-H1')
    """
    year = int(period[:4])
    return f"{year}-H1" if period.endswith("H2") else f"{year - 1}-H2"


# Long unit names are shortened the way analysts write them on slides.
_SHORT_WORDS = (("Đảng bộ ", "ĐB "), ("Chi bộ ", "CB "), ("Trường ", "Tr. "),
                ("Trung tâm ", "TT "), ("Ủy ban ", "UB "), ("Uỷ ban ", "UB "))


def short_name(name: str) -> str:
    """A unit name short enough for a chart axis.

    >>> short_name("Đảng bộ xã Tân Phú"), short_name("Chi bộ Trường THCS An Bình")
    ('ĐB xã Tân Phú', 'CB Tr. THCS An Bình')
    """
    for long, short in _SHORT_WORDS:
        name = name.replace(long, short)
    return name


@dataclass(frozen=True)
class Rate:
    """One rate of docs/du_lieu.md §5: numerator and denominator, where they come from, who
    it covers."""

    id: str
    label: str
    short_label: str
    numerator: str
    denominator: str
    source: str  # indicators, monthly or inspections
    scope: str  # "all" or a unit type (dang_bo_co_so)
    numerator_label: str
    denominator_label: str
    headline: str = ""  # "1": one of the rates the report's summary shows first


@cache
def rates() -> tuple[Rate, ...]:
    """The rates of docs/du_lieu.md §5, in the order the report shows them."""
    return tuple(Rate(id=row.pop("rate"), **row) for row in read_table("rates"))


def headline_rates() -> tuple[Rate, ...]:
    """The rates shown first (the summary, the draft's appendix and its target check):
    `headline` in domain/rates.csv, in table order."""
    return tuple(r for r in rates() if r.headline == "1")


@cache
def rate_labels(short: bool = False) -> dict[str, str]:
    """Rate id → its Vietnamese label (or the short one for charts)."""
    return {r.id: r.short_label if short else r.label for r in rates()}


@cache
def statuses() -> dict[str, dict[str, str]]:
    """Reporting status → label, colour and whether it counts as reported / on time."""
    return {row.pop("status"): row for row in read_table("statuses")}


@cache
def flags() -> dict[str, dict[str, str]]:
    """Weak-inspection flag → its short label, the reason sentence template and the rule."""
    return {row.pop("flag"): row for row in read_table("flags")}
