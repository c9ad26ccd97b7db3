"""Trust under real conditions: what is in a period folder, and a reader library that crashes.

Nothing under data/raw/<kỳ>/ vanishes without a line, only regular files are ever opened, and
one file that brings the reader down costs only that file (README, «Giới hạn và cam kết an
toàn»).
"""

from __future__ import annotations

import os
import time

import pytest
from builders import write_report

from lib03.contract import read_table
from lib03.ingest.pipeline import run_clean

TABLES = ("submissions", "indicators", "quality_log")


def _run(raw_dir, out, **kw):
    summary = run_clean(raw_dir, out, progress=False, **kw)
    return summary, {n: read_table(out / f"{n}.csv") for n in TABLES}


def _codes(log) -> dict[str, str]:
    return dict(zip(log["source_file"], log["code"], strict=True))


@pytest.mark.skipif(os.name != "posix", reason="FIFOs, device links and symlinks: POSIX only")
def test_special_entries_are_logged_and_never_opened(raw_dir, tmp_path):
    period = raw_dir / "2014-H1"
    write_report(period / "good.xlsx")
    os.mkfifo(period / "pipe.xlsx")  # opening it would wait for a writer forever
    (period / "zero.xlsx").symlink_to("/dev/zero")  # reading it would never end
    (period / "loop").symlink_to(period, target_is_directory=True)
    (period / "x.xlsx").mkdir()  # a folder named like a report is a folder: walked into
    write_report(period / "x.xlsx" / "inner.xlsx")
    started = time.monotonic()
    summary, t = _run(raw_dir, tmp_path / "out")
    assert time.monotonic() - started < 60
    codes = _codes(t["quality_log"])
    assert codes["2014-H1/pipe.xlsx"] == "file_special"
    assert codes["2014-H1/zero.xlsx"] == "file_special"
    assert codes["2014-H1/loop/"] == "folder_link"
    log = t["quality_log"].set_index("source_file")
    assert "ống dẫn (FIFO)" in log.loc["2014-H1/pipe.xlsx", "message"]
    assert "thiết bị" in log.loc["2014-H1/zero.xlsx", "message"]
    files = set(t["submissions"]["source_file"])
    assert files == {"2014-H1/good.xlsx", "2014-H1/x.xlsx/inner.xlsx"}
    assert summary.files == 2


def test_an_unreadable_folder_is_logged_with_its_path(raw_dir, tmp_path, monkeypatch):
    # Root reads any folder whatever its mode, so the refusal is simulated where it happens.
    import errno

    import lib03.ingest.pipeline as pipeline

    period = raw_dir / "2014-H1"
    write_report(period / "good.xlsx")
    (period / "khoa").mkdir()
    write_report(period / "khoa" / "hidden.xlsx")
    real = os.scandir

    def scandir(path="."):
        if not isinstance(path, int) and os.fspath(path).endswith("khoa"):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(pipeline.os, "scandir", scandir)
    summary, t = _run(raw_dir, tmp_path / "out")
    log = t["quality_log"].set_index("source_file")
    assert log.loc["2014-H1/khoa/", "code"] == "folder_unreadable"
    assert "không có quyền" in log.loc["2014-H1/khoa/", "message"]
    assert summary.files == 1


class PanicException(BaseException):
    """What pyo3 raises when the Rust reader panics: not an Exception."""


@pytest.mark.parametrize("workers", [1, 2])
def test_a_reader_that_panics_costs_only_its_file(raw_dir, tmp_path, monkeypatch, workers):
    import lib03.ingest.clean as clean

    period = raw_dir / "2014-H1"
    for name in ("a.xlsx", "b.xlsx", "c.xlsx"):
        write_report(period / name)
    real = clean.read_workbook

    def crashing(path, data=None, **kw):
        if path.name == "b.xlsx":
            raise PanicException("called `Option::unwrap()` on a `None` value")
        return real(path, data, **kw)

    monkeypatch.setattr(clean, "read_workbook", crashing)
    # Enough files for the pool to start (forked workers inherit the patch).
    monkeypatch.setattr("lib03.ingest.workers.MIN_FILES_PER_WORKER", 1)
    summary, t = _run(raw_dir, tmp_path / "out", workers=workers, cache=False)
    subs = t["submissions"].set_index("source_file")
    assert subs.loc["2014-H1/b.xlsx", "status_reason"] == "file_reader_crashed"
    assert summary.quarantined == 1
    message = t["quality_log"].set_index("source_file").loc["2014-H1/b.xlsx", "message"]
    assert "PanicException" in message and "gửi lại" in message


def test_an_interrupt_still_stops_the_run(raw_dir, tmp_path, monkeypatch):
    import lib03.ingest.clean as clean

    write_report(raw_dir / "2014-H1" / "a.xlsx")

    def interrupted(*args, **kw):
        raise KeyboardInterrupt

    monkeypatch.setattr(clean, "read_workbook", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_clean(raw_dir, tmp_path / "out", progress=False, workers=1, cache=False)


def test_a_registry_that_is_a_folder_says_what_it_is(raw_dir, tmp_path):
    from lib03.errors import RegistryError

    registry = raw_dir / "danh_muc_don_vi.xlsx"
    registry.unlink()
    registry.mkdir()
    with pytest.raises(RegistryError, match="không phải tệp bảng tính mà là thư mục"):
        run_clean(raw_dir, tmp_path / "out", progress=False)


def test_a_registry_that_crashes_the_reader_stops_with_a_vietnamese_error(raw_dir, tmp_path,
                                                                          monkeypatch):
    import lib03.ingest.registry as registry
    from lib03.errors import RegistryError

    def crashing(*args, **kw):
        raise PanicException("index out of bounds")

    monkeypatch.setattr(registry, "read_workbook", crashing)
    with pytest.raises(RegistryError, match="thư viện đọc bảng tính bị lỗi"):
        run_clean(raw_dir, tmp_path / "out", progress=False, cache=False)


def _held_open(times: int):
    """An os.replace that fails as Windows does while Excel holds the target open."""
    real, calls = os.replace, []

    def replace(src, dst):
        calls.append(dst)
        if len(calls) <= times:
            exc = PermissionError(13, "The process cannot access the file", str(dst))
            exc.winerror = 32  # ERROR_SHARING_VIOLATION
            raise exc
        return real(src, dst)

    return replace, calls


def test_an_output_held_open_is_retried_then_replaced(tmp_path, monkeypatch):
    from lib03 import contract

    monkeypatch.setattr(contract, "RETRY_SECONDS", (0.01, 0.01, 0.01, 0.01))
    replace, calls = _held_open(2)
    monkeypatch.setattr(contract.os, "replace", replace)
    target = tmp_path / "bang_tong_hop.xlsx"
    contract.write_atomic(target, b"moi")
    assert target.read_bytes() == b"moi" and len(calls) == 3


def test_an_output_held_open_too_long_says_to_close_excel(tmp_path, monkeypatch):
    from lib03 import contract
    from lib03.errors import FileInUseError

    monkeypatch.setattr(contract, "RETRY_SECONDS", (0.01, 0.01))
    replace, _ = _held_open(100)
    monkeypatch.setattr(contract.os, "replace", replace)
    target = tmp_path / "submissions.csv"
    target.write_bytes(b"cu")
    with pytest.raises(FileInUseError, match="đang mở trong Excel") as caught:
        contract.write_atomic(target, b"moi")
    assert str(target) in str(caught.value)
    assert target.read_bytes() == b"cu" and list(tmp_path.iterdir()) == [target]


@pytest.mark.parametrize(("err", "reason", "advice"), [
    (28, "ổ đĩa đã đầy", "Giải phóng chỗ trống"),
    (13, "không có quyền", "Đóng tệp nếu đang mở trong Excel"),
    (30, "ổ đĩa chỉ cho đọc", "Chọn một thư mục trên ổ đĩa ghi được"),
    (36, "tên quá dài", "Rút ngắn tên"),
])
def test_os_errors_are_told_in_vietnamese_with_what_to_do(tmp_path, monkeypatch, capsys, err,
                                                          reason, advice):
    import lib03.cli as cli

    def failing(*args, **kw):
        raise OSError(err, os.strerror(err), str(tmp_path / "out" / "units.csv"))

    monkeypatch.setattr("lib03.ingest.pipeline.run_clean", failing)
    code = cli.main(["clean", "--out", str(tmp_path / "out")])
    printed = capsys.readouterr().err
    assert code == 2
    assert reason in printed and advice in printed and "units.csv" in printed
    assert "Traceback" not in printed and os.strerror(err) not in printed


def test_office_litter_is_an_info_line_not_a_warning(raw_dir, tmp_path):
    period = raw_dir / "2014-H1"
    write_report(period / "good.xlsx")
    (period / ".~lock.good.xlsx#").write_text("Nguyen Van A,may-1,01.06.2014", encoding="utf-8")
    summary, t = _run(raw_dir, tmp_path / "out")
    log = t["quality_log"].set_index("source_file")
    assert log.loc["2014-H1/.~lock.good.xlsx#", "code"] == "file_office_lock"
    assert log.loc["2014-H1/.~lock.good.xlsx#", "severity"] == "info"
    assert summary.files == 1
