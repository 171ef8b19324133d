"""Writes of staff memberships: granting and revoking a role at an agency, in one area.

Rule: an officer acts for an agency only through a membership valid on the day of the act
(one-stop-shop duties are assigned per agency: Nghị định 118/2025/NĐ-CP, Điều 8-10 on the Bộ phận
Một cửa and its staff). Every grant and revocation is written to the audit trail in the same
transaction, so "who could act for this agency on that day" stays provable. A membership is for
one area (``Area``): the same person needs one membership per area they work in.
"""

from __future__ import annotations

from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Q

from cchc.accounts.constants import (
    AGENCY_NOT_VALID,
    INVALID_PERIOD,
    MEMBERSHIP_ENDED,
    MEMBERSHIP_OVERLAP,
    AccountsError,
    Area,
    Role,
)
from cchc.accounts.models import AgencyMembership
from cchc.audit.services import audit_record, audit_snapshot
from cchc.org.models import Agency

SNAPSHOT_FIELDS = ["user", "agency", "area", "role", "valid_from", "valid_to", "note"]


def membership_check_grant(
    *, user: AbstractBaseUser, agency: Agency, area: Area, role: Role, valid_from: date, valid_to: date | None
) -> None:
    """Raise ``AccountsError`` when the grant is not allowed (the admin form calls it too)."""
    if valid_to is not None and valid_to <= valid_from:
        raise AccountsError(INVALID_PERIOD, "Ngày hết hiệu lực phải sau ngày bắt đầu phân công.")
    if not agency.is_valid_on(valid_from):
        raise AccountsError(
            AGENCY_NOT_VALID, f"{agency} không còn (hoặc chưa có) hiệu lực vào ngày {valid_from:%d/%m/%Y}."
        )
    overlapping = AgencyMembership.objects.filter(user_id=user.pk, agency=agency, area=area, role=role).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=valid_from)
    )
    if valid_to is not None:
        overlapping = overlapping.filter(valid_from__lt=valid_to)
    if overlapping.exists():
        raise AccountsError(
            MEMBERSHIP_OVERLAP,
            f"{user} đã được phân công vai trò «{role.label}» ({area.label}) tại {agency} trong thời gian này.",
        )


def membership_check_revoke(*, membership: AgencyMembership, on: date) -> None:
    """Raise ``AccountsError`` when ``membership`` cannot end on ``on``."""
    if on <= membership.valid_from:
        raise AccountsError(INVALID_PERIOD, "Ngày chấm dứt phải sau ngày bắt đầu phân công.")
    if membership.valid_to is not None and membership.valid_to <= on:
        raise AccountsError(MEMBERSHIP_ENDED, f"Phân công đã hết hiệu lực từ ngày {membership.valid_to:%d/%m/%Y}.")


@transaction.atomic
def membership_grant(
    *,
    user: AbstractBaseUser,
    agency: Agency,
    area: Area | str,
    role: Role | str,
    valid_from: date,
    valid_to: date | None = None,
    note: str = "",
    actor: AbstractBaseUser | None,
    at: datetime,
) -> AgencyMembership:
    """Give ``user`` the ``role`` at ``agency`` for ``area`` over ``[valid_from, valid_to)``.

    Refused when the period is empty, when the agency is not valid on ``valid_from``, or when the
    user already holds the same role at the same agency in the same area for an overlapping period (extend or revoke
    that one instead). Writes the audit event ``membership.grant``.
    """
    area = Area(area)
    role = Role(role)
    # concurrency: lock the user row so two grants for the same user cannot both pass the overlap check
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    membership_check_grant(user=user, agency=agency, area=area, role=role, valid_from=valid_from, valid_to=valid_to)
    membership = AgencyMembership.objects.create(
        user_id=user.pk, agency=agency, area=area, role=role, valid_from=valid_from, valid_to=valid_to, note=note
    )
    audit_record(
        actor=actor,
        action="membership.grant",
        target=membership,
        before=None,
        after=audit_snapshot(membership, SNAPSHOT_FIELDS),
        at=at,
    )
    return membership


@transaction.atomic
def membership_revoke(
    *, membership: AgencyMembership, on: date, actor: AbstractBaseUser | None, at: datetime
) -> AgencyMembership:
    """End ``membership`` from day ``on`` (it is no longer valid on ``on`` itself).

    Refused when ``on`` is not after the start (nothing would remain) or when the membership has
    already ended by then. Writes the audit event ``membership.revoke``.
    """
    # concurrency: revoke against the current row, not a stale copy
    membership = AgencyMembership.objects.select_for_update().get(pk=membership.pk)
    membership_check_revoke(membership=membership, on=on)
    before = audit_snapshot(membership, SNAPSHOT_FIELDS)
    membership.valid_to = on
    membership.save(update_fields=["valid_to"])
    audit_record(
        actor=actor,
        action="membership.revoke",
        target=membership,
        before=before,
        after=audit_snapshot(membership, SNAPSHOT_FIELDS),
        at=at,
    )
    return membership
