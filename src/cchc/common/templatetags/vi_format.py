"""``{{ value|so }}`` / ``{{ value|so:1 }}``: a number in the Vietnamese format (cchc.common.numbers)."""

from __future__ import annotations

from typing import Any

from django import template

from cchc.common.numbers import vi_number

register = template.Library()


@register.filter(name="so")
def so(value: Any, places: Any = None) -> str:
    try:
        decimals = int(places) if places not in (None, "") else None
    except (TypeError, ValueError):
        decimals = None
    return vi_number(value, decimals)
