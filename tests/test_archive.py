"""Zipped attachments: each report inside is cleaned like a file of the folder, nothing is
written to disk, and what is not a report is said, not lost."""

from __future__ import annotations

import zipfile

from builders import copy_sample

from lib03.config import RAW_DIR
from lib03.contract import read_table
from lib03.ingest.pipeline import run_clean


def _zip(path, members: dict[str, bytes], *, utf8: bool = True) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name if utf8 else name.encode("utf-8").decode("cp437"),
                                   date_time=(2014, 6, 20, 8, 0, 0))
            zf.writestr(info, data, zipfile.ZIP_DEFLATED)


def _tables(out):
    return {n: read_table(out / f"{n}.csv") for n in ("submissions", "indicators",
                                                       "quality_log")}


def test_reports_inside_a_zip_are_cleaned_with_their_path(tmp_path, monkeypatch):
    raw = copy_sample(tmp_path / "raw", [])
    alone = copy_sample(tmp_path / "alone", ["DB01.xlsx", "CB11.xlsx"])
    period = RAW_DIR / "2014-H1"
    _zip(raw / "2014-H1" / "Tải xuống tất cả.zip", {
        "DB01.xlsx": (period / "DB01.xlsx").read_bytes(),
        "thu muc/CB11.xlsx": (period / "CB11.xlsx").read_bytes(),
        "ghi chu.txt": b"xin gui bao cao",
        "cu.zip": b"PK\x05\x06" + b"\0" * 18,
        "../ngoai.xlsx": b"x",
    }, utf8=False)
    run_clean(raw, tmp_path / "out", progress=False)
    run_clean(alone, tmp_path / "ref", progress=False)
    t, ref = _tables(tmp_path / "out"), _tables(tmp_path / "ref")
    subs = t["submissions"].set_index("source_file")
    inside = "2014-H1/Tải xuống tất cả.zip"
    assert subs.loc[f"{inside}/DB01.xlsx", "status"] == "ok"
    assert subs.loc[f"{inside}/thu muc/CB11.xlsx", "status"] == "ok"
    ind = t["indicators"]
    db01 = ind[ind["unit_code"] == "DB01"].set_index("indicator")
    expected = ref["indicators"][ref["indicators"]["unit_code"] == "DB01"].set_index("indicator")
    assert list(db01["value"]) == list(expected["value"])
    assert db01["source"].str.startswith(f"{inside}/DB01.xlsx!").all()
    log = t["quality_log"].set_index("source_file")
    assert log.loc[f"{inside}/ghi chu.txt", "code"] == "archive_member_skipped"
    assert log.loc[f"{inside}/ghi chu.txt", "severity"] == "info"
    assert log.loc[f"{inside}/cu.zip", "code"] == "archive_nested"
    assert log.loc[f"{inside}/../ngoai.xlsx", "code"] == "archive_member_unsafe"
    assert sorted(p.name for p in (raw / "2014-H1").iterdir()) == ["Tải xuống tất cả.zip"]

    import lib03.ingest.workers as workers

    seen = []
    real = workers._clean_one
    monkeypatch.setattr(workers, "_clean_one", lambda item: seen.append(item) or real(item))
    run_clean(raw, tmp_path / "out", progress=False)
    assert seen == []  # a rerun takes the members from the cache


def test_an_archive_that_would_inflate_past_the_limit_is_refused_whole(tmp_path):
    raw = copy_sample(tmp_path / "raw", [])
    _zip(raw / "2014-H1" / "bom.zip", {"a.xlsx": b"\0" * (60 << 20)})
    run_clean(raw, tmp_path / "out", progress=False)
    t = _tables(tmp_path / "out")
    log = t["quality_log"].set_index("source_file")
    assert log.loc["2014-H1/bom.zip", "code"] == "file_too_large"
    assert log.loc["2014-H1/bom.zip", "severity"] == "error"
    assert t["submissions"].empty


def test_a_member_that_inflates_past_its_declared_size_is_cut_off(tmp_path):
    from dataclasses import replace

    import pytest

    from lib03.config import Limits
    from lib03.errors import WorkbookError
    from lib03.ingest.archive import read_member

    path = tmp_path / "noi_doi.zip"
    _zip(path, {"a.xlsx": b"\0" * (3 << 20)})
    limits = replace(Limits(), max_file_mb=1)
    with pytest.raises(WorkbookError, match="file_too_large"):
        read_member(path, "a.xlsx", limits)


def test_rar_and_7z_are_quarantined_with_advice(tmp_path):
    raw = copy_sample(tmp_path / "raw", [])
    (raw / "2014-H1" / "baocao.rar").write_bytes(b"Rar!\x1a\x07\x00")
    (raw / "2014-H1" / "baocao.7z").write_bytes(b"7z\xbc\xaf\x27\x1c")
    run_clean(raw, tmp_path / "out", progress=False)
    t = _tables(tmp_path / "out")
    subs = t["submissions"].set_index("source_file")
    assert set(subs["status_reason"]) == {"archive_unsupported"}
    assert "nén lại dạng .zip" in " ".join(t["quality_log"]["message"])
