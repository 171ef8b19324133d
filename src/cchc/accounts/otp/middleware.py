"""Enforce the second factor and the idle-session expiry of staff (after ``OTPMiddleware``).

- A staff session idle for more than ``CCHC_STAFF_IDLE_MINUTES`` ends: the user is logged out and sent
  to the login page with the reason (an API request gets 401 ``accounts.session_expired``).
- A user who needs the second factor (``policy.otp_required``) and has not passed it in this session
  reaches only the verification and enrolment pages and the logout: every other page redirects to the
  verification page (a confirmed device) or to the enrolment page (none yet); an API request gets 403
  ``accounts.otp_required``.
Everyone else passes untouched (no query: the flags live in the session).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django_otp import devices_for_user

from cchc.accounts.otp.constants import MSG_ENROL_REQUIRED, MSG_EXPIRED, MSG_REQUIRED, OtpErrorCode
from cchc.accounts.otp.policy import SEEN_GRANULARITY, SESSION_LAST_ACTIVE, session_flags


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _open_paths() -> tuple[str, ...]:
    return (
        reverse("otp:verify"),
        reverse("otp:enrol"),
        reverse("otp:recovery"),
        reverse("dossiers_web:logout"),
        reverse("admin:logout"),
        str(getattr(settings, "STATIC_URL", "/static/") or "/static/"),
    )


def has_confirmed_device(user: Any) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


class StaffSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        now = time.time()
        flags = session_flags(request, now=now)
        if flags.staff:
            idle = int(getattr(settings, "CCHC_STAFF_IDLE_MINUTES", 30)) * 60
            seen = request.session.get(SESSION_LAST_ACTIVE)
            if idle > 0 and seen is not None and now - float(seen) > idle:
                return self._expired(request, idle // 60)
            if seen is None or now - float(seen) >= SEEN_GRANULARITY:
                request.session[SESSION_LAST_ACTIVE] = int(now)
        if flags.otp_required and not user.is_verified():
            if not request.path.startswith(_open_paths()):
                return self._second_factor(request, user)
        return self.get_response(request)

    def _expired(self, request: HttpRequest, minutes: int) -> HttpResponse:
        logout(request)
        message = MSG_EXPIRED.format(minutes=minutes)
        if _is_api(request):
            return JsonResponse({"code": OtpErrorCode.SESSION_EXPIRED.value, "message": message}, status=401)
        messages.warning(request, message)
        login = reverse("dossiers_web:login")
        return HttpResponseRedirect(f"{login}?{urlencode({'next': request.get_full_path()})}")

    def _second_factor(self, request: HttpRequest, user: Any) -> HttpResponse:
        enrolled = has_confirmed_device(user)
        if _is_api(request):
            code = OtpErrorCode.REQUIRED if enrolled else OtpErrorCode.ENROL_REQUIRED
            message = MSG_REQUIRED if enrolled else MSG_ENROL_REQUIRED
            return JsonResponse({"code": code.value, "message": message}, status=403)
        target = reverse("otp:verify" if enrolled else "otp:enrol")
        next_path = request.get_full_path() if request.method == "GET" else "/"
        return HttpResponseRedirect(f"{target}?{urlencode({'next': next_path})}")
