"""A real SMTP server in the test process (aiosmtpd), as a pytest fixture usable by any test.

``smtp_server`` starts an aiosmtpd ``Controller`` on 127.0.0.1 at a free port, points Django's mail at it
(EMAIL_BACKEND = SMTP, EMAIL_HOST, EMAIL_PORT, no TLS, no login) for the test, and yields an
:class:`SMTPRecorder`: ``.messages`` holds every message received, parsed (``email.message.EmailMessage``,
policy ``default``: ``msg["Subject"]`` decoded, ``msg.get_content()`` the text body). The settings are
changed in this process, so a ``live_server`` (which serves from a thread of this process) sends here too:
a browser test asks for ``smtp_server`` and then ``smtp_server.wait_for(n)``.

It is offered to every test by ``src/conftest.py``.
"""

from __future__ import annotations

import email
import email.policy
import errno
import threading
import time
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from cchc.common.tests.ports import START_ATTEMPTS, free_port


class SMTPRecorder:
    """The aiosmtpd handler: keeps every message received."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []  # (MAIL FROM, RCPT TO)
        self._lock = threading.Lock()
        self.host = ""
        self.port = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        raw = (envelope.original_content or envelope.content).replace(b"\r\n", b"\n")  # lines as Python writes them
        message = email.message_from_bytes(raw, policy=email.policy.default)
        # Django folds a long encoded subject after "Subject:" and unfolding leaves a leading space
        # (mail readers trim it); trimmed here so that tests compare the text itself
        subject = message["Subject"]
        if subject is not None and str(subject) != str(subject).strip():
            message.replace_header("Subject", str(subject).strip())
        with self._lock:
            assert isinstance(message, EmailMessage)
            self.messages.append(message)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"

    def wait_for(self, count: int = 1, *, timeout: float = 10.0) -> list[EmailMessage]:
        """The messages once at least ``count`` have arrived (fails the test after ``timeout`` seconds)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.02)
        raise AssertionError(f"Máy chủ SMTP thử nhận {len(self.messages)} thư, chờ {count} thư sau {timeout} giây.")

    def to(self, address: str) -> list[EmailMessage]:
        """The messages addressed to ``address``."""
        with self._lock:
            return [m for m in self.messages if address in str(m["To"])]

    def subjects(self) -> list[str]:
        with self._lock:
            return [str(m["Subject"]) for m in self.messages]

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()
            self.envelopes.clear()


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[SMTPRecorder]:
    """A real SMTP server for this test; Django's mail goes to it (see the module)."""
    recorder = SMTPRecorder()
    for attempt in range(START_ATTEMPTS):  # aiosmtpd needs a port; another worker may take it first (ports.py)
        # ready_timeout: aiosmtpd's 1 s is too short on a busy machine (the suite runs in parallel)
        controller = Controller(recorder, hostname="127.0.0.1", port=free_port(), ready_timeout=30)
        try:
            controller.start()
            break
        except OSError as error:
            if error.errno != errno.EADDRINUSE or attempt == START_ATTEMPTS - 1:
                raise
    recorder.host, recorder.port = "127.0.0.1", controller.port
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = recorder.host
    settings.EMAIL_PORT = recorder.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    try:
        yield recorder
    finally:
        controller.stop()
