"""The orchestrator: raw folder → list → clean each file → one set of tables on disk.

`clean_file` does all the work for one file and returns plain data, so files can be cleaned in
any order (or in worker processes) and the tables are still built once, in a fixed order.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import logging
import os
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path

from lib03.config import REGISTRY_FILE_NAME, Limits, Settings, load_settings
from lib03.contract import (
    COLUMNS,
    header_csv,
    remove_stale_temporaries,
    render_rows,
)
from lib03.errors import RawFolderError, WorkbookError, os_reason, special_kind
from lib03.ingest.archive import is_archive, list_members, split_member
from lib03.ingest.assemble import Packed, assemble_tables, count_severities
from lib03.ingest.cache import FileCache, KnownHashes, file_key, fingerprint, run_key
from lib03.ingest.match import RegistryIndex, index_rows
from lib03.ingest.registry import read_registry_rows
from lib03.ingest.scan import check_file_size
from lib03.ingest.workers import clean_files, default_workers
from lib03.periods import folder_year, period_of_folder, period_of_spelled_folder
from lib03.quality import ATTENTION_CODES, Problem, word_problem
from lib03.tableset import publish_tables, recover

log = logging.getLogger(__name__)


@dataclass
class RunSummary:
    """Counts for the closing message of `lib03 clean`."""

    files: int
    ok: int
    quarantined: int
    superseded: int
    errors: int
    warnings: int
    out_dir: Path
    periods: list[str]
    # What the analyst must see at once, in Vietnamese (folders not read, periods with no
    # usable report), and the folders that may be a period lib03 could not name: their year.
    attention: list[str] = field(default_factory=list)
    unclear_years: list[int] = field(default_factory=list)


# LibreOffice marks a file open for editing with ".~lock.<name>#" beside it.
OFFICE_LOCK_PREFIX = ".~lock."
# Files the operating system leaves in folders: never reports, never errors.
SYSTEM_FILES = frozenset({"thumbs.db", "desktop.ini", "ehthumbs.db", "icon\r"})


def display_path(path: Path, root: Path) -> str:
    """The path relative to the raw folder, as text that can be written to UTF-8 tables.

    A name copied from an old Windows machine may not be UTF-8; it is read as Vietnamese
    Windows-1258 instead of stopping the run.
    """
    return _shown(path.relative_to(root).as_posix())


def list_inputs(raw_dir: Path, limits: Limits = Limits()  # noqa: B008 (a frozen value)
                ) -> tuple[list[tuple[str, Path, str]], list[dict]]:
    """Files to clean as (period, path, shown path), and log rows for everything else.

    Dot-files and dot-folders (such as the sample's .ground_truth) are not inputs. The
    reports inside a .zip are inputs of their own, at `<archive>/<member>` paths.
    """
    if not raw_dir.is_dir():
        raise RawFolderError(f"Không tìm thấy thư mục dữ liệu gốc: {raw_dir}")
    inputs, notes = [], []
    try:
        entries = sorted(raw_dir.iterdir(), key=lambda p: p.name)
    except OSError as exc:
        raise RawFolderError(f"Không đọc được thư mục {raw_dir}: {exc}") from exc

    def note(code: str, period: str, where: str, detail: str = "") -> None:
        notes.append(word_problem(Problem(code, detail=detail), period, where))

    def shown(path: Path) -> str:  # a folder's log lines end its path with "/"
        return display_path(path, raw_dir) + ("/" if path.is_dir() else "")

    for entry in entries:
        if entry.name.startswith("."):
            continue
        period = period_of_folder(entry.name) if entry.is_dir() else None
        if entry.is_dir() and not period and (period := period_of_spelled_folder(entry.name)):
            note("folder_period_spelled", period, shown(entry), f"«{entry.name}» là kỳ {period}")
        if period:
            files, odd = _files_under(entry)
            if not files and not odd:
                note("folder_empty", period, shown(entry), entry.name)
            for code, rel, detail in odd:
                note(code, period, _shown(rel), detail)
            for rel in files:
                path = raw_dir / rel
                if path.name.lower() in SYSTEM_FILES:
                    note("file_system", period, _shown(rel))
                elif path.name.startswith("~$"):
                    note("file_temporary", period, _shown(rel))
                elif is_archive(path.name):
                    members, odd = list_members(path, limits)
                    for code, member, detail in odd:
                        note(code, period, _shown(f"{rel}/{member}" if member else rel), detail)
                    inputs += [(period, path / m, _shown(f"{rel}/{m}")) for m in members]
                else:
                    inputs.append((period, path, _shown(rel)))
        elif entry.is_dir():
            note("folder_not_period", "", shown(entry), entry.name)
        elif entry.name.startswith("~$"):
            note("file_temporary", "", shown(entry))
        elif entry.name.lower() in SYSTEM_FILES:
            note("file_system", "", shown(entry))
        elif entry.name != REGISTRY_FILE_NAME:
            note("file_outside_period", "", shown(entry))
    return inputs, notes


def _files_under(folder: Path) -> tuple[list[str], list[tuple[str, str, str]]]:
    """Every regular file under a period folder, as paths relative to the raw folder in byte
    order, and (code, path, detail) for every entry that is not one: a pipe, a device, a
    socket or a link to one, a linked folder (never followed: it may loop), a folder that
    cannot be listed, LibreOffice's lock files. Dot-files and dot-folders are left out; a
    broken link is listed as a file (it is then quarantined as unreadable).

    Only regular files are ever opened: opening a FIFO named BC.xlsx would wait forever.
    scandir knows each entry's kind without a system call per file (pathlib would cost a
    province a second).
    """
    found: list[str] = []
    odd: list[tuple[str, str, str]] = []
    top = len(os.fspath(folder)) - len(folder.name)

    def walk(current: str) -> None:
        base = current[top:].replace(os.sep, "/")
        try:
            with os.scandir(current) as it:
                entries = sorted(it, key=lambda e: os.fsencode(e.name))
        except OSError as exc:
            odd.append(("folder_unreadable", base + "/", f"{_shown(base)}: {os_reason(exc)}"))
            return
        for entry in entries:
            rel = f"{base}/{entry.name}"
            if entry.name.startswith(OFFICE_LOCK_PREFIX):  # LibreOffice's "file is open" mark
                odd.append(("file_office_lock", rel, ""))
                continue
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                walk(entry.path)
            elif entry.is_symlink() and entry.is_dir():
                odd.append(("folder_link", rel + "/", _shown(rel)))
            elif entry.is_file():  # follows a link to a regular file, which is one
                found.append(rel)
            else:
                try:
                    odd.append(("file_special", rel, special_kind(entry.stat().st_mode)))
                except OSError:  # a broken link: listed, then quarantined as unreadable
                    found.append(rel)

    walk(os.fspath(folder))
    return sorted(found, key=os.fsencode), odd


def _shown(rel: str) -> str:
    """`display_path` of a relative path already in text."""
    try:
        rel.encode("utf-8")
        return rel
    except UnicodeEncodeError:
        return os.fsencode(rel).decode("cp1258", errors="replace")


def resolve_duplicates(results: list[Packed]) -> None:
    """Among several usable reports of one unit in one period the later report date wins;
    the others become `superseded`, and every one of them is logged."""
    groups: dict[tuple[str, str], list[Packed]] = {}
    for res in results:
        if res.status == "ok":
            key = (res.submission["period"], res.submission["unit_code"])
            groups.setdefault(key, []).append(res)
    for group in groups.values():
        if len(group) < 2:
            continue
        group.sort(key=lambda r: (not r.doubtful, r.submission.get("report_date") or dt.date.min,
                                  r.submission["source_file"]))
        winner = group[-1]
        names = ", ".join(r.submission["source_file"] for r in group)
        for res in group:
            if res is not winner:
                res.outcome = {"status": "superseded", "status_reason": "duplicate_submission"}
            res.problems.append(Problem("duplicate_submission", detail=(
                f"{names}; dùng bản {winner.submission['source_file']} (ngày báo cáo muộn nhất;"
                " cùng ngày hoặc không ghi ngày thì bản có tên tệp đứng sau)"
            )))


def run_clean(raw_dir: Path, out_dir: Path, *, settings: Settings | None = None,
              progress: bool | None = None, workers: int | None = None,
              cache: bool = True) -> RunSummary:
    """Clean every period folder under raw_dir and write the tables of docs/du_lieu.md §4 to
    out_dir.

    `workers` processes share the files (default: one per core when there are enough files);
    files cleaned by an earlier run with the same inputs come from the cache in
    `out_dir/.cache`. The tables are the same bytes whatever the number of workers, with or
    without the cache.
    """
    settings = settings or load_settings()
    raw_dir, out_dir = Path(raw_dir), Path(out_dir)
    inputs, listing_notes = list_inputs(raw_dir, settings.limits)
    hashes = KnownHashes(out_dir if cache else None)
    keys = file_keys(inputs, settings, hashes)
    registry_path = raw_dir / REGISTRY_FILE_NAME
    store = key = None
    if cache and registry_path.is_file():
        try:
            registry_bytes = registry_path.read_bytes()
        except OSError:
            registry_bytes = None  # read_registry below says why, in Vietnamese
        if registry_bytes is not None:
            store = FileCache(out_dir, fingerprint(settings, registry_bytes))
            key = run_key(keys, listing_notes)
            # Nothing changed since the last run and its tables are intact: nothing to do.
            recover(out_dir)  # a set a stopped run left complete is the current one
            if (last := store.unchanged_run(key, out_dir)) is not None:
                remove_stale_temporaries(out_dir)  # what a killed identical rerun left
                hashes.save()
                return RunSummary(**last, out_dir=out_dir)
    parsed = store.registry() if store else None
    if parsed is None:
        units, registry_problems = read_registry_rows(registry_path, settings.limits)
        # The index and units.csv depend on the registry alone: made once per registry.
        parsed = (index_rows(units), registry_problems,
                  header_csv(COLUMNS["units"]) + render_rows(units, COLUMNS["units"]))
        del units
        if store:
            store.put_registry(parsed)
        _return_freed_memory()
    registry, registry_problems, units_csv = parsed
    notes = [word_problem(p, "", REGISTRY_FILE_NAME) for p in registry_problems] + listing_notes
    show = wants_progress() if progress is None else progress
    results = _clean_all(inputs, keys, registry, settings, store, workers, show)
    resolve_duplicates(results)
    periods = sorted({p for p, _, _ in inputs} | {n["period"] for n in listing_notes
                                                    if n["code"] == "folder_empty"})
    usable = {r.submission["period"] for r in results if r.status == "ok"}
    notes += [word_problem(Problem("period_no_usable", detail=p), p, "")
              for p in periods if p not in usable]
    digests = publish_tables(assemble_tables(units_csv, results, notes), out_dir)
    statuses = [r.status for r in results]
    severities = count_severities(results, notes)
    counts = dict(
        files=len(results), ok=statuses.count("ok"), quarantined=statuses.count("quarantined"),
        superseded=statuses.count("superseded"), errors=severities["error"],
        warnings=severities["warning"], periods=periods, **attention_of(notes),
    )
    if store:
        store.save(key, digests, counts)
        hashes.save()
    return RunSummary(**counts, out_dir=out_dir)


def attention_of(notes: list[dict]) -> dict:
    """The console lines of a run (each log message as the analyst reads it), and the years
    of folders that may be a period whose name lib03 could not read."""
    lines = [n["message"] for n in notes if n["code"] in ATTENTION_CODES]
    years = sorted({year for n in notes if n["code"] == "folder_not_period"
                    and (year := folder_year(n["source_file"].rstrip("/")))})
    return {"attention": lines, "unclear_years": years}


def _return_freed_memory() -> None:
    """Hand the memory freed after parsing a province's registry back to the system.

    Reading 28,000 units briefly holds tens of megabytes that the C allocator keeps after
    they are freed; worker processes forked next would start with all of it. glibc returns
    it on request; elsewhere this does nothing.
    """
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def wants_progress() -> bool:
    """A progress bar only for a person at a terminal: never in CI logs or piped output."""
    return sys.stderr.isatty() and not os.environ.get("CI")


def file_keys(inputs: list[tuple[str, Path, str]], settings: Settings,
              hashes: KnownHashes | None = None) -> list[str | None]:
    """Each input's cache key (its content's sha256, period and path); None for a file that
    cannot or must not be read (too large, unreadable): those are never cached."""
    hashes = hashes or KnownHashes(None)
    keys: list[str | None] = []
    for period, path, rel in inputs:
        try:
            inside = split_member(path)
            if inside:  # a report in an archive: known by the archive's bytes and its name
                st = inside[0].stat()
                keys.append(file_key(period, rel, hashes.sha256(inside[0], st)))
                continue
            st = path.stat()
            if not stat.S_ISREG(st.st_mode):  # swapped for a pipe since it was listed
                keys.append(None)
                continue
            check_file_size(st.st_size, settings.max_file_mb)
            keys.append(file_key(period, rel, hashes.sha256(path, st)))
        except (WorkbookError, OSError):
            keys.append(None)
    return keys


def _clean_all(inputs: list[tuple[str, Path, str]], keys: list[str | None],
               registry: RegistryIndex, settings: Settings, store: FileCache | None,
               workers: int | None, progress: bool) -> list[Packed]:
    """Every file's result: from the cache when its bytes were cleaned before, else fresh."""
    results = [store.get(k) if store and k else None for k in keys]
    todo = [i for i, r in enumerate(results) if r is None]
    count = default_workers(len(todo)) if workers is None else max(1, workers)
    fresh = clean_files([inputs[i] for i in todo], registry, settings, workers=count,
                        progress=progress)
    for i, result in zip(todo, fresh, strict=True):
        results[i] = result
        key = keys[i]
        # A file rewritten while it was being read is not cached under its old bytes.
        read_from = result.submission.get("container_sha256") or result.submission.get("sha256")
        if store and key and key.startswith(f"{read_from}|"):
            store.put(key, result)
    return results


__all__ = ["run_clean", "list_inputs", "resolve_duplicates"]
