"""A membership counts only in its own area (issue 12, item 9): each area reads its own memberships,
so an officer of Sở Nội vụ granted for one area (the one-stop shop, PAR, ...) gains nothing in the
others: the feedback desk, the reports, the surveys and the plans each need their own grant."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User

from cchc.accounts.constants import Area, Role
from cchc.accounts.services import membership_grant
from cchc.feedback.selectors import feedback_staff_scope
from cchc.org.models import Agency
from cchc.plans.selectors import is_coordinator
from cchc.reporting.selectors import report_scope
from cchc.surveys.web.access import survey_access

pytestmark = pytest.mark.django_db

DAY = date(2025, 8, 4)
AT = datetime(2025, 7, 1, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def _scopes(user: User, home_affairs: Agency) -> dict[Area, bool]:
    """Whether ``user`` acts for Sở Nội vụ in each area that reads memberships here."""
    return {
        Area.FEEDBACK: home_affairs.pk in feedback_staff_scope(user=user, on=DAY).agency_ids,
        Area.REPORTS: report_scope(user=user, on=DAY).reviewer,
        Area.SURVEYS: survey_access(user, DAY).everything,
        Area.PLANS: is_coordinator(user=user, on=DAY),
    }


@pytest.mark.parametrize("area", list(Area))
def test_a_membership_counts_in_its_own_area_only(area: Area):
    from cchc.org.services import org_load_khanh_hoa

    org_load_khanh_hoa()
    home_affairs = Agency.objects.valid_on(DAY).get(code="so-noi-vu")
    officer = User.objects.create_user(username=f"snv.{area.value}", password="x-Secret-123")
    for role in Role:
        membership_grant(
            user=officer, agency=home_affairs, area=area, role=role, valid_from=date(2025, 7, 1), actor=None, at=AT
        )

    scopes = _scopes(officer, home_affairs)

    assert {a for a, granted in scopes.items() if granted} == ({area} if area in scopes else set())
