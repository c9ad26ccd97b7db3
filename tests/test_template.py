"""Collection templates: what the file holds, and the round trip through the cleaner."""

import datetime as dt
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from template_fill import fill_template, known_values

from lib03.config import RAW_DIR, REGISTRY_FILE_NAME
from lib03.contract import read_table
from lib03.forms.template import (
    ID_SHEET,
    INSPECTION,
    MONTHLY,
    SUMMARY,
    template_file_name,
    write_templates,
)
from lib03.ingest.pipeline import run_clean
from lib03.ingest.registry import read_registry

PERIOD = "2014-H2"


@pytest.fixture(scope="module")
def units():
    return read_registry(RAW_DIR / REGISTRY_FILE_NAME)[0]


@pytest.fixture(scope="module")
def templates(units, tmp_path_factory):
    out = tmp_path_factory.mktemp("templates")
    return write_templates(units, PERIOD, out, "huyện Mẫu")


def _children(units, code):
    kids = units[(units["parent_code"] == code) & (units["unit_type"] == "chi_bo_truc_thuoc")
                 & (units["active"] == 1)]
    return sorted(kids["unit_name"], key=list(kids["unit_name"]).index)


def test_one_template_per_active_grassroots_unit(units, templates):
    expected = units[units["unit_type"].isin(["dang_bo_co_so", "chi_bo_co_so"])
                     & (units["active"] == 1)]
    assert sorted(p.name for p in templates) == sorted(
        template_file_name(c, n, PERIOD)
        for c, n in zip(expected["unit_code"], expected["unit_name"], strict=True))
    assert "DB01_Dang_bo_xa_Tan_Phu_2014-H2.xlsx" in {p.name for p in templates}


def test_protection_validation_and_identity_are_in_the_file(units, templates):
    path = next(p for p in templates if p.name.startswith("DB01_"))
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[:4] == ["Hướng dẫn", SUMMARY, MONTHLY, INSPECTION]
    assert all(len(name) <= 31 for name in wb.sheetnames)
    assert wb.security.lockStructure
    ident = wb[ID_SHEET]
    assert ident.sheet_state == "hidden"
    values = {r[0].value: r[1].value for r in ident.iter_rows()}
    assert (values["unit_code"], values["period"], values["version"]) == ("DB01", PERIOD, "1")
    assert {"LIB03_UNIT_CODE", "LIB03_PERIOD", "LIB03_VERSION"} <= set(wb.defined_names)
    ws = wb[SUMMARY]
    assert ws["A6"].value == "Đơn vị: Đảng bộ xã Tân Phú"
    assert "6 tháng cuối năm 2014" in ws["A5"].value
    for sheet in (SUMMARY, MONTHLY, INSPECTION):
        ws = wb[sheet]
        assert ws.protection.sheet and not ws.protection.password  # no password to lose
        validated = {f"{get_column_letter(col)}{row}" for dv in ws.data_validations.dataValidation
                     for rng in dv.sqref.ranges for row, col in rng.cells}
        inputs = {c.coordinate for row in ws.iter_rows() for c in row
                  if c.protection.locked is False}
        assert inputs and inputs <= validated  # every input cell is validated
    assert wb[SUMMARY]["B11"].protection.locked  # labels are locked
    assert wb[MONTHLY]["A4"].value == "Tháng 7" and wb[MONTHLY]["A9"].value == "Tháng 12"
    kinds = {dv.type for dv in wb[INSPECTION].data_validations.dataValidation}
    assert kinds == {"list", "date", "whole", "textLength"}
    names = [wb[INSPECTION].cell(row=r, column=2).value for r in range(4, 4 + 20)]
    assert names[: len(_children(units, "DB01"))] == _children(units, "DB01")


def _fill_all(units, templates, raw):
    (raw / PERIOD).mkdir(parents=True)
    shutil.copy(RAW_DIR / REGISTRY_FILE_NAME, raw / REGISTRY_FILE_NAME)
    truth = {}
    for path in templates:
        code = path.name.split("_")[0]
        is_dang_bo = code.startswith("DB")
        values = known_values(code, PERIOD, _children(units, code) if is_dang_bo else [],
                              is_dang_bo)
        fill_template(path, raw / PERIOD / path.name, values)
        truth[code] = values
    return truth


def _check_values(out, truth):
    ind = read_table(out / "indicators.csv")
    got = {(r.unit_code, r.indicator): r.value for r in ind.itertuples()}
    want = {(code, k): str(int(v)) for code, vals in truth.items()
            for k, v in vals["indicators"].items()}
    assert got == want
    monthly = read_table(out / "monthly.csv")
    got = {(r.unit_code, int(r.month)): (r.cells_met, r.content_hcm, r.content_thrift, r.review)
           for r in monthly.itertuples()}
    want = {(code, m["month"]): tuple(str(m[k]) for k in ("cells_met", "content_hcm",
                                                           "content_thrift", "review"))
            for code, vals in truth.items() for m in vals["monthly"]}
    assert got == want
    insp = read_table(out / "inspections.csv")
    got = sorted((r.unit_code, r.cell_name_raw, r.inspected, r.supervised, r.date, r.findings,
                  r.resolved, bool(r.cell_code)) for r in insp.itertuples())
    want = sorted((code, i["cell_name_raw"], str(i["inspected"]), str(i["supervised"]),
                   i["date"].isoformat() if i["date"] else "",
                   "" if i["findings"] is None else str(i["findings"]),
                   "" if i["resolved"] is None else str(i["resolved"]), True)
                  for code, vals in truth.items() for i in vals["inspections"])
    assert got == want


def test_filled_templates_clean_exactly_with_no_warning(units, templates, tmp_path):
    truth = _fill_all(units, templates, tmp_path / "raw")
    run_clean(tmp_path / "raw", tmp_path / "out", progress=False)
    _check_values(tmp_path / "out", truth)
    subs = read_table(tmp_path / "out" / "submissions.csv")
    assert set(subs["status"]) == {"ok"} and set(subs["template"]) == {"1"}
    assert set(subs["on_time"]) == {"1"}
    log = read_table(tmp_path / "out" / "quality_log.csv")
    serious = log[log["severity"] != "info"]
    assert serious.empty, serious[["source_file", "code", "message"]].to_string()
    assert "template_layout_changed" not in set(log["code"])


def test_damaged_template_still_cleans_exactly_through_the_general_path(
        units, templates, tmp_path):
    truth = _fill_all(units, templates, tmp_path / "raw")
    for code in ("DB01", "CB01"):
        path = next((tmp_path / "raw" / PERIOD).glob(f"{code}_*"))
        wb = openpyxl.load_workbook(path)
        wb[SUMMARY].title = "BC 6 thang"
        wb["BC 6 thang"].insert_rows(3, amount=2)
        wb.save(path)
    run_clean(tmp_path / "raw", tmp_path / "out", progress=False)
    _check_values(tmp_path / "out", truth)
    log = read_table(tmp_path / "out" / "quality_log.csv")
    damaged = set(log.loc[log["code"] == "template_layout_changed", "source_file"])
    assert {p.split("/")[1].split("_")[0] for p in damaged} == {"DB01", "CB01"}


def test_a_unit_using_another_units_template_is_warned(units, templates, tmp_path):
    _fill_all(units, templates, tmp_path / "raw")
    folder = tmp_path / "raw" / PERIOD
    for path in list(folder.glob("DB02_*")):
        path.unlink()
    source = next(folder.glob("DB01_*"))
    source.rename(folder / "DB02_bao_cao.xlsx")  # DB02 filled DB01's template
    run_clean(tmp_path / "raw", tmp_path / "out", progress=False)
    log = read_table(tmp_path / "out" / "quality_log.csv")
    assert list(log.loc[log["code"] == "template_other_unit", "source_file"]) == [
        f"{PERIOD}/DB02_bao_cao.xlsx"]


@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_template_saved_by_libreoffice_cleans_exactly(fmt, tmp_path):
    """Filled templates that LibreOffice saved as .xls and .ods (fixtures/templates)."""
    fixtures = Path(__file__).parent / "fixtures" / "templates"
    expected = json.loads((fixtures / "expected.json").read_text(encoding="utf-8"))
    raw = tmp_path / "raw"
    (raw / PERIOD).mkdir(parents=True)
    shutil.copy(RAW_DIR / REGISTRY_FILE_NAME, raw / REGISTRY_FILE_NAME)
    truth = {}
    for name, values in expected.items():
        if name.endswith(f".{fmt}"):
            shutil.copy(fixtures / name, raw / PERIOD / name)
            for row in values["inspections"]:
                row["date"] = row["date"] and dt.date.fromisoformat(row["date"])
            truth[name.split("_")[0]] = values
    assert len(truth) == 2
    run_clean(raw, tmp_path / "out", progress=False)
    _check_values(tmp_path / "out", truth)
    subs = read_table(tmp_path / "out" / "submissions.csv")
    assert list(subs["template"]) == ["1", "1"] and set(subs["status"]) == {"ok"}
    log = read_table(tmp_path / "out" / "quality_log.csv")
    assert log[log["severity"] != "info"].empty
    assert "template_layout_changed" not in set(log["code"])  # read by its known layout


def test_figures_typed_in_a_spare_row_without_a_name_are_not_lost(units, templates, tmp_path):
    _fill_all(units, templates, tmp_path / "raw")
    path = next((tmp_path / "raw" / PERIOD).glob("DB01_*"))
    wb = openpyxl.load_workbook(path)
    ws = wb[INSPECTION]
    spare = 4 + len(_children(units, "DB01"))
    ws[f"C{spare}"], ws[f"F{spare}"] = "Có", 2
    wb.save(path)
    run_clean(tmp_path / "raw", tmp_path / "out", progress=False)
    log = read_table(tmp_path / "out" / "quality_log.csv")
    rows = log[log["code"] == "row_unrecognised"]
    assert list(rows["cell"]) == [f"C{spare}"] and list(rows["sheet"]) == [INSPECTION]


@pytest.mark.parametrize("reshape", ["column_in_monthly", "rows_under_summary", "extra_sheet"])
def test_a_reshaped_template_is_never_read_by_position(units, templates, tmp_path, reshape):
    truth = _fill_all(units, templates, tmp_path / "raw")
    path = next((tmp_path / "raw" / PERIOD).glob("DB01_*"))
    wb = openpyxl.load_workbook(path)
    if reshape == "column_in_monthly":
        wb[MONTHLY].insert_cols(2)
        wb[MONTHLY]["B3"] = "Tổng số chi bộ"
        for r in range(4, 10):
            wb[MONTHLY][f"B{r}"] = 99
    elif reshape == "rows_under_summary":
        wb[SUMMARY]["B27"], wb[SUMMARY]["C27"] = "Số đảng viên mới kết nạp", 7
    else:
        wb.create_sheet("Phụ lục")["A1"] = 10
    wb.save(path)
    run_clean(tmp_path / "raw", tmp_path / "out", progress=False)
    log = read_table(tmp_path / "out" / "quality_log.csv")
    mine = log[log["source_file"].str.contains("DB01_")]
    assert "template_layout_changed" in set(mine["code"])
    if reshape == "column_in_monthly":
        _check_values(tmp_path / "out", truth)  # the moved columns are found by their headers
        assert "column_unread" in set(mine["code"])  # the 99s are named, not used
    elif reshape == "rows_under_summary":
        assert "label_unmatched" in set(mine["code"])
    else:
        assert "sheet_unrecognised" in set(mine["code"])


def test_a_copy_of_another_units_template_never_replaces_that_units_report(
        units, templates, tmp_path):
    _fill_all(units, templates, tmp_path / "raw")
    folder = tmp_path / "raw" / PERIOD
    own = next(folder.glob("DB02_*"))
    wb = openpyxl.load_workbook(own)  # DB01 filled a copy of DB02's template, dated later
    wb[SUMMARY]["A6"], wb[SUMMARY]["A7"] = "Đơn vị: Đảng bộ xã Tân Phú", "Mã đơn vị: DB01"
    wb[SUMMARY]["C8"] = dt.date(2014, 12, 19)
    wb.save(folder / "DB01_Tan_Phu_ban_sao.xlsx")
    run_clean(tmp_path / "raw", tmp_path / "out", progress=False)
    subs = read_table(tmp_path / "out" / "submissions.csv").set_index("source_file")
    assert subs.loc[f"{PERIOD}/{own.name}", "status"] == "ok"
    assert subs.loc[f"{PERIOD}/DB01_Tan_Phu_ban_sao.xlsx", "status"] == "superseded"
    log = read_table(tmp_path / "out" / "quality_log.csv")
    flagged = log.loc[log["code"] == "template_other_unit", "source_file"]
    assert list(flagged) == [f"{PERIOD}/DB01_Tan_Phu_ban_sao.xlsx"]


def test_a_template_returned_blank_is_not_a_report(units, templates, tmp_path):
    raw = tmp_path / "raw"
    (raw / PERIOD).mkdir(parents=True)
    shutil.copy(RAW_DIR / REGISTRY_FILE_NAME, raw / REGISTRY_FILE_NAME)
    blank = next(p for p in templates if p.name.startswith("DB01_"))
    wb = openpyxl.load_workbook(blank)
    wb[SUMMARY]["C8"] = dt.date(2014, 12, 15)  # only the date typed
    wb.save(raw / PERIOD / blank.name)
    run_clean(raw, tmp_path / "out", progress=False)
    sub = read_table(tmp_path / "out" / "submissions.csv").iloc[0]
    assert (sub["status"], sub["status_reason"]) == ("quarantined", "report_empty")
