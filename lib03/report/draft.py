"""The draft báo cáo sơ kết 6 tháng in Word, `reports/<kỳ>/bao_cao_so_ket_<kỳ>.docx`.

Laid out in the format of party documents (Hướng dẫn 36-HD/VPTW): A4, Times New Roman 14 pt,
the issuing body top left over its star and the document number, «ĐẢNG CỘNG SẢN VIỆT NAM»
top right underlined over the place and date in italics, the title centred in bold, body
paragraphs justified with a first-line indent, «Nơi nhận» bottom left and the signature block
bottom right, page numbers from page 2, the appendix on landscape pages. Blanks («…») are
left where a person must write: the number, the day, the signer; what the analyst must write
or check is yellow. The sentences come from the wording template of `draft_text`; every
figure from the period's `PeriodFacts`, the same as the HTML report and the summary workbook.
"""

from __future__ import annotations

import re
from pathlib import Path

import docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from lib03.contract import write_atomic
from lib03.report.draft_text import (
    MISSING,
    TEMPLATE,
    conditional,
    figures,
    read_template,
    render,
)
from lib03.report.facts import PeriodFacts
from lib03.report.formatting import format_percent, headline_rates, period_label
from lib03.report.metrics import DISTRICT
from lib03.sheetwrite import document_bytes

FONT, SIZE = "Times New Roman", 14
RESULTS = [("1. Công tác tuyên truyền, quán triệt, học tập chuyên đề", "tuyen_truyen"),
           ("2. Đăng ký nêu gương, gương mẫu thực hiện", "dang_ky"),
           ("3. Báo cáo kết quả học tập và làm theo", "bao_cao_ket_qua"),
           ("4. Đưa nội dung học tập và làm theo vào sinh hoạt chi bộ", "sinh_hoat"),
           ("5. Kiểm tra, giám sát", "kiem_tra"),
           ("6. Phát hiện, biểu dương, nhân rộng gương người tốt, việc tốt", "guong"),
           ("7. Kiện toàn Bộ phận giúp việc thực hiện Chỉ thị 03", "bo_phan_03"),
           ("8. Tình hình báo cáo của các tổ chức cơ sở đảng", "tinh_hinh_bao_cao")]
LIMITS = ["han_che_kiem_tra", "han_che_chi_tieu", "han_che_bo_phan_03", "han_che_bao_cao",
          "han_che_so_lieu"]
TASKS = ["phuong_huong_chung", "phuong_huong_kiem_tra", "phuong_huong_bao_cao",
         "phuong_huong_bo_sung"]
# The appendix's column widths (mm): the name, the sector, the status, then each rate; 252 mm
# is the width of a landscape A4 page inside the margins.
APPENDIX_MM = (62, 38, 32, 20)


def draft_file_name(period: str) -> str:
    """The draft's file name in the report folder.

    >>> draft_file_name("2014-H1")
    'bao_cao_so_ket_2014-H1.docx'
    """
    return f"bao_cao_so_ket_{period}.docx"


def draft_paragraphs(facts: PeriodFacts, template: Path = TEMPLATE) -> dict[str, str]:
    """Each paragraph of the draft's body by its template name; a paragraph whose figures the
    data does not give is absent."""
    words = read_template(template)
    values = figures(facts) | conditional(facts)
    out = {}
    for name, text in words.items():
        rendered = render(text, values)
        if rendered is not None:
            out[name] = rendered
    return out


def write_draft(facts: PeriodFacts, path: Path, template: Path = TEMPLATE) -> Path:
    """Write the draft of `facts`' period to `path` (atomically); returns `path`."""
    write_atomic(Path(path), draft_bytes(facts, template))
    return Path(path)


def draft_bytes(facts: PeriodFacts, template: Path = TEMPLATE) -> bytes:
    """The draft as .docx bytes: the same figures and wording give the same bytes."""
    text = draft_paragraphs(facts, template)
    doc = docx.Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(SIZE)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(6)
    _page_numbers(section)
    _header(doc, facts)
    _centred(doc, "BÁO CÁO", bold=True, space_before=12)
    _centred(doc, text.get("tieu_de_phu", ""), bold=True)
    _centred(doc, "-----", bold=False)
    _body(doc, text.get("mo_dau"), Cm(1.27))
    _heading(doc, "I. KẾT QUẢ THỰC HIỆN")
    for title, name in RESULTS:
        _heading(doc, title)
        # Absent: the data lacks a figure of it; blank: the analyst emptied the block.
        _body(doc, text.get(name, f"({MISSING} cho nội dung này)"), Cm(1.27))
    _heading(doc, "II. HẠN CHẾ, KHUYẾT ĐIỂM")
    limits = [f"- {text[n]}" for n in LIMITS if text.get(n)]
    for line in limits or [text.get("han_che_khong_co")]:
        _body(doc, line, Cm(1.27))
    _heading(doc, "III. PHƯƠNG HƯỚNG, NHIỆM VỤ 6 THÁNG TỚI")
    for n, name in enumerate((t for t in TASKS if text.get(t)), 1):
        _body(doc, f"{n}. {text[name]}", Cm(1.27))
    _closing(doc, text.get("noi_nhan", "").split("\n"))
    _appendix(doc, facts)
    return document_bytes(
        doc, title=f"Báo cáo sơ kết {period_label(facts.period)} thực hiện Chỉ thị 03-CT/TW")


def _run(paragraph, text: str, *, bold=False, italic=False, underline=False, size=None):
    run = paragraph.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    run.font.name = FONT
    if size:
        run.font.size = Pt(size)
    return run


def _header(doc, facts: PeriodFacts) -> None:
    """The borderless two-column head of a party document."""
    settings = facts.settings
    district = settings.district.removeprefix("huyện ").removeprefix("Huyện ").upper()
    province = settings.province.upper() if settings.province else "……"
    table = doc.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    lines_left = [(f"ĐẢNG BỘ TỈNH {province}", False), (f"HUYỆN ỦY {district}", True),
                  ("*", False), ("Số …-BC/HU", False)]
    for i, (line, bold) in enumerate(lines_left):
        p = left.paragraphs[0] if i == 0 else left.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(p, line, bold=bold, size=13)
    p = right.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, "ĐẢNG CỘNG SẢN VIỆT NAM", bold=True, underline=True, size=14)
    p = right.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    place = settings.place or "……"
    _run(p, f"{place}, ngày … tháng … năm …", italic=True, size=14)


def _centred(doc, text: str, *, bold: bool, space_before: int = 0) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_before = Pt(space_before)
    _run(p, text, bold=bold)


def _heading(doc, text: str) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    p.paragraph_format.first_line_indent = Cm(1.27)
    _run(p, text, bold=True)


def _body(doc, text: str | None, indent) -> None:
    """A justified paragraph with a first-line indent. A place the analyst writes is yellow,
    as in a marked-up draft: a paragraph opening with «[» (after its list mark), and each
    missing figure."""
    if not text:
        return
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    p.paragraph_format.first_line_indent = indent
    whole = re.match(r"(?:- |\d+\. )?\[", text) is not None
    for part in re.split(f"({re.escape(MISSING)})", _no_break(text)):
        if part:
            run = _run(p, part)
            if whole or part == MISSING:
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def _no_break(text: str) -> str:
    """A figure keeps its «%» on its line (a no-break space, as typists do).

    >>> _no_break("đạt 99,4 %, tăng") == "đạt 99,4\u00a0%, tăng"
    True
    """
    return re.sub(r"(\d) %", "\\1\u00a0%", text)


def _page_numbers(section) -> None:
    """Page numbers at the top centre from page 2, as party documents number them."""
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False  # page 1: an empty head
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    shown = OxmlElement("w:t")
    shown.text = "2"  # what a reader shows before it counts the pages
    run.append(shown)
    field.append(run)
    p._p.append(field)


def _closing(doc, recipients: list[str]) -> None:
    """«Nơi nhận» at the bottom left, the signature block at the bottom right."""
    table = doc.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    p = left.paragraphs[0]
    p.paragraph_format.space_before = Pt(12)
    _run(p, "Nơi nhận:", bold=True, italic=True, size=12)
    for line in filter(None, recipients):
        q = left.add_paragraph()
        q.paragraph_format.space_after = Pt(0)
        _run(q, line, size=11)
    for i, (line, bold) in enumerate([("T/M BAN THƯỜNG VỤ", True), ("…", True), ("", False),
                                      ("", False), ("…", True)]):
        p = right.paragraphs[0] if i == 0 else right.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if i == 0:
            p.paragraph_format.space_before = Pt(12)
        _run(p, line, bold=bold)


def _appendix(doc, facts: PeriodFacts) -> None:
    """One row per expected unit: sector, reporting status and the headline rates."""
    # A landscape page of its own, as wide tables of party documents are set: each rate's
    # column then holds «100,0 %» on one line.
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.different_first_page_header_footer = False  # numbered from its first page
    _centred(doc, f"PHỤ LỤC: KẾT QUẢ TỪNG TỔ CHỨC CƠ SỞ ĐẢNG, {period_label(facts.period).upper()}",
             bold=True)
    heads = headline_rates()
    values = facts.unit_rates.pivot_table(index="unit_code", columns="rate", values="value",
                                          aggfunc="last")
    table = doc.add_table(rows=1, cols=3 + len(heads))
    table.style = "Table Grid"
    table.autofit = False
    _fill(table.rows[0], ["Tổ chức cơ sở đảng", "Khối", "Tình trạng báo cáo",
                          *[r.short_label for r in heads]], bold=True, header=True)
    status = facts.status.sort_values(["sector", "unit_name"], kind="stable")
    for _, u in status.iterrows():
        shown = [u["unit_name"], u["sector"], u["status_label"]]
        for rate in heads:
            value = (values.loc[u["unit_code"], rate.id]
                     if u["unit_code"] in values.index and rate.id in values.columns else None)
            # A rate above 100 % is inconsistent: marked, as in the report's tables.
            over = value is not None and value == value and value > 1 + 1e-9
            shown.append(_no_break(format_percent(value)) + (" (*)" if over else ""))
        _fill(table.add_row(), [str(x) for x in shown])
    district = facts.group_rates[facts.group_rates["group"] == DISTRICT].set_index("rate")
    _fill(table.add_row(), [DISTRICT, "", "", *[_no_break(format_percent(
        district["value"].get(r.id))) for r in heads]], bold=True)
    widths = [*APPENDIX_MM[:3], *[APPENDIX_MM[3]] * len(heads)]
    for column, mm in zip(table.columns, widths, strict=True):
        column.width = Mm(mm)
        for cell in column.cells:  # Word reads the cells' widths, LibreOffice the grid's
            cell.width = Mm(mm)
    for note in ("«–»: không có số liệu (đơn vị chưa gửi báo cáo dùng được) hoặc tỷ lệ không "
                 "áp dụng cho loại đơn vị này.",
                 "(*) Tử số lớn hơn mẫu số: số liệu mâu thuẫn, giữ như đơn vị ghi, không cộng "
                 "vào tỷ lệ toàn huyện."):
        _run(doc.add_paragraph(), note, italic=True, size=10)


def _fill(row, texts: list[str], *, bold: bool = False, header: bool = False) -> None:
    """A table row kept whole on one page; the header row repeats on every page; the rates
    (from the fourth column) align right, as figures do."""
    for i, (cell, text) in enumerate(zip(row.cells, texts, strict=True)):
        if i >= 3 and not header:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _run(cell.paragraphs[0], text, bold=bold, size=9)
    props = row._tr.get_or_add_trPr()
    props.append(OxmlElement("w:cantSplit"))
    if header:
        props.append(OxmlElement("w:tblHeader"))
