"""What the notebooks call: the run's context from the parameters cell, and output helpers.

Notebooks stay thin: they read a `Context`, call metrics, checks and charts, and show the
results through the helpers here, which only ever emit escaped HTML and embedded images, so
the exported report needs no script and no file beside it.
"""

from __future__ import annotations

import base64
import html
import io
import logging
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from lib03.config import OVERRIDABLE, PROCESSED_DIR, Settings, load_settings
from lib03.errors import ReportError
from lib03.report.formatting import period_label
from lib03.report.metrics import load_tables, periods_in, previous_of
from lib03.report.present import Shown, bullets, paragraph, to_html

log = logging.getLogger(__name__)

# Inline figures are for reading on screen; the 200 dpi files are for slides.
SCREEN_DPI = 100


@dataclass
class Context:
    """Everything a notebook needs: the period, the tables, the settings of this run."""

    period: str
    previous: str | None
    tables: dict[str, pd.DataFrame]
    settings: Settings
    charts_dir: Path | None

    @property
    def label(self) -> str:
        return period_label(self.period)


def choose_period(tables: dict[str, pd.DataFrame], period: str | None) -> str:
    """The period asked for, or the latest one in the data; a Vietnamese error otherwise."""
    periods = periods_in(tables)
    if not periods:
        raise ReportError("Số liệu đã làm sạch không có kỳ báo cáo nào: thư mục data/raw chưa "
                          "có thư mục kỳ (ví dụ 2014-H1) chứa tệp báo cáo.")
    if period is None:
        # The latest period with a usable report: a folder holding only a stray file must not
        # turn the default report into an empty one.
        subs = tables["submissions"]
        usable = sorted(set(subs.loc[subs["status"] == "ok", "period"]))
        return usable[-1] if usable else periods[-1]
    if period not in periods:
        raise ReportError(f"Không có số liệu của kỳ {period}; các kỳ có số liệu: "
                          f"{', '.join(periods)}.")
    return period


def setup(period: str | None = None, processed_dir: str | Path | None = None,
          charts_dir: str | Path | None = None, deadline: str | None = None,
          **thresholds: float | None) -> Context:
    """Build the run's context from a notebook's parameters."""
    unknown = set(thresholds) - set(OVERRIDABLE)
    if unknown:
        raise ReportError(f"Tham số không có: {', '.join(sorted(unknown))}")
    tables = load_tables(Path(processed_dir) if processed_dir else PROCESSED_DIR)
    period = choose_period(tables, period)
    overrides = dict(thresholds)
    if deadline:
        overrides["deadlines"] = {period: deadline}
    settings = load_settings().with_overrides(**overrides)
    return Context(period, previous_of(tables, period), tables, settings,
                   Path(charts_dir) if charts_dir else None)


def _show(markup: str) -> None:
    from IPython.display import HTML, display

    display(HTML(markup))


def show_table(shown: Shown, *, empty: str = "Không có dòng nào.") -> None:
    """Show a table (escaped) in the notebook."""
    _show(to_html(shown, empty=empty))


def show_heading(text: str, level: int = 2) -> None:
    """A heading made of data (the period's name), escaped."""
    _show(f"<h{level}>{html.escape(text)}</h{level}>")


def show_text(*sentences: str) -> None:
    """Show generated sentences as escaped paragraphs."""
    _show("".join(paragraph(s) for s in sentences))


def show_list(items: list[str], *, empty: str) -> None:
    """Show an escaped bullet list, or a sentence when there is nothing to list."""
    _show(bullets(items) if items else paragraph(empty))


def figure_html(fig, alt: str) -> str:
    """A figure as an embedded PNG <img> with its alternative text."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=SCREEN_DPI, metadata={"Software": None})
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return (f'<figure><img src="data:image/png;base64,{data}" alt="{html.escape(alt)}">'
            f"<figcaption>{html.escape(alt)}</figcaption></figure>")


def show_figure(ctx: Context, fig, name: str, alt: str) -> None:
    """Show a chart in the notebook and, when the run has a charts folder, save it for slides.

    Returns nothing, so the last line of a cell adds no stray output to the report.
    """
    from matplotlib import pyplot as plt

    from lib03.report.charts import save_chart

    # A chart pasted into a slide must still say which period and whose data it shows.
    fig.text(0.995, 0.004, f"Đảng bộ {ctx.settings.district} — {ctx.label}", ha="right",
             va="bottom", fontsize=9, color="#607d8b", parse_math=False)
    if ctx.charts_dir:
        save_chart(fig, ctx.charts_dir, name)
    _show(figure_html(fig, alt))
    plt.close(fig)
