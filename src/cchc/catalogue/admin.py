"""Admin for the procedure catalogue: versions with their agencies, steps, documents and fees.

Only drafts are editable. "Công bố" publishes selected drafts through ``procedure_version_publish``
(validation included); "Tạo bản nháp mới" copies a version into a new draft to edit.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from cchc.catalogue.constants import VersionStatus
from cchc.catalogue.errors import CatalogueError
from cchc.catalogue.models import (
    CompetentAgency,
    FeeItem,
    Field,
    Procedure,
    ProcedurePublication,
    ProcedureStep,
    ProcedureVersion,
    RequiredDocument,
)
from cchc.catalogue.services import procedure_version_draft_from, procedure_version_publish


def _editable(obj: ProcedureVersion | None) -> bool:
    return obj is None or obj.status == VersionStatus.DRAFT


class DraftOnlyInline(admin.TabularInline):
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _editable(obj) and super().has_delete_permission(request, obj)


class CompetentAgencyInline(DraftOnlyInline):
    model = CompetentAgency
    fields = ["order", "agency", "level", "agency_kind", "note"]
    autocomplete_fields = ["agency"]


class ProcedureStepInline(DraftOnlyInline):
    model = ProcedureStep
    fields = [
        "order",
        "name",
        "responsible",
        "agency",
        "responsible_label",
        "staff_role",
        "duration_hours",
        "is_inter_agency",
    ]
    autocomplete_fields = ["agency"]


class RequiredDocumentInline(DraftOnlyInline):
    model = RequiredDocument
    fields = ["order", "name", "mandatory", "copies", "form_template", "document_type_code", "note"]


class FeeItemInline(DraftOnlyInline):
    model = FeeItem
    fields = ["order", "kind", "name", "amount", "amount_table", "exemptions", "legal_basis"]


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "search_key"]


class VersionInline(admin.TabularInline):
    model = ProcedureVersion
    extra = 0
    fields = ["number", "status", "published_at", "retired_at", "processing_time", "processing_time_unit"]
    readonly_fields = ["number", "status", "published_at", "retired_at", "processing_time", "processing_time_unit"]
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "field", "code_status"]
    list_filter = ["field", "code_status"]
    search_fields = ["code", "search_key"]
    readonly_fields = ["code", "name", "field", "created_at"]
    fields = ["code", "name", "field", "code_status", "code_source", "created_at"]
    inlines = [VersionInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # New procedures arrive through ``cchc catalogue import`` (validated, versioned).
        return False


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin):
    list_display = ["procedure", "number", "status", "published_at", "retired_at", "processing_time_display"]
    list_filter = ["status", "field", "service_type"]
    search_fields = ["procedure__code", "procedure__search_key"]
    list_select_related = ["procedure", "field"]
    inlines = [CompetentAgencyInline, ProcedureStepInline, RequiredDocumentInline, FeeItemInline]
    actions = ["publish", "new_draft"]
    VERSION_FIELDS = (
        "procedure",
        "number",
        "status",
        "published_at",
        "retired_at",
        "name",
        "field",
        "levels",
        "applicant_types",
        "service_type",
        "processing_time",
        "processing_time_unit",
        "processing_time_cutoff",
        "processing_time_note",
        "result_document_type",
        "result_document_name",
        "legal_basis",
        "note",
    )
    fields = VERSION_FIELDS

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fixed = ["procedure", "number", "status", "published_at", "retired_at"]
        return list(self.VERSION_FIELDS) if not _editable(obj) else fixed

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is not None and obj.status == VersionStatus.DRAFT and super().has_delete_permission(request, obj)

    @admin.action(description="Công bố các bản nháp đã chọn (áp dụng từ bây giờ)")
    def publish(self, request: HttpRequest, queryset: QuerySet[ProcedureVersion]) -> None:
        at = timezone.now()
        for version in queryset.select_related("procedure"):
            try:
                procedure_version_publish(version=version, at=at)
            except CatalogueError as exc:
                self.message_user(request, f"{version.procedure.code}: {exc}", messages.ERROR)
            else:
                self.message_user(request, f"Đã công bố {version.procedure.code} phiên bản {version.number}.")

    @admin.action(description="Tạo bản nháp mới từ phiên bản đã chọn")
    def new_draft(self, request: HttpRequest, queryset: QuerySet[ProcedureVersion]) -> None:
        for version in queryset.select_related("procedure"):
            try:
                draft = procedure_version_draft_from(version=version, at=timezone.now())
            except CatalogueError as exc:
                self.message_user(request, f"{version.procedure.code}: {exc}", messages.ERROR)
            else:
                self.message_user(request, f"Đã tạo bản nháp {draft.procedure.code} phiên bản {draft.number}.")


@admin.register(ProcedurePublication)
class ProcedurePublicationAdmin(admin.ModelAdmin):
    """The publication facts recorded from the national procedure database (read only: they come from
    ``cchc integrations procedures import``; indicators 1.1 and 1.2 of QĐ 766 read them)."""

    list_display = [
        "procedure",
        "decision_number",
        "decision_date",
        "legal_basis_effective_date",
        "public_date",
        "updated_at",
    ]
    list_filter = ["decision_date", "public_date"]
    search_fields = ["procedure__code", "procedure__search_key", "decision_number"]
    list_select_related = ["procedure"]
    date_hierarchy = "decision_date"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
