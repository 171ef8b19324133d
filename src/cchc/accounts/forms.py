"""Form fields for choosing a staff member."""

from __future__ import annotations

from typing import Any

from django import forms

from cchc.accounts.names import person_name


class UserChoiceField(forms.ModelChoiceField):
    """A choice of staff member, shown by full name as written and login: "Nguyễn Thị Lan (lan.nt)"."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{person_name(obj)} ({obj.get_username()})"
