"""Clean one file completely: read → extract → identify its unit → interpret → rows.

`clean_file` is a pure function of the file, the registry and the settings, and never raises:
whatever a file holds, it ends as rows or as a quarantined submission with its reasons. That
is what lets `workers` clean files in any order, in any process.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import stat
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from lib03 import vocab
from lib03.config import REPORT_SUFFIXES, Matching, Settings
from lib03.errors import WorkbookError, os_reason, special_kind
from lib03.ingest.archive import OTHER_ARCHIVES, read_member, split_member
from lib03.ingest.extract import extract_report
from lib03.ingest.interpret import interpret_report
from lib03.ingest.known_layout import ID_SHEET, read_known_layout, template_identity
from lib03.ingest.match import RegistryIndex, UnitMatch, match_report_unit
from lib03.ingest.read import read_workbook
from lib03.ingest.scan import check_file_size
from lib03.ingest.title import unit_hints
from lib03.periods import period_bounds
from lib03.quality import Problem

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


def clean_file(period: str, path: Path, rel: str, registry: RegistryIndex,
               settings: Settings) -> FileResult:
    """Clean one file completely; never raises, whatever the file holds."""
    submission = {
        "period": period, "source_file": rel, "file_format": path.suffix.lower().lstrip("."),
        "status": "quarantined", "deadline": settings.deadline(period),
    }
    try:
        data = _read_input(path, settings, submission)
    except WorkbookError as exc:
        submission["status_reason"] = exc.code
        return FileResult(submission, problems=[Problem(exc.code, detail=exc.detail)])
    except OSError as exc:
        submission["status_reason"] = "file_unreadable"
        return FileResult(submission, problems=[Problem("file_unreadable",
                                                        detail=os_reason(exc))])
    submission["sha256"] = hashlib.sha256(data).hexdigest()
    try:
        return _clean_bytes(period, path, data, rel, registry, submission, settings)
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise  # the analyst, or the system, stops the whole run
    except BaseException as exc:  # a file must never stop the run
        # A reader library that panics (pyo3's PanicException derives from BaseException)
        # is a damaged file like any other: quarantine it and go on. Only the exception's
        # name travels on, never the exception itself (it may not even pickle).
        log.debug("lỗi không lường trước khi đọc %s", rel, exc_info=True)
        code = "file_internal_error" if isinstance(exc, Exception) else "file_reader_crashed"
        for key in ("unit_code", "unit_name", "report_date", "on_time"):
            submission.pop(key, None)
        submission["status"] = "quarantined"
        submission["status_reason"] = code
        return FileResult(submission, problems=[Problem(code, detail=type(exc).__name__)])


@lru_cache(maxsize=8)
def _archive_sha256(archive: Path, size: int, mtime_ns: int) -> str:
    # Every member of an archive asks for it: hashed once while the archive stays unchanged.
    with open(archive, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _read_input(path: Path, settings: Settings, submission: dict) -> bytes:
    """A file's bytes, or a member's from inside its archive (whose own hash is kept, so the
    cache knows what the member was read from)."""
    inside = split_member(path)
    if inside:
        archive, member = inside
        st = archive.stat()
        submission["container_sha256"] = _archive_sha256(archive, st.st_size, st.st_mtime_ns)
        return read_member(archive, member, settings.limits)
    # The size limit holds before a byte is read: a 400 MB film renamed .xlsx costs nothing.
    st = path.stat()
    if not stat.S_ISREG(st.st_mode):  # replaced by a pipe or a device since it was listed
        raise WorkbookError("file_special", special_kind(st.st_mode))
    check_file_size(st.st_size, settings.max_file_mb)
    return path.read_bytes()


def _clean_bytes(period: str, path: Path, data: bytes, rel: str, registry: RegistryIndex,
                 submission: dict, settings: Settings) -> FileResult:
    result = FileResult(submission)

    def quarantine(code: str, detail: str = "") -> FileResult:
        result.problems.append(Problem(code, detail=detail))
        submission["status_reason"] = code
        return result

    if path.suffix.lower() in OTHER_ARCHIVES:
        return quarantine("archive_unsupported", path.suffix)
    if path.suffix.lower() == ".doc":
        return quarantine("file_doc_old")
    if path.suffix.lower() not in REPORT_SUFFIXES:
        return quarantine("file_unsupported_type", path.suffix or "không có đuôi")
    try:
        book = read_workbook(path, data, limits=settings.limits)
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
    raw = raw or extract_report(book, period, settings.matching)
    result.problems += raw.problems
    submission["report_date"] = raw.report_date
    if not any(t.kind == "summary" for t in raw.tables):
        return quarantine("file_no_summary")
    found = _identify(identity, raw, path.stem, registry, result.problems, settings.matching)
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
    if unit["unit_type"] not in vocab.must_report():
        return quarantine("unit_not_grassroots", f"{unit['unit_name']} ({found.code})")
    if raw.stated_period and raw.stated_period != period:
        return quarantine("period_mismatch", raw.stated_period)
    if not unit["active"]:
        result.problems.append(Problem("unit_inactive", detail=f"{unit['unit_name']}"))
    _check_report_date(raw, period, submission, result.problems)
    children = registry.children.get(found.code, [])
    parsed = interpret_report(raw, unit, period, children, rel, settings.matching)
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
              problems: list[Problem], matching: Matching) -> UnitMatch:
    """A template names its unit in its identity sheet: no fuzzy step. A file name that
    names another unit means a unit filled in someone else's template: said, not guessed."""
    if not identity or identity["unit_code"] not in registry.names:
        return match_report_unit(unit_hints(raw), stem, registry, matching)
    code = identity["unit_code"]
    hints = unit_hints(raw)
    titled = match_report_unit(hints, "", registry, matching) if hints else None
    named = match_report_unit([], stem, registry, matching)
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
