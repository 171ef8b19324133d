"""The query budget of the hot transitions (issue 3 §8a: ≥ 500 dossier transitions per second).

Pinned at the figures of the lean path (on PostgreSQL every transition in two round trips: its reads
with the lock, then its writes with the audit event; the version's steps and fees from the per-process
cache, no savepoint inside the services' transaction), so a change that adds a round trip to a
transition is seen here. Inside the test's transaction the creation of a dossier also pays a
SAVEPOINT and a RELEASE (2 of the counted queries); a transition of an existing dossier none (its
refusals come before its first write: ``cchc.dossiers.executor.run``). Outside (production) the
transaction's BEGIN and COMMIT travel with the two round trips instead
(``cchc.dossiers.executor_db.batch_run``; counted by ``test_services_round_trips``).
"""

from __future__ import annotations

from datetime import timedelta

from django.db import connection

from cchc.dossiers import services as s
from cchc.dossiers.constants import DossierStatus, StepStatus
from cchc.dossiers.models import Dossier
from cchc.dossiers.tests.conftest import AT, World, receive, receive_commune

PG = connection.vendor == "postgresql"
# On PostgreSQL (savepoint and release aside) a transition reads in one round trip (the dossier locked,
# its open steps, the officers' memberships; reception: the memberships, the version in force, the
# calendar version, the dossier number and id; the result's return: the fees) and writes in another
# (its rows, then the audit chain's lock and the event placed at the head). Elsewhere each is its own
# query: savepoint + release, the reads, each write (rows of one table inserted together), the chain's
# head, the audit event. Before session 4 (PostgreSQL): receive 9, complete step 5, mark processed 5,
# return result 6; SQLite receive 13.
# Issue 13: the outbox row joins the writes (PostgreSQL: in the same round trip; SQLite: one more query).
# Session 9: no savepoint around a transition inside a caller's transaction (2 fewer each but RECEIVE).
RECEIVE = 4 if PG else 12  # SQLite: 3 reads, number, dossier, steps, fee lines, outbox, head, event
COMPLETE_STEP_FIRST = 2 if PG else 10  # SQLite: 3 reads, step done, next step, hand-over, dossier, outbox, head, event
COMPLETE_STEP_NEXT = 2 if PG else 9  # the dossier is already "in process": no status write
MARK_PROCESSED_HANDING_OVER = 2 if PG else 10  # SQLite: 3 reads, step done, next step, hand-over, dossier, ...
# SQLite: 4 reads (the last unsigned result too), fee lines (nothing due), step done, hand-over, dossier, ...
RETURN_RESULT = 2 if PG else 11


def _commune_receive(world: World, minutes: int) -> Dossier:
    return receive_commune(world, AT + timedelta(minutes=minutes))


def test_each_transition_runs_a_fixed_small_number_of_queries(world: World, django_assert_num_queries) -> None:
    officer = world.commune_officer
    _commune_receive(world, 0)  # warms this process's caches (version steps and fees, calendar, unit code)

    with django_assert_num_queries(RECEIVE):
        dossier = _commune_receive(world, 5)
    with django_assert_num_queries(COMPLETE_STEP_FIRST):
        s.dossier_complete_step(dossier=dossier, actor=officer, at=AT + timedelta(minutes=10), receiver=officer)
    with django_assert_num_queries(MARK_PROCESSED_HANDING_OVER):
        s.dossier_mark_processed(dossier=dossier, actor=officer, at=AT + timedelta(minutes=20), receiver=officer)
    with django_assert_num_queries(RETURN_RESULT):
        s.dossier_return_result(dossier=dossier, actor=officer, at=AT + timedelta(minutes=30))

    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RETURNED
    assert set(dossier.steps.values_list("status", flat=True)) == {StepStatus.DONE}


def test_a_later_step_of_a_dossier_in_process_writes_no_status(world: World, django_assert_num_queries) -> None:
    receive(world)  # warms the caches
    dossier = receive(world, AT + timedelta(minutes=5))
    s.dossier_complete_step(
        dossier=dossier, actor=world.reception, at=AT + timedelta(minutes=10), receiver=world.specialist
    )
    dossier.refresh_from_db()

    with django_assert_num_queries(COMPLETE_STEP_NEXT):
        s.dossier_complete_step(
            dossier=dossier, actor=world.specialist, at=AT + timedelta(minutes=20), receiver=world.leader
        )

    assert dossier.steps.get(status=StepStatus.ACTIVE).assignee == world.leader
