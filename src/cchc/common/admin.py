"""The admin's answer to ids it cannot read: 404, never a server error.

simple-history's history pages pass the URL's object id straight to a query (``/admin/…/NaN/history/``
raised), and an add page passes its query string to the form as initial values, which an autocomplete
widget then queries (``/admin/program/target/add/?program=²`` raised). :class:`HistoryAdmin` is
``SimpleHistoryAdmin`` with both guarded by :mod:`cchc.common.params`, and its autocomplete widgets
show a posted non-id as empty (the form then says the field is invalid).
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin

from cchc.common.params import id_or_none


def _integer_key(field: Any) -> bool:
    return isinstance(field, models.IntegerField | models.AutoField | models.BigAutoField)


class IdAutocompleteSelect(AutocompleteSelect):
    """The admin's autocomplete for an integer key: a posted value that is not an id is shown as empty
    (Django queries the selected values as they were posted, and ``"²"`` raised)."""

    def optgroups(self, name: str, value: Any, attr: Any = None) -> Any:
        value = [v for v in value if v in (None, "") or id_or_none(str(v)) is not None]
        return super().optgroups(name, value, attr)


class HistoryAdmin(SimpleHistoryAdmin):  # type: ignore[type-arg]
    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            if _integer_key(db_field.target_field):
                kwargs["widget"] = IdAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        if _integer_key(self.model._meta.pk) and id_or_none(unquote(object_id)) is None:
            raise Http404("Không có bản ghi này.")
        return super().history_view(request, object_id, extra_context)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        for name, value in list(initial.items()):
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            target = field.target_field if field.is_relation and field.concrete else None
            if target is not None and _integer_key(target):
                values = value if isinstance(value, list) else str(value).split(",")
                if any(id_or_none(v) is None for v in values):
                    del initial[name]  # not an id: the form starts empty rather than querying it
        return initial
