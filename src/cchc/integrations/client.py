"""The one HTTP client of the national systems: the protocol's envelope, authentication, TLS, and the
attempt log.

The protocol (inferred from public implementations of the national portal's sharing platform, LGSP /
NGSP; no official specification is public: domain-vn §2.6; docs/integrations.md):

- ``POST <url>/api/auth`` ``{"username", "password"}`` → ``{"error_code": "0", "session": "…"}``;
- ``POST <url>/api/service`` ``{"session", "service": "<name>", "data": …, …}`` →
  ``{"error_code": "0", "message": "…", "result": …}``; ``error_code`` other than ``"0"`` is a refusal
  (``"401"``: the session expired; the client signs in again once).

Failures, as :class:`~cchc.integrations.constants.IntegrationError`: the partner cannot be reached (refused,
down, timeout, a certificate that does not verify) → ``integration.unreachable``; HTTP 5xx or an answer
that is not the protocol's JSON → ``integration.partner_error`` (both retryable); ``error_code`` ≠ 0 →
``integration.rejected`` (the message says why). Every call, whatever its end, is recorded as an
:class:`~cchc.integrations.models.Attempt` in the caller's transaction.
"""

from __future__ import annotations

import http.client
import json
import ssl
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from cchc.integrations.constants import IntegrationError, IntegrationErrorCode, Outcome, Partner
from cchc.integrations.models import BODY_LIMIT, Attempt


@dataclass(frozen=True)
class PartnerSettings:
    """Where and how to reach one partner (``settings.CCHC_PARTNERS[partner]``)."""

    url: str
    username: str = ""
    password: str = ""
    ca_file: str = ""  # the CA that signs the partner's certificate (https); empty: the system's CAs
    cert_file: str = ""  # our client certificate (mutual TLS), with key_file
    key_file: str = ""
    timeout_s: float = 5.0

    @classmethod
    def of(cls, partner: str) -> PartnerSettings:
        raw = dict(getattr(settings, "CCHC_PARTNERS", {}).get(partner) or {})
        return cls(**{k: v for k, v in raw.items() if k in cls.__dataclass_fields__})

    @property
    def configured(self) -> bool:
        return bool(self.url)


def partner_max_attempts() -> int:
    """Attempts of one outbox delivery to a national system before it is dead-lettered
    (``CCHC_NATIONAL_MAX_ATTEMPTS``, default 20): with the outbox's backoff (2 s doubling, capped at an
    hour) about ten hours of retries, so that an outage of the national portal overnight needs no
    replay by hand; the outbox's own default (8, about 4 minutes) suits e-mail and SMS."""
    return int(getattr(settings, "CCHC_NATIONAL_MAX_ATTEMPTS", 20))


# sessions per (partner, url, username), shared by the threads of a process
_sessions: dict[tuple[str, str, str, str], str] = {}
_sessions_lock = threading.Lock()


def _truncate(text: str) -> str:
    return text if len(text) <= BODY_LIMIT else text[:BODY_LIMIT] + "…"


class PartnerClient:
    """Calls one partner's services (see the module). ``call`` returns the answer's JSON object."""

    def __init__(self, partner: str | Partner, config: PartnerSettings | None = None) -> None:
        self.partner = str(partner)
        self.config = config or PartnerSettings.of(self.partner)

    def _context(self) -> ssl.SSLContext | None:
        if not self.config.url.startswith("https:"):
            return None
        context = ssl.create_default_context(cafile=self.config.ca_file or None)
        if self.config.cert_file:
            context.load_cert_chain(self.config.cert_file, self.config.key_file or None)
        return context

    def _post(self, path: str, body: dict[str, Any]) -> tuple[int, str]:
        """POST JSON; (status, text). Raises IntegrationError(UNREACHABLE) when no answer came."""
        data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        request = urllib.request.Request(
            self.config.url.rstrip("/") + path,
            data=data,
            method="POST",
            headers={"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.config.timeout_s, context=self._context()) as answer:
                return answer.status, answer.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")
        except (urllib.error.URLError, OSError, TimeoutError, ssl.SSLError, http.client.HTTPException) as exc:
            reason = getattr(exc, "reason", exc)
            raise IntegrationError(
                IntegrationErrorCode.UNREACHABLE,
                f"Không kết nối được {Partner(self.partner).label}: {reason}",
            ) from exc

    def _session(self, *, fresh: bool = False) -> str:
        key = (self.partner, self.config.url, self.config.username, self.config.password)
        with _sessions_lock:
            if not fresh and key in _sessions:
                return _sessions[key]
        status, text = self._post("/api/auth", {"username": self.config.username, "password": self.config.password})
        answer = _parse(status, text, self.partner)
        if str(answer.get("error_code")) != "0" or not answer.get("session"):
            raise IntegrationError(
                IntegrationErrorCode.AUTH_FAILED,
                f"{Partner(self.partner).label} từ chối đăng nhập: {answer.get('message') or answer}",
            )
        with _sessions_lock:
            _sessions[key] = str(answer["session"])
        return _sessions[key]

    def call(
        self,
        service: str,
        payload: dict[str, Any],
        *,
        idempotency_key: str = "",
        subject: str = "",
        event_id: int | None = None,
    ) -> dict[str, Any]:
        """Call ``service`` with ``payload`` (the envelope's other keys: ``data``, ``isUpdating`` …);
        record the attempt; return the answer (``error_code`` "0") or raise IntegrationError."""
        if not self.config.configured:
            raise IntegrationError(
                IntegrationErrorCode.NOT_CONFIGURED, f"Chưa cấu hình địa chỉ của {Partner(self.partner).label}."
            )
        started_at, clock = timezone.now(), time.perf_counter()
        attempt = Attempt(
            partner=self.partner,
            operation=service,
            idempotency_key=idempotency_key,
            subject=subject,
            event_id=event_id,
            started_at=started_at,
            url=self.config.url.rstrip("/") + "/api/service",
        )
        status: int | None = None
        text = ""
        try:
            for fresh in (False, True):
                body = {"session": self._session(fresh=fresh), "service": service, **payload}
                attempt.request_body = _truncate(json.dumps(body | {"session": "***"}, ensure_ascii=False))
                status, text = self._post("/api/service", body)
                answer = _parse(status, text, self.partner)
                if str(answer.get("error_code")) == "401" and not fresh:
                    continue  # the session expired: sign in again, once
                break
            if str(answer.get("error_code")) != "0":
                raise IntegrationError(
                    IntegrationErrorCode.REJECTED,
                    f"{Partner(self.partner).label} từ chối ({answer.get('error_code')}): {answer.get('message', '')}",
                )
            attempt.outcome = Outcome.OK
            return answer
        except IntegrationError as exc:
            attempt.outcome = Outcome.REJECTED if exc.code == IntegrationErrorCode.REJECTED else Outcome.ERROR
            attempt.error_code, attempt.error = str(exc.code), exc.message[:2000]
            raise
        finally:
            attempt.status_code = status
            attempt.response_body = _truncate(text)
            attempt.duration_ms = int((time.perf_counter() - clock) * 1000)
            if not attempt.outcome:
                attempt.outcome = Outcome.ERROR
            attempt.save()


def _parse(status: int, text: str, partner: str) -> dict[str, Any]:
    """The answer's JSON object; a 5xx or anything but a JSON object is the partner's fault (retryable)."""
    label = Partner(partner).label
    if status >= 500:
        raise IntegrationError(IntegrationErrorCode.PARTNER_ERROR, f"{label} báo lỗi hệ thống (HTTP {status}).")
    try:
        answer = json.loads(text)
    except ValueError:
        answer = None
    if not isinstance(answer, dict) or "error_code" not in answer:
        raise IntegrationError(
            IntegrationErrorCode.PARTNER_ERROR, f"{label} trả lời không đúng giao thức (HTTP {status}): {text[:200]!r}"
        )
    if status >= 400 and str(answer.get("error_code")) in ("", "0"):
        raise IntegrationError(IntegrationErrorCode.PARTNER_ERROR, f"{label} trả lời HTTP {status}.")
    return answer
