"""The one-screen summary at the top of `index.html` (and its first printed page).

A secretary reads the key numbers before anything else: how many units reported, the
headline rates and their change, the Đảng bộ flagged on inspection, and the files the units
must send again. Each figure links to the section that explains it. Every number comes from
the period's `PeriodFacts`, as the rest of the report does, so the summary cannot disagree
with the tables below it.
"""

from __future__ import annotations

import html

from lib03.report.facts import PeriodFacts
from lib03.report.formatting import (
    format_change,
    format_number,
    format_percent,
    headline_rates,
)
from lib03.report.metrics import DISTRICT

MAX_NAMED = 6  # flagged Đảng bộ named in the summary; the full list is in section 3


def _link(sections: dict[str, str], prefix: str, text: str) -> str:
    """A link to the section whose notebook name starts with `prefix`, or the bare text."""
    stem = next((s for s in sections if s.startswith(prefix)), None)
    if stem is None:
        return text
    return f'<a href="#{html.escape(stem)}">{text}</a>'


def _card(value: str, label: str, note: str = "") -> str:
    note_html = f'<span class="ghi">{note}</span>' if note else ""
    return (f'<div class="o"><span class="so">{html.escape(value)}</span>'
            f'<span class="nhan">{label}</span>{note_html}</div>')


def overview_section(facts: PeriodFacts, sections: dict[str, str]) -> str:
    """The summary box; `sections` maps each section's id (notebook name) to its title."""
    d = facts.reporting_rates.set_index("group").loc[DISTRICT]
    reported = (f"{format_number(d['reported'])}/{format_number(d['expected'])}")
    on_time = f"{format_number(d['on_time'])} nộp đúng hạn ({format_percent(d['on_time_rate'])})"
    flagged = facts.flagged
    names = [html.escape(n) for n in flagged["short_name"].head(MAX_NAMED)]
    more = len(flagged) - len(names)
    named = ", ".join(names) + (f" và {more} Đảng bộ khác" if more > 0 else "")
    unusable = len(facts.quarantined)
    warned = facts.warned_files
    cards = "".join([
        _card(reported, _link(sections, "02_", "tổ chức cơ sở đảng đã gửi báo cáo dùng được"),
              html.escape(f"{format_percent(d['reporting_rate'])}; {on_time}")),
        _card(format_number(len(flagged)),
              _link(sections, "03_", "Đảng bộ yếu về kiểm tra, giám sát chi bộ trực thuộc"),
              named),
        _card(format_number(unusable),
              _link(sections, "01_", "tệp không dùng được, cần đơn vị gửi lại"),
              html.escape(f"và {format_number(warned)} tệp có cảnh báo cần xem")),
    ])
    return (f'<section class="tom-tat" id="tom-tat"><h2>Tóm tắt kỳ {html.escape(facts.label)}'
            f'</h2><div class="o-so">{cards}</div>{_rates_table(facts, sections)}</section>\n')


def _rates_table(facts: PeriodFacts, sections: dict[str, str]) -> str:
    """The headline rates of the district with their change since the previous period."""
    changes = facts.group_changes
    district = changes[changes["group"] == DISTRICT].set_index("rate")
    before = (f"Thay đổi so với {html.escape(facts.before.label)}" if facts.before is not None
              else "Thay đổi so với kỳ trước")
    rows = []
    for rate in headline_rates():
        if rate.id not in district.index:
            continue
        r = district.loc[rate.id]
        rows.append(f"<tr><th>{html.escape(rate.label)}</th>"
                    f'<td class="so">{html.escape(format_percent(r["value"]))}</td>'
                    f'<td class="so">{html.escape(format_change(r["change"]))}</td></tr>')
    head = (f'<thead><tr><th>{_link(sections, "02_", "Tỷ lệ chính của toàn huyện")}</th>'
            f"<th>Kỳ này</th><th>{before}</th></tr></thead>")
    return f'<table class="bang ty-le-chinh">{head}<tbody>{"".join(rows)}</tbody></table>'
