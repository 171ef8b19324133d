"""Test-wide fixtures."""

import os

# Playwright's sync API runs an event loop; Django refuses ORM calls from it unless told otherwise.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
