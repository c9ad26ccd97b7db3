"""Families of real-world mess in files written by LibreOffice (fixtures/families, made by
make_families.py): wide monthly tables, last period's sheet left in, labels with the form's
answer options, spaced numbers with unit words, dates as typed, cell names as typed, Word
reports, zipped attachments and office litter. The raw folder is cleaned once; every value of
expected.json (the truth as written, not the cleaner's output) is checked with its source
cell, and every warning of a file must be one the truth expects, at its cell.

A report of expected.json may name "known_gaps": kinds of its truth (monthly rows, warnings…)
the cleaner does not reach yet. Those checks are strict xfails, so the day the cleaner is fixed
the test fails until the mark is removed from make_families.py.
"""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from lib03.contract import read_table
from lib03.ingest.pipeline import run_clean

HERE = Path(__file__).parent / "fixtures" / "families"
EXPECTED = json.loads((HERE / "expected.json").read_text(encoding="utf-8"))
REPORTS: dict[str, dict] = EXPECTED["reports"]
NOT_RAW = ("make_families.py", "expected.json", "__pycache__")
MONTH_FIELDS = ("month", "cells_met", "content_hcm", "content_thrift", "review", "source")
INSPECTION_FIELDS = (
    "cell_name_raw",
    "cell_code",
    "inspected",
    "supervised",
    "inspected_count",
    "supervised_count",
    "date",
    "findings",
    "resolved",
    "source",
)


def _text(value) -> str:
    """A truth value as the output tables write it."""
    return "" if value is None else str(value)


def _cases(kind: str) -> list:
    """One case per report; a kind the truth marks as a known gap of the cleaner is a strict
    xfail."""
    cases = []
    for name, truth in REPORTS.items():
        gap = truth.get("known_gaps", {}).get(kind)
        marks = [pytest.mark.xfail(strict=True, reason=gap)] if gap else []
        case_id = f"{truth['family']}/{name.removeprefix(EXPECTED['period'] + '/')}"
        expected = truth if kind == "submission" else truth[kind]
        cases.append(pytest.param(name, expected, id=case_id, marks=marks))
    return cases


@pytest.fixture(scope="module")
def tables(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("families")
    raw = root / "raw"
    shutil.copytree(HERE, raw, ignore=shutil.ignore_patterns(*NOT_RAW))
    before = {p: p.read_bytes() for p in raw.rglob("*") if p.is_file()}
    run_clean(raw, root / "out", progress=False, workers=1)
    after = {p: p.read_bytes() for p in raw.rglob("*") if p.is_file()}
    assert after == before, "the raw folder was written to"
    names = ("submissions", "indicators", "monthly", "inspections", "quality_log")
    return {n: read_table(root / "out" / f"{n}.csv") for n in names}


def _of(frame, name: str):
    return frame[frame["source"].str.startswith(f"{name}!")]


def _log(tables, name: str):
    log = tables["quality_log"]
    return log[log["source_file"] == name]


# ---- what each file gives -----------------------------------------------------------------------


@pytest.mark.parametrize("name, expected", _cases("submission"))
def test_submission(tables, name, expected):
    subs = tables["submissions"].set_index("source_file")
    got = subs.loc[name, ["status", "status_reason", "unit_code", "report_date", "file_format"]]
    assert list(got) == [
        expected["status"],
        expected["status_reason"],
        expected["unit_code"],
        _text(expected["report_date"]),
        expected["format"],
    ]


@pytest.mark.parametrize("name, expected", _cases("indicators"))
def test_indicators_with_their_source(tables, name, expected):
    got = _of(tables["indicators"], name).set_index("indicator")
    assert (got["unit_code"] == REPORTS[name]["unit_code"]).all()
    for indicator, truth in expected.items():
        assert indicator in got.index, indicator
        assert (got.loc[indicator, "value"], got.loc[indicator, "source"]) == (
            _text(truth["value"]),
            truth["source"],
        ), indicator
    assert set(got.index) == set(expected)  # and none more


@pytest.mark.parametrize("name, expected", _cases("monthly"))
def test_monthly_rows(tables, name, expected):
    got = [tuple(r) for r in _of(tables["monthly"], name)[list(MONTH_FIELDS)].to_numpy()]
    assert got == [tuple(_text(m[k]) for k in MONTH_FIELDS) for m in expected]


@pytest.mark.parametrize("name, expected", _cases("inspections"))
def test_inspection_rows(tables, name, expected):
    got = [tuple(r) for r in _of(tables["inspections"], name)[list(INSPECTION_FIELDS)].to_numpy()]
    assert (_of(tables["inspections"], name)["unit_code"] == REPORTS[name]["unit_code"]).all()
    assert got == [tuple(_text(i[k]) for k in INSPECTION_FIELDS) for i in expected]


@pytest.mark.parametrize("name, expected", _cases("problems"))
def test_warnings_are_exactly_the_expected_ones(tables, name, expected):
    """A clean variant has no warning or error; a near-miss has its code at its cell."""
    log = _log(tables, name)
    log = log[log["severity"].isin(["warning", "error"])]
    got = {tuple(r) for r in log[["severity", "code", "sheet", "cell"]].to_numpy()}
    assert got == {
        (p["severity"], p["code"], _text(p["sheet"]), _text(p["cell"])) for p in expected
    }


@pytest.mark.parametrize("name, expected", _cases("infos"))
def test_info_lines(tables, name, expected):
    log = _log(tables, name)
    got = {tuple(r) for r in log[log["severity"] == "info"][["code", "sheet", "cell"]].to_numpy()}
    for info in expected:
        assert (info["code"], _text(info["sheet"]), _text(info["cell"])) in got


def test_what_is_no_report_is_logged_at_info(tables):
    for name, lines in EXPECTED["logged"].items():
        log = _log(tables, name)
        assert sorted(zip(log["severity"], log["code"], strict=True)) == sorted(
            (line["severity"], line["code"]) for line in lines
        ), name
    assert set(tables["submissions"]["source_file"]) == set(REPORTS)


def test_no_warning_outside_the_files_of_the_truth(tables):
    log = tables["quality_log"]
    serious = log[log["severity"].isin(["warning", "error"])]
    assert set(serious["source_file"]) <= set(REPORTS)


# ---- the fixtures themselves -----------------------------------------------------------------


def _written_by_libreoffice(name: str, data: bytes) -> bool:
    if name.endswith((".xlsx", ".docx")):
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return b"<Application>LibreOffice" in zf.read("docProps/app.xml")
    if name.endswith(".ods"):
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return b"<meta:generator>LibreOffice" in zf.read("meta.xml")
    if name.endswith(".xls"):  # no application name in a .xls: LibreOffice's fingerprints
        import olefile

        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            comp_obj = ole.openstream("\x01CompObj").read()
            workbook = ole.openstream("Workbook").read(4096)
        # LibreOffice names the class in German and writes "Calc" as the WRITEACCESS user
        return (
            b"Microsoft Excel 97-Tabelle" in comp_obj
            and b"\x5c\x00\x70\x00\x04\x00\x00Calc" in workbook
        )
    return False


def _fixture_bytes(name: str) -> bytes:
    if ".zip/" in name:
        archive, member = name.split(".zip/", 1)
        with zipfile.ZipFile(HERE / f"{archive}.zip") as zf:
            for info in zf.infolist():  # names stored without the UTF-8 flag read as cp437
                stored = info.filename
                name = stored if info.flag_bits & 0x800 else stored.encode("cp437").decode()
                if name == member:
                    return zf.read(info)
        raise KeyError(name)
    return (HERE / name).read_bytes()


@pytest.mark.parametrize("name", EXPECTED["libreoffice"])
def test_fixture_was_written_by_libreoffice(name):
    assert _written_by_libreoffice(name, _fixture_bytes(name))


def test_every_fixture_file_is_accounted_for():
    listed = {
        n.split(".zip/", 1)[0] + ".zip" if ".zip/" in n else n
        for n in [*EXPECTED["libreoffice"], *EXPECTED["logged"]]
    }
    present = {
        p.relative_to(HERE).as_posix()
        for p in HERE.rglob("*")
        if p.is_file() and not set(p.relative_to(HERE).parts) & set(NOT_RAW)
    }
    assert present == listed
