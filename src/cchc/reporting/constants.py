"""Choices, deadline defaults and stable error codes of the periodic CCHC reports.

legal: the reporting regime of the state administration (Nghị định 09/2019/NĐ-CP, Điều 12: a quarterly
report's figures are cut off on the 14th of the last month of the quarter, a half-year report's on the
14th of June, a yearly report's on the 14th of December) and the Bộ Nội vụ guidance on the content of
CCHC reports (results per reform area, difficulties, proposals, figures). The province's own deadline
for agencies to send their report to Sở Nội vụ was not found (see ``docs/reporting.md``): the default
below is the day after the cut-off, the 15th of the period's last month, and every period's deadline
and closing date are editable in the admin.
"""

from __future__ import annotations

from enum import StrEnum

from django.db import models

from cchc.common.errors import DomainError

SO_NOI_VU = "so-noi-vu"  # receives the agencies' reports, consolidates the province's (program section V.2)
PROVINCE_COMMITTEE = "ubnd-56"  # issues the consolidated report

# Default deadline: day DUE_DAY of the period's last month (NĐ 09/2019 cut-off on the 14th + 1 day).
DUE_DAY = 15
# Default closing date: this many calendar days after the deadline; later submissions are refused.
CLOSING_DAYS = 30

DOCUMENT_SYMBOL = "BC-UBND"  # legal: NĐ 30/2020 Phụ lục III: báo cáo = BC; issuer UBND


class PeriodKind(models.TextChoices):
    """Kỳ báo cáo."""

    QUARTER = "quarter", "Quý"
    HALF = "half", "6 tháng"
    YEAR = "year", "Năm"


class ReportStatus(models.TextChoices):
    """Trạng thái báo cáo của cơ quan."""

    DRAFT = "draft", "Đang soạn"
    SUBMITTED = "submitted", "Đã gửi"
    RETURNED = "returned", "Bị trả lại"
    RESUBMITTED = "resubmitted", "Đã gửi lại"
    ACCEPTED = "accepted", "Đã tiếp nhận"


EDITABLE_STATUSES = frozenset({ReportStatus.DRAFT, ReportStatus.RETURNED})
UNDER_REVIEW_STATUSES = frozenset({ReportStatus.SUBMITTED, ReportStatus.RESUBMITTED})
SENT_STATUSES = frozenset(
    {ReportStatus.SUBMITTED, ReportStatus.RETURNED, ReportStatus.RESUBMITTED, ReportStatus.ACCEPTED}
)


class Timeliness(models.TextChoices):
    """Tình hình gửi báo cáo: judged on the first submission against the period's deadline."""

    ON_TIME = "on_time", "Đúng hạn"
    LATE = "late", "Trễ hạn"
    MISSING = "missing", "Chưa gửi"


class ProvinceReportStatus(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    ISSUED = "issued", "Đã ban hành"


class ReportAction(models.TextChoices):
    """A write on an agency report; the label completes "Không thể ..." in refusal messages."""

    START = "start", "lập báo cáo"
    SAVE = "save", "lưu báo cáo"
    SUBMIT = "submit", "gửi báo cáo"
    RETURN = "return", "trả lại báo cáo"
    ACCEPT = "accept", "tiếp nhận báo cáo"


ALLOWED: dict[ReportAction, frozenset[ReportStatus]] = {
    ReportAction.SAVE: EDITABLE_STATUSES,
    ReportAction.SUBMIT: EDITABLE_STATUSES,
    ReportAction.RETURN: UNDER_REVIEW_STATUSES,
    ReportAction.ACCEPT: UNDER_REVIEW_STATUSES,
}


class ReportErrorCode(StrEnum):
    """Stable error codes; the HTTP status of each is declared in ``ReportError.statuses``."""

    INVALID_INPUT = "report.invalid_input"
    INVALID_PERIOD = "report.invalid_period"
    PERIOD_EXISTS = "report.period_exists"
    PERIOD_CLOSED = "report.period_closed"
    NOT_PERMITTED = "report.not_permitted"
    WRONG_STATE = "report.wrong_state"
    MISSING_AREA_TEXT = "report.missing_area_text"
    FIGURE_NOT_MANUAL = "report.figure_not_manual"
    ALREADY_EXISTS = "report.already_exists"
    NO_PROGRAM = "report.no_program"
    ISSUED = "report.issued"
    NUMBER_TAKEN = "report.number_taken"
    SIGNER_REQUIRED = "report.signer_required"


class ReportError(DomainError[ReportErrorCode]):
    """A refused reporting operation: a stable ``code`` and a Vietnamese ``message``; nothing changed."""

    codes = ReportErrorCode
    statuses = {
        ReportErrorCode.INVALID_INPUT: 400,
        ReportErrorCode.INVALID_PERIOD: 400,
        ReportErrorCode.PERIOD_EXISTS: 409,
        ReportErrorCode.PERIOD_CLOSED: 409,
        ReportErrorCode.NOT_PERMITTED: 403,
        ReportErrorCode.WRONG_STATE: 409,
        ReportErrorCode.MISSING_AREA_TEXT: 400,
        ReportErrorCode.FIGURE_NOT_MANUAL: 400,
        ReportErrorCode.ALREADY_EXISTS: 409,
        ReportErrorCode.NO_PROGRAM: 409,
        ReportErrorCode.ISSUED: 409,
        ReportErrorCode.NUMBER_TAKEN: 409,
        ReportErrorCode.SIGNER_REQUIRED: 409,
    }
    default_status = 409
