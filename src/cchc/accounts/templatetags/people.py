"""``{% load people %}``: ``{{ user|person_name }}``, a staff member's full name as written."""

from __future__ import annotations

from typing import Any

from django import template

from cchc.accounts.names import person_name as _person_name

register = template.Library()


@register.filter
def person_name(user: Any) -> str:
    """The full name of ``user`` (one field, never reordered), or the login."""
    return _person_name(user)
