"""The dossier services: reception, codes, appointments, steps and hand-overs, supplements, fees,
extensions and the ends of a dossier's life, all through the services."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from cchc.audit.models import AuditEvent
from cchc.dossiers import services as s
from cchc.dossiers.constants import (
    DossierError,
    DossierErrorCode,
    DossierStatus,
    HandoverOutcome,
    PaymentChannel,
    StepStatus,
)
from cchc.dossiers.models import Dossier, DossierStep, Handover
from cchc.dossiers.tests.conftest import AT, CITIZEN, VN, World, receive, submit, to_status


def vn(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 1, day, hour, minute, tzinfo=VN)


def events_for(dossier: Dossier) -> list[str]:
    return list(AuditEvent.objects.for_target(dossier).order_by("sequence").values_list("action", flat=True))


# --- reception ------------------------------------------------------------------------------------


def test_counter_reception_gives_code_appointment_steps_and_fees(world: World) -> None:
    dossier = s.dossier_receive_counter(
        procedure=world.province_procedure,
        applicant=CITIZEN,
        receiving_agency=world.centre,
        competent_agency=world.justice,
        assisted_at=world.nha_trang,
        actor=world.reception,
        at=AT,  # Monday 5/1/2026 08:00
    )

    assert dossier.code == "56-260105-0001"
    assert dossier.status == DossierStatus.RECEIVED
    assert (dossier.assisted_at, dossier.receiving_agency, dossier.competent_agency) == (
        world.nha_trang,
        world.centre,
        world.justice,
    )
    assert dossier.procedure_version.number == 1
    # 5 working days from Monday 08:00: Saturday 10/1/2026 08:00, a swapped working day (Tết Dương lịch
    # 2026: Friday 2/1 off, Saturday 10/1 worked - Văn bản 12729/VPCP-KGVX)
    assert dossier.due_at == vn(10, 8) == dossier.original_due_at
    steps = list(dossier.steps.order_by("order").values_list("deadline", "status", "agency__code", "assignee_id"))
    assert steps == [
        (vn(5, 14), StepStatus.ACTIVE, "trung-tam-dich-vu-hanh-chinh-cong-truc-tuyen", world.reception.pk),
        (vn(8, 14), StepStatus.PENDING, "so-tu-phap", None),  # + 24 working hours
        (vn(9, 14), StepStatus.PENDING, "so-tu-phap", None),  # + 8
        (vn(10, 8), StepStatus.PENDING, "trung-tam-dich-vu-hanh-chinh-cong-truc-tuyen", None),  # + 4
    ]
    assert list(dossier.fee_lines.values_list("name", "amount")) == [
        ("Phí cung cấp thông tin lý lịch tư pháp", Decimal(200000))
    ]
    event = AuditEvent.objects.for_target(dossier).get()
    assert (event.action, event.before, event.after["code"]) == ("dossier.receive", None, "56-260105-0001")


def test_codes_run_per_unit_and_per_vietnam_day(world: World) -> None:
    first = receive(world)
    second = receive(world, AT + timedelta(hours=1))
    # 06:30 on 6/1 in Vietnam is still 5/1 in UTC: the code takes the Vietnam date
    next_day = receive(world, vn(6, 6, 30))
    commune = s.dossier_receive_counter(
        procedure=world.commune_procedure,
        applicant=CITIZEN,
        receiving_agency=world.nha_trang,
        competent_agency=world.nha_trang,
        actor=world.commune_officer,
        at=AT,
    )

    assert [first.code, second.code, next_day.code] == ["56-260105-0001", "56-260105-0002", "56-260106-0001"]
    assert commune.code == "22366-260105-0001"
    # received before office hours: the clock starts at 07:00, 5 working days later at 17:00 of the 5th day
    assert next_day.due_at == vn(10, 17)
    # 4 working hours from Monday 08:00 (08:00-11:30 + 13:30-14:00)
    assert commune.due_at == vn(5, 14)
    assert list(commune.fee_lines.values_list("amount", flat=True)) == [Decimal(0)]


def test_reception_across_the_administrative_boundary_is_allowed(world: World) -> None:
    """NĐ 118/2025: a commune's procedure may be received at the province centre."""
    dossier = s.dossier_receive_counter(
        procedure=world.commune_procedure,
        applicant=CITIZEN,
        receiving_agency=world.centre,
        competent_agency=world.nha_trang,
        actor=world.reception,
        at=AT,
    )
    assert dossier.code.startswith("56-")
    assert dossier.steps.get(order=2).agency == world.nha_trang


def test_online_submission_waits_without_code_then_is_received(world: World) -> None:
    dossier = submit(world)
    assert (dossier.status, dossier.code, dossier.due_at, dossier.sync_code) == (DossierStatus.NEW, "", None, 1)
    assert not dossier.steps.exists()

    received = s.dossier_receive(dossier=dossier, actor=world.reception, at=AT + timedelta(hours=2))

    assert received.code == "56-260105-0001"
    assert received.received_by == world.reception
    assert received.due_at == vn(10, 10)
    assert events_for(dossier) == ["dossier.submit", "dossier.receive"]


@pytest.mark.parametrize(
    ("applicant", "message"),
    [
        (s.Applicant("citizen", "Lan", "12345", "0905123456"), "12 chữ số"),
        (s.Applicant("citizen", "  ", "056190001234", "0905123456"), "họ tên"),
        (s.Applicant("organisation", "Công ty A", "056190001234", "0905123456"), "10 chữ số"),
        (s.Applicant("citizen", "Lan", "056190001234", ""), "số điện thoại"),
        (s.Applicant("alien", "Lan", "056190001234", "0905123456"), "Loại người nộp"),
    ],
)
def test_bad_applicant_data_is_refused_and_nothing_is_written(
    world: World, applicant: s.Applicant, message: str
) -> None:
    with pytest.raises(DossierError, match=message) as refused:
        s.dossier_submit_online(
            procedure=world.province_procedure,
            applicant=applicant,
            receiving_agency=world.centre,
            competent_agency=world.justice,
            at=AT,
        )
    assert refused.value.code == DossierErrorCode.INVALID_INPUT
    assert not Dossier.objects.exists()


def test_an_agency_that_is_not_competent_is_refused(world: World) -> None:
    with pytest.raises(DossierError) as refused:
        s.dossier_receive_counter(
            procedure=world.commune_procedure,
            applicant=CITIZEN,
            receiving_agency=world.centre,
            competent_agency=world.justice,
            actor=world.reception,
            at=AT,
        )
    assert refused.value.code == DossierErrorCode.AGENCY_NOT_COMPETENT
    assert not Dossier.objects.exists()


def test_a_procedure_without_a_version_in_force_is_refused(world: World) -> None:
    with pytest.raises(DossierError) as refused:
        submit(world, at=datetime(2025, 11, 1, 8, tzinfo=VN))  # before the catalogue was published
    assert refused.value.code == DossierErrorCode.VERSION_NOT_IN_FORCE


@pytest.mark.parametrize("who", ["outsider", "specialist", "commune_officer"])
def test_only_a_reception_officer_of_the_receiving_agency_receives(world: World, who: str) -> None:
    dossier = submit(world)
    with pytest.raises(DossierError) as refused:
        s.dossier_receive(dossier=dossier, actor=getattr(world, who), at=AT)
    assert refused.value.code == DossierErrorCode.NOT_PERMITTED
    assert "Tiếp nhận tại bộ phận một cửa" in refused.value.message
    dossier.refresh_from_db()
    assert (dossier.status, dossier.code) == (DossierStatus.NEW, "")
    assert events_for(dossier) == ["dossier.submit"]


def test_a_stale_caller_is_told_the_dossier_changed_under_it(world: World) -> None:
    dossier = submit(world)
    stale = Dossier.objects.get(pk=dossier.pk)
    s.dossier_receive(dossier=dossier, actor=world.reception, at=AT)

    with pytest.raises(DossierError, match="vừa được cập nhật") as refused:
        s.dossier_refuse(dossier=stale, actor=world.reception, at=AT, reason="Thiếu giấy tờ")
    assert refused.value.code == DossierErrorCode.INVALID_TRANSITION


# --- steps and hand-overs (form 06) -----------------------------------------------------------------


def test_full_lifecycle_records_every_hand_over(world: World) -> None:
    dossier = receive(world)
    s.dossier_complete_step(dossier=dossier, actor=world.reception, at=vn(5, 10), receiver=world.specialist)
    s.dossier_complete_step(dossier=dossier, actor=world.specialist, at=vn(8, 14), receiver=world.leader)
    s.dossier_mark_processed(dossier=dossier, actor=world.leader, at=vn(9, 16), receiver=world.reception)
    s.dossier_record_payment(
        dossier=dossier,
        actor=world.reception,
        at=vn(10, 7, 30),
        amount=Decimal(200000),
        channel=PaymentChannel.COUNTER,
        receipt_number="BL-0001",
    )
    returned = s.dossier_return_result(dossier=dossier, actor=world.reception, at=vn(10, 7, 45))

    assert returned.status == DossierStatus.RETURNED
    assert returned.sync_code == 10
    assert not returned.is_late
    sheet = list(
        Handover.objects.filter(dossier=dossier)
        .order_by("at")
        .values_list("step__order", "giver__username", "receiver__username", "receiver_agency__code", "outcome")
    )
    assert sheet == [
        (1, "tiepnhan", "chuyenvien", "so-tu-phap", HandoverOutcome.ON_TIME),  # same day, before 14:00
        (2, "chuyenvien", "lanhdao", "so-tu-phap", HandoverOutcome.ON_TIME),  # exactly at the deadline
        (3, "lanhdao", "tiepnhan", "trung-tam-dich-vu-hanh-chinh-cong-truc-tuyen", HandoverOutcome.LATE),
        (4, "tiepnhan", None, None, HandoverOutcome.ON_TIME),  # to the applicant
    ]
    assert set(dossier.steps.values_list("status", flat=True)) == {StepStatus.DONE}
    assert events_for(dossier) == [
        "dossier.receive",
        "dossier.complete_step",
        "dossier.complete_step",
        "dossier.mark_processed",
        "dossier.record_payment",
        "dossier.return_result",
    ]


def test_a_hand_over_on_an_earlier_day_is_early(world: World) -> None:
    dossier = receive(world)
    s.dossier_complete_step(dossier=dossier, actor=world.reception, at=vn(5, 10), receiver=world.specialist)
    handover = s.dossier_complete_step(dossier=dossier, actor=world.specialist, at=vn(6, 9), receiver=world.leader)
    assert handover.outcome == HandoverOutcome.EARLY


def test_the_receiver_must_act_for_the_next_steps_agency(world: World) -> None:
    dossier = receive(world)
    with pytest.raises(DossierError) as refused:
        s.dossier_complete_step(dossier=dossier, actor=world.reception, at=vn(5, 10), receiver=world.commune_officer)
    assert refused.value.code == DossierErrorCode.RECEIVER_NOT_MEMBER
    assert dossier.steps.get(order=1).status == StepStatus.ACTIVE
    assert not Handover.objects.exists()


def test_only_the_steps_agency_completes_it(world: World) -> None:
    dossier = to_status(world, DossierStatus.IN_PROCESS)  # the active step is at Sở Tư pháp
    with pytest.raises(DossierError) as refused:
        s.dossier_complete_step(dossier=dossier, actor=world.reception, at=vn(5, 11))
    assert refused.value.code == DossierErrorCode.NOT_PERMITTED


def test_processing_after_the_appointment_is_late(world: World) -> None:
    dossier = to_status(world, DossierStatus.IN_PROCESS)
    processed = s.dossier_mark_processed(dossier=dossier, actor=world.specialist, at=vn(12, 9))
    assert processed.is_late
    assert processed.processed_at == vn(12, 9)


# --- supplements: the paused clock and the "only once" rule ---------------------------------------


def test_a_supplement_pauses_the_clock_and_moves_every_open_deadline(world: World) -> None:
    dossier = to_status(world, DossierStatus.IN_PROCESS)
    deadlines = dict(dossier.steps.values_list("order", "deadline"))

    paused = s.dossier_request_supplement(dossier=dossier, actor=world.specialist, at=vn(6, 10), reason="Bản sao CCCD")
    assert (paused.status, paused.sync_code, paused.resume_status) == (
        DossierStatus.SUPPLEMENT_REQUESTED,
        5,
        DossierStatus.IN_PROCESS,
    )
    resumed = s.dossier_resubmit_supplement(dossier=dossier, actor=None, at=vn(8, 10))  # 2 working days later

    assert resumed.status == DossierStatus.IN_PROCESS
    assert resumed.paused_seconds == 2 * 8 * 3600
    assert resumed.due_at == vn(13, 8)  # Saturday 10/1 08:00 (a working day) + 2 working days
    assert resumed.original_due_at == vn(10, 8)
    moved = dict(dossier.steps.values_list("order", "deadline"))
    assert moved[1] == deadlines[1]  # done before the request: unchanged
    assert moved[2] == vn(10, 14)  # Thursday 8/1 14:00 + 2 working days (Friday, the working Saturday)
    request = dossier.supplements.get()
    assert (request.resumed_at, request.paused_seconds) == (vn(8, 10), 57600)
    assert not resumed.is_late


def test_a_second_supplement_request_marks_the_dossier_late(world: World) -> None:
    dossier = to_status(world, DossierStatus.IN_PROCESS)
    s.dossier_request_supplement(dossier=dossier, actor=world.specialist, at=vn(5, 10), reason="Tờ khai")
    s.dossier_resubmit_supplement(dossier=dossier, actor=world.reception, at=vn(5, 11))
    again = s.dossier_request_supplement(dossier=dossier, actor=world.specialist, at=vn(5, 14), reason="Ảnh")

    assert again.supplement_count == 2
    assert again.is_late
    s.dossier_resubmit_supplement(dossier=dossier, actor=None, at=vn(5, 15))
    processed = s.dossier_mark_processed(dossier=dossier, actor=world.specialist, at=vn(6, 8))
    assert processed.is_late  # early by the date, late by the rule


# --- fees and payments ----------------------------------------------------------------------------


def test_financial_obligation_is_resolved_by_payment_in_full(world: World) -> None:
    dossier = to_status(world, DossierStatus.IN_PROCESS)
    requested = s.dossier_request_financial_obligation(dossier=dossier, actor=world.specialist, at=vn(5, 11))
    assert (requested.status, requested.sync_code) == (DossierStatus.FINANCIAL_OBLIGATION_REQUESTED, 6)

    s.dossier_record_payment(
        dossier=dossier,
        actor=None,
        at=vn(5, 13),
        amount=Decimal(50000),
        channel=PaymentChannel.ONLINE_GATEWAY,
        receipt_number="GW-1",
    )
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.FINANCIAL_OBLIGATION_REQUESTED  # 150,000 still due

    with pytest.raises(DossierError) as duplicate:
        s.dossier_record_payment(
            dossier=dossier,
            actor=None,
            at=vn(5, 14),
            amount=Decimal(50000),
            channel=PaymentChannel.ONLINE_GATEWAY,
            receipt_number="GW-1",
        )
    assert duplicate.value.code == DossierErrorCode.DUPLICATE_RECEIPT

    s.dossier_record_payment(
        dossier=dossier,
        actor=world.reception,
        at=vn(5, 15),
        amount=Decimal(150000),
        channel=PaymentChannel.BANK_TRANSFER,
        receipt_number="CK-7",
    )
    dossier.refresh_from_db()
    assert (dossier.status, dossier.resume_status) == (DossierStatus.IN_PROCESS, "")
    assert sorted(dossier.payments.values_list("receipt_number", "channel")) == [
        ("CK-7", PaymentChannel.BANK_TRANSFER),
        ("GW-1", PaymentChannel.ONLINE_GATEWAY),
    ]


def test_a_counter_payment_needs_an_officer(world: World) -> None:
    dossier = to_status(world, DossierStatus.IN_PROCESS)
    with pytest.raises(DossierError) as refused:
        s.dossier_record_payment(
            dossier=dossier,
            actor=None,
            at=vn(5, 13),
            amount=Decimal(1000),
            channel=PaymentChannel.COUNTER,
            receipt_number="BL-1",
        )
    assert refused.value.code == DossierErrorCode.NOT_PERMITTED
    assert not dossier.payments.exists()


def test_the_result_is_not_returned_while_fees_are_unpaid(world: World) -> None:
    dossier = to_status(world, DossierStatus.PROCESSED)
    with pytest.raises(DossierError, match="200.000 đồng") as refused:
        s.dossier_return_result(dossier=dossier, actor=world.reception, at=vn(12, 7, 30))
    assert refused.value.code == DossierErrorCode.FEES_UNPAID
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.PROCESSED


def test_a_case_dependent_fee_must_be_fixed_before_it_is_requested(world: World) -> None:
    dossier = s.dossier_receive_counter(
        procedure=world.commune_procedure,
        applicant=CITIZEN,
        receiving_agency=world.nha_trang,
        competent_agency=world.nha_trang,
        actor=world.commune_officer,
        at=AT,
    )
    with pytest.raises(DossierError, match="không còn khoản"):
        s.dossier_request_financial_obligation(dossier=dossier, actor=world.commune_officer, at=vn(5, 9))
    requested = s.dossier_request_financial_obligation(
        dossier=dossier, actor=world.commune_officer, at=vn(5, 9), amounts={1: Decimal(8000)}
    )
    assert requested.status == DossierStatus.FINANCIAL_OBLIGATION_REQUESTED
    assert dossier.fee_lines.get().amount == Decimal(8000)


# --- extension, stop, withdrawal, refusal -----------------------------------------------------------


def test_apology_and_extension_needs_a_later_appointment(world: World) -> None:
    dossier = to_status(world, DossierStatus.IN_PROCESS)
    with pytest.raises(DossierError) as refused:
        s.dossier_apologise_extend(dossier=dossier, actor=world.leader, at=vn(9, 9), new_due_at=vn(10, 8), reason="x")
    assert refused.value.code == DossierErrorCode.EXTENSION_NOT_LATER

    extension = s.dossier_apologise_extend(
        dossier=dossier, actor=world.leader, at=vn(9, 9), new_due_at=vn(15, 17), reason="Chờ kết quả xác minh"
    )
    dossier.refresh_from_db()
    assert (extension.previous_due_at, extension.new_due_at) == (vn(10, 8), vn(15, 17))
    # the applicant holds the new appointment; the statutory one and the slip's stay
    assert (dossier.due_at, dossier.statutory_due_at, dossier.original_due_at) == (vn(15, 17), vn(10, 8), vn(10, 8))


def test_an_extended_dossier_finished_after_the_statutory_appointment_is_late(world: World) -> None:
    # legal: NĐ 61/2018 Điều 19 as amended: the apology gives a new appointment, the dossier still
    # counts as late (QĐ 766)
    dossier = to_status(world, DossierStatus.IN_PROCESS)
    s.dossier_apologise_extend(
        dossier=dossier, actor=world.leader, at=vn(9, 9), new_due_at=vn(15, 17), reason="Chờ kết quả xác minh"
    )
    processed = s.dossier_mark_processed(dossier=dossier, actor=world.specialist, at=vn(14, 9))
    assert processed.is_late
    assert processed.due_at == vn(15, 17)


def test_an_extended_dossier_finished_by_the_statutory_appointment_is_on_time(world: World) -> None:
    dossier = to_status(world, DossierStatus.IN_PROCESS)
    s.dossier_apologise_extend(dossier=dossier, actor=world.leader, at=vn(6, 9), new_due_at=vn(15, 17), reason="x")
    processed = s.dossier_mark_processed(dossier=dossier, actor=world.specialist, at=vn(9, 16))
    assert not processed.is_late


def test_an_extension_is_refused_on_the_deadline_s_day_and_after(world: World) -> None:
    # legal: the apology is sent at the latest one day before the deadline's day (due 08:00 on the 10th)
    dossier = to_status(world, DossierStatus.IN_PROCESS)
    for at in (vn(10, 7), vn(10, 9), vn(12, 9)):
        with pytest.raises(DossierError) as refused:
            s.dossier_apologise_extend(dossier=dossier, actor=world.leader, at=at, new_due_at=vn(20, 17), reason="x")
        assert refused.value.code == DossierErrorCode.EXTENSION_TOO_LATE
        assert "chậm nhất 1 ngày trước ngày hết hạn" in refused.value.message
    dossier.refresh_from_db()
    assert (dossier.due_at, dossier.extensions.count()) == (vn(10, 8), 0)
    assert "dossier.apologise_extend" not in events_for(dossier)


def test_the_extension_lead_is_a_setting(world: World, settings) -> None:
    settings.CCHC_EXTENSION_LEAD_DAYS = 0
    dossier = to_status(world, DossierStatus.IN_PROCESS)
    with pytest.raises(DossierError) as refused:
        s.dossier_apologise_extend(dossier=dossier, actor=world.leader, at=vn(10, 9), new_due_at=vn(20, 17), reason="x")
    assert refused.value.code == DossierErrorCode.EXTENSION_TOO_LATE
    s.dossier_apologise_extend(dossier=dossier, actor=world.leader, at=vn(10, 7), new_due_at=vn(20, 17), reason="x")


def test_a_second_extension_is_refused(world: World) -> None:
    # legal: the appointment is given again no more than once
    dossier = to_status(world, DossierStatus.IN_PROCESS)
    s.dossier_apologise_extend(dossier=dossier, actor=world.leader, at=vn(6, 9), new_due_at=vn(15, 17), reason="x")
    with pytest.raises(DossierError) as refused:
        s.dossier_apologise_extend(dossier=dossier, actor=world.leader, at=vn(7, 9), new_due_at=vn(20, 17), reason="y")
    assert refused.value.code == DossierErrorCode.EXTENSION_REPEATED
    assert "không quá một lần" in refused.value.message
    dossier.refresh_from_db()
    assert (dossier.due_at, dossier.extensions.count()) == (vn(15, 17), 1)


def test_a_supplement_after_an_extension_moves_both_appointments(world: World) -> None:
    dossier = to_status(world, DossierStatus.IN_PROCESS)
    s.dossier_apologise_extend(dossier=dossier, actor=world.leader, at=vn(6, 9), new_due_at=vn(15, 17), reason="x")
    s.dossier_request_supplement(dossier=dossier, actor=world.specialist, at=vn(7, 9), reason="Bổ sung tờ khai")
    resumed = s.dossier_resubmit_supplement(dossier=dossier, actor=None, at=vn(7, 11))
    assert resumed.due_at > vn(15, 17)
    assert resumed.statutory_due_at > vn(10, 8)
    assert resumed.original_due_at == vn(10, 8)


def test_a_dossier_stopped_after_an_unanswered_supplement_request_ended_at_the_request(world: World) -> None:
    # legal (QĐ 766 as the portal applies it, domain-vn §1.5): the request, not the later stop, ends it
    dossier = to_status(world, DossierStatus.IN_PROCESS)  # due 08:00 on the 10th
    s.dossier_request_supplement(dossier=dossier, actor=world.specialist, at=vn(6, 9), reason="Bổ sung tờ khai")
    stopped = s.dossier_stop(dossier=dossier, actor=world.leader, at=vn(26, 9), reason="Không bổ sung hồ sơ")
    assert (stopped.status, stopped.ended_at) == (DossierStatus.STOPPED, vn(26, 9))
    assert not stopped.is_late
    # a dossier stopped while being worked on past its appointment is late
    other = to_status(world, DossierStatus.IN_PROCESS)
    assert s.dossier_stop(dossier=other, actor=world.leader, at=vn(26, 9), reason="Trùng hồ sơ").is_late


def test_the_desk_asks_to_complete_an_online_dossier_before_reception(world: World) -> None:
    # legal: NĐ 118/2025 Điều 16, form 02 of TT 03/2025: asked at the desk, the clock has not started
    dossier = submit(world)
    with pytest.raises(DossierError) as refused:  # only the receiving desk asks before reception
        s.dossier_request_supplement(dossier=dossier, actor=world.specialist, at=vn(5, 9), reason="Bổ sung")
    assert refused.value.code == DossierErrorCode.NOT_PERMITTED
    waiting = s.dossier_request_supplement(
        dossier=dossier, actor=world.reception, at=vn(5, 9), reason="Bổ sung bản chụp căn cước"
    )
    assert (waiting.status, waiting.code, waiting.due_at, waiting.received_at) == (
        DossierStatus.SUPPLEMENT_REQUESTED,
        "",
        None,
        None,
    )
    assert waiting.supplement_count == 0  # not a supplement request of processing (QĐ 766)
    assert waiting.supplements.get().before_reception
    # the applicant completes it online: back to the desk's queue as new, nothing paused
    back = s.dossier_resubmit_supplement(dossier=dossier, actor=None, at=vn(7, 10))
    assert (back.status, back.paused_seconds, back.due_at) == (DossierStatus.NEW, 0, None)
    # received later: the clock starts at reception, one later supplement request is not "twice"
    received = s.dossier_receive(dossier=dossier, actor=world.reception, at=vn(8, 8))
    assert received.due_at == received.statutory_due_at == received.original_due_at
    s.dossier_request_supplement(dossier=dossier, actor=world.specialist, at=vn(8, 9), reason="Bổ sung tờ khai")
    dossier.refresh_from_db()
    assert (dossier.supplement_count, dossier.is_late) == (1, False)
    assert events_for(dossier) == [
        "dossier.submit",
        "dossier.request_supplement",
        "dossier.resubmit_supplement",
        "dossier.receive",
        "dossier.request_supplement",
    ]


def test_a_dossier_waiting_before_reception_is_refused_not_stopped(world: World) -> None:
    dossier = submit(world)
    s.dossier_request_supplement(dossier=dossier, actor=world.reception, at=vn(5, 9), reason="Bổ sung")
    with pytest.raises(DossierError) as refused:
        s.dossier_stop(dossier=dossier, actor=world.leader, at=vn(20, 9), reason="Không bổ sung")
    assert refused.value.code == DossierErrorCode.INVALID_TRANSITION
    closed = s.dossier_refuse(dossier=dossier, actor=world.reception, at=vn(20, 9), reason="Không bổ sung hồ sơ")
    assert (closed.status, closed.received_at) == (DossierStatus.REFUSED, None)


def test_stop_needs_a_reason_and_closes_the_steps(world: World) -> None:
    dossier = to_status(world, DossierStatus.IN_PROCESS)
    with pytest.raises(DossierError) as refused:
        s.dossier_stop(dossier=dossier, actor=world.leader, at=vn(6, 9), reason="  ")
    assert refused.value.code == DossierErrorCode.INVALID_INPUT

    stopped = s.dossier_stop(dossier=dossier, actor=world.leader, at=vn(6, 9), reason="Trùng hồ sơ đã giải quyết")
    assert (stopped.status, stopped.sync_code, stopped.end_reason) == (
        DossierStatus.STOPPED,
        8,
        "Trùng hồ sơ đã giải quyết",
    )
    assert not DossierStep.objects.filter(dossier=dossier, status__in=[StepStatus.ACTIVE, StepStatus.PENDING]).exists()


def test_withdrawal_and_refusal_end_the_dossier(world: World) -> None:
    withdrawn = s.dossier_withdraw(dossier=receive(world), actor=None, at=vn(5, 9), reason="Không còn nhu cầu")
    refused = s.dossier_refuse(dossier=submit(world), actor=world.reception, at=vn(5, 9), reason="Sai thẩm quyền")
    assert (withdrawn.status, withdrawn.sync_code, withdrawn.ended_at) == (DossierStatus.WITHDRAWN, 7, vn(5, 9))
    assert (refused.status, refused.sync_code, refused.code) == (DossierStatus.REFUSED, 3, "")
    with pytest.raises(DossierError, match="lý do"):
        s.dossier_refuse(dossier=submit(world), actor=world.reception, at=vn(5, 9), reason="")


def test_naive_datetimes_are_refused(world: World) -> None:
    with pytest.raises(DossierError, match="múi giờ"):
        submit(world, at=datetime(2026, 1, 5, 8))  # noqa: DTZ001 - the point of the test
