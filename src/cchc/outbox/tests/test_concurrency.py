"""PostgreSQL: several dispatchers at once, and a dispatcher killed with SIGKILL mid-batch."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection, connections

import cchc
from cchc.outbox.dispatch import outbox_drain
from cchc.outbox.models import Delivery, DeliveryStatus, OutboxEvent
from cchc.outbox.registry import register
from cchc.outbox.tests.conftest import emit

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SKIP LOCKED claims need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def test_two_dispatchers_at_once_deliver_each_event_once_in_stream_order() -> None:
    events = [emit(f"dossier:{i % 17}", n=i) for i in range(300)]
    calls: list[tuple[str, int, str]] = []
    lock = threading.Lock()

    @register("idempotent")
    def idempotent(event: OutboxEvent) -> None:
        with lock:
            calls.append((event.stream, event.pk, threading.current_thread().name))

    errors: list[BaseException] = []

    def dispatcher() -> None:
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                outbox_drain(batch=7)
                if not Delivery.objects.exclude(status=DeliveryStatus.DELIVERED).exists() and not (
                    OutboxEvent.objects.filter(fanned_out=False).exists()
                ):
                    break
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=dispatcher, name=f"dispatcher-{i}") for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)

    assert not errors
    assert Counter(pk for _, pk, _ in calls) == Counter(e.pk for e in events)  # each once
    for s in range(17):
        assert [pk for stream, pk, _ in calls if stream == f"dossier:{s}"] == [e.pk for e in events[s::17]]
    assert Delivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == 300


def _database_url() -> str:
    s = connection.settings_dict
    auth = quote(s["USER"] or "postgres") + (f":{quote(s['PASSWORD'])}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (test tables)
        return int(cursor.fetchone()[0])


def test_a_dispatcher_killed_mid_batch_delivers_everything_after_restart_none_twice() -> None:
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE outbox_test_calls (key text NOT NULL, at timestamptz DEFAULT now())")
        cursor.execute("CREATE TABLE outbox_test_keys (key text PRIMARY KEY)")
        cursor.execute("CREATE TABLE outbox_test_dupes (key text NOT NULL)")
    try:
        events = [emit(f"dossier:{i % 20}", "test.kill", n=i) for i in range(40)]
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cchc.config.settings",
            "DATABASE_URL": _database_url(),
            "PYTHONPATH": str(Path(cchc.__file__).resolve().parent.parent),
            "CCHC_TEST_OUTBOX_SLEEP": "0.1",
            "DEBUG": "0",
        }
        # the project's command, with the test's subscriber registered first (as an app's ready() would)
        starter = "import sys, cchc.outbox.tests.kill_subscriber; from cchc.__main__ import main; main(sys.argv)"
        command = [sys.executable, "-c", starter, "outbox", "dispatch", "--batch", "20", "--idle-sleep", "0.1"]
        first = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 90
        while _count("outbox_test_calls") < 5:  # the first batch (20 events, 2 s) is under way
            assert first.poll() is None, first.communicate()
            assert time.monotonic() < deadline, "the dispatcher did not start"
            time.sleep(0.05)
        first.send_signal(signal.SIGKILL)
        first.wait(30)
        calls_at_kill = _count("outbox_test_calls")
        applied_at_kill = _count("outbox_test_keys")
        assert calls_at_kill < 20  # killed mid-batch: its deliveries were not marked
        assert Delivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == 0

        deadline = time.monotonic() + 120
        while Delivery.objects.exclude(status=DeliveryStatus.DELIVERED).exists() or len(events) > (
            Delivery.objects.count()
        ):
            assert time.monotonic() < deadline, "not delivered after the restart"
            # the killed backend's locks go when the server sees the closed socket: --once again if skipped
            rerun = subprocess.run([*command[:-4], "--once"], env=env, capture_output=True, timeout=120, check=False)
            assert rerun.returncode == 0, rerun.stderr.decode()

        expected = {f"{e.pk}:kill-test" for e in events}
        with connection.cursor() as cursor:
            cursor.execute("SELECT key FROM outbox_test_keys")
            applied = [row[0] for row in cursor.fetchall()]
        assert sorted(applied) == sorted(expected)  # every event's effect, once (a primary key)
        # the killed batch's events were delivered again (at least once) and recognised by their keys
        assert _count("outbox_test_calls") == len(events) + calls_at_kill
        assert _count("outbox_test_dupes") == applied_at_kill > 0
        assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS outbox_test_calls, outbox_test_keys, outbox_test_dupes")
