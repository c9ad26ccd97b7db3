"""Open a page in headless Chromium with the network cut, and say what happened in it.

The tests use this to prove that a report opens the way an analyst will see it: nothing is
fetched from outside the machine, nothing is written to the console as an error, every image
shows, and no script of the page runs (so text such as ``<script>alert(1)</script>`` stayed
text).

It drives Debian's ``/usr/bin/chromium`` (``apt-get install chromium``; ``tests/setup_programs.sh``
does it for ``make test``) over the Chrome DevTools Protocol on a pipe
(``--remote-debugging-pipe``): the standard library only, no port, no browser download.

The network is cut twice:

* in the page: every request whose URL is not ``file:`` or ``data:`` is paused by the
  ``Fetch`` domain, written down in ``PageReport.outside_requests`` and failed (frames and
  workers of the page are watched the same way);
* in the browser: all traffic goes to a proxy on a local port that is bound and never listened
  on (so each connection is refused), loopback included, and every host name resolves to
  nothing, so whatever the first layer would miss (a WebSocket, a preconnect, the browser's
  own background calls) cannot leave either; it is refused without being listed.

Use::

    from browser import needs_chromium, open_page

    @needs_chromium
    def test_report_opens(tmp_path):
        page = open_page(tmp_path / "index.html")
        assert page.problems() == []

One browser is started on first use and shared by every test of the run (start-up takes about
a third of a second, each page about as much again: every page gets a fresh private tab); it
is closed when Python exits. A module that prefers
a fixture can ask for ``browser`` after ``from browser import browser  # noqa: F401`` in
``tests/conftest.py``.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import fcntl
import json
import os
import select
import shutil
import signal
import socket
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

SKIP_MESSAGE = (
    "Không có trình duyệt chromium (cài bằng: apt-get install chromium) — chromium not installed"
)
ENV_VARIABLE = "LIB03_CHROMIUM"
NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
PATHS = ("/usr/lib/chromium/chromium", "/usr/lib/chromium-browser/chromium-browser")
LOCAL_SCHEMES = ("file:", "data:")
SETTLE_SECONDS = 0.1  # after the load event, for timers and late console messages
_MAX_TEXT = 300  # console messages and URLs are cut to this many characters

# Lazy images below the fold would never load in a window nobody scrolls; a reader who
# scrolls sees them, so they are asked to load now (and waited for, 5 s at most).
_EAGER = r"""(async () => {
  const lazy = Array.from(document.images).filter(i => i.loading === 'lazy' && !i.complete);
  for (const i of lazy) i.loading = 'eager';
  await Promise.all(lazy.map(i => new Promise(done => {
    if (i.complete) return done();
    i.addEventListener('load', done);
    i.addEventListener('error', done);
    setTimeout(done, 5000);
  })));
  return lazy.length;
})()"""

_INSPECT = r"""(() => {
  const handlers = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      const name = a.name.toLowerCase();
      const value = a.value.replace(/[\s\u0000-\u001f]/g, '').toLowerCase();
      if (name.startsWith('on') || value.startsWith('javascript:')) {
        handlers.push(el.localName + '[' + a.name + ']');
      }
    }
  }
  return {
    url: location.href,
    title: document.title,
    text: document.body ? document.body.innerText : '',
    images: Array.from(document.images).map(i => [i.src.slice(0, 40),
                                                   i.complete && i.naturalWidth > 0]),
    scripts: document.getElementsByTagName('script').length,
    handlers: handlers,
  };
})()"""


class BrowserError(RuntimeError):
    """Chromium could not be started, died, or did not answer in time."""


class ChromiumNotFound(BrowserError):
    """No Chromium on this machine."""


def find_chromium() -> str | None:
    """Path of a Chromium or Chrome executable: ``$LIB03_CHROMIUM`` first, then the PATH."""
    wanted = os.environ.get(ENV_VARIABLE)
    if wanted:
        found = shutil.which(wanted)
        return found if found else None
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    for path in PATHS:
        if os.access(path, os.X_OK):
            return path
    return None


@dataclass
class PageReport:
    """What happened while a page opened. An empty list is the good answer everywhere."""

    url: str
    outside_requests: list[str]  # URLs that were not file: or data: (blocked)
    console_errors: list[str]  # console.error/assert, uncaught exceptions, browser errors
    images: list[tuple[str, bool]]  # (first 40 characters of src, loaded)
    dialogs: list[str]  # "alert: 1", "confirm: ..."
    scripts_in_dom: int  # <script> elements in the document after load
    title: str
    text: str  # document.body.innerText
    scripts_run: list[str] = field(default_factory=list)  # "url:line: source" of page scripts
    inline_handlers: list[str] = field(default_factory=list)  # "img[onerror]", "a[href]" (js:)

    @property
    def broken_images(self) -> list[str]:
        return [src for src, loaded in self.images if not loaded]

    def problems(self) -> list[str]:
        """One line for each thing a clean, script-free, offline page must not show."""
        lines = [f"outside request: {url}" for url in self.outside_requests]
        lines += [f"console error: {text}" for text in self.console_errors]
        lines += [f"image not loaded: {src}" for src in self.broken_images]
        lines += [f"dialog: {text}" for text in self.dialogs]
        lines += [f"script ran: {text}" for text in self.scripts_run]
        if self.scripts_in_dom:
            lines.append(f"<script> elements in the page: {self.scripts_in_dom}")
        lines += [f"script in an attribute: {text}" for text in self.inline_handlers]
        return lines


def _short(text: str) -> str:
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "…"


def _high_fd(fd: int) -> int:
    """The same pipe end on a number above 9, so that moving it to 3 or 4 clobbers nothing."""
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return moved


class _Page:
    """Collects the events of one page (and of the frames and workers attached under it)."""

    def __init__(self, browser: Browser, *, block_in_page: bool = True) -> None:
        self.browser = browser
        self.block_in_page = block_in_page
        self.sessions: set[str] = set()
        self.outside: list[str] = []
        self.console: list[str] = []
        self.dialogs: list[str] = []
        self.scripts: dict[tuple[str, str], str] = {}  # (session, scriptId): "url:line"
        self.loaded = False
        self.main_session = ""

    def attach(self, session: str, *, wait: bool = False) -> None:
        """Watch one target: requests, console, dialogs and scripts; then let it run.

        The page itself is attached with ``wait``: each command's answer is awaited, because a
        navigation sent while the domains are still being switched on can move the page to a
        new renderer without them (then no load event ever comes). Frames and workers are
        attached from inside an event, where only sending is possible; they wait, paused, until
        the last command, and a session runs its commands in order.
        """
        self.sessions.add(session)
        self.browser.handlers[session] = self.on_event
        commands: list[tuple[str, dict[str, Any]]] = [
            ("Runtime.enable", {}),
            ("Log.enable", {}),
            ("Debugger.enable", {}),
            ("Debugger.setSkipAllPauses", {"skip": True}),
            ("Page.enable", {}),  # refused by workers, which is fine
            ("Target.setAutoAttach",
             {"autoAttach": True, "waitForDebuggerOnStart": True, "flatten": True}),
        ]
        if self.block_in_page:
            commands.insert(0, ("Fetch.enable", {"patterns": [{"urlPattern": "*"}]}))
        for method, params in commands:
            if wait:
                self.browser.call(method, params, session)
            else:
                self.browser.send(method, params, session)
        self.browser.send("Runtime.runIfWaitingForDebugger", {}, session)

    def on_event(self, session: str, method: str, params: dict[str, Any]) -> None:
        send = self.browser.send
        if method == "Fetch.requestPaused":
            url = params["request"]["url"]
            if url.startswith(LOCAL_SCHEMES):
                send("Fetch.continueRequest", {"requestId": params["requestId"]}, session)
            else:
                if _short(url) not in self.outside:
                    self.outside.append(_short(url))
                send("Fetch.failRequest",
                     {"requestId": params["requestId"], "errorReason": "BlockedByClient"}, session)
        elif method == "Page.javascriptDialogOpening":
            self.dialogs.append(_short(f"{params['type']}: {params['message']}"))
            send("Page.handleJavaScriptDialog",
                 {"accept": params["type"] == "beforeunload"}, session)
        elif method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
            words = [str(a.get("value", a.get("description", a.get("type", ""))))
                     for a in params.get("args", [])]
            self.console.append(_short(f"console.{params['type']}: " + " ".join(words)))
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text", "")
            self.console.append(_short(f"uncaught: {text}"))
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            entry = params["entry"]
            where = f" ({entry['url']})" if entry.get("url") else ""
            self.console.append(_short(f"{entry.get('source', 'browser')}: {entry['text']}{where}"))
        elif method == "Debugger.scriptParsed":
            aux = params.get("executionContextAuxData") or {}
            if aux.get("isDefault", True):  # the page's own world, not the harness's
                self.scripts[session, params["scriptId"]] = (
                    f"{params.get('url') or '(no url)'}:{params.get('startLine', 0) + 1}")
        elif method == "Target.attachedToTarget":
            self.attach(params["sessionId"])
        elif method == "Page.loadEventFired" and session == self.main_session:
            self.loaded = True

    def script_lines(self) -> list[str]:
        lines = []
        for (session, script_id), where in self.scripts.items():
            try:
                source = self.browser.call(
                    "Debugger.getScriptSource", {"scriptId": script_id}, session, timeout=5
                ).get("scriptSource", "")
            except BrowserError:
                source = "?"
            source = " ".join(source.split())
            lines.append(_short(f"{where}: {source}"))
        return lines


class Browser:
    """One headless Chromium, talked to over ``--remote-debugging-pipe``."""

    def __init__(self, executable: str | None = None, *, timeout: float = 30) -> None:
        executable = executable or find_chromium()
        if executable is None:
            raise ChromiumNotFound(SKIP_MESSAGE)
        self.executable = executable
        self.handlers: dict[str, Callable[[str, str, dict[str, Any]], None]] = {}
        self._next_id = 0
        self._buffer = b""
        self._pid = 0
        self._profile = tempfile.mkdtemp(prefix="lib03-chromium-")
        self._log_path = os.path.join(self._profile, "chromium.log")
        # Bound and never listened on: every connection to it is refused, and no other
        # program can take the port while the browser lives.
        self._refusing = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._refusing.bind(("127.0.0.1", 0))
        proxy = f"127.0.0.1:{self._refusing.getsockname()[1]}"
        started = time.perf_counter()
        to_browser_r, to_browser_w = (_high_fd(fd) for fd in os.pipe())
        from_browser_r, from_browser_w = (_high_fd(fd) for fd in os.pipe())
        args = [
            executable,
            "--headless=new",
            "--no-sandbox",  # needed as root, and in most containers
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--no-default-browser-check",
            f"--user-data-dir={self._profile}",
            "--remote-debugging-pipe",
            f"--proxy-server={proxy}",
            "--proxy-bypass-list=<-loopback>",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-client-side-phishing-detection",
            "--disable-default-apps",
            "--disable-domain-reliability",
            "--disable-extensions",
            "--disable-sync",
            "--no-pings",
            "--disable-features=Translate,OptimizationHints,MediaRouter",
            "--mute-audio",
            "--hide-scrollbars",
            "--window-size=1280,900",
            "about:blank",
        ]
        log = os.open(self._log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        null = os.open(os.devnull, os.O_RDONLY)
        try:
            self._pid = os.posix_spawn(
                executable,
                args,
                os.environ,
                file_actions=[
                    (os.POSIX_SPAWN_DUP2, null, 0),
                    (os.POSIX_SPAWN_DUP2, log, 1),
                    (os.POSIX_SPAWN_DUP2, log, 2),
                    (os.POSIX_SPAWN_DUP2, to_browser_r, 3),
                    (os.POSIX_SPAWN_DUP2, from_browser_w, 4),
                ],
                setsid=True,  # its own process group, so close() can end all of it
            )
        except OSError as error:
            for fd in (to_browser_r, to_browser_w, from_browser_r, from_browser_w):
                os.close(fd)
            self._cleanup_files()
            raise BrowserError(f"cannot start {executable}: {error}") from error
        finally:
            os.close(log)
            os.close(null)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._write_fd = to_browser_w
        self._read_fd = from_browser_r
        try:
            self.version = self.call("Browser.getVersion", timeout=timeout)["product"]
        except BrowserError:
            self.close()
            raise
        self.startup_seconds = time.perf_counter() - started

    # -- the protocol -----------------------------------------------------------------------

    def send(self, method: str, params: dict[str, Any] | None = None, session: str = "") -> int:
        """Send a command without waiting for its answer; return its id."""
        if not self._pid:
            raise BrowserError("the browser is closed")
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        data = memoryview(json.dumps(message).encode() + b"\0")
        try:
            while data:
                data = data[os.write(self._write_fd, data):]
        except OSError as error:
            stopped = f"the browser stopped listening: {error}{self._log_tail()}"
            raise BrowserError(stopped) from error
        return self._next_id

    def call(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        session: str = "",
        *,
        timeout: float = 30,
    ) -> dict[str, Any]:
        """Send a command and wait for its answer, handling the events that come meanwhile."""
        wanted = self.send(method, params, session)
        deadline = time.monotonic() + timeout
        while True:
            message = self._receive(deadline, method)
            if message.get("id") == wanted:
                if "error" in message:
                    raise BrowserError(f"{method}: {message['error'].get('message')}")
                return message.get("result", {})
            self._dispatch(message)

    def pump(self, until: Callable[[], bool], deadline: float, doing: str) -> None:
        """Handle events until ``until()`` holds; BrowserError at the deadline."""
        while not until():
            self._dispatch(self._receive(deadline, doing))

    def wait(self, seconds: float) -> None:
        """Handle the events that come in the next ``seconds``."""
        deadline = time.monotonic() + seconds
        with contextlib.suppress(TimeoutError):
            while True:
                self._dispatch(self._receive(deadline, "", quiet=True))

    def _dispatch(self, message: dict[str, Any]) -> None:
        if "method" not in message:
            return  # the answer to a command sent with send()
        handler = self.handlers.get(message.get("sessionId", ""))
        if handler is not None:
            handler(message.get("sessionId", ""), message["method"], message.get("params", {}))

    def _receive(self, deadline: float, doing: str, *, quiet: bool = False) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            ready = select.select([self._read_fd], [], [], max(left, 0))[0] if left > 0 else []
            if not ready:
                if quiet:
                    raise TimeoutError
                raise BrowserError(f"no answer from the browser in time ({doing})")
            chunk = os.read(self._read_fd, 1 << 20)
            if not chunk:
                self._reap()
                raise BrowserError(f"the browser ended ({doing}){self._log_tail()}")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def _log_tail(self) -> str:
        try:
            lines = Path(self._log_path).read_text(errors="replace").splitlines()[-15:]
        except OSError:
            return ""
        return "\n" + "\n".join(lines) if lines else ""

    # -- pages ------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _opened(
        self, path: Path, timeout: float, block_in_page: bool = True
    ) -> Iterator[tuple[_Page, str, str]]:
        """Load ``path`` in a fresh, private tab; yield (page, session, harness world id)."""
        path = Path(path).resolve()
        if not path.is_file():
            raise FileNotFoundError(path)
        deadline = time.monotonic() + timeout
        context = self.call("Target.createBrowserContext", {"disposeOnDetach": True},
                            timeout=timeout)["browserContextId"]
        page = _Page(self, block_in_page=block_in_page)
        session = ""
        try:
            target = self.call("Target.createTarget",
                               {"url": "about:blank", "browserContextId": context},
                               timeout=timeout)["targetId"]
            session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True},
                                timeout=timeout)["sessionId"]
            page.main_session = session
            page.attach(session, wait=True)
            navigated = self.call("Page.navigate", {"url": path.as_uri()}, session,
                                  timeout=timeout)
            if navigated.get("errorText"):
                raise BrowserError(f"{path}: {navigated['errorText']}")
            self.pump(lambda: page.loaded, deadline, f"loading {path.name}")
            world = self.call("Page.createIsolatedWorld",
                              {"frameId": navigated["frameId"], "worldName": "lib03-harness"},
                              session, timeout=timeout)["executionContextId"]
            self.evaluate(_EAGER, session, world, deadline - time.monotonic())
            self.wait(min(SETTLE_SECONDS, max(deadline - time.monotonic(), 0)))
            yield page, session, world
        finally:
            for attached in page.sessions:
                self.handlers.pop(attached, None)
            if self._pid:
                with contextlib.suppress(BrowserError):
                    self.call("Target.disposeBrowserContext", {"browserContextId": context},
                              timeout=10)

    def evaluate(self, expression: str, session: str, world: int, timeout: float) -> Any:
        """The value of a JavaScript expression (promises awaited) in the harness's world."""
        found = self.call("Runtime.evaluate",
                          {"expression": expression, "contextId": world,
                           "returnByValue": True, "awaitPromise": True},
                          session, timeout=max(timeout, 0.1))
        if "exceptionDetails" in found:
            raise BrowserError(f"JavaScript failed: {found['exceptionDetails']}")
        return found["result"].get("value")

    def open_page(
        self, path: Path, *, timeout: float = 30, block_in_page: bool = True
    ) -> PageReport:
        """Open a local HTML file and report what it did.

        ``block_in_page=False`` leaves out the first cut (request interception), so that a
        test can prove the browser-wide cut holds on its own; outside requests are then not
        listed, only refused.
        """
        with self._opened(path, timeout, block_in_page) as (page, session, world):
            value = self.evaluate(_INSPECT, session, world, timeout)
            return PageReport(
                url=value["url"],
                outside_requests=list(page.outside),
                console_errors=list(page.console),
                images=[(src, bool(loaded)) for src, loaded in value["images"]],
                dialogs=list(page.dialogs),
                scripts_in_dom=value["scripts"],
                title=value["title"],
                text=value["text"],
                scripts_run=page.script_lines(),
                inline_handlers=value["handlers"],
            )

    def widths_at(self, path: Path, width: int, *, timeout: float = 30) -> tuple[int, int]:
        """(the page's scroll width, the viewport width) on a screen `width` CSS pixels wide,
        as a phone shows it: a page wider than its viewport scrolls sideways."""
        with self._opened(path, timeout, True) as (_page, session, world):
            self.call("Emulation.setDeviceMetricsOverride",
                      {"width": width, "height": 844, "deviceScaleFactor": 1, "mobile": True},
                      session, timeout=timeout)
            self.wait(0.3)
            found = self.evaluate("[document.documentElement.scrollWidth, window.innerWidth]",
                                  session, world, timeout)
            return int(found[0]), int(found[1])

    def print_pdf(self, path: Path, *, timeout: float = 60) -> bytes:
        """The page printed to PDF (A4, with backgrounds, @page size honoured)."""
        with self._opened(path, timeout) as (_page, session, _world):
            printed = self.call(
                "Page.printToPDF",
                {"printBackground": True, "preferCSSPageSize": True,
                 "paperWidth": 8.27, "paperHeight": 11.69},
                session,
                timeout=timeout,
            )
            return base64.b64decode(printed["data"])

    # -- the end ----------------------------------------------------------------------------

    @property
    def alive(self) -> bool:
        return bool(self._pid)

    def close(self) -> None:
        """Ask the browser to quit; end its whole process group if it does not within 5 s."""
        if self._pid:
            with contextlib.suppress(BrowserError):
                self.send("Browser.close")
            deadline = time.monotonic() + 5
            while self._pid and time.monotonic() < deadline:
                self._reap(block=False)
                if self._pid:
                    time.sleep(0.02)
            if self._pid:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self._pid, signal.SIGKILL)
                self._reap()
        for fd in ("_write_fd", "_read_fd"):
            if hasattr(self, fd):
                with contextlib.suppress(OSError):
                    os.close(getattr(self, fd))
                delattr(self, fd)
        self._cleanup_files()

    def _reap(self, *, block: bool = True) -> None:
        if not self._pid:
            return
        try:
            pid, _status = os.waitpid(self._pid, 0 if block else os.WNOHANG)
        except ChildProcessError:
            pid = self._pid
        if pid:
            # The group may still hold helpers (renderer, zygote): end them with it.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self._pid, signal.SIGKILL)
            self._pid = 0

    def _cleanup_files(self) -> None:
        self._refusing.close()
        shutil.rmtree(self._profile, ignore_errors=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


# -- one browser for the whole test run ------------------------------------------------------

_shared: Browser | None = None


def shared_browser() -> Browser:
    """The browser of this test run, started on first use and closed when Python exits."""
    global _shared
    if _shared is None or not _shared.alive:
        _shared = Browser()
        atexit.register(_shared.close)
    return _shared


def open_page(path: Path, *, timeout: float = 30) -> PageReport:
    """Open a local HTML file in the shared headless Chromium; see PageReport."""
    return shared_browser().open_page(path, timeout=timeout)


def widths_at(path: Path, width: int) -> tuple[int, int]:
    """A local HTML file's scroll width and viewport width on a `width`-pixel screen."""
    return shared_browser().widths_at(path, width)


def print_pdf(path: Path) -> bytes:
    """Print a local HTML file to PDF with the shared headless Chromium."""
    return shared_browser().print_pdf(path)


needs_chromium = pytest.mark.skipif(find_chromium() is None, reason=SKIP_MESSAGE)
"""Mark for tests that open pages: they are skipped, with the message, where Chromium is not."""


@pytest.fixture(scope="session")
def browser() -> Browser:
    """The shared browser; skips the test, with the message, where Chromium is not."""
    if find_chromium() is None:
        pytest.skip(SKIP_MESSAGE)
    return shared_browser()
