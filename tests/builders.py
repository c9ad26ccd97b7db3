"""Builders for tests: a tiny registry and a report workbook, written with openpyxl."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

INDICATOR_ROWS = [
    ("Tổng số đảng viên", 120),
    ("Số đảng viên đã đăng ký nêu gương, gương mẫu thực hiện", "118 đ/c"),
    ("Tổng số tập thể (cấp ủy, chi bộ) phải đăng ký", 5),
    ("Số tập thể đã đăng ký", 5),
    ("Số đảng viên báo cáo kết quả học tập và làm theo", 100),
    ("Số buổi tổ chức quán triệt, học tập chuyên đề", "3 buổi"),
    ("Số đảng viên tham gia học tập chuyên đề", "1.100"),
    ("Số gương người tốt, việc tốt được phát hiện", 4),
    ("Số gương được biểu dương, nhân rộng", 2),
    ("Đã kiện toàn Bộ phận giúp việc 03", "Có"),
    ("Số chi bộ trực thuộc", 3),
    ("Số cuộc kiểm tra đối với chi bộ trực thuộc", 2),
    ("Số cuộc giám sát đối với chi bộ trực thuộc", 1),
    ("Số kiến nghị sau kiểm tra, giám sát", 5),
    ("Số kiến nghị đã được khắc phục", 4),
]
MONTHLY_HEADER = [
    "Tháng", "Số chi bộ sinh hoạt", "Nội dung học tập và làm theo tấm gương đạo đức Hồ Chí Minh",
    "Nội dung thực hành tiết kiệm, chống lãng phí, phòng chống tham nhũng",
    "Kiểm điểm, đánh giá việc thực hiện bản đăng ký",
]


def write_registry(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Danh mục"
    ws.append(["DANH MỤC ĐƠN VỊ"])
    ws.append([])
    ws.append(["Mã đơn vị", "Tên đơn vị", "Loại", "Cấp trên", "Khối", "Số đảng viên",
               "Còn hoạt động"])
    ws.append(["DB01", "Đảng bộ xã Tân Phú", "Đảng bộ cơ sở", "", "Xã, thị trấn", 120, "Có"])
    for i in range(1, 4):
        ws.append([f"DB01-0{i}", f"Chi bộ ấp {i}", "Chi bộ trực thuộc", "DB01", "Xã, thị trấn",
                   40, "Có"])
    ws.append(["CB01", "Chi bộ Trường THCS Tân Phú", "Chi bộ cơ sở", "",
               "Cơ quan, đơn vị sự nghiệp", 15, "Có"])
    wb.save(path)


def write_report(path: Path, *, offset_rows: int = 0, offset_cols: int = 0,
                 date_text: str = "Tân Phú, ngày 18 tháng 6 năm 2014",
                 period_text: str = "6 tháng đầu năm 2014", rows=INDICATOR_ROWS) -> None:
    """A clean Đảng bộ report for DB01, with its table shifted by the offsets."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Tổng hợp"
    r0, c0 = 1 + offset_rows, 1 + offset_cols

    def put(r, c, v):
        ws.cell(row=r0 + r, column=c0 + c, value=v)

    put(0, 0, "ĐẢNG BỘ HUYỆN MẪU")
    put(0, 3, "ĐẢNG CỘNG SẢN VIỆT NAM")
    put(1, 0, "ĐẢNG ỦY XÃ TÂN PHÚ")
    put(1, 3, date_text)
    put(3, 0, "BÁO CÁO")
    put(4, 0, f"Kết quả thực hiện Chỉ thị 03-CT/TW {period_text}")
    for c, h in enumerate(["STT", "Nội dung (chỉ tiêu)", "Số lượng", "Ghi chú"]):
        put(6, c, h)
    for i, (label, value) in enumerate(rows, 1):
        put(6 + i, 0, i)
        put(6 + i, 1, label)
        put(6 + i, 2, value)
    m = wb.create_sheet("Sinh hoạt chi bộ")
    m.append(MONTHLY_HEADER)
    for month in range(1, 7):
        m.append([f"Tháng {month}", 3, 3, 2, 3])
    k = wb.create_sheet("Kiểm tra, giám sát")
    k.append(["STT", "Chi bộ", "Kiểm tra", "Giám sát", "Ngày thực hiện", "Số kiến nghị",
              "Đã khắc phục", "Ghi chú"])
    k.append([1, "CB ấp 1", "x", "", "12/3/2014", 2, 2])
    k.append([2, "Chi bo Ap 2", "", "X", dt.datetime(2014, 4, 2), 3, 2])
    k.append([3, "Chi bộ Ấp 03", "", "", None, None, None])
    wb.save(path)


def copy_sample(folder: Path, files: list[str], period: str = "2014-H1") -> Path:
    """A raw folder holding the sample registry and some of the sample's report files."""
    import shutil

    from lib03.config import RAW_DIR

    (folder / period).mkdir(parents=True)
    shutil.copy(RAW_DIR / "danh_muc_don_vi.xlsx", folder)
    for name in files:
        shutil.copy(RAW_DIR / period / name, folder / period / name)
    return folder
