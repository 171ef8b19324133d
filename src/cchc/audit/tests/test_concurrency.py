"""Concurrent appends never fork the chain (PostgreSQL: SQLite has one writer and no row locks to show)."""

import threading
import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction

from cchc.audit.models import AuditEvent
from cchc.audit.services import audit_record, audit_verify
from cchc.audit.tests.conftest import AT

THREADS = 8
PER_THREAD = 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_append_one_unforked_chain():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises all writers, so there is no race to show")
    target = Group.objects.create(name="Một cửa")
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            barrier.wait()
            for i in range(PER_THREAD):
                with transaction.atomic():
                    audit_record(
                        actor=None,
                        action="group.touch",
                        target=target,
                        before=None,
                        after={"writer": n, "i": i},
                        at=AT + timedelta(seconds=i),
                        request_id=f"w{n}-{i}",
                    )
                    # hold the chain until commit: a writer that read the head meanwhile would fork it
                    time.sleep(0.005)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert errors == []
    total = THREADS * PER_THREAD
    assert list(AuditEvent.objects.values_list("sequence", flat=True)) == list(range(1, total + 1))
    assert AuditEvent.objects.values("request_id").distinct().count() == total
    result = audit_verify()
    assert result.ok
    assert result.count == total
