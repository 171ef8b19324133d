"""Work queues of the staff console: scoped to the officer's agencies, most urgent first, one query."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from cchc.dossiers import services as s
from cchc.dossiers.constants import DossierStatus
from cchc.dossiers.models import Dossier
from cchc.dossiers.selectors import dossier_get, dossier_list_for_officer, dossier_remaining_working_seconds
from cchc.dossiers.tests.conftest import AT, CITIZEN, VN, World, receive, to_status


def codes(queryset: object) -> list[str]:
    return [d.code for d in queryset]  # type: ignore[attr-defined]


def test_queues_are_scoped_ordered_and_filtered(world: World) -> None:
    # given: three province dossiers received on different days, one in process, one waiting
    later = receive(world, AT + timedelta(days=1))  # due Monday 12/1
    sooner = receive(world, AT)  # due Saturday 10/1 (a swapped working day)
    working = to_status(world, DossierStatus.IN_PROCESS, AT + timedelta(hours=1))
    waiting = to_status(world, DossierStatus.SUPPLEMENT_REQUESTED, AT + timedelta(hours=2))
    commune = s.dossier_receive_counter(
        procedure=world.commune_procedure,
        applicant=CITIZEN,
        receiving_agency=world.nha_trang,
        competent_agency=world.nha_trang,
        actor=world.commune_officer,
        at=AT,
    )
    today = AT.date()

    agency = dossier_list_for_officer(user=world.reception, on=today, queue="agency")
    assert codes(agency) == [sooner.code, working.code, waiting.code, later.code]
    assert commune.code not in codes(dossier_list_for_officer(user=world.specialist, on=today, queue="agency"))
    assert codes(dossier_list_for_officer(user=world.commune_officer, on=today, queue="agency")) == [commune.code]
    assert codes(dossier_list_for_officer(user=world.outsider, on=today, queue="agency")) == []

    # mine: the active step is assigned to the user
    assert codes(dossier_list_for_officer(user=world.reception, on=today, queue="mine")) == [sooner.code, later.code]
    assert codes(dossier_list_for_officer(user=world.specialist, on=today, queue="mine")) == [working.code]

    assert codes(dossier_list_for_officer(user=world.specialist, on=today, queue="waiting_applicant")) == [waiting.code]
    assert codes(dossier_list_for_officer(user=world.commune_officer, on=today, queue="due_today")) == [commune.code]
    saturday = date(2026, 1, 10)
    assert codes(dossier_list_for_officer(user=world.specialist, on=saturday, queue="due_today")) == [
        sooner.code,
        working.code,
    ]
    monday = date(2026, 1, 12)
    assert codes(dossier_list_for_officer(user=world.specialist, on=monday, queue="overdue")) == [
        sooner.code,
        working.code,
    ]
    at = datetime(2026, 1, 12, 9, 0, tzinfo=VN)
    assert codes(dossier_list_for_officer(user=world.specialist, on=monday, queue="overdue", at=at)) == [
        sooner.code,
        working.code,
        later.code,
    ]


def test_a_queue_is_one_query_whatever_its_length(world: World, django_assert_num_queries: object) -> None:
    for hours in range(6):
        to_status(world, DossierStatus.IN_PROCESS, AT + timedelta(hours=hours))
    with django_assert_num_queries(1):  # type: ignore[operator]
        rows = list(dossier_list_for_officer(user=world.specialist, on=AT.date(), queue="agency"))
        lines = [
            (d.code, d.procedure_version.procedure.code, d.receiving_agency.name, d.competent_agency.name) for d in rows
        ]
        steps = [(d.active_step_name, d.active_step_deadline) for d in rows]  # type: ignore[attr-defined]
    assert len(lines) == 6
    assert all(name == "Thẩm định, tra cứu" for name, _ in steps)


def test_unknown_queue_is_refused(world: World) -> None:
    with pytest.raises(ValueError, match="Hàng đợi"):
        dossier_list_for_officer(user=world.reception, on=AT.date(), queue="all")  # type: ignore[arg-type]


def test_remaining_working_time(world: World) -> None:
    dossier = dossier_get(code=receive(world).code)
    assert isinstance(dossier, Dossier)
    assert dossier_remaining_working_seconds(dossier=dossier, at=AT) == 5 * 8 * 3600
    monday = datetime(2026, 1, 12, 8, 0, tzinfo=VN)  # one working day after Saturday 08:00
    assert dossier_remaining_working_seconds(dossier=dossier, at=monday) == -8 * 3600
