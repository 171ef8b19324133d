"""Settings of the dispatcher started as a subprocess by ``test_kill.py``: the project's settings plus a
subscriber that records idempotency keys through its own connection (as a partner system would)."""

from cchc.config.settings import *  # noqa: F403

import cchc.outbox.tests.kill_subscriber  # noqa: E402, F401  (registers "kill-test")
