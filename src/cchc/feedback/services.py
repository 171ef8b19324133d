"""Writes of citizen feedback (phản ánh, kiến nghị): one service per transition of :data:`TRANSITIONS`.

Every service ``feedback_<verb>(*, feedback, ..., at)``:

- checks its input first, then runs in one transaction and locks the feedback row
  (``select_for_update``), so two officers acting at once take turns and the second sees the status
  the first left;
- checks the locked status against the transition table and refuses with
  ``FeedbackError(feedback.invalid_transition)`` (HTTP 409) otherwise;
- for staff actions, checks the officer may act for the feedback's agency on the day of ``at``
  (a membership there, or at the province's TTHC control unit, by default Văn phòng UBND tỉnh;
  :func:`cchc.feedback.selectors.feedback_staff_scope`);
- writes exactly one audit event (``feedback.<action>``) with the state before and after;
- changes nothing when it refuses (every check runs before the first write).

Legal basis: Nghị định 20/2008/NĐ-CP on receiving and handling feedback and petitions about
administrative regulations (amended by NĐ 92/2017/NĐ-CP): the agency receives, classifies, may refuse
with a reason or ask for more information, answers and makes the answer public; the stage deadlines
are the ones QĐ 766/QĐ-TTg indicator 5.2 measures (see ``cchc.feedback.timeliness``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from cchc.accounts.constants import Area
from cchc.accounts.selectors import membership_roles_held
from cchc.audit.services import audit_record, audit_snapshot
from cchc.calendars.selectors import working_calendar
from cchc.common.numbers import vi_number
from cchc.common.text import fold, normalize_spaces
from cchc.common.uploads import FileRejected, file_check
from cchc.dossiers.models import Dossier
from cchc.feedback.codes import feedback_code_next, lookup_code_hash, lookup_code_new, reception_day
from cchc.feedback.constants import (
    EVENT_ANSWERED,
    EVENT_REJECTED,
    EVENT_SUBMITTED,
    TRANSITIONS,
    Action,
    Classification,
    Deadline,
    FeedbackError,
    FeedbackErrorCode,
    FeedbackStatus,
    RatingLevel,
)
from cchc.feedback.models import Feedback
from cchc.feedback.selectors import feedback_staff_scope
from cchc.org.models import Agency
from cchc.org.selectors import agency_successors_on
from cchc.outbox.services import outbox_emit

SNAPSHOT_FIELDS = [
    "code",
    "status",
    "agency",
    "classification",
    "dossier",
    "reraise_of",
    "submitted_at",
    "reject_due_at",
    "info_due_at",
    "answer_due_at",
    "publish_due_at",
    "rejected_at",
    "info_requested_at",
    "resubmitted_at",
    "assigned_at",
    "assignee",
    "answered_at",
    "answer_file_name",
    "published_at",
    "rating",
    "rated_at",
]

_PHONE = re.compile(r"^(0|\+84)\d{9,10}$")
_CITIZEN_ID = re.compile(r"^(\d{9}|\d{12})$")
SUBJECT_MIN, SUBJECT_MAX = 5, 300
CONTENT_MIN, CONTENT_MAX = 20, 10_000
TEXT_MAX = 10_000
# a file refused by the platform's check (``FileRejected.reason``) -> this area's code
UPLOAD_CODES = {
    "empty": FeedbackErrorCode.INVALID_INPUT,
    "too_large": FeedbackErrorCode.UPLOAD_TOO_LARGE,
    "type": FeedbackErrorCode.UPLOAD_TYPE_NOT_ALLOWED,
}


@dataclass(frozen=True)
class Submitter:
    """Who files the feedback: a name and a phone to be reached on (and to look the feedback up)."""

    name: str
    phone: str
    email: str = ""
    id_number: str = ""

    def validated(self) -> Submitter:
        name = normalize_spaces(self.name)
        if not name:
            raise _invalid("Vui lòng nhập họ và tên người phản ánh.")
        if len(name) > 200:
            raise _invalid("Họ và tên tối đa 200 ký tự.")
        phone = self.phone.replace(" ", "").replace(".", "")
        if not _PHONE.match(phone):
            raise _invalid("Số điện thoại không hợp lệ (ví dụ 0905123456).")
        email = self.email.strip()
        if email and (email.count("@") != 1 or email.startswith("@") or email.endswith("@") or len(email) > 254):
            raise _invalid("Địa chỉ thư điện tử không hợp lệ.")
        id_number = self.id_number.strip()
        if id_number and not _CITIZEN_ID.match(id_number):
            raise _invalid("Số định danh cá nhân phải gồm 12 chữ số (hoặc 9 chữ số với chứng minh nhân dân cũ).")
        return Submitter(name=name, phone=phone, email=email, id_number=id_number)


@dataclass(frozen=True)
class Submitted:
    """A filed feedback and its lookup code (shown once to the citizen; only its hash is stored)."""

    feedback: Feedback
    lookup_code: str


# --- helpers ------------------------------------------------------------------------------------------


def _invalid(message: str) -> FeedbackError:
    return FeedbackError(FeedbackErrorCode.INVALID_INPUT, message)


def _check_at(at: datetime) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise _invalid("Thời điểm phải có múi giờ.")


def _text(value: str, *, label: str, minimum: int = 1, maximum: int = TEXT_MAX) -> str:
    text = normalize_spaces(value) if "\n" not in value else value.strip()
    if len(text) < minimum:
        if minimum <= 1:
            raise _invalid(f"Vui lòng nhập {label}.")
        raise _invalid(f"{label[0].upper()}{label[1:]} cần ít nhất {minimum} ký tự.")
    if len(text) > maximum:
        raise _invalid(f"{label[0].upper()}{label[1:]} tối đa {vi_number(maximum)} ký tự.")
    return text


def _lock(feedback: Feedback) -> Feedback:
    """The feedback row, locked until the transaction ends (concurrency: one transition at a time)."""
    return Feedback.objects.select_for_update().get(pk=feedback.pk)


def _check_transition(feedback: Feedback, action: Action) -> None:
    if action not in TRANSITIONS[FeedbackStatus(feedback.status)]:
        raise FeedbackError(
            FeedbackErrorCode.INVALID_TRANSITION,
            f"Không thể {action.label} khi phản ánh đang ở trạng thái «{FeedbackStatus(feedback.status).label}».",
        )


def _check_staff(actor: AbstractBaseUser | None, agency_id: int, at: datetime) -> None:
    scope = feedback_staff_scope(user=actor, on=reception_day(at)) if actor is not None else None
    if scope is None or not scope.covers(agency_id):
        raise FeedbackError(
            FeedbackErrorCode.NOT_PERMITTED,
            "Bạn không được giao xử lý phản ánh của cơ quan này (cần phân công xử lý phản ánh tại cơ quan "
            "hoặc tại cơ quan kiểm soát thủ tục hành chính của tỉnh).",
        )


def _search_key(feedback: Feedback, agency: Agency) -> str:
    return fold(" ".join([feedback.code, feedback.subject, feedback.content, feedback.answer, agency.name]))


def _snapshot(feedback: Feedback) -> dict[str, Any]:
    state = audit_snapshot(feedback, SNAPSHOT_FIELDS)
    state["answer_file"] = feedback.answer_file.name or ""
    return state


def _audit(
    feedback: Feedback, action: Action, actor: AbstractBaseUser | None, before: dict[str, Any] | None, at: datetime
) -> None:
    audit_record(
        actor=actor,
        action=f"feedback.{action.value}",
        target=feedback,
        before=before,
        after=_snapshot(feedback),
        at=at,
    )


def _agency_today(agency: Agency, at: datetime) -> Agency | None:
    """``agency`` if valid on the day of ``at``, else its successor that day (an old dossier's
    competent agency may have been merged away on 1/7/2025)."""
    day = reception_day(at)
    if agency.is_valid_on(day):
        return agency
    successors = agency_successors_on(agency, day)
    return successors[0] if successors else None


# --- the citizen --------------------------------------------------------------------------------------


@transaction.atomic
def feedback_submit(
    *,
    submitter: Submitter,
    subject: str,
    content: str,
    agency: Agency | None,
    dossier_code: str = "",
    previous_code: str = "",
    at: datetime,
) -> Submitted:
    """File a feedback on the portal: it is received at once, with its code ``PA-YYMMDD-NNNN``, a
    random lookup code and the stage deadlines (2 working days to reject, 5 to ask for more
    information, 15 to answer) from the agency's working calendar.

    The agency concerned is the one chosen, else the competent agency of the linked dossier (today's
    successor when it was merged away). A dossier code must exist; a previous feedback named as the
    matter raised again must exist and have been filed from the same phone number (the answer is the
    same for both failures). Legal basis: Nghị định 20/2008/NĐ-CP Điều 8-9 (forms of feedback,
    reception); QĐ 766/QĐ-TTg 5.3 (a re-raised matter counts as not satisfied).
    """
    _check_at(at)
    person = submitter.validated()
    subject = _text(subject, label="tiêu đề phản ánh", minimum=SUBJECT_MIN, maximum=SUBJECT_MAX)
    content = _text(content, label="nội dung phản ánh", minimum=CONTENT_MIN)
    dossier: Dossier | None = None
    code = "".join(dossier_code.split())
    if code:
        dossier = Dossier.objects.select_related("competent_agency").filter(code=code).first()
        if dossier is None:
            raise FeedbackError(
                FeedbackErrorCode.DOSSIER_NOT_FOUND,
                f"Không tìm thấy hồ sơ có mã «{code}». Vui lòng kiểm tra lại mã trên giấy tiếp nhận, "
                "hoặc bỏ trống nếu phản ánh không gắn với hồ sơ nào.",
            )
    previous: Feedback | None = None
    previous_ref = "".join(previous_code.split()).upper()
    if previous_ref:
        previous = Feedback.objects.filter(code=previous_ref).first()
        if previous is None or previous.submitter_phone != person.phone:
            raise FeedbackError(
                FeedbackErrorCode.PREVIOUS_NOT_FOUND,
                f"Không tìm thấy phản ánh «{previous_ref}» đã gửi từ số điện thoại này.",
            )
    concerned = agency
    if concerned is None and dossier is not None:
        concerned = dossier.competent_agency
    if concerned is None and previous is not None:
        concerned = previous.agency
    if concerned is None:
        raise _invalid("Vui lòng chọn cơ quan bị phản ánh, kiến nghị (hoặc nhập mã hồ sơ liên quan).")
    resolved = _agency_today(concerned, at)
    if resolved is None:
        raise FeedbackError(
            FeedbackErrorCode.AGENCY_NOT_VALID,
            f"Cơ quan «{concerned.name}» không còn hoạt động và chưa xác định được cơ quan kế thừa. "
            "Vui lòng chọn cơ quan hiện nay.",
        )
    calendar = working_calendar(agency=resolved)
    lookup_code = lookup_code_new()
    feedback = Feedback(
        code=feedback_code_next(day=reception_day(at)),
        lookup_key_hash=lookup_code_hash(lookup_code),
        status=FeedbackStatus.RECEIVED,
        submitter_name=person.name,
        submitter_phone=person.phone,
        submitter_email=person.email,
        submitter_id_number=person.id_number,
        subject=subject,
        content=content,
        dossier=dossier,
        agency=resolved,
        reraise_of=previous,
        submitted_at=at,
        reject_due_at=calendar.add_working_days(at, Deadline.REJECT),
        info_due_at=calendar.add_working_days(at, Deadline.REQUEST_INFO),
        answer_due_at=calendar.add_working_days(at, Deadline.ANSWER),
    )
    feedback.search_key = _search_key(feedback, resolved)
    feedback.save()
    audit_record(
        actor=None,
        action="feedback.submit",
        target=feedback,
        before=None,
        after=_snapshot(feedback),
        at=at,
    )
    _emit_facts_changed(feedback, EVENT_SUBMITTED, at)
    return Submitted(feedback=feedback, lookup_code=lookup_code)


def _emit_facts_changed(feedback: Feedback, topic: str, at: datetime) -> None:
    """The outbox event of a write that changes the linked dossier's QĐ 766 facts (5.4: a feedback about a
    dossier counts it as dissatisfied unless refused), in this transaction; only for a feedback about a
    dossier (the indicator rollups' subscriber recomputes that dossier)."""
    if feedback.dossier_id is None:
        return
    outbox_emit(
        topic=topic,
        stream=f"feedback:{feedback.pk}",
        payload={
            "feedback_id": feedback.pk,
            "code": feedback.code,
            "dossier_id": feedback.dossier_id,
            "at": at.isoformat(),
        },
        occurred_at=at,
    )


@transaction.atomic
def feedback_resubmit(*, feedback: Feedback, information: str, at: datetime) -> Feedback:
    """The citizen adds the information asked for. The clock starts again from the resubmission: 2
    working days to reject, 15 to answer (the time spent waiting for the citizen does not count).
    Legal basis: Nghị định 20/2008/NĐ-CP (feedback lacking information is returned for completion)."""
    _check_at(at)
    information = _text(information, label="thông tin bổ sung", minimum=5)
    locked = _lock(feedback)
    _check_transition(locked, Action.RESUBMIT)
    before = _snapshot(locked)
    calendar = working_calendar(agency=locked.agency)
    locked.status = FeedbackStatus.RESUBMITTED
    locked.resubmitted_at = at
    locked.resubmission = information
    locked.reject_due_at = calendar.add_working_days(at, Deadline.REJECT)
    locked.answer_due_at = calendar.add_working_days(at, Deadline.ANSWER)
    locked.save()
    _audit(locked, Action.RESUBMIT, None, before, at)
    return locked


@transaction.atomic
def feedback_rate(*, feedback: Feedback, level: str, comment: str = "", at: datetime) -> Feedback:
    """The submitter rates the published answer once: hài lòng or không hài lòng, with a comment.
    Legal basis: QĐ 766/QĐ-TTg indicator 5.3 (a "không hài lòng" counts the feedback as not satisfied)."""
    _check_at(at)
    if level not in RatingLevel.values:
        raise _invalid("Vui lòng chọn hài lòng hoặc không hài lòng.")
    comment = comment.strip()
    if len(comment) > 2000:
        raise _invalid("Ý kiến tối đa 2.000 ký tự.")
    locked = _lock(feedback)
    _check_transition(locked, Action.RATE)
    if locked.rating:
        raise FeedbackError(
            FeedbackErrorCode.ALREADY_RATED, "Phản ánh này đã được đánh giá; mỗi phản ánh đánh giá một lần."
        )
    before = _snapshot(locked)
    locked.rating = level
    locked.rating_comment = comment
    locked.rated_at = at
    locked.save()
    _audit(locked, Action.RATE, None, before, at)
    return locked


# --- staff ---------------------------------------------------------------------------------------------


@transaction.atomic
def feedback_reject(*, feedback: Feedback, actor: AbstractBaseUser, reason: str, at: datetime) -> Feedback:
    """Refuse to handle the feedback, with the reason told to the citizen (not about administrative
    regulations, already answered, anonymous or abusive content ...), due within 2 working days of
    reception (of the resubmission). Legal basis: Nghị định 20/2008/NĐ-CP Điều 11 (feedback not handled)."""
    _check_at(at)
    reason = _text(reason, label="lý do từ chối", minimum=5)
    locked = _lock(feedback)
    _check_transition(locked, Action.REJECT)
    _check_staff(actor, locked.agency_id, at)
    before = _snapshot(locked)
    locked.status = FeedbackStatus.REJECTED
    locked.rejected_at = at
    locked.reject_reason = reason
    locked.save()
    _audit(locked, Action.REJECT, actor, before, at)
    _emit_facts_changed(locked, EVENT_REJECTED, at)
    return locked


@transaction.atomic
def feedback_request_info(*, feedback: Feedback, actor: AbstractBaseUser, request: str, at: datetime) -> Feedback:
    """Ask the citizen for more information, due within 5 working days of reception; the answer clock
    stops until they add it. Legal basis: Nghị định 20/2008/NĐ-CP; QĐ 766/QĐ-TTg indicator 5.2."""
    _check_at(at)
    request = _text(request, label="nội dung cần bổ sung", minimum=5)
    locked = _lock(feedback)
    _check_transition(locked, Action.REQUEST_INFO)
    _check_staff(actor, locked.agency_id, at)
    before = _snapshot(locked)
    locked.status = FeedbackStatus.INFO_REQUESTED
    locked.info_requested_at = at
    locked.info_request = request
    locked.answer_due_at = None  # set again from the resubmission
    locked.save()
    _audit(locked, Action.REQUEST_INFO, actor, before, at)
    return locked


@transaction.atomic
def feedback_assign(
    *,
    feedback: Feedback,
    actor: AbstractBaseUser,
    classification: str,
    agency: Agency | None = None,
    assignee: AbstractBaseUser | None = None,
    at: datetime,
) -> Feedback:
    """Classify the feedback (about rules and procedures, about staff, other: QĐ 766 indicator 5.1) and
    give it to the agency that handles it (the same one, or another one valid that day, e.g. when
    the citizen chose the wrong agency) and optionally to an officer holding a role there. The
    deadlines keep running: a transfer does not restart the citizen's clock.
    Legal basis: Nghị định 20/2008/NĐ-CP (classification and handling by the competent agency)."""
    _check_at(at)
    if classification not in Classification.values:
        raise _invalid("Vui lòng chọn phân loại phản ánh.")
    day = reception_day(at)
    if agency is not None and not agency.is_valid_on(day):
        raise FeedbackError(FeedbackErrorCode.AGENCY_NOT_VALID, f"Cơ quan «{agency.name}» không còn hoạt động.")
    locked = _lock(feedback)
    _check_transition(locked, Action.ASSIGN)
    _check_staff(actor, locked.agency_id, at)
    target = agency if agency is not None else locked.agency
    if assignee is not None and not membership_roles_held(
        user_ids=[assignee.pk], agency_ids=[target.pk], on=day, area=Area.FEEDBACK
    ):
        raise _invalid(f"Cán bộ «{assignee.get_username()}» không thuộc cơ quan «{target.name}».")
    before = _snapshot(locked)
    locked.status = FeedbackStatus.ASSIGNED
    locked.classification = classification
    locked.agency = target
    locked.assignee = assignee  # type: ignore[assignment]
    locked.assigned_at = at
    locked.search_key = _search_key(locked, target)
    locked.save()
    _audit(locked, Action.ASSIGN, actor, before, at)
    return locked


@transaction.atomic
def feedback_answer(
    *, feedback: Feedback, actor: AbstractBaseUser, answer: str, file: Any = None, at: datetime
) -> Feedback:
    """Record the answer (kết quả xử lý), with an optional signed document (PDF, image or .docx, checked
    by content), due within 15 working days; the publication is then due within 2 working days.
    Legal basis: Nghị định 20/2008/NĐ-CP (answer to the feedback); QĐ 766/QĐ-TTg indicator 5.2."""
    _check_at(at)
    answer = _text(answer, label="nội dung trả lời", minimum=CONTENT_MIN)
    checked = None
    if file is not None:
        try:
            checked = file_check(file=file)
        except FileRejected as rejected:
            raise FeedbackError(UPLOAD_CODES[rejected.reason], rejected.message_for(label="văn bản trả lời")) from None
    locked = _lock(feedback)
    _check_transition(locked, Action.ANSWER)
    _check_staff(actor, locked.agency_id, at)
    before = _snapshot(locked)
    locked.status = FeedbackStatus.ANSWERED
    locked.answer = answer
    locked.answered_at = at
    locked.publish_due_at = working_calendar(agency=locked.agency).add_working_days(at, Deadline.PUBLISH)
    if locked.assignee_id is None:
        locked.assignee = get_user_model().objects.get(pk=actor.pk)
    if checked is not None:
        locked.answer_file_name = checked.original_name[:200]
        locked.answer_file_type = checked.content_type
        locked.answer_file_extension = checked.extension
        checked.file.seek(0)
        locked.answer_file.save("tra-loi", checked.file, save=False)
    locked.search_key = _search_key(locked, locked.agency)
    locked.save()
    _audit(locked, Action.ANSWER, actor, before, at)
    # the author is told of the answer (cchc.notifications), after this transaction commits
    outbox_emit(
        topic=EVENT_ANSWERED,
        stream=f"feedback:{locked.pk}",
        payload={"feedback_id": locked.pk, "code": locked.code, "agency_id": locked.agency_id, "at": at.isoformat()},
        occurred_at=at,
    )
    return locked


@transaction.atomic
def feedback_publish(*, feedback: Feedback, actor: AbstractBaseUser, at: datetime) -> Feedback:
    """Make the answer public on the portal (/phan-anh/), due within 2 working days of the answer;
    from then on the submitter may rate it. Legal basis: Nghị định 20/2008/NĐ-CP (publicity of the
    handling result); QĐ 766/QĐ-TTg indicator 5.2."""
    _check_at(at)
    locked = _lock(feedback)
    _check_transition(locked, Action.PUBLISH)
    _check_staff(actor, locked.agency_id, at)
    before = _snapshot(locked)
    locked.status = FeedbackStatus.PUBLISHED
    locked.published_at = at
    locked.save()
    _audit(locked, Action.PUBLISH, actor, before, at)
    return locked


# --- the national feedback system ----------------------------------------------------------------------

NATIONAL_ID_MAX = 64


@dataclass(frozen=True)
class NationalReceived:
    """A feedback received from the national system: the row, and whether this call created it."""

    feedback: Feedback
    created: bool


@transaction.atomic
def feedback_receive_national(
    *,
    national_id: str,
    submitter_name: str,
    phone: str = "",
    email: str = "",
    subject: str,
    content: str,
    agency: Agency,
    received_at: datetime,
    at: datetime,
) -> NationalReceived:
    """Receive a feedback filed on the national feedback system (Hệ thống tiếp nhận, trả lời phản ánh,
    kiến nghị quốc gia, on the Cổng Dịch vụ công quốc gia) about one of the province's agencies, once:
    a second call with the same national id returns the feedback already received and changes nothing.

    It is handled like any feedback (same code, same transitions): the stage deadlines (2 working days
    to reject, 5 to ask for more information, 15 to answer) run from the national reception
    ``received_at`` (not later than ``at``, the moment we receive it), on the agency's working
    calendar, since the national system measures QĐ 766 indicator 5.2 from its own reception (inferred:
    the national system's rules are not published; domain-vn §1.5, §2.6). The agency is today's
    successor when it was merged away. The contact is a phone or an e-mail address (the national system
    may give either); the citizen follows it on the national system, so no lookup code is given out.
    Legal basis: Nghị định 20/2008/NĐ-CP (amended by NĐ 92/2017/NĐ-CP) on receiving and handling
    feedback and petitions, which the national system channels to the competent agency.
    """
    _check_at(at)
    _check_at(received_at)
    ref = national_id.strip()
    if not ref or len(ref) > NATIONAL_ID_MAX:
        raise _invalid(f"Mã PAKN trên hệ thống quốc gia phải có từ 1 đến {NATIONAL_ID_MAX} ký tự.")
    existing = Feedback.objects.filter(national_id=ref).first()
    if existing is not None:
        return NationalReceived(feedback=existing, created=False)
    name = normalize_spaces(submitter_name)
    if not name:
        raise _invalid("Thiếu họ và tên người phản ánh.")
    if len(name) > 200:
        raise _invalid("Họ và tên người phản ánh tối đa 200 ký tự.")
    phone = phone.replace(" ", "").replace(".", "")
    if phone and not _PHONE.match(phone):
        raise _invalid(f"Số điện thoại «{phone}» không hợp lệ.")
    email = email.strip()
    if email and (email.count("@") != 1 or email.startswith("@") or email.endswith("@") or len(email) > 254):
        raise _invalid(f"Địa chỉ thư điện tử «{email}» không hợp lệ.")
    if not phone and not email:
        raise _invalid("Thiếu cách liên hệ với người phản ánh (số điện thoại hoặc thư điện tử).")
    subject = _text(subject, label="tiêu đề phản ánh", maximum=SUBJECT_MAX)
    content = _text(content, label="nội dung phản ánh")
    received = min(received_at, at)
    resolved = _agency_today(agency, received)
    if resolved is None:
        raise FeedbackError(
            FeedbackErrorCode.AGENCY_NOT_VALID,
            f"Cơ quan «{agency.name}» không còn hoạt động và chưa xác định được cơ quan kế thừa.",
        )
    calendar = working_calendar(agency=resolved)
    feedback = Feedback(
        code=feedback_code_next(day=reception_day(received)),
        lookup_key_hash=lookup_code_hash(lookup_code_new()),  # never given out: followed nationally
        status=FeedbackStatus.RECEIVED,
        submitter_name=name,
        submitter_phone=phone,
        submitter_email=email,
        subject=subject,
        content=content,
        agency=resolved,
        submitted_at=received,
        reject_due_at=calendar.add_working_days(received, Deadline.REJECT),
        info_due_at=calendar.add_working_days(received, Deadline.REQUEST_INFO),
        answer_due_at=calendar.add_working_days(received, Deadline.ANSWER),
        national_id=ref,
    )
    feedback.search_key = _search_key(feedback, resolved)
    feedback.save()
    after = _snapshot(feedback) | {"national_id": ref}
    audit_record(actor=None, action="feedback.receive_national", target=feedback, before=None, after=after, at=at)
    return NationalReceived(feedback=feedback, created=True)
