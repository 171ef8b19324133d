"""Checking an evidence file of a manual target value before anything is stored.

The type is decided by the content, never by the name (``cchc.common.uploads.file_check``): PDF,
JPEG, PNG, Word (.docx) and, for tables of figures, Excel (.xlsx: a ZIP whose ``[Content_Types].xml``
declares the workbook part, without macros).
"""

from __future__ import annotations

from typing import Any

from cchc.common.uploads import EVIDENCE_TYPES, CheckedUpload, FileRejected, file_check, size_text
from cchc.program.constants import TargetValueError, TargetValueErrorCode

EVIDENCE_TEXT = "PDF, JPEG, PNG, Word (.docx) hoặc Excel (.xlsx)"
EVIDENCE_ACCEPT = ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"


def evidence_check(*, file: Any, limit: int | None = None) -> CheckedUpload:
    """Check one evidence file; raise :class:`TargetValueError` with a Vietnamese message.

    Empty or not one of the accepted types (by content): ``program.target_value.evidence_type``;
    larger than ``limit`` (default ``CCHC_UPLOAD_MAX_BYTES``): ``program.target_value.evidence_too_large``.
    """
    try:
        return file_check(file=file, types=EVIDENCE_TYPES, limit=limit)
    except FileRejected as rejected:
        name = rejected.name
        if rejected.reason == "too_large":
            raise TargetValueError(
                TargetValueErrorCode.EVIDENCE_TOO_LARGE,
                f"Tệp minh chứng «{name}» vượt quá dung lượng cho phép {size_text(rejected.limit)}.",
                field="evidence",
            ) from None
        raise TargetValueError(
            TargetValueErrorCode.EVIDENCE_TYPE,
            f"Tệp minh chứng «{name}» không phải tệp {EVIDENCE_TEXT} hợp lệ (nội dung tệp được kiểm tra, "
            "không dựa vào tên tệp).",
            field="evidence",
        ) from None
