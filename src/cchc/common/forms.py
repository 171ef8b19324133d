"""The base of the platform's page forms (staff consoles and public pages alike)."""

from __future__ import annotations

from django import forms


class ConsoleForm(forms.Form):
    """Adds ``aria-invalid`` and ``aria-describedby`` to fields with errors (error summary links to them:
    the template gives each field's message the id ``<field>-loi``)."""

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["aria-invalid"] = "true"
                widget.attrs["aria-describedby"] = f"{self.add_prefix(name)}-loi"
