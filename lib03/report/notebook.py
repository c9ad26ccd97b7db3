"""What the notebooks call: the run's context from the parameters cell, and output helpers.

Notebooks stay thin: one `setup(globals())` after the parameters cell gives a `Context` whose
`facts` hold every figure of the period (`PeriodFacts`, each computed once); the notebook shows
them through `present`, `charts` and the helpers here, which only ever emit escaped HTML and
embedded images, so the exported report needs no script and no file beside it.
"""

from __future__ import annotations

import base64
import html
import io
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from lib03.config import CHECKOUT, OVERRIDABLE, SETTINGS_TABLE, Home, load_settings
from lib03.errors import ReportError
from lib03.report.facts import PeriodFacts
from lib03.report.metrics import load_tables, periods_in
from lib03.report.present import Shown, bullets, paragraph, to_html

log = logging.getLogger(__name__)

# Inline figures are for reading on screen; the 200 dpi files are for slides.
SCREEN_DPI = 100


# The names of a notebook's parameters cell, which papermill sets (`build.parameters`).
PARAMETERS = ("period", "processed_dir", "charts_dir", "deadline", "settings_file",
              *OVERRIDABLE)


# What a notebook's own parameters say; the thresholds' words come from domain/settings.csv.
_FIXED_HELP = {
    "period": 'kỳ báo cáo, ví dụ "2014-H1"; None: kỳ mới nhất có số liệu',
    "processed_dir": "thư mục số liệu đã làm sạch; None: data/processed của thư mục làm việc",
    "charts_dir": "thư mục ghi biểu đồ PNG/SVG; None: không ghi tệp",
    "deadline": 'hạn nộp của kỳ, ví dụ "2014-06-25"; None: theo settings.toml',
    "settings_file": "tệp settings.toml; None: của thư mục làm việc, không có thì mặc định",
}


def parameters_cell() -> str:
    """The text of every report notebook's first cell (tagged `parameters`), made from the
    parameter names and domain/settings.csv: a test keeps the notebooks equal to it."""
    def line(name: str, help_text: str) -> str:
        return f"{name} = None".ljust(22) + f" # {help_text}"

    return "\n".join([
        "# Tham số (lệnh «lib03 report» điền các giá trị này; để None là dùng mặc định)",
        *(line(name, text) for name, text in _FIXED_HELP.items()),
        "# Ngưỡng (None: theo settings.toml; ý nghĩa: lib03/domain/settings.csv)",
        *(line(name, SETTINGS_TABLE[name]["help"]) for name in OVERRIDABLE),
    ])


def _working_folder() -> Home:
    """The working folder of a notebook opened by hand: the folder itself, or the one above
    its notebooks/ folder; else this checkout."""
    here = Path.cwd()
    for root in (here, here.parent):
        if (root / "data" / "processed").is_dir():
            return Home(root)
    return CHECKOUT


@dataclass(frozen=True)
class Context:
    """Everything a notebook needs: the period's figures and where its charts go."""

    facts: PeriodFacts
    charts_dir: Path | None  # None: charts are shown, not written to files


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


def setup(parameters: Mapping[str, object]) -> Context:
    """Build the run's context from a notebook's parameters: ``ctx = setup(globals())``.

    Papermill sets the parameters as the notebook's variables, so the notebook hands over its
    namespace and setup picks the names in PARAMETERS (one missing, or None: the default).
    """
    given = {name: parameters.get(name) for name in PARAMETERS}
    processed_dir, charts_dir = given["processed_dir"], given["charts_dir"]
    home = _working_folder() if not (processed_dir and given["settings_file"]) else None
    tables = load_tables(Path(processed_dir) if processed_dir else home.processed)
    period = choose_period(tables, given["period"])
    overrides: dict[str, object] = {name: given[name] for name in OVERRIDABLE}
    if given["deadline"]:
        overrides["deadlines"] = {period: given["deadline"]}
    file = Path(given["settings_file"]) if given["settings_file"] else home.settings_file
    settings = load_settings(file).with_overrides(**overrides)
    return Context(PeriodFacts.build(tables, period, settings),
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
    facts = ctx.facts
    fig.text(0.995, 0.004, f"Đảng bộ {facts.settings.district} — {facts.label}", ha="right",
             va="bottom", fontsize=9, color="#607d8b", parse_math=False)
    if ctx.charts_dir:
        save_chart(fig, ctx.charts_dir, name)
    _show(figure_html(fig, alt))
    plt.close(fig)
