"""The query budget of the hot transitions (issue 3 §8a: ≥ 500 dossier transitions per second).

Pinned at the figures of the lean path (one membership query per transition, the open steps in one
query, the version's steps and fees from the per-process cache, the dossier number in one statement,
no savepoint inside the services' transaction, the audit chain's lock and head in one round trip), so
a change that adds a round trip to a transition is seen here. Inside the test's transaction every
service also pays a SAVEPOINT and a RELEASE (2 of the counted queries); outside (production) those are
the transaction's BEGIN and COMMIT.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import connection

from cchc.dossiers import services as s
from cchc.dossiers.constants import DossierStatus, StepStatus
from cchc.dossiers.models import Dossier
from cchc.dossiers.tests.conftest import AT, CITIZEN, World, receive

PG = connection.vendor == "postgresql"
# On PostgreSQL a transition reads its dossier (locked), open steps and the memberships of the officers
# in one round trip and sends its row writes (steps, hand-over, dossier) with the audit chain's lock and
# head in another; elsewhere each is its own query: lock, open steps, memberships, each write, the head.
# savepoint + release, membership, version in force, dossier number, calendar version, dossier, then
# the steps (3 here; no fee lines) with the chain's lock and head, audit event
RECEIVE = 9 if PG else 13
# savepoint + release, lock + open steps + memberships, writes (step done, next step active, hand-over,
# [dossier status]) + chain lock and head, audit event
COMPLETE_STEP_FIRST = 5 if PG else 11
COMPLETE_STEP_NEXT = 5 if PG else 10  # the dossier is already "in process": no status write
# savepoint + release, lock + open steps + memberships, writes (step done, next step active,
# hand-over, dossier) + chain lock and head, audit event
MARK_PROCESSED_HANDING_OVER = 5 if PG else 11
# savepoint + release, lock + open steps + memberships, fee lines (nothing due: no payment read),
# writes (step done, hand-over to the applicant, dossier) + chain lock and head, audit event
RETURN_RESULT = 6 if PG else 11


def _commune_receive(world: World, minutes: int) -> Dossier:
    return s.dossier_receive_counter(
        procedure=world.commune_procedure,
        applicant=CITIZEN,
        receiving_agency=world.nha_trang,
        competent_agency=world.nha_trang,
        actor=world.commune_officer,
        at=AT + timedelta(minutes=minutes),
    )


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
