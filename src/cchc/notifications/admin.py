"""Admin: the message templates (editable, checked before saving) and the messages sent (read-only,
searchable by dossier code, feedback code or recipient)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html_join

from cchc.notifications.models import MessageTemplate, Notification
from cchc.notifications.rendering import template_check, variables


class MessageTemplateForm(forms.ModelForm):
    class Meta:
        model = MessageTemplate
        fields = ["topic", "channel", "subject", "body", "active"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        topic = data.get("topic") or (self.instance.topic if self.instance.pk else "")
        if topic and "body" in data:
            errors = template_check(topic=topic, subject=data.get("subject") or "", body=data["body"])
            if errors:
                raise forms.ValidationError(["Mẫu thông báo có lỗi, chưa được lưu."] + errors, code="template_invalid")
        return data


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    form = MessageTemplateForm
    list_display = ["topic", "channel", "subject", "active", "updated_at"]
    list_filter = ["channel", "active", "topic"]
    readonly_fields = ["available_variables"]
    fields = ["topic", "channel", "subject", "body", "active", "available_variables"]

    @admin.display(description="Các biến dùng được (ví dụ)")
    def available_variables(self, obj: MessageTemplate | None) -> str:
        if obj is None or not obj.topic:
            return "Chọn nội dung thông báo và lưu để xem các biến."
        return format_html_join("", "<div><code>{{{{ {} }}}}</code>: {}</div>", sorted(variables(obj.topic).items()))


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "dossier", "feedback", "topic", "channel", "recipient", "status", "sent_at"]
    list_filter = ["status", "channel", "topic"]
    search_fields = ["dossier__code", "feedback__code", "recipient", "key"]
    list_select_related = ["dossier", "feedback"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
