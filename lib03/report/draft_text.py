"""The words of the draft báo cáo sơ kết: its figures, from the period's `PeriodFacts`, and
its sentences, from a text template the analyst can edit without Python.

Why a plain text template rendered here rather than a Word template (docxtpl): the layout of
a party document is fixed by Hướng dẫn 36-HD/VPTW and is built by `draft.py`; what districts
want to change is the wording. A UTF-8 text file of named paragraphs opens in Notepad, cannot
carry Jinja code that runs, and needs no new dependency. A unit's name is put into a sentence
as text (`str.format` fills a placeholder once and never reads it again), so a name written
like a template tag stays as written.
"""

from __future__ import annotations

import math
import re
import string
from pathlib import Path

import pandas as pd

from lib03.config import DRAFT_TEMPLATE
from lib03.report.facts import PeriodFacts
from lib03.report.formatting import format_number, format_percent, period_label, rates
from lib03.report.metrics import DISTRICT

TEMPLATE = DRAFT_TEMPLATE
MISSING = "chưa có số liệu"


def read_template(path: Path = TEMPLATE) -> dict[str, str]:
    """The named paragraphs of a wording template ("## name" then its text).

    >>> read_template.__doc__ is not None
    True
    """
    blocks: dict[str, list[str]] = {}
    name = None
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        if line.startswith("## "):
            name = line[3:].strip()
            blocks[name] = []
        elif line.startswith("#") or name is None:
            continue
        else:
            blocks[name].append(line.strip())
    return {k: " ".join(x for x in v if x) for k, v in blocks.items()}


def _known(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def change_words(change: object, previous_label: str | None) -> str:
    """A change of a rate in words, as a báo cáo writes it.

    >>> change_words(0.002, "6 tháng cuối năm 2013")
    'tăng 0,2 điểm phần trăm so với 6 tháng cuối năm 2013'
    >>> change_words(-0.05, "6 tháng cuối năm 2013"), change_words(None, None)
    ('giảm 5,0 điểm phần trăm so với 6 tháng cuối năm 2013', 'chưa có số liệu kỳ trước để so sánh')
    """
    if previous_label is None:
        return "chưa có số liệu kỳ trước để so sánh"
    if not _known(change):
        return f"không so được với {previous_label} ({MISSING} kỳ trước)"
    points = float(change) * 100
    if round(points, 1) == 0:
        return f"bằng {previous_label}"
    word = "tăng" if points > 0 else "giảm"
    return f"{word} {format_number(abs(points), 1)} điểm phần trăm so với {previous_label}"


def names(frame: pd.DataFrame, column: str = "unit_name") -> str:
    """Units named in a sentence ("A, B và C")."""
    items = [str(x) for x in frame[column]]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " và " + items[-1]


def figures(facts: PeriodFacts) -> dict[str, str]:
    """Every figure a sentence may use, already written as the report writes it."""
    before = facts.before.label if facts.before is not None else None
    changes = facts.group_changes
    district = changes[changes["group"] == DISTRICT].set_index("rate")
    sectors = facts.group_rates[facts.group_rates["group"] != DISTRICT]
    out: dict[str, str] = {"ky": period_label(facts.period),
                           "chi_tieu": f"{format_number(facts.settings.target_rate)} %"}
    for rate in rates():
        row = district.loc[rate.id] if rate.id in district.index else None
        value = row["value"] if row is not None else None
        out[f"ty_le_{rate.id}"] = format_percent(value) if _known(value) else MISSING
        out[f"so_sanh_{rate.id}"] = change_words(None if row is None else row["change"], before)
        part = sectors[(sectors["rate"] == rate.id) & sectors["value"].notna()]
        part = part.sort_values(["value", "group"], kind="stable")
        for key, pick in (("cao", part.iloc[-1:] if len(part) else None),
                          ("thap", part.iloc[:1] if len(part) else None)):
            out[f"khoi_{key}_{rate.id}"] = MISSING if pick is None or len(part) < 2 else (
                f"{pick['group'].iloc[0]} ({format_percent(pick['value'].iloc[0])})")
    rep = facts.reporting_rates.set_index("group").loc[DISTRICT]
    out |= {"so_bao_cao": format_number(rep["reported"]),
            "so_phai_bao_cao": format_number(rep["expected"]),
            "ty_le_gui_bao_cao": format_percent(rep["reporting_rate"]),
            "so_dung_han": format_number(rep["on_time"]),
            "ty_le_dung_han": format_percent(rep["on_time_rate"])}
    totals = facts.totals.set_index("group").loc[DISTRICT]
    for key, column in (("buoi_quan_triet", "buoi_quan_triet"),
                        ("luot_hoc_chuyen_de", "dv_hoc_chuyen_de"),
                        ("guong_phat_hien", "guong_phat_hien"),
                        ("guong_nhan_rong", "guong_nhan_rong")):
        out[key] = format_number(totals[column]) if _known(totals[column]) else MISSING
    return out


def conditional(facts: PeriodFacts) -> dict[str, str]:
    """The figures of the sentences that appear only when the data supports them; a block
    whose figures are absent here is left out of the draft."""
    out: dict[str, str] = {}
    flagged = facts.flagged
    if len(flagged):
        def lower(reasons: str) -> str:  # each reason starts a sentence in the tables
            return "; ".join(r[:1].lower() + r[1:] for r in reasons.split("; "))

        out["danh_sach_yeu_kiem_tra"] = "; ".join(
            f"{n} ({lower(r)})" for n, r in zip(flagged["unit_name"], flagged["reasons"],
                                                strict=True))
        out["ten_yeu_kiem_tra"] = names(flagged)
    target = facts.settings.target_rate / 100
    district = facts.group_rates[facts.group_rates["group"] == DISTRICT]
    labels = {r.id: r.label for r in rates() if r.headline == "1"}
    below = district[district["rate"].isin(labels) & (district["value"] < target)]
    if len(below):
        out["ty_le_duoi_chi_tieu"] = "; ".join(
            f"{labels[r].removeprefix('Tỷ lệ ')} ({format_percent(v)})"
            for r, v in zip(below["rate"], below["value"], strict=True))
    if len(facts.without_unit_03):
        out["so_chua_bo_phan_03"] = format_number(len(facts.without_unit_03))
        out["danh_sach_chua_bo_phan_03"] = names(facts.without_unit_03)
    status = facts.status
    silent = status[status["status"].isin(["missing", "unusable"])]
    late = status[status["status"] == "late"]
    if len(silent) or len(late):
        out["danh_sach_chua_bao_cao"] = (f"chưa gửi báo cáo dùng được: {names(silent)}"
                                         if len(silent) else "")
        sep = "; " if len(silent) and len(late) else ""
        out["danh_sach_nop_muon"] = f"{sep}nộp muộn: {names(late)}" if len(late) else ""
        out["ten_chua_bao_cao"] = names(pd.concat([silent, late]))
    unusable = len(facts.quarantined)
    warned = facts.warnings["source_file"].nunique()
    if unusable or warned:
        out["so_tep_khong_dung_duoc"] = format_number(unusable)
        out["so_tep_canh_bao"] = format_number(warned)
    return out


def render(text: str, values: dict[str, str]) -> str | None:
    """A template sentence with its figures; None when one of them is not there (the block
    is left out). A figure is placed as text and never read as a template again."""
    wanted = [f for _, f, _, _ in string.Formatter().parse(text) if f]
    if any(f not in values for f in wanted):
        return None
    return text.format_map(values)


def numbers_in(text: str) -> list[str]:
    """The figures a sentence states (for the check against the report's figures).

    >>> numbers_in("đạt 97,6 %, tăng 0,2 điểm; 38/40 đơn vị; 1.046 đảng viên")
    ['97,6', '0,2', '38', '40', '1.046']
    """
    return re.findall(r"\d+(?:[.,]\d+)*", text)
