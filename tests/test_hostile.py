"""Trust: hostile and broken files (README, «Giới hạn và cam kết an toàn»).

1. No crash, nothing lost: the corpus of tests/hostile.py, cleaned together with real files of
   the sample district, gives every bad file its `quarantined` status and one error line, every
   report with bad values stays `ok` with one warning per bad cell, every good file is cleaned
   exactly as alone, and `lib03 clean` exits 0.
2. Bounded cost: limits are checked before a file is parsed; a bomb is refused in well under a
   second, and a `lib03 clean` of the worst files peaks under PEAK_RSS_MB.
7. Clear words: every refusal names the file, says why and what to do, in Vietnamese.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import hostile
import pytest

from lib03.cli import main
from lib03.config import PROJECT_ROOT, RAW_DIR, REGISTRY_FILE_NAME
from lib03.contract import read_table
from lib03.errors import WorkbookError
from lib03.ingest.read import read_workbook
from lib03.quality import codes

PERIOD = "2014-H1"
# Real files of the sample district, one per format, and the units they report for.
GOOD = {
    "DB01.xlsx": "DB01", "CB11.xlsx": "CB11", "CB17.xlsm": "CB17", "CB23.ods": "CB23",
    "Báo cáo Chỉ thị 03 - Bưu điện huyện.xls": "CB26",
}

# The expectations, one row per corpus file: its status, then every warning and error line it
# gets as (code, cell, raw value), then what indicators.csv holds for the cells it spoiled.
# Files that cannot be read have exactly one error line; bad values leave the report `ok`.
# Negative counts are kept as written (docs/du_lieu.md §4: a value that breaks a rule is kept as
# read and logged, not corrected; docs/assumptions_caveats.md §3); every other bad value is left
# blank.
EXPECTED: dict[str, tuple[str, list[tuple[str, str, str]], dict[str, str]]] = {
    "rong_0_byte.xlsx": ("quarantined", [("file_empty", "", "")], {}),
    "bi_cat_ngang.xlsx": ("quarantined", [("file_corrupt", "", "")], {}),
    "van_ban_doi_ten.xlsx": ("quarantined", [("file_not_spreadsheet", "", "")], {}),
    "trang_web_luu_thanh.xls": ("quarantined", [("file_not_spreadsheet", "", "")], {}),
    "co_mat_khau.xlsx": ("quarantined", [("file_password", "", "")], {}),
    "co_mat_khau.xls": ("quarantined", [("file_password", "", "")], {}),
    "bom_nen.xlsx": ("quarantined", [("file_too_large", "", "")], {}),
    "bom_nen_khai_sai.xlsx": ("quarantined", [("file_corrupt", "", "")], {}),
    "billion_laughs.xlsx": ("quarantined", [("file_corrupt", "", "")], {}),
    "mot_trieu_dong.xlsx": ("quarantined", [("file_too_large", "", "")], {}),
    "hai_tram_trang.xlsx": ("quarantined", [("file_too_large", "", "")], {}),
    "o_khong_dia_chi.xlsx": ("quarantined", [("file_too_large", "", "")], {}),
    "lap_lai_ods.ods": ("quarantined", [("file_too_large", "", "")], {}),
    "tien_to_x.xlsx": ("quarantined", [("file_too_large", "", "")], {}),
    "the_khong_dong.xlsx": ("quarantined", [("file_corrupt", "", "")], {}),
    "nam_muoi_trang_rong.xlsx": ("quarantined", [("file_too_large", "", "")], {}),
    "khai_gian_chuoi_chu.xlsx": ("quarantined", [("file_corrupt", "", "")], {}),
    "hai_muoi_nghin_phan.xlsx": ("quarantined", [("file_too_large", "", "")], {}),
    "tien_to_chu_viet.xlsx": ("quarantined", [("file_too_large", "", "")], {}),
    "dia_chi_trong_ngoac.xlsx": ("quarantined", [("file_too_large", "", "")], {}),
    "hai_dia_chi.xlsx": ("quarantined", [("file_corrupt", "", "")], {}),
    "thuoc_tinh_dai.xlsx": ("quarantined", [("file_corrupt", "", "")], {}),
    "cong_thuc_chua_tinh.xlsx": ("ok", [("formula_no_value", "D12", ""),
                                        ("formula_no_value", "D17", "")],
                                 {"tong_dang_vien": "", "buoi_quan_triet": ""}),
    "luu_nan_inf.xlsx": ("ok", [("value_not_finite", "D12", "nan"),
                                ("value_not_finite", "D14", "inf")],
                         {"tong_dang_vien": "", "tong_tap_the": ""}),
    "luu_nan_inf.ods": ("ok", [("value_not_finite", "D12", "nan"),
                               ("value_not_finite", "D14", "-inf")],
                        {"tong_dang_vien": "", "tong_tap_the": ""}),
    "luu_nan_inf.xls": ("ok", [("value_not_finite", "D12", "nan"),
                               ("value_not_finite", "D14", "inf")],
                        {"tong_dang_vien": "", "tong_tap_the": ""}),
    "go_chu_nan_inf.xlsx": ("ok", [("value_unparseable", "D12", "NaN"),
                                   ("value_unparseable", "D14", "∞")],
                            {"tong_dang_vien": "", "tong_tap_the": ""}),
    "so_am.xlsx": ("ok", [("value_negative", "D17", "-2 buổi"),
                          ("value_negative", "D19", "-3.0")],
                   {"buoi_quan_triet": "-2", "guong_phat_hien": "-3"}),
    "ngay_tuong_lai.xlsx": ("ok", [("report_date_implausible", "B9", "2099-06-18")], {}),
}
# What a refusal says after the code's own sentence, so the analyst knows which limit or part.
REFUSAL_DETAIL = {
    "bom_nen.xlsx": "giải nén ra 2.050 MB, giới hạn 50 MB",
    "billion_laughs.xlsx": "khai báo thực thể XML",
    "mot_trieu_dong.xlsx": "dài hơn 5.000 dòng",
    "hai_tram_trang.xlsx": "200 trang, giới hạn 50",
    "o_khong_dia_chi.xlsx": "dài hơn 5.000 dòng",
    "lap_lai_ods.ods": "dài hơn 5.000 dòng",
    "tien_to_x.xlsx": "dài hơn 5.000 dòng",
    "nam_muoi_trang_rong.xlsx": "các trang cộng lại trải tới 2.000.001 ô, giới hạn 2.000.000",
    "khai_gian_chuoi_chu.xlsx": "khai báo số chuỗi chữ nhiều hơn nó chứa được",
    "hai_muoi_nghin_phan.xlsx": "tệp nén chứa 20.005 phần, giới hạn 10.000",
    "tien_to_chu_viet.xlsx": "dài hơn 5.000 dòng",
    "dia_chi_trong_ngoac.xlsx": "dài hơn 5.000 dòng",
    "hai_dia_chi.xlsx": "ghi thuộc tính «r» hai lần",
}
# The worst files for memory and time, refused in-process and in a child `lib03 clean`.
# Unchecked, o_khong_dia_chi, tien_to_x, tien_to_chu_viet, dia_chi_trong_ngoac, hai_dia_chi
# and khai_gian_chuoi_chu abort the whole process
# (calamine asks for hundreds of GB), lap_lai_ods takes 1 GB (6 GB with 100 columns),
# nam_muoi_trang_rong 40 s and a GB, the_khong_dong half a minute.
BOMBS = ["bom_nen.xlsx", "bom_nen_khai_sai.xlsx", "billion_laughs.xlsx", "mot_trieu_dong.xlsx",
         "hai_tram_trang.xlsx", "o_khong_dia_chi.xlsx", "lap_lai_ods.ods", "tien_to_x.xlsx",
         "the_khong_dong.xlsx", "nam_muoi_trang_rong.xlsx", "khai_gian_chuoi_chu.xlsx",
         "hai_muoi_nghin_phan.xlsx", "tien_to_chu_viet.xlsx", "dia_chi_trong_ngoac.xlsx",
         "hai_dia_chi.xlsx", "thuoc_tinh_dai.xlsx"]
# A `lib03 clean` of one small report peaks at ~90 MB (Python, pandas, calamine loaded): the
# bound leaves room for that to grow and is far below what the bombs cost unchecked.
PEAK_RSS_MB = 250
REFUSAL_SECONDS = 1.0
TABLES = ("submissions", "indicators", "monthly", "inspections", "quality_log")


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> Path:
    """Every corpus file, written once per session (~1.5 s: the bomb ~0.5 s, a million rows
    ~0.8 s)."""
    folder = tmp_path_factory.mktemp("corpus")
    hostile.write_corpus(folder)
    return folder


def _raw_folder(root: Path, corpus: Path | None) -> Path:
    raw = root / "raw"
    (raw / PERIOD).mkdir(parents=True)
    shutil.copyfile(RAW_DIR / REGISTRY_FILE_NAME, raw / REGISTRY_FILE_NAME)
    for name in GOOD:
        shutil.copyfile(RAW_DIR / PERIOD / name, raw / PERIOD / name)
    for name in os.listdir(corpus) if corpus else []:
        shutil.copyfile(corpus / name, raw / PERIOD / name)
    return raw


def _clean(raw: Path, out: Path) -> dict:
    code = main(["clean", "--raw", str(raw), "--out", str(out), "--no-cache"])
    return {"exit": code} | {t: read_table(out / f"{t}.csv") for t in TABLES}


@pytest.fixture(scope="module")
def runs(corpus, tmp_path_factory) -> dict[str, dict]:
    """The good files cleaned alone, and mixed with the whole corpus in the same folder."""
    alone = tmp_path_factory.mktemp("alone")
    mixed = tmp_path_factory.mktemp("mixed")
    return {"alone": _clean(_raw_folder(alone, None), alone / "out"),
            "mixed": _clean(_raw_folder(mixed, corpus), mixed / "out")}


def test_every_corpus_file_has_a_row_in_the_table():
    assert set(EXPECTED) == set(hostile.UNREADABLE) | set(hostile.BAD_VALUES)


def test_the_run_exits_0(runs):
    assert runs["alone"]["exit"] == 0 and runs["mixed"]["exit"] == 0


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_file_gets_its_status_and_its_lines(runs, name):
    status, lines, values = EXPECTED[name]
    t, rel = runs["mixed"], f"{PERIOD}/{name}"
    sub = t["submissions"].set_index("source_file").loc[rel]
    assert sub["status"] == status
    log = t["quality_log"]
    mine = log[(log["source_file"] == rel) & log["severity"].isin(["warning", "error"])]
    assert sorted(zip(mine["code"], mine["cell"], mine["raw_value"], strict=True)) \
        == sorted(lines)
    if status == "quarantined":
        assert sub["status_reason"] == lines[0][0]
        assert list(mine["severity"]) == ["error"]
        assert not (t["indicators"]["source"].str.startswith(f"{rel}!")).any()
        return
    assert set(mine["severity"]) <= {"warning"}
    assert all(mine["sheet"] == hostile.SUMMARY)
    unit = hostile.BAD_VALUES[name][0]
    assert sub["unit_code"] == unit
    ind = t["indicators"][t["indicators"]["unit_code"] == unit].set_index("indicator")
    # Every other figure of the unit is kept: ten indicators, six months.
    assert len(ind) == len(hostile.INDICATORS)
    assert (t["monthly"]["unit_code"] == unit).sum() == 6
    for indicator, value in values.items():
        assert ind.loc[indicator, "value"] == value, indicator
    untouched = ind.drop(index=list(values))
    assert (untouched["value"] != "").all()


def test_a_future_report_date_is_kept_as_read_but_not_used_for_on_time(runs):
    sub = runs["mixed"]["submissions"].set_index("source_file").loc[
        f"{PERIOD}/ngay_tuong_lai.xlsx"]
    assert (sub["report_date"], sub["on_time"]) == ("2099-06-18", "")


def test_good_files_are_cleaned_exactly_as_alone(runs):
    alone, mixed = runs["alone"], runs["mixed"]
    good_files = {f"{PERIOD}/{name}" for name in GOOD}
    assert set(alone["submissions"]["source_file"]) == good_files
    assert set(alone["submissions"]["status"]) == {"ok"}
    for table in TABLES:
        if table in ("submissions", "quality_log"):
            keep = mixed[table]["source_file"].isin(good_files)
        else:
            keep = mixed[table]["unit_code"].isin(GOOD.values())
        ours = mixed[table][keep].reset_index(drop=True)
        assert not alone[table].empty
        assert ours.equals(alone[table]), table


def test_every_refusal_names_the_file_the_reason_and_the_advice(runs):
    log = runs["mixed"]["quality_log"]
    errors = log[log["severity"] == "error"]
    assert len(errors) == sum(status == "quarantined" for status, _, _ in EXPECTED.values())
    for _, row in errors.iterrows():
        entry = codes()[row["code"]]
        reason = entry["message"].split("{detail}")[0].rstrip(" (:")
        message = row["message"]
        assert message.startswith(f"Tệp {row['source_file']}: {reason}"), message
        assert message.endswith(f"Cách xử lý: {entry['advice']}"), message
        # No programmer's words: an exception name, a traceback, an English phrase.
        assert not re.search(r"Error|Exception|Traceback|\bthe\b|\bfile\b", message), message
    for name, detail in REFUSAL_DETAIL.items():
        (message,) = errors.loc[errors["source_file"] == f"{PERIOD}/{name}", "message"]
        assert detail in message, message


def test_the_bomb_is_real(corpus):
    """Its sheet truly inflates to more than 2 GiB, and the CRC zipfile checks at the end
    matches: the refusal below is not of a file that merely claims to be big."""
    with zipfile.ZipFile(corpus / "bom_nen.xlsx") as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
        assert info.file_size >= hostile.BOMB_INFLATED
        assert info.file_size / (corpus / "bom_nen.xlsx").stat().st_size > 300
        inflated = 0
        with zf.open(info) as fh:
            assert fh.read(200).startswith(b"<?xml")
            inflated = 200
            while block := fh.read(64 * 1024 * 1024):
                inflated += len(block)
    assert inflated == info.file_size


@pytest.mark.parametrize("name", BOMBS)
def test_a_bomb_is_refused_in_well_under_a_second(corpus, name):
    start = time.perf_counter()
    with pytest.raises(WorkbookError) as refused:
        read_workbook(corpus / name)
    elapsed = time.perf_counter() - start
    assert refused.value.code == EXPECTED[name][1][0][0]
    assert elapsed < REFUSAL_SECONDS, f"{name}: {elapsed:.2f} s"


# Runs a command and prints its exit code and the peak resident memory (KB on Linux) of it
# and its workers. The measuring process stands between this test session and the command
# because Linux hands a child the peak memory of the process it was forked from: the command,
# forked straight from pytest, would report pytest's few hundred MB as its own.
_MEASURE = """
import resource, subprocess, sys
code = subprocess.call(sys.argv[1:])
print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def _peak_rss_mb(raw: Path, out: Path) -> tuple[int, int, str]:
    """Exit code, peak resident memory (MB) and output of `python -m lib03 clean`."""
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT))
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE,
         sys.executable, "-m", "lib03", "clean", "--raw", str(raw), "--out", str(out)],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=True)
    code, kilobytes = done.stdout.split()[-2:]
    return int(code), int(kilobytes) // 1024, done.stdout + done.stderr


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in KB on Linux only")
def test_memory_stays_bounded_when_the_worst_files_are_cleaned(corpus, tmp_path):
    small = tmp_path / "small"
    (small / PERIOD).mkdir(parents=True)
    shutil.copyfile(RAW_DIR / REGISTRY_FILE_NAME, small / REGISTRY_FILE_NAME)
    shutil.copyfile(RAW_DIR / PERIOD / "DB01.xlsx", small / PERIOD / "DB01.xlsx")
    worst = tmp_path / "worst"
    (worst / PERIOD).mkdir(parents=True)
    shutil.copyfile(RAW_DIR / REGISTRY_FILE_NAME, worst / REGISTRY_FILE_NAME)
    for name in BOMBS:
        shutil.copyfile(corpus / name, worst / PERIOD / name)
    normal = _peak_rss_mb(small, tmp_path / "out_small")
    bombs = _peak_rss_mb(worst, tmp_path / "out_worst")
    assert normal[0] == 0 and bombs[0] == 0, normal[2] + bombs[2]
    assert bombs[1] < PEAK_RSS_MB, f"bombs: {bombs[1]} MB, one report: {normal[1]} MB"
    subs = read_table(tmp_path / "out_worst" / "submissions.csv")
    assert list(subs["status"]) == ["quarantined"] * len(BOMBS)


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in KB on Linux only")
def test_a_file_over_the_size_limit_is_refused_without_being_read(tmp_path):
    raw = tmp_path / "raw"
    (raw / PERIOD).mkdir(parents=True)
    shutil.copyfile(RAW_DIR / REGISTRY_FILE_NAME, raw / REGISTRY_FILE_NAME)
    # A film renamed .xlsx; sparse, so it costs no disk.
    os.truncate(_touch(raw / PERIOD / "phim_doi_ten.xlsx"), 400 * 1024 * 1024)
    code, peak, output = _peak_rss_mb(raw, tmp_path / "out")
    assert code == 0, output
    sub = read_table(tmp_path / "out" / "submissions.csv").iloc[0]
    assert (sub["status"], sub["status_reason"]) == ("quarantined", "file_too_large")
    assert peak < PEAK_RSS_MB, f"{peak} MB"


def _touch(path: Path) -> Path:
    path.write_bytes(b"")
    return path


# --- values the cleaner does not survive or flag yet (fixes described, outside lib03/read.py) ---


def _single_report(tmp_path: Path, period: str, name: str, write) -> dict:
    raw = tmp_path / "raw"
    (raw / period).mkdir(parents=True)
    shutil.copyfile(RAW_DIR / REGISTRY_FILE_NAME, raw / REGISTRY_FILE_NAME)
    write(raw / period / name)
    return _clean(raw, tmp_path / "out")


def test_a_number_too_big_for_a_float_is_one_warning_not_a_lost_file(tmp_path):
    name, unit, write = hostile.HUGE_TYPED
    t = _single_report(tmp_path, PERIOD, name, write)
    sub = t["submissions"].iloc[0]
    assert (sub["status"], sub["unit_code"]) == ("ok", unit)
    log = t["quality_log"]
    bad = log[log["severity"].isin(["warning", "error"])]
    assert list(zip(bad["code"], bad["cell"], strict=True)) in (
        [("value_not_finite", "D12")], [("value_unparseable", "D12")])


# A report dated after the day of the run but within a year of its period is accepted on
# purpose: judging it against "today" would make the same files clean differently tomorrow
# (same inputs, same bytes). Dates beyond that are warned (report_date_implausible, above).
