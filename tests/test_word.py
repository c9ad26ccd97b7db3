"""Reports sent as Word documents: the tables are read by the same code as a workbook's, and
every value points at its table and cell as the analyst counts them in Word."""

from __future__ import annotations

import docx
from builders import INDICATOR_ROWS, MONTHLY_HEADER

from lib03.contract import read_table
from lib03.ingest.pipeline import run_clean


def write_docx_report(path, *, header_table: bool = True) -> None:
    """The Đảng bộ report of tests/builders.py, typed in Word the way units do."""
    doc = docx.Document()
    if header_table:  # the party header is usually a borderless two-column table
        head = doc.add_table(rows=2, cols=2)
        head.cell(0, 0).text = "ĐẢNG BỘ HUYỆN MẪU"
        head.cell(0, 1).text = "ĐẢNG CỘNG SẢN VIỆT NAM"
        head.cell(1, 0).text = "ĐẢNG ỦY XÃ TÂN PHÚ"
        head.cell(1, 1).text = "Tân Phú, ngày 18 tháng 6 năm 2014"
    else:
        for line in ("ĐẢNG BỘ HUYỆN MẪU", "ĐẢNG ỦY XÃ TÂN PHÚ",
                     "Tân Phú, ngày 18 tháng 6 năm 2014"):
            doc.add_paragraph(line)
    doc.add_paragraph("BÁO CÁO")
    doc.add_paragraph("Kết quả thực hiện Chỉ thị 03-CT/TW 6 tháng đầu năm 2014")
    doc.add_paragraph("I. Số liệu tổng hợp")
    summary = doc.add_table(rows=1, cols=4)
    for c, text in enumerate(["STT", "Nội dung (chỉ tiêu)", "Số lượng", "Ghi chú"]):
        summary.cell(0, c).text = text
    for i, (label, value) in enumerate(INDICATOR_ROWS, 1):
        cells = summary.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = str(i), label, str(value)
    doc.add_paragraph("II. Sinh hoạt chi bộ")
    monthly = doc.add_table(rows=1, cols=len(MONTHLY_HEADER))
    for c, text in enumerate(MONTHLY_HEADER):
        monthly.cell(0, c).text = text
    for month in range(1, 7):
        cells = monthly.add_row().cells
        for c, value in enumerate([f"Tháng {month}", 3, 3, 2, 3]):
            cells[c].text = str(value)
    doc.add_paragraph("T/M ĐẢNG ỦY")
    doc.add_paragraph("BÍ THƯ")
    doc.save(path)


def _clean(raw_dir, tmp_path):
    run_clean(raw_dir, tmp_path / "out", progress=False)
    return {n: read_table(tmp_path / "out" / f"{n}.csv")
            for n in ("submissions", "indicators", "monthly", "quality_log")}


def test_a_word_report_is_cleaned_like_a_workbook(raw_dir, tmp_path):
    write_docx_report(raw_dir / "2014-H1" / "bao cao Tan Phu.docx")
    t = _clean(raw_dir, tmp_path)
    sub = t["submissions"].iloc[0]
    assert (sub["status"], sub["unit_code"], sub["file_format"]) == ("ok", "DB01", "docx")
    assert sub["report_date"] == "2014-06-18"
    ind = t["indicators"].set_index("indicator")
    assert ind.loc["tong_dang_vien", "value"] == "120"
    assert ind.loc["dv_dang_ky", "value"] == "118"
    assert ind.loc["dv_hoc_chuyen_de", "value"] == "1100"
    assert ind.loc["bo_phan_03", "value"] == "1"
    # Table 2 of the document (the first is the party header), row 2, column C.
    assert ind.loc["tong_dang_vien", "source"] == "2014-H1/bao cao Tan Phu.docx!Bảng 2!C2"
    assert list(t["monthly"]["month"]) == ["1", "2", "3", "4", "5", "6"]
    assert set(t["monthly"]["cells_met"]) == {"3"}


def test_title_paragraphs_give_the_unit_and_date(raw_dir, tmp_path):
    write_docx_report(raw_dir / "2014-H1" / "bc.docx", header_table=False)
    t = _clean(raw_dir, tmp_path)
    sub = t["submissions"].iloc[0]
    assert (sub["status"], sub["unit_code"], sub["report_date"]) == ("ok", "DB01", "2014-06-18")
    ind = t["indicators"].set_index("indicator")
    assert ind.loc["tong_dang_vien", "source"] == "2014-H1/bc.docx!Bảng 1!C2"


def test_an_old_doc_is_quarantined_with_the_advice_to_save_as_docx(raw_dir, tmp_path):
    ole_magic = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    (raw_dir / "2014-H1" / "bc cu.doc").write_bytes(ole_magic + b"\0" * 600)
    t = _clean(raw_dir, tmp_path)
    sub = t["submissions"].iloc[0]
    assert sub["status_reason"] == "file_doc_old"
    log = t["quality_log"].set_index("code")
    assert ".docx" in log.loc["file_doc_old", "message"]
