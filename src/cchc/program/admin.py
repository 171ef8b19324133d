"""Admin for the program register: a program with its areas, targets, tasks and section V duties.

Imported records are edited here when the importer could not place something; simple-history
keeps who changed what. Agency references that did not resolve are flagged in the lists.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from cchc.common.admin import HistoryAdmin
from cchc.program.models import (
    AgencyRef,
    AppendixTask,
    AreaTask,
    Duty,
    DutyGroup,
    FundingClause,
    MeasureSeries,
    Objective,
    Program,
    ProgramRevision,
    ReformArea,
    Solution,
    Target,
    TargetLink,
    TargetValue,
    TimelinePhase,
)


class ReformAreaInline(admin.TabularInline):
    model = ReformArea
    extra = 0
    fields = ["number", "name"]
    show_change_link = True


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0
    fields = ["code", "milestone_year", "metric", "comparator", "value", "unit", "gov_level"]
    show_change_link = True
    autocomplete_fields = ["area", "objective"]


class AppendixTaskInline(admin.TabularInline):
    model = AppendixTask
    extra = 0
    fields = ["number", "title", "timeline_kind", "start_year", "end_year", "area", "area_inferred"]
    show_change_link = True
    autocomplete_fields = ["area"]


class DutyGroupInline(admin.TabularInline):
    model = DutyGroup
    extra = 0
    fields = ["number", "heading"]
    show_change_link = True


class RevisionInline(admin.TabularInline):
    model = ProgramRevision
    extra = 0
    fields = ["imported_at", "source_name", "sha256"]
    readonly_fields = ["imported_at", "source_name", "sha256"]
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Program)
class ProgramAdmin(HistoryAdmin):
    list_display = ["title", "number", "issued_on", "issuer_name", "period_start", "period_end", "imported_at"]
    list_filter = ["issuer_name", "period_start"]
    search_fields = ["title", "number", "issuer_name", "signer_name"]
    autocomplete_fields = ["issuer", "unit"]
    readonly_fields = ["source_sha256", "imported_at"]
    date_hierarchy = "issued_on"
    inlines = [ReformAreaInline, TargetInline, AppendixTaskInline, DutyGroupInline, RevisionInline]


@admin.register(ProgramRevision)
class ProgramRevisionAdmin(admin.ModelAdmin):
    list_display = ["program", "imported_at", "source_name", "short_sha", "unplaced_count"]
    list_filter = ["program"]
    search_fields = ["program__number", "source_name", "sha256"]
    list_select_related = ["program"]
    readonly_fields = ["program", "sha256", "source_name", "imported_at", "unplaced_lines", "summary", "source_text"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a revision is written by the importer (`cchc program import`), every field read-only

    @admin.display(description="sha256")
    def short_sha(self, obj: ProgramRevision) -> str:
        return obj.sha256[:12]

    @admin.display(description="dòng chưa xếp được")
    def unplaced_count(self, obj: ProgramRevision) -> int:
        return len(obj.unplaced_lines or [])


class ObjectiveInline(admin.TabularInline):
    model = Objective
    extra = 0
    fields = ["order", "milestone_year", "text", "is_quantitative"]


class AreaTaskInline(admin.TabularInline):
    model = AreaTask
    extra = 0
    fields = ["order", "text"]


class AreaTargetInline(TargetInline):
    fk_name = "area"


@admin.register(ReformArea)
class ReformAreaAdmin(HistoryAdmin):
    list_display = ["__str__", "program", "number"]
    list_filter = ["program"]
    search_fields = ["name", "objective", "program__number"]
    list_select_related = ["program"]
    autocomplete_fields = ["program"]
    inlines = [ObjectiveInline, AreaTargetInline, AreaTaskInline]


@admin.register(Objective)
class ObjectiveAdmin(HistoryAdmin):
    list_display = ["__str__", "area", "milestone_year", "is_quantitative"]
    list_filter = ["area__program", "area__number", "milestone_year", "is_quantitative"]
    search_fields = ["text"]
    list_select_related = ["area"]
    autocomplete_fields = ["area"]


@admin.register(Target)
class TargetAdmin(HistoryAdmin):
    list_display = ["code", "metric_short", "comparator", "value", "unit", "milestone_year", "gov_level", "area"]
    list_filter = ["program", "area__number", "milestone_year", "comparator", "gov_level"]
    search_fields = ["code", "metric", "source_text"]
    list_select_related = ["area"]
    autocomplete_fields = ["program", "area", "objective"]

    @admin.display(description="chỉ tiêu")
    def metric_short(self, obj: Target) -> str:
        return obj.metric[:90]


@admin.register(AreaTask)
class AreaTaskAdmin(HistoryAdmin):
    list_display = ["__str__", "area", "order"]
    list_filter = ["area__program", "area__number"]
    search_fields = ["text"]
    list_select_related = ["area"]
    autocomplete_fields = ["area"]


@admin.register(Solution)
class SolutionAdmin(HistoryAdmin):
    list_display = ["__str__", "program", "number"]
    list_filter = ["program"]
    search_fields = ["text"]
    list_select_related = ["program"]
    autocomplete_fields = ["program"]


@admin.register(FundingClause)
class FundingClauseAdmin(HistoryAdmin):
    list_display = ["__str__", "program", "number"]
    list_filter = ["program"]
    search_fields = ["text"]
    list_select_related = ["program"]
    autocomplete_fields = ["program"]


class UnresolvedRefFilter(admin.SimpleListFilter):
    title = "đã xác định cơ quan"
    parameter_name = "da_xac_dinh"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("0", "Chưa xác định (cần rà soát)"), ("1", "Đã xác định")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        unresolved = Q(agency__isnull=True, group__isnull=True)
        if self.value() == "0":
            return queryset.filter(unresolved)
        if self.value() == "1":
            return queryset.exclude(unresolved)
        return queryset


class AgencyRefInline(admin.TabularInline):
    model = AgencyRef
    extra = 0
    fields = ["role", "order", "text", "agency", "group", "qualifier", "note"]
    autocomplete_fields = ["agency", "group"]


class DutyInline(admin.TabularInline):
    model = Duty
    extra = 0
    fields = ["order", "letter", "text"]


@admin.register(DutyGroup)
class DutyGroupAdmin(HistoryAdmin):
    list_display = ["__str__", "program", "number"]
    list_filter = ["program"]
    search_fields = ["heading"]
    list_select_related = ["program"]
    autocomplete_fields = ["program"]
    inlines = [AgencyRefInline, DutyInline]


@admin.register(Duty)
class DutyAdmin(HistoryAdmin):
    list_display = ["__str__", "group", "letter"]
    list_filter = ["group__program", "group__number"]
    search_fields = ["text", "group__heading"]
    list_select_related = ["group"]
    autocomplete_fields = ["group"]


class TimelinePhaseInline(admin.TabularInline):
    model = TimelinePhase
    extra = 0
    fields = ["order", "start_year", "end_year", "text"]


@admin.register(AppendixTask)
class AppendixTaskAdmin(HistoryAdmin):
    list_display = [
        "number",
        "title_short",
        "lead_short",
        "timeline_kind",
        "start_year",
        "end_year",
        "area",
        "area_inferred",
    ]
    list_display_links = ["number", "title_short"]
    list_filter = ["program", "timeline_kind", "area__number", "area_inferred"]
    search_fields = ["title", "outputs", "lead_text", "coordinate_text", "search_key"]
    list_select_related = ["area"]
    autocomplete_fields = ["program", "area"]
    readonly_fields = ["search_key"]
    inlines = [AgencyRefInline, TimelinePhaseInline]

    @admin.display(description="nhiệm vụ")
    def title_short(self, obj: AppendixTask) -> str:
        return obj.title[:100]

    @admin.display(description="chủ trì")
    def lead_short(self, obj: AppendixTask) -> str:
        return obj.lead_text[:60]


@admin.register(AgencyRef)
class AgencyRefAdmin(admin.ModelAdmin):
    list_display = ["text", "role", "task", "duty_group", "agency", "group", "resolved_flag"]
    list_filter = [UnresolvedRefFilter, "role", "group"]
    search_fields = ["text", "note", "agency__name", "group__name"]
    list_select_related = ["task", "duty_group", "agency", "group"]
    autocomplete_fields = ["task", "duty_group", "agency", "group"]

    @admin.display(boolean=True, description="đã xác định")
    def resolved_flag(self, obj: AgencyRef) -> bool:
        return obj.resolved


@admin.register(TimelinePhase)
class TimelinePhaseAdmin(admin.ModelAdmin):
    list_display = ["task", "order", "start_year", "end_year", "text"]
    search_fields = ["text", "task__title"]
    list_select_related = ["task"]
    autocomplete_fields = ["task"]


# --- measuring the targets -----------------------------------------------------------------------


class TargetLinkInline(admin.TabularInline):
    model = TargetLink
    extra = 0
    fields = ("target_code", "rule_key", "linked_at")
    readonly_fields = ("linked_at",)


@admin.register(MeasureSeries)
class MeasureSeriesAdmin(HistoryAdmin):
    list_display = ("key", "name", "kind", "measure_code", "responsible_agency", "program")
    list_filter = ("kind", "program")
    search_fields = ("key", "name")
    raw_id_fields = ("responsible_agency",)
    inlines = [TargetLinkInline]


@admin.register(TargetLink)
class TargetLinkAdmin(HistoryAdmin):
    """A link edited here should have its rule emptied: ``cchc program link-targets`` then keeps it."""

    list_display = ("target_code", "series", "rule_key", "linked_at", "program")
    list_filter = ("program",)
    search_fields = ("target_code", "series__key")


@admin.register(TargetValue)
class TargetValueAdmin(admin.ModelAdmin):
    """Read only: values are entered and corrected on the target page (a correction is a new value)."""

    list_display = ("series", "period_key", "value", "agency", "entered_by", "entered_at", "supersedes")
    list_filter = ("series__program", "series")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
