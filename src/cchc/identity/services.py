"""Signing a citizen in and out, and recording every attempt (the attempt log and the audit trail)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from cchc.audit.services import audit_record
from cchc.identity.constants import REFUSED_ACTION, SESSION_KEY, SIGN_IN_ACTION, Outcome, SignInRefused
from cchc.identity.models import Citizen, SignInAttempt

LOGGER = logging.getLogger("cchc.identity")


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def citizen_sign_out(request: HttpRequest) -> None:
    """Nobody signed in any more in this session (the staff login, if any, is left alone)."""
    request.session.pop(SESSION_KEY, None)


def citizen_signed_in(request: HttpRequest, citizen: Citizen) -> None:
    """Record the success and sign ``citizen`` in (a new session key: no fixation)."""
    now = timezone.now()
    with transaction.atomic():
        SignInAttempt.objects.create(at=now, outcome=Outcome.SIGNED_IN, citizen=citizen, ip_address=_ip(request))
        audit_record(
            actor=None,
            action=SIGN_IN_ACTION,
            target=citizen,
            before=None,
            after={"level": citizen.level, "kind": citizen.kind, "issuer": citizen.issuer},
            at=now,
        )
    request.session.cycle_key()
    request.session[SESSION_KEY] = citizen.pk
    LOGGER.info("identity: citizen account %s signed in (%s)", citizen.pk, citizen.level)


def citizen_refused(request: HttpRequest, refusal: SignInRefused) -> SignInAttempt:
    """Record a refused attempt; whoever was signed in as a citizen in this session is signed out."""
    citizen_sign_out(request)
    now = timezone.now()
    with transaction.atomic():
        attempt = SignInAttempt.objects.create(
            at=now, outcome=refusal.outcome, ip_address=_ip(request), detail=refusal.detail
        )
        audit_record(
            actor=None,
            action=REFUSED_ACTION,
            target=attempt,
            before=None,
            after={"outcome": refusal.outcome, "detail": refusal.detail, "ip_address": attempt.ip_address or ""},
            at=now,
        )
    LOGGER.warning("identity: sign-in refused (%s): %s", refusal.outcome, refusal.detail)
    return attempt
