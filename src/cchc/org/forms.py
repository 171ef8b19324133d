"""Form fields for choosing an agency."""

from __future__ import annotations

from typing import Any

from django import forms


class AgencyChoiceField(forms.ModelChoiceField):
    """A choice of agency, each shown by its name (the queryset is the caller's)."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)
