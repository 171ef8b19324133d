"""Admin: versions with inlines, published ones read-only, the publish action."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from cchc.catalogue.constants import VersionStatus
from cchc.catalogue.models import ProcedureStep, ProcedureVersion
from cchc.catalogue.services import catalogue_import, procedure_version_draft_from
from cchc.catalogue.tests.conftest import AT, LATER, catalogue_data


def test_published_version_page_shows_inlines_read_only(registry, admin_client):
    catalogue_import(data=catalogue_data(), at=AT)
    version = ProcedureVersion.objects.get()

    response = admin_client.get(reverse("admin:catalogue_procedureversion_change", args=[version.pk]))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Thẩm định" in content
    assert 'name="steps-0-duration_hours"' not in content


def test_draft_version_page_has_editable_step_inline(registry, admin_client):
    catalogue_import(data=catalogue_data(), at=AT)
    draft = procedure_version_draft_from(version=ProcedureVersion.objects.get(), at=LATER)

    response = admin_client.get(reverse("admin:catalogue_procedureversion_change", args=[draft.pk]))

    assert 'name="steps-0-duration_hours"' in response.content.decode()


def test_publish_action_publishes_a_valid_draft_and_refuses_an_invalid_one(registry, admin_client):
    catalogue_import(data=catalogue_data(), at=AT)
    first = ProcedureVersion.objects.get()
    draft = procedure_version_draft_from(version=first, at=LATER)
    ProcedureStep.objects.filter(version=draft, order=2).update(duration_hours=Decimal(40))
    url = reverse("admin:catalogue_procedureversion_changelist")

    refused = admin_client.post(url, {"action": "publish", "_selected_action": [draft.pk]}, follow=True)

    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT
    assert "catalogue.steps_exceed_statutory_time" in refused.content.decode()

    ProcedureStep.objects.filter(version=draft, order=2).update(duration_hours=Decimal(5))
    admin_client.post(url, {"action": "publish", "_selected_action": [draft.pk]}, follow=True)

    draft.refresh_from_db()
    first.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED
    assert first.status == VersionStatus.RETIRED
