"""Each lockout of a staff login (django-axes) is an audit event (issue 12 item 3).

One event when a lockout begins: the failed attempt that reaches ``AXES_FAILURE_LIMIT`` (attempts made
while locked, which axes reports again, are not new lockouts). The target is the account when the
username exists, otherwise axes' record of the attempts (a guesser trying unknown usernames from one
address). No password is ever recorded.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.http import HttpRequest
from django.utils import timezone

LOCKOUT_ACTION = "auth.lockout"


def _target(username: str | None, ip_address: str | None) -> models.Model | None:
    from axes.models import AccessAttempt

    if username:
        user = get_user_model().objects.filter(**{get_user_model().USERNAME_FIELD: username}).first()
        if user is not None:
            return user
    attempts = AccessAttempt.objects.filter(ip_address=ip_address)
    if username:
        attempts = attempts.filter(username=username)
    return attempts.order_by("-attempt_time").first()


def lockout_recorded(
    sender: Any,
    request: HttpRequest | None = None,
    username: str | None = None,
    ip_address: str | None = None,
    **_: Any,
) -> None:
    """Receiver of axes' ``user_locked_out``: append the audit event of a lockout that begins now."""
    from cchc.audit.services import audit_record

    failures = getattr(request, "axes_failures_since_start", None)
    if failures is not None and failures != settings.AXES_FAILURE_LIMIT:
        return  # an attempt while already locked
    target = _target(username, ip_address)
    if target is None:
        return
    audit_record(
        actor=None,
        action=LOCKOUT_ACTION,
        target=target,
        before=None,
        after={
            "username": str(username or "")[:150],
            "ip_address": ip_address or "",
            "path": (request.path if request is not None else "")[:300],
            "failures": failures,
            "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
            if settings.AXES_COOLOFF_TIME
            else None,
        },
        at=timezone.now(),
    )


def connect() -> None:
    from axes.signals import user_locked_out

    user_locked_out.connect(lockout_recorded, dispatch_uid="cchc.audit.lockouts")
