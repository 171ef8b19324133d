"""Statuses, classifications, the transition table, stage deadlines and stable error codes of citizen
feedback (phản ánh, kiến nghị — PAKN).

legal: Nghị định 20/2008/NĐ-CP on receiving and handling citizens' and businesses' feedback and
petitions about administrative regulations (amended by NĐ 92/2017/NĐ-CP); the stage deadlines are the
ones the national portal measures for QĐ 766/QĐ-TTg indicator 5.2 (domain-vn §1.5): reject within 2
working days, ask for more information within 5, answer within 15, publish the answer within 2.
"""

from __future__ import annotations

from enum import StrEnum

from django.conf import settings
from django.db import models

from cchc.common.errors import DomainError


class FeedbackStatus(models.TextChoices):
    """Trạng thái phản ánh, kiến nghị."""

    RECEIVED = "received", "Đã tiếp nhận"
    REJECTED = "rejected", "Không tiếp nhận xử lý"
    INFO_REQUESTED = "info_requested", "Yêu cầu bổ sung thông tin"
    RESUBMITTED = "resubmitted", "Đã bổ sung thông tin"
    ASSIGNED = "assigned", "Đang xử lý"
    ANSWERED = "answered", "Đã có kết quả xử lý"
    PUBLISHED = "published", "Đã công khai kết quả"


OPEN_STATUSES = frozenset(
    {
        FeedbackStatus.RECEIVED,
        FeedbackStatus.INFO_REQUESTED,
        FeedbackStatus.RESUBMITTED,
        FeedbackStatus.ASSIGNED,
        FeedbackStatus.ANSWERED,
    }
)
CLOSED_STATUSES = frozenset({FeedbackStatus.REJECTED, FeedbackStatus.PUBLISHED})


class Classification(models.TextChoices):
    """Phân loại (QĐ 766 indicator 5.1, monitoring only): about rules and procedures, or about staff."""

    REGULATION = "regulation", "Về quy định, thủ tục hành chính"
    STAFF = "staff", "Về hành vi, thái độ của cán bộ, công chức"
    OTHER = "other", "Khác"


class RatingLevel(models.TextChoices):
    """The citizen's rating of how the feedback was handled (indicator 5.3)."""

    SATISFIED = "satisfied", "Hài lòng"
    DISSATISFIED = "dissatisfied", "Không hài lòng"


class Action(models.TextChoices):
    """A transition; the label completes "Không thể ..." in the refusal message."""

    REJECT = "reject", "từ chối xử lý phản ánh"
    REQUEST_INFO = "request_info", "yêu cầu bổ sung thông tin"
    RESUBMIT = "resubmit", "bổ sung thông tin"
    ASSIGN = "assign", "phân loại và giao xử lý"
    ANSWER = "answer", "ghi nhận kết quả xử lý"
    PUBLISH = "publish", "công khai kết quả xử lý"
    RATE = "rate", "đánh giá kết quả xử lý"


S = FeedbackStatus
A = Action

TRANSITIONS: dict[FeedbackStatus, frozenset[Action]] = {
    S.RECEIVED: frozenset({A.REJECT, A.REQUEST_INFO, A.ASSIGN}),
    S.INFO_REQUESTED: frozenset({A.RESUBMIT}),
    S.RESUBMITTED: frozenset({A.REJECT, A.ASSIGN}),
    S.ASSIGNED: frozenset({A.ANSWER}),
    S.ANSWERED: frozenset({A.PUBLISH}),
    S.PUBLISHED: frozenset({A.RATE}),
    S.REJECTED: frozenset(),
}

del S, A

# Staff actions (the console shows one form per allowed one); the others are the citizen's.
STAFF_ACTIONS = (Action.REJECT, Action.REQUEST_INFO, Action.ASSIGN, Action.ANSWER, Action.PUBLISH)


def is_allowed(status: str, action: str) -> bool:
    """True when ``action`` is allowed from ``status`` by :data:`TRANSITIONS`."""
    return Action(action) in TRANSITIONS[FeedbackStatus(status)]


class Deadline:
    """Working days allowed for each stage (QĐ 766 indicator 5.2, NĐ 20/2008/NĐ-CP)."""

    REJECT = 2
    REQUEST_INFO = 5
    ANSWER = 15
    PUBLISH = 2


DEFAULT_CONTROL_AGENCY = "van-phong-ubnd"


def control_agency_code() -> str:
    """The registry code of the agency that receives and handles feedback (PAKN) about administrative
    regulations for the whole province: its staff see and may handle every agency's feedback.

    Rule of law: the handling agency is the province's unit for controlling administrative procedures
    (cơ quan kiểm soát thủ tục hành chính). Nghị định 63/2010/NĐ-CP on controlling administrative
    procedures, as amended by Nghị định 92/2017/NĐ-CP (Điều 1), makes the Văn phòng Ủy ban nhân dân
    cấp tỉnh that unit for the province; Nghị định 20/2008/NĐ-CP on receiving and handling feedback
    and petitions about administrative regulations, as amended by the same Nghị định 92/2017/NĐ-CP
    (Điều 2), gives it the reception and handling of feedback about the province's regulations.
    It is not Sở Nội vụ (which advises on the reform program, not on feedback).

    Chosen: Văn phòng UBND tỉnh (registry code ``van-phong-ubnd``). Where the province has moved the
    function elsewhere (in Khánh Hòa the merged Trung tâm Phục vụ hành chính công tỉnh took over TTHC
    control from the former "Phòng Nội chính và kiểm soát TTHC" on 1/7/2025, domain notes §6 — its
    establishing decision is not confirmed and the centre is not a separate registry entry yet), set
    ``CCHC_FEEDBACK_CONTROL_AGENCY`` (environment or settings) to that agency's registry code; one
    deployment serves one province, so the setting is the per-province choice.
    """
    return str(getattr(settings, "CCHC_FEEDBACK_CONTROL_AGENCY", "") or DEFAULT_CONTROL_AGENCY)


class FeedbackErrorCode(StrEnum):
    """Stable error codes that reach clients; their HTTP status: ``FeedbackError.statuses``."""

    INVALID_TRANSITION = "feedback.invalid_transition"
    NOT_PERMITTED = "feedback.not_permitted"
    INVALID_INPUT = "feedback.invalid_input"
    DOSSIER_NOT_FOUND = "feedback.dossier_not_found"
    PREVIOUS_NOT_FOUND = "feedback.previous_not_found"
    AGENCY_NOT_VALID = "feedback.agency_not_valid"
    ALREADY_RATED = "feedback.already_rated"
    UPLOAD_TOO_LARGE = "feedback.upload_too_large"
    UPLOAD_TYPE_NOT_ALLOWED = "feedback.upload_type_not_allowed"


class FeedbackError(DomainError[FeedbackErrorCode]):
    """A refused feedback operation: a stable ``code`` and a Vietnamese ``message``; nothing was changed."""

    codes = FeedbackErrorCode
    statuses = {
        FeedbackErrorCode.INVALID_TRANSITION: 409,
        FeedbackErrorCode.NOT_PERMITTED: 403,
        FeedbackErrorCode.INVALID_INPUT: 400,
        FeedbackErrorCode.DOSSIER_NOT_FOUND: 400,
        FeedbackErrorCode.PREVIOUS_NOT_FOUND: 400,
        FeedbackErrorCode.AGENCY_NOT_VALID: 400,
        FeedbackErrorCode.ALREADY_RATED: 409,
        FeedbackErrorCode.UPLOAD_TOO_LARGE: 413,
        FeedbackErrorCode.UPLOAD_TYPE_NOT_ALLOWED: 415,
    }
    default_status = 409


# The outbox event of an answer (``cchc.outbox``; the author is notified by ``cchc.notifications``).
# Payload, schema version 1: {"feedback_id": int, "code": "PA-…", "agency_id": int, "at": ISO 8601}.
EVENT_ANSWERED = "feedback.answered"
# The events of the writes that change a dossier's QĐ 766 facts (a feedback about a dossier counts it as
# dissatisfied, 5.4, unless refused): the indicator rollups' subscriber recomputes ``dossier_id``.
# Payload, schema version 1: {"feedback_id": int, "code": "PA-…", "dossier_id": int | null, "at": ISO 8601}.
EVENT_SUBMITTED = "feedback.submitted"
EVENT_REJECTED = "feedback.rejected"
