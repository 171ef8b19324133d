"""The dossier admin shows what the services recorded and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from cchc.dossiers.constants import DossierStatus
from cchc.dossiers.models import Dossier
from cchc.dossiers.tests.conftest import World, to_status


@pytest.fixture
def root_client(client: Any, world: World) -> Any:
    root = User.objects.create_superuser(username="root", password="x-Secret-123")
    client.force_login(root)
    return client


def test_admin_lists_and_shows_a_dossier_read_only(root_client: Any, world: World) -> None:
    dossier = to_status(world, DossierStatus.IN_PROCESS)

    listing = root_client.get(reverse("admin:dossiers_dossier_changelist"))
    page = root_client.get(reverse("admin:dossiers_dossier_change", args=[dossier.pk]))

    assert listing.status_code == 200
    assert dossier.code in listing.content.decode()
    assert page.status_code == 200
    body = page.content.decode()
    assert "Thẩm định, tra cứu" in body  # the steps inline
    assert 'name="_save"' not in body
    assert root_client.get(reverse("admin:dossiers_dossier_add")).status_code == 403
    response = root_client.post(reverse("admin:dossiers_dossier_change", args=[dossier.pk]), {"status": "returned"})
    assert response.status_code == 403
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.IN_PROCESS
