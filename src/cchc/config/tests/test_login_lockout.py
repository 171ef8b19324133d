"""Issue 12 item 3: brute-force protection of the staff logins (django-axes), its audit events, the
admin unlock, and the shared cache under the look-up throttles."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from cchc.audit.models import AuditEvent
from cchc.audit.services import audit_verify
from cchc.common.throttle import FailureThrottle
from cchc.config.tests.test_production import AUDIT_KEYS, GOOD_SECRET

PASSWORD = "Mật-khẩu-đúng-2026!"  # noqa: S105
LOGIN_URLS = ["/mot-cua/dang-nhap/", "/admin/login/"]
REDIS_URL = "redis://127.0.0.1:6379/0"


def _login(client: Client, url: str, username: str, password: str, ip: str = "10.1.1.1"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.fixture
def officer(db):
    return get_user_model().objects.create_user("canbo.thu", password=PASSWORD, is_staff=True)


@pytest.mark.django_db
@pytest.mark.parametrize("url", LOGIN_URLS)
def test_thirty_wrong_passwords_then_the_right_one_is_refused_in_vietnamese(officer, url: str) -> None:
    client = Client()
    for n in range(30):
        _login(client, url, "canbo.thu", f"sai-{n}")

    response = _login(client, url, "canbo.thu", PASSWORD)

    assert response.status_code == 429
    assert "Đăng nhập tạm bị khóa" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # locked by username: another address is refused too
    assert _login(Client(), url, "canbo.thu", PASSWORD, ip="10.9.9.9").status_code == 429
    # exactly one audit event for the lockout, on the account, and the chain holds
    events = AuditEvent.objects.filter(action="auth.lockout")
    assert events.count() == 1
    event = events.get()
    assert event.target_id == str(officer.pk)
    assert event.after["username"] == "canbo.thu"
    assert event.after["ip_address"] == "10.1.1.1"
    assert "sai-" not in str(event.after)
    assert audit_verify().ok


@pytest.mark.django_db
def test_an_address_guessing_many_usernames_is_locked_by_address(officer) -> None:
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, LOGIN_URLS[0], f"khong-co-{n}", "sai", ip="10.2.2.2")

    assert _login(Client(), LOGIN_URLS[0], "canbo.thu", PASSWORD, ip="10.2.2.2").status_code == 429
    assert _login(Client(), LOGIN_URLS[0], "canbo.thu", PASSWORD, ip="10.3.3.3").status_code == 302
    assert AuditEvent.objects.filter(action="auth.lockout").count() == 1


@pytest.mark.django_db
def test_an_administrator_unlocks_the_account_in_the_admin(officer) -> None:
    from axes.models import AccessAttempt

    for n in range(settings.AXES_FAILURE_LIMIT + 3):
        _login(Client(), LOGIN_URLS[0], "canbo.thu", f"sai-{n}")
    assert _login(Client(), LOGIN_URLS[0], "canbo.thu", PASSWORD).status_code == 429
    get_user_model().objects.create_superuser("quantri", password=PASSWORD)
    admin = Client()
    assert _login(admin, "/admin/login/", "quantri", PASSWORD, ip="10.5.5.5").status_code == 302

    attempts = list(AccessAttempt.objects.filter(username="canbo.thu").values_list("pk", flat=True))
    assert attempts
    page = admin.get("/admin/axes/accessattempt/", REMOTE_ADDR="10.5.5.5")
    assert page.status_code == 200
    response = admin.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": attempts, "post": "yes"},
        REMOTE_ADDR="10.5.5.5",
    )

    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="canbo.thu").exists()
    assert _login(Client(), LOGIN_URLS[0], "canbo.thu", PASSWORD).status_code == 302


def _redis_reachable() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except Exception:  # noqa: BLE001 (any failure: not reachable)
        return False


@pytest.mark.skipif(not _redis_reachable(), reason="Redis is not running on 127.0.0.1:6379")
def test_the_lookup_throttle_counts_in_the_shared_redis_cache(settings) -> None:
    import redis
    from django.test import RequestFactory

    prefix = f"cchc-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    throttle = FailureThrottle("tra-cuu", limit=3, window=60)
    request = RequestFactory().get("/", REMOTE_ADDR="10.4.4.4")
    server = redis.Redis.from_url(REDIS_URL)
    try:
        for _ in range(3):
            throttle.failed(request)
        keys = server.keys(f"{prefix}:*")
        # the count is in Redis, where every worker process reads it
        assert len(keys) == 1
        assert int(server.get(keys[0])) == 3
        assert throttle.blocked(request)
    finally:
        for key in server.keys(f"{prefix}:*"):
            server.delete(key)


def _settings_probe(module: str, **env: str) -> subprocess.CompletedProcess[str]:
    code = (
        "import django; django.setup(); from django.conf import settings; from django.core import checks; "
        "print(settings.CACHES['default']['BACKEND']); print([m.id for m in checks.run_checks()]); "
        "print(settings.SESSION_ENGINE)"
    )
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"CACHE_URL", "DEBUG", "SECRET_KEY", "DATABASE_URL", "CCHC_AUDIT_KEYS"}
    }
    clean.update(env, DJANGO_SETTINGS_MODULE=module, CCHC_AUDIT_KEYS=AUDIT_KEYS)
    return subprocess.run([sys.executable, "-c", code], env=clean, capture_output=True, text=True, timeout=120)


def test_cache_url_selects_redis_and_cached_sessions_and_production_refuses_without_it() -> None:
    production = {
        "DEBUG": "0",
        "SECRET_KEY": GOOD_SECRET,
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
    }

    local = _settings_probe("cchc.config.settings")
    shared = _settings_probe("cchc.config.production", CACHE_URL=REDIS_URL, **production)
    unshared = _settings_probe("cchc.config.production", **production)

    assert local.stdout.splitlines() == [
        "django.core.cache.backends.locmem.LocMemCache",
        "[]",
        "django.contrib.sessions.backends.db",
    ], local.stderr
    assert shared.stdout.splitlines()[0] == "django.core.cache.backends.redis.RedisCache", shared.stderr
    assert "cchc.W001" not in shared.stdout
    assert shared.stdout.splitlines()[2] == "django.contrib.sessions.backends.cached_db"
    assert unshared.returncode != 0
    assert "set CACHE_URL" in unshared.stderr


@pytest.mark.django_db
@pytest.mark.skipif(not _redis_reachable(), reason="Redis is not running on 127.0.0.1:6379")
def test_staff_sessions_are_read_from_redis_and_survive_losing_it(settings, officer) -> None:
    """Issue 17 item 2: with a shared cache the sessions are ``cached_db`` — in Redis for every process, and
    written through to the database, so losing Redis (a restart, an eviction) logs nobody out (with the pure
    ``cache`` engine the second request is sent to the login page)."""
    import redis

    from cchc.accounts.otp.testing import login_verified

    prefix = f"cchc-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    server = redis.Redis.from_url(REDIS_URL)
    client = login_verified(Client(), officer)
    try:
        before = client.get("/mot-cua/")
        sessions = [key for key in server.keys(f"{prefix}:*") if b"sessions.cached_db" in key]
        assert len(sessions) == 1  # the session is in Redis, where every worker reads it
        for key in server.keys(f"{prefix}:*"):
            server.delete(key)  # Redis lost everything
        after = client.get("/mot-cua/")
    finally:
        for key in server.keys(f"{prefix}:*"):
            server.delete(key)

    assert before.status_code == 200
    assert after.status_code == 200  # still signed in: read back from the database
    assert client.session["_auth_user_id"] == str(officer.pk)
