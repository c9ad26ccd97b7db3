"""The demo district is the contract the cleaner is tested against: check it is deterministic,
readable, and that its ground truth says exactly what the workbooks hold."""

from __future__ import annotations

import csv
import hashlib
import io
import time
import zipfile
from collections import defaultdict
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from xml.etree import ElementTree

import docx
import openpyxl
import pytest
from python_calamine import CalamineWorkbook
from rapidfuzz import fuzz

from lib03 import legacy
from lib03.config import load_settings
from lib03.domain import DOMAIN_DIR
from lib03.forms.demo import TRUTH_COLUMNS, _csv, build_demo, write_demo
from lib03.forms.demo_district import DB
from lib03.forms.demo_sheets import render
from lib03.sheetwrite import Formula, Sheet, address, book_bytes, save_workbook
from lib03.text import fold_key, has_words


@pytest.fixture(scope="module")
def demo():
    return build_demo()


@pytest.fixture(scope="module")
def raw(tmp_path_factory, demo):
    out = tmp_path_factory.mktemp("demo") / "raw"
    started = time.perf_counter()
    write_demo(out, load_settings())
    assert time.perf_counter() - started < 5
    return out


@pytest.fixture(scope="module", params=[3, 11])
def seeded(request, demo):
    """(demo, truth as strings) for the sample seed and one more, built in memory."""
    built = demo if request.param == 3 else build_demo(request.param)
    tables = {
        name: [dict(zip(TRUTH_COLUMNS[name], map(_csv, row), strict=True)) for row in rows]
        for name, rows in built.truth(load_settings()).items()
    }
    return built, tables


@pytest.fixture(scope="module")
def truth(raw):
    tables = {}
    for name, columns in TRUTH_COLUMNS.items():
        data = (raw / ".ground_truth" / f"{name}.csv").read_bytes()
        assert data.startswith("\ufeff".encode()) and b"\r" not in data, name
        rows = list(csv.reader(data.decode("utf-8-sig").splitlines()))
        assert rows[0] == columns, name
        tables[name] = [dict(zip(columns, r, strict=True)) for r in rows[1:]]
    return tables


_grids: dict[tuple[Path, str], list[list[object]]] = {}


def grid(path: Path, sheet: str) -> list[list[object]]:
    """A sheet's cells as read back; a Word table's (`Bảng N`) as text rows."""
    if (path, sheet) not in _grids:
        if path.suffix == ".docx":
            table = docx.Document(str(path)).tables[int(sheet.split()[1]) - 1]
            _grids[(path, sheet)] = [[c.text for c in row.cells] for row in table.rows]
        else:
            book = _book(path)
            rows = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
            _grids[(path, sheet)] = rows
    return _grids[(path, sheet)]


def _book(path: Path) -> CalamineWorkbook:
    """A workbook on disk, or inside a .zip when the path runs through one."""
    container, _, member = path.as_posix().partition(".zip/")
    if not member:
        return CalamineWorkbook.from_path(str(path))
    with zipfile.ZipFile(container + ".zip") as zf:
        return CalamineWorkbook.from_filelike(io.BytesIO(zf.read(member)))


def _workbooks(demo):
    """The files of the demo that are workbooks (on their own or zipped), not broken ones."""
    return [f for f in demo.files if f.sheets is not None and "file_corrupt" not in f.codes
            and not f.path.endswith(".docx")]  # fmt: skip


def read_cell(rows: list[list[object]], ref: str) -> object:
    r, c = _rc(ref)
    return rows[r][c] if r < len(rows) and c < len(rows[r]) else ""


def _rc(ref: str) -> tuple[int, int]:
    letters = "".join(ch for ch in ref if ch.isalpha())
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return int(ref[len(letters) :]) - 1, col - 1


def same(read: object, written: object, encoding: str | None) -> bool:
    def norm(v):
        if v is None or isinstance(v, Formula) or v == "":
            return ""
        if isinstance(v, datetime):
            return v.date()
        if isinstance(v, float) and v.is_integer():
            return int(v)
        if isinstance(v, str) and encoding:
            return legacy.to_unicode(v, encoding)
        return v

    return norm(read) == norm(written)


def _rules(table: str) -> list[dict[str, str]]:
    with open(DOMAIN_DIR / table, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def rule_hits(text: str, rows: list[dict[str, str]], name: str) -> list[str]:
    key = fold_key(text)
    hits = []
    for row in rows:
        words = {k: [w for w in row[k].split(";") if w] for k in ("all_of", "any_of", "none_of")}
        if (
            all(has_words(key, w) for w in words["all_of"])
            and (not words["any_of"] or any(has_words(key, w) for w in words["any_of"]))
            and not any(has_words(key, w) for w in words["none_of"])
        ):
            hits.append(row[name])
    return hits


# --- determinism, formats, registry --------------------------------------------------------------


def test_same_seed_same_bytes(raw, tmp_path):
    write_demo(tmp_path / "again", load_settings())

    def tree(root: Path) -> dict[str, str]:
        return {
            p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*"))
            if p.is_file()
        }

    first, second = tree(raw), tree(tmp_path / "again")
    assert first == second
    assert not [p for p in first if ".tmp-" in p]


def test_writers_are_deterministic_in_every_format(tmp_path):
    sheet = Sheet("Tổng hợp", {(0, 0): "Đảng viên", (1, 1): 12.0, (2, 2): date(2014, 6, 20)},
                  merges=[(0, 0, 0, 2)])  # fmt: skip
    for suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        first = book_bytes([sheet], suffix)
        time.sleep(0.01)
        assert book_bytes([sheet], suffix) == first, suffix
    with zipfile.ZipFile(io.BytesIO(book_bytes([sheet], ".ods"))) as zf:
        first_entry = zf.infolist()[0]
        assert (first_entry.filename, first_entry.compress_type) == ("mimetype", zipfile.ZIP_STORED)
        ElementTree.fromstring(zf.read("content.xml"))
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    wb = openpyxl.Workbook()
    wb.active["A1"] = "x"
    save_workbook(wb, tmp_path / "a.xlsx")
    time.sleep(1.1)  # zip dates have a 2-second grain; properties carry seconds
    save_workbook(wb, tmp_path / "b.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx", "b.xlsx"]


def test_every_workbook_opens_with_its_sheets(raw, demo):
    for f in _workbooks(demo):
        names = _book(raw / f.path).sheet_names
        assert names == [s.name for s in f.sheets], f.path
        assert len(names) >= (3 if f.content.unit.kind == DB else 2)


def test_every_written_cell_reads_back(raw, demo):
    for f in _workbooks(demo):
        for sheet in f.sheets:
            rows = grid(raw / f.path, sheet.name)
            for (r, c), want in sheet.cells.items():
                got = read_cell(rows, address(r, c))
                assert same(got, want, None), (f.path, sheet.name, address(r, c), got, want)


def test_planted_files_are_what_they_claim(raw, demo):
    by_code = defaultdict(list)
    for f in demo.files:
        for code in f.codes:
            by_code[code].append(f)
    assert (raw / by_code["file_empty"][0].path).stat().st_size == 0
    text = (raw / by_code["file_not_spreadsheet"][0].path).read_bytes()
    assert text[:2] != b"PK" and text[:4] != bytes.fromhex("d0cf11e0")
    [broken] = by_code["file_corrupt"]
    whole = next(
        f
        for f in demo.files
        if f.unit_code and f.data and f.data.startswith(broken.data) and f is not broken
    )
    assert len(broken.data) == len(whole.data) * 2 // 5
    [old] = by_code["period_mismatch"]
    assert any(f.data == old.data and f.period == "2013-H2" for f in demo.files)
    registry = [u.name for u in demo.units]
    [stranger] = by_code["unit_unknown"]
    name = stranger.content.unit.name
    assert max(fuzz.ratio(fold_key(name), fold_key(n)) for n in registry) < 80
    for f in demo.files:
        if f.path.endswith(".xlsm"):
            with zipfile.ZipFile(raw / f.path) as zf:
                assert b"macroEnabled" in zf.read("[Content_Types].xml")


def test_every_format_is_planted(demo):
    for period in ("2013-H2", "2014-H1"):
        suffixes = [
            Path(f.path).suffix for f in demo.files if f.period == period and f.status == "ok"
        ]
        assert ".xlsx" in suffixes
        for suffix in (".xlsm", ".xls", ".ods"):
            assert suffixes.count(suffix) >= 3, (period, suffix)


def test_registry(raw):
    book = CalamineWorkbook.from_path(str(raw / "danh_muc_don_vi.xlsx"))
    assert book.sheet_names == ["Danh mục"]
    rows = book.get_sheet_by_name("Danh mục").to_python(skip_empty_area=False)
    assert rows[3] == [
        "Mã đơn vị",
        "Tên đơn vị",
        "Loại",
        "Cấp trên",
        "Khối",
        "Số đảng viên",
        "Còn hoạt động",
    ]
    assert all(v == "" for v in rows[2])
    units = rows[4:]
    grassroots = [u for u in units if u[2] in ("Đảng bộ cơ sở", "Chi bộ cơ sở") and u[6] == "Có"]
    assert len(grassroots) >= 40
    assert len([u for u in units if u[2] == "Chi bộ trực thuộc"]) >= 120
    assert {u[2] for u in units if u[6] == "Không"} == {"Chi bộ cơ sở", "Chi bộ trực thuộc"}
    assert len({u[1] for u in units if u[2] != "Chi bộ trực thuộc"}) == len(
        [u for u in units if u[2] != "Chi bộ trực thuộc"]
    )


# --- the ground truth points at what was written -------------------------------------------------


def test_sources_point_at_written_cells(raw, demo, truth):
    written = {f.path: f for f in demo.files}
    checked = 0
    for table in ("indicators", "monthly", "inspections"):
        for row in truth[table]:
            path, sheet_name, ref = row["source"].split("!")
            f = written[path]
            if path.endswith(".docx"):
                checked += _word_source_holds(grid(raw / path, sheet_name), table, row, ref)
                continue
            sheet = next(s for s in f.sheets if s.name == sheet_name)
            rows = grid(raw / path, sheet_name)
            first, _, last = ref.partition(":")
            (r1, c1), (r2, c2) = _rc(first), _rc(last or first)
            assert r1 == r2 or c1 == c2  # a row, or a month's column of a wide table
            for r, c in ((r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)):
                got, want = read_cell(rows, address(r, c)), sheet.cells.get((r, c))
                assert same(got, want, f.look.legacy), (row["source"], got, want)
                checked += 1
            if table == "indicators" and row["value"] != "":
                want = sheet.cells[(r1, c1)]
                if isinstance(want, int | float):
                    assert int(want) == int(row["value"])
            if table == "indicators" and row["value"] == "":
                assert isinstance(sheet.cells[(r1, c1)], Formula | str)
            if table == "inspections":
                name = read_cell(rows, address(r1, c1))
                name = legacy.to_unicode(name, f.look.legacy) if f.look.legacy else name
                assert " ".join(name.split()) == " ".join(row["cell_name_raw"].split()) or (
                    fold_key(name) == fold_key(row["cell_name_raw"])
                )
    assert checked > 3000


def _word_source_holds(rows, table: str, row: dict[str, str], ref: str) -> int:
    """A source in a Word table holds what the truth says: the figure of an indicator, the
    month of a monthly column, the cell name of an inspection row."""
    first = ref.partition(":")[0]
    text = read_cell(rows, first)
    if table == "indicators" and row["indicator"] == "bo_phan_03":
        assert (text.casefold() in ("x", "có")) == (row["value"] == "1"), (row, text)
    elif table == "indicators":
        assert "".join(ch for ch in text if ch.isdigit()) == row["value"] or (
            row["value"] == "0" and text in ("-", "không")), (row, text)  # fmt: skip
    elif table == "monthly":
        assert text.split()[-1].lstrip("T").split("/")[0].lstrip("0") == row["month"], (row, text)
    else:
        assert fold_key(text) == fold_key(row["cell_name_raw"]), (row, text)
    return 1


def test_every_form_a_unit_sends_is_in_the_sample(raw, demo):
    """The new period holds a Word report with and without a header table, a zipped report
    beside a note, a workbook whose first sheet is last period's, and wide monthly tables."""
    h1 = [f for f in demo.files if f.period == "2014-H1" and f.status == "ok"]
    roles = {f.role: f for f in h1}
    assert {"word", "word_header", "zipped", "stale_sheet", "wide", "wide_total"} <= set(roles)
    for role in ("word", "word_header"):
        f = roles[role]
        assert f.path.endswith(".docx") and docx.Document(str(raw / f.path)).tables
    zipped = roles["zipped"]
    with zipfile.ZipFile(raw / zipped.write_as) as zf:
        assert sorted(zf.namelist()) == sorted([zipped.path.rsplit("/", 1)[1], "ghi chu.txt"])
    stale = _book(raw / roles["stale_sheet"].path)
    assert len(stale.sheet_names) == len(roles["stale_sheet"].rendered.sheets)
    first = stale.get_sheet_by_name(stale.sheet_names[0]).to_python()
    assert any("cuối năm 2013" in str(v) for r in first for v in r)


def test_legacy_workbooks_round_trip(raw, demo):
    """Every text cell converts back exactly with its encoding; cell by cell detection finds all
    but a few short strings that read as Unicode Vietnamese too ("Chi bé", "Ghi chó")."""
    seen, undetected = set(), set()
    for f in demo.files:
        if not (f.look and f.look.legacy and f.rendered):
            continue
        seen.add((f.period, f.look.legacy, f.look.fmt))
        plain = render(f.content, replace(f.look, legacy=None), f.role)
        for enc, uni in zip(f.sheets, plain.sheets, strict=True):
            for key, value in uni.cells.items():
                got = enc.cells[key]
                if isinstance(value, str):
                    upper = legacy.is_upper_font(enc.fonts.get(key, enc.font))
                    back = legacy.to_unicode(got, f.look.legacy, upper=upper)
                    # case only: legacy guesses capitals in TCVN3 ("Sè 24-BC/§U" → "SỐ 24-BC/ĐU")
                    assert back.casefold() == value.casefold(), (f.path, got, back)
                    if not value.isascii() and legacy.detect_encoding(got) != f.look.legacy:
                        undetected.add(value)
        if f.look.fmt == ".xlsx":
            ws = openpyxl.load_workbook(raw / f.path).worksheets[0]
            fonts = {c.font.name for row in ws.iter_rows() for c in row if c.value}
            assert {".VnTime", ".VnTimeH"} <= fonts
    assert {(enc, fmt) for _, enc, fmt in seen} >= {("tcvn3", ".xlsx"), ("vni", ".xls")}
    doc_numbers = {v for v in undetected if v.startswith("Số ") and v.endswith("-BC/CB")}
    assert undetected - doc_numbers <= {"Chi bộ", "chi bộ", "Ghi chú", "- Lưu.", "đ/c"}


# --- labels, headers and names fold to what the cleaner's tables expect --------------------------


def test_labels_and_headers_match_the_tables(raw, demo, truth):
    indicators = _rules("indicators.csv")
    columns = _rules("columns.csv")
    for f in demo.files:
        if not f.rendered or f.look.legacy or f.path.endswith(".docx"):  # Word: sources moved
            continue
        by_name = {s.name: s for s in f.sheets}
        for ind, _, sheet_name, ref in f.rendered.indicators:
            r, _ = _rc(ref)
            label = max(
                (
                    v
                    for (rr, _), v in by_name[sheet_name].cells.items()
                    if rr == r and isinstance(v, str)
                ),
                key=len,
            )
            assert rule_hits(label, indicators, "indicator") == [ind], (f.path, label)
        for table, (sheet_name, r) in f.rendered.headers.items():
            texts = [v for (rr, _), v in sorted(by_name[sheet_name].cells.items()) if rr == r]
            if table == "monthly" and f.look.monthly != "long":  # the contents head the rows
                texts = [by_name[sheet_name].cells[(r + k, 0)] for k in range(1, 5)]
            found = [
                rule_hits(t, [c for c in columns if c["table"] == table], "column") for t in texts
            ]
            assert all(len(h) == 1 for h in found), (f.path, table, texts, found)
            assert len({h[0] for h in found}) == len(found)


def test_cell_names_match_or_are_planted(seeded):
    demo, truth = seeded
    children = {u.code: {c.code: c.name for c in u.cells} for u in demo.units if u.kind == DB}
    files = {(f.period, f.unit_code): f for f in demo.files if f.status == "ok"}
    for row in truth["inspections"]:
        siblings = children[row["unit_code"]]
        key = fold_key(row["cell_name_raw"])
        exact = [code for code, name in siblings.items() if fold_key(name) == key]
        scores = sorted((fuzz.ratio(key, fold_key(n)), c) for c, n in siblings.items())
        codes = files[(row["period"], row["unit_code"])].codes
        if exact:
            assert exact == [row["cell_code"]]
        elif row["cell_code"]:  # fuzzy typo: clear winner above the threshold
            assert scores[-1][1] == row["cell_code"] and scores[-1][0] >= 88
            assert scores[-1][0] - scores[-2][0] >= 5 and "cell_fuzzy_match" in codes
        else:
            assert "cell_unmatched" in codes and not exact


# --- planted problems and weak units ------------------------------------------------------------


def test_every_planted_problem_is_listed(truth):
    codes = {r["code"] for r in truth["expected_problems"]}
    assert codes == {
        "duplicate_submission",
        "unit_unknown",
        "period_mismatch",
        "file_empty",
        "file_not_spreadsheet",
        "file_corrupt",
        "formula_no_value",
        "value_unparseable",
        "value_percent",
        "label_unmatched",
        "dv_dang_ky_gt_total",
        "khac_phuc_gt_kien_nghi",
        "subcells_vs_registry",
        "content_hcm_gt_met",
        "cell_fuzzy_match",
        "cell_unmatched",
        "total_row_skipped",
        "total_column_skipped",
        "sheet_other_period",
        "archive_member_skipped",
    }
    subs = {r["source_file"]: r for r in truth["submissions"]}
    for r in truth["expected_problems"]:
        if r["code"] == "archive_member_skipped":  # a note beside a report in a .zip
            assert r["source_file"].rpartition("/")[0].endswith(".zip")
            continue
        status = subs[r["source_file"]]["status"]
        quarantine = {
            "unit_unknown",
            "period_mismatch",
            "file_empty",
            "file_not_spreadsheet",
            "file_corrupt",
        }
        assert (status == "quarantined") == (r["code"] in quarantine)
    assert [
        r["status"]
        for r in truth["submissions"]
        if r["unit_code"] == "CB05" and r["period"] == "2014-H1"
    ].count("superseded") == 1
    assert any(r["on_time"] == "0" and r["status"] == "ok" for r in truth["submissions"])


def test_rule_violations_are_exactly_the_planted_ones(seeded):
    """Evaluate domain/rules.csv over the ground truth: only the planted files break a rule."""
    demo, truth = seeded
    subcells = {u.code: len(u.cells) for u in demo.units if u.kind == DB}
    values = defaultdict(dict)
    for r in truth["indicators"]:
        if r["value"] != "":
            values[(r["period"], r["unit_code"])][r["indicator"]] = int(r["value"])
    rows = defaultdict(lambda: defaultdict(list))
    for table in ("monthly", "inspections"):
        for r in truth[table]:
            rows[(r["period"], r["unit_code"])][table].append(r)
    found = set()
    for f in demo.files:
        if f.status != "ok":
            continue
        key = (f.period, f.unit_code)
        v = dict(values[key])
        v["registry.subcells"] = subcells.get(f.unit_code)
        v["sheet.inspection_rows"] = (
            len(rows[key]["inspections"]) if f.content.unit.kind == DB else None
        )
        for rule in _rules("rules.csv"):
            if rule["table"] == "indicators":
                records = [v]
            else:
                records = [
                    {**v, **{k: int(x) for k, x in r.items() if x.isdigit()}}
                    for r in rows[key][rule["table"]]
                ]
            for rec in records:
                left, right = rec.get(rule["left"]), rec.get(rule["right"])
                if left is None or right is None:
                    continue
                if (left > right) if rule["op"] == ">" else (left != right):
                    found.add((f.period, f.path, rule["code"]))
    rule_codes = {r["code"] for r in _rules("rules.csv")}
    expected = {
        (r["period"], r["source_file"], r["code"])
        for r in truth["expected_problems"]
        if r["code"] in rule_codes
    }
    assert found == expected


def test_weak_inspection_flags(seeded):
    _, truth = seeded
    reasons = defaultdict(set)
    for r in truth["weak_inspection"]:
        reasons[r["unit_code"]].add(r["reason"])
    assert set().union(*reasons.values()) == {
        "no_activity",
        "low_coverage",
        "low_followup",
        "overdue_finding",
    }
    ind = defaultdict(dict)
    for r in truth["indicators"]:
        ind[(r["period"], r["unit_code"])][r["indicator"]] = r["value"]
    dates = {
        (r["period"], r["unit_code"]): r["report_date"]
        for r in truth["submissions"]
        if r["status"] == "ok"
    }
    insp = defaultdict(list)
    for r in truth["inspections"]:
        insp[(r["period"], r["unit_code"])].append(r)
    for key, rows in insp.items():
        if key[0] != "2013-H2" and key[1] in {r["unit_code"] for r in truth["weak_inspection"]
                                               if r["period"] == key[0]}:  # planted weak
            continue
        v = ind[key]
        covered = {
            r["cell_code"]
            for r in rows
            if r["cell_code"] and "1" in (r["inspected"], r["supervised"])
        }
        assert len(covered) / int(v["so_chi_bo_truc_thuoc"]) >= 0.6, key
        assert (
            int(v["kien_nghi"]) > 0 and int(v["kien_nghi_khac_phuc"]) / int(v["kien_nghi"]) >= 0.8
        )
        report = date.fromisoformat(dates[key])
        for r in rows:
            if r["findings"] and int(r["findings"]) > int(r["resolved"]):
                assert (report - date.fromisoformat(r["date"])).days <= 90, key


def test_scale_copies_the_district():
    demo = build_demo(scale=2)
    codes = [u.code for u in demo.units]
    assert len(codes) == len(set(codes)) and "H02-DB01" in codes and "DB01" in codes
    names = [u.name for u in demo.units]
    assert "Đảng bộ xã Tân Phú 2" in names and len(names) == len(set(names))
    planted = [c for f in demo.files for c in sorted(f.codes)]
    assert len(planted) == 2 * len([c for f in build_demo().files for c in f.codes])
