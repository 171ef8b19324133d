"""Production settings: refuse to start with DEBUG, SQLite, a weak or development secret, the
development audit key, or without a shared cache (CACHE_URL); HTTPS (redirect, HSTS) and the
Content-Security-Policy configurable by env."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from cchc.config.env import env_bool, env_str
from cchc.config.settings import *  # noqa: F403
from cchc.config.settings import (
    CACHE_URL,
    CCHC_AUDIT_KEY_ID,
    CCHC_AUDIT_KEYS,
    DATABASES,
    DEBUG,
    DEV_SECRET_KEY,
    LOGGING,
    MIDDLEWARE,
    SECRET_KEY,
    STORAGES,
)

if DEBUG:
    raise ImproperlyConfigured("Production: DEBUG must be off (set DEBUG=0).")

# SECRET_KEY (issue 12 item 10): signs sessions, password-reset links and CSRF tokens. Refused: blank,
# shorter than 50 characters, fewer than 10 distinct characters (Django's own deploy check asks 50 and
# 5), or a value that reads like a development or placeholder one.
DEV_LIKE_SECRETS = ("development", "django-insecure", "insecure", "changeme", "change-me", "do-not-use", "example")


def secret_key_problem(secret: str) -> str | None:
    """Why ``secret`` is not fit for production, or None."""
    if not secret or not secret.strip():
        return "SECRET_KEY is blank"
    if secret == DEV_SECRET_KEY or any(word in secret.lower() for word in DEV_LIKE_SECRETS):
        return "SECRET_KEY looks like a development or placeholder value"
    if len(secret) < 50:
        return "SECRET_KEY is shorter than 50 characters"
    if len(set(secret)) < 10:
        return "SECRET_KEY has fewer than 10 distinct characters"
    return None


_problem = secret_key_problem(SECRET_KEY)
if _problem:
    raise ImproperlyConfigured(
        f"Production: {_problem}; set SECRET_KEY to a random value of at least 50 characters "
        '(python -c "import secrets; print(secrets.token_urlsafe(64))").'
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    raise ImproperlyConfigured("Production: SQLite is not allowed; set DATABASE_URL to PostgreSQL.")
if "replica" in DATABASES and DATABASES["replica"]["ENGINE"] != "django.db.backends.postgresql":
    # issue 17 item 3: the replica is a PostgreSQL streaming standby of the primary (docs/deploy.md)
    raise ImproperlyConfigured("Production: DATABASE_REPLICA_URL must be a PostgreSQL standby of DATABASE_URL.")


def _audit_keys_problem() -> str | None:
    from cchc.audit.keys import parse_keys

    keys = parse_keys(CCHC_AUDIT_KEYS)
    if not keys:
        return "set CCHC_AUDIT_KEYS"
    if CCHC_AUDIT_KEY_ID and CCHC_AUDIT_KEY_ID not in keys:
        return f"CCHC_AUDIT_KEY_ID {CCHC_AUDIT_KEY_ID!r} is not in CCHC_AUDIT_KEYS"
    for key in keys.values():
        if secret_key_problem(key.secret.decode()) is not None:
            return f"the audit key {key.id!r} is a development value or weak (>= 50 random characters)"
    return None


_problem = _audit_keys_problem()
if _problem:
    raise ImproperlyConfigured(f"Production: {_problem} (the audit chain's HMAC keys, kept outside the database).")

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True

# Issue 12 item 3 and issue 17 item 2: the look-up throttles and the sessions' fast copy need a cache shared
# by the processes. gunicorn always runs several workers, so a per-process cache would multiply every
# failure limit by their number (a phone-number guesser gets N times the tries): refused, like SQLite,
# rather than warned about (the check cchc.W001 stays for settings modules derived from this one).
if not CACHE_URL:
    raise ImproperlyConfigured("Production: set CACHE_URL to a shared Redis, e.g. redis://127.0.0.1:6379/1.")
CCHC_REQUIRE_SHARED_CACHE = True

# HTTPS (issue 12 item 10). On by default; a deployment served over plain HTTP inside a closed network sets
# SECURE_SSL_REDIRECT=0 and SECURE_HSTS_SECONDS=0. Behind a TLS-terminating proxy set
# SECURE_PROXY_SSL_HEADER=1 (the proxy must set X-Forwarded-Proto and strip it from clients).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(env_str("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Static files (issue 17 item 1): `cchc collectstatic` writes them with content-hashed names and compressed
# copies; whitenoise serves them from the application server with a one-year cache.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
MIDDLEWARE = [
    *MIDDLEWARE[:1],  # SecurityMiddleware: the HTTPS redirect first
    "whitenoise.middleware.WhiteNoiseMiddleware",
    *MIDDLEWARE[1:],
]

# Structured logs by default (cchc.config.logs); LOG_FORMAT=text keeps the readable form.
if env_str("LOG_FORMAT", "json") == "json":
    LOGGING["handlers"]["console"]["formatter"] = "json"  # type: ignore[index]
