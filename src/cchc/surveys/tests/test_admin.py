"""The admin shows surveys read-only: writes go through the audited services."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.urls import reverse

from cchc.surveys.constants import ResponseChannel
from cchc.surveys.services import response_submit
from cchc.surveys.tests.conftest import VN, all_answers


def test_admin_lists_responses_and_offers_no_add(client, world, campaign, questionnaire):
    response_submit(
        campaign=campaign,
        channel=ResponseChannel.ONLINE,
        agency=world.justice,
        answers=all_answers(questionnaire),
        at=datetime(2026, 2, 2, 9, 0, tzinfo=VN),
    )
    admin = User.objects.create_superuser(username="quantri", password="x-Secret-123")
    client.force_login(admin)

    listing = client.get(reverse("admin:surveys_response_changelist"))
    adding = client.get(reverse("admin:surveys_campaign_add"))

    assert listing.status_code == 200
    assert "Sở Tư pháp" in listing.content.decode()
    assert adding.status_code == 403
