"""``{{ share|pct }}``: a share (0-1) as a Vietnamese percentage with one decimal ("85,3 %"), "—" when None."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def pct(value: float | None) -> str:
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.1f}".replace(".", ",") + " %"
