"""The rows of a dashboard table (:class:`cchc.indicators.exports.Table`), written in Python.

A province dashboard shows about 1,000 cells (the rankings of some 80 agencies, the trend, the
indicators); a template loop spends a few microseconds per tag and variable on each, which made the
rows a quarter of the page's time. This tag writes the same markup, escaped the same way, at a
fraction of the cost; ``indicators/_table.html`` keeps the rest of the table.
"""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from cchc.indicators.exports import Table

register = template.Library()


@register.simple_tag
def table_rows(table: Table) -> SafeString:
    """The ``<tr>`` of every row: a heading row spans the table; each cell is labelled with its column
    header (``data-label``, the phone layout), numbers are right-aligned (``num``), links kept."""
    width = len(table.headers)
    if not table.rows:
        return mark_safe(f'\n    <tr><td colspan="{width}" class="empty">Không có dòng nào.</td></tr>\n    ')
    headers = [conditional_escape(h) for h in table.headers]
    parts: list[str] = []
    for row in table.rows:
        if row.heading:
            parts.append(
                f'\n    \n    <tr class="group-row"><th scope="colgroup" colspan="{width}">'
                f"{conditional_escape(row.heading)}</th></tr>\n    \n    "
            )
            continue
        css = f' class="{conditional_escape(row.css)}"' if row.css else ""
        cells = []
        for header, cell in zip(headers, row.cells, strict=False):
            text: str = conditional_escape(cell.text)
            if cell.href:
                text = f'<a href="{conditional_escape(cell.href)}">{text}</a>'
            num = ' class="num"' if cell.numeric else ""
            cells.append(f'<td{num} data-label="{header}">{text}</td>')
        parts.append(f"\n    \n    <tr{css}>\n      {''.join(cells)}\n    </tr>\n    \n    ")
    return mark_safe("".join(parts))  # every value above is escaped
