"""A corpus of hostile and broken workbooks, written at test time (nothing big is committed).

Every writer takes the path to write and always writes the same bytes, so a failing case can be
rebuilt and opened by hand. Two kinds:

* files that cannot be read safely or at all (`UNREADABLE`): empty, cut, text or HTML under a
  spreadsheet name, password-protected, a zip bomb, a "billion laughs" XML, a million rows,
  200 sheets, and tiny files that declare a huge sheet;
* reports that open fine but hold bad values (`BAD_VALUES`): formulas without a saved value,
  NaN and infinity stored or typed, negative counts, a report date in the future. Each is a
  complete report of one "chi bộ cơ sở" of the sample district (data/raw), so it is `ok` and
  only its bad cells are logged.

The bomb (`write_zip_bomb`) is real: its sheet truly inflates to `BOMB_INFLATED` bytes, with a
correct CRC. Its deflate stream is crafted rather than compressed: one block of cells is
compressed once and its bytes repeated, so building it costs a CRC over 2 GiB (~0.5 s), not a
compression of 2 GiB (3–8 s).
"""

from __future__ import annotations

import io
import shutil
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path

from lib03.ingest.read import parse_address
from lib03.sheetwrite import Formula, Sheet, book_bytes

FIXTURES = Path(__file__).parent / "fixtures"
BOMB_INFLATED = 2 * 1024**3  # bytes the bomb's sheet inflates to (at least)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed entry dates: the same bytes on every run

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_SHEET_HEAD = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               f'<worksheet xmlns="{_MAIN_NS}"><sheetData>')
_SHEET_TAIL = "</sheetData></worksheet>"


# --- a minimal .xlsx, written part by part ---------------------------------------------------


def _package_parts(sheet_names: list[str]) -> dict[str, str]:
    """Every part of an .xlsx except the sheets' XML: what Excel needs to find the sheets."""
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(sheet_names) + 1))
    sheets = "".join(f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>'
                     for i, name in enumerate(sheet_names, 1))
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{_REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(sheet_names) + 1))
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    return {
        "[Content_Types].xml": (
            f'{head}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            f'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>{overrides}</Types>'),
        "_rels/.rels": (
            f'{head}<Relationships xmlns="{_PKG_REL_NS}"><Relationship Id="rId1" '
            f'Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            f'{head}<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}"><sheets>{sheets}</sheets>'
            "</workbook>"),
        "xl/_rels/workbook.xml.rels": f'{head}<Relationships xmlns="{_PKG_REL_NS}">{rels}'
                                      "</Relationships>",
    }


def _info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def write_xlsx(path: Path, sheets: dict[str, Callable[[], Iterable[str]]]) -> None:
    """An .xlsx whose sheets are streamed from generators of XML text (inside <sheetData>),
    so a sheet of a million rows never sits in memory."""
    with zipfile.ZipFile(path, "w", compresslevel=1) as zf:
        for name, text in _package_parts(list(sheets)).items():
            zf.writestr(_info(name), text)
        for i, rows in enumerate(sheets.values(), 1):
            with zf.open(_info(f"xl/worksheets/sheet{i}.xml"), "w", force_zip64=True) as fh:
                fh.write(_SHEET_HEAD.encode())
                batch = []
                for piece in rows():
                    batch.append(piece)
                    if len(batch) >= 10_000:
                        fh.write("".join(batch).encode())
                        batch.clear()
                fh.write(("".join(batch) + _SHEET_TAIL).encode())


def _rezip(data: bytes, edits: dict[str, Callable[[bytes], bytes]]) -> bytes:
    """The same zip with some members' bytes changed, entry dates fixed."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            dst.writestr(_info(info.filename), edits.get(info.filename, bytes)(body))
    return out.getvalue()


# --- files that cannot be read -----------------------------------------------------------------


def write_zero_bytes(path: Path) -> None:
    path.write_bytes(b"")


def write_truncated(path: Path) -> None:
    """A real report cut at 40 % of its length, as an interrupted download leaves it."""
    data = book_bytes(value_report("Chi bộ Văn phòng Huyện ủy"), ".xlsx")
    path.write_bytes(data[: len(data) * 2 // 5])


def write_text_renamed(path: Path) -> None:
    """A CSV saved by another program and renamed .xlsx."""
    path.write_text("STT;Nội dung;Số lượng\n1;Tổng số đảng viên;25\n", encoding="utf-8")


def write_html_as_xls(path: Path) -> None:
    """An HTML table saved with an .xls name: what many web systems call "export to Excel"."""
    path.write_text(
        '<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head>'
        '<meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body>'
        "<table><tr><td>STT</td><td>Nội dung</td><td>Số lượng</td></tr>"
        "<tr><td>1</td><td>Tổng số đảng viên</td><td>25</td></tr></table></body></html>",
        encoding="utf-8")


def copy_password_xlsx(path: Path) -> None:
    shutil.copyfile(FIXTURES / "office" / "password_protected.xlsx", path)


def copy_password_xls(path: Path) -> None:
    shutil.copyfile(FIXTURES / "office" / "password_protected.xls", path)


def write_zip_bomb(path: Path) -> None:
    """An .xlsx of about 6 MB whose sheet truly inflates to more than 2 GiB of cells."""
    block = ('<row r="1"><c r="A1"><v>1</v></c></row>' * 65_536).encode()
    repeats = -(-BOMB_INFLATED // len(block))
    crc = zlib.crc32(_SHEET_HEAD.encode())
    for _ in range(repeats):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(_SHEET_TAIL.encode(), crc)
    inflated = len(_SHEET_HEAD) + repeats * len(block) + len(_SHEET_TAIL)
    _write_sheet_zip(path, crc, inflated, _deflate_repeated(block, repeats))


def write_lying_zip(path: Path) -> None:
    """A bomb that lies: its directory says the sheet holds only its 144-byte head (and gives
    the head's CRC), while its stream goes on for 200 MB of cells."""
    block = ('<row r="1"><c r="A1"><v>1</v></c></row>' * 25_000).encode()
    _write_sheet_zip(path, zlib.crc32(_SHEET_HEAD.encode()), len(_SHEET_HEAD),
                     _deflate_repeated(block, 200))


def _deflate_repeated(block: bytes, repeats: int) -> Iterable[bytes]:
    """The raw deflate stream of head + block × repeats + tail, compressing the block once:
    a full flush makes what follows independent of what came before, so the block's bytes
    are the same every time (checked) and can simply be repeated."""
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = co.compress(_SHEET_HEAD.encode()) + co.flush(zlib.Z_FULL_FLUSH)
    chunk = co.compress(block) + co.flush(zlib.Z_FULL_FLUSH)
    assert chunk == co.compress(block) + co.flush(zlib.Z_FULL_FLUSH)
    yield head
    for _ in range(repeats):
        yield chunk
    yield co.compress(_SHEET_TAIL.encode()) + co.flush()


def _write_sheet_zip(path: Path, crc: int, size: int, packed: Iterable[bytes]) -> None:
    """An .xlsx of one sheet whose member bytes, CRC and declared size are given: written by
    hand because zipfile can only compress, and compressing 2 GiB takes seconds."""
    with open(path, "wb") as fh:
        directory = []
        for name, text in _package_parts(["Tổng hợp"]).items():
            body = text.encode()
            small = zlib.compressobj(9, zlib.DEFLATED, -15)
            directory.append(_zip_entry(fh, name, zlib.crc32(body), len(body),
                                        [small.compress(body) + small.flush()]))
        directory.append(_zip_entry(fh, "xl/worksheets/sheet1.xml", crc, size, packed))
        start = fh.tell()
        for record in directory:
            fh.write(record)
        fh.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(directory), len(directory),
                             fh.tell() - start, start, 0))


def _zip_entry(fh, name: str, crc: int, size: int, packed: Iterable[bytes]) -> bytes:
    """Write one deflated member at the file's position; return its central-directory record.
    (Sizes under 4 GiB fit the classic fields: no zip64 extra is needed.)"""
    assert size < 0xFFFFFFFF
    offset, encoded = fh.tell(), name.encode()
    fh.write(b"\0" * (30 + len(encoded)))  # the local header, written once sizes are known
    written = sum(fh.write(piece) for piece in packed)
    end = fh.tell()
    fh.seek(offset)
    fh.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x800, 8, 0, 0x21, crc, written, size,
                         len(encoded), 0) + encoded)
    fh.seek(end)
    return struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0x800, 8, 0, 0x21, crc,
                       written, size, len(encoded), 0, 0, 0, 0, 0, offset) + encoded


def write_billion_laughs(path: Path) -> None:
    """A sheet whose DOCTYPE nests entities ten deep: `&lol9;` would expand to 10⁹ "lol"s
    (3 GB) in a parser that expands entities."""
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
    sheet = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             f"<!DOCTYPE worksheet [{entities}]>"
             f'<worksheet xmlns="{_MAIN_NS}"><sheetData><row r="1">'
             '<c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c><c r="B1"><v>25</v></c>'
             f"</row>{_SHEET_TAIL}")
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in _package_parts(["Tổng hợp"]).items():
            zf.writestr(_info(name), text)
        zf.writestr(_info("xl/worksheets/sheet1.xml"), sheet)


def write_million_rows(path: Path) -> None:
    """One sheet of 1.000.000 rows (one number each): 38 MB of XML, under 3 MB on disk (under the
    unzipped-size limit, so it is the row limit that refuses it)."""
    write_xlsx(path, {"Tổng hợp": lambda: (f'<row><c r="A{r}"><v>{r % 10}</v></c></row>'
                                            for r in range(1, 1_000_001))})


def write_many_sheets(path: Path, count: int = 200) -> None:
    """A workbook of 200 small sheets."""
    write_xlsx(path, {f"Trang {i}": (lambda i=i: [f'<row r="1"><c r="A1"><v>{i}</v></c></row>'])
                      for i in range(1, count + 1)})


def write_unaddressed_cells(path: Path) -> None:
    """A 2 KB file whose cells carry no address (`r` is optional in the format):
    16.384 cells in row 1 and one in row 1.048.576 declare a grid of 17 billion cells."""
    write_xlsx(path, {"Tổng hợp": lambda: [
        '<row r="1">', "<c><v>1</v></c>" * 16_384, "</row>",
        '<row r="1048576"><c><v>1</v></c></row>']})


def write_ods_repeats(path: Path) -> None:
    """An .ods of 1 KB whose one cell is repeated on 1.000.000 rows × 16 columns (ODS says
    "this cell, n times" instead of writing it n times): 16 million cells once expanded."""
    def grow(content: bytes) -> bytes:
        one_row = (b'<table:table-row><table:table-cell office:value-type="float" '
                   b'office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>')
        assert one_row in content
        return content.replace(one_row, (
            b'<table:table-row table:number-rows-repeated="1000000"><table:table-cell '
            b'office:value-type="float" office:value="1" table:number-columns-repeated="16">'
            b"<text:p>1</text:p></table:table-cell></table:table-row>"))
    data = book_bytes([Sheet("Tổng hợp", {(0, 0): 1})], ".ods")
    path.write_bytes(_rezip(data, {"content.xml": grow}))


def write_prefixed_cells(path: Path) -> None:
    """Cells written with a namespace prefix (<x:c>, as some libraries do), one of them at
    XFD1048576: calamine reads them as cells, so the size check must see them too."""
    sheet = (f'<?xml version="1.0" encoding="UTF-8"?>\n<x:worksheet xmlns:x="{_MAIN_NS}">'
             '<x:sheetData><x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row>'
             '<x:row r="1048576"><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row>'
             "</x:sheetData></x:worksheet>")
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in _package_parts(["Tổng hợp"]).items():
            zf.writestr(_info(name), text)
        zf.writestr(_info("xl/worksheets/sheet1.xml"), sheet)


def _one_sheet(path: Path, rows: str) -> None:
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in _package_parts(["Tổng hợp"]).items():
            zf.writestr(_info(name), text)
        zf.writestr(_info("xl/worksheets/sheet1.xml"), _SHEET_HEAD + rows + _SHEET_TAIL)


def write_non_ascii_prefix(path: Path) -> None:
    """A cell tag prefixed with a non-ASCII name (<xé:c>) at XFD1048576: calamine reads all
    before the colon as a prefix, so it is a cell to calamine (549 GB asked for, the process
    aborts) and must be one to the size check."""
    _one_sheet(path, '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576">'
                     '<xé:c r="XFD1048576"><v>1</v></xé:c></row>')


def write_address_in_quotes(path: Path) -> None:
    """A cell whose first "r=" sits inside another attribute's quoted value: a reader that
    looks for the text `r="` takes B1, calamine takes XFD1048576."""
    _one_sheet(path, '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576">'
                     '<c foo=\' r="B1"\' r="XFD1048576"><v>1</v></c></row>')


def write_two_addresses(path: Path) -> None:
    """A cell stating its address twice (XML forbids it): calamine takes the last one."""
    _one_sheet(path, '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576">'
                     '<c r="B1" r="XFD1048576"><v>1</v></c></row>')


def write_long_attributes(path: Path) -> None:
    """A cell tag holding 900 KB of letters where its attributes go: a pattern that tries a
    name at every position costs quadratic time on it (hours)."""
    _one_sheet(path, '<row r="1"><c r="A1"><v>1</v></c><c ' + "a" * 900_000
                     + "><v>1</v></c></row>")


def write_unclosed_tags(path: Path) -> None:
    """40.000 cell tags that never close ("<c><c><c>…", 120 KB): a pattern that must find a
    cell's end tag to match costs quadratic time on it (half a minute here, hours at 1 MB)."""
    write_xlsx(path, {"Tổng hợp": lambda: ["<c>" * 40_000]})


def write_wide_sheets(path: Path) -> None:
    """50 sheets, each of two cells at A1 and OJ5000: every sheet within the per-sheet limit
    (5.000 rows × 400 columns), together 100 million cells to build and search."""
    write_xlsx(path, {f"Trang {i}": (lambda: ['<row r="1"><c r="A1"><v>1</v></c></row>'
                                              '<row r="5000"><c r="OJ5000"><v>1</v></c></row>'])
                      for i in range(1, 51)})


def write_shared_string_count(path: Path) -> None:
    """A shared-strings part that declares two billion strings and holds one: calamine reserves
    memory for the declared count (48 GB) and the process aborts."""
    parts = _package_parts(["Tổng hợp"])
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        "</Relationships>", f'<Relationship Id="rIdS" Type="{_REL_NS}/sharedStrings" '
        'Target="sharedStrings.xml"/></Relationships>')
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in parts.items():
            zf.writestr(_info(name), text)
        zf.writestr(_info("xl/sharedStrings.xml"), (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="{_MAIN_NS}" count="1" '
            'uniqueCount="2000000000"><si><t>Tổng số đảng viên</t></si></sst>'))
        zf.writestr(_info("xl/worksheets/sheet1.xml"), (
            f'{_SHEET_HEAD}<row r="1"><c r="A1" t="s"><v>0</v></c></row>{_SHEET_TAIL}'))


def write_many_parts(path: Path, parts: int = 20_000) -> None:
    """A workbook zip of 20.000 empty parts: listing a zip costs ~0.5 KB and ~10 µs per part,
    so a 50 MB file of a million parts costs seconds and hundreds of MB before any check."""
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in _package_parts(["Tổng hợp"]).items():
            zf.writestr(_info(name), text)
        zf.writestr(_info("xl/worksheets/sheet1.xml"), _SHEET_HEAD + _SHEET_TAIL)
        for i in range(parts):
            zf.writestr(_info(f"xl/media/{i}.bin"), b"")


# Name → writer. The names match no unit of the sample registry, so a refused file can never be
# mistaken for a good file's unit.
UNREADABLE: dict[str, Callable[[Path], None]] = {
    "rong_0_byte.xlsx": write_zero_bytes,
    "bi_cat_ngang.xlsx": write_truncated,
    "van_ban_doi_ten.xlsx": write_text_renamed,
    "trang_web_luu_thanh.xls": write_html_as_xls,
    "co_mat_khau.xlsx": copy_password_xlsx,
    "co_mat_khau.xls": copy_password_xls,
    "bom_nen.xlsx": write_zip_bomb,
    "bom_nen_khai_sai.xlsx": write_lying_zip,
    "billion_laughs.xlsx": write_billion_laughs,
    "mot_trieu_dong.xlsx": write_million_rows,
    "hai_tram_trang.xlsx": write_many_sheets,
    "o_khong_dia_chi.xlsx": write_unaddressed_cells,
    "lap_lai_ods.ods": write_ods_repeats,
    "tien_to_x.xlsx": write_prefixed_cells,
    "the_khong_dong.xlsx": write_unclosed_tags,
    "nam_muoi_trang_rong.xlsx": write_wide_sheets,
    "khai_gian_chuoi_chu.xlsx": write_shared_string_count,
    "hai_muoi_nghin_phan.xlsx": write_many_parts,
    "tien_to_chu_viet.xlsx": write_non_ascii_prefix,
    "dia_chi_trong_ngoac.xlsx": write_address_in_quotes,
    "hai_dia_chi.xlsx": write_two_addresses,
    "thuoc_tinh_dai.xlsx": write_long_attributes,
}


# --- reports with bad values -----------------------------------------------------------------

SUMMARY = "Tổng hợp"
MONTHLY = "Sinh hoạt chi bộ"
INDICATORS = [  # a chi bộ cơ sở of 20 members, consistent with every rule in rules.csv
    ("Tổng số đảng viên", 20),
    ("Số đảng viên đã đăng ký nêu gương, gương mẫu thực hiện", 20),
    ("Tổng số tập thể (cấp ủy, chi bộ) phải đăng ký", 1),
    ("Số tập thể đã đăng ký", 1),
    ("Số đảng viên báo cáo kết quả học tập và làm theo", 18),
    ("Số buổi tổ chức quán triệt, học tập chuyên đề", 2),
    ("Số đảng viên tham gia học tập chuyên đề", 19),
    ("Số gương người tốt, việc tốt được phát hiện", 3),
    ("Số gương được biểu dương, nhân rộng", 1),
    ("Đã kiện toàn Bộ phận giúp việc 03", "Có"),
]
FIRST_ROW = 11  # zero-based row of the first indicator: its value is D12, the next D13…


def value_report(unit_name: str, values: dict[str, object] | None = None,
                 date_text: str = "Ngày báo cáo: 10/6/2014",
                 period_text: str = "6 tháng đầu năm 2014") -> list[Sheet]:
    """A complete half-year report of the chi bộ cơ sở `unit_name` (as in the registry), in the
    sample district's layout; `values` puts raw values in cells named in A1 notation."""
    cells: dict[tuple[int, int], object] = {
        (1, 0): "ĐẢNG BỘ HUYỆN MẪU", (1, 3): "ĐẢNG CỘNG SẢN VIỆT NAM",
        (2, 0): unit_name.upper(), (5, 0): "BÁO CÁO",
        (6, 0): f"Kết quả thực hiện Chỉ thị 03-CT/TW {period_text}",
        (7, 0): f"Đơn vị: {unit_name}", (8, 1): date_text,
    }
    for c, header in enumerate(["STT", "Nội dung (chỉ tiêu)", "Đơn vị tính", "Số lượng",
                                "Ghi chú"]):
        cells[(FIRST_ROW - 1, c)] = header
    for i, (label, value) in enumerate(INDICATORS):
        cells[(FIRST_ROW + i, 0)] = i + 1
        cells[(FIRST_ROW + i, 1)] = label
        cells[(FIRST_ROW + i, 3)] = value
    for address, value in (values or {}).items():
        cells[parse_address(address)] = value
    monthly = {(0, c): h for c, h in enumerate(
        ["Tháng", "Sinh hoạt chi bộ", "Nội dung học tập và làm theo tấm gương đạo đức Hồ Chí Minh",
         "Nội dung thực hành tiết kiệm, chống lãng phí, phòng chống tham nhũng",
         "Kiểm điểm, đánh giá việc thực hiện bản đăng ký"])}
    for m in range(1, 7):
        monthly |= {(m, 0): f"Tháng {m}", (m, 1): "x", (m, 2): "x", (m, 3): "x", (m, 4): "x"}
    return [Sheet(SUMMARY, cells), Sheet(MONTHLY, monthly)]


_SENTINELS = {"NaN": 987_654_321, "INF": 987_654_322, "-INF": 987_654_323}


def _stored(values: dict[str, str]) -> dict[str, int]:
    """Numbers to write in place of NaN/INF: openpyxl writes NaN as an empty <v/>, so the
    values a script or another program stored are patched into the XML afterwards."""
    return {address: _SENTINELS[v] for address, v in values.items()}


def _with_stored_nonfinite(data: bytes) -> bytes:
    def patch(xml: bytes) -> bytes:
        for text, number in _SENTINELS.items():
            xml = xml.replace(f"<v>{number}</v>".encode(), f"<v>{text}</v>".encode())
        return xml
    return _rezip(data, {"xl/worksheets/sheet1.xml": patch})


def _report_writer(unit: str, suffix: str, values: dict[str, object] | None = None,
                   date_text: str = "Ngày báo cáo: 10/6/2014",
                   post: Callable[[bytes], bytes] = bytes) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_bytes(post(book_bytes(value_report(unit, values, date_text), suffix)))
    return write


NAN, INF = float("nan"), float("inf")
# Name → (unit it reports for, writer). One unit per file, none of them among the good files
# the tests copy from data/raw, so every bad-value report is its unit's only report.
BAD_VALUES: dict[str, tuple[str, Callable[[Path], None]]] = {
    "cong_thuc_chua_tinh.xlsx": ("CB01", _report_writer(
        "Chi bộ Văn phòng Huyện ủy", ".xlsx",
        {"D12": Formula("=SUM(D13:D14)"), "D17": Formula("=D18+1")})),
    "luu_nan_inf.xlsx": ("CB02", _report_writer(
        "Chi bộ Ban Tổ chức Huyện ủy", ".xlsx", _stored({"D12": "NaN", "D14": "INF"}),
        post=_with_stored_nonfinite)),
    "luu_nan_inf.ods": ("CB03", _report_writer(
        "Chi bộ Ban Tuyên giáo Huyện ủy", ".ods", {"D12": NAN, "D14": -INF})),
    "luu_nan_inf.xls": ("CB04", _report_writer(
        "Chi bộ Ủy ban Kiểm tra Huyện ủy", ".xls", {"D12": NAN, "D14": INF})),
    "go_chu_nan_inf.xlsx": ("CB06", _report_writer(
        "Chi bộ Phòng Tài chính - Kế hoạch", ".xlsx", {"D12": "NaN", "D14": "∞"})),
    "so_am.xlsx": ("CB07", _report_writer(
        "Chi bộ Phòng Giáo dục và Đào tạo", ".xlsx", {"D17": "-2 buổi", "D19": -3})),
    "ngay_tuong_lai.xlsx": ("CB08", _report_writer(
        "Chi bộ Phòng Nông nghiệp và Phát triển nông thôn", ".xlsx",
        date_text="Ngày báo cáo: 18/6/2099")),
}
# A number typed with more digit groups than a float can hold (10^330): outside BAD_VALUES
# because the cleaner does not yet survive it (see test_hostile.py).
HUGE_TYPED = ("so_qua_lon.xlsx", "CB09", _report_writer(
    "Chi bộ Phòng Tài nguyên và Môi trường", ".xlsx", {"D12": "1" + ".000" * 110}))


def write_corpus(folder: Path, *, skip: Iterable[str] = ()) -> list[str]:
    """Write every file of UNREADABLE and BAD_VALUES into `folder` except those in `skip`;
    returns the names written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    writers = {**UNREADABLE, **{name: w for name, (_, w) in BAD_VALUES.items()}}
    for name, write in writers.items():
        if name not in skip:
            write(folder / name)
            written.append(name)
    return written
