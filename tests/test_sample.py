"""The sample district: `lib03 demo` reproduces data/raw, and the cleaner reproduces its
ground truth exactly (a backtest in the manner of NHS Digital's RAP pipeline)."""

import hashlib

import pandas as pd
import pytest

from lib03.config import RAW_DIR, load_settings
from lib03.contract import read_table
from lib03.forms.demo import write_demo
from lib03.ingest.pipeline import run_clean

TRUTH = RAW_DIR / ".ground_truth"


def _hashes(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def cleaned(tmp_path_factory):
    out = tmp_path_factory.mktemp("processed")
    before = _hashes(RAW_DIR)
    run_clean(RAW_DIR, out, progress=False)
    after = _hashes(RAW_DIR)
    return out, before, after


def _compare(ours: pd.DataFrame, truth: pd.DataFrame, keys: list[str]) -> None:
    columns = list(truth.columns)
    missing = [c for c in columns if c not in ours.columns]
    assert not missing, f"output lacks columns {missing}"
    ours = ours[columns].sort_values(keys, kind="stable").reset_index(drop=True)
    truth = truth.sort_values(keys, kind="stable").reset_index(drop=True)
    merged = ours.merge(truth, how="outer", indicator=True)
    diff = merged[merged["_merge"] != "both"]
    assert diff.empty, f"{len(diff)} rows differ:\n{diff.head(20).to_string()}"
    pd.testing.assert_frame_equal(ours, truth)


def test_demo_regenerates_the_committed_sample(tmp_path):
    write_demo(tmp_path / "raw", load_settings())
    assert _hashes(tmp_path / "raw") == _hashes(RAW_DIR)


def test_raw_folder_is_byte_identical_after_a_run(cleaned):
    _, before, after = cleaned
    assert before == after


@pytest.mark.parametrize("table, keys", [
    ("units", ["unit_code"]),
    ("indicators", ["period", "unit_code", "indicator"]),
    ("monthly", ["period", "unit_code", "month"]),
    ("inspections", ["period", "unit_code", "source"]),
    ("submissions", ["period", "source_file"]),
])
def test_sample_cleans_to_its_ground_truth(cleaned, table, keys):
    out, _, _ = cleaned
    _compare(read_table(out / f"{table}.csv"), read_table(TRUTH / f"{table}.csv"), keys)


def test_every_planted_problem_is_logged_and_nothing_else(cleaned):
    out, _, _ = cleaned
    log = read_table(out / "quality_log.csv")
    found = set(zip(log["period"], log["source_file"], log["code"], strict=True))
    serious = log[log["severity"].isin(["warning", "error"])]
    raised = set(zip(serious["period"], serious["source_file"], serious["code"], strict=True))
    expected = set(read_table(TRUTH / "expected_problems.csv").itertuples(index=False, name=None))
    # A planted total row is logged for information only; every other plant is a warning
    # or an error, and no file the sample keeps clean raises either.
    assert sorted(expected - found) == [], "planted problems the cleaner missed"
    assert sorted(raised - expected) == [], "problems logged that were not planted"


def test_every_quarantined_file_has_an_error_line(cleaned):
    out, _, _ = cleaned
    subs = read_table(out / "submissions.csv")
    log = read_table(out / "quality_log.csv")
    errors = set(log.loc[log["severity"] == "error", "source_file"])
    quarantined = set(subs.loc[subs["status"] == "quarantined", "source_file"])
    assert quarantined and quarantined <= errors
