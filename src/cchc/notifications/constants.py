"""Topics, channels, statuses and stable error codes of the notifications to applicants."""

from __future__ import annotations

from enum import StrEnum

from django.db import models

from cchc.common.errors import DomainError
from cchc.feedback.constants import EVENT_ANSWERED as FEEDBACK_ANSWERED
from cchc.receipts.constants import ISSUED_TOPIC as RECEIPT_ISSUED  # issue 15 item 5


class Topic(models.TextChoices):
    """What a message tells the applicant (one template per topic and channel)."""

    SUBMITTED = "submitted", "Đã nhận hồ sơ nộp trực tuyến"
    RECEIPT = "receipt", "Tiếp nhận hồ sơ, hẹn trả kết quả"
    SUPPLEMENT = "supplement", "Yêu cầu bổ sung hồ sơ"
    FINANCIAL_OBLIGATION = "financial_obligation", "Thông báo nghĩa vụ tài chính"
    EXTENSION = "extension", "Xin lỗi và hẹn lại ngày trả kết quả"
    RESULT_READY = "result_ready", "Đã có kết quả"
    RETURNED = "returned", "Đã trả kết quả"
    REFUSED = "refused", "Từ chối tiếp nhận hồ sơ"
    WITHDRAWN = "withdrawn", "Rút hồ sơ"
    STOPPED = "stopped", "Dừng xử lý hồ sơ"
    FEEDBACK_ANSWERED = "feedback_answered", "Trả lời phản ánh, kiến nghị"
    PAYMENT_RECEIPT = "payment_receipt", "Đã nhận tiền phí, lệ phí (biên lai điện tử)"  # issue 15 item 5


class Channel(models.TextChoices):
    """The same values as ``cchc.dossiers.constants.NotifyChannel``."""

    EMAIL = "email", "Thư điện tử"
    SMS = "sms", "Tin nhắn SMS"
    ZALO = "zalo", "Zalo"


class Status(models.TextChoices):
    PENDING = "pending", "Đang gửi"
    SENT = "sent", "Đã gửi"
    FAILED = "failed", "Gửi không thành công"


# The outbox topics this app listens to and the message each one sends.
EVENT_TOPICS: dict[str, Topic] = {
    "dossier.submitted": Topic.SUBMITTED,
    "dossier.received": Topic.RECEIPT,
    "dossier.supplement_requested": Topic.SUPPLEMENT,
    "dossier.financial_obligation_requested": Topic.FINANCIAL_OBLIGATION,
    "dossier.extended": Topic.EXTENSION,
    "dossier.result_ready": Topic.RESULT_READY,
    "dossier.returned": Topic.RETURNED,
    "dossier.refused": Topic.REFUSED,
    "dossier.withdrawn": Topic.WITHDRAWN,
    "dossier.stopped": Topic.STOPPED,
    FEEDBACK_ANSWERED: Topic.FEEDBACK_ANSWERED,
    RECEIPT_ISSUED: Topic.PAYMENT_RECEIPT,  # after each payment recorded, with its receipt (issue 15 item 5)
}

SUBSCRIBER = "notifications"  # the outbox subscriber's stable name (idempotency keys, dead letters)


class NotificationErrorCode(StrEnum):
    TEMPLATE_INVALID = "notifications.template_invalid"
    TEMPLATE_MISSING = "notifications.template_missing"
    SEND_FAILED = "notifications.send_failed"
    GATEWAY_FAILED = "notifications.gateway_failed"
    SUBJECT_NOT_FOUND = "notifications.subject_not_found"


class NotificationError(DomainError[NotificationErrorCode]):
    """A message that could not be written or sent: a stable ``code`` and a Vietnamese ``message``.

    Raised by the outbox handler, it makes the dispatcher retry the event (then dead-letter it); the
    statuses matter only where an admin page shows the refusal (a template that does not render)."""

    codes = NotificationErrorCode
    statuses = {
        NotificationErrorCode.TEMPLATE_INVALID: 400,
        NotificationErrorCode.TEMPLATE_MISSING: 409,
        NotificationErrorCode.SEND_FAILED: 409,
        NotificationErrorCode.GATEWAY_FAILED: 409,
        NotificationErrorCode.SUBJECT_NOT_FOUND: 404,
    }
