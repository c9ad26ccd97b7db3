"""Cleaning many files on every core, with the same bytes as one process.

Each file is cleaned on its own (`clean_file` is a pure function of the file, the registry
and the settings), so worker processes can take them in any order; results come back in the
order of the inputs and the tables are built once, in the parent, exactly as in a single run.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

from lib03.config import Settings
from lib03.ingest.assemble import pack_result
from lib03.ingest.clean import clean_file
from lib03.ingest.match import RegistryIndex

# Below this many files a second process costs more to start than it saves.
MIN_FILES_PER_WORKER = 40

_registry: RegistryIndex | None = None
_settings: Settings | None = None


def usable_workers(asked: int) -> int:
    """The number of worker processes for a `--workers` the analyst gave: at least one, and
    never more than the machine's cores (more only queue behind each other).

    >>> usable_workers(1), usable_workers(10_000) == (os.cpu_count() or 1)
    (1, True)
    """
    if asked < 1:
        raise ValueError(asked)
    return min(asked, os.cpu_count() or 1)


def default_workers(files: int) -> int:
    """One process per core, but never more than the files can keep busy.

    >>> default_workers(10), default_workers(10_000) >= 1
    (1, True)
    """
    return max(1, min(os.cpu_count() or 1, files // MIN_FILES_PER_WORKER))


def _start(registry: RegistryIndex, settings: Settings, parent: int | None = None) -> None:
    global _registry, _settings
    _registry, _settings = registry, settings
    if parent is not None:
        # Ctrl-C reaches the whole process group: the parent stops the workers itself, so
        # a worker must not print a traceback of its own.
        import signal

        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if hasattr(signal, "pthread_sigmask"):  # forked while the parent held SIGINT back
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        # A forked worker inherits the CLI's SIGTERM handler; it should simply end.
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        _watch_parent(parent)


def _watch_parent(parent: int) -> None:
    """End this worker soon after its parent is gone (killed outright, it cannot say so):
    a worker must never outlive its run, nor hold files open on a Windows PC."""
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="lib03-watch-parent", daemon=True).start()


def _clean_one(item: tuple[str, Path, str]):
    period, path, rel = item
    # Rendered in the worker: formatting is a large share of the work, and bytes travel
    # back to the parent far cheaper than row dicts.
    return pack_result(clean_file(period, path, rel, _registry, _settings))


@contextmanager
def _children_ignore_ctrl_c():
    """Fork the workers with SIGINT ignored: a Ctrl-C that lands before a new worker has run
    its initializer would otherwise print that worker's traceback. (Only the main thread may
    change signal handlers; a spawned worker sets its own in `_start`.)"""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    if hasattr(signal, "pthread_sigmask"):
        # Blocked, not ignored: a Ctrl-C in this window waits and stops the run right after.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            yield
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


class _NoBar:
    def update(self) -> None: ...
    def close(self) -> None: ...


def _progress_bar(total: int):
    """Files done, files per second and time left, in Vietnamese."""
    from tqdm import tqdm  # only for a terminal: a rerun in CI or a pipe skips its import

    return tqdm(total=total, desc="Đọc tệp", mininterval=0.2, unit=" tệp",
                bar_format="{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} tệp "
                           "[{elapsed}, còn khoảng {remaining}, {rate_fmt}]")


def clean_files(inputs: list[tuple[str, Path, str]], registry: RegistryIndex,
                settings: Settings, *, workers: int = 1, progress: bool = False) -> list:
    """`clean_file` for every input, in input order, in `workers` processes."""
    bar = _progress_bar(len(inputs)) if progress else _NoBar()
    try:
        if workers <= 1 or len(inputs) < 2:
            _start(registry, settings)
            results = []
            for item in inputs:
                results.append(_clean_one(item))
                bar.update()
            return results
        # Imported here: a rerun that cleans a file or two never starts a process (~10 ms).
        from concurrent.futures import ProcessPoolExecutor

        # Small chunks keep both cores busy to the end; map() keeps the input order.
        chunk = max(1, min(32, len(inputs) // (workers * 8)))
        pool = ProcessPoolExecutor(workers, initializer=_start,
                                   initargs=(registry, settings, os.getpid()))
        try:
            results = []
            with _children_ignore_ctrl_c():  # map() forks the workers before it returns
                done = pool.map(_clean_one, inputs, chunksize=chunk)
            for result in done:
                results.append(result)
                bar.update()
        except BaseException:
            # Ctrl-C, SIGTERM or a failure: the queued tasks are cancelled and only the
            # chunks already running finish (a few dozen files at most). Ending the workers
            # outright would be quicker, but Python 3.11's pool then prints a traceback of
            # its own for the tasks already cancelled.
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        pool.shutdown()
        return results
    finally:
        bar.close()
