"""Statuses, actions and the stable error codes of the dossier lifecycle.

The statuses map one-to-one to the national portal's sync codes ``TrangThaiHoSo`` 1-10
(Cổng Dịch vụ công quốc gia; docs: domain-vn §2.5). Which action is allowed from which status, who may
take it and what it emits is the transition table, ``cchc.dossiers.transitions``.
"""

from __future__ import annotations

from enum import StrEnum

from django.db import models

from cchc.common.errors import DomainError


class DossierStatus(models.TextChoices):
    """Trạng thái hồ sơ, in the order of the national sync codes 1-10 (see :attr:`sync_code`)."""

    NEW = "new", "Mới đăng ký"
    RECEIVED = "received", "Được tiếp nhận"
    REFUSED = "refused", "Không được tiếp nhận"
    IN_PROCESS = "in_process", "Đang xử lý"
    SUPPLEMENT_REQUESTED = "supplement_requested", "Yêu cầu bổ sung giấy tờ"
    FINANCIAL_OBLIGATION_REQUESTED = "financial_obligation_requested", "Yêu cầu thực hiện nghĩa vụ tài chính"
    WITHDRAWN = "withdrawn", "Công dân yêu cầu rút hồ sơ"
    STOPPED = "stopped", "Dừng xử lý"
    PROCESSED = "processed", "Đã xử lý xong"
    RETURNED = "returned", "Đã trả kết quả"

    @property
    def sync_code(self) -> int:
        """The ``TrangThaiHoSo`` value synchronised to the national portal (1-10)."""
        return SYNC_CODES[self]

    @classmethod
    def from_sync_code(cls, code: int) -> DossierStatus:
        for status, value in SYNC_CODES.items():
            if value == code:
                return status
        raise ValueError(f"Mã trạng thái đồng bộ không hợp lệ: {code}.")


SYNC_CODES: dict[DossierStatus, int] = {status: index for index, status in enumerate(DossierStatus, start=1)}

TERMINAL_STATUSES = frozenset(
    {DossierStatus.REFUSED, DossierStatus.WITHDRAWN, DossierStatus.STOPPED, DossierStatus.RETURNED}
)
# The clock runs (an officer has work to do) in these statuses; the staff queues show them.
OPEN_STATUSES = frozenset(
    {
        DossierStatus.RECEIVED,
        DossierStatus.IN_PROCESS,
        DossierStatus.SUPPLEMENT_REQUESTED,
        DossierStatus.FINANCIAL_OBLIGATION_REQUESTED,
        DossierStatus.PROCESSED,
    }
)
WAITING_APPLICANT_STATUSES = frozenset(
    {DossierStatus.SUPPLEMENT_REQUESTED, DossierStatus.FINANCIAL_OBLIGATION_REQUESTED}
)


class Channel(models.TextChoices):
    """Kênh nộp hồ sơ."""

    IN_PERSON = "in_person", "Trực tiếp"
    ONLINE = "online", "Trực tuyến"
    POSTAL = "postal", "Bưu chính công ích"


class NotifyChannel(models.TextChoices):
    """How the applicant chose to be told of their dossier's progress (``cchc.notifications``)."""

    EMAIL = "email", "Thư điện tử"
    SMS = "sms", "Tin nhắn SMS"
    ZALO = "zalo", "Zalo"


class ApplicantKind(models.TextChoices):
    CITIZEN = "citizen", "Công dân"
    ORGANISATION = "organisation", "Tổ chức, doanh nghiệp"


class Action(models.TextChoices):
    """A transition of the lifecycle; the label completes "Không thể ..." in the refusal message."""

    RECEIVE = "receive", "tiếp nhận hồ sơ"
    REFUSE = "refuse", "từ chối tiếp nhận hồ sơ"
    REQUEST_SUPPLEMENT = "request_supplement", "yêu cầu bổ sung hồ sơ"
    RESUBMIT_SUPPLEMENT = "resubmit_supplement", "nộp bổ sung hồ sơ"
    COMPLETE_STEP = "complete_step", "chuyển bước xử lý"
    REQUEST_FINANCIAL_OBLIGATION = "request_financial_obligation", "yêu cầu thực hiện nghĩa vụ tài chính"
    RECORD_PAYMENT = "record_payment", "ghi nhận thanh toán"
    WITHDRAW = "withdraw", "rút hồ sơ"
    STOP = "stop", "dừng xử lý hồ sơ"
    APOLOGISE_EXTEND = "apologise_extend", "xin lỗi và gia hạn thời gian giải quyết"
    MARK_PROCESSED = "mark_processed", "ghi nhận đã xử lý xong"
    RETURN_RESULT = "return_result", "trả kết quả"
    ATTACH_RESULT = "attach_result", "đính kèm kết quả giải quyết"
    DIGITISE_DOCUMENT = "digitise_document", "số hóa thành phần hồ sơ"
    RECORD_PAPER = "record_paper", "ghi nhận bản giấy nộp tại quầy"
    REVOKE_RESULT = "revoke_result", "thu hồi kết quả giải quyết"


class ResultStatus(models.TextChoices):
    """The state of an electronic result (issue 16): attached, waiting for the agency's digital
    signature (the outbox subscriber ``dossiers.results.sign``), signed, failed, or no longer in force."""

    PENDING = "pending", "Đang chờ ký số"
    SIGNED = "signed", "Đã ký số"
    FAILED = "failed", "Ký số không thành công"
    REPLACED = "replaced", "Đã được thay thế"
    REVOKED = "revoked", "Đã thu hồi"


class ResultTemplate(models.TextChoices):
    """The templates a result can be generated from instead of an uploaded PDF (issue 16 item 1), each an
    administrative document laid out as NĐ 30/2020/NĐ-CP Phụ lục I. ``cchc.dossiers.results.drafting``."""

    LICENCE = "giay-phep", "Giấy phép"
    CERTIFICATE = "giay-chung-nhan", "Giấy chứng nhận"
    ANSWER = "van-ban-tra-loi", "Văn bản trả lời"


class StepStatus(models.TextChoices):
    PENDING = "pending", "Chưa đến lượt"
    ACTIVE = "active", "Đang thực hiện"
    DONE = "done", "Đã hoàn thành"
    SKIPPED = "skipped", "Không thực hiện"


class HandoverOutcome(models.TextChoices):
    """Kết quả bàn giao on the process-control sheet (form 06)."""

    EARLY = "early", "Trước hạn"
    ON_TIME = "on_time", "Đúng hạn"
    LATE = "late", "Quá hạn"


class AddressStatus(models.TextChoices):
    """What the applicant's address as written resolved to (issue 18 item 3; ``cchc.org.addresses``): the unit
    in force today, several candidates (an old commune divided on 1/7/2025: a person chooses, the platform never
    guesses), or nothing recognised. Empty: not resolved yet (no address, or a dossier older than the resolver:
    ``cchc dossiers addresses``)."""

    NONE = "", "Chưa xác định"
    RESOLVED = "resolved", "Đã xác định đơn vị"
    AMBIGUOUS = "ambiguous", "Nhiều đơn vị, cần người chọn"
    UNKNOWN = "unknown", "Không nhận ra đơn vị"


class IdentityLevel(models.TextChoices):
    """How the applicant was identified when the dossier was filed (issue 15): an account of the
    national electronic identity (VNeID; levels of NĐ 69/2024/NĐ-CP Điều 12) or none (typed details,
    counter). Feeds the program's target "90 % of users authenticated by electronic identity" and the
    QĐ 766 indicators on identity (TaiKhoanDuocXacThucVoiVNeID, domain-vn §2.6)."""

    NONE = "", "Không xác thực định danh điện tử"
    VNEID_1 = "vneid_1", "Định danh điện tử mức 1"
    VNEID_2 = "vneid_2", "Định danh điện tử mức 2"
    VNEID_ORGANISATION = "vneid_org", "Tài khoản định danh điện tử của tổ chức"


# The applicant's identification number as the portal and the counter ask it: one label, one help text.
APPLICANT_ID_LABEL = "Số định danh cá nhân (hoặc mã số doanh nghiệp)"
APPLICANT_ID_HELP = "Số căn cước gồm 12 chữ số; tổ chức: mã số 10 chữ số."


class PaymentChannel(models.TextChoices):
    ONLINE_GATEWAY = "online_gateway", "Cổng thanh toán trực tuyến"
    COUNTER = "counter", "Nộp tại quầy"
    BANK_TRANSFER = "bank_transfer", "Chuyển khoản ngân hàng"


class DocumentSource(models.TextChoices):
    """How a component of the dossier (thành phần hồ sơ) reached the one-stop-shop."""

    UPLOAD = "upload", "Tệp tải lên trực tuyến"
    PAPER = "paper", "Bản giấy nộp tại quầy"
    REUSED = "reused", "Tái sử dụng dữ liệu đã số hóa"


class RatingLevel(models.TextChoices):
    """The applicant's rating of the dossier's reception and handling (QĐ 766/QĐ-TTg, indicator 5.4:
    a "không hài lòng" counts the dossier as dissatisfied)."""

    VERY_SATISFIED = "very_satisfied", "Rất hài lòng"
    SATISFIED = "satisfied", "Hài lòng"
    ACCEPTABLE = "acceptable", "Chấp nhận được"
    DISSATISFIED = "dissatisfied", "Không hài lòng"


class RatingCriterion(models.TextChoices):
    """Criteria a provincial portal asks after each dossier (besides the overall rating)."""

    CONVENIENCE = "convenience", "Sự thuận tiện khi thực hiện thủ tục"
    TIMELINESS = "timeliness", "Thời gian giải quyết so với hẹn trả"
    STAFF_ATTITUDE = "staff_attitude", "Thái độ, trách nhiệm của công chức"
    PUBLICITY = "publicity", "Công khai thủ tục hành chính"


class DossierErrorCode(StrEnum):
    """Stable error codes that reach API clients; their HTTP status is declared in ``DossierError.statuses``."""

    INVALID_TRANSITION = "dossier.invalid_transition"
    NOT_PERMITTED = "dossier.not_permitted"
    INVALID_INPUT = "dossier.invalid_input"
    VERSION_NOT_IN_FORCE = "dossier.version_not_in_force"
    AGENCY_NOT_COMPETENT = "dossier.agency_not_competent"
    NO_UNIT_CODE = "dossier.no_unit_code"
    NO_ACTIVE_STEP = "dossier.no_active_step"
    RECEIVER_NOT_MEMBER = "dossier.receiver_not_member"
    FEES_UNDETERMINED = "dossier.fees_undetermined"
    FEES_UNPAID = "dossier.fees_unpaid"
    PAYMENT_EXCEEDS_OWED = "dossier.payment_exceeds_owed"
    DUPLICATE_RECEIPT = "dossier.duplicate_receipt"
    EXTENSION_NOT_LATER = "dossier.extension_not_later"
    EXTENSION_TOO_LATE = "dossier.extension_too_late"
    EXTENSION_REPEATED = "dossier.extension_repeated"
    UPLOAD_TOO_LARGE = "dossier.upload_too_large"
    UPLOAD_TYPE_NOT_ALLOWED = "dossier.upload_type_not_allowed"
    DOCUMENTS_MISSING = "dossier.documents_missing"
    NOT_FOUND = "dossier.not_found"
    ALREADY_RATED = "dossier.already_rated"
    RESULT_FILE_REJECTED = "dossier.result_file_rejected"
    RESULT_NOT_SIGNED = "dossier.result_not_signed"
    RESULT_TEMPLATE_UNAVAILABLE = "dossier.result_template_unavailable"
    RESULT_NOT_REVOCABLE = "dossier.result_not_revocable"
    DOCUMENT_NOT_DIGITISABLE = "dossier.document_not_digitisable"
    COPY_NOT_CERTIFIABLE = "dossier.copy_not_certifiable"
    STORED_DOCUMENT_NOT_USABLE = "dossier.stored_document_not_usable"
    PAPER_ALREADY_RECORDED = "dossier.paper_already_recorded"


class DossierError(DomainError[DossierErrorCode]):
    """A refused dossier operation: a stable ``code`` and a Vietnamese ``message``; nothing was changed."""

    codes = DossierErrorCode
    statuses = {
        DossierErrorCode.INVALID_TRANSITION: 409,
        DossierErrorCode.NOT_PERMITTED: 403,
        DossierErrorCode.INVALID_INPUT: 400,
        DossierErrorCode.VERSION_NOT_IN_FORCE: 409,
        DossierErrorCode.AGENCY_NOT_COMPETENT: 409,
        DossierErrorCode.NO_UNIT_CODE: 409,
        DossierErrorCode.NO_ACTIVE_STEP: 409,
        DossierErrorCode.RECEIVER_NOT_MEMBER: 400,
        DossierErrorCode.FEES_UNDETERMINED: 409,
        DossierErrorCode.FEES_UNPAID: 409,
        DossierErrorCode.PAYMENT_EXCEEDS_OWED: 409,
        DossierErrorCode.DUPLICATE_RECEIPT: 409,
        DossierErrorCode.EXTENSION_NOT_LATER: 409,
        DossierErrorCode.EXTENSION_TOO_LATE: 409,
        DossierErrorCode.EXTENSION_REPEATED: 409,
        DossierErrorCode.UPLOAD_TOO_LARGE: 413,
        DossierErrorCode.UPLOAD_TYPE_NOT_ALLOWED: 415,
        DossierErrorCode.DOCUMENTS_MISSING: 400,
        DossierErrorCode.NOT_FOUND: 404,
        DossierErrorCode.ALREADY_RATED: 409,
        DossierErrorCode.RESULT_FILE_REJECTED: 400,
        DossierErrorCode.RESULT_NOT_SIGNED: 409,
        DossierErrorCode.RESULT_TEMPLATE_UNAVAILABLE: 409,
        DossierErrorCode.RESULT_NOT_REVOCABLE: 409,
        DossierErrorCode.DOCUMENT_NOT_DIGITISABLE: 409,
        DossierErrorCode.COPY_NOT_CERTIFIABLE: 409,
        DossierErrorCode.STORED_DOCUMENT_NOT_USABLE: 409,
        DossierErrorCode.PAPER_ALREADY_RECORDED: 409,
    }
    default_status = 409
