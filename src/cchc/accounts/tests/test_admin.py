from datetime import date

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from cchc.accounts.constants import Area, Role
from cchc.accounts.models import AgencyMembership
from cchc.accounts.services import membership_grant
from cchc.accounts.tests.conftest import AT
from cchc.audit.models import AuditEvent


@pytest.fixture
def root_client(client, db):
    root = User.objects.create_superuser(username="root", password="x-Secret-123")
    client.force_login(root)
    client.root = root
    return client


def _add(client, officer, agency, **extra):
    data = {
        "user": officer.pk,
        "agency": agency.pk,
        "area": Area.ONE_STOP,
        "role": Role.RECEPTION,
        "valid_from": "2025-08-01",
        "valid_to": "",
        "note": "Quyết định phân công số 12/QĐ",
    }
    data.update(extra)
    return client.post(reverse("admin:accounts_agencymembership_add"), data)


def test_admin_grant_goes_through_the_service_and_is_audited(root_client, officer, nha_trang):
    response = _add(root_client, officer, nha_trang)

    assert response.status_code == 302, response.content.decode()[:2000]
    membership = AgencyMembership.objects.get(user=officer)
    assert membership.valid_from == date(2025, 8, 1)
    event = AuditEvent.objects.get(action="membership.grant")
    assert event.actor == root_client.root
    assert event.target_id == str(membership.pk)


def test_admin_grant_that_overlaps_shows_the_reason_and_saves_nothing(root_client, officer, nha_trang):
    membership_grant(
        user=officer,
        agency=nha_trang,
        area=Area.ONE_STOP,
        role=Role.RECEPTION,
        valid_from=date(2025, 7, 1),
        actor=None,
        at=AT,
    )

    response = _add(root_client, officer, nha_trang)

    assert response.status_code == 200
    assert "đã được phân công" in response.content.decode()
    assert AgencyMembership.objects.count() == 1


def test_admin_ending_a_membership_revokes_it_through_the_service(root_client, officer, nha_trang):
    membership = membership_grant(
        user=officer,
        agency=nha_trang,
        area=Area.ONE_STOP,
        role=Role.RECEPTION,
        valid_from=date(2025, 7, 1),
        actor=None,
        at=AT,
    )

    response = root_client.post(
        reverse("admin:accounts_agencymembership_change", args=[membership.pk]), {"valid_to": "2025-09-01"}
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    membership.refresh_from_db()
    assert membership.valid_to == date(2025, 9, 1)
    assert AuditEvent.objects.filter(action="membership.revoke", actor=root_client.root).count() == 1


def test_admin_cannot_delete_a_membership(root_client, officer, nha_trang):
    membership = membership_grant(
        user=officer,
        agency=nha_trang,
        area=Area.ONE_STOP,
        role=Role.RECEPTION,
        valid_from=date(2025, 7, 1),
        actor=None,
        at=AT,
    )

    response = root_client.post(
        reverse("admin:accounts_agencymembership_delete", args=[membership.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert AgencyMembership.objects.filter(pk=membership.pk).exists()


def test_user_page_shows_the_memberships_inline(root_client, officer, nha_trang):
    membership_grant(
        user=officer,
        agency=nha_trang,
        area=Area.ONE_STOP,
        role=Role.RECEPTION,
        valid_from=date(2025, 7, 1),
        actor=None,
        at=AT,
    )

    response = root_client.get(reverse("admin:auth_user_change", args=[officer.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert "phân công cán bộ" in body
    assert "Ủy ban nhân dân phường Nha Trang" in body
