"""Admin for staff memberships: grants and revocations go through the services (so each is audited);
users show their memberships inline, read-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest
from django.utils import timezone

from cchc.accounts.constants import AccountsError, Role
from cchc.accounts.models import AgencyMembership
from cchc.accounts.services import (
    membership_check_grant,
    membership_check_revoke,
    membership_grant,
    membership_revoke,
)


class AgencyMembershipForm(forms.ModelForm):
    class Meta:
        model = AgencyMembership
        fields = ["user", "agency", "role", "valid_from", "valid_to", "note"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            if self.instance.pk is None:
                if data.get("user") and data.get("agency") and data.get("role") and data.get("valid_from"):
                    membership_check_grant(
                        user=data["user"],
                        agency=data["agency"],
                        role=Role(data["role"]),
                        valid_from=data["valid_from"],
                        valid_to=data.get("valid_to"),
                    )
            elif data.get("valid_to") is not None:
                membership_check_revoke(membership=self.instance, on=data["valid_to"])
        except AccountsError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from exc
        return data


@admin.register(AgencyMembership)
class AgencyMembershipAdmin(admin.ModelAdmin):
    form = AgencyMembershipForm
    list_display = ["user", "agency", "role", "valid_from", "valid_to"]
    list_filter = ["role", "agency__level"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "agency__name", "agency__code"]
    autocomplete_fields = ["user", "agency"]
    list_select_related = ["user", "agency"]

    def get_readonly_fields(self, request: HttpRequest, obj: AgencyMembership | None = None) -> list[str]:
        if obj is None:
            return []
        # only ending an open membership is a change; anything else is a new grant
        return ["user", "agency", "role", "valid_from", "note"] + ([] if obj.valid_to is None else ["valid_to"])

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: AgencyMembership, form: forms.Form, change: bool) -> None:
        at = timezone.now()
        try:
            if not change:
                saved = membership_grant(
                    user=obj.user,
                    agency=obj.agency,
                    role=obj.role,
                    valid_from=obj.valid_from,
                    valid_to=obj.valid_to,
                    note=obj.note,
                    actor=request.user,  # type: ignore[arg-type]
                    at=at,
                )
                obj.pk = saved.pk
            elif "valid_to" in form.changed_data and obj.valid_to is not None:
                membership_revoke(membership=obj, on=obj.valid_to, actor=request.user, at=at)  # type: ignore[arg-type]
        except AccountsError as exc:  # a race after the form's own check
            raise forms.ValidationError(exc.message, code=exc.code) from exc


class MembershipInline(admin.TabularInline):
    model = AgencyMembership
    fk_name = "user"
    fields = ["agency", "role", "valid_from", "valid_to", "note"]
    readonly_fields = ["agency", "role", "valid_from", "valid_to", "note"]
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = "phân công cán bộ (thêm hoặc chấm dứt trong mục Phân công cán bộ)"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


User = get_user_model()
if admin.site.is_registered(User):
    user_admin_class = type(admin.site._registry[User])
    admin.site.unregister(User)
else:
    user_admin_class = UserAdmin


@admin.register(User)
class StaffUserAdmin(user_admin_class):  # type: ignore[valid-type, misc]
    inlines = [*getattr(user_admin_class, "inlines", []), MembershipInline]
