"""Run by test_replica.py in a child pytest against a real primary and its streaming standby (never collected
on its own: its name is not test_*). DATABASE_URL is the primary, DATABASE_REPLICA_URL the standby;
CCHC_TEST_REPLICA_PORT lets a case pause and resume the standby's replay (``pg_wal_replay_pause``), which is
how a case proves where a read went: a row written on the primary while replay is paused exists only there.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator

import psycopg
import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db import connections, router
from django.test import Client

from cchc.common import replica
from cchc.org.models import Agency

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

AGENCY = "co-quan-chi-o-may-chinh"


def _standby(sql: str) -> object:
    with psycopg.connect(
        host="127.0.0.1", port=int(os.environ["CCHC_TEST_REPLICA_PORT"]), user="postgres", autocommit=True
    ) as conn:
        row = conn.execute(sql).fetchone()  # type: ignore[arg-type]
        return row[0] if row else None


def _caught_up() -> None:
    """Wait until the standby has replayed all the primary has written (at most 20 s)."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        (lsn,) = cursor.fetchone()
    deadline = time.monotonic() + 20
    while not _standby(f"SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn"):
        assert time.monotonic() < deadline, "the standby did not catch up in 20 s"
        time.sleep(0.02)


@pytest.fixture
def paused() -> Iterator[None]:
    """The standby's replay paused for the test: what the primary writes now is not on the standby."""
    _caught_up()  # the previous test's rows and their removal replayed first
    _standby("SELECT pg_wal_replay_pause()")
    while _standby("SELECT pg_get_wal_replay_pause_state()") != "paused":
        pass
    try:
        yield
    finally:
        _standby("SELECT pg_wal_replay_resume()")


def _agency() -> Agency:
    justice = Agency.objects.order_by("pk").first()
    kind, level = (justice.kind, justice.level) if justice else ("so", "tinh")
    return Agency.objects.create(code=AGENCY, name="Cơ quan chỉ có trên máy chủ chính", kind=kind, level=level)


def test_the_replica_is_configured_and_mirrors_the_test_database() -> None:
    assert replica.replica_configured()
    assert connections["replica"].settings_dict["NAME"] == connections["default"].settings_dict["NAME"]
    assert connections["replica"].settings_dict["PORT"] != connections["default"].settings_dict["PORT"]
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone() == (True,)


def test_a_dashboard_reads_the_replica(paused: None) -> None:
    _agency()  # on the primary only: the standby is paused
    response = Client().get(f"/chi-so/co-quan/{AGENCY}/")

    assert response.status_code == 404  # the dashboard read the standby, which has not replayed the agency
    assert Agency.objects.filter(code=AGENCY).exists()  # outside the block: the primary, which has it


def test_the_dashboard_shows_the_lag_in_its_footer() -> None:
    _agency()
    _caught_up()
    response = Client().get(f"/chi-so/co-quan/{AGENCY}/")  # not paused: replayed within the bound (30 s)

    assert response.status_code == 200
    assert response.wsgi_request.cchc_replica.on_replica  # type: ignore[attr-defined]
    assert "Số liệu đọc từ máy chủ bản sao, trễ" in response.content.decode()


def test_reads_after_a_write_see_it_on_the_primary(paused: None) -> None:
    replica.request_started()  # a new request: nothing written yet
    with replica.replica_reads() as status:
        assert status is not None
        assert status.on_replica
        assert router.db_for_read(Agency) == "replica"
        _agency()  # a write: the rest of the request reads its own writes
        assert router.db_for_read(Agency) == "default"
        assert Agency.objects.filter(code=AGENCY).exists()
    with replica.replica_reads() as status:
        assert status is not None
        assert status.reason == "wrote"
        assert Agency.objects.filter(code=AGENCY).exists()
    replica.request_started()
    with replica.replica_reads() as status:
        assert status is not None
        assert status.on_replica
        assert not Agency.objects.filter(code=AGENCY).exists()  # the paused standby does not have it


def test_the_lag_is_measured_and_above_the_bound_the_primary_is_read(paused: None, settings) -> None:  # type: ignore[no-untyped-def]
    _agency()  # the standby receives it but does not replay it: it falls behind
    deadline = time.monotonic() + 10
    while not (lag := replica.replica_lag()):  # 0 until the standby has received what it does not replay
        assert time.monotonic() < deadline, "the standby reported no lag in 10 s"
        time.sleep(0.02)

    settings.CCHC_REPLICA_MAX_LAG_SECONDS = lag / 2
    response = Client().get(f"/chi-so/co-quan/{AGENCY}/")

    assert response.status_code == 200  # the primary's data
    status = response.wsgi_request.cchc_replica  # type: ignore[attr-defined]
    assert status.reason == "lagging"
    assert not status.on_replica
    assert "quá giới hạn" in response.content.decode()


def _standby_do(sql: str) -> None:
    with psycopg.connect(
        host="127.0.0.1", port=int(os.environ["CCHC_TEST_REPLICA_PORT"]), user="postgres", autocommit=True
    ) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def _receiving() -> bool:
    return bool(_standby("SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming'"))


def test_a_standby_cut_off_from_the_primary_shows_its_lag(settings) -> None:  # type: ignore[no-untyped-def]
    """A standby that stops receiving (the primary unreachable for it, its connection string wrong) has
    replayed all it received: measured against what it received it would read 0 s behind forever, and the
    dashboards would show its old figures as current. Measured against the primary's WAL position, it is
    behind as soon as the primary writes."""
    _caught_up()
    conninfo = str(_standby("SHOW primary_conninfo"))
    _standby_do("ALTER SYSTEM SET primary_conninfo = ''")
    _standby("SELECT pg_reload_conf()")
    try:
        deadline = time.monotonic() + 20
        while _receiving():
            assert time.monotonic() < deadline, "the standby kept streaming for 20 s"
            time.sleep(0.05)
        _agency()  # written on the primary, never received by the standby
        time.sleep(0.05)
        lag = replica.replica_lag()
        assert lag is not None
        assert lag > 0

        settings.CCHC_REPLICA_MAX_LAG_SECONDS = lag / 2
        response = Client().get(f"/chi-so/co-quan/{AGENCY}/")
        assert response.wsgi_request.cchc_replica.reason == "lagging"  # type: ignore[attr-defined]
        assert "quá giới hạn" in response.content.decode()
    finally:
        escaped = conninfo.replace("'", "''")
        _standby_do(f"ALTER SYSTEM SET primary_conninfo = '{escaped}'")
        _standby("SELECT pg_reload_conf()")
        deadline = time.monotonic() + 30
        while not _receiving():
            assert time.monotonic() < deadline, "the standby did not stream again in 30 s"
            time.sleep(0.05)
    _caught_up()
    assert replica.replica_lag() == 0


def test_an_unreachable_replica_falls_back_to_the_primary() -> None:
    _agency()
    conn = connections["replica"]
    conn.close()
    port = conn.settings_dict["PORT"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    conn.settings_dict["PORT"] = closed  # nothing listens there
    try:
        response = Client().get(f"/chi-so/co-quan/{AGENCY}/")
    finally:
        conn.close()
        conn.settings_dict["PORT"] = port
    assert response.status_code == 200
    assert response.wsgi_request.cchc_replica.reason == "unreachable"  # type: ignore[attr-defined]
    assert "Không kết nối được máy chủ bản sao" in response.content.decode()


def test_sessions_and_accounts_stay_on_the_primary(paused: None) -> None:
    client = Client()
    user = User.objects.create_user("can-bo-moi", password="x")  # noqa: S106
    client.force_login(user)  # the session row is on the primary only
    response = client.get("/chi-so/")

    assert response.wsgi_request.user.is_authenticated  # the session and the user were read on the primary
    assert response.wsgi_request.cchc_replica.on_replica  # type: ignore[attr-defined]
    with replica.replica_reads():
        assert router.db_for_read(Session) == "default"
        assert router.db_for_read(User) == "default"
        assert router.db_for_read(Agency) == "replica"
    assert router.db_for_write(Agency) == "default"
