"""`lib03 report`: run the notebooks for a period and write `reports/<period>/`.

The notebooks run with papermill; each is exported in-process with nbconvert's *basic*
template (no require.js, no MathJax, nothing fetched) into our own page, code hidden and
images embedded. `index.html` holds every section too, so it is one file that can be emailed.
Everything is written into a hidden staging folder and moved into place at the end: a failed
or interrupted run leaves the previous report as it was, never a half-written one.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat

from lib03 import __version__
from lib03.config import DRAFT_TEMPLATE, NOTEBOOKS_DIR, OVERRIDABLE, Settings
from lib03.errors import NotebookFailed, ReportError
from lib03.report.draft import draft_file_name, write_draft
from lib03.report.facts import PeriodFacts
from lib03.report.html import index_page, notebook_body, notebook_page
from lib03.report.letters_files import FOLDER as LETTERS_FOLDER
from lib03.report.letters_files import write_letters
from lib03.report.notebook import choose_period
from lib03.report.summary import write_summary

log = logging.getLogger(__name__)

CHARTS_NOTEBOOK = "04_"  # the notebook that writes the chart files for slides


@dataclass(frozen=True)
class ReportResult:
    """What `build_report` wrote."""

    period: str
    folder: Path
    index: Path
    pages: list[Path]
    charts: list[Path]


def notebooks(folder: Path = NOTEBOOKS_DIR) -> list[Path]:
    """The report's notebooks, in order (``01_…`` to ``04_…``)."""
    found = sorted(folder.glob("[0-9][0-9]_*.ipynb"))
    if not found:
        raise ReportError(f"Không tìm thấy sổ tay (notebook) nào trong {folder}.")
    return found


def parameters(period: str, processed_dir: Path, settings: Settings,
               charts_dir: Path | None, deadline: str | None,
               settings_file: Path | None = None) -> dict:
    """The papermill parameters of one run: absolute paths, the period, the working folder's
    settings file and every threshold used."""
    params = {"period": period, "processed_dir": str(processed_dir),
              "charts_dir": str(charts_dir) if charts_dir else None, "deadline": deadline,
              "settings_file": str(settings_file) if settings_file else None}
    params.update({k: getattr(settings, k) for k in OVERRIDABLE})
    return params


def run_notebook(source: Path, target: Path, params: dict,
                 final_paths: dict[str, str] | None = None) -> nbformat.NotebookNode:
    """Execute one notebook into `target`; a failure names the notebook and the cell.

    `final_paths` rewrites staging paths in the saved parameters to where the report ends up.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    try:
        # No cwd: papermill would change the whole process's working directory while other
        # notebooks run in threads. Every path reaches a notebook as an absolute parameter.
        papermill.execute_notebook(
            str(source), str(target), parameters=params, kernel_name="python3",
            progress_bar=False, log_output=False, request_save_on_cell_execute=False,
            kernel_manager_class=_quiet_kernel_manager())
    except PapermillExecutionError as exc:
        first = next((line for line in exc.source.splitlines() if line.strip()), "")
        # papermill counts its injected parameters cell; the analyst counts the notebook's own.
        raise NotebookFailed(source.name, exc.cell_index, first,
                             f"{exc.ename}: {exc.evalue}") from exc
    except Exception as exc:  # no kernel, a kernel that died: still the notebook's name
        missing = isinstance(exc, ModuleNotFoundError) or type(exc).__name__ == "NoSuchKernel"
        advice = (" Môi trường Python thiếu thành phần: chạy lại lệnh cài đặt (Windows: xoá thư "
                  "mục .venv rồi bấm đúp lib03.cmd; Linux, macOS: make report).") if missing \
            else ""
        raise NotebookFailed(source.name, None, "", f"{type(exc).__name__}: {exc}.{advice}"
                             ) from exc
    return scrub(nbformat.read(target, as_version=4), target, final_paths or {})


def _quiet_kernel_manager() -> type:
    """A kernel manager whose kernel does not print to the analyst's terminal.

    The kernel's own start-up notices (in English) are noise there; what a notebook prints
    comes back through Jupyter's messages and stays in the executed notebook.
    """
    from jupyter_client.manager import AsyncKernelManager

    class QuietKernelManager(AsyncKernelManager):
        async def _async_launch_kernel(self, kernel_cmd, **kw):
            kw.setdefault("stderr", subprocess.DEVNULL)
            return await super()._async_launch_kernel(kernel_cmd, **kw)

    return QuietKernelManager


def scrub(nb: nbformat.NotebookNode, path: Path,
          final_paths: dict[str, str]) -> nbformat.NotebookNode:
    """Drop run times from an executed notebook so the same inputs give the same bytes, and
    point its parameters at the published folder rather than the staging one."""
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"  # papermill gives it a random id each run
            for old, new in final_paths.items():
                cell.source = cell.source.replace(old, new)
    nbformat.write(nb, path)
    return nb


def _saved_paths(params: dict, stage: Path, final: Path) -> dict[str, str]:
    """How the paths in a notebook's saved parameters are rewritten: relative to the folder
    the executed copy ends up in (reports/<kỳ>/so_tay/), so a report carries no path of the
    machine that made it and still opens in Jupyter where it is (or where it is copied along
    with its data). Longest first: a path is never rewritten inside a longer one."""
    home = final / "so_tay"
    rewrites: dict[str, str] = {}
    for key in ("charts_dir", "processed_dir", "settings_file"):
        value = params.get(key)
        if not value:
            continue
        target = Path(value.replace(str(stage), str(final), 1))
        try:
            relative = os.path.relpath(target, home)
        except ValueError:  # another drive on Windows: the absolute path stays
            continue
        for form in (value, value.replace("\\", "\\\\")):  # as written, and as escaped
            rewrites[form] = relative.replace("\\", "/")
    return dict(sorted(rewrites.items(), key=lambda kv: -len(kv[0])))


def title_of(nb: nbformat.NotebookNode, fallback: str) -> str:
    """The notebook's first Markdown heading."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def recover(reports_dir: Path, period: str) -> None:
    """Finish or undo what a run killed half-way left behind, with no manual step. The
    caller holds the reports folder's lock (`lib03.runlock`): any staging folder there is
    a dead run's."""
    final, old = reports_dir / period, reports_dir / f".{period}.cu"
    if old.exists() and not final.exists():
        old.rename(final)  # killed between the two renames: the previous report comes back
    shutil.rmtree(old, ignore_errors=True)
    for stale in reports_dir.glob(f".{period}.dang-viet*"):
        shutil.rmtree(stale, ignore_errors=True)


def publish(stage: Path, final: Path) -> None:
    """Move the finished staging folder into place, replacing the previous report."""
    old = final.parent / f".{final.name}.cu"
    if final.exists():
        final.rename(old)
    stage.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def build_report(processed_dir: Path, reports_dir: Path, settings: Settings,
                 period: str | None = None, deadline: str | None = None,
                 notebooks_dir: Path = NOTEBOOKS_DIR,
                 settings_file: Path | None = None,
                 companions: Sequence[Callable[[PeriodFacts, Path], object]] = (),
                 draft_template: Path = DRAFT_TEMPLATE) -> ReportResult:
    """Run every notebook for a period and write the report folder; returns what was written.

    Each of `companions` writes more files into the report folder from the period's figures
    (the pre-filled templates sent with the letters come from the forms wing this way); they
    are staged and published with the rest, or not at all.
    """
    from lib03.report.metrics import load_tables

    tables = load_tables(processed_dir)
    period = choose_period(tables, period)
    if deadline:
        settings = settings.with_overrides(deadlines={period: deadline})
    reports_dir.mkdir(parents=True, exist_ok=True)
    recover(reports_dir, period)
    # A staging folder of this run's own: no run ever deletes another's work.
    stage = Path(tempfile.mkdtemp(prefix=f".{period}.dang-viet-", dir=reports_dir))
    (stage / "so_tay").mkdir()
    final = reports_dir / period
    failed_notebook = None

    def run(source: Path) -> nbformat.NotebookNode:
        nonlocal failed_notebook
        charts = stage / "charts" if source.name.startswith(CHARTS_NOTEBOOK) else None
        params = parameters(period, processed_dir.resolve(), settings, charts,
                            settings.deadline(period), settings_file)
        log.info("Đang chạy sổ tay %s", source.name)
        try:
            return run_notebook(source, stage / "so_tay" / source.name, params,
                                _saved_paths(params, stage, final))
        except NotebookFailed:
            failed_notebook = failed_notebook or source.name
            raise

    try:
        sources = notebooks(notebooks_dir)
        # The notebooks are independent: each in its own kernel, side by side on the cores,
        # the chart notebook (the longest) first.
        order = sorted(sources, key=lambda p: not p.name.startswith(CHARTS_NOTEBOOK))
        with ThreadPoolExecutor(max_workers=report_workers(len(order))) as pool:
            executed = dict(zip(order, pool.map(run, order), strict=True))
        sections = []
        for source in sources:
            nb = executed[source]
            title = title_of(nb, source.stem)
            body = notebook_body(nb)
            page = stage / f"{source.stem}.html"
            _write_text(page, notebook_page(title, period, body, settings))
            sections.append((source.stem, title, body))
        # The notebooks ran in their own kernels; the workbook and the front page share one
        # set of the period's figures here.
        facts = PeriodFacts.build(tables, period, settings)
        write_summary(facts, stage / "bang_tong_hop.xlsx")
        write_draft(facts, stage / draft_file_name(period), draft_template)
        write_letters(facts, stage / LETTERS_FOLDER, settings.resend_by or None)
        for companion in companions:
            companion(facts, stage)
        _write_text(stage / "index.html", index_page(facts, sections, __version__))
    except BaseException as exc:
        failed = reports_dir / f"{period}.loi"  # kept for the analyst to look at the failure
        shutil.rmtree(failed, ignore_errors=True)
        if stage.exists():
            stage.rename(failed)
        if isinstance(exc, NotebookFailed) and failed_notebook:
            raise NotebookFailed(exc.notebook, exc.cell, exc.cell_start, exc.error,
                                 str(failed / "so_tay" / exc.notebook)) from exc
        raise
    publish(stage, final)
    shutil.rmtree(reports_dir / f"{period}.loi", ignore_errors=True)
    return ReportResult(
        period, final, final / "index.html",
        [final / f"{stem}.html" for stem, _, _ in sections],
        sorted((final / "charts").glob("*")) if (final / "charts").exists() else [])


def report_workers(notebook_count: int) -> int:
    """Kernels run at once: one per core, at most one per notebook.

    >>> report_workers(1)
    1
    """
    return max(1, min(os.cpu_count() or 1, notebook_count))


def _write_text(path: Path, text: str) -> None:
    # The staging folder is itself the atomic unit; a plain write inside it is enough.
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())

