"""Names of the one-stop-shop forms (TT 03/2025/TT-VPCP, Phụ lục I) and the stable error codes of documents."""

from __future__ import annotations

from enum import StrEnum

from cchc.common.errors import DomainError

# legal: the seven forms of Thông tư 03/2025/TT-VPCP (15/9/2025), Phụ lục I; names CONFIRMED (vn-data §2.1).
FORM_NAMES: dict[int, str] = {
    1: "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    2: "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    3: "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
    4: "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
    5: "Thông báo dừng giải quyết hồ sơ",
    6: "Phiếu kiểm soát quá trình giải quyết hồ sơ",
    7: "Sổ theo dõi hồ sơ",
}
DOSSIER_FORMS = frozenset({1, 2, 3, 4, 5, 6})
REGISTER_FORM = 7


class DocumentErrorCode(StrEnum):
    """Stable error codes of document generation; their HTTP status: ``DocumentError.statuses``."""

    FORM_UNKNOWN = "document.form_unknown"
    FORM_NOT_APPLICABLE = "document.form_not_applicable"
    INVALID_PERIOD = "document.invalid_period"
    SIGNER_MISSING = "document.signer_missing"


class DocumentError(DomainError[DocumentErrorCode]):
    """A refused document request: a stable ``code`` and a Vietnamese ``message``."""

    codes = DocumentErrorCode
    statuses = {
        DocumentErrorCode.FORM_UNKNOWN: 404,
        DocumentErrorCode.FORM_NOT_APPLICABLE: 409,
        DocumentErrorCode.INVALID_PERIOD: 400,
        DocumentErrorCode.SIGNER_MISSING: 409,
    }
    default_status = 409
