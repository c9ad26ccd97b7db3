"""The draft báo cáo sơ kết, beyond tests/test_draft_report.py: every figure traced to the
period's facts and to the HTML summary, clock-free bytes, page numbers, the appendix, a
missing figure, the analyst's template mistakes named, and page 1 as LibreOffice prints it."""

from __future__ import annotations

import html
import io
import re
import shutil
import string
import subprocess
import zipfile
from datetime import UTC, datetime

import docx
import pytest
from docx.enum.text import WD_COLOR_INDEX

from lib03.config import DRAFT_TEMPLATE, PROJECT_ROOT, load_settings
from lib03.errors import ReportError
from lib03.report.draft import draft_bytes, draft_paragraphs, write_draft
from lib03.report.draft_text import (
    ALWAYS,
    CONDITIONAL,
    MISSING,
    PER_RATE,
    conditional,
    figures,
    numbers_in,
    placeholder_names,
    read_template,
)
from lib03.report.facts import PeriodFacts
from lib03.report.formatting import format_change, format_number, format_percent, rates
from lib03.report.metrics import DISTRICT
from lib03.report.overview import overview_section
from lib03.sheetwrite import FIXED_PROPERTIES_TIME, ZIP_TIME

PERIOD, FIRST = "2014-H1", "2013-H2"  # with a previous period in the data, and without
NBSP = "\u00a0"


@pytest.fixture(scope="module")
def first(sample_tables):
    return PeriodFacts.build(sample_tables, FIRST, load_settings())


def _doc(sample_facts, template=DRAFT_TEMPLATE):
    return docx.Document(io.BytesIO(draft_bytes(sample_facts, template)))


def _all_text(doc) -> str:
    """Every word of the document: body, tables and the page heads."""
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    parts += [
        p.text for s in doc.sections for h in (s.header, s.first_page_header) for p in h.paragraphs
    ]
    return "\n".join(parts).replace(NBSP, " ")


def _fields(text: str) -> list[str]:
    return [f for _, f, _, _ in string.Formatter().parse(text) if f]


# --- every figure is the facts' --------------------------------------------------------------


def test_each_figure_is_the_facts_figure(sample_facts):
    """Recomputed here from PeriodFacts, not through the draft's own code."""
    values = figures(sample_facts)
    changes = sample_facts.group_changes
    district = changes[changes["group"] == DISTRICT].set_index("rate")
    for rate in rates():
        row = district.loc[rate.id]
        assert values[f"ty_le_{rate.id}"] == format_percent(row["value"])
        points = format_number(abs(row["change"]) * 100, 1)
        word = "bằng" if points == "0,0" else ("tăng" if row["change"] > 0 else "giảm")
        assert values[f"so_sanh_{rate.id}"].startswith(word)
        assert (
            word == "bằng"
            or f" {points} điểm phần trăm so với {sample_facts.before.label}"
            in values[f"so_sanh_{rate.id}"]
        )
        sectors = sample_facts.group_rates[
            (sample_facts.group_rates["rate"] == rate.id)
            & (sample_facts.group_rates["group"] != DISTRICT)
        ].dropna(subset=["value"])
        best = sectors.loc[sectors["value"].idxmax()]
        worst = sectors.loc[sectors["value"].idxmin()]
        assert values[f"khoi_cao_{rate.id}"].endswith(f"({format_percent(best['value'])})")
        assert values[f"khoi_thap_{rate.id}"].endswith(f"({format_percent(worst['value'])})")
    rep = sample_facts.reporting_rates.set_index("group").loc[DISTRICT]
    counts = sample_facts.status["status"].value_counts()
    assert (values["so_bao_cao"], values["so_phai_bao_cao"]) == (
        format_number(rep["reported"]),
        format_number(rep["expected"]),
    )
    assert values["so_dung_han"] == format_number(counts.get("on_time", 0))
    assert values["so_nop_muon"] == format_number(counts.get("late", 0))
    assert values["so_chua_bao_cao"] == format_number(
        counts.get("missing", 0) + counts.get("unusable", 0)
    )
    totals = sample_facts.totals.set_index("group").loc[DISTRICT]
    assert values["buoi_quan_triet"] == format_number(totals["buoi_quan_triet"])
    assert values["guong_nhan_rong"] == format_number(totals["guong_nhan_rong"])


def test_the_draft_says_what_the_html_summary_says(sample_facts):
    """Each headline rate and its change, as the front page of index.html shows them."""
    page = overview_section(sample_facts, {})
    rows = re.findall(
        r"<tr><th>([^<]*)</th><td class=\"so\">([^<]*)</td>"
        r"<td class=\"so\">([^<]*)</td></tr>",
        page,
    )
    labels = {r.label: r.id for r in rates()}
    values = figures(sample_facts)
    assert len(rows) >= 6
    for label, value, change in rows:
        rate = labels[html.unescape(label)]
        assert values[f"ty_le_{rate}"] == html.unescape(value)
        change = html.unescape(change)  # "+0,5 điểm %", "−0,1 điểm %"
        words = values[f"so_sanh_{rate}"]
        points = change.lstrip("+−").removesuffix(" điểm %")
        assert (
            words.startswith("bằng")
            if points == "0,0"
            else words.startswith(
                f"{'giảm' if change.startswith('−') else 'tăng'} {points} điểm phần trăm"
            )
        )
        assert (
            format_change(
                sample_facts.group_changes.set_index(["group", "rate"]).loc[
                    (DISTRICT, rate), "change"
                ]
            )
            == change
        )


def test_each_number_of_a_paragraph_comes_from_its_own_figures(sample_facts):
    """Per paragraph: a number is in the template's words or in a figure that paragraph
    names; and the document's body paragraphs are exactly these paragraphs."""
    words = read_template()
    values = figures(sample_facts) | conditional(sample_facts)
    rendered = draft_paragraphs(sample_facts)
    for name, text in rendered.items():
        allowed = set(numbers_in(words[name]))
        for field in _fields(words[name]):
            allowed |= set(numbers_in(values[field]))
        assert set(numbers_in(text)) <= allowed, name
    body = {
        re.sub(r"^(- |\d+\. )", "", p.text.replace(NBSP, " "))
        for p in _doc(sample_facts).paragraphs
        if p.runs and not p.runs[0].bold and p.paragraph_format.first_line_indent
    }
    assert body <= set(rendered.values())
    assert len(body) >= 15


def test_the_appendix_is_the_unit_rates(sample_facts):
    table = _doc(sample_facts).tables[-1]
    head = [c.text for c in table.rows[0].cells]
    heads = [r for r in rates() if r.headline == "1"]
    assert head[3:] == [r.short_label for r in heads]
    values = sample_facts.unit_rates.set_index(["unit_code", "rate"])["value"]
    status = sample_facts.status.set_index("unit_name")
    rows = [[c.text.replace(NBSP, " ") for c in row.cells] for row in table.rows[1:]]
    assert [r[0] for r in rows[:-1]] == sorted(
        status.index, key=lambda n: (status.loc[n, "sector"], n)
    )
    for name, sector, label, *shown in rows[:-1]:
        unit = status.loc[name]
        assert (sector, label) == (unit["sector"], unit["status_label"])
        for rate, text in zip(heads, shown, strict=True):
            value = values.get((unit["unit_code"], rate.id))
            expected = format_percent(value)
            assert text in (expected, f"{expected} (*)"), (name, rate.id)
            assert text.endswith("(*)") == (value is not None and value > 1 + 1e-9)
    assert rows[-1][0] == DISTRICT
    assert rows[-1][3:] == [format_percent(sample_facts.district_rates[r.id]) for r in heads]


# --- what the text never says ----------------------------------------------------------------


@pytest.mark.parametrize("which", ["sample_facts", "first"])
def test_no_nan_none_or_template_braces_anywhere(which, request):
    text = _all_text(_doc(request.getfixturevalue(which)))
    assert not re.search(r"\bnan\b|\bNaN\b|\bNone\b|<NA>|\{|\}", text)


def test_a_period_without_a_previous_one_says_so(first):
    assert first.before is None
    values = figures(first)
    assert {values[f"so_sanh_{r.id}"] for r in rates()} == {"chưa có số liệu kỳ trước để so sánh"}
    text = _all_text(_doc(first))
    assert "điểm phần trăm" not in text and "chưa có số liệu kỳ trước để so sánh" in text


def test_a_missing_figure_says_so_in_yellow(sample_tables):
    ind = sample_tables["indicators"]
    gone = ind["indicator"].isin(["guong_phat_hien", "guong_nhan_rong"]) & (ind["period"] == PERIOD)
    thinned = PeriodFacts.build(
        {**sample_tables, "indicators": ind[~gone]}, PERIOD, load_settings()
    )
    values = figures(thinned)
    assert values["guong_phat_hien"] == values["ty_le_nhan_rong"] == MISSING
    assert values["so_sanh_nhan_rong"] == "chưa so sánh được với 6 tháng cuối năm 2013"
    paragraph = next(
        p for p in _doc(thinned).paragraphs if "gương người tốt" in p.text and not p.runs[0].bold
    )
    assert not re.search(r"\b0 gương", paragraph.text)
    marked = [r for r in paragraph.runs if r.text == MISSING]
    assert marked and all(r.font.highlight_color == WD_COLOR_INDEX.YELLOW for r in marked)


@pytest.mark.parametrize(
    "hostile",
    ["<script>alert(1)</script>", "{{ x }}", "{% if %}", "{ty_le_dang_ky}", "Đảng bộ {0} }{"],
)
def test_a_flagged_units_name_stays_text(sample_tables, sample_facts, hostile):
    """A flagged Đảng bộ's name flows into sentences, the tasks and the appendix."""
    code = sample_facts.flagged["unit_code"].iloc[0]
    units = sample_tables["units"].copy()
    units.loc[units["unit_code"] == code, "unit_name"] = hostile
    changed = PeriodFacts.build({**sample_tables, "units": units}, PERIOD, load_settings())
    doc = _doc(changed)
    limits = next(
        p.text for p in doc.paragraphs if "kiểm tra, giám sát chi bộ trực thuộc ở" in p.text
    )
    assert f"{hostile} (" in limits
    assert any(hostile in p.text for p in doc.paragraphs if p.text.startswith("2. Tập trung"))
    assert hostile in [row.cells[0].text for row in doc.tables[-1].rows]


# --- the file itself ---------------------------------------------------------------------------


def test_the_bytes_carry_no_clock(sample_facts, tmp_path):
    path = write_draft(sample_facts, tmp_path / "du_thao.docx")
    with zipfile.ZipFile(path) as z:
        assert {i.date_time for i in z.infolist()} == {ZIP_TIME}
        core = z.read("docProps/core.xml").decode()
    stamp = FIXED_PROPERTIES_TIME.strftime("%Y-%m-%dT%H:%M:%S")
    assert core.count(stamp) == 2 and datetime.now().strftime("%Y-%m-%d") not in core
    props = docx.Document(path).core_properties
    fixed = FIXED_PROPERTIES_TIME.replace(tzinfo=UTC)  # python-docx reads UTC back
    assert props.created == props.modified == fixed and props.revision == 1
    assert write_draft(sample_facts, tmp_path / "lan_hai.docx").read_bytes() == path.read_bytes()


def test_head_and_closing_tables_have_no_borders(sample_facts):
    doc = _doc(sample_facts)
    for table in (doc.tables[0], doc.tables[1]):
        assert table.style is None or "Grid" not in table.style.name
        xml = table._tbl.xml
        assert "w:tblBorders" not in xml and "w:tcBorders" not in xml


def test_page_numbers_from_page_two_and_fonts(sample_facts):
    doc = _doc(sample_facts)
    body, appendix = doc.sections
    assert body.different_first_page_header_footer
    assert body.first_page_header.paragraphs[0].text == ""
    assert 'w:instr="PAGE"' in body.header._element.xml
    assert appendix.page_width > appendix.page_height  # the wide table lies landscape
    fonts = {r.font.name for p in doc.paragraphs for r in p.runs}
    fonts |= {
        r.font.name
        for t in doc.tables
        for row in t.rows
        for c in row.cells
        for p in c.paragraphs
        for r in p.runs
    }
    assert fonts <= {None, "Times New Roman"}


# --- the wording template ----------------------------------------------------------------------


def _own(tmp_path, text: str):
    path = tmp_path / "bao_cao_so_ket.txt"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (("{ty_le_dang_ky}", "{ty_le_dang_kyy}"), "«ty_le_dang_ky»"),
        (("{ty_le_dang_ky}", "{ty_le_dang_ky"), "ngoặc nhọn"),
        (("{ty_le_dang_ky}", "{ty_le_dang_ky!r}"), "ngoặc nhọn"),
        (("## dang_ky", "## dang_kyy"), "«dang_ky»"),
    ],
)
def test_a_mistake_in_the_template_is_named_with_its_line(tmp_path, change, said):
    text = DRAFT_TEMPLATE.read_text(encoding="utf-8").replace(*change)
    with pytest.raises(ReportError, match="dòng") as caught:
        read_template(_own(tmp_path, text))
    assert said in str(caught.value) and "đoạn" in str(caught.value)


def test_a_copy_saved_as_ansi_is_named(tmp_path):
    path = tmp_path / "bao_cao_so_ket.txt"
    path.write_bytes(DRAFT_TEMPLATE.read_text(encoding="utf-8").encode("cp1258", "replace"))
    with pytest.raises(ReportError, match="UTF-8"):
        read_template(path)


def test_an_older_copy_a_blank_block_braces_and_recipients(sample_facts, tmp_path):
    text = DRAFT_TEMPLATE.read_text(encoding="utf-8")
    kept = text[: text.index("## tinh_hinh_bao_cao")]  # an older copy: later blocks absent
    kept = kept.replace(read_template()["guong"], "")  # emptied: not printed
    kept = kept.replace(
        "Khối cao nhất: {khoi_cao_hoc_tap}", "Khối {{cao nhất}}: {khoi_cao_hoc_tap}"
    )
    kept += "## noi_nhan\n- Thường trực Huyện ủy,\n- Lưu.\n"
    own = _own(tmp_path, kept)
    assert read_template(own)["tinh_hinh_bao_cao"] == read_template()["tinh_hinh_bao_cao"]
    doc = _doc(sample_facts, own)
    texts = [p.text for p in doc.paragraphs]
    six = texts.index("6. Phát hiện, biểu dương, nhân rộng gương người tốt, việc tốt")
    assert texts[six + 1].startswith("7. ")
    assert "Khối {cao nhất}: " in _all_text(doc)  # {{ }} print one brace
    recipients = [p.text for p in doc.tables[1].rows[0].cells[0].paragraphs]
    assert recipients == ["Nơi nhận:", "- Thường trực Huyện ủy,", "- Lưu."]


def test_every_figure_name_is_listed_and_documented():
    names = set(placeholder_names())
    assert set(ALWAYS) | set(CONDITIONAL) <= names and len(names) == len(placeholder_names())
    guide = (PROJECT_ROOT / "docs" / "bao_cao_so_ket.md").read_text(encoding="utf-8")
    comments = "\n".join(
        line
        for line in DRAFT_TEMPLATE.read_text(encoding="utf-8").splitlines()
        if line.startswith("#")
    )
    for where in (guide, comments):
        for name in (*ALWAYS, *CONDITIONAL, *(r.id for r in rates())):
            assert name in where, name
        for written in re.findall(r"\{(\w+)\}", where):
            assert written in names or written.endswith("_X"), written
    for prefix in PER_RATE:
        assert f"{{{prefix}_X}}" in guide


def test_the_sample_figures_fill_every_always_present_name(sample_facts):
    values = figures(sample_facts)
    assert set(values) == set(ALWAYS) | {f"{p}_{r.id}" for p in PER_RATE for r in rates()}
    assert set(conditional(sample_facts)) <= set(CONDITIONAL)
    assert MISSING not in values.values()


# --- as LibreOffice prints it ------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) không có")
def test_libreoffice_prints_page_one_as_a_party_document(sample_facts, tmp_path):
    from pypdf import PdfReader

    path = write_draft(sample_facts, tmp_path / "du_thao.docx")
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pages = PdfReader(tmp_path / "du_thao.pdf").pages
    first = pages[0].extract_text().split("\n")
    assert first[0].startswith("ĐẢNG BỘ TỈNH")  # no page number on page 1
    assert pages[1].extract_text().split("\n")[0].strip() == "2"
    box = pages[0].mediabox
    mm = [round(float(x) / 72 * 25.4) for x in (box.width, box.height)]
    assert mm == [210, 297]
    last = pages[-1].mediabox
    assert last.width > last.height  # the appendix, landscape
    if shutil.which("pdftoppm") is None:
        return
    from PIL import Image

    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "40",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            str(tmp_path / "du_thao.pdf"),
            str(tmp_path / "trang"),
        ],
        check=True,
        timeout=60,
    )
    image = Image.open(next(tmp_path.glob("trang*.png"))).convert("L")
    assert abs(image.height / image.width - 297 / 210) < 0.01
    dark = sum(image.histogram()[:128])
    assert dark > 0.01 * image.width * image.height  # text was drawn, not a blank page
