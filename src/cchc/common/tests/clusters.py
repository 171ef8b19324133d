"""A throwaway primary and its streaming replica for the test session (issue 17 item 3), and a way to run a
test module against them in a child pytest.

``pg_clusters`` (session scope, PostgreSQL runs only): a primary and a ``pg_basebackup`` standby made once
(cchc.common.pgcluster), the primary holding ``test_cchc_inner`` — a copy of this session's migrated test
database (``pg_dump``/``pg_restore``: two seconds, where migrating takes over a minute), replayed by the
standby. A child ``pytest`` with ``DATABASE_URL`` naming that database on the primary (or through PgBouncer in
front of it) runs its tests there as they are, without creating or migrating anything: the code under test
then runs with settings made from the environment, as a deployment's do. Everything is stopped and removed
at the end of the session, whatever happened.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection

from cchc.common import pgcluster

INNER_TEST_DB = "test_cchc_inner"  # the copy of the test database the child runs on
SRC = Path(__file__).resolve().parents[3]


@dataclass
class Clusters:
    primary: pgcluster.Cluster
    replica: pgcluster.Cluster
    directory: Path


@pytest.fixture(scope="session")
def pg_clusters(django_db_setup: None, django_db_blocker, tmp_path_factory) -> Iterator[Clusters]:  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("a streaming replica is PostgreSQL's")
    problem = pgcluster.available()
    if problem:
        pytest.skip(f"no throwaway PostgreSQL cluster here: {problem}")
    directory = tmp_path_factory.mktemp("pg-clusters")
    dump = directory / "test-database.dump"
    with django_db_blocker.unblock():
        source = connection.settings_dict
    subprocess.run(
        [
            str(pgcluster.PG_BIN / "pg_dump"),
            "-h",
            source["HOST"] or "127.0.0.1",
            "-p",
            str(source["PORT"] or 5432),
            "-U",
            source["USER"] or "postgres",
            "-Fc",
            "-f",
            str(dump),
            source["NAME"],
        ],
        check=True,
        timeout=120,
    )
    with pgcluster.throwaway(replica=True) as (primary, replica):
        assert replica is not None
        primary.execute(f'CREATE DATABASE "{INNER_TEST_DB}"')
        subprocess.run(
            [
                str(pgcluster.PG_BIN / "pg_restore"),
                "-h",
                "127.0.0.1",
                "-p",
                str(primary.port),
                "-U",
                "postgres",
                "-d",
                INNER_TEST_DB,
                "--no-owner",
                "-j",
                "2",
                str(dump),
            ],
            check=True,
            timeout=120,
        )
        replica.wait_replayed(primary)
        yield Clusters(primary, replica, directory)


@dataclass
class InnerRun:
    returncode: int
    outcomes: dict[str, str]  # test name → passed, failed, error, skipped
    output: str
    seconds: float


def run_inner(
    paths: list[str], env: dict[str, str], junit: Path, *, extra: list[str] | None = None, timeout: float = 120
) -> InnerRun:
    """``pytest paths`` in a child process with ``env`` added (DATABASE_URL naming ``INNER_TEST_DB`` itself, on
    the primary or through PgBouncer); its outcomes by test. The child neither creates nor migrates a database
    (``CCHC_TEST_DATABASE_READY``, src/conftest.py): it runs on the copy made by ``pg_clusters``."""
    child_env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "PYTEST_", "CCHC_DB_"))}
    child_env.update(env)
    child_env["CCHC_TEST_DATABASE_READY"] = "1"  # src/conftest.py: the database is used as it is
    child_env["PYTHONPATH"] = os.pathsep.join([str(SRC), child_env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    started = time.monotonic()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            f"--junitxml={junit}",
            "-o",
            "junit_family=xunit2",
            *(extra or []),
            *paths,
        ],
        cwd=SRC.parent,
        env=child_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    outcomes: dict[str, str] = {}
    if junit.exists():
        for case in ET.parse(junit).getroot().iter("testcase"):
            outcome = "passed"
            for child in case:
                if child.tag in ("failure", "error", "skipped"):
                    outcome = {"failure": "failed"}.get(child.tag, child.tag)
            outcomes[case.get("name", "")] = outcome
    return InnerRun(done.returncode, outcomes, done.stdout[-6000:] + done.stderr[-3000:], time.monotonic() - started)
