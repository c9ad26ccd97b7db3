"""Letters back to the units: one for every expected unit whose report is missing, unusable,
late, undated, or carries warnings an analyst should check (docs/van_ban.md).

The night before the meeting the analyst phones or writes to each of these units. A letter
says who, which file, each problem in plain Vietnamese with its sheet and cell, what to do,
and the date to resend by. The letters are built from the period's `PeriodFacts`, the same
figures as the report, and written by `letters_files` (Word documents and the list the
analyst works through).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from lib03.quality import codes, split_message
from lib03.report.facts import PeriodFacts
from lib03.report.formatting import format_date, statuses

# Statuses that need a letter even without a warning; "on_time" needs one only with warnings.
NEEDS_LETTER = ("missing", "unusable", "late", "no_date")
REASON = {  # the first line of a letter, by status
    "missing": "Đến nay chưa nhận được báo cáo của đơn vị.",
    "unusable": "Tệp báo cáo đơn vị gửi không dùng được.",
    "late": "Báo cáo của đơn vị gửi sau hạn.",
    "no_date": "Báo cáo của đơn vị không ghi ngày báo cáo.",
    "on_time": "Báo cáo của đơn vị đã nhận đúng hạn; một số số liệu cần đơn vị xem lại.",
}


@dataclass(frozen=True)
class Problem:
    """One thing to fix, where it is in the unit's file, and how."""

    sheet: str
    cell: str
    text: str
    advice: str
    raw: str = ""

    @property
    def place(self) -> str:
        """Where the problem is, as the unit finds it in its file."""
        parts = [f"trang «{self.sheet}»" if self.sheet else "",
                 f"ô {self.cell}" if self.cell else ""]
        text = ", ".join(p for p in parts if p)
        return text[:1].upper() + text[1:] if text else "Cả tệp"


@dataclass(frozen=True)
class Letter:
    """What one unit is told."""

    unit_code: str
    unit_name: str
    sector: str
    status: str
    status_label: str
    source_file: str
    report_date: str
    problems: list[Problem] = field(default_factory=list)

    @property
    def reason(self) -> str:
        return REASON[self.status]


def unit_letters(facts: PeriodFacts) -> list[Letter]:
    """The letters of the period, one per unit that needs one, in registry code order."""
    # Warnings by file: a unit is told only of the file that counts (not of a version it
    # replaced since).
    warned: dict[str, list[Problem]] = {}
    for _, w in facts.warnings.iterrows():
        if codes().get(w["code"], {}).get("to_unit") != "1":
            continue  # the analyst's own check (a fuzzy match, two versions): not the unit's
        text, advice = split_message(w["message"], w["source_file"])
        warned.setdefault(w["source_file"], []).append(
            Problem(w["sheet"], w["cell"], text, advice, str(w["raw_value"] or "")))
    refused = {}
    for _, q in facts.quarantined.iterrows():
        text, advice = split_message(q["message"], q["source_file"])
        refused[q["unit_code"]] = Problem("", "", text, advice)
    letters = []
    for _, u in facts.status.sort_values("unit_code", kind="stable").iterrows():
        code, status = u["unit_code"], u["status"]
        problems = [refused[code]] if status == "unusable" and code in refused else []
        if status not in ("missing", "unusable"):
            problems += warned.get(u["source_file"], [])
        if status not in NEEDS_LETTER and not problems:
            continue
        letters.append(Letter(code, u["unit_name"], u["sector"], status, u["status_label"],
                              u["source_file"], u["report_date"], problems))
    return letters


def letter_lines(letter: Letter, facts: PeriodFacts, resend_by: str | None) -> list[str]:
    """The body of a letter as paragraphs, the same text in the Word letter and the list."""
    lines = [f"Kính gửi: {letter.unit_name}.", letter.reason]
    if letter.source_file:
        dated = f", ngày báo cáo {format_date(letter.report_date)}" if letter.report_date else ""
        lines.append(f"Tệp đã nhận: {letter.source_file}{dated}.")
    if letter.status == "late":
        lines.append(f"Hạn nộp của kỳ là {format_date(facts.deadline)}.")
    if letter.problems:
        lines.append("Những điểm đơn vị cần sửa hoặc bổ sung:")
        for n, p in enumerate(letter.problems, 1):
            raw = f" (đơn vị ghi «{p.raw}»)" if p.raw else ""
            todo = f" Cách sửa: {p.advice}" if p.advice else ""
            lines.append(f"{n}. {p.place}: {p.text.rstrip('.')}{raw}.{todo}")
    if letter.status == "missing":
        lines.append("Đề nghị đơn vị lập báo cáo theo biểu mẫu gửi kèm.")
    elif letter.problems:
        lines.append("Biểu mẫu gửi kèm đã ghi sẵn các số liệu đọc được từ tệp của đơn vị; ô tô "
                     "màu cam là ô cần sửa hoặc bổ sung.")
    # Without a date in the settings the analyst writes it in: a blank, never a guess.
    by = format_date(resend_by) if resend_by else "…/…/……"
    lines.append(f"Đề nghị đơn vị gửi lại báo cáo trước ngày {by}.")
    if facts.settings.contact:
        lines.append(f"Cần hỏi thêm, xin liên hệ: {facts.settings.contact}.")
    return lines


def letter_counts(letters: list[Letter]) -> pd.Series:
    """How many letters by status, in the order of domain/statuses.csv."""
    labels = statuses()
    counts = pd.Series([x.status for x in letters], dtype=str).value_counts()
    return pd.Series({labels[s]["label"]: int(counts.get(s, 0)) for s in labels
                      if counts.get(s, 0)}, dtype=int)
