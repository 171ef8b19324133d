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


def storage_url_settings(url: str) -> dict[str, object]:
    """The "default" entry of ``STORAGES`` from one URL (issue 17 item 2).

    - empty or ``file://`` → the local directory ``MEDIA_ROOT`` (FileSystemStorage);
    - ``s3://bucket/prefix?endpoint_url=https://s3.example.vn&region=hn-1&addressing_style=path`` → an
      S3-compatible bucket through django-storages (``storages.backends.s3.S3Storage``); the optional path
      is a key prefix. Credentials come from boto3's usual chain (``AWS_ACCESS_KEY_ID`` and
      ``AWS_SECRET_ACCESS_KEY`` in the environment, or an instance role), never from the URL.

    The bucket is private: no ACL is set on objects (the bucket's own policy applies) and no public URL is
    ever handed out — every file is streamed by the view that checks who may see it. Names never overwrite
    (``file_overwrite=False``: the same behaviour as the local directory). Unknown scheme → ``ValueError``.
    """
    from urllib.parse import parse_qs, urlsplit

    if not url or url.startswith("file:"):
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise ValueError(f"CCHC_STORAGE_URL: cần dạng s3://tên-bucket?endpoint_url=…&region=… (nhận «{url}»).")
    if parts.username or parts.password:
        raise ValueError(
            "CCHC_STORAGE_URL: không ghi khóa truy cập trong địa chỉ; đặt AWS_ACCESS_KEY_ID và AWS_SECRET_ACCESS_KEY."
        )
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    options: dict[str, object] = {
        "bucket_name": parts.netloc,
        "location": parts.path.strip("/"),
        "default_acl": None,
        "querystring_auth": True,
        "file_overwrite": False,
        # a file opened for reading is buffered in memory up to this size, then in a temporary file
        "max_memory_size": 2_621_440,
    }
    if query.get("endpoint_url"):
        options["endpoint_url"] = query["endpoint_url"]
    if query.get("region"):
        options["region_name"] = query["region"]
    if query.get("addressing_style"):
        options["addressing_style"] = query["addressing_style"]
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
