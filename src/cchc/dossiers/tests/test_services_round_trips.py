"""The hot transitions in their own transaction, as in production (PostgreSQL): two round trips each,
BEGIN with the first and COMMIT with the last, and every way out of the block leaves nothing half done.

The other service tests run inside the test's transaction, where the services pay a savepoint instead
and the BEGIN/COMMIT path is not taken (``cchc.dossiers.executor_db.batch_run``)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import DataError, connection, transaction

from cchc.audit.models import AuditEvent
from cchc.audit.services import audit_verify
from cchc.common.tests.pgtrace import RoundTrips
from cchc.dossiers import executor_db
from cchc.dossiers import services as s
from cchc.dossiers.constants import DossierError, DossierErrorCode, DossierStatus, StepStatus
from cchc.dossiers.models import Dossier, Handover
from cchc.dossiers.tests.conftest import AT, World, build_world, receive_commune
from cchc.outbox.models import OutboxEvent

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the round-trip path is PostgreSQL's"),
    pytest.mark.django_db(transaction=True),
]


def _receive(world: World, minutes: int) -> Dossier:
    return receive_commune(world, AT + timedelta(minutes=minutes))


def _committed_status(dossier: Dossier) -> str:
    """The dossier's status as another session sees it (only what was committed)."""
    import psycopg

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params) as other:
        row = other.execute("SELECT status FROM dossiers_dossier WHERE id = %s", [dossier.pk]).fetchone()
    return str(row[0]) if row else ""


def _idle() -> bool:
    """Nothing left open and psycopg back in Django's autocommit."""
    return connection.get_autocommit() and connection.connection.info.transaction_status == 0


def test_each_transition_takes_two_round_trips_with_begin_and_commit() -> None:
    world = build_world()
    officer = world.commune_officer
    _receive(world, 0)  # warms the version's cached steps and fees, the calendar, the prepared statements

    trips: dict[str, RoundTrips] = {}
    with RoundTrips() as trips["receive"]:
        dossier = _receive(world, 5)
    with RoundTrips() as trips["complete_step"]:
        s.dossier_complete_step(dossier=dossier, actor=officer, at=AT + timedelta(minutes=10), receiver=officer)
    with RoundTrips() as trips["mark_processed"]:
        s.dossier_mark_processed(dossier=dossier, actor=officer, at=AT + timedelta(minutes=20), receiver=officer)
    with RoundTrips() as trips["return_result"]:
        s.dossier_return_result(dossier=dossier, actor=officer, at=AT + timedelta(minutes=30))

    for kind, trip in trips.items():
        assert trip.count == 2, (kind, trip.queries)
        reads, writes = trip.queries
        assert reads.startswith("BEGIN;"), kind
        assert writes.endswith("; COMMIT"), kind
    assert _idle()
    assert _committed_status(dossier) == DossierStatus.RETURNED
    assert AuditEvent.objects.for_target(dossier).count() == 4
    # the outbox rows went in the second round trip of each (issue 13): one per transition
    topics = list(
        OutboxEvent.objects.filter(stream=f"dossier:{dossier.pk}").order_by("id").values_list("topic", flat=True)
    )
    assert topics == ["dossier.received", "dossier.step_completed", "dossier.result_ready", "dossier.returned"]
    assert audit_verify().ok


def test_a_refused_transition_leaves_the_dossier_and_the_connection_as_they_were() -> None:
    world = build_world()
    dossier = _receive(world, 0)

    with pytest.raises(DossierError) as refused:
        s.dossier_complete_step(dossier=dossier, actor=world.outsider, at=AT + timedelta(minutes=10))

    assert refused.value.code == DossierErrorCode.NOT_PERMITTED
    assert _idle()
    with RoundTrips() as trips:
        s.dossier_complete_step(
            dossier=dossier, actor=world.commune_officer, at=AT + timedelta(minutes=10), receiver=world.commune_officer
        )
    assert trips.count == 2
    assert trips.queries[0].startswith("BEGIN;")
    assert _committed_status(dossier) == DossierStatus.IN_PROCESS


def test_a_transition_inside_a_callers_transaction_is_undone_with_it() -> None:
    world = build_world()
    dossier = _receive(world, 0)
    events = AuditEvent.objects.count()

    with transaction.atomic():
        s.dossier_complete_step(
            dossier=dossier, actor=world.commune_officer, at=AT + timedelta(minutes=10), receiver=world.commune_officer
        )
        transaction.set_rollback(True)  # the caller's transaction fails after the service returned

    assert _idle()
    assert _committed_status(dossier) == DossierStatus.RECEIVED
    assert dossier.steps.get(order=1).status == StepStatus.ACTIVE
    assert not Handover.objects.filter(dossier=dossier).exists()
    assert AuditEvent.objects.count() == events


def test_a_failure_in_the_writes_round_trip_leaves_nothing_and_the_next_transition_goes_through(monkeypatch) -> None:
    world = build_world()
    dossier = _receive(world, 0)
    events = AuditEvent.objects.count()
    appended = executor_db.audit_append_statements
    # a statement that fails on the server after the row writes, in their round trip (the executor's)
    monkeypatch.setattr(
        executor_db, "audit_append_statements", lambda pending: [*appended(pending), ("SELECT 1 / %s", [0])]
    )

    with pytest.raises(DataError):
        s.dossier_complete_step(
            dossier=dossier, actor=world.commune_officer, at=AT + timedelta(minutes=10), receiver=world.commune_officer
        )

    assert _idle()
    assert _committed_status(dossier) == DossierStatus.RECEIVED
    assert not Handover.objects.filter(dossier=dossier).exists()
    assert AuditEvent.objects.count() == events
    monkeypatch.undo()
    s.dossier_complete_step(
        dossier=dossier, actor=world.commune_officer, at=AT + timedelta(minutes=10), receiver=world.commune_officer
    )
    assert _committed_status(dossier) == DossierStatus.IN_PROCESS
    assert AuditEvent.objects.count() == events + 1
    assert audit_verify().ok
