"""Who needs the second factor, who counts as staff, and the session flags that remember it.

Decision (docs/staff-security.md): the second factor is required for every user with a membership valid
today whose role is in ``CCHC_OTP_REQUIRED_ROLES`` (default: ``leader``, "Lãnh đạo phê duyệt", the role
that approves and signs results, in any area), and for superusers when ``CCHC_OTP_REQUIRE_SUPERUSER``.
Legal basis: inferred. Thông tư 12/2022/TT-BTTTT (bảo đảm an toàn hệ thống thông tin theo cấp độ) asks
for multi-factor authentication of privileged access from level 3; the approval of administrative
decisions is such an access. "Staff" (the idle-session expiry) means ``is_staff``, superusers and anyone
with a membership valid today.

The answer is computed at login (``user_logged_in``: every password login, ``force_login`` too) and
again every :data:`RECHECK_SECONDS`, and kept in the session, so that a page does not query memberships
on every request; a role granted during a session applies within that delay.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from cchc.accounts.models import AgencyMembership

SESSION_REQUIRED = "cchc_otp_required"
SESSION_STAFF = "cchc_staff"
SESSION_CHECKED = "cchc_flags_at"
SESSION_LAST_ACTIVE = "cchc_last_active"
RECHECK_SECONDS = 300
SEEN_GRANULARITY = 60  # the last-seen moment is rewritten at most once a minute (one session write)


@dataclass(frozen=True)
class Flags:
    otp_required: bool
    staff: bool


def otp_required(user: Any) -> bool:
    """Whether ``user`` must pass the second factor (see the module)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser and getattr(settings, "CCHC_OTP_REQUIRE_SUPERUSER", False):
        return True
    roles = list(getattr(settings, "CCHC_OTP_REQUIRED_ROLES", ["leader"]))
    today = timezone.localdate()
    return AgencyMembership.objects.valid_on(today).filter(user=user, role__in=roles).exists()


def _flags_compute(user: Any) -> Flags:
    required = otp_required(user)
    staff = bool(
        required
        or user.is_staff
        or user.is_superuser
        or AgencyMembership.objects.valid_on(timezone.localdate()).filter(user=user).exists()
    )
    return Flags(required, staff)


def _store(request: HttpRequest, flags: Flags, now: float) -> None:
    request.session[SESSION_REQUIRED] = flags.otp_required
    request.session[SESSION_STAFF] = flags.staff
    request.session[SESSION_CHECKED] = int(now)


def on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """``user_logged_in``: compute the flags and start the idle clock."""
    if request is None or not hasattr(request, "session"):
        return
    now = time.time()
    _store(request, _flags_compute(user), now)
    request.session[SESSION_LAST_ACTIVE] = int(now)


def session_flags(request: HttpRequest, *, now: float) -> Flags:
    """The session's flags, recomputed when missing or older than :data:`RECHECK_SECONDS`."""
    session = request.session
    checked = session.get(SESSION_CHECKED)
    if checked is None or now - float(checked) > RECHECK_SECONDS or SESSION_REQUIRED not in session:
        flags = _flags_compute(request.user)
        _store(request, flags, now)
        return flags
    return Flags(bool(session.get(SESSION_REQUIRED)), bool(session.get(SESSION_STAFF)))
