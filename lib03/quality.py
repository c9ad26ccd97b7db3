"""Problems found while cleaning, and their Vietnamese wording from domain/quality_codes.csv."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from lib03.domain import read_table

# The quality log's columns, in the order of domain/schema.csv (docs/du_lieu.md §4).
LOG_COLUMNS = [r["column"] for r in read_table("schema") if r["table"] == "quality_log"]


# Log lines about the raw folder itself that the analyst must read before trusting a report
# (a folder not read, an empty period, a file outside the periods): printed by the CLI and
# shown at the top of the report, not only kept in the log.
ATTENTION_CODES = ("folder_not_period", "folder_period_spelled", "folder_empty",
                   "file_outside_period", "period_no_usable")


@dataclass(frozen=True)
class Problem:
    """One line of quality_log.csv before it is worded."""

    code: str
    sheet: str = ""
    cell: str = ""
    raw: object = None
    detail: str = ""
    message: str = ""  # set for rule problems, whose wording comes from rules.csv
    severity: str = ""


@cache
def codes() -> dict[str, dict[str, str]]:
    """code → {severity, message, advice}."""
    return {r["code"]: r for r in read_table("quality_codes")}


def severity_of(problem: Problem) -> str:
    return problem.severity or codes()[problem.code]["severity"]


ADVICE = " Cách xử lý: "  # between what is wrong and what to do, in every message


def place_of(source_file: str, sheet: str = "", cell: str = "") -> str:
    """Where a quality-log line points, as its message begins.

    >>> place_of("2014-H1/a.xlsx", "Tổng hợp", "C7"), place_of("2014-H1/"), place_of("")
    ('Tệp 2014-H1/a.xlsx, trang «Tổng hợp», ô C7', 'Thư mục 2014-H1/', 'Dữ liệu')
    """
    if not source_file:
        where = "Dữ liệu"
    elif source_file.endswith("/"):
        where = f"Thư mục {source_file}"
    else:
        where = f"Tệp {source_file}"
    if sheet:
        where += f", trang «{sheet}»"
    if cell:
        where += f", ô {cell}"
    return where


def split_message(message: str, source_file: str) -> tuple[str, str]:
    """A log message without the place it begins with (the file, and any sheet and cell:
    their own columns say them), as (what is wrong, what to do). Sheet and file names cannot
    hold a colon, so the place ends at the first ": ".

    >>> split_message("Tệp a.xlsx, trang «B», ô C7: Số lạ. Cách xử lý: Sửa ô.", "a.xlsx")
    ('Số lạ.', 'Sửa ô.')
    """
    head = place_of(source_file)
    text = message
    if message.startswith(head) and message[len(head):][:2] in (": ", ", "):
        text = message[len(head):].partition(": ")[2]
    problem, _, advice = text.partition(ADVICE)
    return problem, advice


def word_problem(problem: Problem, period: str, source_file: str) -> dict[str, str]:
    """A quality-log row whose message names the file, sheet and cell, then says what to do.

    >>> row = word_problem(Problem("file_empty"), "2014-H1", "2014-H1/a.xlsx")
    >>> row["message"]
    'Tệp 2014-H1/a.xlsx: Tệp rỗng (0 byte). Cách xử lý: Đề nghị đơn vị gửi lại tệp.'
    """
    entry = codes().get(problem.code)
    text = problem.message or (entry["message"].format(detail=problem.detail) if entry else "")
    message = f"{place_of(source_file, problem.sheet, problem.cell)}: {text}."
    if entry and entry.get("advice"):
        message += f"{ADVICE}{entry['advice']}"
    raw = "" if problem.raw is None else str(problem.raw)
    return {
        "period": period,
        "source_file": source_file,
        "sheet": problem.sheet,
        "cell": problem.cell,
        "severity": severity_of(problem),
        "code": problem.code,
        "message": message,
        "raw_value": raw,
    }
