"""Admin of the periodic reports: the periods' deadline and closing date are edited here (through the
service, so each change is audited); the reports themselves are read-only (written by their pages)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone

from cchc.reporting import services
from cchc.reporting.models import AgencyReport, ProvinceReport, ReportPeriod


@admin.register(ReportPeriod)
class ReportPeriodAdmin(admin.ModelAdmin):
    list_display = ["key", "kind", "first_day", "last_day", "due_on", "closes_on"]
    fields = ["key", "kind", "first_day", "last_day", "due_on", "closes_on", "note"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["kind", "first_day", "last_day"] + (["key"] if obj is not None else [])

    def save_model(self, request: HttpRequest, obj: ReportPeriod, form: Any, change: bool) -> None:
        now = timezone.now()
        actor: Any = request.user
        if change:
            saved = services.report_period_set_deadlines(
                period=obj, due_on=obj.due_on, closes_on=obj.closes_on, note=obj.note, actor=actor, at=now
            )
        else:
            saved = services.report_period_open(
                key=obj.key, due_on=obj.due_on, closes_on=obj.closes_on, note=obj.note, actor=actor, at=now
            )
        obj.pk = saved.pk

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AgencyReport)
class AgencyReportAdmin(ReadOnlyAdmin):
    list_display = ["agency", "period", "status", "timeliness", "first_submitted_at"]
    list_filter = ["period", "status", "timeliness"]
    list_select_related = ["agency", "period"]
    search_fields = ["agency__name"]


@admin.register(ProvinceReport)
class ProvinceReportAdmin(ReadOnlyAdmin):
    list_display = ["period", "status", "number", "issued_on"]
    list_select_related = ["period"]
