"""``{{ share|pct }}``: a share (0-1) as a Vietnamese percentage with one decimal ("85,3 %"), "—" when None."""

from __future__ import annotations

from django import template

from cchc.common.numbers import vi_number

register = template.Library()


@register.filter
def pct(value: float | None) -> str:
    if value is None or value == "":
        return "—"
    return vi_number(float(value) * 100, 1) + " %"
