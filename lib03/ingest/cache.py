"""The per-file cache that makes a rerun quick: a file already cleaned is not read again.

A file's result is stored under the sha256 of its bytes (with its period and path, which its
rows carry). The whole cache belongs to one *fingerprint* of everything else a result depends
on: lib03's version and cleaning code, its domain tables, the settings that affect cleaning
and the unit registry. Change any of them and the cache starts afresh. The cache lives in
`<processed>/.cache/` and can be deleted at any time with no effect but speed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import time
from pathlib import Path

from lib03 import __version__
from lib03.config import CLEANING_SETTINGS, PACKAGE_DIR, Settings
from lib03.contract import write_atomic
from lib03.ingest.assemble import Packed

log = logging.getLogger(__name__)

CACHE_DIR = ".cache"
# Bump when the stored layout changes, so an old cache is never misread.
_FORMAT = 9


# The shared modules the ingest wing imports (tests/test_cache.py checks this list against the
# imports themselves). The report and forms wings, the CLI and sheetwrite do not clean.
CLEANING_SHARED = ("__init__.py", "config.py", "contract.py", "domain/__init__.py", "errors.py",
                   "legacy.py", "periods.py", "quality.py", "rules.py", "tableset.py", "text.py",
                   "vocab.py")


def cleaning_sources(package_dir: Path = PACKAGE_DIR) -> list[Path]:
    """The files whose every byte cleaning depends on: the ingest wing, the shared modules it
    imports, and the domain tables."""
    return sorted([*(package_dir / "ingest").glob("*.py"),
                   *(package_dir / name for name in CLEANING_SHARED),
                   *(package_dir / "domain").glob("*.csv")])


def fingerprint(settings: Settings, registry_bytes: bytes,
                package_dir: Path = PACKAGE_DIR) -> str:
    """What every cached result depends on besides its own file: the cleaning code and tables,
    the settings cleaning uses (as passed in), and the registry.

    Report thresholds, the report's own code and the district's name do not change what
    cleaning produces, so changing them keeps the cache.
    """
    h = hashlib.sha256(f"{_FORMAT}|{__version__}".encode())
    for path in cleaning_sources(package_dir):
        name = path.relative_to(package_dir).as_posix()
        h.update(name.encode() + b"\0" + path.read_bytes())
    cleaning = {name: getattr(settings, name) for name in CLEANING_SETTINGS}
    h.update(repr(sorted(cleaning.items())).encode())
    h.update(hashlib.sha256(registry_bytes).digest())
    return h.hexdigest()


def file_key(period: str, rel: str, sha256: str) -> str:
    return f"{sha256}|{period}|{rel}"


class FileCache:
    """Results of earlier runs, by file key; `save` keeps only the files of this run.

    Beside the per-file results it keeps the parsed registry and a small manifest of the
    last run (its key, the hash of each table written, its summary), so a rerun with nothing
    changed only hashes the files and the tables. Results are held as the run's own objects
    and pickled only when saved, straight into the file: a province's cache never exists a
    second time in memory.
    """

    def __init__(self, folder: Path, fingerprint: str):
        stem = folder / CACHE_DIR / fingerprint[:32]
        self.path = stem.with_name(f"clean-{stem.name}.pickle")
        self.manifest = stem.with_name(f"run-{stem.name}.json")
        stored = self._load()
        self.old: dict[str, tuple] = stored.get("files", {})
        self.new: dict[str, Packed] = {}
        self._fresh = False  # a result was cleaned afresh and is not stored yet
        self.registry_blob: bytes | None = stored.get("registry")
        self._registry_new = self.registry_blob

    def _load(self) -> dict:
        try:
            with open(self.path, "rb") as fh:
                stored = pickle.load(fh)
            return stored if isinstance(stored, dict) else {}
        except FileNotFoundError:
            return {}
        except Exception as exc:  # a damaged cache costs speed, never a run
            log.warning("Bộ nhớ đệm hỏng, bỏ qua: %s", exc)
            return {}

    def get(self, key: str) -> Packed | None:
        """The stored result of a file, or None."""
        own = self.old.pop(key, None)
        if own is None:
            return None
        self.new[key] = result = Packed.from_own(own)
        return result

    def put(self, key: str, result: Packed) -> None:
        self.new[key] = result
        self._fresh = True

    def registry(self):
        """The parsed registry of this fingerprint (which includes the registry's bytes): its
        index, its problems and the rendered units table."""
        return pickle.loads(self.registry_blob) if self.registry_blob else None

    def put_registry(self, parsed) -> None:
        self._registry_new = pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL)

    def unchanged_run(self, run_key: str, out_dir: Path) -> dict | None:
        """The last run's summary when it had the same key and its tables are still as it wrote
        them; None otherwise."""
        try:
            manifest = json.loads(self.manifest.read_text(encoding="utf-8"))
            if manifest.get("run") != run_key:
                return None
            for name, digest in manifest["tables"].items():
                with open(out_dir / name, "rb") as fh:
                    if hashlib.file_digest(fh, "sha256").hexdigest() != digest:
                        return None
            return manifest["summary"]
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def save(self, run_key: str, digests: dict[str, str], summary: dict) -> None:
        """Write this run's results and manifest; caches of other fingerprints are removed."""
        # Results taken from the cache were moved out of `old`: what is left there belongs to
        # files gone or changed, and a store that only lost nothing and gained nothing stands.
        if self.old or self._fresh or self._registry_new != self.registry_blob \
                or not self.path.exists():
            stored = {"files": {key: r.own() for key, r in self.new.items()},
                      "registry": self._registry_new}
            # Not durable: after a power cut a damaged cache is read as empty (see _load).
            write_atomic(self.path, lambda fh: pickle.dump(
                stored, fh, protocol=pickle.HIGHEST_PROTOCOL), durable=False)
        manifest = {"run": run_key, "summary": summary, "tables": digests}
        write_atomic(self.manifest, json.dumps(manifest, ensure_ascii=False,
                                               sort_keys=True).encode("utf-8"), durable=False)
        for other in self.path.parent.iterdir():
            if other not in (self.path, self.manifest) and other.name.startswith(
                    ("clean-", "run-")):
                other.unlink(missing_ok=True)


class KnownHashes:
    """The sha256 of each input as last computed, trusted while the file's size, times, inode
    and device are unchanged, as git trusts its index: a rerun need not read 10,000 files to
    learn that none changed. Kept in `.cache/hashes.json` beside the results."""

    # A file changed again within the same tick of the file-system clock would keep its
    # times: a file is only remembered once it has stood still this long.
    SETTLED_NS = 2_000_000_000

    def __init__(self, folder: Path | None):
        self.path = folder / CACHE_DIR / "hashes.json" if folder else None
        self.old: dict[str, list] = {}
        self.new: dict[str, list] = {}
        self.now = time.time_ns()
        if self.path:
            try:
                loaded = json.loads(self.path.read_text(encoding="utf-8"))
                self.old = loaded if isinstance(loaded, dict) else {}
            except (OSError, ValueError):
                pass  # missing or damaged: every file is hashed, as on a first run

    def sha256(self, path: Path, st: os.stat_result) -> str:
        name = os.fsdecode(path)
        sign = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev]
        known = self.old.get(name)
        if isinstance(known, list) and known[:5] == sign and len(known) == 6:
            digest = known[5]
        else:
            with open(path, "rb") as fh:
                digest = hashlib.file_digest(fh, "sha256").hexdigest()
        if self.now - max(st.st_mtime_ns, st.st_ctime_ns) > self.SETTLED_NS:
            self.new[name] = [*sign, digest]
        return digest

    def save(self) -> None:
        if self.path and self.new != self.old:
            write_atomic(self.path, json.dumps(self.new, sort_keys=True).encode("utf-8"),
                         durable=False)


def run_key(keys: list[str | None], notes: list[dict]) -> str:
    """What a run's tables depend on besides the fingerprint: every file and every note."""
    h = hashlib.sha256()
    for key in keys:
        h.update((key or "-").encode() + b"\n")
    h.update(json.dumps(notes, ensure_ascii=False, sort_keys=True).encode())
    return h.hexdigest()
