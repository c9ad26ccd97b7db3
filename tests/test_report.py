"""`lib03 report` on the sample district: the four notebooks run, and what the analyst opens
says what the meeting needs, with no code, nothing fetched and every chart written."""

import io
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib.image
import nbformat
import openpyxl
import pytest
from browser import needs_chromium, open_page, print_pdf, widths_at

from lib03.cli import main
from lib03.config import NOTEBOOKS_DIR, RAW_DIR, load_settings
from lib03.contract import read_table
from lib03.errors import ReportError
from lib03.ingest.pipeline import run_clean
from lib03.report.build import build_report, recover
from lib03.report.metrics import load_tables

PERIOD = "2014-H1"  # the half-year where the sample plants its problems
LATEST = "2014-H2"  # the newest: the default, and the third period, so the trend shows
CHARTS = ["01_tinh_hinh_bao_cao", "02_ty_le_dang_ky_theo_don_vi",
          "03_ty_le_hoc_tap_theo_don_vi", "04_ty_le_bao_cao_theo_don_vi",
          "05_sinh_hoat_nd_hcm", "06_sinh_hoat_nd_tiet_kiem", "07_kiem_tra_giam_sat",
          "08_so_sanh_cac_khoi", "09_thay_doi_so_voi_ky_truoc"]


@pytest.fixture(scope="module")
def processed(tmp_path_factory):
    out = tmp_path_factory.mktemp("processed")
    run_clean(RAW_DIR, out, progress=False)
    return out


@pytest.fixture(scope="module")
def report(processed, tmp_path_factory):
    reports = tmp_path_factory.mktemp("reports")
    return build_report(processed, reports, load_settings(), period=PERIOD)


@pytest.fixture(scope="module")
def latest(processed, tmp_path_factory):
    """The report `lib03 report` writes when no period is named."""
    return build_report(processed, tmp_path_factory.mktemp("latest"), load_settings())


@pytest.fixture(scope="module")
def index_html(report):
    return report.index.read_text(encoding="utf-8")


def _names(codes):
    units = read_table(RAW_DIR / ".ground_truth" / "units.csv").set_index("unit_code")
    return [units.loc[c, "unit_name"] for c in codes]


def test_latest_period_is_the_default(latest):
    assert latest.period == LATEST and latest.folder.name == LATEST
    assert [p.name for p in latest.pages] == [p.stem + ".html" for p in sorted(
        NOTEBOOKS_DIR.glob("0*.ipynb"))]
    assert not list(latest.folder.parent.glob(".*"))  # no staging folder left behind


def test_the_draft_and_the_letters_are_in_the_report(report):
    assert (report.folder / "bao_cao_so_ket_2014-H1.docx").is_file()
    assert (report.folder / "phan_hoi" / "danh_sach.xlsx").is_file()


def test_the_trend_shows_from_the_third_period(latest, index_html):
    page = latest.index.read_text(encoding="utf-8")
    assert "Diễn biến qua các kỳ" in page and "6T cuối 2013" in page and "6T cuối 2014" in page
    assert "alt=\"Diễn biến tỷ lệ báo cáo" in page
    assert "Chưa lập: số liệu mới có 2 kỳ" in index_html  # 2014-H1 sees two periods only
    assert (latest.folder / "charts" / "10_dien_bien_qua_cac_ky.png").is_file()


def test_no_code_no_script_nothing_fetched(report):
    for page in [report.index, *report.pages]:
        text = page.read_text(encoding="utf-8")
        assert "<script" not in text.lower(), page.name
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text), page.name
        assert "url(" not in text and "<link" not in text and "@import" not in text, page.name
        for code in ("ctx = setup", "from lib03", "show_table(", "metrics."):
            assert code not in text, f"{page.name} shows code: {code}"


def test_images_are_embedded(report, index_html):
    sources = re.findall(r'<img[^>]*src="([^"]+)"', index_html)
    assert len(sources) == len(CHARTS) + 1  # the inspection chart also shows in part 3
    assert all(s.startswith("data:image/png;base64,") for s in sources)
    assert re.findall(r'<img[^>]*alt="([^"]+)"', index_html), "every image has alt text"


def test_index_names_the_flagged_the_missing_and_the_late(index_html):
    truth = read_table(RAW_DIR / ".ground_truth" / "weak_inspection.csv")
    flagged = sorted(set(truth.loc[truth["period"] == PERIOD, "unit_code"]))
    for name in _names(flagged):
        assert name in index_html, name
    assert "Không kiểm tra, giám sát chi bộ trực thuộc nào trong kỳ" in index_html
    missing, late = _names(["CB21", "CB09"])
    assert missing in index_html and late in index_html
    assert "Chưa gửi báo cáo" in index_html and "Nộp muộn" in index_html
    assert "39/40 tổ chức cơ sở đảng đã gửi báo cáo dùng được (97,5 %)" in index_html


def test_index_states_period_data_date_settings_and_quality(index_html):
    assert "6 tháng đầu năm 2014" in index_html
    assert "báo cáo mới nhất ghi ngày 25/06/2014" in index_html
    assert "Thiết lập đã dùng" in index_html and "dưới 50 %" in index_html
    assert "Book1.xlsx" in index_html and "Tệp rỗng" in index_html  # a quarantined file
    assert "Chi bộ ấp Phước Lợii" in index_html  # a warning, with its cell value
    assert "So với kỳ 2013-H2" in index_html


def test_every_chart_is_written_readable_and_slide_sized(report):
    names = sorted({p.stem for p in report.charts})
    assert names == sorted(CHARTS)
    for name in CHARTS:
        png = report.folder / "charts" / f"{name}.png"
        height, width = matplotlib.image.imread(png).shape[:2]
        assert width >= 2666 and abs(width / height - 16 / 9) < 0.02, (name, width, height)
        root = ET.parse(report.folder / "charts" / f"{name}.svg").getroot()
        assert root.tag.endswith("svg")


def test_summary_workbook_follows_the_published_table_conventions(report):
    wb = openpyxl.load_workbook(report.folder / "bang_tong_hop.xlsx")
    cover = wb.worksheets[0]
    text = " ".join(str(c.value) for row in cover.iter_rows() for c in row if c.value)
    assert "Chỉ thị 03" in text and "6 tháng đầu năm 2014" in text
    assert len(wb.worksheets) == 13
    for ws in wb.worksheets:
        assert not ws.merged_cells.ranges, ws.title
    for ws in wb.worksheets[1:]:
        assert len(ws.tables) == 1, ws.title
        assert ws["A1"].value and ws["A1"].font.b, ws.title  # the title first, then the table
        top = int(re.match(r"A(\d+):", next(iter(ws.tables.values())).ref).group(1))
        assert all(ws.cell(r, 1).value for r in range(1, top)), ws.title  # no blank spacer row
    figures = [c.value for ws in wb.worksheets[1:] for row in ws.iter_rows() for c in row]
    assert "[x]" in figures and "nan" not in figures  # a missing figure shows its symbol
    assert "Tỷ lệ báo cáo (%)" in figures  # units in the headers


def test_executed_notebooks_are_kept_without_run_times(report):
    for path in sorted((report.folder / "so_tay").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        assert "papermill" not in nb.metadata
        outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
        assert outputs and not [o for o in outputs if o.output_type == "error"]


def test_same_inputs_same_report(report, processed, tmp_path):
    first = {p.relative_to(report.folder): p.read_bytes()
             for p in report.folder.rglob("*") if p.is_file()}
    shutil.move(report.folder, tmp_path / "first")
    try:
        again = build_report(processed, report.folder.parent, load_settings(), period=PERIOD)
        second = {p.relative_to(again.folder): p.read_bytes()
                  for p in again.folder.rglob("*") if p.is_file()}
    finally:
        shutil.rmtree(report.folder, ignore_errors=True)
        shutil.move(tmp_path / "first", report.folder)
    assert sorted(second) == sorted(first)
    for rel, data in first.items():
        assert second[rel] == data, rel


def test_cli_report_for_another_period(processed, tmp_path, capsys):
    code = main(["report", "--period", "2013-H2", "--skip-clean", "--processed",
                 str(processed), "--reports", str(tmp_path), "--coverage-min", "60"])
    out = capsys.readouterr().out
    assert code == 0 and str(tmp_path / "2013-H2" / "index.html") in out
    page = (tmp_path / "2013-H2" / "index.html").read_text(encoding="utf-8")
    assert "6 tháng cuối năm 2013" in page and "Chưa có số liệu kỳ trước" in page
    assert "dưới 60 %" in page  # the override reached the notebooks and the index


def test_unknown_period_is_a_clear_error(processed, tmp_path, capsys):
    code = main(["report", "--period", "2015-H1", "--skip-clean", "--processed",
                 str(processed), "--reports", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and "Không có số liệu của kỳ 2015-H1" in err and "2014-H1" in err


def test_a_failing_notebook_is_named_and_the_old_report_kept(processed, tmp_path):
    notebooks = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS_DIR, notebooks)
    broken = notebooks / "02_ty_le_hoan_thanh.ipynb"
    nb = nbformat.read(broken, as_version=4)
    nb.cells.insert(3, nbformat.v4.new_code_cell("ket_qua = 1 / 0"))
    nbformat.write(nb, broken)
    reports = tmp_path / "reports"
    (reports / PERIOD).mkdir(parents=True)
    (reports / PERIOD / "index.html").write_text("báo cáo cũ", encoding="utf-8")
    with pytest.raises(ReportError) as info:
        build_report(processed, reports, load_settings(), PERIOD, notebooks_dir=notebooks)
    message = str(info.value)
    assert "02_ty_le_hoan_thanh.ipynb" in message and "ZeroDivisionError" in message
    assert "ket_qua = 1 / 0" in message and "ô thứ 4 " in message  # as counted in the file
    named = Path(message.rsplit(": ", 1)[1])
    assert named.exists() and named.parent.parent.name == f"{PERIOD}.loi"
    assert (reports / PERIOD / "index.html").read_text(encoding="utf-8") == "báo cáo cũ"
    assert not list(reports.glob(".*"))
    assert (reports / f"{PERIOD}.loi" / "so_tay" / broken.name).exists()


def test_a_run_killed_between_the_two_renames_recovers(tmp_path):
    (tmp_path / f".{PERIOD}.cu").mkdir()
    (tmp_path / f".{PERIOD}.cu" / "index.html").write_text("trước", encoding="utf-8")
    (tmp_path / f".{PERIOD}.dang-viet").mkdir()
    recover(tmp_path, PERIOD)
    assert (tmp_path / PERIOD / "index.html").read_text(encoding="utf-8") == "trước"
    assert sorted(p.name for p in tmp_path.iterdir()) == [PERIOD]


def test_report_without_cleaned_data_says_what_to_do(tmp_path):
    with pytest.raises(ReportError, match="lib03 clean"):
        load_tables(tmp_path)


@needs_chromium
def test_report_opens_in_a_real_browser_with_the_network_cut(report):
    for page in [report.index, *report.pages]:
        seen = open_page(page)
        assert seen.problems() == [], (page.name, seen.problems())
        assert seen.outside_requests == [] and seen.console_errors == []
        assert seen.scripts_in_dom == 0 and seen.dialogs == []
        assert all(loaded for _, loaded in seen.images), page.name
    seen = open_page(report.index)
    assert len(seen.images) == len(CHARTS) + 1
    assert "6 tháng đầu năm 2014" in seen.title and "Chưa gửi báo cáo" in seen.text


@needs_chromium
def test_report_prints_with_the_summary_on_page_one_and_page_numbers(latest):
    from pypdf import PdfReader

    pdf = print_pdf(latest.index)
    assert pdf.startswith(b"%PDF") and len(pdf) > 100_000
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
    first = " ".join(pages[0].split())
    assert "Tóm tắt kỳ 6 tháng cuối năm 2014" in first and "Tỷ lệ chính của toàn huyện" in first
    assert "tổ chức cơ sở đảng đã gửi báo cáo dùng được" in first
    assert "Nội dung" not in first.split("Tỷ lệ chính")[0]  # the summary, not the contents
    assert 8 <= len(pages) <= 60, len(pages)
    for number, text in enumerate(pages, 1):
        assert f"Trang {number} / {len(pages)}" in " ".join(text.split()), number
    whole = " ".join(" ".join(pages).split())
    assert "Kiểm tra, giám sát" in whole and "Diễn biến qua các kỳ" in whole


@needs_chromium
def test_no_page_scrolls_sideways_on_a_phone(latest):
    for page in [latest.index, *latest.pages]:
        scroll, viewport = widths_at(page, 390)
        # A phone zooms out to fit a page wider than its screen: compare with the screen.
        assert scroll <= 390 and viewport == 390, (page.name, scroll, viewport)


def test_the_page_travels_alone(index_html):
    """Emailed alone, index.html has every link inside itself and points at no file the
    recipient does not have; the companion files are named as such."""
    links = re.findall(r'href="([^"]*)"', index_html)
    assert links and all(link.startswith("#") for link in links), [
        x for x in links if not x.startswith("#")]
    ids = set(re.findall(r'id="([^"]+)"', index_html))
    assert [x for x in links if x[1:] not in ids] == []  # each lands on its section
    for developer_path in ("data/processed", "docs/", "lib03/", ".csv"):
        assert developer_path not in index_html, developer_path
    assert "Tệp đi kèm" in index_html and "bang_tong_hop.xlsx" in index_html
