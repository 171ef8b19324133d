"""``batch_run``: statements in one round trip, as prepared statements, BEGIN and COMMIT with them only
when the caller's block is the outermost one (PostgreSQL; the services keep a plain path elsewhere)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import DataError, connection, transaction

from cchc.common.tests.pgtrace import RoundTrips
from cchc.dossiers.executor_db import batch_run

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="batch_run is PostgreSQL only")

ODD_TEXT = "it's a \\back\\slash, 100% «tiếng Việt» 😀\n$1 %s -- /* no comment */"
VALUES = [
    ODD_TEXT,
    None,
    True,
    2**62,
    Decimal("12345.670"),
    datetime(2026, 3, 2, 7, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
    date(2026, 3, 2),
]
SQL = (
    "SELECT CAST(%s AS text), CAST(%s AS text), CAST(%s AS boolean), CAST(%s AS bigint), CAST(%s AS numeric), "
    "CAST(%s AS timestamptz), CAST(%s AS date)"
)


def _sql(statement: str) -> None:
    """A statement outside ``batch_run`` (also: psycopg's BEGIN of the test's transaction goes with it)."""
    with connection.cursor() as cursor:
        cursor.execute(statement)


def _prepared_names() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {name for (name,) in cursor.fetchall()}


@pytest.mark.django_db
def test_values_come_back_unchanged_and_each_statement_gives_its_rows() -> None:
    rows = batch_run([(SQL, VALUES), ("SELECT 1 WHERE false", []), ("SELECT generate_series(1, %s)", [3])])

    assert rows[0] == [tuple(VALUES)]
    assert rows[1] == []
    assert rows[2] == [(1,), (2,), (3,)]


@pytest.mark.django_db
def test_statements_are_prepared_once_per_session_in_the_same_round_trip() -> None:
    _sql("SELECT 1")
    with RoundTrips() as first:
        batch_run([("SELECT CAST(%s AS int) + 1", [1])])
    with RoundTrips() as second:
        (rows,) = batch_run([("SELECT CAST(%s AS int) + 1", [41])])

    assert first.count == second.count == 1
    assert "PREPARE cchc_" in first.queries[0]
    assert second.queries[0].startswith("EXECUTE cchc_")
    assert rows == [(42,)]
    assert any(name.startswith("cchc_") for name in _prepared_names())


@pytest.mark.django_db
def test_without_prepared_statements_the_same_rows_come_back(settings) -> None:
    settings.CCHC_DB_PREPARED_STATEMENTS = False
    _sql("SELECT 1")
    with RoundTrips() as trips:
        rows = batch_run([(SQL, VALUES)])

    assert rows[0] == [tuple(VALUES)]
    assert trips.queries[0].startswith("SELECT CAST(")


@pytest.mark.django_db
def test_inside_a_callers_transaction_begin_and_commit_are_left_to_it() -> None:
    with RoundTrips() as trips, transaction.atomic():  # a savepoint in the test's transaction
        batch_run([("SELECT 1", [])], first=True)
        batch_run([("SELECT 2", [])], last=True)

    begin, savepoint, first, last, release = trips.queries  # BEGIN: psycopg's, of the test's transaction
    assert (begin, savepoint.split(" ")[0], release.split(" ")[0]) == ("BEGIN", "SAVEPOINT", "RELEASE")
    assert not first.startswith("BEGIN")
    assert not last.endswith("COMMIT")


@pytest.mark.django_db(transaction=True)
def test_the_outermost_block_begins_and_commits_with_its_statements() -> None:
    _sql("CREATE TEMP TABLE IF NOT EXISTS batch_probe (n int)")
    with RoundTrips() as trips, transaction.atomic():
        batch_run([("INSERT INTO batch_probe VALUES (%s)", [7])], first=True)
        batch_run([("UPDATE batch_probe SET n = n + %s", [1])], last=True)

    assert trips.count == 2
    assert trips.queries[0].startswith("BEGIN;")
    assert trips.queries[1].endswith("COMMIT")
    assert connection.get_autocommit()
    assert connection.connection.info.transaction_status == 0  # idle: nothing left open
    with connection.cursor() as cursor:
        cursor.execute("SELECT n FROM batch_probe")
        assert cursor.fetchall() == [(8,)]


@pytest.mark.django_db(transaction=True)
def test_a_failed_batch_rolls_the_block_back_and_the_next_one_starts_from_a_clean_session() -> None:
    _sql("CREATE TEMP TABLE IF NOT EXISTS batch_probe (n int)")

    def insert_then_fail() -> None:
        with transaction.atomic():
            batch_run([("INSERT INTO batch_probe VALUES (%s)", [1])], first=True)
            batch_run([("INSERT INTO batch_probe VALUES (%s)", [2]), ("SELECT 1 / %s", [0])], last=True)

    with pytest.raises(DataError, match="division by zero"):
        insert_then_fail()
    with RoundTrips() as trips, transaction.atomic():
        (rows,) = batch_run([("SELECT count(*) FROM batch_probe", [])], first=True)

    assert rows == [(0,)]  # neither insert stayed
    assert trips.queries[0].startswith("BEGIN; DEALLOCATE ALL; PREPARE")  # which PREPARE ran was unknown
    assert connection.get_autocommit()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_connections_of_finished_threads_close_on_the_server() -> None:
    """Issue 12 item 2: a thread that used ``batch_run`` and ended without closing its connection (a
    request thread under runserver keeps it for CONN_MAX_AGE) leaves no server connection behind once its
    Django connection wrapper is gone; 40 online submissions used to leave 40 idle server connections."""
    import gc
    import threading
    import time

    from django.db import connections

    def backends() -> set[int]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
            return {pid for (pid,) in cursor.fetchall()}

    baseline = backends()
    pids: list[int] = []
    errors: list[BaseException] = []

    def request(n: int) -> None:
        try:
            pids.append(batch_run([("SELECT pg_backend_pid() + %s", [0])])[0][0][0])
            batch_run([("SELECT CAST(%s AS int)", [n])])
            if n % 2:  # half of them close explicitly, as at the end of a request past CONN_MAX_AGE
                connections.close_all()
        except BaseException as error:  # reported below
            errors.append(error)

    for n in range(20):
        thread = threading.Thread(target=request, args=(n,))
        thread.start()
        thread.join()
    assert not errors
    assert len(set(pids)) == 20

    deadline = time.monotonic() + 10
    while True:
        gc.collect()
        left = backends() & set(pids)
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert left == set()
    assert backends() <= baseline
