"""A few hundred damaged copies of the sample's files: the run finishes, every file is
accounted for, the good files' rows do not move, and memory stays bounded.

Each variant flips bytes, cuts the file short, or repeats a stretch of it (fixed seed, so a
failure can be replayed); they stand in their own period folder, so that a damaged copy of a
unit's report can never replace the unit's good one.
"""

from __future__ import annotations

import random
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lib03.config import RAW_DIR, REGISTRY_FILE_NAME
from lib03.contract import read_table

SEED = 3
VARIANTS = 300
PEAK_MEMORY_MB = 600


def _damaged(data: bytes, rng: random.Random) -> bytes:
    how = rng.choice(("flip", "cut", "repeat"))
    buf = bytearray(data)
    if how == "flip":
        for _ in range(rng.randint(1, 40)):
            buf[rng.randrange(len(buf))] = rng.randrange(256)
    elif how == "cut":
        del buf[rng.randrange(1, len(buf)):]
    else:
        start = rng.randrange(len(buf))
        piece = buf[start:start + rng.randint(1, 4096)]
        at = rng.randrange(len(buf))
        buf[at:at] = piece * rng.randint(1, 8)
    return bytes(buf)


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory) -> Path:
    raw = tmp_path_factory.mktemp("fuzz") / "raw"
    raw.mkdir()
    shutil.copy(RAW_DIR / REGISTRY_FILE_NAME, raw / REGISTRY_FILE_NAME)
    shutil.copytree(RAW_DIR / "2014-H1", raw / "2014-H1")
    sources = [p for p in sorted((RAW_DIR / "2014-H1").iterdir()) if p.stat().st_size > 1]
    rng = random.Random(SEED)
    damaged = raw / "2016-H1"
    damaged.mkdir()
    for i in range(VARIANTS):
        source = rng.choice(sources)
        (damaged / f"{i:03d} {source.name}").write_bytes(_damaged(source.read_bytes(), rng))
    return raw


def _rows_of(table, prefix: str) -> list[str]:
    return sorted(",".join(row) for row in table.astype(str).itertuples(index=False)
                  if any(str(v).startswith(prefix) for v in row))


def test_damaged_files_are_each_accounted_for_and_cost_the_good_ones_nothing(fuzzed, tmp_path):
    out, alone = tmp_path / "out", tmp_path / "alone"
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    done = subprocess.run([sys.executable, "-m", "lib03", "clean", "--raw", str(fuzzed),
                           "--out", str(out), "--workers", "2", "--no-cache"],
                          capture_output=True, text=True, timeout=900)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    subs = read_table(out / "submissions.csv")
    log = read_table(out / "quality_log.csv")
    listed = set(subs["source_file"]) | set(log["source_file"])
    for path in (fuzzed / "2016-H1").iterdir():
        name = f"2016-H1/{path.name}"  # a .zip is accounted for by its members' lines too
        assert name in listed or any(s.startswith(f"{name}/") for s in listed), path.name
    quarantined = subs[subs["status"] == "quarantined"]
    explained = set(log.loc[log["severity"] == "error", "source_file"])
    assert set(quarantined["source_file"]) <= explained  # every refusal says why

    good = tmp_path / "good"
    good.mkdir()
    shutil.copy(fuzzed / REGISTRY_FILE_NAME, good / REGISTRY_FILE_NAME)
    shutil.copytree(fuzzed / "2014-H1", good / "2014-H1")
    subprocess.run([sys.executable, "-m", "lib03", "clean", "--raw", str(good), "--out",
                    str(alone), "--no-cache"], check=True, capture_output=True, timeout=300)
    for name in ("submissions", "indicators", "monthly", "inspections"):
        mixed, clean = read_table(out / f"{name}.csv"), read_table(alone / f"{name}.csv")
        assert _rows_of(mixed, "2014-H1") == _rows_of(clean, "2014-H1"), name
    print(f"fuzz: {VARIANTS} variants, {len(quarantined)} quarantined, "
          f"peak memory of one process {peak_mb:.0f} MB (before: {before / 1024:.0f} MB)")
    assert peak_mb < PEAK_MEMORY_MB
