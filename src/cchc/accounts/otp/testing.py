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


def browser_second_factor(page: Any, username: str) -> None:
    """In a browser test (Playwright), after the password step: when ``username`` needs the second factor,
    give them a confirmed authenticator and type its current code on the verification page."""
    from django.contrib.auth import get_user_model
    from django_otp.oath import totp

    user = get_user_model().objects.get(username=username)
    if not otp_required(user):
        return
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Ứng dụng xác thực (kiểm thử)", confirmed=True)
    # the same account may log in twice within 30 s: forget the last code used (replay protection)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    # the login may have landed on the enrolment page (no device yet when it was asked): go to the code
    page.wait_for_url("**/tai-khoan/xac-thuc/**")
    if "/dang-ky/" in page.url:
        page.goto(page.url.replace("/dang-ky/", "/"))
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    page.get_by_label("Mã xác thực hoặc mã dự phòng").fill(f"{code:06d}")
    page.get_by_role("button", name="Xác thực").click()
