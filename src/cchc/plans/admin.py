"""Admin of the yearly plans: read-mostly (every change goes through the services and the pages)."""

from __future__ import annotations

from django.contrib import admin

from cchc.plans.models import Assignment, AssignmentEntry, AssignmentEvidence, AssignmentReminder, Plan


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["year", "agency", "generated_at", "updated_at"]
    list_filter = ["year"]
    search_fields = ["agency__name"]
    readonly_fields = ["year", "agency", "generated_at", "updated_at"]

    def has_add_permission(self, request: object) -> bool:
        return False  # plans are generated from the program (`cchc plans generate`), every field read-only


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["number_label", "year", "lead_agency", "status", "percent", "due_on"]
    list_filter = ["year", "status", "source_kind"]
    search_fields = ["title", "lead_agency__name", "number_label"]
    raw_id_fields = ["plan", "lead_agency", "origin_agency", "origin_ref", "appendix_task", "duty", "phase", "area"]
    filter_horizontal = ["coordinating_agencies", "coordinating_groups"]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(AssignmentReminder)
class AssignmentReminderAdmin(admin.ModelAdmin):
    list_display = ["assignment", "kind", "sent_on", "sent_at"]
    list_filter = ["kind", "sent_on"]
    raw_id_fields = ["assignment"]


admin.site.register(AssignmentEntry)
admin.site.register(AssignmentEvidence)
