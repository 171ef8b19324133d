"""The staff's second factor through the real login page: a leader must enrol and then give a TOTP code
(or a recovery code, once) before reaching the console; wrong codes are refused in Vietnamese and counted
by django-axes; other staff log in as before; an idle staff session ends."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from cchc.accounts.otp.constants import MSG_INVALID, MSG_THROTTLED, RECOVERY_CODES
from cchc.accounts.otp.models import RecoveryCode, RecoveryCodeDevice
from cchc.accounts.otp.policy import SESSION_LAST_ACTIVE, otp_required
from cchc.accounts.otp.tests.conftest import PASSWORD, World

pytestmark = pytest.mark.django_db


QUEUE = "/mot-cua/"


def password_login(client: Client, user: Any) -> Any:
    return client.post(reverse("dossiers_web:login"), {"username": user.username, "password": PASSWORD})


def code_of(device: TOTPDevice, *, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def enrolled(user: Any) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Ứng dụng xác thực", confirmed=True)


def a_second_later(device: TOTPDevice) -> None:
    """The throttle's wait after a wrong code has passed (instead of sleeping)."""
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=timezone.now() - timedelta(seconds=5))


def failures(user: Any) -> int:
    return sum(AccessAttempt.objects.filter(username=user.username).values_list("failures_since_start", flat=True))


def test_who_needs_the_second_factor(world: World) -> None:
    assert otp_required(world.leader)
    assert otp_required(world.commune_officer)  # reception, leader and clerk at the commune
    assert not otp_required(world.specialist)
    assert not otp_required(world.reception)
    assert not otp_required(world.outsider)


def test_staff_without_the_requirement_log_in_as_before(client: Client, world: World) -> None:
    response = password_login(client, world.specialist)
    assert response.status_code == 302
    assert client.get(QUEUE).status_code == 200
    assert not TOTPDevice.objects.filter(user=world.specialist).exists()


def test_a_leader_without_a_device_is_sent_to_enrolment_and_cannot_reach_the_console(
    client: Client, world: World
) -> None:
    assert password_login(client, world.leader).status_code == 302
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("otp:enrol"))
    assert client.get(reverse("otp:verify")).status_code == 302  # nothing to verify yet: enrol first
    for path in [QUEUE, "/admin/", reverse("dossiers_web:reception")]:
        assert client.get(path).status_code == 302, path

    page = client.get(reverse("otp:enrol"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html  # the QR code of the otpauth:// address
    assert "Đăng ký ứng dụng xác thực" in html
    device = TOTPDevice.objects.get(user=world.leader, confirmed=False)

    wrong = client.post(reverse("otp:enrol"), {"token": "000000" if code_of(device) != "000000" else "111111"})
    assert wrong.status_code == 400
    assert MSG_INVALID in wrong.content.decode()
    assert client.get(QUEUE).status_code == 302

    a_second_later(device)
    confirmed = client.post(reverse("otp:enrol"), {"token": code_of(device), "next": QUEUE})
    assert confirmed.status_code == 302
    assert confirmed["Location"].startswith(reverse("otp:recovery"))
    shown = client.get(confirmed["Location"])
    codes = shown.context["codes"]
    assert len(codes) == RECOVERY_CODES
    assert "chỉ hiển thị chúng một lần" in shown.content.decode()
    assert client.get(reverse("otp:recovery")).context["codes"] is None  # shown once
    stored = set(RecoveryCode.objects.values_list("code_hash", flat=True))
    assert not any(code in stored or code.replace("-", "") in stored for code in codes)  # hashed
    assert client.get(QUEUE).status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_a_stolen_password_cannot_enrol_another_device(client: Client, world: World) -> None:
    enrolled(world.leader)
    password_login(client, world.leader)
    response = client.get(reverse("otp:enrol"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("otp:verify"))
    assert not TOTPDevice.objects.filter(user=world.leader, confirmed=False).exists()


def test_with_a_device_the_code_is_required_and_a_wrong_one_refused_and_counted(client: Client, world: World) -> None:
    device = enrolled(world.leader)
    password_login(client, world.leader)
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('otp:verify')}?next=%2Fmot-cua%2F"

    right = code_of(device)
    wrong = next(c for c in ("123456", "654321") if c != right)
    refused = client.post(reverse("otp:verify"), {"token": wrong, "next": QUEUE})
    assert refused.status_code == 400
    assert MSG_INVALID in refused.content.decode()
    assert refused.context["error_code"] == "accounts.otp_invalid"
    assert failures(world.leader) == 1
    assert client.get(QUEUE).status_code == 302
    too_soon = client.post(reverse("otp:verify"), {"token": right, "next": QUEUE})
    assert too_soon.status_code == 400  # django-otp's throttle: a second after a wrong code, not checked
    assert MSG_THROTTLED in too_soon.content.decode()
    a_second_later(device)

    accepted = client.post(reverse("otp:verify"), {"token": right, "next": QUEUE})
    assert accepted.status_code == 302
    assert accepted["Location"] == QUEUE
    assert client.get(QUEUE).status_code == 200


def test_wrong_codes_lock_the_account_out_like_wrong_passwords(client: Client, world: World, settings: Any) -> None:
    device = enrolled(world.leader)
    password_login(client, world.leader)
    right = code_of(device)
    wrong = next(c for c in ("123456", "654321") if c != right)
    statuses = [
        client.post(reverse("otp:verify"), {"token": wrong}).status_code for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses[:-1] == [400] * (settings.AXES_FAILURE_LIMIT - 1)
    assert statuses[-1] == 429  # axes' lockout answer
    assert failures(world.leader) == settings.AXES_FAILURE_LIMIT

    # the half-open session ended; the password no longer opens one either
    assert client.get(QUEUE).status_code == 302
    again = password_login(client, world.leader)
    assert again.status_code == 429
    assert "tạm bị khóa" in again.content.decode()


def test_a_recovery_code_works_once(client: Client, world: World) -> None:
    from cchc.accounts.otp.services import recovery_codes_new

    enrolled(world.leader)
    codes = recovery_codes_new(user=world.leader)

    password_login(client, world.leader)
    used = client.post(reverse("otp:verify"), {"token": codes[0].lower(), "next": QUEUE})  # case ignored
    assert used.status_code == 302
    assert client.get(QUEUE).status_code == 200
    assert RecoveryCodeDevice.objects.get(user=world.leader).remaining() == RECOVERY_CODES - 1

    other = Client()
    password_login(other, world.leader)
    again = other.post(reverse("otp:verify"), {"token": codes[0], "next": QUEUE})
    assert again.status_code == 400
    assert MSG_INVALID in again.content.decode()
    assert other.post(reverse("otp:verify"), {"token": codes[1], "next": QUEUE}).status_code == 302


def test_an_idle_staff_session_ends(client: Client, world: World, settings: Any) -> None:
    settings.CCHC_STAFF_IDLE_MINUTES = 30
    password_login(client, world.specialist)
    assert client.get(QUEUE).status_code == 200

    session = client.session
    session[SESSION_LAST_ACTIVE] = int(time.time()) - 29 * 60  # active 29 minutes ago: still open
    session.save()
    assert client.get(QUEUE).status_code == 200

    session = client.session
    session[SESSION_LAST_ACTIVE] = int(time.time()) - 31 * 60
    session.save()
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("dossiers_web:login"))
    page = client.get(response["Location"])
    assert "Phiên làm việc đã hết hạn vì không hoạt động quá 30 phút" in page.content.decode()
    assert not page.context["user"].is_authenticated


def test_a_user_without_staff_duties_is_not_timed_out(client: Client, world: World) -> None:
    client.force_login(world.outsider)
    session = client.session
    session[SESSION_LAST_ACTIVE] = int(time.time()) - 3 * 3600
    session.save()
    response = client.get(reverse("receipts:verify", kwargs={"code": "x"}))
    assert response.status_code == 404  # the page ran: not redirected to the login
    assert client.session.get("_auth_user_id") == str(world.outsider.pk)


def test_the_api_answers_403_with_a_code_before_the_second_factor(client: Client, world: World) -> None:
    enrolled(world.leader)
    client.force_login(world.leader)
    response = client.get("/api/dossiers/")
    assert response.status_code == 403
    assert response.json()["code"] == "accounts.otp_required"
