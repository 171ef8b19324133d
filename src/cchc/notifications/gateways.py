"""SMS and Zalo gateways: the one interface the notifications send text messages through.

``Gateway.send(recipient, text, *, reference="") -> provider message id``. Two implementations:

- :class:`LogGateway` (development, the default when no URL is configured): writes the message to the
  log (logger ``cchc.notifications``) and, if ``CCHC_NOTIFY_LOG_FILE`` is set, appends it to that file
  as a JSON line.
- :class:`HttpGateway` (production): POSTs JSON to the provider's URL with a bearer token, with a
  timeout, and retries with exponential backoff on a 5xx answer, a timeout or a refused connection;
  a 4xx answer is not retried. After the last attempt it raises
  :class:`~cchc.notifications.constants.NotificationError` (the outbox dispatcher then retries the event
  later, then dead-letters it).

The HTTP protocol (spoken by ``cchc notifications sms-simulator``, ``cchc.notifications.simulator``)::

    POST <url>   Authorization: Bearer <token>   Content-Type: application/json
    {"channel": "sms" | "zalo", "to": "0905123456", "text": "...", "reference": "<event id>:<channel>"}
    -> 200/201 {"id": "<provider message id>"}

``reference`` is the notification's idempotency key: a provider that honours it (the simulator does)
answers a repeated reference with the first message's id instead of sending again.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Protocol

from django.conf import settings

from cchc.notifications.constants import Channel, NotificationError, NotificationErrorCode

logger = logging.getLogger("cchc.notifications")


class Gateway(Protocol):
    def send(self, recipient: str, text: str, *, reference: str = "") -> str:
        """Send ``text`` to ``recipient`` (a phone number); return the provider's message id."""
        ...


class LogGateway:
    """Development: the message goes to the log (and to ``path`` as a JSON line when given)."""

    def __init__(self, channel: str, *, path: str | Path | None = None) -> None:
        self.channel = channel
        self.path = Path(path) if path else None

    def send(self, recipient: str, text: str, *, reference: str = "") -> str:
        message_id = f"log-{uuid.uuid4().hex[:16]}"
        logger.info("[%s → %s] %s (%s)", self.channel, recipient, text, message_id)
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            record = {"id": message_id, "channel": self.channel, "to": recipient, "text": text, "reference": reference}
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        return message_id


class _Retryable(Exception):
    pass


class HttpGateway:
    """Production: JSON over HTTP to the provider (see the module's docstring for the protocol)."""

    def __init__(
        self,
        channel: str,
        *,
        url: str,
        token: str = "",
        timeout: float = 4.0,
        retries: int = 2,
        backoff: float = 0.5,
    ) -> None:
        self.channel = channel
        self.url = url
        self.token = token
        self.timeout = timeout
        self.retries = max(1, retries)
        self.backoff = backoff

    def _post(self, body: bytes) -> str:
        request = urllib.request.Request(self.url, data=body, method="POST")
        request.add_header("Content-Type", "application/json; charset=utf-8")
        request.add_header("Accept", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (configured URL)
                raw = response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read()[:200].decode("utf-8", "replace")
            if exc.code >= 500:
                raise _Retryable(f"máy chủ trả lỗi HTTP {exc.code} {detail}".strip()) from exc
            raise NotificationError(
                NotificationErrorCode.GATEWAY_FAILED,
                f"Cổng {self.channel} từ chối tin nhắn (HTTP {exc.code}): {detail}".strip(),
            ) from exc
        except (TimeoutError, urllib.error.URLError, ConnectionError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            text = "quá thời gian chờ" if isinstance(reason, TimeoutError) else f"không kết nối được ({reason})"
            raise _Retryable(text) from exc
        try:
            message_id = json.loads(raw.decode("utf-8"))["id"]
        except (ValueError, KeyError, TypeError) as exc:
            raise NotificationError(
                NotificationErrorCode.GATEWAY_FAILED,
                f"Cổng {self.channel} trả lời không đúng giao thức (thiếu mã tin «id»).",
            ) from exc
        return str(message_id)

    def send(self, recipient: str, text: str, *, reference: str = "") -> str:
        body = json.dumps(
            {"channel": self.channel, "to": recipient, "text": text, "reference": reference}, ensure_ascii=False
        ).encode("utf-8")
        last = ""
        for attempt in range(self.retries):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                return self._post(body)
            except _Retryable as exc:
                last = str(exc)
                logger.warning("Cổng %s, lần thử %d/%d: %s", self.channel, attempt + 1, self.retries, last)
        raise NotificationError(
            NotificationErrorCode.GATEWAY_FAILED,
            f"Không gửi được tin nhắn {self.channel} qua {self.url} sau {self.retries} lần thử: {last}.",
        )


def gateway_for(channel: str) -> Gateway:
    """The configured gateway of ``channel`` (sms, zalo): ``CCHC_SMS_GATEWAY_URL`` /
    ``CCHC_ZALO_GATEWAY_URL`` set → :class:`HttpGateway`, else :class:`LogGateway`."""
    prefix = {Channel.SMS: "CCHC_SMS_GATEWAY", Channel.ZALO: "CCHC_ZALO_GATEWAY"}[Channel(channel)]
    url = getattr(settings, f"{prefix}_URL", "")
    if not url:
        return LogGateway(channel, path=getattr(settings, "CCHC_NOTIFY_LOG_FILE", "") or None)
    return HttpGateway(
        channel,
        url=url,
        token=getattr(settings, f"{prefix}_TOKEN", ""),
        timeout=float(getattr(settings, "CCHC_GATEWAY_TIMEOUT", 4.0)),
        retries=int(getattr(settings, "CCHC_GATEWAY_RETRIES", 2)),
        backoff=float(getattr(settings, "CCHC_GATEWAY_BACKOFF", 0.5)),
    )
