"""Staff names are one field, shown as written (issue 12, item 19): the plans pages show the demo
officer of Sở Tư pháp as "Trần Thị Thu", never reordered ("Thu Trần Thị")."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from cchc.plans.models import AssignmentEntry

pytestmark = pytest.mark.django_db


def test_the_plans_page_shows_the_demo_officer_name_as_written(plans, settings, client):
    settings.DEBUG = True
    call_command("plans", "demo")
    officer = User.objects.get(username="kehoach.stp")
    entry = AssignmentEntry.objects.filter(author=officer).order_by("pk").first()
    assert entry is not None
    client.force_login(officer)

    body = client.get(reverse("plans_web:assignment_detail", args=[entry.assignment_id])).content.decode()

    assert "Trần Thị Thu" in body
    assert "Thu Trần Thị" not in body
