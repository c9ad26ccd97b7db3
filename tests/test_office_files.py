"""Workbooks typed by hand and saved by a real office suite (LibreOffice: .xlsx, .xls, .ods),
in layouts the sample district does not use: fixtures/office (make_fixtures.py) and the
harder fixtures/redteam (make_redteam.py), written by someone trying to break the cleaner."""

import json
from pathlib import Path

import pandas as pd
import pytest

from lib03.errors import WorkbookError
from lib03.ingest.extract import extract_report
from lib03.ingest.interpret import interpret_report
from lib03.ingest.read import read_workbook
from lib03.ingest.title import unit_hints

FIXTURES = Path(__file__).parent / "fixtures"
HERE = FIXTURES / "office"
EXPECTED = {
    f"{folder}/{name}": truth
    for folder in ("office", "redteam")
    for name, truth in json.loads(
        (FIXTURES / folder / "expected.json").read_text(encoding="utf-8")).items()
}
NO_CHILDREN: list[dict] = []


def _clean(name: str, unit_type: str):
    raw = extract_report(read_workbook(FIXTURES / name))
    unit = pd.Series({"unit_code": "X", "unit_type": unit_type, "unit_name": "X"})
    return raw, interpret_report(raw, unit, "2014-H1", NO_CHILDREN, name)


def _plain(value):
    return None if value is None else value


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_office_file_reads_exactly(name):
    truth = EXPECTED[name]
    raw, parsed = _clean(name, truth["unit_type"])
    assert raw.report_date.isoformat() == truth["report_date"]
    assert raw.stated_period == truth["period"]
    unit_line = truth["unit_title"].split(":", 1)[-1].strip()
    assert any(unit_line.lower() in text.lower() for _, text in unit_hints(raw))

    got = {r["indicator"]: (r["value"], r["source"].split("!", 1)[1]) for r in parsed.indicators}
    want = {k: (v["value"], f"{truth['summary_sheet']}!{v['cell']}")
            for k, v in truth["indicators"].items()}
    assert got == want

    keys = ("month", "cells_met", "content_hcm", "content_thrift", "review")
    assert [tuple(r[k] for k in keys) for r in parsed.monthly] == [
        tuple(m[k] for k in keys) for m in truth["monthly"]
    ]
    ikeys = ("cell_name_raw", "inspected", "supervised", "findings", "resolved")
    assert [tuple(r[k] for k in ikeys) + (r["date"] and r["date"].isoformat(),)
            for r in parsed.inspections] == [
        tuple(i[k] for k in ikeys) + (i["date"],) for i in truth["inspections"]
    ]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_office_file_raises_no_spurious_warning(name):
    # Extraction problems reach quality_log.csv as well as parsing ones: check both.
    raw, parsed = _clean(name, EXPECTED[name]["unit_type"])
    codes = {p.code for p in raw.problems + parsed.problems} & {
        "value_unparseable", "mark_unparseable", "date_unparseable", "month_unparseable",
        "label_unmatched", "label_ambiguous", "row_unrecognised", "indicator_missing",
        "month_missing", "formula_no_value", "indicator_duplicate", "month_duplicate",
        "sheet_unrecognised", "month_outside_period", "date_outside_period", "value_percent",
        "value_not_integer", "column_unread", "value_elsewhere", "numbers_outside_table",
        "value_column_ambiguous", "column_missing",
    }
    assert codes == set()


@pytest.mark.parametrize("name", ["password_protected.xlsx", "password_protected.xls"])
def test_password_protected_office_files_are_refused(name):
    with pytest.raises(WorkbookError) as err:
        read_workbook(HERE / name)
    assert err.value.code == "file_password"
