"""Test helpers: a client whose session has passed the second factor (for tests of other areas that log
in a user who needs it, e.g. a leader)."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from cchc.accounts.otp.policy import otp_required


def otp_verify_session(client: Client, user: Any) -> TOTPDevice:
    """Give ``user`` a confirmed authenticator (if none) and mark ``client``'s session verified with it,
    as the verification page does after a right code. Call it after ``client.force_login(user)``."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Ứng dụng xác thực (kiểm thử)", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def login_verified(client: Client, user: Any) -> Client:
    """``force_login`` plus, for a user who needs it, the second factor."""
    client.force_login(user)
    if otp_required(user):
        otp_verify_session(client, user)
    return client
