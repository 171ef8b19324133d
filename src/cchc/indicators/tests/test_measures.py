"""Platform measures computed on dossiers made through the services (the dossier tests' world)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from cchc.dossiers import services as s
from cchc.dossiers.constants import DossierStatus, IdentityLevel, PaymentChannel, StepStatus
from cchc.dossiers.models import Dossier
from cchc.dossiers.tests.conftest import AT, CITIZEN, World, receive, to_status
from cchc.indicators.constants import IndicatorError, IndicatorErrorCode, Part, Status
from cchc.indicators.measures import MEASURES, measure_compute, measure_dossiers
from cchc.indicators.periods import period_parse

CODE = "INTER_AGENCY_ELECTRONIC"
JANUARY = period_parse("2026-01")
LATER = AT + timedelta(days=10)
HALF_HOUR = timedelta(minutes=30)


def returned_with_a_skipped_crossing(w: World) -> Dossier:
    """Sở Tư pháp finishes and the desk hands the result back without the return step ever being
    handed over to it on the platform: the crossing Sở Tư pháp → centre is not recorded."""
    dossier = receive(w, AT + timedelta(hours=1))
    at = AT + timedelta(hours=1)
    s.dossier_complete_step(dossier=dossier, actor=w.reception, at=at + HALF_HOUR, receiver=w.specialist)
    dossier.refresh_from_db()
    s.dossier_mark_processed(dossier=dossier, actor=w.leader, at=at + 2 * HALF_HOUR, receiver=w.leader)
    dossier.refresh_from_db()
    s.dossier_record_payment(
        dossier=dossier,
        actor=w.reception,
        at=at + 3 * HALF_HOUR,
        amount=Decimal(200000),
        channel=PaymentChannel.COUNTER,
        receipt_number="BL-SKIP",
    )
    return s.dossier_return_result(dossier=dossier, actor=w.reception, at=at + 4 * HALF_HOUR)


def test_every_crossing_recorded_counts_and_a_skipped_one_does_not(world: World) -> None:
    # given: one dossier handed over centre → Sở Tư pháp → centre on the platform, one whose return
    # step was skipped, one still in process, one returned in December (outside the period)
    full = to_status(world, DossierStatus.RETURNED)
    skipped = returned_with_a_skipped_crossing(world)
    to_status(world, DossierStatus.IN_PROCESS, AT + timedelta(hours=3))
    to_status(world, DossierStatus.RETURNED, AT - timedelta(days=10))
    assert skipped.steps.filter(status=StepStatus.SKIPPED).count() == 1

    # when
    result = measure_compute(CODE, period=JANUARY, at=LATER)

    # then: the in-process and the December dossiers are not in the denominator
    assert (result.status, result.numerator, result.denominator) == (Status.COMPUTED, 1, 2)
    assert result.percent == Decimal("50.00")
    assert list(measure_dossiers(CODE, period=JANUARY, at=LATER, part=Part.NUMERATOR)) == [full]
    assert set(measure_dossiers(CODE, period=JANUARY, at=LATER, part=Part.DENOMINATOR)) == {full, skipped}


def test_a_dossier_returned_after_the_close_is_not_counted_yet(world: World) -> None:
    # given: returned at AT + 2 h
    to_status(world, DossierStatus.RETURNED)

    # when: the period is closed one hour after reception
    result = measure_compute(CODE, period=JANUARY, at=AT + timedelta(hours=1))

    # then: nothing counted, and that is "empty", not 0 %
    assert (result.status, result.numerator, result.denominator, result.percent) == (Status.EMPTY, 0, 0, None)


def test_single_agency_dossiers_are_not_inter_agency(world: World) -> None:
    # given: a commune dossier (every step at UBND phường Nha Trang), processed and returned
    dossier = s.dossier_receive_counter(
        procedure=world.commune_procedure,
        applicant=CITIZEN,
        receiving_agency=world.nha_trang,
        competent_agency=world.nha_trang,
        actor=world.commune_officer,
        at=AT,
    )
    assert set(dossier.steps.values_list("agency", flat=True)) == {world.nha_trang.pk}
    s.dossier_mark_processed(dossier=dossier, actor=world.commune_officer, at=AT + HALF_HOUR)
    dossier.refresh_from_db()
    s.dossier_return_result(dossier=dossier, actor=world.commune_officer, at=AT + 2 * HALF_HOUR)

    # when
    result = measure_compute(CODE, period=JANUARY, at=LATER)

    # then
    assert result.denominator == 0


def test_one_query_whatever_the_number_of_dossiers(world: World, django_assert_num_queries: object) -> None:
    for hour in range(3):
        to_status(world, DossierStatus.RETURNED, AT + timedelta(hours=hour))
    with django_assert_num_queries(1):  # type: ignore[operator]
        result = measure_compute(CODE, period=JANUARY, at=LATER)
    assert (result.numerator, result.denominator) == (3, 3)


def test_unknown_measure_and_part_are_refused(world: World) -> None:
    with pytest.raises(IndicatorError) as caught:
        measure_compute("NOPE", period=JANUARY, at=LATER)
    assert caught.value.code == IndicatorErrorCode.UNKNOWN_INDICATOR
    with pytest.raises(IndicatorError) as caught:
        measure_dossiers(CODE, period=JANUARY, at=LATER, part="both")
    assert caught.value.code == IndicatorErrorCode.INVALID_PART
    assert MEASURES[CODE].name.startswith("Tỷ lệ hồ sơ liên thông")


# --- IDENTIFIED_ONLINE_USERS: persons using the online service signed in with an electronic identity ---

USERS = "IDENTIFIED_ONLINE_USERS"


def _online(w: World, at: datetime, *, number: str, identity: str = IdentityLevel.NONE) -> Dossier:
    """An online dossier of the person ``number``, identified as the portal passes it (issue 15)."""
    return s.dossier_submit_online(
        procedure=w.province_procedure,
        applicant=replace(CITIZEN, id_number=number, identity=identity),
        receiving_agency=w.centre,
        competent_agency=w.justice,
        at=at,
    )


def test_persons_who_signed_in_over_persons_who_filed_online(world: World) -> None:
    # given January's online applicants: one person filed twice (once signed in, once not), one never
    # signed in, one signed in at level 1, one signed in and was refused at reception (used the service
    # all the same); a counter applicant and a December one do not count
    twice_signed = _online(world, AT, number="056190004321", identity=IdentityLevel.VNEID_2)
    twice_plain = _online(world, AT + timedelta(days=1), number="056190004321")
    plain = _online(world, AT + timedelta(hours=1), number="056085001234")
    level_1 = _online(world, AT + timedelta(hours=2), number="056201007777", identity=IdentityLevel.VNEID_1)
    refused = _online(world, AT + timedelta(hours=3), number="056078009999", identity=IdentityLevel.VNEID_2)
    s.dossier_refuse(dossier=refused, actor=world.reception, at=AT + timedelta(hours=4), reason="Sai thủ tục")
    to_status(world, DossierStatus.RECEIVED)  # at the counter (CITIZEN's number)
    _online(world, AT - timedelta(days=10), number="056099001111", identity=IdentityLevel.VNEID_2)

    # when
    result = measure_compute(USERS, period=JANUARY, at=LATER)

    # then persons, not dossiers: 3 of the 4 persons who filed online in January signed in
    assert (result.status, result.numerator, result.denominator) == (Status.COMPUTED, 3, 4)
    assert result.percent == Decimal("75.00")
    assert MEASURES[USERS].unit == "người"
    # the drill-down lists their dossiers: the signed-in ones, and every online one of the period
    signed_in = set(measure_dossiers(USERS, period=JANUARY, at=LATER, part=Part.NUMERATOR))
    assert signed_in == {twice_signed, level_1, refused}
    online = set(measure_dossiers(USERS, period=JANUARY, at=LATER, part=Part.DENOMINATOR))
    assert online == {twice_signed, twice_plain, plain, level_1, refused}


def test_no_online_applicant_is_empty_not_zero(world: World, django_assert_num_queries: object) -> None:
    to_status(world, DossierStatus.RECEIVED)  # a counter dossier only
    with django_assert_num_queries(1):  # type: ignore[operator]
        result = measure_compute(USERS, period=JANUARY, at=LATER)
    assert (result.status, result.numerator, result.denominator, result.percent) == (Status.EMPTY, 0, 0, None)
