"""Checking an evidence file (tài liệu kiểm chứng) by its content before anything is stored.

The one-stop-shop's content check (``cchc.dossiers.uploads.file_check``: PDF, JPEG, PNG, Word .docx,
never by name or declared type), with Excel workbooks (.xlsx: a ZIP whose content types declare
the main SpreadsheetML part, without macros), which PAR evidence often is (tables of figures).
"""

from __future__ import annotations

from typing import Any

from cchc.dossiers.uploads import EVIDENCE_TYPES, CheckedUpload, FileRejected, file_check, size_text
from cchc.par.constants import ParError, ParErrorCode

ALLOWED_TEXT = "PDF, Word (.docx), Excel (.xlsx), ảnh JPEG hoặc PNG"
ACCEPT = ".pdf,.docx,.xlsx,.jpg,.jpeg,.png"


def evidence_check(*, file: Any, limit: int | None = None) -> CheckedUpload:
    """Check one uploaded evidence file; raise :class:`ParError` with a Vietnamese message.

    Empty → ``par.invalid_input``; larger than the limit (``CCHC_UPLOAD_MAX_BYTES``, 10 MB by
    default) → ``par.upload_too_large``; content not one of the allowed types whatever its name →
    ``par.upload_type_not_allowed``.
    """
    try:
        return file_check(file=file, types=EVIDENCE_TYPES, limit=limit)
    except FileRejected as rejected:
        name = rejected.name
        if rejected.reason == "too_large":
            raise ParError(
                ParErrorCode.UPLOAD_TOO_LARGE, f"Tệp «{name}» vượt quá dung lượng cho phép {size_text(rejected.limit)}."
            ) from None
        if rejected.reason == "empty":
            raise ParError(ParErrorCode.INVALID_INPUT, f"Tệp «{name}» rỗng, không có nội dung.") from None
        raise ParError(
            ParErrorCode.UPLOAD_TYPE_NOT_ALLOWED,
            f"Tệp «{name}» không phải tệp {ALLOWED_TEXT} hợp lệ. Nội dung tệp được kiểm tra, "
            "không dựa vào tên hay phần mở rộng của tệp.",
        ) from None
