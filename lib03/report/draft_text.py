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

import difflib
import re
import string
from pathlib import Path

import pandas as pd

from lib03.config import DRAFT_TEMPLATE
from lib03.errors import ReportError
from lib03.report.facts import PeriodFacts
from lib03.report.formatting import (
    format_number,
    format_percent,
    headline_rates,
    period_label,
    rates,
)
from lib03.report.metrics import DISTRICT

TEMPLATE = DRAFT_TEMPLATE
MISSING = "chưa có số liệu"
# Blocks whose lines stay lines (one recipient a line), not one paragraph.
LIST_BLOCKS = ("noi_nhan",)
# The figures every period has (a missing one reads MISSING) ...
ALWAYS = ("ky", "chi_tieu", "so_bao_cao", "so_phai_bao_cao", "ty_le_gui_bao_cao", "so_dung_han",
          "ty_le_dung_han", "so_nop_muon", "so_khong_ghi_ngay", "so_chua_bao_cao",
          "buoi_quan_triet", "luot_hoc_chuyen_de", "guong_phat_hien", "guong_nhan_rong")
PER_RATE = ("ty_le", "so_sanh", "khoi_cao", "khoi_thap")
# ... and those present only when the data supports the sentence (`conditional`).
CONDITIONAL = ("danh_sach_yeu_kiem_tra", "ten_yeu_kiem_tra", "ty_le_duoi_chi_tieu",
               "so_chua_bo_phan_03", "danh_sach_chua_bo_phan_03", "danh_sach_chua_bao_cao",
               "danh_sach_nop_muon", "ten_chua_bao_cao", "so_tep_khong_dung_duoc",
               "so_tep_canh_bao")


def placeholder_names() -> tuple[str, ...]:
    """Every name a template may write in braces (docs/bao_cao_so_ket.md lists them)."""
    per_rate = tuple(f"{p}_{r.id}" for p in PER_RATE for r in rates())
    return ALWAYS + per_rate + CONDITIONAL


def parse_template(text: str) -> dict[str, tuple[int, list[str]]]:
    """The named blocks of a wording template: "## name" opens one, "#" starts a note.

    >>> parse_template("# note\\n## mo_dau\\nFirst line\\n  second\\n\\n## cuoi\\n")
    {'mo_dau': (2, ['First line', 'second']), 'cuoi': (6, [])}
    """
    blocks: dict[str, tuple[int, list[str]]] = {}
    name = None
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("## "):
            name = line[3:].strip()
            blocks[name] = (number, [])
        elif name is not None and not line.startswith("#") and line.strip():
            blocks[name][1].append(line.strip())
    return blocks


def read_template(path: Path = TEMPLATE) -> dict[str, str]:
    """Each block's text by name: `path`'s, and lib03's own for a block `path` lacks (so a
    copy made before a block was added keeps working). A wrong block name, placeholder or
    brace stops with a ReportError that says where."""
    own = parse_template(TEMPLATE.read_text(encoding="utf-8-sig"))
    try:
        theirs = own if Path(path) == TEMPLATE else parse_template(
            Path(path).read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:  # Notepad's "ANSI" instead of UTF-8
        raise ReportError(f"Mẫu lời văn {path} không phải chữ UTF-8: mở bằng Notepad, chọn "
                          "Lưu thành (Save As), mã hoá UTF-8.") from exc
    known = set(placeholder_names())
    out = {}
    for name, (line, lines) in theirs.items():
        where = f"Mẫu lời văn {path}, dòng {line} (đoạn «{name}»)"
        if name not in own:
            raise ReportError(f"{where}: không có đoạn tên này{_hint(name, own)}. "
                              "Giữ nguyên tên các đoạn của mẫu.")
        text = ("\n" if name in LIST_BLOCKS else " ").join(lines)
        for field in _fields(text, where):
            if field not in known:
                raise ReportError(f"{where}: không có số liệu tên «{{{field}}}»"
                                  f"{_hint(field, known)}. Các tên dùng được ghi ở đầu tệp "
                                  f"mẫu của lib03, {TEMPLATE}.")
        out[name] = text
    for name, (_, lines) in own.items():
        out.setdefault(name, ("\n" if name in LIST_BLOCKS else " ").join(lines))
    return out


def _fields(text: str, where: str) -> list[str]:
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        parsed = None
    if parsed is None or any(f is not None and (not f or spec or conv)
                             for _, f, spec, conv in parsed):
        raise ReportError(f"{where}: dấu ngoặc nhọn không khớp. Chỉ viết tên số liệu trong "
                          "ngoặc nhọn, ví dụ {ty_le_dang_ky}; muốn in chính dấu ngoặc nhọn "
                          "thì gõ hai lần: {{ hoặc }}.")
    return [f for _, f, _, _ in parsed if f]


def _hint(name: str, known) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=1)
    return f" (có phải «{close[0]}»?)" if close else ""


def _known(value: object) -> bool:
    return not pd.isna(value)


def change_words(change: object, previous_label: str | None, *,
                 current_known: bool = True) -> str:
    """A change of a rate in words, as a báo cáo writes it.

    >>> change_words(0.002, "6 tháng cuối năm 2013")
    'tăng 0,2 điểm phần trăm so với 6 tháng cuối năm 2013'
    >>> change_words(-0.05, "6 tháng cuối năm 2013"), change_words(None, None)
    ('giảm 5,0 điểm phần trăm so với 6 tháng cuối năm 2013', 'chưa có số liệu kỳ trước để so sánh')
    >>> change_words(None, "6 tháng cuối năm 2013", current_known=False)
    'chưa so sánh được với 6 tháng cuối năm 2013'
    """
    if previous_label is None:
        return "chưa có số liệu kỳ trước để so sánh"
    if not current_known:  # this period lacks the figure: nothing to compare
        return f"chưa so sánh được với {previous_label}"
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
        out[f"so_sanh_{rate.id}"] = change_words(None if row is None else row["change"], before,
                                                 current_known=_known(value))
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
            "ty_le_dung_han": format_percent(rep["on_time_rate"]),
            "so_nop_muon": format_number((facts.status["status"] == "late").sum()),
            "so_khong_ghi_ngay": format_number((facts.status["status"] == "no_date").sum()),
            "so_chua_bao_cao": format_number(rep["expected"] - rep["reported"])}
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
    labels = {r.id: r.label for r in headline_rates()}
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
    warned = facts.warned_files
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
