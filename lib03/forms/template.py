"""Pre-filled collection workbooks: one per active grassroots organisation and period.

The district sends them out; units type only into the shaded cells. Every workbook carries
its identity (unit code, period, template version) and the address of every input in a
hidden sheet, so the cleaner reads a returned template by its known layout with no guessing,
and falls back to the general path when a unit has moved things around.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from lib03 import vocab
from lib03.ingest.known_layout import (  # the layout the cleaner reads back: one definition
    GUIDE,
    HEADER_ROW,
    ID_SHEET,
    INSPECTION,
    MONTHLY,
    SUMMARY,
    TEMPLATE_VERSION,
)
from lib03.ingest.layout import ROW_KEYS
from lib03.ingest.parse import is_blank
from lib03.periods import period_bounds, period_months
from lib03.sheetwrite import put as put_text  # the summary workbook's rule for text cells
from lib03.sheetwrite import save_workbook
from lib03.text import file_words

YES_NO = ("Có", "Không")
EXTRA_CELL_ROWS = 3  # blank rows for cells missing from the registry
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
_HEAD_FILL = PatternFill("solid", fgColor="D9E2F3")
_THIN = Side(style="thin", color="808080")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_EXCEL_EPOCH = dt.date(1899, 12, 30)
# Excel refuses these in sheet names and caps names at 31 characters.
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")

GUIDE_LINES = (
    "HƯỚNG DẪN ĐIỀN BIỂU MẪU BÁO CÁO THỰC HIỆN CHỈ THỊ 03-CT/TW",
    "",
    "1. Chỉ gõ vào các ô được tô màu vàng. Các ô khác đã được khoá để giữ đúng mẫu.",
    "2. Trang “Tổng hợp”: ghi ngày báo cáo và số lượng của từng chỉ tiêu (số nguyên, không ghi",
    "   chữ hay đơn vị tính; riêng dòng Bộ phận giúp việc 03 thì chọn Có hoặc Không). Ô để trống",
    "   được hiểu là chưa có số liệu, không phải số 0: nếu không có thì ghi 0.",
    "3. Trang “Sinh hoạt chi bộ”: mỗi tháng một dòng. Đảng bộ cơ sở ghi số chi bộ; chi bộ cơ sở",
    "   chọn Có hoặc Không ở từng ô (tháng không sinh hoạt thì chọn Không).",
    "4. Trang “Kiểm tra, giám sát” (chỉ đảng bộ cơ sở): các chi bộ trực thuộc đã được kê sẵn",
    "   theo danh mục; chọn Có/Không, ghi ngày thực hiện và số kiến nghị. Chi bộ chưa có trong",
    "   danh sách thì ghi tên vào các dòng trống cuối bảng.",
    "5. Không đổi tên trang, không chèn hay xoá dòng, cột; không đặt mật khẩu cho tệp.",
    "6. Lưu tệp (giữ nguyên tên tệp) và gửi lại cho Ban Tuyên giáo đúng hạn.",
)


def period_title(period: str) -> str:
    """'2014-H2' → '6 tháng cuối năm 2014'.

    >>> period_title("2014-H1")
    '6 tháng đầu năm 2014'
    """
    year, half = period.split("-")
    return f"6 tháng {'đầu' if half == 'H1' else 'cuối'} năm {year}"


def template_file_name(code: str, name: str, period: str) -> str:
    """A name a person recognises and every system accepts.

    >>> template_file_name("DB01", "Đảng bộ xã Tân Phú", "2014-H2")
    'DB01_Dang_bo_xa_Tan_Phu_2014-H2.xlsx'
    >>> template_file_name("../DB/01", "Chi bộ", "2014-H2")
    'DB_01_Chi_bo_2014-H2.xlsx'
    """
    plain = file_words(name, "_")[:60]
    # The code comes from the registry: "../x" or "a/b" must never leave the output folder.
    safe = file_words(code, "_", keep="-") or "don_vi"
    return f"{safe}_{plain}_{period}.xlsx"


def _serial(day: dt.date) -> int:
    return (day - _EXCEL_EPOCH).days


def _validation(ws, kind: str, cells: list[str], period: str, *, grace_days: int = 0) -> None:
    """Data validation on input cells; dates fall inside the period (plus `grace_days`)."""
    start, end = period_bounds(period)
    if kind == "count":
        dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0",
                            errorTitle="Số không hợp lệ",
                            error="Ghi một số nguyên từ 0 trở lên (không ghi chữ, đơn vị tính).")
    elif kind in ("yesno", "mark"):
        dv = DataValidation(type="list", formula1=f'"{",".join(YES_NO)}"',
                            errorTitle="Chọn Có hoặc Không", error="Chọn Có hoặc Không.")
    elif kind == "date":
        last = end + dt.timedelta(days=grace_days)
        dv = DataValidation(type="date", operator="between", formula1=str(_serial(start)),
                            formula2=str(_serial(last)), errorTitle="Ngày không hợp lệ",
                            error=f"Ghi ngày trong khoảng {start:%d/%m/%Y} – {last:%d/%m/%Y}.")
    elif kind == "text":
        dv = DataValidation(type="textLength", operator="lessThanOrEqual", formula1="255",
                            errorTitle="Quá dài", error="Ghi ngắn gọn, không quá 255 ký tự.")
    else:
        raise ValueError(kind)
    dv.allow_blank = True
    dv.showErrorMessage = True
    ws.add_data_validation(dv)
    for cell in cells:
        dv.add(cell)


def _input(ws, ref: str) -> None:
    cell = ws[ref]
    cell.protection = Protection(locked=False)
    cell.fill = _INPUT_FILL
    cell.border = _BOX


def _header(ws, row: int, labels: list[str], widths: list[int]) -> None:
    for col, (label, width) in enumerate(zip(labels, widths, strict=True), start=1):
        cell = ws.cell(row=row, column=col, value=label)
        cell.font = Font(bold=True)
        cell.fill = _HEAD_FILL
        cell.border = _BOX
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.column_dimensions[cell.column_letter].width = width


def _protect(ws) -> None:
    # Protection without a password: it guards the layout, never locks the analyst out.
    # Printed, each sheet fits the page width (units often print and sign the report).
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.protection.sheet = True
    ws.protection.formatCells = False
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _summary_sheet(wb, unit: dict, period: str, layout: dict, district: str) -> None:
    ws = wb.create_sheet(SUMMARY)
    is_dang_bo = unit["unit_type"] == "dang_bo_co_so"
    org = re.sub(r"^Đảng bộ", "Đảng ủy", unit["unit_name"]) if is_dang_bo else unit["unit_name"]
    ws["A1"], ws["D1"] = f"ĐẢNG BỘ {district.upper()}", "ĐẢNG CỘNG SẢN VIỆT NAM"
    ws["A2"] = org.upper()
    ws["A4"] = "BÁO CÁO"
    ws["A5"] = f"Kết quả thực hiện Chỉ thị 03-CT/TW {period_title(period)}"
    ws["A6"] = f"Đơn vị: {unit['unit_name']}"
    ws["A7"] = f"Mã đơn vị: {unit['unit_code']}"
    ws["B8"] = "Ngày báo cáo:"
    ws["C8"].number_format = "DD/MM/YYYY"
    _input(ws, "C8")
    _validation(ws, "date", ["C8"], period, grace_days=60)  # reports come after the period
    layout["report_date"] = f"{SUMMARY}!C8"
    for ref in ("A1", "A2", "A4", "A5", "D1"):
        ws[ref].font = Font(bold=True)
    _header(ws, HEADER_ROW, ["STT", "Nội dung (chỉ tiêu)", "Số lượng", "Ghi chú"],
            [6, 62, 14, 30])
    counts, marks, notes = [], [], []
    row = HEADER_ROW + 1
    for number, term in enumerate(
        (t for t in vocab.indicators() if t.scope == "all" or is_dang_bo), start=1
    ):
        ws.cell(row=row, column=1, value=number).border = _BOX
        label = ws.cell(row=row, column=2, value=term.label)
        label.border = _BOX
        label.alignment = Alignment(wrap_text=True)
        for ref in (f"C{row}", f"D{row}"):
            _input(ws, ref)
        (marks if term.kind == "yesno" else counts).append(f"C{row}")
        notes.append(f"D{row}")
        layout[f"indicator:{term.id}"] = f"{SUMMARY}!B{row}:C{row}"
        row += 1
    _validation(ws, "count", counts, period)
    _validation(ws, "yesno", marks, period)
    _validation(ws, "text", notes, period)
    _protect(ws)


def _monthly_sheet(wb, unit: dict, period: str, layout: dict) -> None:
    ws = wb.create_sheet(MONTHLY)
    is_dang_bo = unit["unit_type"] == "dang_bo_co_so"
    ws["A1"] = f"SINH HOẠT CHI BỘ HẰNG THÁNG — {unit['unit_name']}"
    ws["A1"].font = Font(bold=True)
    labels = [next(t.label for t in vocab.columns("monthly") if t.id == key)
              for key in ROW_KEYS["monthly"]]
    if not is_dang_bo:
        labels[1] = "Chi bộ có sinh hoạt"
    _header(ws, 3, labels, [12, 16, 30, 30, 30])
    inputs = []
    for row, month in enumerate(period_months(period), start=4):
        ws.cell(row=row, column=1, value=f"Tháng {month}").border = _BOX
        refs = [f"{col}{row}" for col in "BCDE"]
        for ref in refs:
            _input(ws, ref)
        inputs += refs
        layout[f"month:{month}"] = f"{MONTHLY}!A{row}:E{row}"
    _validation(ws, "count" if is_dang_bo else "mark", inputs, period)
    _protect(ws)


def _inspection_sheet(wb, unit: dict, period: str, children: list[dict], layout: dict) -> None:
    ws = wb.create_sheet(INSPECTION)
    ws["A1"] = f"KIỂM TRA, GIÁM SÁT CHI BỘ TRỰC THUỘC — {unit['unit_name']}"
    ws["A1"].font = Font(bold=True)
    _header(ws, 3, ["STT", "Chi bộ", "Kiểm tra", "Giám sát", "Ngày thực hiện", "Số kiến nghị",
                    "Đã khắc phục", "Ghi chú"], [6, 40, 11, 11, 15, 13, 13, 24])
    marks, dates, counts, texts = [], [], [], []
    rows = [(c["unit_code"], c["unit_name"]) for c in children] + [("", "")] * EXTRA_CELL_ROWS
    for i, (code, name) in enumerate(rows, start=1):
        row = 3 + i
        ws.cell(row=row, column=1, value=i).border = _BOX
        cell = ws.cell(row=row, column=2, value=name or None)
        cell.border = _BOX
        if not code:
            _input(ws, f"B{row}")
            texts.append(f"B{row}")
        for col in "CDEFGH":
            _input(ws, f"{col}{row}")
        ws[f"E{row}"].number_format = "DD/MM/YYYY"
        marks += [f"C{row}", f"D{row}"]
        dates.append(f"E{row}")
        counts += [f"F{row}", f"G{row}"]
        texts.append(f"H{row}")
        layout[f"cell:{i}"] = f"{INSPECTION}!B{row}:G{row}"
    _validation(ws, "mark", marks, period)
    _validation(ws, "date", dates, period)
    _validation(ws, "count", counts, period)
    _validation(ws, "text", texts, period)
    _protect(ws)


def _guide_sheet(wb, period: str) -> None:
    ws = wb.create_sheet(GUIDE)
    for row, line in enumerate(GUIDE_LINES, start=1):
        ws.cell(row=row, column=1, value=line or None)
    ws["A1"].font = Font(bold=True)
    ws.cell(row=len(GUIDE_LINES) + 2, column=1, value=f"Kỳ báo cáo: {period_title(period)}.")
    ws.column_dimensions["A"].width = 100
    _protect(ws)


def _fingerprint(wb, layout: dict) -> None:
    """Per sheet: its extent, how many cells the template wrote, and its input cells. A
    returned file whose sheet differs in any of these was reshaped by the unit."""
    for ws in wb.worksheets:
        written, inputs = 0, []
        for row in ws.iter_rows():
            for cell in row:
                if cell.protection.locked is False:
                    inputs.append(cell.coordinate)
                elif not is_blank(cell.value):
                    written += 1
        layout[f"extent:{ws.title}"] = f"{ws.cell(ws.max_row, ws.max_column).coordinate}"
        layout[f"written:{ws.title}"] = str(written)
        layout[f"inputs:{ws.title}"] = ",".join(inputs)


def _identity_sheet(wb, unit: dict, period: str, layout: dict) -> None:
    _fingerprint(wb, layout)
    ws = wb.create_sheet(ID_SHEET)
    ws.sheet_state = "hidden"
    entries = {"template": "lib03", "version": TEMPLATE_VERSION,
               "unit_code": unit["unit_code"], "period": period} | layout
    for row, (key, value) in enumerate(entries.items(), start=1):
        ws.cell(row=row, column=1, value=key)
        ws.cell(row=row, column=2, value=value)
    for name, row in (("LIB03_VERSION", 2), ("LIB03_UNIT_CODE", 3), ("LIB03_PERIOD", 4)):
        wb.defined_names[name] = DefinedName(name, attr_text=f"'{ID_SHEET}'!$B${row}")
    _protect(ws)


def _text_stays_text(wb) -> None:
    """Store every text cell as text, with Excel's quote prefix when it looks like a formula.

    openpyxl turns any string starting with '=' into a formula: a registry name typed as
    '=HYPERLINK(…)' (or a chi bộ name in the inspection list) would otherwise run in the
    unit's Excel. Run last, so that no cell written by any part of the template escapes it.
    """
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    put_text(cell, cell.value)


def build_template(unit: dict, children: list[dict], period: str,
                   district: str = "huyện") -> openpyxl.Workbook:
    """The collection workbook of one unit for one period."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    layout: dict[str, str] = {}
    _guide_sheet(wb, period)
    _summary_sheet(wb, unit, period, layout, district)
    _monthly_sheet(wb, unit, period, layout)
    if unit["unit_type"] == "dang_bo_co_so":
        _inspection_sheet(wb, unit, period, children, layout)
    _identity_sheet(wb, unit, period, layout)
    _text_stays_text(wb)
    wb.active = 1  # open on the summary
    wb.security = WorkbookProtection(lockStructure=True)
    for ws in wb.worksheets:
        assert len(ws.title) <= 31 and not _BAD_SHEET_CHARS.search(ws.title), ws.title
    return wb


def write_templates(units, period: str, out_dir: Path, district: str = "huyện") -> list[Path]:
    """One template per active grassroots organisation of the registry; returns the paths."""
    period_bounds(period)  # refuses a malformed period id before anything is written
    out_dir = Path(out_dir)
    records = sorted(units.to_dict("records"), key=lambda r: r["unit_code"])
    written = []
    for unit in records:
        if unit["unit_type"] not in vocab.must_report() or not unit["active"]:
            continue
        children = [c for c in records if c["parent_code"] == unit["unit_code"]
                    and c["unit_type"] == "chi_bo_truc_thuoc" and c["active"]]
        path = out_dir / template_file_name(unit["unit_code"], unit["unit_name"], period)
        save_workbook(build_template(unit, children, period, district), path)
        written.append(path)
    return written
