"""Writes of the second factor: enrolment of an authenticator app (TOTP), recovery codes, the check of a
code after the password login (counted by django-axes like a wrong password)."""

from __future__ import annotations

import secrets
from typing import Any, NoReturn

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpRequest
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from cchc.accounts.otp.constants import MSG_INVALID, MSG_THROTTLED, RECOVERY_CODES, OtpError, OtpErrorCode
from cchc.accounts.otp.models import RecoveryCode, RecoveryCodeDevice, code_hash

TOTP_NAME = "Ứng dụng xác thực"
RECOVERY_NAME = "Mã dự phòng"
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read from paper


def totp_device_pending(user: Any) -> TOTPDevice:
    """The unconfirmed authenticator being enrolled (one at a time; made on first call)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


@transaction.atomic
def recovery_codes_new(*, user: Any) -> list[str]:
    """New recovery codes for ``user`` (the old ones stop working); returned once, stored hashed."""
    device, _ = RecoveryCodeDevice.objects.get_or_create(user=user, defaults={"name": RECOVERY_NAME})
    device.codes.all().delete()
    codes = [
        "-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(4)) for _ in range(RECOVERY_CODES)
    ]
    RecoveryCode.objects.bulk_create(RecoveryCode(device=device, code_hash=code_hash(c)) for c in codes)
    return codes


def _refuse(request: HttpRequest, user: Any, message: str = MSG_INVALID) -> NoReturn:
    """A wrong code: counted by axes as a failed login of ``user`` from this address (lockout after
    ``AXES_FAILURE_LIMIT``), then refused with a Vietnamese message."""
    credentials = {"username": user.get_username()}
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    if AxesProxyHandler.is_locked(request, credentials):
        raise OtpError(OtpErrorCode.LOCKED, "")
    raise OtpError(OtpErrorCode.INVALID, message)


def otp_locked(request: HttpRequest, user: Any) -> bool:
    return bool(AxesProxyHandler.is_locked(request, {"username": user.get_username()}))


def otp_verify(*, request: HttpRequest, user: Any, token: str) -> Any:
    """Check ``token`` against the user's confirmed devices (the authenticator, then the recovery
    codes); on success mark the session verified (a new session key) and return the device."""
    token = (token or "").strip()
    if otp_locked(request, user):
        raise OtpError(OtpErrorCode.LOCKED, "")
    digits = token.replace(" ", "")
    throttled = False
    for device in devices_for_user(user, confirmed=True):
        if isinstance(device, RecoveryCodeDevice):
            ok = len(digits) > 6 and device.verify_token(token)
        else:
            # django-otp's throttle: after a wrong code the device waits 1, 2, 4 ... seconds (kept on the
            # device, so a new password login does not reset it); a code given meanwhile is not checked
            throttled = throttled or not device.verify_is_allowed()[0]
            ok = digits.isdigit() and len(digits) == 6 and device.verify_token(digits)
        if ok:
            request.session.cycle_key()
            otp_login(request, device)
            return device
    _refuse(request, user, MSG_THROTTLED if throttled else MSG_INVALID)


def totp_enrol_confirm(*, request: HttpRequest, user: Any, device: TOTPDevice, token: str) -> list[str]:
    """Confirm the authenticator being enrolled with a code it shows; the session is verified and new
    recovery codes are returned (to show once)."""
    digits = (token or "").replace(" ", "")
    if otp_locked(request, user):
        raise OtpError(OtpErrorCode.LOCKED, "")
    if not (digits.isdigit() and len(digits) == 6 and device.verify_token(digits)):
        _refuse(request, user)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()  # one authenticator per user
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = recovery_codes_new(user=user)
    request.session.cycle_key()
    otp_login(request, device)
    return codes
