"""The browser harness (tests/browser.py) on small hand-written pages: a clean page passes, and
each thing a report must never do (fetch from outside, log an error, show a broken image, run a
script) is caught."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import (  # noqa: F401  (browser: the fixture, used by name below)
    SKIP_MESSAGE,
    Browser,
    ChromiumNotFound,
    browser,
    find_chromium,
    needs_chromium,
    open_page,
    print_pdf,
    shared_browser,
)

# A 2×1 PNG, red and blue.
PNG = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAAD0lEQVR4nGM4IScn"
    "Z3MCAAdfAieyfXRcAAAAAElFTkSuQmCC"
)
CDN = "https://cdn.jsdelivr.net/npm/jquery@3.7.1/dist/jquery.min.js"


def page(tmp_path: Path, body: str, *, title: str = "Trang thử", name: str = "index.html") -> Path:
    path = tmp_path / name
    path.write_text(
        f'<!doctype html>\n<html lang="vi"><head><meta charset="utf-8"><title>{title}</title>'
        f"</head>\n<body>\n{body}\n</body></html>\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def listener() -> Iterator[tuple[int, list[bytes]]]:
    """A TCP port on 127.0.0.1 that accepts and writes down every connection made to it."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.05)
    seen: list[bytes] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except OSError:
                continue
            with connection:
                connection.settimeout(0.5)
                try:
                    seen.append(connection.recv(200))
                except OSError:
                    seen.append(b"")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1], seen
    finally:
        stop.set()
        thread.join(timeout=2)
        server.close()


# -- without a browser -----------------------------------------------------------------------


def test_find_chromium_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("LIB03_CHROMIUM", str(tmp_path / "khong-co"))
    assert find_chromium() is None
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv("LIB03_CHROMIUM", str(fake))
    assert find_chromium() == str(fake)


def test_no_chromium_says_so_in_both_languages(monkeypatch, tmp_path):
    monkeypatch.setenv("LIB03_CHROMIUM", str(tmp_path / "khong-co"))
    with pytest.raises(ChromiumNotFound) as raised:
        Browser()
    assert str(raised.value) == SKIP_MESSAGE
    assert "Không có trình duyệt chromium" in SKIP_MESSAGE
    assert "apt-get install chromium" in SKIP_MESSAGE
    assert "chromium not installed" in SKIP_MESSAGE


# -- with the browser ------------------------------------------------------------------------


@needs_chromium
def test_a_clean_page_has_no_problem(tmp_path):
    page(tmp_path, "<p>Tổng hợp</p>", name="bang.html")
    path = page(
        tmp_path,
        f'<h1>Báo cáo Chỉ thị 03</h1><p>Đảng bộ xã Hòa Bình: 12 chi bộ.</p>'
        f'<img alt="biểu đồ" src="{PNG}"><a href="bang.html">Bảng</a>',
        title="Báo cáo 2014",
    )
    report = open_page(path)
    assert report.problems() == []
    assert report.url == path.resolve().as_uri()
    assert report.title == "Báo cáo 2014"
    assert "Đảng bộ xã Hòa Bình: 12 chi bộ." in report.text
    assert report.images == [(PNG[:40], True)]
    assert (report.outside_requests, report.console_errors, report.dialogs) == ([], [], [])
    assert (report.scripts_in_dom, report.scripts_run, report.inline_handlers) == (0, [], [])


@needs_chromium
def test_a_cdn_script_is_reported_and_blocked(tmp_path):
    path = page(tmp_path, f'<p>Có thư viện ngoài</p><script src="{CDN}"></script>')
    report = open_page(path)
    assert report.outside_requests == [CDN]
    assert any("ERR_BLOCKED_BY_CLIENT" in line for line in report.console_errors)
    assert report.scripts_run == []  # it never arrived, so it never ran
    assert report.scripts_in_dom == 1
    assert f"outside request: {CDN}" in report.problems()


@needs_chromium
def test_nothing_reaches_a_listening_server_even_without_interception(tmp_path, listener):
    port, seen = listener
    base = f"http://127.0.0.1:{port}"
    path = page(
        tmp_path,
        f'<link rel="stylesheet" href="http://localhost:{port}/kieu.css">'
        f'<img src="{base}/anh.png"><iframe src="{base}/khung"></iframe>'
        f'<script src="{base}/ma.js"></script>'
        f"<script>new Worker(\"data:text/javascript,fetch('{base}/worker')\");"
        f"fetch('{base}/fetch').catch(() => 0);</script>",
    )
    blocked = open_page(path)
    assert set(blocked.outside_requests) == {
        f"http://localhost:{port}/kieu.css",
        f"{base}/anh.png",
        f"{base}/khung",
        f"{base}/ma.js",
        f"{base}/worker",  # asked for by a worker: attached and watched too
        f"{base}/fetch",
    }
    # The browser-wide cut alone (closed proxy, no name resolution) still lets nothing out.
    refused = shared_browser().open_page(path, block_in_page=False)
    assert refused.outside_requests == []
    assert any("ERR_PROXY_CONNECTION_FAILED" in line for line in refused.console_errors)
    time.sleep(0.2)
    assert seen == []


@needs_chromium
def test_a_broken_image_is_reported(tmp_path):
    path = page(tmp_path, f'<img alt="có" src="{PNG}"><img alt="thiếu" src="thieu.png">')
    report = open_page(path)
    missing = (tmp_path / "thieu.png").resolve().as_uri()
    assert report.images == [(PNG[:40], True), (missing[:40], False)]
    assert report.broken_images == [missing[:40]]
    assert any("ERR_FILE_NOT_FOUND" in line for line in report.console_errors)
    assert report.outside_requests == []


@needs_chromium
def test_console_errors_and_uncaught_exceptions_are_reported(tmp_path):
    path = page(
        tmp_path,
        '<script>console.log("bình thường"); console.warn("cảnh báo");'
        'console.error("lỗi", 3);</script><script>throw new Error("hỏng")</script>',
    )
    report = open_page(path)
    assert report.console_errors[0] == "console.error: lỗi 3"
    assert "uncaught: Error: hỏng" in report.console_errors[1]
    assert len(report.console_errors) == 2  # log and warn are not errors


@needs_chromium
def test_an_inline_script_that_alerts_is_reported(tmp_path):
    path = page(tmp_path, "<p>Tên đơn vị</p><script>alert(1)</script>")
    report = open_page(path)
    assert report.dialogs == ["alert: 1"]
    assert report.scripts_in_dom == 1
    assert len(report.scripts_run) == 1
    assert report.scripts_run[0].endswith(": alert(1)")
    assert report.text == "Tên đơn vị"


@needs_chromium
def test_an_event_handler_that_runs_is_reported(tmp_path):
    path = page(
        tmp_path,
        '<img src="khong-co.png" onerror="confirm(\'2\')"><a href="javascript:alert(3)">a</a>',
    )
    report = open_page(path)
    assert report.dialogs == ["confirm: 2"]
    assert report.scripts_in_dom == 0
    assert report.inline_handlers == ["img[onerror]", "a[href]"]
    assert any("confirm('2')" in line for line in report.scripts_run)


@needs_chromium
def test_escaped_markup_stays_text(tmp_path):
    unsafe = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    escaped = unsafe.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    report = open_page(page(tmp_path, f"<p>{escaped}</p>"))
    assert report.problems() == []
    assert report.text == unsafe


@needs_chromium
def test_a_page_prints_to_pdf(tmp_path):
    path = page(tmp_path, f'<h1>Báo cáo tháng</h1><p>Xin chào các đồng chí</p><img src="{PNG}">')
    pdf = print_pdf(path)
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) > 1000
    if shutil.which("pdftotext"):
        (tmp_path / "in.pdf").write_bytes(pdf)
        text = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(tmp_path / "in.pdf"), "-"],
            capture_output=True, text=True, check=True,
        ).stdout
        assert "Xin chào các đồng chí" in text


@needs_chromium
def test_a_missing_file_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        open_page(tmp_path / "khong-co.html")


@needs_chromium
def test_the_fixture_gives_the_shared_browser(request):
    assert request.getfixturevalue("browser") is shared_browser()
    assert shared_browser().version.startswith(("Chrome/", "HeadlessChrome/"))


@needs_chromium
def test_closing_ends_every_process_and_removes_the_profile():
    started = Browser()
    pid, profile = started._pid, started._profile
    assert Path(profile).is_dir()
    started.close()
    assert not started.alive
    assert not Path(profile).exists()
    assert running_in_group(pid) == []


def running_in_group(group: int) -> list[str]:
    """Processes of a process group that are not yet ended (zombies, waiting for init, are)."""
    running = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            running.append(stat.parent.name)
    return running
