"""The unit registry as analysts keep it: title rows, spelling variants, typed numbers."""

import openpyxl

from lib03.ingest.registry import index_registry, read_registry


def _registry(path, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["DANH MỤC TỔ CHỨC CƠ SỞ ĐẢNG"])
    ws.append(["(cập nhật đến 31/12/2013)"])
    ws.append(["STT", "Mã ĐV", "Tên đơn vị", "Loại", "Cấp trên", "Khối", "Số đảng viên",
               "Còn hoạt động"])
    for i, row in enumerate(rows, 1):
        ws.append([i, *row])
    wb.save(path)


def test_registry_variants(tmp_path):
    path = tmp_path / "danh_muc_don_vi.xlsx"
    _registry(path, [
        ["db01", "Đảng bộ xã Tân Phú", "ĐB cơ sở", "", "Xã, thị trấn", "253", "Có"],
        ["DB01 - 01", "Chi bộ ấp 1", "Chi bộ trực thuộc", "db01", "Xã, thị trấn", 40, "x"],
        ["CB03", "Chi bộ Công an huyện", "Chi bộ cơ sở trực thuộc Huyện ủy", "",
         "Lực lượng vũ trang", 30, "Có"],
        [101.0, "Chi bộ Trường THCS Tân Phú", "Chi bộ cơ sở", None, "Cơ quan", 12, None],
        ["DB08", "Đảng bộ xã Hòa Lợi", "Đảng bộ cơ sở", "", "Xã, thị trấn", 90, "Đã giải thể"],
        ["DB08", "Đảng bộ xã Hòa Lợi (trùng)", "Đảng bộ cơ sở", "", "", 90, "Có"],
        ["", "Chi bộ không mã", "Chi bộ cơ sở", "", "", 5, "Có"],
        ["CB09", "Chi bộ Kho bạc", "Chi bộ", "", "Cơ quan", 7, "Có"],
    ])
    units, problems = read_registry(path)
    u = units.set_index("unit_code")
    assert list(u.index) == ["101", "CB03", "CB09", "DB01", "DB01-01", "DB08"]
    assert u.loc["DB01", "unit_type"] == "dang_bo_co_so"
    assert u.loc["DB01", "members_ref"] == 253
    assert u.loc["DB01-01", "parent_code"] == "DB01"
    assert u.loc["CB03", "unit_type"] == "chi_bo_co_so"  # "cơ sở" beats "trực thuộc Huyện ủy"
    assert u.loc["101", "active"] == 1  # blank means active
    assert u.loc["DB08", "active"] == 0  # "Đã giải thể" is not "Đã" = yes
    # "Chi bộ" alone with no superior is a chi bộ cơ sở, said so in the log.
    assert u.loc["CB09", "unit_type"] == "chi_bo_co_so"
    assert index_registry(units).records["101"]["parent_code"] is None
    codes = sorted((p.code, p.cell) for p in problems)
    assert codes == [("registry_duplicate_code", "B9"), ("registry_row_invalid", "B10"),
                     ("registry_type_inferred", "D11")]


def test_a_province_registry_longer_than_any_report_sheet_is_read(tmp_path):
    import openpyxl

    from lib03.config import load_settings
    from lib03.ingest.registry import read_registry

    rows = load_settings().max_sheet_rows + 1000
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Danh mục")
    ws.append(["Mã đơn vị", "Tên đơn vị", "Loại", "Cấp trên", "Khối", "Số đảng viên",
               "Còn hoạt động"])
    for i in range(rows):
        ws.append([f"CB{i:05d}", f"Chi bộ số {i}", "Chi bộ cơ sở", "", "Khối cơ quan", 10, "Có"])
    wb.save(tmp_path / "danh_muc_don_vi.xlsx")
    units, _ = read_registry(tmp_path / "danh_muc_don_vi.xlsx")
    assert len(units) == rows


def test_an_unread_registry_column_is_a_warning_naming_it(tmp_path):
    path = tmp_path / "danh_muc_don_vi.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["STT", "Mã đơn vị", "Tên đơn vị", "Loại", "Hiện trạng", "Ghi chú"])
    ws.append([1, "DB01", "Đảng bộ xã Tân Phú", "Đảng bộ cơ sở", "Đã giải thể", ""])
    wb.save(path)
    _, problems = read_registry(path)
    unknown = {p.raw: p for p in problems if p.code == "registry_column_unknown"}
    assert set(unknown) == {"Hiện trạng", "Ghi chú"}  # STT is the row number, not data
    assert unknown["Hiện trạng"].cell == "E1"
    assert "Còn hoạt động" in unknown["Hiện trạng"].detail


def test_tinh_trang_is_read_as_the_active_column(tmp_path):
    path = tmp_path / "danh_muc_don_vi.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Mã đơn vị", "Tên đơn vị", "Loại", "Tình trạng"])
    ws.append(["DB01", "Đảng bộ xã Tân Phú", "Đảng bộ cơ sở", "Đã giải thể"])
    ws.append(["DB02", "Đảng bộ xã An Bình", "Đảng bộ cơ sở", "Đang hoạt động"])
    wb.save(path)
    units, problems = read_registry(path)
    assert units.set_index("unit_code")["active"].to_dict() == {"DB01": 0, "DB02": 1}
    assert not [p for p in problems if p.code == "registry_column_unknown"]
