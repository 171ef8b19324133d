"""Error codes, the outbox names and the fixed texts of the electronic receipts (biên lai điện tử).

legal: Nghị định 123/2020/NĐ-CP (hóa đơn, chứng từ), Chương IV, as amended by Nghị định 70/2025/NĐ-CP,
and its guidance (Thông tư 78/2021/TT-BTC, replaced by Thông tư 32/2025/TT-BTC): an organisation that
collects fees and charges (Luật Phí và lệ phí 2015) gives the payer a receipt (biên lai thu phí, lệ phí),
electronic ones allowed, with the content of Điều 32 NĐ 123/2020 (see ``docs/receipts.md``). The exact
2025 wording of the symbols was not checked against the published text (no copy at hand): the symbols
are data entered per series, not generated, so a different format needs no code change.
"""

from __future__ import annotations

from enum import StrEnum

from cchc.common.errors import DomainError

SUBSCRIBER = "receipts"  # the outbox subscriber's stable name
PAYMENT_TOPIC = "dossier.payment_recorded"  # cchc.dossiers.events.DossierEvent.PAYMENT_RECORDED
ISSUED_TOPIC = "receipt.issued"  # written by the subscriber with the receipt; notifications send it
CANCELLED_TOPIC = "receipt.cancelled"  # written with the cancellation of a refunded payment's receipt
# cchc.payments.constants.REFUND_DONE_TOPIC: the gateway returned a payment's money → its receipt is cancelled
REFUND_DONE_TOPIC = "payments.refund_done"
SCHEMA_VERSION = 1
# the outbox subscriber that signs each receipt issued (on ``receipt.issued``; ``cchc.receipts.signatures``)
SIGN_SUBSCRIBER = "receipts.sign"
SIGN_MAX_ATTEMPTS = 50  # as the results' signing: a signing service down for hours keeps being retried
CANCELLED_MARK = "ĐÃ HỦY"  # printed across the PDF and on the verification page of a cancelled receipt

# Tên loại biên lai (NĐ 123/2020 Điều 32 khoản 1 điểm a): the amount is typed, not printed in advance.
RECEIPT_KIND = "BIÊN LAI THU PHÍ, LỆ PHÍ"
RECEIPT_KIND_NOTE = "Biên lai điện tử, không in sẵn mệnh giá"
NUMBER_DIGITS = 7  # số biên lai: Arabic digits, at most 7, from 0000001 in each series


class ReceiptErrorCode(StrEnum):
    NO_SERIES = "receipts.no_series"
    PAYMENT_NOT_FOUND = "receipts.payment_not_found"
    NOT_FOUND = "receipts.not_found"
    SERIES_FULL = "receipts.series_full"
    NOT_ISSUED_YET = "receipts.not_issued_yet"


class ReceiptError(DomainError[ReceiptErrorCode]):
    """A receipt that could not be issued or found: a stable ``code``, a Vietnamese message."""

    codes = ReceiptErrorCode
    statuses = {
        ReceiptErrorCode.NO_SERIES: 409,
        ReceiptErrorCode.PAYMENT_NOT_FOUND: 404,
        ReceiptErrorCode.NOT_FOUND: 404,
        ReceiptErrorCode.SERIES_FULL: 409,
        ReceiptErrorCode.NOT_ISSUED_YET: 409,
    }
