"""The applicant's choice of channels on the portal's application form and at the counter."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from cchc.common.tests.files import pdf_bytes, upload
from cchc.dossiers.models import Dossier
from cchc.dossiers.tests.conftest import World

APPLY = "/dich-vu-cong/thu-tuc/9.000101/nop-truc-tuyen/"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()


def _online(world: World, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "applicant_kind": "citizen",
        "applicant_name": "Phạm Thị Hồng",
        "applicant_id_number": "056190004321",
        "applicant_phone": "0905111222",
        "applicant_email": "hong@example.vn",
        "applicant_address": "Phường Nha Trang",
        "receiving_agency": str(world.centre.pk),
        "doc_1": upload("to-khai.pdf", pdf_bytes()),
    }
    data.update(overrides)
    return data


def test_the_portal_form_offers_the_channels_with_email_ticked(client: Client, world: World) -> None:
    page = client.get(APPLY).content.decode()
    assert "Nhận thông báo về hồ sơ qua" in page
    assert 'name="notify_channels" value="email"' in page
    assert 'value="email" id="id_notify_channels_0" checked' in page or (
        'value="email"' in page and "checked" in page.split('value="email"')[1].split(">")[0]
    )


@pytest.mark.parametrize(
    ("channels", "stored"), [(["email"], ["email"]), (["email", "sms"], ["email", "sms"]), ([], [])]
)
def test_the_portal_stores_the_chosen_channels(
    client: Client, world: World, channels: list[str], stored: list[str]
) -> None:
    response = client.post(APPLY, _online(world, notify_channels=channels))
    assert response.status_code == 302
    assert Dossier.objects.get(applicant_name="Phạm Thị Hồng").notify_channels == stored


def test_an_unknown_channel_is_refused(client: Client, world: World) -> None:
    response = client.post(APPLY, _online(world, notify_channels=["fax"]))
    assert response.status_code == 400
    assert "Kênh nhận thông báo không hợp lệ." in response.content.decode()
    assert not Dossier.objects.filter(applicant_name="Phạm Thị Hồng").exists()


def _counter(world: World, **extra: Any) -> dict[str, Any]:
    data = {
        "receiving_agency": str(world.centre.pk),
        "competent_agency": str(world.justice.pk),
        "applicant_kind": "citizen",
        "applicant_name": "Lê Văn Tâm",
        "applicant_id_number": "056090001111",
        "applicant_phone": "0912345678",
        "applicant_email": "",
        "applicant_address": "Cam Ranh",
        "doc_1": "on",
        "copies_1": "1",
    }
    data.update(extra)
    return data


def test_at_the_counter_the_officer_ticks_the_channels(client: Client, world: World) -> None:
    client.force_login(world.reception)
    url = reverse("dossiers_web:reception") + "?thu-tuc=9.000101"
    response = client.post(url, _counter(world, notify_channels=["email"]))
    assert response.status_code == 400
    assert "Muốn nhận thông báo qua thư điện tử cần ghi địa chỉ thư điện tử." in response.content.decode()
    assert not Dossier.objects.filter(applicant_name="Lê Văn Tâm").exists()

    response = client.post(url, _counter(world, notify_channels=["sms"]))
    assert response.status_code == 302
    assert Dossier.objects.get(applicant_name="Lê Văn Tâm").notify_channels == ["sms"]
