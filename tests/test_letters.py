"""Letters back to the units: who gets one and why, the Word letters and the list, and the
pre-filled template that comes back corrected and cleans with no warning."""

from __future__ import annotations

import shutil

import docx
import openpyxl
import pytest

from lib03.config import RAW_DIR, REGISTRY_FILE_NAME, load_settings
from lib03.contract import read_table
from lib03.forms.prefill import TO_FIX, layout_of, write_prefilled
from lib03.ingest.pipeline import run_clean
from lib03.report import metrics
from lib03.report.facts import PeriodFacts
from lib03.report.letters import letter_counts, unit_letters
from lib03.report.letters_files import LIST_NAME, letter_file_name, write_letters

PERIOD = "2014-H1"
RESEND_BY = "2014-07-05"


@pytest.fixture(scope="module")
def letters(sample_facts):
    return {x.unit_code: x for x in unit_letters(sample_facts)}


def test_who_gets_a_letter_and_why(letters, sample_facts):
    assert letters["CB21"].status == "missing" and not letters["CB21"].problems
    assert letters["CB09"].status == "late"
    # A figure the unit typed as text: named with its sheet and cell, and what to do.
    [unreadable] = letters["CB13"].problems
    assert unreadable.cell and unreadable.sheet and "đang cập nhật" in unreadable.raw
    # Two versions of a report are the analyst's check, not the unit's: no letter for it.
    assert "CB05" not in letters
    # A unit with nothing to fix is left alone.
    fine = set(sample_facts.status.loc[sample_facts.status["status"] == "on_time", "unit_code"])
    warned = {c for c, x in letters.items() if x.problems}
    assert fine - warned - set(letters) == fine - set(letters)
    assert len(fine - set(letters)) >= 25 and len(letters) >= 6
    counts = letter_counts(list(letters.values()))
    assert counts["Chưa gửi báo cáo"] == 1 and counts["Nộp muộn"] == 1


def test_letters_and_the_list_are_written_the_same_twice(sample_facts, letters, tmp_path):
    first = write_letters(sample_facts, tmp_path / "a", RESEND_BY)
    again = write_letters(sample_facts, tmp_path / "b", RESEND_BY)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in again]
    assert len(first) == len(letters) + 1 and first[-1].name == LIST_NAME
    letter = letters["CB13"]
    text = "\n".join(p.text for p in docx.Document(
        str(tmp_path / "a" / letter_file_name(letter))).paragraphs)
    problem = letter.problems[0]
    assert letter.unit_name in text and "05/07/2014" in text
    assert f"ô {problem.cell}" in text and problem.sheet in text and "nan" not in text
    wb = openpyxl.load_workbook(first[-1])
    rows = list(wb["Danh sách"].iter_rows(values_only=True))
    assert rows[0][:4] == ("Mã đơn vị", "Đơn vị", "Khối", "Tình trạng")
    assert [r[0] for r in rows[1:]] == sorted(letters)
    assert all(v is None for r in rows[1:] for v in r[-4:])  # contact columns for the analyst
    merge = list(wb["Thư"].iter_rows(values_only=True))
    assert merge[0] == ("Mã đơn vị", "Đơn vị", "Tiêu đề", "Nội dung thư")
    assert len(merge) == len(letters) + 1


def test_a_corrected_prefilled_template_cleans_with_no_warning(sample_tables, tmp_path):
    truth = read_table(RAW_DIR / ".ground_truth" / "indicators.csv")
    truth = truth[(truth["period"] == PERIOD) & (truth["unit_code"] == "CB13")]
    [path] = write_prefilled(sample_tables, PERIOD, ["CB13"], tmp_path / "sent", "huyện Mẫu")
    wb = openpyxl.load_workbook(path)
    layout = layout_of(wb)
    marked = [(ws.title, c.coordinate) for ws in wb.worksheets for row in ws.iter_rows()
              for c in row if c.fill.fgColor.rgb == TO_FIX.fgColor.rgb]
    sheet, cell = layout["indicator:dv_bao_cao"].split("!")[0],\
        layout["indicator:dv_bao_cao"].split(":")[-1]
    assert marked == [(sheet, cell)]  # only the figure lib03 could not read
    by_id = dict(zip(truth["indicator"], truth["value"], strict=True))
    for indicator, value in by_id.items():
        if value != "":
            where = layout[f"indicator:{indicator}"]
            got = wb[where.split("!")[0]][where.split(":")[-1]].value
            assert str(got) in (value, {"1": "Có", "0": "Không"}.get(value)), indicator
    corrected = int(by_id["tong_dang_vien"]) - 1
    wb[sheet][cell] = corrected  # the unit corrects the marked cell
    raw = tmp_path / "raw"
    (raw / PERIOD).mkdir(parents=True)
    shutil.copy(RAW_DIR / REGISTRY_FILE_NAME, raw / REGISTRY_FILE_NAME)
    wb.save(raw / PERIOD / path.name)
    run_clean(raw, tmp_path / "out", progress=False)
    subs = read_table(tmp_path / "out" / "submissions.csv")
    log = read_table(tmp_path / "out" / "quality_log.csv")
    assert (subs["status"].tolist(), subs["unit_code"].tolist()) == (["ok"], ["CB13"])
    assert subs["template"].iloc[0] not in ("", "0")
    assert log[log["severity"].isin(["warning", "error"])].empty, log.to_string()
    got = read_table(tmp_path / "out" / "indicators.csv").set_index("indicator")["value"]
    assert got["dv_bao_cao"] == str(corrected)
    assert all(got[i] == v for i, v in by_id.items() if v != "")


def test_a_dang_bo_template_carries_its_inspections(sample_tables, tmp_path):
    [path] = write_prefilled(sample_tables, PERIOD, ["DB03"], tmp_path, "huyện Mẫu")
    wb = openpyxl.load_workbook(path)
    truth = read_table(RAW_DIR / ".ground_truth" / "inspections.csv")
    truth = truth[(truth["period"] == PERIOD) & (truth["unit_code"] == "DB03")]
    sheet = wb[layout_of(wb)["cell:1"].split("!")[0]]
    names = [r[1] for r in sheet.iter_rows(min_row=4, values_only=True) if r[1]]
    unmatched = truth.loc[truth["cell_code"] == "", "cell_name_raw"].tolist()
    assert unmatched and set(unmatched) <= set(names)  # written in a blank line, to fix
    marks = sum(v == "Có" for r in sheet.iter_rows(min_row=4, values_only=True) for v in r[2:4])
    assert marks == int((truth["inspected"] == "1").sum() + (truth["supervised"] == "1").sum())


def test_lib03_report_writes_each_letter_beside_its_prefilled_template(sample_processed,
                                                                       tmp_path):
    from lib03.cli import main

    assert main(["report", "--period", PERIOD, "--skip-clean", "--processed",
                 str(sample_processed), "--reports", str(tmp_path)]) == 0
    folder = tmp_path / PERIOD / "phan_hoi"
    names = sorted(p.name for p in folder.iterdir())
    letters = [n for n in names if n.endswith(".docx")]
    templates = [n for n in names if n.endswith(f"_{PERIOD}.xlsx")]
    assert LIST_NAME in names and len(letters) == len(templates) >= 6
    assert sorted(n.split()[0] for n in letters) == sorted(n.split("_")[0] for n in templates)


def test_the_resend_date_and_the_contact_come_from_the_settings(sample_tables, tmp_path):
    from dataclasses import replace

    from lib03.config import load_settings as load
    from lib03.errors import SettingsError
    from lib03.report.letters import letter_lines

    plain = PeriodFacts.build(sample_tables, PERIOD, load_settings())
    letter = next(x for x in unit_letters(plain) if x.unit_code == "CB21")
    assert "trước ngày …/…/……" in letter_lines(letter, plain, None)[-1]  # for the analyst
    named = replace(load_settings(), resend_by="2014-07-05", contact="Đ/c Lan, 0123 456 789")
    facts = PeriodFacts.build(sample_tables, PERIOD, named)
    lines = letter_lines(letter, facts, named.resend_by)
    assert "trước ngày 05/07/2014." in lines[-2] and "Đ/c Lan, 0123 456 789" in lines[-1]
    bad = tmp_path / "settings.toml"
    bad.write_text('[template]\nresend_by = "5/7/2014"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match="resend_by"):
        load(bad)


def test_every_unit_of_every_period_can_be_sent_its_prefilled_template(sample_tables, tmp_path):
    """Whatever a unit sent (nothing, a quarantined file, an undated or late one, a Word
    report), its template can be pre-filled: no report run stops on one unit."""
    units = sample_tables["units"]
    codes = units.loc[units["unit_type"].isin(["dang_bo_co_so", "chi_bo_co_so"]), "unit_code"]
    for period in metrics.periods_in(sample_tables):
        written = write_prefilled(sample_tables, period, list(codes), tmp_path / period,
                                  "huyện Mẫu")
        assert len(written) == len(codes)
