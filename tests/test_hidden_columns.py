"""A helper column the sender hid is said at info level, not warned about as unread data."""

from __future__ import annotations

import io

import openpyxl
import pytest
from builders import write_report

from lib03.contract import read_table
from lib03.ingest.pipeline import run_clean
from lib03.ingest.read import read_workbook

FILE = "2014-H1/DB01.xlsx"


def _helper_column(path, *, hide: bool) -> None:
    write_report(path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Tổng hợp"]
    for r in range(8, 23):  # a helper computation beside the figures (column F)
        ws.cell(row=r, column=6, value=r * 3)
    ws.column_dimensions["F"].hidden = hide
    wb.save(path)


@pytest.mark.parametrize(("hide", "code", "severity"), [
    (True, "column_hidden", "info"), (False, "column_unread", "warning")])
def test_a_hidden_helper_column_is_an_info_line(raw_dir, tmp_path, hide, code, severity):
    _helper_column(raw_dir / FILE, hide=hide)
    run_clean(raw_dir, tmp_path / "out", progress=False)
    log = read_table(tmp_path / "out" / "quality_log.csv")
    mine = log[log["code"].isin(["column_hidden", "column_unread"])]
    assert list(mine["code"]) == [code] and list(mine["severity"]) == [severity]


def test_hidden_columns_are_known_in_xls_too(tmp_path):
    import xlwt

    wb = xlwt.Workbook()
    ws = wb.add_sheet("Tổng hợp")
    ws.write(0, 0, "x")
    ws.col(3).hidden = True
    ws.col(5).hidden = True
    buf = io.BytesIO()
    wb.save(buf)
    path = tmp_path / "a.xls"
    path.write_bytes(buf.getvalue())
    assert read_workbook(path).sheets[0].hidden_cols == {3, 5}


def test_hidden_columns_are_known_in_xlsx(tmp_path):
    path = tmp_path / "a.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "x"
    wb.active.column_dimensions["C"].hidden = True
    wb.save(path)
    assert read_workbook(path).sheets[0].hidden_cols == {2}


def test_hidden_columns_are_known_in_ods(tmp_path):
    import zipfile

    from lib03.sheetwrite import Sheet, book_bytes

    data = book_bytes([Sheet("Tổng hợp", {(0, 0): "x", (0, 4): 5})], ".ods")
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "content.xml":  # columns B–C hidden, as LibreOffice writes it
                body = body.replace(
                    b"<table:table-column ",
                    b'<table:table-column table:number-columns-repeated="1"/>'
                    b'<table:table-column table:visibility="collapse" '
                    b'table:number-columns-repeated="2"/><table:table-column ', 1)
            dst.writestr(info, body)
    path = tmp_path / "a.ods"
    path.write_bytes(out.getvalue())
    assert read_workbook(path).sheets[0].hidden_cols == {1, 2}
