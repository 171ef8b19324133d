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

from cchc.accounts.constants import AccountsError, Area, Role
from cchc.accounts.models import AgencyMembership
from cchc.accounts.names import FULL_NAME_FIELD, FULL_NAME_LABEL
from cchc.accounts.services import (
    membership_check_grant,
    membership_check_revoke,
    membership_grant,
    membership_revoke,
)


class AgencyMembershipForm(forms.ModelForm):
    class Meta:
        model = AgencyMembership
        fields = ["user", "agency", "area", "role", "valid_from", "valid_to", "note"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            if self.instance.pk is None:
                if all(data.get(k) for k in ("user", "agency", "area", "role", "valid_from")):
                    membership_check_grant(
                        user=data["user"],
                        agency=data["agency"],
                        area=Area(data["area"]),
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
    list_display = ["user", "agency", "area", "role", "valid_from", "valid_to"]
    list_filter = ["area", "role", "agency__level"]
    search_fields = ["user__username", "user__first_name", "agency__name", "agency__code"]
    autocomplete_fields = ["user", "agency"]
    list_select_related = ["user", "agency"]

    def get_readonly_fields(self, request: HttpRequest, obj: AgencyMembership | None = None) -> list[str]:
        if obj is None:
            return []
        # only ending an open membership is a change; anything else is a new grant
        return ["user", "agency", "area", "role", "valid_from", "note"] + ([] if obj.valid_to is None else ["valid_to"])

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: AgencyMembership, form: forms.Form, change: bool) -> None:
        at = timezone.now()
        try:
            if not change:
                saved = membership_grant(
                    user=obj.user,
                    agency=obj.agency,
                    area=obj.area,
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
    fields = ["agency", "area", "role", "valid_from", "valid_to", "note"]
    readonly_fields = ["agency", "area", "role", "valid_from", "valid_to", "note"]
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
    """Users with their memberships; the full name is one field, "Họ và tên" (``cchc.accounts.names``)."""

    inlines = [*getattr(user_admin_class, "inlines", []), MembershipInline]
    list_display = ["username", FULL_NAME_FIELD, "email", "is_staff", "is_active"]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        return [
            (name, {**options, "fields": tuple(f for f in options.get("fields", ()) if f != "last_name")})
            for name, options in fieldsets
        ]

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == FULL_NAME_FIELD and field is not None:
            field.label = FULL_NAME_LABEL
            field.help_text = "Viết đầy đủ, đúng thứ tự như trên giấy tờ (ví dụ: Nguyễn Thị Lan)."
        return field
