"""Choices and stable error codes of the yearly CCHC plans (kế hoạch cải cách hành chính năm)."""

from __future__ import annotations

from enum import StrEnum

from django.db import models

from cchc.common.errors import DomainError

COORDINATOR_AGENCY_CODE = "so-noi-vu"
"""Sở Nội vụ: the standing agency that follows the program up (QĐ 4831/QĐ-UBND, mục V.2.a, V.2.đ)."""

DEFAULT_REMINDER_DAYS = 7
"""Reminders go out for assignments due within this many days (setting ``CCHC_PLAN_REMINDER_DAYS``)."""


class SourceKind(models.TextChoices):
    APPENDIX_TASK = "task", "Nhiệm vụ, đề án trọng tâm (Phụ lục)"
    DUTY = "duty", "Nhiệm vụ được phân công (mục V)"


class AssignmentStatus(models.TextChoices):
    """What is stored. "Trễ hạn" is not stored: it is derived (see ``ProgressStatus``)."""

    NOT_STARTED = "not_started", "Chưa bắt đầu"
    IN_PROGRESS = "in_progress", "Đang thực hiện"
    SUBMITTED = "submitted", "Đã báo cáo hoàn thành, chờ Sở Nội vụ xác nhận"
    DONE = "done", "Hoàn thành"
    DROPPED = "dropped", "Dừng thực hiện"


class ProgressStatus(models.TextChoices):
    """What is shown and counted: the stored status, with "trễ hạn" when the due date has passed
    and the lead agency has neither finished nor reported it finished."""

    NOT_STARTED = "not_started", "Chưa bắt đầu"
    IN_PROGRESS = "in_progress", "Đang thực hiện"
    SUBMITTED = "submitted", "Chờ xác nhận hoàn thành"
    DONE = "done", "Hoàn thành"
    OVERDUE = "overdue", "Trễ hạn"
    DROPPED = "dropped", "Dừng thực hiện"


OPEN_STATUSES = (AssignmentStatus.NOT_STARTED, AssignmentStatus.IN_PROGRESS)
"""Statuses that become "trễ hạn" once the due date has passed."""


class EntryKind(models.TextChoices):
    """A line of an assignment's thread: a comment or a recorded step."""

    COMMENT = "comment", "Ý kiến"
    PROGRESS = "progress", "Cập nhật tiến độ"
    EVIDENCE = "evidence", "Tài liệu minh chứng"
    SUBMIT = "submit", "Báo cáo hoàn thành"
    ACCEPT = "accept", "Sở Nội vụ xác nhận hoàn thành"
    RETURN = "return", "Sở Nội vụ trả lại"
    DROP = "drop", "Dừng thực hiện"
    DUE = "due", "Điều chỉnh thời hạn"


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", "Sắp đến hạn"
    OVERDUE = "overdue", "Quá hạn"


class PlanErrorCode(StrEnum):
    """Stable error codes of refused plan operations (they reach pages, the CLI and API clients)."""

    NOT_PERMITTED = "plans.not_permitted"
    INVALID_INPUT = "plans.invalid_input"
    INVALID_PERCENT = "plans.invalid_percent"
    INVALID_TRANSITION = "plans.invalid_transition"
    EVIDENCE_REQUIRED = "plans.evidence_required"
    REASON_REQUIRED = "plans.reason_required"
    UPLOAD_TOO_LARGE = "plans.upload_too_large"
    UPLOAD_TYPE_NOT_ALLOWED = "plans.upload_type_not_allowed"
    INVALID_YEAR = "plans.invalid_year"
    NO_PROGRAM = "plans.no_program"


class PlanError(DomainError[PlanErrorCode]):
    """A refused plan operation: a stable ``code`` and a Vietnamese ``message``; nothing was changed."""

    codes = PlanErrorCode
    statuses = {
        PlanErrorCode.NOT_PERMITTED: 403,
        PlanErrorCode.INVALID_INPUT: 400,
        PlanErrorCode.INVALID_PERCENT: 400,
        PlanErrorCode.INVALID_TRANSITION: 409,
        PlanErrorCode.EVIDENCE_REQUIRED: 409,
        PlanErrorCode.REASON_REQUIRED: 400,
        PlanErrorCode.UPLOAD_TOO_LARGE: 413,
        PlanErrorCode.UPLOAD_TYPE_NOT_ALLOWED: 415,
        PlanErrorCode.INVALID_YEAR: 400,
        PlanErrorCode.NO_PROGRAM: 409,
    }
    default_status = 400
