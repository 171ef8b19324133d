"""Checking an evidence file (tài liệu kiểm chứng) by its content before anything is stored.

The platform's content check (``cchc.common.uploads.file_check``: PDF, JPEG, PNG, Word .docx,
never by name or declared type), with Excel workbooks (.xlsx: a ZIP whose content types declare
the main SpreadsheetML part, without macros), which PAR evidence often is (tables of figures).
"""

from __future__ import annotations

from typing import Any

from cchc.common.uploads import EVIDENCE_TYPES, CheckedUpload, FileRejected, file_check
from cchc.par.constants import ParError, ParErrorCode

ALLOWED_TEXT = "PDF, Word (.docx), Excel (.xlsx), ảnh JPEG hoặc PNG"
ACCEPT = ".pdf,.docx,.xlsx,.jpg,.jpeg,.png"
CODES: dict[str, ParErrorCode] = {
    "empty": ParErrorCode.INVALID_INPUT,
    "too_large": ParErrorCode.UPLOAD_TOO_LARGE,
    "type": ParErrorCode.UPLOAD_TYPE_NOT_ALLOWED,
}


def evidence_check(*, file: Any, limit: int | None = None) -> CheckedUpload:
    """Check one uploaded evidence file; raise :class:`ParError` with a Vietnamese message.

    Empty → ``par.invalid_input``; larger than the limit (``CCHC_UPLOAD_MAX_BYTES``, 10 MB by
    default) → ``par.upload_too_large``; content not one of the allowed types whatever its name →
    ``par.upload_type_not_allowed``.
    """
    try:
        return file_check(file=file, types=EVIDENCE_TYPES, limit=limit)
    except FileRejected as rejected:
        raise ParError(CODES[rejected.reason], rejected.message_for(allowed_text=ALLOWED_TEXT)) from None
