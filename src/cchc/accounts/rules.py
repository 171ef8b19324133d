"""Object permissions (django-rules) over agencies: who may act for an agency, in which area and role.

Predicates take ``(user, agency)`` and are evaluated on today's date in Asia/Ho_Chi_Minh; higher
apps compose them (a dossier rule maps the dossier to its agency and calls ``has_role``). A
membership counts only in its own area (``Area``): the one-stop-shop permissions read one-stop-shop
memberships only, and ``act_in_<area>`` reads that area's.
Registered permissions (``user.has_perm(name, agency)`` with
``rules.permissions.ObjectPermissionBackend`` in ``AUTHENTICATION_BACKENDS``):

- ``accounts.act_for_agency``: any role at the agency in the one-stop shop;
- ``accounts.act_in_<area>_for_agency`` (``one_stop``, ``par``, ``plans``, ``reports``,
  ``feedback``, ``surveys``): any role at the agency in that area;
- ``accounts.receive_for_agency`` / ``process_for_agency`` / ``approve_for_agency`` /
  ``return_for_agency``: reception officer, specialist, leader, clerk of the one-stop shop;
- ``accounts.manage_agency_staff``: the agency's administrator (any area) or a superuser.
"""

from __future__ import annotations

from typing import Any

import rules
from django.utils import timezone

from cchc.accounts.constants import Area, Role
from cchc.accounts.selectors import user_roles
from cchc.org.models import Agency


def _roles_today(user: Any, agency: Any, area: Area) -> frozenset[Role]:
    if not isinstance(agency, Agency):
        return frozenset()
    return user_roles(user=user, agency=agency, on=timezone.localdate(), area=area)


def is_member_in(area: Area) -> rules.Predicate:
    """A predicate: the user holds any role at the agency in ``area`` today."""

    def check(user: Any, agency: Any) -> bool:
        return bool(_roles_today(user, agency, area))

    return rules.Predicate(check, name=f"is_member_in:{area.value}")


is_member_of_agency = is_member_in(Area.ONE_STOP)


def has_role(role: Role, area: Area = Area.ONE_STOP) -> rules.Predicate:
    """A predicate: the user holds ``role`` at the agency in ``area`` (the one-stop shop by default) today."""

    def check(user: Any, agency: Any) -> bool:
        return role in _roles_today(user, agency, area)

    return rules.Predicate(check, name=f"has_role:{area.value}:{role.value}")


def _is_admin_in_any_area(user: Any, agency: Any) -> bool:
    return any(Role.ADMIN in _roles_today(user, agency, area) for area in Area)


is_superuser = rules.is_superuser

PERMISSIONS: dict[str, rules.Predicate] = {
    "accounts.act_for_agency": is_member_of_agency,
    **{f"accounts.act_in_{area.value}_for_agency": is_member_in(area) for area in Area},
    "accounts.receive_for_agency": has_role(Role.RECEPTION),
    "accounts.process_for_agency": has_role(Role.SPECIALIST),
    "accounts.approve_for_agency": has_role(Role.LEADER),
    "accounts.return_for_agency": has_role(Role.CLERK),
    "accounts.manage_agency_staff": is_superuser | rules.Predicate(_is_admin_in_any_area, name="is_admin_any_area"),
}

for _name, _predicate in PERMISSIONS.items():
    if not rules.perm_exists(_name):
        rules.add_perm(_name, _predicate)
