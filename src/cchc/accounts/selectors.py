"""Reads of staff memberships: which agencies a user acts for, and in which roles.

Every read that decides what a user may do names its ``area`` (``Area``): a membership counts only
in the area it was granted for, so a PAR Index account never acts on a one-stop-shop dossier.

A membership counts on day D only while both it and its agency are valid on D: when an agency is
merged away (1/7/2025), memberships at the old record stop counting and the officer needs one at
the successor.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection
from django.db.models import QuerySet

from cchc.accounts.constants import Area, Role
from cchc.accounts.models import AgencyMembership
from cchc.org.models import Agency


def membership_list_valid_on(
    *,
    on: date,
    area: Area | str,
    user: AbstractBaseUser | None = None,
    agency: Agency | None = None,
    role: str | None = None,
) -> QuerySet[AgencyMembership]:
    """Memberships for ``area`` valid on ``on`` at agencies valid on ``on``, with user and agency joined."""
    qs = AgencyMembership.objects.valid_on(on).filter(
        area=Area(area), agency__in=Agency.objects.valid_on(on).values("pk")
    )
    if user is not None:
        qs = qs.filter(user_id=user.pk)
    if agency is not None:
        qs = qs.filter(agency_id=agency.pk)
    if role is not None:
        qs = qs.filter(role=Role(role))
    return qs.select_related("user", "agency")


def membership_roles_held(
    *, user_ids: Iterable[int], agency_ids: Iterable[int], on: date, area: Area | str
) -> set[tuple[int, int, str]]:
    """(user id, agency id, role) of the memberships for ``area`` of ``user_ids`` at ``agency_ids`` that
    count on ``on``: the rows :func:`membership_list_valid_on` gives, as plain tuples.

    performance: the permission check of every dossier transition; one prebuilt statement (no query
    compilation, no model instances). The validity rule is the half-open ``[valid_from, valid_to)``
    of ``ValidityQuerySet.valid_on``, for the membership and for its agency; a test holds the two
    selectors to the same answers.
    """
    users = sorted({int(pk) for pk in user_ids})
    agencies = sorted({int(pk) for pk in agency_ids})
    if not users or not agencies:
        return set()
    day = connection.ops.adapt_datefield_value(on)
    sql = _HELD_SQL.format(users=", ".join(["%s"] * len(users)), agencies=", ".join(["%s"] * len(agencies)))
    with connection.cursor() as cursor:
        cursor.execute(sql, [*users, *agencies, Area(area).value, day, day, day, day])
        return {(int(user_id), int(agency_id), str(role)) for user_id, agency_id, role in cursor.fetchall()}


def membership_roles_held_statement(*, user_ids: Iterable[int], on: date, area: Area | str) -> tuple[str, list[Any]]:
    """The statement of :func:`membership_roles_held` for every agency of ``user_ids`` in ``area`` (no agency
    filter), as ``(sql, params)``, for a caller that sends it in one round trip with other reads; its
    rows are ``(user id, agency id, role)``. ``user_ids`` must not be empty."""
    users = sorted({int(pk) for pk in user_ids})
    if not users:
        raise ValueError("user_ids must not be empty")
    day = connection.ops.adapt_datefield_value(on)
    sql = _HELD_ANY_AGENCY_SQL.format(users=", ".join(["%s"] * len(users)))
    return sql, [*users, Area(area).value, day, day, day, day]


_HELD_SQL = (
    f"SELECT m.user_id, m.agency_id, m.role FROM {AgencyMembership._meta.db_table} m "
    f"JOIN {Agency._meta.db_table} a ON a.id = m.agency_id "
    "WHERE m.user_id IN ({users}) AND m.agency_id IN ({agencies}) AND m.area = %s "
    "AND (m.valid_from IS NULL OR m.valid_from <= %s) AND (m.valid_to IS NULL OR m.valid_to > %s) "
    "AND (a.valid_from IS NULL OR a.valid_from <= %s) AND (a.valid_to IS NULL OR a.valid_to > %s)"
)
_HELD_ANY_AGENCY_SQL = _HELD_SQL.replace(" AND m.agency_id IN ({agencies})", "")


def user_agencies(*, user: AbstractBaseUser, on: date, area: Area | str, role: str | None = None) -> QuerySet[Agency]:
    """The agencies ``user`` acts for in ``area`` on ``on`` (in ``role`` when given), each once, by name."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", True):
        return Agency.objects.none()
    memberships = membership_list_valid_on(on=on, area=area, user=user, role=role)
    return (
        Agency.objects.filter(pk__in=memberships.values("agency_id"))
        .select_related("unit", "parent")
        .order_by("level", "name", "pk")
    )


def user_roles(*, user: AbstractBaseUser, agency: Agency, on: date, area: Area | str) -> frozenset[Role]:
    """The roles ``user`` holds at ``agency`` in ``area`` on ``on`` (empty for inactive or anonymous users)."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", True):
        return frozenset()
    roles = membership_list_valid_on(on=on, area=area, user=user, agency=agency).values_list("role", flat=True)
    return frozenset(Role(r) for r in roles)


def agency_staff(*, agency: Agency, on: date, area: Area | str, role: str | None = None) -> QuerySet[AbstractBaseUser]:
    """Active users who act for ``agency`` in ``area`` on ``on`` (in ``role`` when given): hand-over
    recipients."""
    memberships = membership_list_valid_on(on=on, area=area, agency=agency, role=role)
    user_model = get_user_model()
    return user_model.objects.filter(pk__in=memberships.values("user_id"), is_active=True).order_by(
        user_model.USERNAME_FIELD
    )


def user_duties(*, user: AbstractBaseUser, on: date) -> frozenset[tuple[str, str]]:
    """(area, role) of each membership of ``user`` that counts on ``on``: what the user works on.

    The one read behind the staff landing page after login (every area at once, with the validity
    rule of ``membership_list_valid_on``).
    """
    valid = AgencyMembership.objects.valid_on(on).filter(
        user_id=user.pk, agency__in=Agency.objects.valid_on(on).values("pk")
    )
    pairs = valid.order_by().values_list("area", "role").distinct()
    return frozenset((str(area), str(role)) for area, role in pairs)
