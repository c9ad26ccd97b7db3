"""Monthly tables laid out wide (months across, contents down) read to the same records as the
template's long table, whether on their own sheet or under the summary."""

from __future__ import annotations

import openpyxl
import pytest
from builders import write_report

from lib03.contract import read_table
from lib03.ingest.pipeline import run_clean

FILE = "2014-H1/DB01.xlsx"
CONTENTS = [
    ("Số chi bộ sinh hoạt", [3, 3, 3, 3, 3, 3]),
    ("Nội dung học tập và làm theo tấm gương đạo đức Hồ Chí Minh", [3, 3, 2, 3, 3, 3]),
    ("Nội dung thực hành tiết kiệm, chống lãng phí, phòng chống tham nhũng", [2, 2, 2, 2, 2, 2]),
    ("Kiểm điểm, đánh giá việc thực hiện bản đăng ký", [3, 0, 0, 3, 0, 0]),
]


def _wide(path, *, months, under_summary: bool = False, total: str | None = "Cộng") -> None:
    write_report(path)
    wb = openpyxl.load_workbook(path)
    del wb["Sinh hoạt chi bộ"]
    ws = wb["Tổng hợp"] if under_summary else wb.create_sheet("Sinh hoạt chi bộ")
    if under_summary:
        ws.append([])
        ws.append(["II. SINH HOẠT CHI BỘ"])
    ws.append(["STT", "Nội dung", *months, *([total] if total else [])])
    for i, (label, values) in enumerate(CONTENTS, 1):
        ws.append([i, label, *values, *([sum(values)] if total else [])])
    wb.save(path)


def _clean(raw_dir, tmp_path):
    run_clean(raw_dir, tmp_path / "out", progress=False)
    return {n: read_table(tmp_path / "out" / f"{n}.csv")
            for n in ("monthly", "indicators", "quality_log")}


@pytest.mark.parametrize("months", [
    [f"Tháng {m}" for m in range(1, 7)], [f"T{m}" for m in range(1, 7)],
    [f"{m:02d}/2014" for m in range(1, 7)],
])
@pytest.mark.parametrize("under_summary", [False, True])
def test_a_wide_monthly_table_reads_like_a_long_one(raw_dir, tmp_path, months,
                                                    under_summary):
    _wide(raw_dir / FILE, months=months, under_summary=under_summary)
    t = _clean(raw_dir, tmp_path)
    monthly = t["monthly"]
    assert list(monthly["month"]) == ["1", "2", "3", "4", "5", "6"]
    assert list(monthly["cells_met"]) == ["3"] * 6
    assert list(monthly["content_hcm"]) == ["3", "3", "2", "3", "3", "3"]
    assert list(monthly["review"]) == ["3", "0", "0", "3", "0", "0"]
    sheet = "Tổng hợp" if under_summary else "Sinh hoạt chi bộ"
    top = 25 if under_summary else 1  # the header row (1-based) of the wide table
    assert monthly["source"].iloc[0] == f"{FILE}!{sheet}!C{top}:C{top + 4}"
    log = t["quality_log"]
    codes = set(log["code"])
    assert "monthly_missing" not in codes and "sheet_unrecognised" not in codes
    assert "label_unmatched" not in codes  # the contents are never read as indicators
    total = log[log["code"] == "total_column_skipped"]
    assert list(total["severity"]) == ["info"] and list(total["cell"]) == [f"I{top}"]
    ind = t["indicators"].set_index("indicator")
    assert ind.loc["tong_dang_vien", "value"] == "120"


def test_numbers_across_a_header_are_not_months(raw_dir, tmp_path):
    _wide(raw_dir / FILE, months=["1", "2", "3", "4", "5", "6"], total=None)
    t = _clean(raw_dir, tmp_path)
    assert t["monthly"].empty
    assert "monthly_missing" in set(t["quality_log"]["code"])
