"""Test-wide fixtures."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import override_settings

# Playwright's sync API runs an event loop; Django refuses ORM calls from it unless told otherwise.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# The browser of the browser tests: `browser`, and `phone`, a page at a phone's size (cchc/common/tests/browser.py,
# Chromium through Playwright).
from cchc.common.tests.browser import browser, phone  # noqa: E402, F401

# A throwaway PostgreSQL primary and its streaming standby, made once per session when a test asks for them
# (issue 17 item 3): `pg_clusters` (cchc/common/tests/clusters.py).
from cchc.common.tests.clusters import pg_clusters  # noqa: E402, F401

# The national systems' simulator as a subprocess: `national_simulator` (cchc/integrations/tests/simulator.py);
# a real SMTP server in-process for any test: `smtp_server` (cchc/notifications/tests/smtp.py).
from cchc.integrations.tests.simulator import national_simulator, national_simulator_process  # noqa: E402, F401
from cchc.notifications.tests.smtp import smtp_server  # noqa: E402, F401


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that uses ``pg_clusters`` asks for the default test database: the fixture copies it, migrated.
    pytest-django creates only the databases the collected tests ask for (their ``django_db`` marks), so the
    replica, PgBouncer and restart tests run alone (``pytest src/cchc/indicators/tests/test_replica.py``) dumped
    the empty database named by DATABASE_URL and every case failed; in the whole suite other tests had asked."""
    for item in items:
        if "pg_clusters" in getattr(item, "fixturenames", ()) and item.get_closest_marker("django_db") is None:
            item.add_marker(pytest.mark.django_db)


# A child pytest of cchc/common/tests/clusters.py runs on a database that is ready (a copy of the migrated test
# database on a throwaway cluster, named by DATABASE_URL itself): nothing is created or migrated.
if os.environ.get("CCHC_TEST_DATABASE_READY") == "1":

    @pytest.fixture(scope="session")
    def django_db_setup() -> None:
        return None


@pytest.fixture(scope="session", autouse=True)
def worker_var_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The local state directory (VAR_DIR: MEDIA_ROOT, CCHC_SIGNING_DIR, the simulators' and identity provider's
    defaults) of this test process, under its own temporary directory: a test that stores an upload or creates
    certificates without choosing a directory writes neither into the checkout's var/ (a developer's data) nor
    where another pytest-xdist worker writes the same file names. Also in the environment, so a command the test
    starts as a subprocess finds the same files. A test that needs its own directory still takes ``tmp_path``
    (``media_root`` in cchc/common/tests/files.py); docs/architecture.md, "Tests in parallel"."""
    var = tmp_path_factory.mktemp("var")
    paths = {"CCHC_VAR_DIR": var, "CCHC_MEDIA_ROOT": var / "media", "CCHC_SIGNING_DIR": var / "signing"}
    saved = {name: os.environ.get(name) for name in paths}
    os.environ.update({name: str(path) for name, path in paths.items()})
    try:
        with override_settings(VAR_DIR=var, MEDIA_ROOT=var / "media", CCHC_SIGNING_DIR=var / "signing"):
            yield var
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing() -> Iterator[None]:
    """Passwords are hashed with Django's MD5 hasher in the tests, as Django's testing guide advises: the
    production hasher (PBKDF2, 1,000,000 iterations: about 0.25 s of CPU per hash) made every login, every
    account with a password and every demo command that creates accounts pay it, for nothing the tests check
    (no test reads the algorithm; the production settings keep Django's default). The identity provider
    simulator has its own light hasher (cchc/identity/provider/settings.py)."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield
