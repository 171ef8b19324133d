"""A membership counts only in its own area (issue 12, item 9): the one-stop-shop officers of an
agency cannot self-assess its PAR Index, nor appraise it for Sở Nội vụ."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from cchc.accounts.constants import Area, Role
from cchc.audit.models import AuditEvent
from cchc.dossiers.tests.conftest import _grant
from cchc.par import services as s
from cchc.par.constants import ParError, ParErrorCode
from cchc.par.selectors import viewer_for
from cchc.par.tests.conftest import AT, ParWorld


def test_a_one_stop_officer_cannot_act_in_the_par_index(pw: ParWorld):
    # given: every one-stop-shop role at Sở Tư pháp (assessed) and Sở Nội vụ (appraiser), none for PAR
    desk = User.objects.create_user(username="motcua.only", password="x-Secret-123")
    for agency in (pw.justice, pw.home_affairs):
        _grant(desk, agency, *Role, area=Area.ONE_STOP)
    score = pw.score(pw.justice, "1.1.2")
    events = AuditEvent.objects.count()

    with pytest.raises(ParError) as refused:
        s.score_self(score=score, points=Decimal(2), comment="", files=[], actor=desk, at=AT)

    assert refused.value.code == ParErrorCode.NOT_PERMITTED
    score.refresh_from_db()
    assert score.self_points is None
    assert AuditEvent.objects.count() == events
    assert viewer_for(user=desk, on=AT.date()).agency_ids == frozenset()
    # and the PAR membership (the fixture's officer) still acts
    assert pw.justice.pk in viewer_for(user=pw.officer, on=AT.date()).agency_ids
