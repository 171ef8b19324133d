"""Dossier transitions through PgBouncer in transaction mode (issue 17 item 3): the executor's tests (every
transition, its audit event and outbox event, refusals that write
nothing) run in a child pytest whose DATABASE_URL is a real PgBouncer (``pool_mode = transaction``, the Debian
package) in front of the throwaway primary of ``pg_clusters``, with ``CCHC_DB_PREPARED_STATEMENTS=0`` as
docs/deploy.md asks behind such a pooler. PgBouncer's own counters show
the transactions went through it. PostgreSQL runs only (the fixture skips on SQLite)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cchc.common import pgcluster
from cchc.common.tests.clusters import INNER_TEST_DB, Clusters, run_inner

pytestmark = [pytest.mark.postgres]

HERE = Path(__file__).parent
MODULES = ["test_executor.py"]


def test_transitions_pass_through_pgbouncer_in_transaction_mode(pg_clusters: Clusters) -> None:
    problem = pgcluster.pgbouncer_available()
    if problem:
        pytest.skip(problem)
    with pgcluster.pgbouncer(pg_clusters.primary, pool_size=4) as bouncer:
        run = run_inner(
            [str(HERE / name) for name in MODULES],
            {"DATABASE_URL": bouncer.url(INNER_TEST_DB), "CCHC_DB_PREPARED_STATEMENTS": "0"},
            pg_clusters.directory / "pgbouncer-junit.xml",
        )
        stats = {row["database"]: row for row in bouncer.show("STATS")}
        config = {row["key"]: row["value"] for row in bouncer.show("CONFIG")}

    assert run.returncode == 0, run.output
    passed = [name for name, outcome in run.outcomes.items() if outcome == "passed"]
    assert len(passed) >= 10, run.output
    assert config["pool_mode"] == "transaction"
    assert int(stats[INNER_TEST_DB]["total_xact_count"]) > 0  # the tests' transactions went through it
