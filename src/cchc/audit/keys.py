"""The keys of the audit chain (issue 12 item 10): HMAC-SHA256 with a key kept outside the database.

Why: a plain hash chain proves nothing against whoever can write the database, who can edit an event
and recompute every later hash with the application's own function. Each event's hash is therefore an
HMAC-SHA256 under a key that lives only in the environment (``CCHC_AUDIT_KEYS``), and the event stores
the key's id (``key_id``), so keys can be rotated: new events use the current key
(``CCHC_AUDIT_KEY_ID``, by default the first listed), verification uses the key named by each event,
so an old key stays listed for as long as its events must verify.

``CCHC_AUDIT_KEYS``: ``id:secret`` pairs separated by commas (the id: letters, digits, ``-`` and ``_``,
at most 32 characters; the secret: at least 32 characters). The development settings carry a
development key; the production settings refuse it.

The HMAC is computed by PostgreSQL inside the append statement (the event's place in the chain is known
only there, under the chain's lock): ``sha256(K⊕opad || sha256(K⊕ipad || text))`` with the core
``sha256()`` (RFC 2104; pgcrypto's ``hmac()`` is not needed). The two padded keys travel as parameters
of that statement and are stored nowhere; keep statement logging (``log_statement``) off for them.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEV_AUDIT_KEYS = "dev:cchc-development-only-audit-key-do-not-use-in-production"
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
_BLOCK = 64  # SHA-256's block size (RFC 2104's B)


@dataclass(frozen=True)
class AuditKey:
    id: str
    secret: bytes

    def mac(self, text: str) -> str:
        """HMAC-SHA256 (hex) of ``text`` (UTF-8)."""
        return hmac.new(self.secret, text.encode("utf-8"), hashlib.sha256).hexdigest()

    def pads(self) -> tuple[bytes, bytes]:
        """(K⊕opad, K⊕ipad): what the server needs to compute :meth:`mac` with two sha256()."""
        key = hashlib.sha256(self.secret).digest() if len(self.secret) > _BLOCK else self.secret
        key = key.ljust(_BLOCK, b"\0")
        return bytes(b ^ 0x5C for b in key), bytes(b ^ 0x36 for b in key)


def parse_keys(text: str) -> dict[str, AuditKey]:
    """The keys of ``CCHC_AUDIT_KEYS`` by id, in the order written; ImproperlyConfigured when malformed."""
    keys: dict[str, AuditKey] = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        key_id, sep, secret = item.partition(":")
        if not sep or not _KEY_ID.match(key_id) or len(secret) < 32 or key_id in keys:
            raise ImproperlyConfigured(
                "CCHC_AUDIT_KEYS: mỗi khóa viết «mã:bí-mật», mã gồm chữ, số, - hoặc _ (tối đa 32 ký tự), "
                "bí mật ít nhất 32 ký tự, các mã không trùng nhau."
            )
        keys[key_id] = AuditKey(key_id, secret.encode("utf-8"))
    return keys


@lru_cache(maxsize=8)
def _configured(text: str, current: str) -> tuple[dict[str, AuditKey], AuditKey]:
    keys = parse_keys(text)
    if not keys:
        raise ImproperlyConfigured("CCHC_AUDIT_KEYS: chưa có khóa nào cho nhật ký kiểm toán.")
    if current and current not in keys:
        raise ImproperlyConfigured(f"CCHC_AUDIT_KEY_ID: không có khóa «{current}» trong CCHC_AUDIT_KEYS.")
    return keys, keys[current] if current else next(iter(keys.values()))


def _settings() -> tuple[dict[str, AuditKey], AuditKey]:
    return _configured(str(settings.CCHC_AUDIT_KEYS), str(getattr(settings, "CCHC_AUDIT_KEY_ID", "") or ""))


def current_key() -> AuditKey:
    """The key new events are written with."""
    return _settings()[1]


def key_for(key_id: str) -> AuditKey | None:
    """The key an event names, or None when it is not configured (any more)."""
    return _settings()[0].get(key_id)
