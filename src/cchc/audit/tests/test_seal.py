"""Sealing after commit (issue 13 «Speed»): events inserted unsealed, without the chain's lock, get their
place and hashes from ``audit_seal`` once their transaction has committed; the chain stays one valid chain,
in the order of sealing."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from cchc.audit import services
from cchc.audit.constants import SEAL_EVERY_S
from cchc.audit.models import AppendOnlyError, AuditEvent
from cchc.audit.selectors import audit_events_for
from cchc.audit.services import (
    audit_anchor_create,
    audit_append_unsealed,
    audit_event_new,
    audit_record,
    audit_seal,
    audit_unsealed,
    audit_unsealed_statements,
    audit_verify,
)
from cchc.audit.tests.conftest import AT
from cchc.common import rounds


def _unsealed(target, i: int = 0, *, since=None) -> AuditEvent:
    pending = audit_event_new(
        actor=None, action="group.touch", target=target, before=None, after={"i": i}, at=AT + timedelta(minutes=i)
    )
    if since is None:
        with transaction.atomic():
            return audit_append_unsealed(pending)
    [(sql, params)] = audit_unsealed_statements(pending, now=since)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
    return pending.event


def _table() -> str:
    return AuditEvent._meta.db_table


def test_unsealed_events_wait_outside_the_chain_and_are_sealed_after_the_head(group):
    audit_record(actor=None, action="group.create", target=group, before=None, after={"n": 0}, at=AT)
    first, second = _unsealed(group, 1), _unsealed(group, 2)
    assert AuditEvent.objects.get(pk=first.pk).sequence is None

    waiting = audit_verify()
    assert (waiting.ok, waiting.count, waiting.unsealed.count) == (True, 1, 2)

    assert audit_seal() == 2

    events = list(AuditEvent.objects.order_by("sequence"))
    assert [(e.sequence, e.pending_since) for e in events] == [(1, None), (2, None), (3, None)]
    assert [e.pk for e in events[1:]] == [first.pk, second.pk]
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    verified = audit_verify()
    assert (verified.ok, verified.count, verified.unsealed.count) == (True, 3, 0)
    assert [e.sequence for e in audit_events_for(target=group)] == [1, 2, 3]


def test_a_sealed_event_is_never_sealed_again_nor_changed_through_the_model(group):
    _unsealed(group, 1)
    assert audit_seal() == 1
    sealed = AuditEvent.objects.get()
    assert audit_seal() == 0
    assert AuditEvent.objects.get().hash == sealed.hash
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=sealed.pk).update(sequence=None)
    with pytest.raises(AppendOnlyError):
        sealed.save()


def test_tampering_with_a_sealed_event_is_detected(group):
    for i in range(3):
        _unsealed(group, i)
    audit_seal()
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {_table()} SET after = %s WHERE sequence = 2", ['{"i": 99}'])

    result = audit_verify()

    assert (result.ok, result.broken_sequence) == (False, 2)


def test_an_anchor_seals_first_and_takes_the_sealed_head(group):
    _unsealed(group, 1)
    _unsealed(group, 2)

    anchor = audit_anchor_create(at=timezone.now())

    assert anchor is not None
    assert anchor.sequence == 2
    assert anchor.hash == AuditEvent.objects.get(sequence=2).hash
    assert audit_verify(since=(anchor.sequence, anchor.hash)).ok


def test_the_background_round_seals_at_most_every_half_second(group, monkeypatch):
    monkeypatch.setattr(services, "_last_round", [float("-inf")])  # this process has not sealed yet
    _unsealed(group, 1)

    rounds.run_chores()  # what `cchc outbox dispatch` runs after each round

    assert AuditEvent.objects.get().sequence == 1
    _unsealed(group, 2)
    rounds.run_chores()  # at once again: not yet time
    assert AuditEvent.objects.filter(sequence=None).count() == 1
    monkeypatch.setattr(services, "_last_round", [time.monotonic() - SEAL_EVERY_S])
    rounds.run_chores()
    assert not AuditEvent.objects.filter(sequence=None).exists()


def test_an_old_unsealed_event_is_a_warning_in_readiness_and_verify(group, client: Client, settings, capsys):
    settings.CCHC_AUDIT_SEAL_MAX_AGE_S = 60
    _unsealed(group, 1)
    fresh = client.get("/readyz").json()["checks"]["worker"]
    assert (fresh["audit_unsealed"], fresh["audit_seal_late"]) == (1, False)

    _unsealed(group, 2, since=timezone.now() - timedelta(minutes=5))
    response = client.get("/readyz")

    assert response.status_code == 200  # the web tier still works: the events wait for their place
    worker = response.json()["checks"]["worker"]
    assert worker["audit_unsealed"] == 2
    assert worker["audit_seal_late"] is True
    assert 290 <= worker["audit_unsealed_s"] <= 400
    assert audit_unsealed().late
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert "Chưa niêm phong: 2 sự kiện" in out
    assert "quá 60 giây" in out

    call_command("audit", "seal")
    assert "Đã niêm phong 2 sự kiện nhật ký" in capsys.readouterr().out
    assert not audit_unsealed().late
    assert client.get("/readyz").json()["checks"]["worker"]["audit_seal_late"] is False


# --- PostgreSQL: several connections at once -----------------------------------------------------------


def _postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite has one writer and seals every append in its transaction")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_unsealed_and_sealed_appends_and_sealers_make_one_valid_chain():
    _postgres()
    target = Group.objects.create(name="Một cửa")
    writers, per_writer = 6, 8
    barrier = threading.Barrier(writers + 2)
    done = threading.Event()
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            barrier.wait()
            for i in range(per_writer):
                with transaction.atomic():
                    if n % 3 == 0:  # some appends sealed in their transaction (audit_record), as other apps do
                        audit_record(
                            actor=None, action="group.touch", target=target, before=None, after={"w": n, "i": i}, at=AT
                        )
                    else:
                        audit_append_unsealed(
                            audit_event_new(
                                actor=None,
                                action="group.touch",
                                target=target,
                                before=None,
                                after={"w": n, "i": i},
                                at=AT,
                            )
                        )
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    def sealer() -> None:
        try:
            barrier.wait()
            while not done.is_set():
                audit_seal(batch=3)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    sealers = [threading.Thread(target=sealer) for _ in range(2)]
    for t in threads + sealers:
        t.start()
    for t in threads:
        t.join(timeout=120)
    done.set()
    for t in sealers:
        t.join(timeout=120)
    audit_seal()

    assert errors == []
    total = writers * per_writer
    assert list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True)) == list(range(1, total + 1))
    result = audit_verify()
    assert (result.ok, result.count, result.unsealed.count) == (True, total, 0)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_event_committed_after_a_later_one_is_sealed_after_it():
    _postgres()
    target = Group.objects.create(name="Một cửa")
    inserted, release, finished = threading.Event(), threading.Event(), threading.Event()
    early: list[int] = []
    errors: list[BaseException] = []

    def slow_transaction() -> None:
        try:
            with transaction.atomic():
                early.append(_unsealed(target, 1).pk)  # the lower id ...
                inserted.set()
                release.wait(timeout=60)  # ... committed only after the other one is sealed
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()
            finished.set()

    thread = threading.Thread(target=slow_transaction)
    thread.start()
    assert inserted.wait(timeout=60)
    late = _unsealed(target, 2)
    assert audit_seal() == 1  # the open transaction's event is not visible: only the committed one
    assert AuditEvent.objects.get(pk=late.pk).sequence == 1
    release.set()
    assert finished.wait(timeout=60)
    thread.join(timeout=60)
    assert errors == []

    assert audit_seal() == 1
    assert early[0] < late.pk
    assert AuditEvent.objects.get(pk=early[0]).sequence == 2  # the chain's order is the sealing order
    result = audit_verify()
    assert (result.ok, result.count) == (True, 2)
