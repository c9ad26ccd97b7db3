"""The draft báo cáo sơ kết in Word: the party document format, sentences only where the data
supports them, every figure equal to the report's, the same bytes twice, and the wording
taken from a template the analyst can edit."""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import replace

import docx
import openpyxl
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from lib03.config import DRAFT_TEMPLATE, Home, load_settings
from lib03.report.draft import draft_bytes, draft_paragraphs, write_draft
from lib03.report.draft_text import conditional, figures, numbers_in, read_template
from lib03.report.facts import PeriodFacts
from lib03.report.formatting import format_percent
from lib03.report.summary import write_summary

PERIOD = "2014-H1"


@pytest.fixture(scope="module")
def document(sample_facts):
    return docx.Document(io.BytesIO(draft_bytes(sample_facts)))


def _text(doc) -> str:
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_the_format_of_a_party_document(document):
    section = document.sections[0]
    # Word keeps sizes in twentieths of a point: A4 within a tenth of a millimetre.
    assert abs(section.page_width - Mm(210)) < Mm(0.1)
    assert abs(section.page_height - Mm(297)) < Mm(0.1)
    def mm(length) -> float:
        return round(length / Mm(1), 1)

    assert 20 <= mm(section.top_margin) <= 25 and 30 <= mm(section.left_margin) <= 35
    assert 15 <= mm(section.right_margin) <= 20 and 20 <= mm(section.bottom_margin) <= 25
    normal = document.styles["Normal"].font
    assert normal.name == "Times New Roman" and Pt(13) <= normal.size <= Pt(14)
    head = document.tables[0]
    assert head.style.name != "Table Grid"  # the header has no borders
    left, right = (c.paragraphs for c in head.rows[0].cells)
    assert left[0].text.startswith("ĐẢNG BỘ TỈNH") and left[1].text.startswith("HUYỆN ỦY")
    assert left[2].text == "*" and left[3].text.startswith("Số ") and "-BC/HU" in left[3].text
    party = right[0].runs[0]
    assert party.text == "ĐẢNG CỘNG SẢN VIỆT NAM" and party.bold and party.underline
    assert "ngày … tháng … năm …" in right[1].text and right[1].runs[0].italic
    paragraphs = document.paragraphs
    title = next(p for p in paragraphs if p.text == "BÁO CÁO")
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER and title.runs[0].bold
    body = [p for p in paragraphs if len(p.text) > 120 and not p.runs[0].bold]  # not titles
    assert len(body) >= 8
    for p in body:
        assert p.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY and p.paragraph_format.first_line_indent
    closing = document.tables[1]
    assert closing.rows[0].cells[0].paragraphs[0].text == "Nơi nhận:"
    assert closing.rows[0].cells[1].paragraphs[0].text == "T/M BAN THƯỜNG VỤ"
    headings = [p.text for p in paragraphs if p.runs and p.runs[0].bold]
    for part in ("I. KẾT QUẢ THỰC HIỆN", "II. HẠN CHẾ, KHUYẾT ĐIỂM",
                 "III. PHƯƠNG HƯỚNG, NHIỆM VỤ 6 THÁNG TỚI"):
        assert part in headings


def test_every_number_is_one_of_the_periods_figures(sample_facts, document):
    known = figures(sample_facts) | conditional(sample_facts)
    allowed = set(numbers_in(" ".join(known.values())))
    allowed |= set(numbers_in(" ".join(read_template().values())))  # "03", a period's year
    allowed |= {"36", "1", "2", "3", "4", "5", "6", "7", "8"}  # headings and list numbers
    stray = [n for p in document.paragraphs for n in numbers_in(p.text) if n not in allowed]
    assert stray == []


def test_the_draft_says_what_the_report_and_the_workbook_say(sample_facts, tmp_path):
    """The district rates of the draft are those of the summary workbook, cell by cell."""
    values = figures(sample_facts)
    path = write_summary(sample_facts, tmp_path / "bang_tong_hop.xlsx")
    ws = openpyxl.load_workbook(path)["Tỷ lệ toàn huyện"]
    rows = list(ws.iter_rows(values_only=True))
    top = next(i for i, r in enumerate(rows) if r[0] == "Chỉ tiêu")
    head = list(rows[top])
    shown = {r[0]: r[head.index("Tỷ lệ (%)")] for r in rows[top + 1:]}
    from lib03.report.formatting import rate_labels

    for rate, label in rate_labels().items():
        expected = shown[label]
        written = values[f"ty_le_{rate}"]
        assert written == (format_percent(expected) if expected != "[x]" else "chưa có số liệu")


def test_sentences_appear_only_when_the_data_supports_them(sample_facts, sample_tables):
    text = draft_paragraphs(sample_facts)
    assert "Đảng bộ xã Vĩnh Xuân" in text["han_che_kiem_tra"]  # flagged: named with why
    assert "Chi bộ Kho bạc Nhà nước huyện" in text["han_che_bao_cao"]  # did not report
    earlier = draft_paragraphs(PeriodFacts.build(sample_tables, "2013-H2", load_settings()))
    assert "han_che_bao_cao" not in earlier  # every unit reported in 2013-H2
    assert "chưa có số liệu kỳ trước để so sánh" in earlier["dang_ky"]  # no invented change
    for paragraphs in (text, earlier):
        words = " ".join(paragraphs.values())
        assert "nan" not in words.split() and "None" not in words and "{" not in words


def test_same_figures_same_bytes(sample_facts, tmp_path):
    first = write_draft(sample_facts, tmp_path / "a.docx").read_bytes()
    assert write_draft(sample_facts, tmp_path / "b.docx").read_bytes() == first


def test_a_unit_name_is_text_never_a_template(sample_tables, sample_facts):
    units = sample_tables["units"].copy()
    hostile = "Đảng bộ {ty_le_dang_ky} <script>alert(1)</script> {%"
    units.loc[units["unit_code"] == "DB09", "unit_name"] = hostile
    changed = PeriodFacts.build({**sample_tables, "units": units}, PERIOD, load_settings())
    doc = docx.Document(io.BytesIO(draft_bytes(changed)))
    assert hostile in _text(doc)


def test_the_analyst_edits_the_wording_without_python(sample_facts, tmp_path):
    home = Home(tmp_path)
    assert home.draft_template == DRAFT_TEMPLATE
    own = tmp_path / "mau_van_ban" / "bao_cao_so_ket.txt"
    own.parent.mkdir()
    wording = DRAFT_TEMPLATE.read_text(encoding="utf-8").replace(
        "Tỷ lệ đảng viên báo cáo kết quả học tập và làm theo đạt",
        "Số đảng viên đã báo cáo kết quả học tập và làm theo chiếm")
    own.write_text(wording, encoding="utf-8")
    assert home.draft_template == own
    text = draft_paragraphs(sample_facts, home.draft_template)["bao_cao_ket_qua"]
    assert text.startswith("Số đảng viên đã báo cáo kết quả học tập và làm theo chiếm")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) không có")
def test_libreoffice_opens_the_draft(sample_facts, tmp_path):
    from pypdf import PdfReader

    path = write_draft(sample_facts, tmp_path / "bao_cao.docx")
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=180)
    pages = PdfReader(tmp_path / "bao_cao.pdf").pages
    first = " ".join(pages[0].extract_text().split())
    assert len(pages) >= 3 and "BÁO CÁO" in first and "ĐẢNG CỘNG SẢN VIỆT NAM" in first


def test_the_place_and_province_come_from_the_settings(sample_tables):
    named = replace(load_settings(), province="Mẫu Giang", place="Mẫu Sơn")
    doc = docx.Document(io.BytesIO(draft_bytes(PeriodFacts.build(sample_tables, PERIOD, named))))
    left, right = doc.tables[0].rows[0].cells
    assert left.paragraphs[0].text == "ĐẢNG BỘ TỈNH MẪU GIANG"
    assert right.paragraphs[1].text.startswith("Mẫu Sơn, ngày")


def test_lib03_draft_writes_the_draft_alone(sample_processed, tmp_path, capsys):
    from lib03.cli import main

    code = main(["draft", "--period", PERIOD, "--processed", str(sample_processed),
                 "--reports", str(tmp_path)])
    assert code == 0 and "bao_cao_so_ket_2014-H1.docx" in capsys.readouterr().out
    assert sorted(p.name for p in (tmp_path / PERIOD).iterdir()) == [
        "bao_cao_so_ket_2014-H1.docx"]
