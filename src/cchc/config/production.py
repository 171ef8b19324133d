"""Production settings: refuse to start with DEBUG, SQLite or the development secret."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from cchc.config.settings import *  # noqa: F403
from cchc.config.settings import DATABASES, DEBUG, DEV_SECRET_KEY, SECRET_KEY

if DEBUG:
    raise ImproperlyConfigured("Production: DEBUG must be off (set DEBUG=0).")
if not SECRET_KEY or SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("Production: set SECRET_KEY to a random value of at least 32 characters.")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    raise ImproperlyConfigured("Production: SQLite is not allowed; set DATABASE_URL to PostgreSQL.")

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True

# Issue 12 item 3: the look-up throttles need a cache shared by the processes (CACHE_URL; check cchc.W001).
CCHC_REQUIRE_SHARED_CACHE = True
