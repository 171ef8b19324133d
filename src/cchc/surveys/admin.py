"""Read-only admin views of the surveys: every write goes through the audited services (pages, commands)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cchc.surveys.models import Answer, Campaign, Factor, Question, Questionnaire, Response


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class FactorInline(admin.TabularInline):
    model = Factor
    fields = ["order", "code", "name", "wording"]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Questionnaire)
class QuestionnaireAdmin(ReadOnlyAdmin):
    list_display = ["code", "version", "name", "imported_at"]
    inlines = [FactorInline]


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = ["code", "text", "factor", "required", "wording"]
    list_filter = ["factor__questionnaire", "wording"]
    list_select_related = ["factor"]


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "starts_on", "ends_on", "sample_target", "status"]
    list_select_related = ["questionnaire"]


class AnswerInline(admin.TabularInline):
    model = Answer
    fields = ["question", "value"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = ["pk", "campaign", "agency", "field", "level", "channel", "submitted_at"]
    list_filter = ["campaign", "channel", "level"]
    list_select_related = ["campaign", "agency", "field"]
    inlines = [AnswerInline]
