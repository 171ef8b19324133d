"""Test-wide fixtures."""

import os

# Playwright's sync API runs an event loop; Django refuses ORM calls from it unless told otherwise.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# The browser of the browser tests: `browser` (cchc/common/tests/browser.py, Chromium through Playwright).
from cchc.common.tests.browser import browser  # noqa: E402, F401

# A throwaway PostgreSQL primary and its streaming standby, made once per session when a test asks for them
# (issue 17 item 3): `pg_clusters` (cchc/common/tests/clusters.py).
from cchc.common.tests.clusters import pg_clusters  # noqa: E402, F401

# The national systems' simulator as a subprocess: `national_simulator` (cchc/integrations/tests/simulator.py);
# a real SMTP server in-process for any test: `smtp_server` (cchc/notifications/tests/smtp.py).
from cchc.integrations.tests.simulator import national_simulator, national_simulator_process  # noqa: E402, F401
from cchc.notifications.tests.smtp import smtp_server  # noqa: E402, F401

# A child pytest of cchc/common/tests/clusters.py runs on a database that is ready (a copy of the migrated test
# database on a throwaway cluster, named by DATABASE_URL itself): nothing is created or migrated.
if os.environ.get("CCHC_TEST_DATABASE_READY") == "1":
    import pytest

    @pytest.fixture(scope="session")
    def django_db_setup() -> None:
        return None
