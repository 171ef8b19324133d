"""Admin for the override table and office hours; every save or delete bumps the calendar version.

Writes go through the services (never ``obj.save()`` directly) so that each process rebuilds its
cached day tables and the change is visible to ``cchc calendar due`` at once.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from cchc.calendars.constants import WEEKDAY_CHOICES, WEEKDAY_NAMES
from cchc.calendars.models import CalendarOverride, OfficeHours
from cchc.calendars.services import (
    calendar_override_delete,
    calendar_override_save,
    calendar_version_bump,
    office_hours_delete,
    office_hours_save,
)
from cchc.common.admin import HistoryAdmin


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(HistoryAdmin):
    list_display = ["day", "weekday", "kind", "agency", "legal_basis", "updated_at"]
    list_filter = ["kind", ("agency", admin.EmptyFieldListFilter)]
    search_fields = ["legal_basis", "note", "agency__name"]
    date_hierarchy = "day"
    autocomplete_fields = ["agency"]
    fields = ["day", "kind", "agency", "legal_basis", "note"]

    @admin.display(description="thứ")
    def weekday(self, obj: CalendarOverride) -> str:
        return WEEKDAY_NAMES[obj.day.weekday()]

    def save_model(self, request: HttpRequest, obj: CalendarOverride, form: Any, change: bool) -> None:
        calendar_override_save(override=obj)

    def delete_model(self, request: HttpRequest, obj: CalendarOverride) -> None:
        calendar_override_delete(override=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarOverride]) -> None:
        with transaction.atomic():
            super().delete_queryset(request, queryset)
            calendar_version_bump()


class OfficeHoursForm(forms.ModelForm):
    weekdays = forms.MultipleChoiceField(
        label="Ngày làm việc trong tuần", choices=WEEKDAY_CHOICES, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = OfficeHours
        fields = ["agency", "weekdays", "morning_start", "morning_end", "afternoon_start", "afternoon_end", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance and self.instance.weekdays:
            self.initial["weekdays"] = list(self.instance.weekdays)

    def clean_weekdays(self) -> str:
        return "".join(sorted(set(self.cleaned_data["weekdays"])))


@admin.register(OfficeHours)
class OfficeHoursAdmin(HistoryAdmin):
    form = OfficeHoursForm
    list_display = ["__str__", "weekday_names", "updated_at"]
    autocomplete_fields = ["agency"]

    def save_model(self, request: HttpRequest, obj: OfficeHours, form: Any, change: bool) -> None:
        office_hours_save(office_hours=obj)

    def delete_model(self, request: HttpRequest, obj: OfficeHours) -> None:
        office_hours_delete(office_hours=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[OfficeHours]) -> None:
        with transaction.atomic():
            super().delete_queryset(request, queryset)
            calendar_version_bump()
