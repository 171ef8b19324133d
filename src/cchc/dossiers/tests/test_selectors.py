"""Work queues of the staff console: scoped to the officer's agencies, most urgent first, one query."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.contrib.auth.models import User

from cchc.accounts.constants import Area, Role
from cchc.accounts.services import membership_grant
from cchc.catalogue.models import Procedure
from cchc.catalogue.services import catalogue_import
from cchc.dossiers import services as s
from cchc.dossiers.constants import DossierStatus
from cchc.dossiers.models import Dossier
from cchc.dossiers.selectors import (
    QUEUES,
    dossier_get,
    dossier_list_for_officer,
    dossier_list_new_for_reception,
    dossier_queue_counts,
    dossier_remaining_working_seconds,
)
from cchc.dossiers.tests.conftest import (
    AT,
    CATALOGUE,
    CITIZEN,
    MERGER_DAY,
    PROVINCE_PROCEDURE,
    PUBLISHED,
    VN,
    World,
    receive,
    to_status,
)
from cchc.org.models import Agency

POLICE = "cong-an-tinh"


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


def _inter_agency_procedure(world: World) -> Procedure:
    """A province procedure with a step at Công an tỉnh between the centre and Sở Tư pháp."""
    spec = {
        **PROVINCE_PROCEDURE,
        "code": "9.000109",
        "name": "Cấp Phiếu lý lịch tư pháp (liên thông xác minh)",
        "processing_time": {"value": 6, "unit": "days"},
        "steps": [
            PROVINCE_PROCEDURE["steps"][0],
            {
                "name": "Xác minh nhân thân",
                "responsible": "agency",
                "agency": POLICE,
                "staff_role": "specialist",
                "duration_hours": 8,
                "inter_agency": True,
            },
            *PROVINCE_PROCEDURE["steps"][1:],
        ],
    }
    catalogue_import(data={**CATALOGUE, "procedures": [spec]}, at=PUBLISHED)
    return Procedure.objects.get(code="9.000109")


def test_an_open_step_at_an_agency_puts_the_dossier_in_its_queues(world: World) -> None:
    # given: an officer of Công an tỉnh, which is neither the receiving nor the competent agency
    police = Agency.objects.valid_on(AT.date()).get(code=POLICE)
    officer = User.objects.create_user(username="congan")
    membership_grant(
        user=officer,
        agency=police,
        area=Area.ONE_STOP,
        role=Role.SPECIALIST,
        valid_from=MERGER_DAY,
        actor=None,
        at=PUBLISHED,
    )
    dossier = s.dossier_receive_counter(
        procedure=_inter_agency_procedure(world),
        applicant=CITIZEN,
        receiving_agency=world.centre,
        competent_agency=world.justice,
        actor=world.reception,
        at=AT,
    )
    today = AT.date()
    # when its step is pending, then active: the dossier is in the police queue
    assert codes(dossier_list_for_officer(user=officer, on=today, queue="agency")) == [dossier.code]
    s.dossier_complete_step(dossier=dossier, actor=world.reception, at=AT + timedelta(minutes=30), receiver=officer)
    assert codes(dossier_list_for_officer(user=officer, on=today, queue="mine")) == [dossier.code]
    assert dossier_queue_counts(user=officer, on=today)["agency"] == 1
    # once its step is done, the police have no more work on it
    s.dossier_complete_step(dossier=dossier, actor=officer, at=AT + timedelta(hours=1), receiver=world.specialist)
    assert codes(dossier_list_for_officer(user=officer, on=today, queue="agency")) == []
    assert dossier_queue_counts(user=officer, on=today)["agency"] == 0
    # the other agencies keep it
    assert codes(dossier_list_for_officer(user=world.specialist, on=today, queue="mine")) == [dossier.code]


def test_queue_counts_match_the_queues_in_one_query(world: World, django_assert_num_queries: object) -> None:
    receive(world, AT + timedelta(days=1))
    receive(world, AT)
    to_status(world, DossierStatus.IN_PROCESS, AT + timedelta(hours=1))
    to_status(world, DossierStatus.SUPPLEMENT_REQUESTED, AT + timedelta(hours=2))
    to_status(world, DossierStatus.FINANCIAL_OBLIGATION_REQUESTED, AT + timedelta(hours=3))
    to_status(world, DossierStatus.PROCESSED, AT + timedelta(hours=4))
    to_status(world, DossierStatus.RETURNED, AT + timedelta(hours=5))
    to_status(world, DossierStatus.NEW, AT + timedelta(hours=6))
    saturday = date(2026, 1, 10)
    for user in (world.reception, world.specialist, world.leader, world.commune_officer, world.outsider):
        for on in (AT.date(), saturday, date(2026, 1, 12)):
            with django_assert_num_queries(1):  # type: ignore[operator]
                counts = dossier_queue_counts(user=user, on=on)
            expected = {queue: len(dossier_list_for_officer(user=user, on=on, queue=queue)) for queue in QUEUES}
            expected["new"] = len(dossier_list_new_for_reception(user=user, on=on))
            assert counts == expected, (user, on)
    # mine: the two received ones and the processed one (the reception officer returns the result)
    assert dossier_queue_counts(user=world.reception, on=AT.date()) == {
        "mine": 3,
        "agency": 6,
        "due_today": 0,
        "overdue": 0,
        "waiting_applicant": 2,
        "new": 1,
    }
