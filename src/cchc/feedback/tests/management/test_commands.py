"""``cchc feedback demo``: realistic feedback in every state, idempotent."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from cchc.feedback.constants import FeedbackStatus
from cchc.feedback.models import Feedback
from cchc.feedback.selectors import feedback_indicator_counts

pytestmark = pytest.mark.django_db


def test_demo_makes_every_state_once(settings: Any) -> None:
    # given the registry
    from cchc.org.services import org_load_khanh_hoa

    settings.DEBUG = True
    org_load_khanh_hoa()
    # when run twice
    out = StringIO()
    call_command("feedback", "demo", stdout=out)
    first = set(Feedback.objects.values_list("code", "status"))
    call_command("feedback", "demo", stdout=out)
    # then
    assert set(Feedback.objects.values_list("code", "status")) == first
    assert {status for _, status in first} >= {
        FeedbackStatus.RECEIVED,
        FeedbackStatus.INFO_REQUESTED,
        FeedbackStatus.ASSIGNED,
        FeedbackStatus.ANSWERED,
        FeedbackStatus.PUBLISHED,
        FeedbackStatus.REJECTED,
    }
    assert "tạo mới 0" in out.getvalue()
    assert Feedback.objects.filter(reraise_of__isnull=False).count() == 1
    now = timezone.now()
    counts = feedback_indicator_counts(start=now - timezone.timedelta(days=90), close=now)
    assert sum(c.total for c in counts.values()) == Feedback.objects.count()
    assert sum(c.late for c in counts.values()) >= 1  # the one left assigned for 20 working days


def test_demo_refuses_without_debug(settings: Any) -> None:
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("feedback", "demo")
