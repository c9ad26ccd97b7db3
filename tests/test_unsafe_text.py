"""Trust, guarantee 5: unsafe text stays text.

The sample district is cleaned and reported once with a registry whose unit names are hostile
(HTML, a script, formulas, mathtext) and a report file carrying typed cell values of the same
kind. Then: every page of the HTML report, opened in a real headless browser, shows them as
text and runs nothing; every CSV and xlsx lib03 writes (tables, summary workbook, collection
templates) keeps formula-looking text as text; and every chart is drawn with the names as
typed.
"""

from __future__ import annotations

import csv
import html
import io
import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from browser import needs_chromium, open_page
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text

from lib03.config import RAW_DIR, REGISTRY_FILE_NAME, load_settings
from lib03.forms.template import INSPECTION, SUMMARY, write_templates
from lib03.ingest.pipeline import run_clean
from lib03.ingest.registry import read_registry
from lib03.report import charts
from lib03.report.build import ReportResult, build_report
from lib03.report.metrics import load_tables, reporting_status
from lib03.sheetwrite import Sheet, book_bytes

PERIOD = "2014-H1"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SCRIPT = "<script>alert(1)</script>"
IMAGE = "<img src=x onerror=alert(2)>"
CELL_SCRIPT = "<script>alert(3)</script>"
# Units whose files are found by the code in the file name, so a new name cannot lose them;
# DB01 is made weak in inspection below, CB21 sends nothing in 2014-H1, DB09-01 is a chi bộ
# trực thuộc (it is listed by name in its Đảng bộ's template).
NAMES = {
    "DB01": f"Đảng bộ {SCRIPT} xã Tân Phú",
    "CB21": f"{IMAGE}Chi bộ Kho bạc",
    "CB17": '=HYPERLINK("http://x","bấm")',
    "CB23": "@SUM(1)",
    "CB05": "+1",
    "CB11": "-1+2",
    # Two pairs of '$': mathtext would set x² in italics, and stop on "x^" with nothing after.
    "DB13": "Đảng bộ $x^2$ \\ 50% <b> $x^$",
    "DB09-01": "=1+1",
}
# Typed into DB01's inspection sheet: a chi bộ name that matches nothing and two counts that
# are not numbers, so that each reaches the warnings with the value as the unit typed it.
TYPED = {"B12": CELL_SCRIPT, "F11": "=1+2", "G11": "\t@x"}
# A number written by lib03 (never text) may start with '-'; Excel reads it as a number.
_NUMBER = re.compile(r"-\d+(\.\d+)?(e[-+]\d+)?")
_FORMULA_ELEMENT = re.compile(rb"<(\w+:)?f[\s>/]")  # a cell formula, not <formula1> of a rule


@dataclass
class Hostile:
    raw: Path
    processed: Path
    report: ReportResult
    templates: list[Path]


def _put_text(cell, text: str) -> None:
    # As a unit typing '=1+1 in Excel would: text, even where it starts like a formula.
    cell.value = text
    cell.data_type = "s"


def _hostile_registry(path: Path) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    header = next(r for r in ws.iter_rows() if r[0].value == "Mã đơn vị")
    assert header[1].value == "Tên đơn vị"
    renamed = set()
    for code_cell, name_cell, *_ in ws.iter_rows(min_row=header[0].row + 1):
        if code_cell.value in NAMES:
            _put_text(name_cell, NAMES[code_cell.value])
            renamed.add(code_cell.value)
    assert renamed == set(NAMES)
    wb.save(path)


def _hostile_report_file(path: Path) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb["Kiểm tra, giám sát"]
    # The sample file as these edits expect it: the names in B, the findings in F and G.
    assert (ws["B4"].value, ws["F4"].value, ws["G4"].value) == (
        "Chi bo", "So kien nghi", "Da khac phuc")
    assert ws["B13"].value == "CHI BỘ CÔNG AN XÃ" and ws["E13"].value == "15-02-2014"
    for ref, text in TYPED.items():
        _put_text(ws[ref], text)
    # Three findings of February still open at the end of June: DB01 is flagged as weak.
    ws["F13"], ws["G13"] = 3, 0
    wb.save(path)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Hostile:
    root = tmp_path_factory.mktemp("unsafe_text")
    raw = root / "raw"
    raw.mkdir()
    shutil.copy2(RAW_DIR / REGISTRY_FILE_NAME, raw / REGISTRY_FILE_NAME)
    for period in ("2013-H2", PERIOD):
        shutil.copytree(RAW_DIR / period, raw / period)
    _hostile_registry(raw / REGISTRY_FILE_NAME)
    _hostile_report_file(raw / PERIOD / "DB01.xlsx")
    processed = root / "processed"
    run_clean(raw, processed, progress=False)
    report = build_report(processed, root / "reports", load_settings())
    units = read_registry(raw / REGISTRY_FILE_NAME)[0]
    templates = write_templates(units, "2014-H2", root / "templates", "huyện Mẫu")
    return Hostile(raw, processed, report, templates)


@pytest.fixture(scope="module")
def tables(hostile) -> dict[str, pd.DataFrame]:
    return load_tables(hostile.processed)


def _loaded_names(tables) -> dict[str, str]:
    """Each hostile name as lib03 reads it back from its own units.csv."""
    return tables["units"].set_index("unit_code")["unit_name"][list(NAMES)].to_dict()


def test_the_hostile_text_reaches_the_report(hostile, tables):
    status = reporting_status(tables, PERIOD, load_settings()).set_index("unit_code")["status"]
    # Renamed units that report are still recognised by their files; CB21 is missing.
    assert status["CB21"] == "missing"
    assert set(status[["DB01", "CB17", "CB23", "CB05", "CB11", "DB13"]]) <= {"on_time", "late"}
    # DB01 is in the list of Đảng bộ flagged as weak in inspection, escaped in the source.
    part = hostile.report.folder / "03_kiem_tra_giam_sat.html"
    assert f"<li>{html.escape(NAMES['DB01'])} (DB01): " in part.read_text(encoding="utf-8")
    log = tables["quality_log"]
    typed = log[(log["period"] == PERIOD) & log["source_file"].str.endswith("/DB01.xlsx")]
    assert CELL_SCRIPT in set(typed["raw_value"])
    assert {"B12", "F11", "G11"} <= set(typed["cell"])


PAGE_TEXTS = {  # what each page must show as text (the charts page shows only pictures)
    "index.html": [SCRIPT, IMAGE, CELL_SCRIPT],
    "01_chat_luong_so_lieu.html": [CELL_SCRIPT],
    "02_ty_le_hoan_thanh.html": [SCRIPT, IMAGE],
    "03_kiem_tra_giam_sat.html": [SCRIPT],
    "04_bieu_do.html": [],
}


@needs_chromium
def test_every_page_shows_unsafe_text_as_text_and_runs_nothing(hostile):
    pages = [hostile.report.index, *hostile.report.pages]
    assert sorted(p.name for p in pages) == sorted(PAGE_TEXTS)
    for path in pages:
        page = open_page(path)
        assert page.scripts_run == [], path.name
        assert page.dialogs == [], path.name
        assert page.console_errors == [], path.name
        assert page.scripts_in_dom == 0, path.name
        assert page.inline_handlers == [], path.name
        assert page.problems() == [], path.name  # nothing fetched, every image shown too
        for text in PAGE_TEXTS[path.name]:
            assert text in page.text, (path.name, text)


@needs_chromium
def test_chart_svgs_hold_the_names_as_text_only(hostile):
    svgs = [p for p in hostile.report.charts if p.suffix == ".svg"]
    assert svgs
    for path in svgs:
        page = open_page(path)
        assert (page.scripts_run, page.dialogs, page.console_errors, page.scripts_in_dom,
                page.inline_handlers) == ([], [], [], 0, []), path.name


def test_no_csv_cell_starts_like_a_formula(hostile):
    neutralised = []
    paths = sorted(hostile.processed.glob("*.csv"))
    assert len(paths) == 6
    for path in paths:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            for row in csv.reader(fh):
                for cell in row:
                    if cell.startswith(FORMULA_START):
                        assert _NUMBER.fullmatch(cell), (path.name, cell)
                    elif cell.startswith("'") and cell[1:].startswith(FORMULA_START):
                        neutralised.append(cell)
    typed = [NAMES[c] for c in ("CB17", "CB23", "CB05", "CB11", "DB09-01")]
    typed += [TYPED["F11"], TYPED["G11"]]
    assert {"'" + text for text in typed} <= set(neutralised)


def _formulas(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as zf:
        return [name for name in zf.namelist()
                if name.startswith("xl/worksheets/") and _FORMULA_ELEMENT.search(zf.read(name))]


def _text_cells(path: Path) -> dict[str, list]:
    wb = openpyxl.load_workbook(path)
    found: dict[str, list] = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    found.setdefault(cell.value, []).append(cell)
    return found


def _assert_text(cells: list, where: str) -> None:
    for cell in cells:
        assert cell.data_type == "s", (where, cell.coordinate)
        if cell.value.startswith(FORMULA_START):
            assert cell.quotePrefix, (where, cell.coordinate)


def test_summary_workbook_keeps_the_text_as_text(hostile, tables):
    path = hostile.report.folder / "bang_tong_hop.xlsx"
    assert _formulas(path) == []
    cells = _text_cells(path)
    names = _loaded_names(tables)
    log = tables["quality_log"]
    typed = log.loc[log["cell"].isin(list(TYPED)) & log["source_file"].str.endswith("/DB01.xlsx")
                    & (log["period"] == PERIOD), "raw_value"]
    # The same string as lib03 read it, in every table that shows it (DB09-01 is in none).
    expected = [names[c] for c in NAMES if c != "DB09-01"] + list(typed)
    assert len(expected) == len(NAMES) - 1 + len(TYPED)
    for text in expected:
        assert text in cells, text
        _assert_text(cells[text], text)
    # Names that do not look like formulas arrive exactly as the registry has them.
    for code in ("DB01", "CB21", "DB13"):
        assert names[code] == NAMES[code]


def test_templates_keep_registry_names_as_text(hostile):
    assert len(hostile.templates) > 30
    for path in hostile.templates:
        assert _formulas(path) == [], path.name
        for text, cells in _text_cells(path).items():
            _assert_text(cells, f"{path.name}: {text}")
    by_code = {p.name.split("_")[0]: p for p in hostile.templates}
    for code in ("CB17", "CB23", "CB05", "CB11", "DB01", "CB21", "DB13"):
        ws = openpyxl.load_workbook(by_code[code])[SUMMARY]
        assert ws["A6"].value == f"Đơn vị: {NAMES[code]}"
        if code.startswith("CB"):  # a Đảng bộ's A2 names its Đảng ủy
            assert ws["A2"].value == NAMES[code].upper()
            _assert_text([ws["A2"]], code)
    listed = openpyxl.load_workbook(by_code["DB09"])[INSPECTION]["B4"]
    assert listed.value == NAMES["DB09-01"] and listed.data_type == "s" and listed.quotePrefix


def test_demo_writer_keeps_text_as_text():
    data = book_bytes([Sheet("Tổng hợp", cells={(0, 0): "=1+1", (0, 1): "-"})], ".xlsx")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert not _FORMULA_ELEMENT.search(zf.read("xl/worksheets/sheet1.xml"))
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert (ws["A1"].value, ws["A1"].data_type, ws["B1"].value) == ("=1+1", "s", "-")


def test_every_chart_is_written_for_the_hostile_names(hostile):
    pngs = [p for p in hostile.report.charts if p.suffix == ".png"]
    assert len(pngs) == 9
    for path in pngs:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", path.name


def test_a_name_with_dollars_and_backslashes_is_drawn_as_typed():
    names = ["Chi bộ $x^2$ \\ 50% <b>", "Chi bộ $x^$ \\frac{"]
    rates = pd.DataFrame({"unit_code": ["A", "B"], "rate": "dang_ky", "value": [0.4, 0.8],
                          "short_name": names})
    fig = charts.plot_unit_rates(rates, "dang_ky", 0.6, target=0.9)
    FigureCanvasAgg(fig).draw()  # outside the chart style, as a notebook shows a figure
    labels = fig.axes[0].get_yticklabels()
    assert sorted(t.get_text() for t in labels) == sorted(names)
    texts = fig.findobj(Text)
    assert texts and not any(t.get_parse_math() or t.get_usetex() for t in texts)


def test_formula_looking_names_read_back_as_typed(tables):
    assert _loaded_names(tables) == NAMES
