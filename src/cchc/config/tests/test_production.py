"""The production settings refuse DEBUG, SQLite, the development secret and a missing shared cache."""

import os
import subprocess
import sys

import pytest

GOOD_SECRET = "Vq3#pL9x!Tz7@mK2$wR8^nB5&cY1*hJ6(dF4)gS0-eA_uI+oP=lZ~"
AUDIT_KEYS = "k2026:" + "Hs8!dQ2@zX5#cV1$bN7%mL4^kJ9&gF3*aS6(pO0)iU-yT_rE+wQ=" + ",k2025:" + GOOD_SECRET[::-1]
POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
REDIS = "redis://127.0.0.1:6379/15"  # not connected to: the settings only read it


def _load_production(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "CCHC_AUDIT_KEYS", "CCHC_AUDIT_KEY_ID", "CACHE_URL"}
    }
    clean["CCHC_AUDIT_KEYS"] = AUDIT_KEYS
    clean["CACHE_URL"] = REDIS
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import cchc.config.production"],
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SECRET_KEY": GOOD_SECRET, "DATABASE_URL": POSTGRES}, "DEBUG must be off"),
        ({"DEBUG": "0", "DATABASE_URL": POSTGRES}, "SECRET_KEY"),
        ({"DEBUG": "0", "SECRET_KEY": "short", "DATABASE_URL": POSTGRES}, "SECRET_KEY"),
        ({"DEBUG": "0", "SECRET_KEY": GOOD_SECRET}, "SQLite is not allowed"),
        ({"DEBUG": "0", "SECRET_KEY": GOOD_SECRET, "DATABASE_URL": POSTGRES, "CACHE_URL": ""}, "set CACHE_URL"),
    ],
)
def test_production_refuses_unsafe_configuration(env, message):
    result = _load_production(**env)

    assert result.returncode != 0
    assert message in result.stderr


def test_production_starts_with_debug_off_a_secret_and_postgresql():
    result = _load_production(DEBUG="0", SECRET_KEY=GOOD_SECRET, DATABASE_URL=POSTGRES)

    assert result.returncode == 0, result.stderr


GOOD = {"DEBUG": "0", "SECRET_KEY": GOOD_SECRET, "DATABASE_URL": POSTGRES, "CACHE_URL": REDIS}


@pytest.mark.parametrize(
    ("secret", "message"),
    [
        ("", "SECRET_KEY"),
        ("   ", "SECRET_KEY is blank"),
        ("k" * 60, "fewer than 10 distinct characters"),
        ("abcdefghij" * 6, None),
        ("Vq3#pL9x!Tz7@mK2$wR8^nB5&cY1*hJ6(dF4)", "shorter than 50"),
        ("cchc-development-only-secret-do-not-use-in-production", "development"),
        ("django-insecure-" + GOOD_SECRET, "development"),
        ("changeme-" + GOOD_SECRET, "development"),
    ],
)
def test_production_refuses_weak_or_dev_like_secret_keys(secret, message):
    """Issue 12 item 10: blank, short (< 50), low-variety and development-like values are refused."""
    result = _load_production(**{**GOOD, "SECRET_KEY": secret})

    if message is None:
        assert result.returncode == 0, result.stderr
    else:
        assert result.returncode != 0
        assert message in result.stderr


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        ("", "CCHC_AUDIT_KEYS"),
        ("dev:cchc-development-only-audit-key-do-not-use-in-production", "development value or weak"),
        ("a:" + "x" * 60, "development value or weak"),
        ("pas de deux", "CCHC_AUDIT_KEYS"),
    ],
)
def test_production_refuses_missing_or_development_audit_keys(keys, message):
    result = _load_production(**{**GOOD, "CCHC_AUDIT_KEYS": keys})

    assert result.returncode != 0
    assert message in result.stderr


def test_https_redirect_and_hsts_are_on_by_default_and_configurable():
    probe = (
        "import cchc.config.production as p; "
        "print(p.SECURE_SSL_REDIRECT, p.SECURE_HSTS_SECONDS, getattr(p, 'SECURE_PROXY_SSL_HEADER', None))"
    )

    def run(**env):
        clean = {k: v for k, v in os.environ.items() if not k.startswith("SECURE_")}
        clean.update(GOOD, CCHC_AUDIT_KEYS=AUDIT_KEYS, **env)
        done = subprocess.run([sys.executable, "-c", probe], env=clean, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    assert run() == "True 31536000 None"
    assert (
        run(SECURE_SSL_REDIRECT="0", SECURE_HSTS_SECONDS="0", SECURE_PROXY_SSL_HEADER="1")
        == "False 0 ('HTTP_X_FORWARDED_PROTO', 'https')"
    )
