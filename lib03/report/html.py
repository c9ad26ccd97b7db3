"""The report's HTML pages: executed notebooks exported without code, inside our own page.

nbconvert's full templates load require.js and MathJax from a CDN; the *basic* template
writes only the cells, so the page around them (and its CSS) is ours and fetches nothing.
"""

from __future__ import annotations

import html
from functools import cache

import nbformat

from lib03.config import OVERRIDABLE, PACKAGE_DIR, SETTINGS_TABLE, Settings
from lib03.report.facts import PeriodFacts
from lib03.report.formatting import flags, format_date, format_number, period_label, rates
from lib03.report.overview import overview_section

_LANG = "vi"


@cache
def _css() -> str:
    return (PACKAGE_DIR / "assets" / "report.css").read_text(encoding="utf-8")


def notebook_body(nb: nbformat.NotebookNode) -> str:
    """The cells of an executed notebook as HTML: Markdown and outputs, no code, no prompts.

    Warnings a library printed while running (stderr) stay in the executed notebook and out
    of the report.
    """
    from nbconvert import HTMLExporter

    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.get("outputs", [])
                            if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    exporter = HTMLExporter(template_name="basic", exclude_input=True,
                            exclude_input_prompt=True, exclude_output_prompt=True,
                            embed_images=True)
    body, _ = exporter.from_notebook_node(nb)
    return body


def _page(title: str, content: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="{_LANG}">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(title)}</title>\n<style>\n{_css()}</style>\n</head>\n"
            f"<body>\n{content}\n</body>\n</html>\n")


def _header(period: str, settings: Settings, subtitle: str = "") -> str:
    sub = f"<p>{html.escape(subtitle)}</p>" if subtitle else ""
    return ('<header class="dau">'
            f"<h1>Sơ kết thực hiện Chỉ thị 03-CT/TW — {html.escape(period_label(period))}</h1>"
            f"<p>Đảng bộ {html.escape(settings.district)}</p>{sub}</header>")


def notebook_page(title: str, period: str, body: str, settings: Settings) -> str:
    """One notebook as its own self-contained page."""
    content = (f"{_header(period, settings, title)}\n"
               '<nav class="muc-luc"><p><a href="index.html">← Trang chính của báo cáo</a>'
               f"</p></nav>\n<main>\n{body}\n</main>")
    return _page(f"{title} — {period_label(period)}", content)


def settings_used(settings: Settings, period: str) -> list[tuple[str, str]]:
    """The settings a report was made with, as label/value pairs."""
    # Labels and the way each value is shown come from domain/settings.csv (`shown`, with the
    # number of decimals in `digits`); a threshold with no `shown` is part of another's line.
    values = {name: format_number(getattr(settings, name)) for name in OVERRIDABLE}
    shown = [(row["label"], row["shown"].format(
                **values, value=format_number(getattr(settings, name),
                                              int(row["digits"] or 0))))
             for name, row in SETTINGS_TABLE.items() if name in OVERRIDABLE and row["shown"]]
    return [("Hạn nộp báo cáo của kỳ", format_date(settings.deadline(period))), *shown]


def method_section(settings: Settings) -> str:
    """How every number is made, inside the report itself: an emailed index.html travels
    without the docs folder."""
    items = "".join(
        f"<li><b>{html.escape(r.label)}</b> = {html.escape(r.numerator_label)} ÷ "
        f"{html.escape(r.denominator_label)}"
        f"{' (chỉ Đảng bộ cơ sở)' if r.scope == 'dang_bo_co_so' else ''}.</li>"
        for r in rates())
    rules = "".join(f"<li><b>{html.escape(f['label'])}</b>: "
                    f"{html.escape(_rule_text(code, settings))}</li>"
                    for code, f in flags().items())
    return (
        '<section class="phan" id="cach-tinh"><h1>Cách tính các con số</h1>'
        f"<ul>{items}</ul>"
        "<p>Tỷ lệ của một khối hay toàn huyện là <b>tổng tử số ÷ tổng mẫu số</b> của các đơn vị "
        "có đủ cả hai số (không lấy trung bình các tỷ lệ). Đơn vị ghi tử số lớn hơn mẫu số (tỷ lệ "
        "trên 100 %, số liệu mâu thuẫn) giữ nguyên tỷ lệ của mình nhưng không được cộng vào tỷ "
        "lệ chung, và được liệt kê để hỏi lại. Mẫu số bằng 0 hoặc thiếu thì tỷ lệ "
        "để trống («–»), không phải 0 %. Ô để trống trong báo cáo của đơn vị là thiếu số liệu, "
        "không phải số 0. Số liệu giữ đúng như đơn vị ghi; số mâu thuẫn (ví dụ số đăng ký lớn "
        "hơn tổng số đảng viên) được giữ và nêu trong phần Chất lượng số liệu.</p>"
        "<p>Một Đảng bộ cơ sở đã báo cáo bị đánh dấu yếu về kiểm tra, giám sát khi có ít nhất "
        f"một điều sau:</p><ul>{rules}</ul></section>\n")


def _rule_text(code: str, settings: Settings) -> str:
    """The rule behind a flag (domain/flags.csv), with this run's thresholds."""
    return flags()[code]["rule"].format(
        coverage_min=format_number(settings.coverage_min),
        followup_min=format_number(settings.followup_min),
        overdue_days=settings.overdue_days)


def index_page(facts: PeriodFacts, sections: list[tuple[str, str, str]], version: str) -> str:
    """The report's front page: what it covers, the settings used, links, then every section
    inline so that this one file is the whole report."""
    period, settings = facts.period, facts.settings
    newest, usable = facts.newest_report_date, facts.usable_reports
    rows = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
                   for k, v in settings_used(settings, period))
    # The sections are all inside this page, so the contents link nowhere else: a page
    # emailed alone has no dead link. The titles carry their own numbers ("1. …").
    toc = "".join(f'<li><a href="#{html.escape(stem)}">{html.escape(title)}</a></li>'
                  for stem, title, _ in sections)
    toc += '<li><a href="#cach-tinh">Cách tính các con số</a></li>'
    body = "".join(f'<section class="phan" id="{html.escape(stem)}">\n{content}\n</section>\n'
                   for stem, _, content in sections)
    intro = (f"Số liệu: {format_number(usable)} báo cáo dùng được của kỳ {period}; báo cáo "
             f"mới nhất ghi ngày {format_date(newest)}.")
    attention = "".join(f"<li>{html.escape(line)}</li>" for line in facts.attention)
    content = (
        f"{_header(period, settings, intro)}\n"
        + overview_section(facts, {stem: title for stem, title, _ in sections})
        + (f'<section class="can-xem"><h2>Cần xem ngay</h2><ul>{attention}</ul></section>\n'
           if attention else "")
        + '<nav class="muc-luc"><h2>Nội dung</h2>'
        f'<ul class="muc">{toc}</ul>'
        '<p class="di-kem"><b>Tệp đi kèm</b> (nằm cạnh trang này trong thư mục báo cáo '
        f"reports/{html.escape(period)}/; gửi riêng trang này thì người nhận không có chúng, "
        "nhưng mọi số liệu đã có đủ trong trang): <code>bang_tong_hop.xlsx</code> (bảng số "
        "liệu để dán vào văn bản), thư mục <code>charts/</code> (biểu đồ PNG 200 dpi và SVG "
        "cho trình chiếu), thư mục <code>so_tay/</code> (sổ tay đã chạy, mở bằng Jupyter), "
        "và mỗi phần dưới đây thành một trang riêng (<code>01_….html</code>…).</p>"
        "<h2>Thiết lập đã dùng</h2>"
        f'<table class="thiet-lap"><tbody>{rows}</tbody></table>'
        "</nav>\n"
        f"<main>\n{body}{method_section(settings)}</main>\n"
        f"<footer>Lập bằng lib03 {html.escape(version)}. Chạy lại «lib03 report --period "
        f"{period}» (trên Windows: bấm đúp lib03.cmd) với cùng dữ liệu gốc và cùng thiết lập "
        "cho ra đúng báo cáo này, từng byte.</footer>")
    return _page(f"Sơ kết Chỉ thị 03 — {period_label(period)}", content)
