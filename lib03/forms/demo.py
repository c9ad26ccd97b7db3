"""The fictional sample district: raw report workbooks with known messiness and known answers.

`write_demo(out)` writes the registry, one folder per period, and `.ground_truth/`: what a
perfect cleaner outputs (units, submissions, indicators, monthly, inspections), every warning
or error it must log (`expected_problems.csv`) and every weak-inspection flag. The cleaner is
tested against it, so the planted problems are exactly those listed in `PLANTED` below; every
other file must read without a warning. Same seed, same bytes: nothing reads the clock.

Choices the ground truth makes where the spec leaves room:
- a quarantined file keeps the unit and report date it states (period_mismatch: both; an
  unknown unit: the date), but never an on_time value; broken files have neither;
- a Đảng bộ with no inspection at all is flagged `no_activity` and, its coverage being 0 %,
  `low_coverage` too; follow-up is not judged when kien_nghi is 0;
- a quarantined file carries only its quarantine code, nothing read from inside it.
"""

from __future__ import annotations

import csv
import io
import random
from copy import deepcopy
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

from lib03.config import Settings
from lib03.forms.demo_district import (
    CBCS,
    DB,
    FORMATS,
    LEGACY,
    PERIODS,
    ROLES,
    Content,
    Unit,
    all_units,
    build_district,
    make_content,
    registry_sheet,
)  # fmt: skip
from lib03.forms.demo_sheets import Look, Rendered, indicator_table, render
from lib03.forms.demo_word import docx_report
from lib03.sheetwrite import Sheet, archive_bytes, book_bytes, write_book, write_bytes
from lib03.text import strip_diacritics

# fmt: off
# role -> codes the cleaner must log for the file carrying it (2014-H1)
PLANTED = {
    "cell_fuzzy": {"cell_fuzzy_match"}, "total_row": {"total_row_skipped"},
    "extra_cell": {"subcells_vs_registry", "cell_unmatched"}, "near_miss": {"cell_unmatched"},
    "hcm_gt_met": {"content_hcm_gt_met"}, "formula": {"formula_no_value"},
    "khac_phuc_gt": {"khac_phuc_gt_kien_nghi"}, "duplicate": {"duplicate_submission"},
    "unparseable": {"value_unparseable"}, "percent": {"value_percent"},
    "extra_label": {"label_unmatched"}, "dang_ky_gt_total": {"dv_dang_ky_gt_total"},
    "wide_total": {"total_column_skipped"}, "stale_sheet": {"sheet_other_period"},
}
TRUTH_COLUMNS = {
    "units": ["unit_code", "unit_name", "unit_type", "parent_code", "sector", "members_ref",
              "active"],
    "submissions": ["period", "source_file", "unit_code", "report_date", "on_time", "status"],
    "indicators": ["period", "unit_code", "indicator", "value", "source"],
    "monthly": ["period", "unit_code", "month", "cells_met", "content_hcm", "content_thrift",
                "review", "source"],
    "inspections": ["period", "unit_code", "cell_code", "cell_name_raw", "inspected", "supervised",
                    "date", "findings", "resolved", "source"],
    "expected_problems": ["period", "source_file", "code"],
    "weak_inspection": ["period", "unit_code", "reason"],
}
# Every option of a deck is dealt once before any repeats (clean options are listed often).
_DECKS = {
    "summary": ["Tổng hợp"] * 4 + ["Tong hop", "Sheet1", "BC 6 thang"],
    "monthly": ["Sinh hoạt chi bộ"] * 3 + ["Sinh hoat CB", "SHCB"],
    "inspection": ["Kiểm tra, giám sát"] * 3 + ["KTGS", "Kiem tra giam sat"],
    "order": [(0, 1, 2)] * 5 + [(1, 0, 2), (2, 0, 1), (0, 2, 1)],
    "extra_sheet": [False] * 5 + [True], "offset": [(0, 0)] * 6 + [(1, 0), (0, 1), (2, 1), (1, 1)],
    "extras": [""] * 5 + ["dvt", "pct", "both"], "colnum": [False] * 4 + [True],
    "gap": [False] * 6 + [True], "signature": [True] * 3 + [False], "doc_no": [True, False],
    "date_in": ["title"] * 5 + ["cell", "cell", "inline"],
    "date_fmt": ["date", "dmy", "dmy0", "dot", "words"],
    "labels": ["canonical"] * 6 + ["nodiac", "upper", "abbrev", "spaces", "nfd", "variant"],
    "numbering": ["none"] * 5 + ["1.", "2-", "a)", "I."],
    "numbers": ["int"] * 5 + ["float", "text", "units"],
    "yes": ["x", "x", "X", "✓", "Có", "có", "co", "1", "Đã"], "no": ["", "", "", "Không", "K", "0"],
    "month": ["Tháng"] * 3 + ["T", "mm/yyyy", "Thang"],
    "headers": ["canonical"] * 4 + ["nodiac", "upper", "abbrev"],
    "name_vary": [False, True, True], "zero": ["0", "-", "khong"], "zero_m": [0, 0, "-"],
}
# fmt: on


class _Dealer:
    """Deals each option of a deck once before any repeats, so every kind of mess shows up."""

    def __init__(self, rng: random.Random):
        self.rng, self.piles = rng, {k: [] for k in _DECKS}

    def __call__(self, deck: str):
        if not self.piles[deck]:
            self.piles[deck] = self.rng.sample(_DECKS[deck], len(_DECKS[deck]))
        return self.piles[deck].pop()


@dataclass
class DemoFile:
    period: str
    path: str  # relative to the raw folder, with "/"
    status: str = "ok"  # ok | quarantined | superseded
    unit_code: str = ""
    report_date: date | None = None
    codes: set[str] = field(default_factory=set)
    sheets: list[Sheet] | None = None  # what was written (None for broken files)
    data: bytes | None = None
    look: Look | None = None
    rendered: Rendered | None = None
    content: Content | None = None
    role: str | None = None
    write_as: str | None = None  # the file on disk when `path` is a member of a .zip
    notes: list[tuple[str, str]] = field(default_factory=list)  # other sources' (path, code)


@dataclass
class Demo:
    registry: Sheet
    units: list[Unit]
    files: list[DemoFile]

    def truth(self, settings: Settings) -> dict[str, list[list[object]]]:
        """What a correct clean of these files gives under `settings` (their deadlines)."""
        return _truth(self, settings)


def build_demo(seed: int = 3, scale: int = 1) -> Demo:
    """Everything `write_demo` writes, in memory."""
    if scale < 1:
        raise ValueError("scale must be at least 1")
    rng = random.Random(seed)
    copies = [build_district(rng, k) for k in range(1, scale + 1)]
    deal = _Dealer(rng)
    files: list[DemoFile] = []
    earlier: dict[str, DemoFile] = {}  # each unit's 2013-H2 file
    for period in sorted(PERIODS):
        for k, copy in enumerate(copies, start=1):
            tag = f"H{k:02d} " if k > 1 else ""
            for idx, unit in enumerate(copy):
                _unit_files(files, earlier, deal, rng, unit, period, file_stem(unit, period, idx))
            if period == "2014-H1":
                _strays(files, deal, rng, period, k, tag)
    paths = [f.path for f in files]
    assert len(paths) == len(set(paths)), "file names must be unique"
    units = [u for copy in copies for u in copy]
    return Demo(registry_sheet(units), units, files)


def _unit_files(files, earlier, deal, rng, unit: Unit, period: str, stem: str) -> None:
    """The file(s) one grassroots unit sends in a period, with its planted role."""
    role = ROLES[period].get(unit.base)
    if not unit.active or role == "missing":
        return
    content = make_content(unit, period, rng, role)
    made = _report(files, period, content, _look(deal, unit, period, role), role, stem)
    made.codes |= PLANTED.get(role, set())
    tag = unit.code[:3] + " " if unit.code.startswith("H") else ""  # "H02 "
    if period == "2013-H2":
        earlier[unit.code] = made
    elif role == "duplicate":  # an earlier version under the plain name; the later one wins
        first_values = {**content.values, "dv_bao_cao": content.values["dv_bao_cao"] - 2}
        first = replace(content, report_date=content.report_date - timedelta(days=5),
                        values=first_values)  # fmt: skip
        made.path = made.path.replace(stem, stem + " (ban sua)")
        old = _report(files, period, first, made.look, None, stem)
        old.status, old.codes = "superseded", {"duplicate_submission"}
    elif role == "resent_old":  # last period's file sent again
        src = earlier[unit.code]
        name = f"{tag}BC CT03 {short_name(unit)} 6T cuoi nam 2013{src.look.fmt}"
        _extra(files, period, name, src.data, "period_mismatch", unit.code, src.report_date)
    elif role == "truncated_copy":  # a broken upload beside the good one
        name = f"{tag}BC CT03 {short_name(unit)} (loi){made.look.fmt}"
        _extra(files, period, name, made.data[: len(made.data) * 2 // 5], "file_corrupt")
    elif role == "stale_sheet":
        _keep_stale_sheet(made, earlier[unit.code])
    elif role in ("word", "word_header"):
        data, made.rendered = docx_report(made.rendered, header_table=role == "word_header")
        made.path, made.data = f"{period}/{stem}.docx", data
    elif role == "zipped":  # webmail's "download all attachments"
        member, made.write_as = made.path.rsplit("/", 1)[1], f"{period}/{stem} - dinh kem.zip"
        made.data = archive_bytes({member: made.data, "ghi chu.txt": _NOTE.encode()})
        made.path = f"{made.write_as}/{member}"
        made.notes = [(f"{made.write_as}/ghi chu.txt", "archive_member_skipped")]


_NOTE = "Kính gửi Ban Tuyên giáo Huyện ủy báo cáo Chỉ thị 03 của chi bộ.\r\n"


def _keep_stale_sheet(made: DemoFile, earlier: DemoFile) -> None:
    """Last period's summary left first in the workbook, this period's on a copy after it
    (Excel names a copied sheet "Tổng hợp (2)"); the cleaner reads the copy by its title."""
    stale = deepcopy(next(s for s in earlier.sheets if s.name == earlier.look.names[0]))
    rd, summary = made.rendered, made.look.names[0]
    if stale.name.casefold() == summary.casefold():
        renamed = f"{summary} (2)"
        next(s for s in rd.sheets if s.name == summary).name = renamed
        rd.indicators = [(*r[:2], renamed if r[2] == summary else r[2], r[3])
                         for r in rd.indicators]  # fmt: skip
    rd.sheets = [stale, *rd.sheets]
    made.sheets, made.data = rd.sheets, book_bytes(rd.sheets, made.look.fmt)


def _strays(files, deal, rng, period: str, k: int, tag: str) -> None:
    """Files that are no unit's report: an unknown unit, an empty file, a text file."""
    name = "Chi bộ Hợp tác xã Vận tải Sao Mai" + (f" {k}" if k > 1 else "")
    stranger = Unit("", "XX", name, CBCS, "Doanh nghiệp", 9)
    content = make_content(stranger, period, rng, None)
    look = _look(deal, stranger, period, None)
    made = _report(files, period, content, look, None, f"{tag}BC CT03 - CB HTX Van tai Sao Mai")
    made.status, made.codes, made.unit_code = "quarantined", {"unit_unknown"}, ""
    _extra(files, period, f"{tag}Book1.xlsx", b"", "file_empty")
    text = "BÁO CÁO KẾT QUẢ THỰC HIỆN CHỈ THỊ 03-CT/TW\r\n(bản nháp, chưa nhập số liệu)\r\n"
    _extra(files, period, f"{tag}bao cao CT03.xls", text.encode(), "file_not_spreadsheet")


def _report(files, period, content: Content, look: Look, role, stem: str) -> DemoFile:
    rendered = render(content, look, role)
    data = book_bytes(rendered.sheets, look.fmt)
    made = DemoFile(period, f"{period}/{stem}{look.fmt}", "ok", content.unit.code,
                    content.report_date, set(), rendered.sheets, data, look, rendered, content,
                    role)  # fmt: skip
    files.append(made)
    return made


def _extra(files, period, name, data, code, unit_code="", day=None) -> None:
    files.append(DemoFile(period, f"{period}/{name}", "quarantined", unit_code, day, {code},
                          data=data))  # fmt: skip


_LOOK_DECKS = ("order", "extra_sheet", "offset", "extras", "colnum", "gap", "signature", "doc_no",
               "date_in", "date_fmt", "labels", "numbering", "numbers", "yes", "no", "month",
               "headers", "name_vary", "zero", "zero_m")  # fmt: skip


def _look(deal: _Dealer, unit: Unit, period: str, role: str | None) -> Look:
    names = (deal("summary"), deal("monthly"), deal("inspection"))
    if names[0] == "Sheet1":
        names = ("Sheet1", "Sheet2", "Sheet3")
    fmt = FORMATS.get(unit.base, ".xlsx")
    look = Look(fmt, LEGACY.get(unit.base), names, *(deal(k) for k in _LOOK_DECKS))
    if look.legacy:  # what survives a legacy font: plain labels and marks, no unit words
        look = replace(look, labels="canonical", headers="canonical", name_vary=False, yes="x",
                       no="", numbers="int", month="Tháng", date_fmt="dmy")  # fmt: skip
    if unit.base == "DB02":  # a thousand members: "1.046" and "1.046 đ/c"
        look = replace(look, numbers="text" if period == "2014-H1" else "units")
    if role == "no_activity":
        look = replace(look, zero="khong")
    elif role in ("wide", "wide_total"):
        look = replace(look, monthly=role)
    elif role in ("word", "word_header"):  # a plain table from the top-left, dated in the title
        look = replace(look, order=(0, 1, 2), offset=(0, 0), gap=False, date_in="title",
                       extra_sheet=False)  # fmt: skip
    return look


def short_name(unit: Unit) -> str:
    name = unit.name.removeprefix("Đảng bộ ").removeprefix("Chi bộ ").removeprefix("xã ")
    return strip_diacritics(name)


def file_stem(unit: Unit, period: str, idx: int) -> str:
    """A file name as the unit would choose it."""
    half = "dau" if period.endswith("H1") else "cuoi"
    short = short_name(unit)
    kind = "DB" if unit.kind == DB else "CB"
    plain = unit.name.removeprefix("Chi bộ ").removeprefix("Đảng bộ ")
    return [
        unit.code, f"BC 03 {short} 6T {half} nam", f"bao cao CT03 - {kind} {short}",
        f"Báo cáo Chỉ thị 03 - {plain}", f"{short} - BC CT03 6T {half} nam {period[:4]}",
        f"BC_CT03_{short.replace(' ', '_')}_{period[:4]}",
    ][idx % 6]  # fmt: skip


def write_demo(out_dir: Path, settings: Settings, *, seed: int = 3, scale: int = 1) -> None:
    """Write the sample district's raw data and its ground truth under `out_dir`; the truth's
    on-time column follows the deadlines of `settings`."""
    out_dir = Path(out_dir)
    demo = build_demo(seed, scale)
    write_book([demo.registry], out_dir / "danh_muc_don_vi.xlsx")
    for f in demo.files:
        write_bytes(out_dir / (f.write_as or f.path), f.data)
    for name, rows in demo.truth(settings).items():
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(TRUTH_COLUMNS[name])
        writer.writerows([[_csv(v) for v in row] for row in rows])
        write_bytes(out_dir / ".ground_truth" / f"{name}.csv", ("\ufeff" + buf.getvalue()).encode())


def _csv(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _truth(demo: Demo, settings: Settings) -> dict[str, list[list[object]]]:
    order = {r["indicator"]: i for i, r in enumerate(indicator_table())}
    t = {"units": [[u.code, u.name, u.kind, u.parent, u.sector, u.members, u.active]
                   for u in sorted(all_units(demo.units), key=lambda u: u.code)]}  # fmt: skip
    subs, ind, mon, insp, probs, weak = [], [], [], [], [], []
    for f in sorted(demo.files, key=lambda f: (f.period, f.path)):
        deadline = date.fromisoformat(settings.deadline(f.period))
        dated = f.report_date and f.status != "quarantined"
        on_time = f.report_date <= deadline if dated else None
        subs.append([f.period, f.path, f.unit_code, f.report_date, on_time, f.status])
        probs += [[f.period, f.path, code] for code in sorted(f.codes)]
        probs += [[f.period, path, code] for path, code in f.notes]
        if f.status != "ok":
            continue
        rd, key = f.rendered, (f.period, f.unit_code)
        ind += [[*key, i, v, f"{f.path}!{s}!{cell}"] for i, v, s, cell in rd.indicators]
        mon += [[*key, *m[:5], f"{f.path}!{m[5]}!{m[6]}"] for m in rd.monthly]
        insp += [[*key, *r[:7], f"{f.path}!{r[7]}!{r[8]}"] for r in rd.inspections]
        weak += [[*key, reason] for reason in weak_reasons(rd, f.report_date)]
    t["submissions"] = subs
    t["indicators"] = sorted(ind, key=lambda r: (r[0], r[1], order[r[2]]))
    t["monthly"] = sorted(mon, key=lambda r: (r[0], r[1], r[2]))
    t["inspections"] = sorted(insp, key=lambda r: (r[0], r[1]))  # stable: keeps sheet row order
    t["expected_problems"] = sorted(probs)
    t["weak_inspection"] = sorted(weak)
    return t


def weak_reasons(rd: Rendered, report_date: date) -> list[str]:
    """The weak inspection follow-up flags of docs/du_lieu.md §5, with the default thresholds."""
    if not rd.inspections:
        return []
    v = {i: val for i, val, *_ in rd.indicators}
    reasons = []
    acted = [r for r in rd.inspections if r[2] or r[3]]
    if not acted and not (v.get("cuoc_kiem_tra") or v.get("cuoc_giam_sat")):
        reasons.append("no_activity")
    subcells = v.get("so_chi_bo_truc_thuoc")
    if subcells and len({r[0] for r in acted if r[0]}) / subcells < 0.5:
        reasons.append("low_coverage")
    followed = v.get("kien_nghi_khac_phuc")
    if v.get("kien_nghi") and followed is not None and followed / v["kien_nghi"] < 0.7:
        reasons.append("low_followup")
    if any(
        r[5] is not None
        and r[6] is not None
        and r[5] > r[6]
        and r[4]
        and (report_date - r[4]).days > 90
        for r in rd.inspections
    ):
        reasons.append("overdue_finding")
    return reasons
