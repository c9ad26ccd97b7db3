"""What an analyst checks before the meeting: files not used, warnings, and numbers that look
unusual — far from the unit's previous period, or far from comparable units.

These are prompts to look, not errors: a value listed here is kept as the unit reported it.
"""

from __future__ import annotations

import math
import re

import pandas as pd

from lib03 import vocab
from lib03.config import Settings
from lib03.quality import codes
from lib03.report.formatting import rate_labels
from lib03.report.metrics import previous_of
from lib03.rules import rules
from lib03.vocab import indicator_kinds, indicator_labels

# Iglewicz and Hoaglin's constant: makes the MAD comparable to a standard deviation.
_MAD_SCALE = 0.6745
# When more than half the units share one value the MAD is 0; the mean absolute deviation,
# scaled to match (IBM SPSS's rule), still separates a lone value from the crowd.
_MEAN_AD_SCALE = 0.7979
# Fewer comparable units than this and "unusual among its peers" means nothing.
MIN_PEERS = 5


def changes_from_previous(tables: dict[str, pd.DataFrame], period: str,
                          settings: Settings) -> pd.DataFrame:
    """Counts that moved more than `change_share` % from the same unit's previous period.

    Small counts swing naturally (2 study sessions, then 3), so only a previous value of at
    least `change_min_base` is compared; a previous 0 gives no share of change at all.
    """
    columns = ["unit_code", "indicator", "indicator_label", "previous", "value", "change_share",
               "source"]
    before = previous_of(tables, period)
    if before is None:
        return pd.DataFrame(columns=columns)
    ind = tables["indicators"]
    counts = [k for k, kind in indicator_kinds().items() if kind == "count"]
    ind = ind[ind["indicator"].isin(counts)]
    now = ind[ind["period"] == period]
    prev = ind[ind["period"] == before][["unit_code", "indicator", "value"]]
    both = now.merge(prev.rename(columns={"value": "previous"}), on=["unit_code", "indicator"])
    base = max(settings.change_min_base, 1)
    both = both[both["previous"].ge(base) & both["value"].notna()]
    both["change_share"] = (both["value"] - both["previous"]) / both["previous"]
    # Rounded so that 13,3 against 10 sits exactly on a 33 % threshold, as a person reads it.
    far = both[both["change_share"].abs().round(9) > settings.change_share / 100].copy()
    far["indicator_label"] = far["indicator"].map(indicator_labels())
    return far[columns].reset_index(drop=True)


def modified_z(values: pd.Series) -> pd.Series:
    """Iglewicz–Hoaglin modified z-scores; NaN when the values do not spread at all.

    >>> modified_z(pd.Series([10, 11, 12, 11, 50])).round(2).tolist()
    [-0.67, 0.0, 0.67, 0.0, 26.31]
    >>> modified_z(pd.Series([1.0, 1.0, 1.0])).tolist()
    [nan, nan, nan]
    """
    median = values.median()
    deviation = (values - median).abs()
    mad = deviation.median()
    if mad > 0:
        return _MAD_SCALE * (values - median) / mad
    mean_ad = deviation.mean()
    if mean_ad > 0:
        return (values - median) / (mean_ad / _MEAN_AD_SCALE)
    return pd.Series(math.nan, index=values.index)


def outliers(unit_rates: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Unit rates far from the other units of the same type (|modified z| > outlier_z)."""
    found = []
    known = unit_rates[unit_rates["value"].notna()]
    for (_, _), group in known.groupby(["rate", "unit_type"], sort=False):
        if len(group) < MIN_PEERS:
            continue
        z = modified_z(group["value"])
        far = group.assign(median=group["value"].median(), z=z)
        found.append(far[far["z"].abs() > settings.outlier_z])
    columns = ["unit_code", "unit_name", "unit_type", "rate", "rate_label", "value", "median",
               "z"]
    if not found:
        return pd.DataFrame(columns=columns)
    out = pd.concat(found, ignore_index=True)
    out["rate_label"] = out["rate"].map(rate_labels())
    return out[columns]


def quarantined_files(tables: dict[str, pd.DataFrame], period: str) -> pd.DataFrame:
    """Files of the period that could not be used, with the reason and what to do."""
    subs = tables["submissions"]
    bad = subs[(subs["period"] == period) & (subs["status"] == "quarantined")]
    log = tables["quality_log"]
    errors = log[(log["period"] == period) & (log["severity"] == "error")]
    first = errors.drop_duplicates("source_file").set_index("source_file")["message"]
    out = bad[["source_file", "unit_code", "unit_name", "status_reason"]].copy()
    out["message"] = out["source_file"].map(first).fillna("")
    return out.reset_index(drop=True)


def warnings_to_check(tables: dict[str, pd.DataFrame], period: str) -> pd.DataFrame:
    """The warnings of the period, each with its file, sheet and cell."""
    log = tables["quality_log"]
    warn = log[(log["period"] == period) & (log["severity"] == "warning")]
    return warn[["source_file", "sheet", "cell", "code", "message", "raw_value"]].reset_index(
        drop=True)


def problem_counts(tables: dict[str, pd.DataFrame], period: str) -> pd.DataFrame:
    """How many problems of each kind, most serious first."""
    log = tables["quality_log"]
    log = log[log["period"] == period]
    order = {"error": 0, "warning": 1, "info": 2}
    counts = (log.groupby(["severity", "code"]).size().rename("count").reset_index())
    counts["label"] = counts["code"].map(problem_label)
    counts["rank"] = counts["severity"].map(order)
    counts = counts.sort_values(["rank", "count", "code"], ascending=[True, False, True])
    return counts.drop(columns="rank").reset_index(drop=True)


def problem_label(code: str) -> str:
    """A problem code's words without the file-specific details.

    >>> problem_label("file_empty"), problem_label("dv_dang_ky_gt_total")
    ('Tệp rỗng (0 byte)', 'Số đảng viên đã đăng ký lớn hơn tổng số đảng viên')
    """
    rule = {r.code: r.message for r in rules()}.get(code)
    text = rule or codes().get(code, {}).get("message", code)
    text = re.sub(r"\s*\([^)]*\{\w+\}[^)]*\)", "", text)  # "(…{left}…)" details go
    return text.split(":")[0].replace("{detail}", "…").strip()


def unexpected_reports(tables: dict[str, pd.DataFrame], period: str) -> pd.DataFrame:
    """Usable reports from units not expected to report (inactive, or a Chi bộ trực thuộc)."""
    subs = tables["submissions"]
    ok = subs[(subs["period"] == period) & (subs["status"] == "ok")]
    units = tables["units"].set_index("unit_code")
    expected = units.index[units["unit_type"].isin(vocab.must_report())
                           & (units["active"] == 1)]
    return ok[~ok["unit_code"].isin(expected)][["unit_code", "unit_name", "source_file"]
                                              ].reset_index(drop=True)
