"""The Django admin of the registry and the program register renders on the real data."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from cchc.org.models import Agency
from cchc.program.models import Program

pytestmark = pytest.mark.django_db

MODELS = [
    m
    for app in ("org", "program")
    for m in apps.get_app_config(app).get_models()
    if not m.__name__.startswith("Historical")
]


@pytest.fixture
def staff_client(client):
    user = get_user_model().objects.create_superuser("quantri", "quantri@example.org", "mat-khau-thu-nghiem")
    client.force_login(user)
    return client


def test_every_model_is_registered():
    assert [m.__name__ for m in MODELS if not admin.site.is_registered(m)] == []


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelist_and_change_form_render(staff_client, seeded: Program, model):
    meta = model._meta
    response = staff_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
    assert response.status_code == 200
    obj = model.objects.first()
    if obj is not None:
        change = staff_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk]))
        assert change.status_code == 200


def test_agency_list_flags_records_to_review(staff_client, seeded: Program):
    url = reverse("admin:org_agency_changelist")
    flagged = staff_client.get(url, {"can_ra_soat": "1"}).content.decode()
    flagged_kh = staff_client.get(url, {"can_ra_soat": "1", "q": "ke hoach"}).content.decode()
    confirmed = staff_client.get(url, {"can_ra_soat": "0", "q": "ke hoach"}).content.decode()
    unconfirmed = Agency.objects.exclude(confidence="confirmed").first()
    assert unconfirmed.name in flagged
    assert "Sở Kế hoạch và Đầu tư" in confirmed  # confirmed from QĐ 4831
    assert "Sở Kế hoạch và Đầu tư" not in flagged_kh


def test_agency_autocomplete_search_is_accent_insensitive(staff_client, seeded: Program):
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {"term": "noi vu", "app_label": "program", "model_name": "agencyref", "field_name": "agency"},
    )
    assert response.status_code == 200
    assert "Sở Nội vụ" in {r["text"] for r in response.json()["results"]}
