"""Object permissions (django-rules) over agencies: who may act for an agency, in which role.

Predicates take ``(user, agency)`` and are evaluated on today's date in Asia/Ho_Chi_Minh; higher
apps compose them (a dossier rule maps the dossier to its agency and calls ``has_role``).
Registered permissions (``user.has_perm(name, agency)`` with
``rules.permissions.ObjectPermissionBackend`` in ``AUTHENTICATION_BACKENDS``):

- ``accounts.act_for_agency``: any role at the agency;
- ``accounts.receive_for_agency`` / ``process_for_agency`` / ``approve_for_agency`` /
  ``return_for_agency``: reception officer, specialist, leader, clerk;
- ``accounts.manage_agency_staff``: the agency's administrator or a superuser.
"""

from __future__ import annotations

from typing import Any

import rules
from django.utils import timezone

from cchc.accounts.constants import Role
from cchc.accounts.selectors import user_roles
from cchc.org.models import Agency


def _roles_today(user: Any, agency: Any) -> frozenset[Role]:
    if not isinstance(agency, Agency):
        return frozenset()
    return user_roles(user=user, agency=agency, on=timezone.localdate())


@rules.predicate
def is_member_of_agency(user: Any, agency: Any) -> bool:
    """The user holds any role at the agency today."""
    return bool(_roles_today(user, agency))


def has_role(role: Role) -> rules.Predicate:
    """A predicate: the user holds ``role`` at the agency today."""

    def check(user: Any, agency: Any) -> bool:
        return role in _roles_today(user, agency)

    return rules.Predicate(check, name=f"has_role:{role.value}")


is_superuser = rules.is_superuser

PERMISSIONS: dict[str, rules.Predicate] = {
    "accounts.act_for_agency": is_member_of_agency,
    "accounts.receive_for_agency": has_role(Role.RECEPTION),
    "accounts.process_for_agency": has_role(Role.SPECIALIST),
    "accounts.approve_for_agency": has_role(Role.LEADER),
    "accounts.return_for_agency": has_role(Role.CLERK),
    "accounts.manage_agency_staff": is_superuser | has_role(Role.ADMIN),
}

for _name, _predicate in PERMISSIONS.items():
    if not rules.perm_exists(_name):
        rules.add_perm(_name, _predicate)
