"""Reading: real cell addresses, formats by content, broken files refused with a reason."""

import io
import zipfile

import openpyxl
import pytest
from builders import write_report

from lib03.errors import WorkbookError
from lib03.ingest.read import read_workbook


def test_addresses_count_leading_blank_rows_and_columns(tmp_path):
    path = tmp_path / "r.xlsx"
    wb = openpyxl.Workbook()
    wb.active["D7"] = "xin chào"
    wb.save(path)
    grid = read_workbook(path).sheets[0]
    assert grid.value(6, 3) == "xin chào"  # D7, not A1 as a skipping reader would say


def test_formula_without_saved_value_is_found(tmp_path):
    path = tmp_path / "f.xlsx"
    wb = openpyxl.Workbook()
    wb.active["B3"] = "=SUM(B1:B2)"
    wb.save(path)
    assert read_workbook(path).sheets[0].formula_cells == {(2, 1)}


def test_format_is_sniffed_not_taken_from_the_name(tmp_path):
    good = tmp_path / "r.xlsx"
    write_report(good)
    renamed = tmp_path / "renamed.xls"
    renamed.write_bytes(good.read_bytes())
    assert read_workbook(renamed).fmt == "xlsx"


@pytest.mark.parametrize("content, code", [
    (b"", "file_empty"),
    (b"Bao cao 6 thang\nso lieu", "file_not_spreadsheet"),
    (b"<html><body><table><tr><td>1</td></tr></table></body></html>", "file_not_spreadsheet"),
    (b"\x00\x01\x02garbage\xff\xfe", "file_not_spreadsheet"),
])
def test_broken_files_are_refused_with_a_code(tmp_path, content, code):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    with pytest.raises(WorkbookError) as err:
        read_workbook(path)
    assert err.value.code == code


def test_truncated_workbook_is_corrupt(tmp_path):
    good = tmp_path / "r.xlsx"
    write_report(good)
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good.read_bytes()[: len(good.read_bytes()) * 2 // 5])
    with pytest.raises(WorkbookError) as err:
        read_workbook(cut)
    assert err.value.code == "file_corrupt"


def test_zip_that_is_not_a_workbook(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "xin chào")
    path = tmp_path / "z.xlsx"
    path.write_bytes(buf.getvalue())
    with pytest.raises(WorkbookError) as err:
        read_workbook(path)
    assert err.value.code == "file_not_spreadsheet"


def test_encrypted_office_file_is_password_protected(tmp_path):
    # An encrypted .xlsx is an OLE container holding an "EncryptionInfo" stream.
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    path = tmp_path / "p.xlsx"
    path.write_bytes(header + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 600)
    with pytest.raises(WorkbookError) as err:
        read_workbook(path)
    assert err.value.code == "file_password"


def test_a_tiny_file_declaring_a_huge_sheet_is_refused_before_it_is_loaded(tmp_path):
    path = tmp_path / "wide.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"], wb.active["XFD5000"] = "x", "y"
    wb.save(path)
    with pytest.raises(WorkbookError) as err:
        read_workbook(path)
    assert err.value.code == "file_too_large" and "16.384 cột" in err.value.detail


def test_formula_next_to_a_self_closing_cell_is_credited_to_its_own_cell(tmp_path):
    path = tmp_path / "f.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A2"], ws["C2"] = "Tổng số đảng viên", "=SUM(1,2)"
    ws["B2"].number_format = "0"  # a styled empty cell: written as <c r="B2" s="1"/>
    wb.save(path)
    assert read_workbook(path).sheets[0].formula_cells == {(1, 2)}


def test_a_sheet_longer_than_the_limit_is_refused_before_it_is_parsed(tmp_path):
    from lib03.config import load_settings

    limit = load_settings().max_sheet_rows
    path = tmp_path / "long.xlsx"
    wb = openpyxl.Workbook()
    for r in range(1, limit + 11):
        wb.active.cell(row=r, column=1, value=r)
    wb.save(path)
    with pytest.raises(WorkbookError) as info:
        read_workbook(path)
    assert info.value.code == "file_too_large" and "5.000 dòng" in info.value.detail


def _zip_of(members: dict[str, bytes], compression: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_parts_are_read_as_zipfile_reads_them(compression):
    from lib03.ingest.scan import read_head

    members = {"a.xml": b"<a>" + b"x" * 100_000 + b"</a>", "b.xml": b"<b/>", "c.xml": b""}
    data = _zip_of(members, compression)
    zf = zipfile.ZipFile(io.BytesIO(data))
    for info in zf.infolist():
        for limit in (1, 10, 65536, 10**6):
            with zf.open(info) as fh:
                assert read_head(zf, data, info, limit) == fh.read(limit)


def test_a_part_inflating_past_its_declared_size_is_cut_and_refused():
    from lib03.ingest.scan import read_head

    data = bytearray(_zip_of({"s.xml": b"y" * 2_000_000}, zipfile.ZIP_DEFLATED))
    zf = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = zf.infolist()[0]
    for declared, refused in ((100, True), (0, True), (2_000_000, False)):
        info.file_size = declared  # what a bomb's directory would claim
        try:
            got = read_head(zf, bytes(data), info, 65536)
        except zipfile.BadZipFile:
            assert refused
        else:
            assert not refused and len(got) == 65536


def test_a_directory_claiming_huge_members_is_read_in_bounded_time():
    # Thousands of directory records naming one small member but claiming the rest of a
    # 40 MB file as its compressed bytes: each must not copy (or inflate from) all of it.
    import copy
    import time
    import zlib

    from lib03.ingest.scan import check_xml_parts

    head = b"<a>hi</a> "
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(zipfile.ZipInfo("p.xml"), head, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr(zipfile.ZipInfo("pad.bin"), bytes(range(256)) * 160_000)  # stored, 40 MB
    data = buf.getvalue()
    zf = zipfile.ZipFile(io.BytesIO(data))
    member = zf.getinfo("p.xml")
    forged = []
    for _ in range(5000):
        record = copy.copy(member)
        record.compress_size = len(data) - member.header_offset
        forged.append(record)
    zf.filelist[:] = forged
    start = time.perf_counter()
    assert check_xml_parts(zf, data) == {"p.xml": head}
    # Uncapped, this copied 200 GB (over ten seconds); capped, it takes a tenth of a second.
    assert time.perf_counter() - start < 3
    assert zlib.crc32(head) == member.CRC


@pytest.mark.parametrize("flag", [0x20, 0x40])
def test_members_zipfile_refuses_are_refused(flag):
    from lib03.ingest.scan import read_head

    data = _zip_of({"a.xml": b"<a/>"}, zipfile.ZIP_DEFLATED)
    zf = zipfile.ZipFile(io.BytesIO(data))
    info = zf.infolist()[0]
    info.flag_bits |= flag
    with pytest.raises((zipfile.BadZipFile, NotImplementedError)):
        read_head(zf, data, info, 65536)


def test_a_local_header_naming_another_member_or_outside_the_file_is_refused():
    from lib03.ingest.scan import read_head

    data = _zip_of({"a.xml": b"<a/>", "b.xml": b"<b/>"}, zipfile.ZIP_DEFLATED)
    zf = zipfile.ZipFile(io.BytesIO(data))
    a, b = zf.infolist()
    a.header_offset = b.header_offset  # a's record pointing at b's bytes
    with pytest.raises(zipfile.BadZipFile):
        read_head(zf, data, a, 65536)
    for offset in (-10, len(data) - 5, 2**63):
        b.header_offset = offset
        with pytest.raises(zipfile.BadZipFile):
            read_head(zf, data, b, 65536)


def _xls_with_cell_at(row: int, col: int) -> bytes:
    import io

    import xlwt

    wb = xlwt.Workbook()
    ws = wb.add_sheet("Tổng hợp")
    ws.write(0, 0, "Tổng số đảng viên")
    ws.write(row, col, 1)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_an_old_xls_whose_cell_is_far_away_is_refused_before_it_is_parsed(tmp_path):
    """A 6 KB .xls with one cell at IV65536 would make calamine build 16 million cells."""
    import time

    from lib03.errors import WorkbookError
    from lib03.ingest.read import read_workbook

    path = tmp_path / "bom.xls"
    path.write_bytes(_xls_with_cell_at(65535, 255))
    assert path.stat().st_size < 10_000
    started = time.monotonic()
    with pytest.raises(WorkbookError) as caught:
        read_workbook(path)
    assert caught.value.code == "file_too_large"
    assert "Tổng hợp" in caught.value.detail
    assert time.monotonic() - started < 1


def test_an_old_xls_wider_than_the_cell_limit_is_refused(tmp_path):
    from dataclasses import replace

    from lib03.config import Limits
    from lib03.errors import WorkbookError
    from lib03.ingest.read import read_workbook

    path = tmp_path / "rong.xls"
    path.write_bytes(_xls_with_cell_at(999, 200))
    with pytest.raises(WorkbookError, match="file_too_large"):
        read_workbook(path, limits=replace(Limits(), max_sheet_cells=100_000))
    assert read_workbook(path).sheets[0].name == "Tổng hợp"  # within the shipped limits
