"""Settings of the development identity provider's own process (not the platform's).

CCHC_IDP_DIR holds its SQLite database and its RSA signing key; CCHC_IDP_ISSUER is its issuer
(http://host:port/o), set by ``python -m cchc.identity.provider`` once the port is bound.
"""

from __future__ import annotations

import os
from pathlib import Path

IDP_DIR = Path(os.environ.get("CCHC_IDP_DIR", "var/identity-provider"))
SECRET_KEY = "cchc-development-identity-provider-only"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
    "cchc.identity.provider",
]
MIDDLEWARE = [
    "cchc.identity.provider.faults.FaultMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "cchc.identity.provider.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(IDP_DIR / "provider.sqlite3"),
        "OPTIONS": {"timeout": 20},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "vi"
USE_I18N = False
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
LOGIN_URL = "/dang-nhap/"
# published test passwords: a light PBKDF2 keeps the login round trip fast (never for real accounts)
PASSWORD_HASHERS = ["cchc.identity.provider.hashers.LightPBKDF2PasswordHasher"]
SESSION_COOKIE_NAME = "vneid_mo_phong_session"  # never the platform's cookie when both run on 127.0.0.1
CSRF_COOKIE_NAME = "vneid_mo_phong_csrf"
_key_file = IDP_DIR / "signing-key.pem"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": _key_file.read_text() if _key_file.exists() else "",
    "OIDC_ISS_ENDPOINT": os.environ.get("CCHC_IDP_ISSUER", ""),
    "PKCE_REQUIRED": True,
    "OAUTH2_VALIDATOR_CLASS": "cchc.identity.provider.validator.CitizenValidator",
    "SCOPES": {"openid": "Định danh", "profile": "Thông tin định danh cá nhân, tổ chức"},
    "ALLOW_LOCALHOST_LOOPBACK": True,
    "ID_TOKEN_EXPIRE_SECONDS": 600,
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
