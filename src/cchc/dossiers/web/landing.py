"""Where a member of staff lands after logging in: their own work, read from their memberships.

One-stop-shop staff land on their dossier queue; the other areas of the reform work on their own
pages (feedback handling, the PAR Index, the annual plans, the periodic reports, the surveys). A user
with several duties lands on the first one of :data:`LANDING`; a ``?next=`` address always wins
(the login view's job). The duties come from one selector, :func:`cchc.accounts.selectors.user_duties`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.urls import reverse

from cchc.accounts.constants import Area, Role
from cchc.accounts.selectors import user_duties

# (area, URL name of the area's work page), in the order a user with several duties is sent to.
LANDING: tuple[tuple[str, str], ...] = (
    (Area.ONE_STOP, "dossiers_web:queue"),
    (Area.FEEDBACK, "feedback_web:staff_queue"),
    (Area.PAR, "par_web:home"),
    (Area.PLANS, "plans_web:plan_list"),
    (Area.REPORTS, "reporting_web:periods"),
    (Area.SURVEYS, "surveys_web:campaign_list"),
)
ADMIN_URL = "admin:index"
NO_DUTY_URL = "program_web:home"


def landing_url_for(duties: Iterable[tuple[str, str]], *, is_superuser: bool = False) -> str:
    """The address of the work of a user with these (area, role) duties.

    A duty whose only role is the agency's administrator (``Role.ADMIN``) is no desk work: such a user,
    like a superuser without duties, lands on the administration; a user without any duty on the
    programme's public home page.
    """
    working = {area for area, role in duties if role != Role.ADMIN}
    for area, url_name in LANDING:
        if area in working:
            return reverse(url_name)
    if is_superuser or any(role == Role.ADMIN for _, role in duties):
        return reverse(ADMIN_URL)
    return reverse(NO_DUTY_URL)


def staff_landing_url(user: Any, on: date) -> str:
    """The landing address of ``user`` on ``on`` (see :func:`landing_url_for`)."""
    return landing_url_for(user_duties(user=user, on=on), is_superuser=bool(getattr(user, "is_superuser", False)))
