"""The dashboards read a real streaming replica (issue 17 item 3): the cases of ``replica_cases.py`` run in a
child pytest whose settings come from the environment — DATABASE_URL the throwaway primary,
DATABASE_REPLICA_URL its ``pg_basebackup`` standby (``pg_clusters``, cchc.common.tests.clusters) — as a
deployment's do. PostgreSQL runs only (the fixture skips on SQLite)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cchc.common.tests.clusters import INNER_TEST_DB, Clusters, InnerRun, run_inner

pytestmark = [pytest.mark.postgres]

CASES = [
    "test_the_replica_is_configured_and_mirrors_the_test_database",
    "test_a_dashboard_reads_the_replica",
    "test_the_dashboard_shows_the_lag_in_its_footer",
    "test_reads_after_a_write_see_it_on_the_primary",
    "test_the_lag_is_measured_and_above_the_bound_the_primary_is_read",
    "test_a_standby_cut_off_from_the_primary_shows_its_lag",
    "test_an_unreachable_replica_falls_back_to_the_primary",
    "test_sessions_and_accounts_stay_on_the_primary",
]


@pytest.fixture(scope="module")
def replica_run(pg_clusters: Clusters) -> InnerRun:
    return run_inner(
        [str(Path(__file__).with_name("replica_cases.py"))],
        {
            "DATABASE_URL": pg_clusters.primary.url(INNER_TEST_DB),
            "DATABASE_REPLICA_URL": pg_clusters.replica.url(INNER_TEST_DB),
            "CCHC_TEST_REPLICA_PORT": str(pg_clusters.replica.port),
        },
        pg_clusters.directory / "replica-junit.xml",
    )


@pytest.mark.parametrize("case", CASES)
def test_replica_case(replica_run: InnerRun, case: str) -> None:
    assert replica_run.outcomes.get(case) == "passed", replica_run.output


def test_every_case_ran(replica_run: InnerRun) -> None:
    assert set(replica_run.outcomes) == set(CASES), replica_run.output
    assert replica_run.returncode == 0, replica_run.output
