"""Typed helpers that read settings from the environment."""

from __future__ import annotations

import os


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def email_url_settings(url: str) -> dict[str, object]:
    """Django's SMTP settings from one URL: ``smtp://user:password@host:587?tls=1`` (STARTTLS), or
    ``smtps://…:465`` (implicit TLS); user and password percent-encoded. Other schemes: ``console://``,
    ``file:///path/to/dir``, ``locmem://``. Unknown scheme → ``ValueError``."""
    from urllib.parse import parse_qs, unquote, urlsplit

    parts = urlsplit(url)
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if parts.scheme == "file":
        return {"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend", "EMAIL_FILE_PATH": parts.path}
    if parts.scheme not in ("smtp", "smtps"):
        raise ValueError(
            f"EMAIL_URL: không hỗ trợ giao thức «{parts.scheme}» (dùng smtp, smtps, console, file, locmem)."
        )
    ssl = parts.scheme == "smtps" or query.get("ssl", "").lower() in {"1", "true", "yes", "on"}
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": parts.port or (465 if ssl else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": ssl,
        "EMAIL_USE_TLS": not ssl and query.get("tls", "").lower() in {"1", "true", "yes", "on"},
    }
