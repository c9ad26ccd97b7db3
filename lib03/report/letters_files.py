"""The letters as files in `reports/<kỳ>/phan_hoi/`: one Word letter per unit and
`danh_sach.xlsx`, the list the analyst works through (status, number of problems, contact
columns left blank) with the letters' text on a second sheet for Word's mail merge.

Both sheets start with their header in row 1: Word's mail merge takes the first row of a sheet
as its field names. Same figures, same bytes: core properties and zip dates are fixed.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.styles import Font
from openpyxl.worksheet.table import Table, TableStyleInfo

from lib03.contract import write_atomic
from lib03.report.facts import PeriodFacts
from lib03.report.letters import Letter, letter_lines, unit_letters
from lib03.sheetwrite import document_bytes, put, workbook_bytes
from lib03.text import file_words

FOLDER = "phan_hoi"
LIST_NAME = "danh_sach.xlsx"
CONTACT_COLUMNS = ["Người liên hệ", "Điện thoại", "Thư điện tử", "Đã liên hệ (ngày)"]
FONT = "Times New Roman"


def letter_file_name(letter: Letter) -> str:
    """A file name Windows accepts, with the code first so the files sort as the registry.

    >>> letter_file_name(Letter("DB01", "Đảng bộ xã Tân Phú", "", "late", "", "", ""))
    'DB01 Dang bo xa Tan Phu.docx'
    >>> letter_file_name(Letter("../DB/01", "Chi bộ", "", "late", "", "", ""))
    'DB 01 Chi bo.docx'
    """
    # The code comes from the registry, like the template's name: it must name no folder.
    code = file_words(letter.unit_code, " ", keep="-") or "don_vi"
    return f"{code} {file_words(letter.unit_name, ' ')[:60]}".strip() + ".docx"


def write_letters(facts: PeriodFacts, folder: Path, resend_by: str | None) -> list[Path]:
    """Write every letter and the list into `folder`; returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    letters = unit_letters(facts)
    written = []
    for letter in letters:
        path = folder / letter_file_name(letter)
        write_atomic(path, letter_docx(letter, facts, resend_by))
        written.append(path)
    path = folder / LIST_NAME
    write_atomic(path, workbook_bytes(letters_workbook(letters, facts, resend_by)))
    return [*written, path]


def letter_docx(letter: Letter, facts: PeriodFacts, resend_by: str | None) -> bytes:
    """One letter as a short Word document in the party's document style."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    doc = docx.Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(30), Mm(20)
    section.top_margin = section.bottom_margin = Mm(20)
    style = doc.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(13)
    head = doc.add_table(rows=1, cols=2)
    left, right = head.rows[0].cells
    left.text = f"ĐẢNG BỘ {facts.settings.district.upper()}"
    right.text = "ĐẢNG CỘNG SẢN VIỆT NAM"
    for cell in (left, right):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        cell.paragraphs[0].runs[0].bold = True
    for text, bold in (("PHIẾU PHẢN HỒI VỀ BÁO CÁO THỰC HIỆN CHỈ THỊ 03-CT/TW", True),
                       (facts.label.capitalize(), False)):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(text)
        run.bold = bold
    for line in letter_lines(letter, facts, resend_by):
        p = doc.add_paragraph(line)
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    sign = doc.add_paragraph("NGƯỜI LẬP\n\n\n")
    sign.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    sign.runs[0].bold = True
    return document_bytes(doc, title=f"Phản hồi báo cáo Chỉ thị 03 — {letter.unit_name}")


def letters_workbook(letters: list[Letter], facts: PeriodFacts,
                     resend_by: str | None) -> openpyxl.Workbook:
    """The list (one row per unit) and the letters' text for a mail merge."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    head = ["Mã đơn vị", "Đơn vị", "Khối", "Tình trạng", "Tệp đã nhận", "Số điểm cần sửa",
            "Tệp thư", *CONTACT_COLUMNS]
    rows = [[x.unit_code, x.unit_name, x.sector, x.status_label, x.source_file or None,
             len(x.problems), letter_file_name(x), *([None] * len(CONTACT_COLUMNS))]
            for x in letters]
    _table(ws, head, rows, "Danh_sach_phan_hoi", {"A": 11, "B": 44, "C": 26, "D": 24,
                                                  "E": 50, "F": 10, "G": 40})
    merge = wb.create_sheet("Thư")
    text = [[x.unit_code, x.unit_name, f"Phản hồi báo cáo Chỉ thị 03-CT/TW, {facts.label}",
             "\n".join(letter_lines(x, facts, resend_by))] for x in letters]
    _table(merge, ["Mã đơn vị", "Đơn vị", "Tiêu đề", "Nội dung thư"], text, "Thu_phan_hoi",
           {"A": 11, "B": 44, "C": 50, "D": 100})
    return wb


def _table(ws, head: list[str], rows: list[list], name: str, widths: dict[str, int]) -> None:
    for col, text in enumerate(head, 1):
        put(ws.cell(1, col), text).font = Font(bold=True)
    for r, row in enumerate(rows or [["Không có đơn vị nào cần phản hồi"]], 2):
        for col, value in enumerate(row, 1):
            put(ws.cell(r, col), value)
    last = openpyxl.utils.get_column_letter(len(head))
    table = Table(displayName=name, ref=f"A1:{last}{max(len(rows), 1) + 1}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=True)
    ws.add_table(table)
    ws.freeze_panes = "A2"
    for col, width in widths.items():
        ws.column_dimensions[col].width = width
