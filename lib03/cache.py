"""The per-file cache that makes a rerun quick: a file already cleaned is not read again.

A file's result is stored under the sha256 of its bytes (with its period and path, which its
rows carry). The whole cache belongs to one *fingerprint* of everything else a result depends
on: lib03's version and code, its domain tables, the settings that affect cleaning and the
unit registry. Change any of them and the cache starts afresh. The cache lives in
`<processed>/.cache/` and can be deleted at any time with no effect but speed.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
from dataclasses import fields
from pathlib import Path

from lib03 import __version__
from lib03.config import OVERRIDABLE, PACKAGE_DIR, Settings
from lib03.tables import write_atomic

log = logging.getLogger(__name__)

CACHE_DIR = ".cache"
# Bump when the stored layout changes, so an old cache is never misread.
_FORMAT = 1


def fingerprint(settings: Settings, registry_bytes: bytes) -> str:
    """What every cached result depends on besides its own file.

    Report thresholds do not change what cleaning produces, so changing them keeps the cache.
    """
    h = hashlib.sha256(f"{_FORMAT}|{__version__}".encode())
    for path in sorted([*PACKAGE_DIR.glob("*.py"), *PACKAGE_DIR.glob("tables/*.csv")]):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    cleaning = {f.name: getattr(settings, f.name) for f in fields(settings)
                if f.name not in OVERRIDABLE}
    h.update(repr(sorted(cleaning.items())).encode())
    h.update(hashlib.sha256(registry_bytes).digest())
    return h.hexdigest()


def file_key(period: str, rel: str, sha256: str) -> str:
    return f"{sha256}|{period}|{rel}"


class FileCache:
    """Results of earlier runs, by file key; `save` keeps only the files of this run."""

    def __init__(self, folder: Path, fingerprint: str):
        self.path = folder / CACHE_DIR / f"clean-{fingerprint[:32]}.pickle"
        self.old: dict[str, bytes] = self._load()
        self.new: dict[str, bytes] = {}

    def _load(self) -> dict[str, bytes]:
        try:
            with open(self.path, "rb") as fh:
                stored = pickle.load(fh)
            return stored if isinstance(stored, dict) else {}
        except FileNotFoundError:
            return {}
        except Exception as exc:  # a damaged cache costs speed, never a run
            log.warning("Bộ nhớ đệm hỏng, bỏ qua: %s", exc)
            return {}

    def get(self, key: str):
        """A fresh copy of the stored result, or None."""
        blob = self.old.get(key)
        if blob is None:
            return None
        self.new[key] = blob
        return pickle.loads(blob)

    def put(self, key: str, result) -> None:
        # Pickled now, before duplicates are resolved: the stored result is the file's own.
        self.new[key] = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)

    def save(self) -> None:
        """Write this run's results; caches of other fingerprints are removed."""
        if self.new == self.old and self.path.exists():
            return
        write_atomic(self.path, pickle.dumps(self.new, protocol=pickle.HIGHEST_PROTOCOL))
        for other in self.path.parent.glob("clean-*.pickle"):
            if other != self.path:
                other.unlink(missing_ok=True)
