"""Platform measures computed on dossiers made through the services (the dossier tests' world)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from cchc.dossiers import services as s
from cchc.dossiers.constants import DossierStatus, PaymentChannel, StepStatus
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
