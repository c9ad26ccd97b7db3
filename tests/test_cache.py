"""The per-file cache: a rerun reads only what changed, and never changes a byte of output."""

import os
import shutil
from pathlib import Path

from builders import copy_sample

from lib03.config import RAW_DIR, load_settings
from lib03.ingest.cache import CACHE_DIR
from lib03.ingest.pipeline import run_clean

FILES = ["DB01.xlsx", "CB11.xlsx", "CB17.xlsm", "CB23.ods", "DB07.xlsx", "CB05.xlsx",
         "CB05 (ban sua).xlsx"]


def _raw(folder: Path, files=FILES) -> Path:
    return copy_sample(folder, files)


def _tables(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))}


def _fresh(raw: Path, out: Path, **kw) -> dict[str, bytes]:
    run_clean(raw, out, progress=False, cache=False, **kw)
    return _tables(out)


def _cleaned_files(monkeypatch) -> list[str]:
    """Record which files are really cleaned (not taken from the cache)."""
    import lib03.ingest.workers as workers

    seen: list[str] = []
    real = workers._clean_one

    def spy(item):
        seen.append(item[2])
        return real(item)

    monkeypatch.setattr(workers, "_clean_one", spy)
    return seen


def test_rerun_reads_nothing_and_writes_the_same_bytes(tmp_path, monkeypatch):
    raw, out = _raw(tmp_path / "raw"), tmp_path / "out"
    run_clean(raw, out, progress=False, workers=1)
    first = _tables(out)
    assert (out / CACHE_DIR).is_dir()
    seen = _cleaned_files(monkeypatch)
    run_clean(raw, out, progress=False, workers=1)
    assert seen == [] and _tables(out) == first == _fresh(raw, tmp_path / "fresh")


def test_one_changed_added_or_removed_file_is_all_that_is_read(tmp_path, monkeypatch):
    raw, out = _raw(tmp_path / "raw"), tmp_path / "out"
    run_clean(raw, out, progress=False, workers=1)
    seen = _cleaned_files(monkeypatch)
    # A unit sends a corrected file under the same name; another sends one more file.
    shutil.copy(RAW_DIR / "2014-H1" / "DB13.xlsx", raw / "2014-H1" / "DB07.xlsx")
    shutil.copy(RAW_DIR / "2014-H1" / "CB23.ods", raw / "2014-H1" / "CB23 gui lai.ods")
    (raw / "2014-H1" / "CB11.xlsx").unlink()
    run_clean(raw, out, progress=False, workers=1)
    assert sorted(seen) == ["2014-H1/CB23 gui lai.ods", "2014-H1/DB07.xlsx"]
    assert _tables(out) == _fresh(raw, tmp_path / "fresh")


def test_settings_or_registry_changes_start_the_cache_afresh(tmp_path, monkeypatch):
    raw, out = _raw(tmp_path / "raw"), tmp_path / "out"
    run_clean(raw, out, progress=False, workers=1)
    seen = _cleaned_files(monkeypatch)
    later = load_settings().with_overrides(deadlines={"2014-H1": "2014-06-01"})
    run_clean(raw, out, progress=False, workers=1, settings=later)
    assert len(seen) == len(FILES)  # the deadline decides on_time inside each result
    assert _tables(out) == _fresh(raw, tmp_path / "fresh", settings=later)
    seen.clear()
    run_clean(raw, out, progress=False, workers=1, settings=later.with_overrides(
        coverage_min=10))
    assert seen == []  # a report threshold does not change what cleaning produces
    seen.clear()
    (raw / "danh_muc_don_vi.xlsx").write_bytes(
        (RAW_DIR / "danh_muc_don_vi.xlsx").read_bytes() + b"")  # same bytes: still cached
    run_clean(raw, out, progress=False, workers=1, settings=later)
    assert seen == []


def test_a_damaged_or_deleted_cache_costs_only_time(tmp_path):
    raw, out = _raw(tmp_path / "raw"), tmp_path / "out"
    run_clean(raw, out, progress=False)
    first = _tables(out)
    for path in (out / CACHE_DIR).iterdir():
        path.write_bytes(b"not a pickle")
    run_clean(raw, out, progress=False)
    assert _tables(out) == first
    shutil.rmtree(out / CACHE_DIR)
    run_clean(raw, out, progress=False)
    assert _tables(out) == first


def test_nothing_changed_rewrites_nothing_but_a_damaged_table_is_restored(tmp_path):
    raw, out = _raw(tmp_path / "raw"), tmp_path / "out"
    first = run_clean(raw, out, progress=False)
    times = {p.name: p.stat().st_mtime_ns for p in out.glob("*.csv")}
    again = run_clean(raw, out, progress=False)
    assert again == first  # the same summary, told without cleaning anything
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("*.csv")} == times
    (out / "indicators.csv").write_text("sửa tay", encoding="utf-8")
    (out / ".units.csv.abc.tmp").write_bytes(b"left by a killed run")
    run_clean(raw, out, progress=False)
    assert _tables(out) == _fresh(raw, tmp_path / "fresh")
    assert not list(out.glob(".*.tmp"))


def _digests(monkeypatch, raw: Path) -> list[str]:
    """Record which raw files are hashed (not known from the last run)."""
    import lib03.ingest.cache as cache

    hashed: list[str] = []
    real = cache.hashlib.file_digest

    def spy(fh, name):
        if raw in Path(fh.name).parents:  # not the tables, hashed to check they are intact
            hashed.append(Path(fh.name).name)
        return real(fh, name)

    monkeypatch.setattr(cache.hashlib, "file_digest", spy)
    return hashed


def test_a_settled_file_is_not_hashed_again_until_it_changes(tmp_path, monkeypatch):
    from lib03.ingest.cache import KnownHashes

    monkeypatch.setattr(KnownHashes, "SETTLED_NS", 0)  # files copied just now count as settled
    raw, out = _raw(tmp_path / "raw"), tmp_path / "out"
    run_clean(raw, out, progress=False, workers=1)
    hashed = _digests(monkeypatch, raw)
    run_clean(raw, out, progress=False, workers=1)
    assert hashed == []
    # Same size, same modification time, other bytes: the inode's change time still moves.
    target = raw / "2014-H1" / "DB07.xlsx"
    other = (RAW_DIR / "2014-H1" / "DB13.xlsx").read_bytes()
    before = target.stat()
    data = (other + b"\0" * before.st_size)[:before.st_size]
    target.write_bytes(data)
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert target.stat().st_mtime_ns == before.st_mtime_ns
    seen = _cleaned_files(monkeypatch)
    run_clean(raw, out, progress=False, workers=1)
    assert hashed == ["DB07.xlsx"] and seen == ["2014-H1/DB07.xlsx"]
    assert _tables(out) == _fresh(raw, tmp_path / "fresh")


def test_a_file_changed_just_now_is_not_remembered_and_a_damaged_memo_costs_nothing(tmp_path):
    raw, out = _raw(tmp_path / "raw"), tmp_path / "out"
    run_clean(raw, out, progress=False, workers=1)
    memo = out / CACHE_DIR / "hashes.json"
    # Every file was copied within the last two seconds: none is trusted by its times yet.
    assert not memo.exists() or memo.read_text() == "{}"
    memo.write_text("[not json")
    run_clean(raw, out, progress=False, workers=1)
    assert _tables(out) == _fresh(raw, tmp_path / "fresh")


def test_a_rerun_from_the_cache_does_not_import_pandas(tmp_path):
    """Importing pandas costs a third of a second: more than a whole rerun on 2,000 files."""
    import subprocess
    import sys

    from lib03.config import PROJECT_ROOT

    raw, out = _raw(tmp_path / "raw"), tmp_path / "out"
    run_clean(raw, out, progress=False, workers=1)
    shutil.copy(RAW_DIR / "2014-H1" / "DB13.xlsx", raw / "2014-H1" / "DB07.xlsx")  # one change
    probe = ("import sys; from lib03.cli import main; code = main(['clean', '--raw', sys.argv[1],"
             " '--out', sys.argv[2], '--workers', '1']); print(code, 'pandas' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe, str(raw), str(out)], text=True,
                          capture_output=True, env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
                          timeout=300)
    assert done.stdout.strip().splitlines()[-1] == "0 False", done.stdout + done.stderr
    assert _tables(out) == _fresh(raw, tmp_path / "fresh")


def test_a_limit_passed_to_run_clean_is_the_limit_used(tmp_path, monkeypatch):
    """Settings handed to run_clean reach the checks deep inside cleaning, and the cache is
    keyed by them: a stricter limit is not answered from a cache made under the looser one."""
    from dataclasses import replace

    raw, out = _raw(tmp_path / "raw", ["DB01.xlsx", "CB11.xlsx"]), tmp_path / "out"
    run_clean(raw, out, progress=False, workers=1)
    assert "file_too_large" not in _tables(out)["submissions.csv"].decode("utf-8-sig")
    seen = _cleaned_files(monkeypatch)
    strict = replace(load_settings(), max_sheets=1)  # every sample workbook has 3 sheets
    run_clean(raw, out, progress=False, workers=1, settings=strict)
    assert len(seen) == 2
    subs = _tables(out)["submissions.csv"].decode("utf-8-sig")
    assert subs.count("file_too_large") == 2, subs
    assert _tables(out) == _fresh(raw, tmp_path / "fresh", settings=strict)


def test_a_fuzzy_threshold_passed_to_run_clean_is_the_one_used(tmp_path):
    from dataclasses import replace

    raw = _raw(tmp_path / "raw")
    loose = _fresh(raw, tmp_path / "loose")
    strict = _fresh(raw, tmp_path / "strict", settings=replace(
        load_settings(), fuzzy_unit_threshold=100.0, fuzzy_label_threshold=100.0))
    assert strict != loose
    log = strict["quality_log.csv"].decode("utf-8-sig")
    assert "cell_fuzzy_match" not in log and "label_fuzzy_match" not in log


def _package_copy(tmp_path: Path) -> Path:
    from lib03.config import PACKAGE_DIR

    copy = tmp_path / "lib03"
    shutil.copytree(PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def test_cache_fingerprint_covers_exactly_what_cleaning_uses(tmp_path):
    from lib03.ingest.cache import fingerprint

    package = _package_copy(tmp_path)
    settings = load_settings()

    def key() -> str:
        return fingerprint(settings, b"registry", package_dir=package)

    before = key()
    for unrelated in ("report/charts.py", "report/html.py", "forms/template.py", "cli.py",
                      "sheetwrite.py", "assets/report.css"):
        with open(package / unrelated, "a", encoding="utf-8") as fh:
            fh.write("\n# a comment\n")
        assert key() == before, unrelated
    assert fingerprint(settings.with_overrides(coverage_min=10), b"registry",
                       package_dir=package) == before
    for used in ("ingest/read.py", "text.py", "domain/indicators.csv", "vocab.py"):
        with open(package / used, "a", encoding="utf-8") as fh:
            fh.write("\n# a comment\n")
        assert key() != before, used
        before = key()
    assert fingerprint(settings.with_overrides(deadlines={"2014-H1": "2014-06-01"}),
                       b"registry", package_dir=package) != before
    assert fingerprint(settings, b"another registry", package_dir=package) != before


def test_cache_fingerprint_names_every_shared_module_cleaning_imports():
    from test_architecture import GRAPH, layer

    from lib03.config import PACKAGE_DIR
    from lib03.ingest.cache import CLEANING_SHARED

    reached, todo = set(), [m for m in GRAPH if layer(m) == "ingest"]
    while todo:
        module = todo.pop()
        for other in GRAPH[module] - reached:
            reached.add(other)
            todo.append(other)
    shared = {m for m in reached if layer(m) == "shared"} | {"lib03"}
    files = set()
    for module in shared:
        path = PACKAGE_DIR.parent.joinpath(*module.split("."))
        files.add((path / "__init__.py" if path.is_dir() else path.with_suffix(".py"))
                  .relative_to(PACKAGE_DIR).as_posix())
    assert sorted(files) == sorted(CLEANING_SHARED)
