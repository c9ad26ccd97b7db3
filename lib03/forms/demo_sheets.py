"""Lay out one report (a `Content`) as the sheets a unit would have typed, with the messiness of
real workbooks (docs/du_lieu.md §3) chosen by a `Look`, and record where every figure landed
(the ground-truth sources).

Conventions the cleaner can rely on: a table starts at its header row and ends at the first
blank row; notes and the signature block come after that blank row, notes in the STT column
and the signature under the right half of the title. Labels, headers and hand-typed cell names
fold (text.fold_key) to the same key as their canonical form unless a problem is planted.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from lib03 import legacy
from lib03.domain import read_table
from lib03.forms.demo_district import CBCS, DB, Content, name_variant
from lib03.sheetwrite import Formula, Sheet, address
from lib03.text import strip_diacritics

# fmt: off
ABBREV = {
    "tong_dang_vien": "Tổng số ĐV", "dv_dang_ky": "Số ĐV đã đăng ký nêu gương, gương mẫu thực hiện",
    "tong_tap_the": "TS tập thể (cấp ủy, CB) phải đăng ký",
    "dv_bao_cao": "Số ĐV báo cáo kết quả học tập và làm theo",
    "dv_hoc_chuyen_de": "Số ĐV tham gia học tập chuyên đề",
    "bo_phan_03": "Đã kiện toàn BP giúp việc 03", "so_chi_bo_truc_thuoc": "Số CB trực thuộc",
    "cuoc_kiem_tra": "Số cuộc KT đối với CB trực thuộc",
    "cuoc_giam_sat": "Số cuộc GS đối với CB trực thuộc", "kien_nghi": "Số kiến nghị sau KT, GS",
}
UNIT_WORD = {"dang_vien": "đ/c", "dv_": "đ/c", "tap_the": "tập thể", "buoi": "buổi",
             "guong": "gương", "so_chi_bo": "chi bộ", "cuoc": "cuộc", "kien_nghi": "kiến nghị"}
HEADERS = {  # summary stt,label,value,note,dvt,pct | monthly (5 + note) | inspection (8)
    "canonical": (
        ["STT", "Nội dung (chỉ tiêu)", "Số lượng", "Ghi chú", "Đơn vị tính", "Tỷ lệ %"],
        ["Tháng", "Số chi bộ sinh hoạt",
         "Nội dung học tập và làm theo tấm gương đạo đức Hồ Chí Minh",
         "Nội dung thực hành tiết kiệm, chống lãng phí, phòng chống tham nhũng",
         "Kiểm điểm, đánh giá việc thực hiện bản đăng ký", "Ghi chú"],
        ["STT", "Chi bộ", "Kiểm tra", "Giám sát", "Ngày thực hiện", "Số kiến nghị", "Đã khắc phục",
         "Ghi chú"]),
    "upper": (
        ["STT", "NỘI DUNG", "KẾT QUẢ", "GHI CHÚ", "ĐVT", "TỶ LỆ (%)"],
        ["THÁNG", "SỐ CHI BỘ SINH HOẠT", "HỌC TẬP VÀ LÀM THEO TẤM GƯƠNG HỒ CHÍ MINH",
         "TIẾT KIỆM, CHỐNG LÃNG PHÍ", "KIỂM ĐIỂM, ĐÁNH GIÁ", "GHI CHÚ"],
        ["STT", "TÊN CHI BỘ", "KIỂM TRA", "GIÁM SÁT", "THỜI GIAN", "KIẾN NGHỊ", "ĐÃ GIẢI QUYẾT",
         "GHI CHÚ"]),
    "abbrev": (
        ["Số thứ tự", "Chỉ tiêu", "SL", "Ghi chú", "ĐVT", "Tỷ lệ (%)"],
        ["Tháng", "Số CB sinh hoạt", "ND học tập và làm theo gương Bác",
         "ND tiết kiệm, chống lãng phí, PCTN", "Kiểm điểm bản đăng ký", "Ghi chú"],
        ["STT", "Tên đơn vị", "KT", "GS", "Ngày KT, GS", "Số KN", "KN đã khắc phục", "Ghi chú"]),
}
HEADERS["nodiac"] = tuple([strip_diacritics(t) for t in part] for part in HEADERS["canonical"])
SIGNERS = ["Nguyễn Văn An", "Trần Thị Bích", "Lê Minh Châu", "Phạm Quốc Dũng", "Võ Thị Hạnh",
           "Huỳnh Văn Khải", "Đặng Thanh Long"]
LETTERS = "a b c d đ e g h i k l m n o p q".split()  # noqa: SIM905
ROMAN = "I II III IV V VI VII VIII IX X XI XII XIII XIV XV XVI".split()  # noqa: SIM905
# fmt: on


@cache
def indicator_table() -> tuple[dict[str, str], ...]:
    return tuple(read_table("indicators"))


@cache
def label_variant(indicator: str) -> str:
    label = next(r["label"] for r in indicator_table() if r["indicator"] == indicator)
    found = [r["variant"] for r in read_table("label_variants") if r["target"] == indicator]
    return next((v for v in found if v != label), label)


@dataclass
class Look:
    """How one file is laid out and typed; every field is one kind of messiness
    (docs/du_lieu.md §3)."""

    fmt: str = ".xlsx"
    legacy: str | None = None
    names: tuple[str, str, str] = ("Tổng hợp", "Sinh hoạt chi bộ", "Kiểm tra, giám sát")
    order: tuple[int, ...] = (0, 1, 2)
    extra_sheet: bool = False
    offset: tuple[int, int] = (0, 0)
    extras: str = ""  # "", "dvt", "pct", "both": Đơn vị tính / Tỷ lệ % beside the value
    colnum: bool = False
    gap: bool = False  # label merged over two columns: a blank column before the value
    signature: bool = True
    doc_no: bool = True
    date_in: str = "title"  # title | cell | inline
    date_fmt: str = "date"
    labels: str = "canonical"
    numbering: str = "none"
    numbers: str = "int"
    yes: str = "x"
    no: str = ""
    month: str = "Tháng"
    headers: str = "canonical"
    name_vary: bool = False
    zero: str = "0"  # how a zero count is typed in the summary: 0, "-" or "không"
    zero_m: object = 0  # … and in the monthly and inspection tables: 0 or "-"
    monthly: str = "long"  # long | wide (months across) | wide_total (and a total column)


@dataclass
class Rendered:
    sheets: list[Sheet]
    indicators: list[tuple] = field(default_factory=list)  # indicator, value, sheet, cell
    monthly: list[tuple] = field(default_factory=list)  # month, 4 counts, sheet, span
    inspections: list[tuple] = field(default_factory=list)  # code, name, 5 values, sheet, span
    headers: dict[str, tuple[str, int]] = field(default_factory=dict)  # table -> sheet, row


def fmt_date(day: date, style: str) -> object:
    return {
        "date": day, "dmy": f"{day.day}/{day.month}/{day.year}", "dmy0": f"{day:%d-%m-%Y}",
        "dot": f"{day.day}.{day.month}.{day.year}",
        "words": f"ngày {day.day} tháng {day.month} năm {day.year}",
    }[style]  # fmt: skip


def period_words(period: str) -> str:
    year, half = period.split("-")
    return f"6 tháng {'đầu' if half == 'H1' else 'cuối'} năm {year}"


def _label(text: str, style: str, numbering: str, i: int) -> str:
    if style == "nodiac":
        text = strip_diacritics(text)
    elif style == "upper":
        text = text.upper()
    elif style == "nfd":
        text = unicodedata.normalize("NFD", text)
    elif style == "spaces":
        words = text.split(" ")
        k = len(words) // 2
        text = " " + "  ".join(words[:k]) + "\n" + " ".join(words[k:]) + " "
    number = {"1.": f"{i + 1}.", "2-": f"{i + 1}-", "a)": f"{LETTERS[i]})", "I.": f"{ROMAN[i]}."}
    return f"{number[numbering]} {text}" if numbering in number else text


def count_raw(indicator: str, v: int, look: Look) -> object:
    if v == 0:
        return {"0": 0, "-": "-", "khong": "không"}[look.zero]
    grouped = f"{v:,}".replace(",", ".")
    if look.numbers == "float":
        return float(v)
    if look.numbers == "text" or (v >= 1000 and look.numbers != "int"):
        return grouped if look.numbers != "units" else f"{grouped} {unit_word(indicator)}"
    if look.numbers == "units":
        return f"{v} {unit_word(indicator)}"
    return v


def unit_word(indicator: str) -> str:
    return next((w for k, w in UNIT_WORD.items() if k in indicator), "")


def mark(value: int, look: Look) -> object:
    raw = look.yes if value else look.no
    return int(raw) if raw in ("0", "1") else raw or None


class _Builder:
    """Cells of one sheet, plus which of them are all-caps title text (.VnTimeH in TCVN3)."""

    def __init__(self, name: str):
        self.sheet = Sheet(name)
        self.caps: set[tuple[int, int]] = set()

    def put(self, r: int, c: int, value: object, *, caps: bool = False, to: int | None = None):
        if value is None or value == "":
            return
        self.sheet.cells[(r, c)] = value
        if caps:
            self.caps.add((r, c))
            self.sheet.bold.add((r, c))
        if to is not None and to > c:
            self.sheet.merges.append((r, c, r, to))


def render(c: Content, look: Look, role: str | None) -> Rendered:
    out = Rendered([])
    built = [_summary(c, look, role, out), _monthly(c, look, role, out)]
    if c.unit.kind == DB:
        built.append(_inspection(c, look, out))
    out.sheets = [built[i].sheet for i in look.order if i < len(built)]
    if look.extra_sheet:
        out.sheets.append(Sheet(f"Sheet{len(built) + 1}"))
    if look.legacy:
        for b in built:
            _encode(b, look.legacy)
    return out


def _encode(b: _Builder, encoding: str) -> None:
    """Re-type every text cell in a legacy font: TCVN3 (.VnTime, title caps in .VnTimeH, typed
    in lower case as the H font shows capitals) or VNI-Windows (VNI-Times)."""
    b.sheet.font = ".VnTime" if encoding == "tcvn3" else "VNI-Times"
    for key, value in b.sheet.cells.items():
        if isinstance(value, str):
            upper = encoding == "tcvn3" and key in b.caps
            b.sheet.cells[key] = legacy.from_unicode(value.lower() if upper else value, encoding)
            if upper:
                b.sheet.fonts[key] = ".VnTimeH"


def _title(b: _Builder, c: Content, look: Look, r: int, c0: int, split: int, last: int) -> int:
    """The title block from row r; returns the first row after it."""
    u = c.unit
    b.put(r, c0, "ĐẢNG BỘ HUYỆN MẪU", caps=True, to=split - 1)
    b.put(r, split, "ĐẢNG CỘNG SẢN VIỆT NAM", caps=True, to=last)
    b.put(r + 1, c0, u.heading, caps=True, to=split - 1)
    d = c.report_date
    if look.date_in == "title":
        b.put(r + 1, split, f"{u.place}, ngày {d.day} tháng {d.month} năm {d.year}", to=last)
    if look.doc_no:
        b.put(r + 2, c0, f"Số {10 + d.day}-BC/{'ĐU' if u.kind == DB else 'CB'}", to=split - 1)
    b.put(r + 4, c0, "BÁO CÁO", caps=True, to=last)
    b.put(r + 5, c0, f"Kết quả thực hiện Chỉ thị 03-CT/TW {period_words(c.period)}", to=last)
    b.put(r + 6, c0, f"Đơn vị: {u.name}", to=last)
    r += 7
    if look.date_in == "cell":
        b.put(r, c0 + 1, "Ngày báo cáo:")
        b.put(r, split, fmt_date(d, look.date_fmt))
        r += 1
    elif look.date_in == "inline":
        b.put(r, c0 + 1, f"Ngày báo cáo: {d.day}/{d.month}/{d.year}")
        r += 1
    return r + 1


def _summary(c: Content, look: Look, role: str | None, out: Rendered) -> _Builder:
    b = _Builder(look.names[0])
    r0, c0 = look.offset
    heads = HEADERS[look.headers][0]
    cols = ["stt", "label"] + ["gap"] * look.gap + ["dvt"] * (look.extras in ("dvt", "both"))
    cols += ["value"] + ["pct"] * (look.extras in ("pct", "both")) + ["note"]
    pos = {k: c0 + i for i, k in enumerate(cols)}
    last = c0 + len(cols) - 1
    r = _title(b, c, look, r0, c0, pos["value"], last)
    text = dict(zip(["stt", "label", "value", "note", "dvt", "pct"], heads, strict=True))
    out.headers["summary"] = (b.sheet.name, r)
    for k, col in pos.items():
        b.put(r, col, text.get(k), to=pos["gap"] if k == "label" and look.gap else None)
    if look.colnum:
        r += 1
        for i, k in enumerate(k for k in cols if k != "gap"):
            b.put(r, pos[k], f"({i + 1})")
    rows = [x for x in indicator_table() if x["scope"] == "all" or c.unit.kind == DB]
    total = c.values["tong_dang_vien"]
    cell_of: dict[str, str] = {}
    sheet, i = b.sheet.name, 0
    for ind in rows:
        key, v = ind["indicator"], c.values[ind["indicator"]]
        r += 1
        style = look.labels
        text = {"abbrev": ABBREV.get(key), "variant": label_variant(key)}.get(style) or ind["label"]
        b.put(r, pos["stt"], i + 1)
        b.put(r, pos["label"], _label(text, style, look.numbering, i), to=pos.get("gap"))
        b.put(r, pos.get("dvt", -1), unit_word(key) if "dvt" in pos else None)
        if key == "bo_phan_03":
            raw = {"x": "x", "Có": "Có"}.get(look.yes, "Có") if v else "Không"
        else:
            raw = count_raw(key, v, look)
        value = v
        if (role, key) in (("unparseable", "dv_bao_cao"), ("percent", "dv_hoc_chuyen_de")):
            raw, value = ("đang cập nhật" if role == "unparseable" else "85%"), None
        elif role == "formula" and key == "tap_the_dang_ky":
            raw, value = Formula(f"={cell_of['tong_tap_the']}"), None
        elif role == "zero_dc" and key == "dv_bao_cao":
            raw = "0 đ/c"
        b.put(r, pos["value"], raw)
        cell_of[key] = address(r, pos["value"])
        out.indicators.append((key, value, sheet, cell_of[key]))
        if "pct" in pos and key.startswith(("dv_",)) and total:
            b.put(r, pos["pct"], f"{100 * v / total:.1f}%".replace(".", ","))
        i += 1
        if role == "extra_label" and key == "guong_nhan_rong":
            r += 1
            b.put(r, pos["stt"], i + 1)
            text = _label("Số lượt đoàn viên thanh niên tham gia", style, look.numbering, i)
            b.put(r, pos["label"], text, to=pos.get("gap"))
            b.put(r, pos["value"], 45)
            i += 1
    if look.signature:
        who = "T/M ĐẢNG ỦY" if c.unit.kind == DB else "T/M CHI BỘ"
        name = SIGNERS[sum(map(ord, c.unit.name)) % len(SIGNERS)]
        lines = [("Nơi nhận:", who), ("- Ban Tuyên giáo Huyện ủy;", "BÍ THƯ"), ("- Lưu.", None),
                 (None, None), (None, name)]  # fmt: skip
        for k, (left, right) in enumerate(lines):
            b.put(r + 2 + k, c0, left)
            b.put(r + 2 + k, pos["value"], right, caps=right in (who, "BÍ THƯ"), to=last)
    return b


def _monthly(c: Content, look: Look, role: str | None, out: Rendered) -> _Builder:
    b = _Builder(look.names[1])
    r0, c0 = look.offset[1], look.offset[0]
    heads = HEADERS[look.headers][1]
    if c.unit.kind == CBCS:
        heads = [heads[0], "Sinh hoạt chi bộ", *heads[2:]]
    b.put(r0, c0, "TÌNH HÌNH SINH HOẠT CHI BỘ HẰNG THÁNG", caps=True, to=c0 + 5)
    b.put(r0 + 1, c0, f"Đơn vị: {c.unit.name} - {period_words(c.period)}", to=c0 + 5)
    r = r0 + 3
    out.headers["monthly"] = (b.sheet.name, r)
    for k, text in enumerate(heads):
        b.put(r, c0 + k, text)
    if look.monthly != "long":
        _wide_months(b, c, look, role, heads, r, c0, out)
        return b
    year = c.period[:4]
    for month, *counts in c.months:
        r += 1
        label = {"Tháng": f"Tháng {month}", "T": f"T{month}", "mm/yyyy": f"{month:02d}/{year}",
                 "Thang": f"Thang {month}"}[look.month]  # fmt: skip
        b.put(r, c0, label)
        for k, v in enumerate(counts, start=1):
            b.put(r, c0 + k, mark(v, look) if c.unit.kind == CBCS else (v or look.zero_m))
        out.monthly.append((month, *counts, b.sheet.name, f"{address(r, c0)}:{address(r, c0 + 4)}"))
    if role == "total_row":
        r += 1
        b.put(r, c0, "Cộng")
        for k in range(1, 5):
            b.put(r, c0 + k, sum(m[k] for m in c.months))
    return b


def _wide_months(b: _Builder, c: Content, look: Look, role, heads, r: int, c0: int,
                 out: Rendered) -> None:
    """The monthly table turned: months across the columns, the four contents down the rows,
    maybe a total column after the months (the cleaner skips it)."""
    b.put(r, c0, "Nội dung")
    for k, text in enumerate(heads[1:5], start=1):
        b.put(r + k, c0, text)
    col = c0
    for month, *counts in c.months:
        col += 1
        b.put(r, col, f"Tháng {month}")
        for k, v in enumerate(counts, start=1):
            b.put(r + k, col, mark(v, look) if c.unit.kind == CBCS else (v or look.zero_m))
        span = f"{address(r, col)}:{address(r + 4, col)}"
        out.monthly.append((month, *counts, b.sheet.name, span))
    if look.monthly == "wide_total":
        b.put(r, col + 1, "Cộng 6 tháng")
        for k in range(1, 5):
            b.put(r + k, col + 1, sum(m[k] for m in c.months))


def _inspection(c: Content, look: Look, out: Rendered) -> _Builder:
    b = _Builder(look.names[2])
    c0 = look.offset[1]
    b.put(0, c0, "KẾT QUẢ KIỂM TRA, GIÁM SÁT ĐỐI VỚI CHI BỘ TRỰC THUỘC", caps=True, to=c0 + 7)
    b.put(1, c0, period_words(c.period).capitalize(), to=c0 + 7)
    r = 3
    out.headers["inspection"] = (b.sheet.name, r)
    for k, text in enumerate(HEADERS[look.headers][2]):
        b.put(r, c0 + k, text)
    for i, row in enumerate(c.insp):
        r += 1
        typed = row.typed
        if look.name_vary and row.cell is not None and typed == row.cell.name:
            typed = name_variant(typed, i)
        b.put(r, c0, i + 1)
        b.put(r, c0 + 1, typed)
        b.put(r, c0 + 2, mark(row.inspected, look))
        b.put(r, c0 + 3, mark(row.supervised, look))
        b.put(r, c0 + 4, fmt_date(row.day, look.date_fmt) if row.day else None)
        for k, v in ((5, row.findings), (6, row.resolved)):
            b.put(r, c0 + k, None if v is None else (v or look.zero_m))
        if row.findings and row.resolved is not None and row.resolved < row.findings:
            b.put(r, c0 + 7, "Đang khắc phục")
        code, raw_name = row.cell.code if row.cell else "", unicodedata.normalize("NFC", typed)
        values = (int(row.inspected), int(row.supervised), row.day, row.findings, row.resolved)
        span = f"{address(r, c0 + 1)}:{address(r, c0 + 6)}"
        out.inspections.append((code, " ".join(raw_name.split()), *values, b.sheet.name, span))
    return b
