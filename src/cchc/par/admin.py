"""Admin: index sets and rounds are read here; writes go through the services (import, pages)."""

from __future__ import annotations

from django.contrib import admin

from cchc.par.models import Assessment, AssessmentRound, Criterion, IndexSet


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class CriterionInline(admin.TabularInline):
    model = Criterion
    fields = ("code", "name", "max_points", "method", "indicator_code")
    readonly_fields = ("code", "name", "max_points", "method", "indicator_code")
    extra = 0
    can_delete = False


@admin.register(IndexSet)
class IndexSetAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "year", "audience", "max_points", "is_demo"]
    inlines = [CriterionInline]


@admin.register(AssessmentRound)
class AssessmentRoundAdmin(ReadOnlyAdmin):
    list_display = ["name", "year", "status", "self_deadline", "appraiser"]
    list_select_related = ["appraiser"]


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ["agency", "round", "status", "submitted_at", "finalised_at"]
    list_select_related = ["agency", "round"]
    list_filter = ["round", "status"]
