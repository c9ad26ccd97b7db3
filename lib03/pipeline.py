"""The orchestrator: raw folder → read → clean → match → validate → tables on disk.

`clean_file` does all the work for one file and returns plain data, so files can be cleaned in
any order (or in worker processes) and the tables are still built once, in a fixed order.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import hashlib
import logging
import os
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

from lib03.assemble import Packed, assemble_tables, count_severities
from lib03.cache import FileCache, KnownHashes, file_key, fingerprint, run_key
from lib03.clean import extract_report
from lib03.config import REGISTRY_FILE_NAME, SPREADSHEET_SUFFIXES, Settings, load_settings
from lib03.errors import RawFolderError, WorkbookError, os_reason
from lib03.known_layout import ID_SHEET, read_known_layout, template_identity
from lib03.match import UnitMatch, match_report_unit
from lib03.periods import period_bounds, period_of_folder
from lib03.quality import Problem, severity_of, word_problem
from lib03.read import read_workbook
from lib03.registry import GRASSROOTS, RegistryIndex, index_rows, read_registry_rows
from lib03.scan import check_file_size
from lib03.tables import (
    COLUMNS,
    header_csv,
    remove_stale_temporaries,
    render_rows,
    write_tables,
)
from lib03.title import unit_hints
from lib03.validate import parse_report
from lib03.workers import clean_files, default_workers

log = logging.getLogger(__name__)


@dataclass
class FileResult:
    """What one file contributes: its submission row, its table rows, its problems."""

    submission: dict
    indicators: list[dict] = field(default_factory=list)
    monthly: list[dict] = field(default_factory=list)
    inspections: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    doubtful: bool = False  # the file may be another unit's: never preferred over a sure one


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


# Files the operating system leaves in folders: never reports, never errors.
SYSTEM_FILES = frozenset({"thumbs.db", "desktop.ini", "ehthumbs.db", "icon\r"})


def display_path(path: Path, root: Path) -> str:
    """The path relative to the raw folder, as text that can be written to UTF-8 tables.

    A name copied from an old Windows machine may not be UTF-8; it is read as Vietnamese
    Windows-1258 instead of stopping the run.
    """
    return _shown(path.relative_to(root).as_posix())


def list_inputs(raw_dir: Path) -> tuple[list[tuple[str, Path, str]], list[dict]]:
    """Files to clean as (period, path, shown path), and log rows for everything else.

    Dot-files and dot-folders (such as the sample's .ground_truth) are not inputs.
    """
    if not raw_dir.is_dir():
        raise RawFolderError(f"Không tìm thấy thư mục dữ liệu gốc: {raw_dir}")
    inputs, notes = [], []
    try:
        entries = sorted(raw_dir.iterdir(), key=lambda p: p.name)
    except OSError as exc:
        raise RawFolderError(f"Không đọc được thư mục {raw_dir}: {exc}") from exc

    def note(code: str, period: str, path: Path, detail: str = "") -> None:
        notes.append(word_problem(Problem(code, detail=detail), period,
                                  display_path(path, raw_dir)))

    for entry in entries:
        if entry.name.startswith("."):
            continue
        period = period_of_folder(entry.name) if entry.is_dir() else None
        if period:
            for rel in _files_under(entry):
                path = raw_dir / rel
                if path.name.lower() in SYSTEM_FILES:
                    note("file_system", period, path)
                elif path.name.startswith("~$"):
                    note("file_temporary", period, path)
                else:
                    inputs.append((period, path, _shown(rel)))
        elif entry.is_dir():
            notes.append(word_problem(Problem("folder_not_period", detail=entry.name), "",
                                      display_path(entry, raw_dir) + "/"))
        elif entry.name.startswith("~$"):
            note("file_temporary", "", entry)
        elif entry.name.lower() in SYSTEM_FILES:
            note("file_system", "", entry)
        elif entry.name != REGISTRY_FILE_NAME:
            note("file_outside_period", "", entry)
    return inputs, notes


def _files_under(folder: Path) -> list[str]:
    """Every file under a period folder, dot-files and dot-folders left out, as paths relative
    to the raw folder in byte order (os.walk on text: pathlib costs a province a second)."""
    found = []
    top = len(os.fspath(folder)) - len(folder.name)
    for current, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        base = current[top:].replace(os.sep, "/")
        found += [f"{base}/{name}" for name in files if not name.startswith(".")]
    return sorted(found, key=os.fsencode)


def _shown(rel: str) -> str:
    """`display_path` of a relative path already in text."""
    try:
        rel.encode("utf-8")
        return rel
    except UnicodeEncodeError:
        return os.fsencode(rel).decode("cp1258", errors="replace")


def clean_file(period: str, path: Path, rel: str, registry: RegistryIndex,
               settings: Settings) -> FileResult:
    """Clean one file completely; never raises, whatever the file holds."""
    submission = {
        "period": period, "source_file": rel, "file_format": path.suffix.lower().lstrip("."),
        "status": "quarantined", "deadline": settings.deadline(period),
    }
    try:
        # The size limit holds before a byte is read: a 400 MB film renamed .xlsx costs nothing.
        check_file_size(path.stat().st_size, settings.max_file_mb)
        data = path.read_bytes()
    except WorkbookError as exc:
        submission["status_reason"] = exc.code
        return FileResult(submission, problems=[Problem(exc.code, detail=exc.detail)])
    except OSError as exc:
        submission["status_reason"] = "file_unreadable"
        return FileResult(submission, problems=[Problem("file_unreadable",
                                                        detail=os_reason(exc))])
    submission["sha256"] = hashlib.sha256(data).hexdigest()
    try:
        return _clean_bytes(period, path, data, rel, registry, submission)
    except Exception as exc:  # a file must never stop the run: quarantine it and go on
        log.debug("lỗi không lường trước khi đọc %s", rel, exc_info=True)
        for key in ("unit_code", "unit_name", "report_date", "on_time"):
            submission.pop(key, None)
        submission["status"] = "quarantined"
        submission["status_reason"] = "file_internal_error"
        return FileResult(submission, problems=[Problem("file_internal_error",
                                                        detail=type(exc).__name__)])


def _clean_bytes(period: str, path: Path, data: bytes, rel: str, registry: RegistryIndex,
                 submission: dict) -> FileResult:
    result = FileResult(submission)

    def quarantine(code: str, detail: str = "") -> FileResult:
        result.problems.append(Problem(code, detail=detail))
        submission["status_reason"] = code
        return result

    if path.suffix.lower() not in SPREADSHEET_SUFFIXES:
        return quarantine("file_unsupported_type", path.suffix or "không có đuôi")
    try:
        book = read_workbook(path, data)
    except WorkbookError as exc:
        return quarantine(exc.code, exc.detail)
    submission["file_format"] = book.fmt  # what the file is, whatever its name says
    identity = template_identity(book)
    raw = read_known_layout(book, identity) if identity else None
    if identity:
        submission["template"] = identity.get("version", "")
        if raw is None:
            result.problems.append(Problem("template_layout_changed"))
        book = replace(book, sheets=[g for g in book.sheets if g.name != ID_SHEET])
    raw = raw or extract_report(book, period)
    result.problems += raw.problems
    submission["report_date"] = raw.report_date
    if not any(t.kind == "summary" for t in raw.tables):
        return quarantine("file_no_summary")
    found = _identify(identity, raw, path.stem, registry, result.problems)
    if found.code is None:
        return quarantine("unit_ambiguous" if found.how == "ambiguous" else "unit_unknown",
                          found.detail)
    unit = registry.records[found.code]
    submission["unit_code"] = found.code
    submission["unit_name"] = unit["unit_name"]
    result.doubtful = found.how == "template-doubtful"
    if found.how in ("fuzzy", "filename"):
        result.problems.append(Problem("unit_fuzzy_match", detail=found.detail))
    if not unit["unit_type"]:
        return quarantine("unit_type_unknown", f"{unit['unit_name']} ({found.code})")
    if unit["unit_type"] not in GRASSROOTS:
        return quarantine("unit_not_grassroots", f"{unit['unit_name']} ({found.code})")
    if raw.stated_period and raw.stated_period != period:
        return quarantine("period_mismatch", raw.stated_period)
    if not unit["active"]:
        result.problems.append(Problem("unit_inactive", detail=f"{unit['unit_name']}"))
    _check_report_date(raw, period, submission, result.problems)
    children = registry.children.get(found.code, [])
    parsed = parse_report(raw, unit, period, children, rel)
    result.problems += parsed.problems
    if parsed.empty:
        return quarantine("report_empty")
    tag = {"period": period, "unit_code": found.code}
    result.indicators = [tag | r for r in parsed.indicators]
    result.monthly = [tag | r for r in parsed.monthly]
    result.inspections = [tag | r for r in parsed.inspections]
    submission["status"] = "ok"
    return result


def _identify(identity: dict | None, raw, stem: str, registry: RegistryIndex,
              problems: list[Problem]) -> UnitMatch:
    """A template names its unit in its identity sheet: no fuzzy step. A file name that
    names another unit means a unit filled in someone else's template: said, not guessed."""
    if not identity or identity["unit_code"] not in registry.names:
        return match_report_unit(unit_hints(raw), stem, registry)
    code = identity["unit_code"]
    hints = unit_hints(raw)
    titled = match_report_unit(hints, "", registry) if hints else None
    named = match_report_unit([], stem, registry)
    for source, other in (("tiêu đề", titled), ("tên tệp", named)):
        if other and other.code and other.code != code:
            # A title retyped by hand ("Mã đơn vị: DB01") says more than the template the
            # unit happened to reuse; a file name alone does not.
            chosen = other.code if source == "tiêu đề" and other.how in ("code", "exact") \
                else code
            problems.append(Problem("template_other_unit", detail=(
                f"mẫu của {registry.names[code]} ({code}), {source} ghi "
                f"{registry.names[other.code]} ({other.code}); số liệu được tính cho {chosen}")))
            return UnitMatch(chosen, "template-doubtful")
    return UnitMatch(code, "template")


def _check_report_date(raw, period: str, submission: dict, problems: list[Problem]) -> None:
    date = raw.report_date
    if date is None:
        problems.append(Problem("report_date_missing"))
        return
    start, end = period_bounds(period)
    if not start <= date <= end + dt.timedelta(days=365):
        sheet, cell = raw.report_date_cell or ("", "")
        problems.append(Problem("report_date_implausible", sheet, cell, raw=date.isoformat(),
                                detail=date.isoformat()))
        return  # a date that cannot be the report's says nothing about being on time
    submission["on_time"] = date.isoformat() <= submission["deadline"]


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
    """Clean every period folder under raw_dir and write the tables of SPEC §4 to out_dir.

    `workers` processes share the files (default: one per core when there are enough files);
    files cleaned by an earlier run with the same inputs come from the cache in
    `out_dir/.cache`. The tables are the same bytes whatever the number of workers, with or
    without the cache.
    """
    settings = settings or load_settings()
    raw_dir, out_dir = Path(raw_dir), Path(out_dir)
    inputs, listing_notes = list_inputs(raw_dir)
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
            if (last := store.unchanged_run(key, out_dir)) is not None:
                remove_stale_temporaries(out_dir)  # what a killed identical rerun left
                hashes.save()
                return RunSummary(**last, out_dir=out_dir)
    parsed = store.registry() if store else None
    if parsed is None:
        units, registry_problems = read_registry_rows(registry_path)
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
    digests = write_tables(assemble_tables(units_csv, results, notes), out_dir)
    statuses = [r.status for r in results]
    severities = count_severities(results, notes)
    counts = dict(
        files=len(results), ok=statuses.count("ok"), quarantined=statuses.count("quarantined"),
        superseded=statuses.count("superseded"), errors=severities["error"],
        warnings=severities["warning"], periods=sorted({p for p, _, _ in inputs}),
    )
    if store:
        store.save(key, digests, counts)
        hashes.save()
    return RunSummary(**counts, out_dir=out_dir)


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
            st = path.stat()
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
        if store and key and key.startswith(f"{result.submission.get('sha256')}|"):
            store.put(key, result)
    return results


__all__ = ["run_clean", "clean_file", "list_inputs", "severity_of"]
