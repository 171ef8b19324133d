"""Test-wide fixtures."""

import os

# Playwright's sync API runs an event loop; Django refuses ORM calls from it unless told otherwise.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# A real SMTP server in-process for any test: `smtp_server` (cchc/notifications/tests/smtp.py).
from cchc.notifications.tests.smtp import smtp_server  # noqa: E402, F401
