from datetime import date

import pytest
import rules
from django.contrib.auth.models import User

from cchc.accounts.constants import Area, Role
from cchc.accounts.rules import has_role, is_member_of_agency
from cchc.accounts.services import membership_grant
from cchc.accounts.tests.conftest import AT

BACKENDS = ["rules.permissions.ObjectPermissionBackend", "django.contrib.auth.backends.ModelBackend"]
ROLE_PERMISSIONS = {
    Role.RECEPTION: "accounts.receive_for_agency",
    Role.SPECIALIST: "accounts.process_for_agency",
    Role.LEADER: "accounts.approve_for_agency",
    Role.CLERK: "accounts.return_for_agency",
}


def _grant(user, agency, role, valid_from=date(2025, 7, 1), valid_to=None, area=Area.ONE_STOP):
    return membership_grant(
        user=user, agency=agency, area=area, role=role, valid_from=valid_from, valid_to=valid_to, actor=None, at=AT
    )


@pytest.mark.parametrize("role", list(ROLE_PERMISSIONS))
def test_each_role_grants_its_own_permission_only(officer, justice, role):
    _grant(officer, justice, role)

    granted = {perm for perm in ROLE_PERMISSIONS.values() if rules.has_perm(perm, officer, justice)}

    assert granted == {ROLE_PERMISSIONS[role]}
    assert rules.has_perm("accounts.act_for_agency", officer, justice)


def test_membership_at_one_agency_gives_nothing_at_another(officer, justice, nha_trang):
    _grant(officer, nha_trang, Role.RECEPTION)

    assert not rules.has_perm("accounts.act_for_agency", officer, justice)
    assert not rules.has_perm("accounts.receive_for_agency", officer, justice)
    assert rules.has_perm("accounts.receive_for_agency", officer, nha_trang)


def test_an_ended_membership_gives_nothing_today(officer, justice):
    _grant(officer, justice, Role.SPECIALIST, valid_to=date(2025, 8, 1))

    assert not is_member_of_agency(officer, justice)
    assert not has_role(Role.SPECIALIST)(officer, justice)


def test_without_an_agency_nothing_is_granted(officer, justice):
    _grant(officer, justice, Role.SPECIALIST)

    assert not rules.has_perm("accounts.act_for_agency", officer)
    assert not rules.has_perm("accounts.act_for_agency", officer, "not an agency")


def test_staff_management_is_for_the_agency_admin_or_a_superuser(officer, manager, justice):
    _grant(manager, justice, Role.ADMIN)
    root = User.objects.create_superuser(username="root")

    assert rules.has_perm("accounts.manage_agency_staff", manager, justice)
    assert rules.has_perm("accounts.manage_agency_staff", root, justice)
    assert not rules.has_perm("accounts.manage_agency_staff", officer, justice)


def test_user_has_perm_through_the_object_permission_backend(settings, officer, justice):
    settings.AUTHENTICATION_BACKENDS = BACKENDS
    _grant(officer, justice, Role.LEADER)

    assert officer.has_perm("accounts.approve_for_agency", justice)
    assert not officer.has_perm("accounts.receive_for_agency", justice)
    officer.is_active = False
    assert not officer.has_perm("accounts.approve_for_agency", justice)


@pytest.mark.parametrize("area", [a for a in Area if a != Area.ONE_STOP])
def test_a_membership_of_another_area_gives_no_one_stop_permission(officer, nha_trang, area):
    # given: every role at the commune, for an area other than the one-stop shop (e.g. `par demo`)
    for role in Role:
        _grant(officer, nha_trang, role, area=area)

    granted = {perm for perm in ROLE_PERMISSIONS.values() if rules.has_perm(perm, officer, nha_trang)}

    assert granted == set()
    assert not rules.has_perm("accounts.act_for_agency", officer, nha_trang)
    assert rules.has_perm(f"accounts.act_in_{area.value}_for_agency", officer, nha_trang)
    assert not rules.has_perm("accounts.act_in_one_stop_for_agency", officer, nha_trang)
    assert rules.has_perm("accounts.manage_agency_staff", officer, nha_trang)  # its admin, in any area
