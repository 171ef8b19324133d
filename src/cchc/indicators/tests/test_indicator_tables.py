"""The rows of a dashboard table written by the ``table_rows`` tag: the markup the template loop wrote."""

from __future__ import annotations

from django.template import Context, Template

from cchc.indicators.exports import Cell, Row, Table

# the loop ``indicators/_table.html`` had before the tag (the markup the pages and their tests expect)
LOOP = Template(
    """{% for row, cells in table.display_rows %}
    {% if row.heading %}
    <tr class="group-row"><th scope="colgroup" colspan="{{ table.headers|length }}">{{ row.heading }}</th></tr>
    {% else %}
    <tr{% if row.css %} class="{{ row.css }}"{% endif %}>
      {% for header, cell in cells %}<td{% if cell.numeric %} class="num"{% endif %} data-label="{{ header }}">"""
    """{% if cell.href %}<a href="{{ cell.href }}">{{ cell.text }}</a>{% else %}{{ cell.text }}{% endif %}</td>"""
    """{% endfor %}
    </tr>
    {% endif %}
    {% empty %}
    <tr><td colspan="{{ table.headers|length }}" class="empty">Không có dòng nào.</td></tr>
    {% endfor %}"""
)
TAG = Template("{% load indicator_tables %}{% table_rows table %}")


def _both(table: Table) -> tuple[str, str]:
    context = Context({"table": table})
    return LOOP.render(context), TAG.render(context)


def test_the_tag_writes_what_the_template_loop_wrote() -> None:
    table = Table(key="thu", title="Bảng thử", headers=["Cơ quan", 'Điểm <đo> & "được"', "Tỷ lệ"])
    table.rows = [
        Row([], heading="Nhóm 1: <b>18,00</b>/18 điểm"),
        Row(
            [
                Cell.of("Sở Tư pháp", href="/chi-so/co-quan/so-tu-phap/?ky=2025-Q3&co-cau=hien-tai"),
                Cell(text="78,85", value=78.85, numeric=True),
                Cell(text="N/A", value=None, numeric=True),
            ]
        ),
        Row([Cell.of("<script>alert(1)</script>"), Cell(text="—"), Cell.of("a & b")], css="no-data"),
        Row([Cell.of("thiếu ô")]),  # fewer cells than headers, as zip() pairs them
    ]
    loop, tag = _both(table)
    assert tag == loop
    assert "&lt;script&gt;" in tag
    assert "?ky=2025-Q3&amp;co-cau=hien-tai" in tag
    assert 'data-label="Điểm &lt;đo&gt; &amp; &quot;được&quot;"' in tag


def test_an_empty_table_says_so() -> None:
    loop, tag = _both(Table(key="rong", title="Rỗng", headers=["A", "B"]))
    assert tag == loop
    assert 'colspan="2" class="empty">Không có dòng nào.' in tag
