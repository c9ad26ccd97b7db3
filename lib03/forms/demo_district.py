"""The fictional district "Huyện Mẫu" of the demo: its units, the registry workbook and what
each unit reports in a period (values before any layout or messiness is applied).

Every name here is invented. Planted problems are keyed by the base unit code (`DB01`, `CB05`),
so each copy of the district at `scale > 1` carries the same mix.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

from lib03.periods import period_months
from lib03.sheetwrite import Sheet
from lib03.text import strip_diacritics

XA, LLVT, DN, CQ = "Xã, thị trấn", "Lực lượng vũ trang", "Doanh nghiệp", "Cơ quan, đơn vị sự nghiệp"
DB, CBCS, CBTT = "dang_bo_co_so", "chi_bo_co_so", "chi_bo_truc_thuoc"
TYPE_LABEL = {DB: "Đảng bộ cơ sở", CBCS: "Chi bộ cơ sở", CBTT: "Chi bộ trực thuộc"}
PERIODS = {
    "2013-H2": (date(2013, 7, 1), date(2013, 12, 20)),
    "2014-H1": (date(2014, 1, 1), date(2014, 6, 20)),
    "2014-H2": (date(2014, 7, 1), date(2014, 12, 20)),  # a third period: the trend is drawn
}
COMMON = ["Công an xã", "Quân sự xã"]

# code, name, place, sector, subordinate cells ("Chi bộ " is prefixed), inactive cell
# fmt: off
_DANG_BO = [
    ("DB01", "Đảng bộ xã Tân Phú", "Tân Phú", XA,
     ["ấp 1", "ấp 2", "ấp 3", "ấp 4", "ấp Phước Lợi", "ấp Tân Hòa", "Trường Tiểu học Tân Phú",
      "Trường Mầm non Tân Phú", *COMMON], None),
    ("DB02", "Đảng bộ thị trấn Mẫu Sơn", "Mẫu Sơn", XA,
     [f"khu phố {i}" for i in range(1, 12)]
     + ["Công an thị trấn", "Quân sự thị trấn", "Cơ quan thị trấn"], None),
    ("DB03", "Đảng bộ xã Phước Hòa", "Phước Hòa", XA,
     ["ấp 1", "ấp 2", "ấp 3", "ấp 4", "ấp 5", "ấp Bàu Sen", "Trường Mầm non Phước Hòa",
      *COMMON], None),
    ("DB04", "Đảng bộ xã An Bình", "An Bình", XA,
     ["ấp An Lợi", "ấp An Hòa", "ấp An Thạnh", "ấp Bình Đông", "ấp Bình Tây",
      "Trường Tiểu học An Bình", *COMMON], None),
    ("DB05", "Đảng bộ xã Long Thạnh", "Long Thạnh", XA,
     [f"ấp {i}" for i in range(1, 11)] + COMMON, "ấp Cây Dầu"),
    ("DB06", "Đảng bộ xã Mỹ Lộc", "Mỹ Lộc", XA,
     ["ấp Mỹ Thạnh", "ấp Mỹ Hòa", "ấp Mỹ Phú", "ấp Lộc Tiến", "ấp Lộc An", "Trường THCS Mỹ Lộc",
      "Cơ quan xã", *COMMON], None),
    ("DB07", "Đảng bộ xã Bình Minh", "Bình Minh", XA,
     [f"ấp {i}" for i in range(1, 7)] + ["ấp Rạch Gốc", "Trường Tiểu học Bình Minh", *COMMON],
     None),
    ("DB08", "Đảng bộ xã Thạnh Đông", "Thạnh Đông", XA,
     ["ấp 1", "ấp 2", "ấp 3", "ấp 4", "ấp Đông Hải", "Trường Mầm non Thạnh Đông", *COMMON], None),
    ("DB09", "Đảng bộ xã Vĩnh Xuân", "Vĩnh Xuân", XA,
     ["ấp Vĩnh Lợi", "ấp Vĩnh Phú", "ấp Xuân Hòa", "ấp Xuân Thạnh", "ấp 5", "ấp 6", "ấp 7",
      "Trường Tiểu học Vĩnh Xuân", "Trường Mầm non Vĩnh Xuân", *COMMON], None),
    ("DB10", "Đảng bộ xã Hòa Lợi", "Hòa Lợi", XA,
     [f"ấp {i}" for i in range(1, 7)] + ["Trường Tiểu học Hòa Lợi", *COMMON], None),
    ("DB11", "Đảng bộ Quân sự huyện", "Mẫu Sơn", LLVT,
     ["Cơ quan Tham mưu", "Chính trị - Hậu cần", "Đại đội Bộ binh 1", "Đại đội Bộ binh 2",
      "Trung đội Trinh sát", "Ban Chỉ huy Quân sự"], None),
    ("DB12", "Đảng bộ Công an huyện", "Mẫu Sơn", LLVT,
     ["Đội Cảnh sát Giao thông", "Đội An ninh", "Đội Cảnh sát Hình sự", "Đội Cảnh sát Kinh tế",
      "Nhà tạm giữ", "Tham mưu - Tổng hợp", "Đội Xây dựng phong trào"], None),
    ("DB13", "Đảng bộ Công ty Cổ phần Cao su Mẫu Sơn", "Mẫu Sơn", DN,
     ["Nông trường 1", "Nông trường 2", "Nông trường 3", "Nhà máy Chế biến", "Văn phòng Công ty",
      "Phòng Kỹ thuật", "Đội Xe"], None),
    ("DB14", "Đảng bộ Bệnh viện Đa khoa huyện", "Mẫu Sơn", CQ,
     ["Khoa Nội", "Khoa Ngoại", "Khoa Sản - Nhi", "Khoa Khám bệnh", "Cận lâm sàng",
      "Hành chính - Tổng hợp"], None),
]
_CHI_BO = [
    "Văn phòng Huyện ủy", "Ban Tổ chức Huyện ủy", "Ban Tuyên giáo Huyện ủy",
    "Ủy ban Kiểm tra Huyện ủy", "Văn phòng HĐND và UBND huyện", "Phòng Tài chính - Kế hoạch",
    "Phòng Giáo dục và Đào tạo", "Phòng Nông nghiệp và Phát triển nông thôn",
    "Phòng Tài nguyên và Môi trường", "Trung tâm Y tế huyện", "Trường THPT Mẫu Sơn",
    "Trường THPT Tân Phú", "Trường THCS Tân Phú", "Trường THCS Phước Hòa", "Trường THCS An Bình",
    "Trường Tiểu học Mẫu Sơn", "Trường Dân tộc Nội trú huyện", "Trung tâm Giáo dục thường xuyên",
    "Ngân hàng Nông nghiệp huyện", "Chi cục Thuế huyện", "Kho bạc Nhà nước huyện",
    "Viện Kiểm sát nhân dân huyện", "Tòa án nhân dân huyện", "Công ty TNHH Xây dựng Mẫu Sơn",
    "Công ty Cổ phần Cấp nước Mẫu Sơn", "Bưu điện huyện", "Xí nghiệp Gạch ngói Mẫu Sơn",
]
# fmt: on
_CB_SECTOR_DN = {"CB24", "CB25", "CB26", "CB27"}
INACTIVE_CB = "CB27"

# Planted roles by base code: what is wrong (or weak) in that unit's 2014-H1 report.
# fmt: off
ROLES_H1 = {
    "DB01": "cell_fuzzy", "DB02": "total_row", "DB03": "extra_cell", "DB04": "low_followup",
    "DB06": "overdue", "DB08": "near_miss", "DB09": "no_activity", "DB10": "low_coverage",
    "DB11": "hcm_gt_met", "DB12": "formula", "DB13": "khac_phuc_gt", "CB05": "duplicate",
    "CB09": "late", "CB10": "total_row", "CB11": "resent_old", "CB13": "unparseable",
    "CB16": "percent", "CB18": "extra_label", "CB20": "truncated_copy", "CB21": "missing",
    "CB22": "dang_ky_gt_total",
    # forms a unit may send instead of the usual workbook, all read without a warning
    "DB05": "wide_total", "CB07": "wide", "CB06": "stale_sheet", "CB01": "word_header",
    "DB14": "word", "CB12": "zipped",
}
# fmt: on
ROLES_H2 = {"CB25": "zero_dc"}
# 2014-H2: one unit silent again, one late, one Đảng bộ whose inspection slipped.
ROLES_2014_H2 = {"CB21": "missing", "CB14": "late", "DB09": "low_coverage"}
ROLES = {"2013-H2": ROLES_H2, "2014-H1": ROLES_H1, "2014-H2": ROLES_2014_H2}
LEGACY = {"DB07": "tcvn3", "CB15": "vni"}
FORMATS = {
    **dict.fromkeys(["CB02", "CB08", "DB05", "CB17", "CB24"], ".xlsm"),
    **dict.fromkeys(["CB15", "CB03", "CB14", "DB10", "CB26"], ".xls"),
    **dict.fromkeys(["CB04", "CB12", "DB14", "CB19", "CB23"], ".ods"),
}


@dataclass
class Unit:
    code: str
    base: str  # code in the district template (DB01 for H03-DB01)
    name: str
    kind: str
    sector: str
    members: int
    parent: str = ""
    active: bool = True
    place: str = "Mẫu Sơn"
    children: list[Unit] = field(default_factory=list)

    @property
    def cells(self) -> list[Unit]:
        return [c for c in self.children if c.active]

    @property
    def heading(self) -> str:
        """The issuing body as the title block writes it (ĐẢNG ỦY XÃ TÂN PHÚ / CHI BỘ …)."""
        if self.kind == DB:
            return "ĐẢNG ỦY " + self.name.removeprefix("Đảng bộ ").upper()
        return self.name.upper()


def build_district(rng: random.Random, copy: int) -> list[Unit]:
    """The grassroots units of one copy of the district, children attached."""
    prefix = f"H{copy:02d}-" if copy > 1 else ""
    suffix = f" {copy}" if copy > 1 else ""
    units = []
    for base, name, place, sector, cells, inactive in _DANG_BO:
        code = prefix + base
        unit = Unit(code, base, name + suffix, DB, sector, 0, place=place)
        big = base == "DB02"  # the town: more than a thousand members ("1.046")
        for i, cell in enumerate([*cells, inactive] if inactive else cells, start=1):
            members = rng.randint(70, 80) if big else rng.randint(8, 34)
            child = Unit(f"{code}-{i:02d}", f"{base}-{i:02d}", f"Chi bộ {cell}", CBTT, sector,
                         members, parent=code, active=cell != inactive)  # fmt: skip
            unit.children.append(child)
        unit.members = sum(c.members for c in unit.cells)
        units.append(unit)
    for i, cell in enumerate(_CHI_BO, start=1):
        base = f"CB{i:02d}"
        sector = DN if base in _CB_SECTOR_DN else CQ
        name, members = f"Chi bộ {cell}{suffix}", rng.randint(5, 32)
        active = base != INACTIVE_CB
        units.append(Unit(prefix + base, base, name, CBCS, sector, members, active=active))
    return units


def registry_sheet(units: list[Unit]) -> Sheet:
    """danh_muc_don_vi.xlsx: 2-row merged title, a blank row, the header, one row per unit."""
    sheet = Sheet("Danh mục")
    sheet.cells[(0, 0)] = "DANH MỤC TỔ CHỨC CƠ SỞ ĐẢNG VÀ CHI BỘ TRỰC THUỘC"
    sheet.cells[(1, 0)] = "Đảng bộ huyện Mẫu (dữ liệu giả định dùng để chạy thử)"
    sheet.merges += [(0, 0, 0, 6), (1, 0, 1, 6)]
    sheet.bold.add((0, 0))
    header = ["Mã đơn vị", "Tên đơn vị", "Loại", "Cấp trên", "Khối", "Số đảng viên"]
    header.append("Còn hoạt động")
    rows = sorted(all_units(units), key=lambda u: u.code)
    for c, text in enumerate(header):
        sheet.cells[(3, c)] = text
        sheet.bold.add((3, c))
    for r, u in enumerate(rows, start=4):
        active = "Có" if u.active else "Không"
        values = [u.code, u.name, TYPE_LABEL[u.kind], u.parent or None, u.sector, u.members, active]
        sheet.cells.update({(r, c): v for c, v in enumerate(values) if v is not None})
    sheet.widths = {0: 12, 1: 44, 2: 18, 3: 12, 4: 28, 5: 14, 6: 14}
    return sheet


def all_units(units: list[Unit]) -> list[Unit]:
    return [x for u in units for x in (u, *u.children)]


# --- What a unit reports -----------------------------------------------------------------------


@dataclass
class Insp:
    """One row of the inspection sheet: the registry cell it stands for (None: not in the
    registry), the name as typed, and what was done."""

    cell: Unit | None
    typed: str
    inspected: bool = False
    supervised: bool = False
    day: date | None = None
    findings: int | None = None
    resolved: int | None = None


@dataclass
class Content:
    unit: Unit
    period: str
    report_date: date
    values: dict[str, int]
    months: list[tuple[int, int, int, int, int]]  # month, met, hcm, thrift, review
    insp: list[Insp] = field(default_factory=list)


def make_content(unit: Unit, period: str, rng: random.Random, role: str | None) -> Content:
    start, deadline = PERIODS[period]
    day = deadline - timedelta(days=rng.randint(1, 14))
    if role == "late":
        day = deadline + timedelta(days=5)
    older = period == "2013-H2"
    total = unit.members - (rng.randint(0, 3) if older else 0)
    if period > "2014-H1":  # a few admitted since
        total += rng.randint(0, 2)
    if unit.base == "DB02" and total < 1000:
        total += 1000 - total + rng.randint(30, 60)
    n_cells = len(unit.cells) + (1 if role == "extra_cell" else 0)
    groups = 1 + n_cells if unit.kind == DB else 1
    found = rng.randint(0, 3 if unit.kind == CBCS else 9)
    v = {
        "tong_dang_vien": total,
        "dv_dang_ky": total - rng.randint(0, max(1, total // 25)),
        "tong_tap_the": groups,
        "tap_the_dang_ky": groups - (1 if groups > 3 and rng.random() < 0.3 else 0),
        "dv_bao_cao": 0 if role == "zero_dc" else total - rng.randint(0, max(1, total // 10)),
        "buoi_quan_triet": rng.randint(1, 3) if unit.kind == CBCS else rng.randint(3, 9),
        "dv_hoc_chuyen_de": total - rng.randint(0, max(1, total // 12)),
        "guong_phat_hien": found,
        "guong_nhan_rong": rng.randint(0, found),
        "bo_phan_03": 1 if unit.kind == DB or rng.random() < 0.85 else 0,
    }
    if role == "dang_ky_gt_total":
        v["dv_dang_ky"] = int(str(total)[::-1]) if total > 20 else total + 9
        v["dv_dang_ky"] = max(v["dv_dang_ky"], total + 1)
    content = Content(unit, period, day, v, _months(unit, period, rng, n_cells, role))
    if unit.kind == DB:
        content.insp = _inspections(unit, start, day, rng, role)
        marks = content.insp
        v["so_chi_bo_truc_thuoc"] = len(marks)
        v["cuoc_kiem_tra"] = sum(r.inspected for r in marks)
        v["cuoc_giam_sat"] = sum(r.supervised for r in marks)
        v["kien_nghi"] = sum(r.findings or 0 for r in marks)
        v["kien_nghi_khac_phuc"] = sum(r.resolved or 0 for r in marks)
        if role == "khac_phuc_gt":
            v["kien_nghi_khac_phuc"] = v["kien_nghi"] + 2
    return content


def _months(unit: Unit, period: str, rng: random.Random, n_cells: int, role: str | None):
    rows = []
    for i, month in enumerate(period_months(period)):
        if unit.kind == DB:
            met = n_cells - (1 if rng.random() < 0.3 else 0)
            hcm = met - (1 if rng.random() < 0.3 else 0)
            thrift = met - rng.randint(0, 2)
            review = met if i % 3 == 2 else rng.randint(0, met // 2)
            if role == "hcm_gt_met" and i == 2:
                hcm = met + 1
        else:
            met = 0 if rng.random() < 0.08 else 1
            hcm = met if rng.random() < 0.9 else 0
            thrift = met if rng.random() < 0.7 else 0
            review = met if i % 3 == 2 or rng.random() < 0.3 else 0
        rows.append((month, met, hcm, thrift, review))
    return rows


def _inspections(unit: Unit, start: date, day: date, rng: random.Random, role: str | None):
    """Healthy by default: coverage ≥ 60 %, follow-up ≥ 80 %, open findings only recent."""
    rows = [Insp(c, c.name) for c in unit.cells]
    if role == "extra_cell":  # a new cell the registry does not list yet
        rows.append(Insp(None, f"Chi bộ Hợp tác xã {unit.place}"))
    elif role == "cell_fuzzy":  # a letter typed twice in a long name: still matches
        next(r for r in rows if r.typed == "Chi bộ ấp Phước Lợi").typed = "Chi bộ ấp Phước Lợii"
    elif role == "near_miss":  # ấp 13 does not exist; ấp 1 and ấp 3 do: must not match
        rows = [Insp(None, "Chi bộ ấp 13") if r.typed == "Chi bộ ấp 3" else r for r in rows]
    n = len(rows)
    share = {"low_coverage": 0.3, "no_activity": 0.0}.get(role, rng.uniform(0.65, 1.0))
    active = sorted(rng.sample(range(n), max(0, min(n, round(n * share + 0.49)))))
    if role not in ("low_coverage", "no_activity"):  # ≥ 60 % of the cells, counting matched ones
        while sum(rows[i].cell is not None for i in active) < -(-n * 6 // 10):
            active = sorted({*active, rng.randrange(n)})
    span = (day - start).days - 5
    for i in active:
        row = rows[i]
        row.inspected = rng.random() < 0.6
        row.supervised = not row.inspected or rng.random() < 0.2
        row.day = start + timedelta(days=rng.randint(20, span))
        row.findings = rng.randint(0, 3)
        row.resolved = row.findings
    acted = [rows[i] for i in active]
    if acted and sum(r.findings for r in acted) == 0:
        acted[0].findings = acted[0].resolved = 2
    recent = [r for r in acted if (day - r.day).days <= 60 and r.findings]
    total = sum(r.findings for r in acted)
    if role == "low_followup":
        # every other inspection's findings still open (recent ones): follow-up about 50 %
        for r in acted:
            r.day = day - timedelta(days=rng.randint(10, 55))
        for k, r in enumerate(acted):
            r.findings = max(r.findings, 2)
            r.resolved = r.findings if k % 2 else 0
    elif role == "overdue":
        old = acted[0]
        old.day, old.findings, old.resolved = start + timedelta(days=rng.randint(25, 40)), 2, 1
        for r in acted[1:]:
            r.findings = r.resolved = max(r.findings, 3)
    elif recent and total >= 5 and rng.random() < 0.5:
        recent[0].resolved = recent[0].findings - 1  # one finding still being worked on
    return rows


def name_variant(name: str, i: int) -> str:
    """A hand-typed form of a registry name that folds to the same key (CB ấp 3, Chi bo Ap 3,
    Chi bộ Ấp 03, capitals, extra spaces, NFD)."""
    words = name.split(" ")
    if words[-1].isdigit() and i % 2 == 0:
        return " ".join(words[:-1]).replace(" ấp", " Ấp") + f" {int(words[-1]):02d}"
    return [
        name.replace("Chi bộ ", "CB ", 1), strip_diacritics(name.replace(" ấp ", " Ấp ")),
        name.upper(), "  " + name.replace(" ", "  ", 1) + " ", unicodedata.normalize("NFD", name),
        name,
    ][i % 6]  # fmt: skip
