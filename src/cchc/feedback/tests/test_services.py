"""Services of citizen feedback: every transition, the working-day deadlines, and refusals that change nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.audit.models import AuditEvent
from cchc.common.tests.files import pdf_bytes
from cchc.dossiers.tests.conftest import VN
from cchc.feedback import services as s
from cchc.feedback.codes import lookup_code_hash
from cchc.feedback.constants import (
    EVENT_REJECTED,
    EVENT_SUBMITTED,
    Classification,
    FeedbackErrorCode,
    FeedbackStatus,
    RatingLevel,
)
from cchc.feedback.models import Feedback
from cchc.feedback.tests.conftest import (
    ANSWER,
    AT,
    CITIZEN,
    CONTENT,
    SUBJECT,
    FeedbackWorld,
    dossier_with_code,
    file,
    to_published,
)
from cchc.outbox.models import OutboxEvent

pytestmark = pytest.mark.django_db


def _state(fb: Feedback) -> dict[str, Any]:
    fb.refresh_from_db()
    return {f.attname: getattr(fb, f.attname) for f in Feedback._meta.concrete_fields if f.attname != "answer_file"}


def _events() -> int:
    return AuditEvent.objects.count()


def _refused(code: FeedbackErrorCode, call: Any) -> None:
    with pytest.raises(s.FeedbackError) as info:
        call()
    assert info.value.code == code
    assert info.value.message


# --- submission ---------------------------------------------------------------------------------------


def test_submit_gives_gapless_daily_codes_a_lookup_code_and_deadlines_across_the_weekend(fw: FeedbackWorld) -> None:
    # given Monday 5/1/2026 08:00; Saturday 10/1/2026 is a working day (swapped for Friday 2/1,
    # Văn bản 12729/VPCP-KGVX), Sunday 11/1 is not
    events = _events()
    # when two citizens file that day and one the next day
    result = s.feedback_submit(submitter=CITIZEN, subject=SUBJECT, content=CONTENT, agency=fw.justice, at=AT)
    second = file(fw, AT + timedelta(hours=2))
    next_day = file(fw, AT + timedelta(days=1))
    # then
    fb = result.feedback
    assert [fb.code, second.code, next_day.code] == ["PA-260105-0001", "PA-260105-0002", "PA-260106-0001"]
    assert fb.status == FeedbackStatus.RECEIVED
    assert fb.submitter_phone == "0905123456"
    assert len(result.lookup_code) == 8
    assert fb.lookup_key_hash == lookup_code_hash(result.lookup_code) != result.lookup_code
    assert fb.reject_due_at == datetime(2026, 1, 7, 8, 0, tzinfo=VN)  # Mon + 2 working days
    assert fb.info_due_at == datetime(2026, 1, 10, 8, 0, tzinfo=VN)  # + 5: the swapped working Saturday
    assert fb.answer_due_at == datetime(2026, 1, 23, 8, 0, tzinfo=VN)  # + 15: Sundays and two Saturdays off
    assert fb.publish_due_at is None
    assert _events() == events + 3
    event = AuditEvent.objects.order_by("-sequence")[2]
    assert (event.action, event.target_id, event.actor_id) == ("feedback.submit", str(fb.pk), None)


def test_deadlines_skip_the_lunar_new_year_holidays(fw: FeedbackWorld) -> None:
    # given Friday 13/2/2026 10:00, the last working day before Tết (16-20/2/2026 off)
    at = datetime(2026, 2, 13, 10, 0, tzinfo=VN)
    # when
    fb = file(fw, at)
    # then the clock resumes on Monday 23/2
    assert fb.reject_due_at == datetime(2026, 2, 24, 10, 0, tzinfo=VN)
    assert fb.info_due_at == datetime(2026, 2, 27, 10, 0, tzinfo=VN)
    assert fb.answer_due_at == datetime(2026, 3, 13, 10, 0, tzinfo=VN)


def test_submit_outside_office_hours_starts_the_clock_at_the_next_working_moment(fw: FeedbackWorld) -> None:
    # given Saturday 17/1/2026 21:00
    fb = file(fw, datetime(2026, 1, 17, 21, 0, tzinfo=VN))
    # then 2 working days from Monday 07:00 run out on Tuesday 17:00
    assert fb.reject_due_at == datetime(2026, 1, 20, 17, 0, tzinfo=VN)


def test_submit_with_a_dossier_code_takes_the_dossiers_competent_agency(fw: FeedbackWorld) -> None:
    # given a received dossier of Sở Tư pháp
    dossier = dossier_with_code(fw)
    # when the citizen names it without choosing an agency
    fb = file(fw, agency=None, dossier_code=f" {dossier.code} ")
    # then
    assert fb.dossier_id == dossier.pk
    assert fb.agency_id == dossier.competent_agency_id == fw.justice.pk


def test_a_feedback_about_a_dossier_writes_the_events_the_indicator_rollups_follow(fw: FeedbackWorld) -> None:
    # given a received dossier and a feedback about nothing in particular
    dossier = dossier_with_code(fw)
    head = OutboxEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    file(fw)
    # when a feedback names the dossier, and is then refused as inadmissible
    fb = file(fw, agency=None, dossier_code=dossier.code)
    s.feedback_reject(feedback=fb, actor=fw.officer, reason="Không thuộc phạm vi Nghị định 20/2008", at=AT)
    # then each write that changes the dossier's 5.4 facts wrote its event, naming the dossier; the
    # feedback about nothing wrote none
    events = OutboxEvent.objects.filter(pk__gt=head).exclude(topic__startswith="dossier.").order_by("pk")
    assert [(e.topic, e.stream, e.payload["dossier_id"], e.payload["code"]) for e in events] == [
        (EVENT_SUBMITTED, f"feedback:{fb.pk}", dossier.pk, fb.code),
        (EVENT_REJECTED, f"feedback:{fb.pk}", dossier.pk, fb.code),
    ]


def test_a_chosen_agency_wins_over_the_dossiers(fw: FeedbackWorld) -> None:
    dossier = dossier_with_code(fw)
    fb = file(fw, agency=fw.nha_trang, dossier_code=dossier.code)
    assert (fb.agency_id, fb.dossier_id) == (fw.nha_trang.pk, dossier.pk)


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"dossier_code": "56-260105-9999"}, FeedbackErrorCode.DOSSIER_NOT_FOUND),
        ({"agency": None}, FeedbackErrorCode.INVALID_INPUT),
        ({"submitter": s.Submitter(name="An", phone="12345")}, FeedbackErrorCode.INVALID_INPUT),
        ({"submitter": s.Submitter(name="  ", phone="0905123456")}, FeedbackErrorCode.INVALID_INPUT),
        ({"submitter": s.Submitter(name="An", phone="0905123456", email="an@")}, FeedbackErrorCode.INVALID_INPUT),
        ({"submitter": s.Submitter(name="An", phone="0905123456", id_number="123")}, FeedbackErrorCode.INVALID_INPUT),
        ({"subject": "Ôi"}, FeedbackErrorCode.INVALID_INPUT),
        ({"content": "Quá ngắn"}, FeedbackErrorCode.INVALID_INPUT),
        ({"previous_code": "PA-250101-0001"}, FeedbackErrorCode.PREVIOUS_NOT_FOUND),
        ({"at": datetime(2026, 1, 5, 8, 0)}, FeedbackErrorCode.INVALID_INPUT),  # noqa: DTZ001 - naive on purpose
    ],
)
def test_bad_submissions_are_refused_and_change_nothing(fw: FeedbackWorld, kwargs: dict[str, Any], code: str) -> None:
    # given
    before, events = Feedback.objects.count(), _events()
    # when / then
    _refused(code, lambda: file(fw, **kwargs))
    assert (Feedback.objects.count(), _events()) == (before, events)
    # and the day's number was not used up
    assert file(fw).code == "PA-260105-0001"


def test_a_re_raise_links_the_earlier_feedback_of_the_same_phone_only(fw: FeedbackWorld) -> None:
    # given a published feedback
    first = to_published(fw)
    # when another person names it
    _refused(
        FeedbackErrorCode.PREVIOUS_NOT_FOUND,
        lambda: file(fw, submitter=s.Submitter(name="Khác", phone="0911000111"), previous_code=first.code),
    )
    # and the same citizen raises it again (lower-case code, no agency: taken from the earlier one)
    again = file(fw, AT + timedelta(days=5), agency=None, previous_code=first.code.lower())
    # then
    assert again.reraise_of_id == first.pk
    assert again.agency_id == first.agency_id


# --- the staff's path -----------------------------------------------------------------------------------


def test_assign_answer_publish_and_rate_each_write_one_audit_event(fw: FeedbackWorld) -> None:
    # given
    fb = file(fw)
    events = _events()
    # when classified and assigned to the officer
    fb = s.feedback_assign(
        feedback=fb,
        actor=fw.officer,
        classification=Classification.STAFF,
        assignee=fw.base.leader,
        at=AT + timedelta(hours=1),
    )
    assert (fb.status, fb.classification, fb.assignee_id) == (FeedbackStatus.ASSIGNED, "staff", fw.base.leader.pk)
    # and answered with a signed PDF on Thursday 8/1 at 15:00
    answered_at = datetime(2026, 1, 8, 15, 0, tzinfo=VN)
    content = pdf_bytes()
    pdf = SimpleUploadedFile("cong-van-tra-loi.pdf", content, content_type="application/pdf")
    fb = s.feedback_answer(feedback=fb, actor=fw.officer, answer=ANSWER, file=pdf, at=answered_at)
    assert fb.status == FeedbackStatus.ANSWERED
    assert fb.answered_at == answered_at
    assert fb.publish_due_at == datetime(2026, 1, 10, 15, 0, tzinfo=VN)  # Thu + 2 working days: swapped Saturday
    assert (fb.answer_file_name, fb.answer_file_type) == ("cong-van-tra-loi.pdf", "application/pdf")
    assert fb.answer_file.name == f"feedback/{fb.code}/tra-loi.pdf"
    with fb.answer_file.open("rb") as stored:
        assert stored.read() == content
    # and published the next morning, then rated by the citizen
    fb = s.feedback_publish(feedback=fb, actor=fw.officer, at=datetime(2026, 1, 9, 8, 0, tzinfo=VN))
    assert fb.status == FeedbackStatus.PUBLISHED
    fb = s.feedback_rate(
        feedback=fb, level=RatingLevel.DISSATISFIED, comment="Trả lời chung chung", at=AT + timedelta(days=5)
    )
    # then
    fb.refresh_from_db()
    assert (fb.rating, fb.rating_comment) == ("dissatisfied", "Trả lời chung chung")
    actions = list(AuditEvent.objects.filter(sequence__gt=0).order_by("-sequence").values_list("action", flat=True)[:4])
    assert actions == ["feedback.rate", "feedback.publish", "feedback.answer", "feedback.assign"]
    assert _events() == events + 4


def test_the_officer_becomes_the_assignee_when_answering_unassigned_feedback(fw: FeedbackWorld) -> None:
    fb = s.feedback_assign(feedback=file(fw), actor=fw.officer, classification="regulation", at=AT)
    fb = s.feedback_answer(feedback=fb, actor=fw.officer, answer=ANSWER, at=AT + timedelta(hours=2))
    assert fb.assignee_id == fw.officer.pk


def test_reject_within_two_working_days(fw: FeedbackWorld) -> None:
    # given
    fb = file(fw)
    # when
    fb = s.feedback_reject(
        feedback=fb, actor=fw.officer, reason="Không thuộc phạm vi Nghị định 20/2008", at=AT + timedelta(days=1)
    )
    # then
    fb.refresh_from_db()
    assert fb.status == FeedbackStatus.REJECTED
    assert fb.reject_reason == "Không thuộc phạm vi Nghị định 20/2008"
    assert fb.rejected_at <= fb.reject_due_at


def test_request_info_pauses_the_answer_clock_and_resubmission_restarts_it(fw: FeedbackWorld) -> None:
    # given
    fb = file(fw)
    # when more information is asked for on Tuesday ...
    fb = s.feedback_request_info(
        feedback=fb, actor=fw.officer, request="Cho biết số hồ sơ và ngày nộp", at=AT + timedelta(days=1)
    )
    assert (fb.status, fb.answer_due_at) == (FeedbackStatus.INFO_REQUESTED, None)
    # ... and the citizen adds it on Friday 9/1 at 10:00
    resubmitted_at = datetime(2026, 1, 9, 10, 0, tzinfo=VN)
    fb = s.feedback_resubmit(feedback=fb, information="Hồ sơ 56-260105-0001, nộp ngày 5/1", at=resubmitted_at)
    # then the deadlines run again from the resubmission
    assert fb.status == FeedbackStatus.RESUBMITTED
    assert fb.reject_due_at == datetime(2026, 1, 12, 10, 0, tzinfo=VN)  # Sat 10/1 worked, Sun 11/1 not
    assert fb.answer_due_at == datetime(2026, 1, 29, 10, 0, tzinfo=VN)
    # and it can be assigned (or rejected) but not asked again
    _refused(
        FeedbackErrorCode.INVALID_TRANSITION,
        lambda: s.feedback_request_info(feedback=fb, actor=fw.officer, request="Lại nữa", at=resubmitted_at),
    )
    fb = s.feedback_assign(feedback=fb, actor=fw.officer, classification="regulation", at=resubmitted_at)
    assert fb.status == FeedbackStatus.ASSIGNED


def test_assign_may_transfer_to_another_agency_with_an_officer_there(fw: FeedbackWorld) -> None:
    # given
    fb = file(fw)
    # when an officer not at the target agency is named: refused, nothing changed
    before = _state(fb)
    _refused(
        FeedbackErrorCode.INVALID_INPUT,
        lambda: s.feedback_assign(
            feedback=fb, actor=fw.officer, classification="staff", agency=fw.nha_trang, assignee=fw.officer, at=AT
        ),
    )
    assert _state(fb) == before
    # when the commune's officer is named
    fb = s.feedback_assign(
        feedback=fb,
        actor=fw.officer,
        classification="staff",
        agency=fw.nha_trang,
        assignee=fw.base.commune_officer,
        at=AT,
    )
    # then the deadlines keep running from the reception
    assert (fb.agency_id, fb.assignee_id) == (fw.nha_trang.pk, fw.base.commune_officer.pk)
    assert fb.answer_due_at == datetime(2026, 1, 23, 8, 0, tzinfo=VN)


# --- refusals -----------------------------------------------------------------------------------------


def test_an_officer_of_another_agency_may_not_act_but_the_control_unit_may(fw: FeedbackWorld) -> None:
    # given feedback about Sở Tư pháp
    fb = file(fw)
    before, events = _state(fb), _events()
    # when the commune officer and an outsider try
    for actor in (fw.base.commune_officer, fw.outsider):
        _refused(
            FeedbackErrorCode.NOT_PERMITTED,
            lambda actor=actor: s.feedback_reject(feedback=fb, actor=actor, reason="Không rõ nội dung", at=AT),
        )
    # then nothing changed
    assert (_state(fb), _events()) == (before, events)
    # and the TTHC control unit's officer may
    fb = s.feedback_assign(feedback=fb, actor=fw.control_officer, classification="other", at=AT)
    assert fb.status == FeedbackStatus.ASSIGNED


@pytest.mark.parametrize(
    ("status", "call"),
    [
        ("assigned", lambda fw, fb: s.feedback_reject(feedback=fb, actor=fw.officer, reason="Lý do gì đó", at=AT)),
        ("received", lambda fw, fb: s.feedback_answer(feedback=fb, actor=fw.officer, answer=ANSWER, at=AT)),
        ("received", lambda fw, fb: s.feedback_publish(feedback=fb, actor=fw.officer, at=AT)),
        ("received", lambda fw, fb: s.feedback_resubmit(feedback=fb, information="Thông tin thêm", at=AT)),
        ("received", lambda fw, fb: s.feedback_rate(feedback=fb, level="satisfied", at=AT)),
        ("published", lambda fw, fb: s.feedback_assign(feedback=fb, actor=fw.officer, classification="other", at=AT)),
        ("rejected", lambda fw, fb: s.feedback_publish(feedback=fb, actor=fw.officer, at=AT)),
    ],
)
def test_wrong_state_is_refused_with_a_stable_code_and_changes_nothing(
    fw: FeedbackWorld, status: str, call: Any
) -> None:
    # given
    if status == "published":
        fb = to_published(fw)
    else:
        fb = file(fw)
        if status == "assigned":
            fb = s.feedback_assign(feedback=fb, actor=fw.officer, classification="other", at=AT)
        elif status == "rejected":
            fb = s.feedback_reject(feedback=fb, actor=fw.officer, reason="Nội dung không rõ", at=AT)
    before, events = _state(fb), _events()
    # when / then
    _refused(FeedbackErrorCode.INVALID_TRANSITION, lambda: call(fw, fb))
    assert (_state(fb), _events()) == (before, events)


def test_rating_twice_is_refused(fw: FeedbackWorld) -> None:
    fb = to_published(fw)
    s.feedback_rate(feedback=fb, level=RatingLevel.SATISFIED, at=AT + timedelta(days=3))
    before = _state(fb)
    _refused(
        FeedbackErrorCode.ALREADY_RATED,
        lambda: s.feedback_rate(feedback=fb, level=RatingLevel.DISSATISFIED, at=AT + timedelta(days=4)),
    )
    _refused(FeedbackErrorCode.INVALID_INPUT, lambda: s.feedback_rate(feedback=fb, level="rat-hai-long", at=AT))
    assert _state(fb) == before


def test_a_disguised_answer_file_is_refused_and_nothing_is_stored(fw: FeedbackWorld, media_root: Any) -> None:
    # given
    fb = s.feedback_assign(feedback=file(fw), actor=fw.officer, classification="other", at=AT)
    before, events = _state(fb), _events()
    exe = SimpleUploadedFile("tra-loi.pdf", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf")
    # when / then
    _refused(
        FeedbackErrorCode.UPLOAD_TYPE_NOT_ALLOWED,
        lambda: s.feedback_answer(feedback=fb, actor=fw.officer, answer=ANSWER, file=exe, at=AT),
    )
    _refused(
        FeedbackErrorCode.INVALID_INPUT,
        lambda: s.feedback_answer(feedback=fb, actor=fw.officer, answer="Ngắn", at=AT),
    )
    assert (_state(fb), _events()) == (before, events)
    assert not any(p.is_file() for p in media_root.rglob("*"))


def test_empty_reasons_are_refused(fw: FeedbackWorld) -> None:
    fb = file(fw)
    before = _state(fb)
    _refused(
        FeedbackErrorCode.INVALID_INPUT, lambda: s.feedback_reject(feedback=fb, actor=fw.officer, reason="  ", at=AT)
    )
    _refused(
        FeedbackErrorCode.INVALID_INPUT,
        lambda: s.feedback_request_info(feedback=fb, actor=fw.officer, request="", at=AT),
    )
    _refused(
        FeedbackErrorCode.INVALID_INPUT,
        lambda: s.feedback_assign(feedback=fb, actor=fw.officer, classification="x", at=AT),
    )
    assert _state(fb) == before


def test_content_keeps_its_line_breaks(fw: FeedbackWorld) -> None:
    fb = file(fw, content="Dòng thứ nhất của phản ánh.\nDòng thứ hai của phản ánh.")
    assert fb.content == "Dòng thứ nhất của phản ánh.\nDòng thứ hai của phản ánh."
