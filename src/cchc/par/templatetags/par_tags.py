"""Template filters of the PAR pages: points and percents written the Vietnamese way ("7,5")."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from cchc.common.numbers import vi_number
from cchc.par.services import fmt_points

register = template.Library()


@register.filter
def points(value: Decimal | None) -> str:
    return fmt_points(value)


@register.filter
def percent(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return vi_number(value, 2) + " %"


@register.filter
def anchor(code: str) -> str:
    return "tc-" + str(code).replace(".", "-")


@register.filter
def get(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key, "") if mapping else ""


@register.filter
def input_points(value: Decimal | None) -> str:
    """A value for a number field: "7,5", empty when unset."""
    return "" if value is None else fmt_points(value)
