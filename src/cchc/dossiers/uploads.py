"""The one-stop-shop's codes for a refused component file.

The check itself is the platform's (:func:`cchc.common.uploads.file_check`: content, size, SHA-256);
here a refusal becomes a :class:`DossierError` whose code the portal and the API answer with.

legal: Nghị định 45/2020/NĐ-CP Điều 9 and TT 01/2023/TT-VPCP: the electronic components of an online
dossier are files in common formats (PDF, images, office documents) that the portal checks for
safety before reception.
"""

from __future__ import annotations

from typing import Any

from cchc.common.uploads import CheckedUpload, FileRejected, file_check
from cchc.dossiers.constants import DossierError, DossierErrorCode

CODES: dict[str, DossierErrorCode] = {
    "empty": DossierErrorCode.INVALID_INPUT,
    "too_large": DossierErrorCode.UPLOAD_TOO_LARGE,
    "type": DossierErrorCode.UPLOAD_TYPE_NOT_ALLOWED,
}


def upload_check(*, file: Any, label: str, limit: int | None = None) -> CheckedUpload:
    """Check one uploaded file for the component ``label``; raise ``DossierError`` with a Vietnamese message.

    - empty file: ``dossier.invalid_input``;
    - larger than ``limit`` (default ``CCHC_UPLOAD_MAX_BYTES``): ``dossier.upload_too_large``;
    - content not PDF, JPEG, PNG or .docx (whatever the name says): ``dossier.upload_type_not_allowed``.

    The size is counted from the bytes actually read, not from what the client declared.
    """
    try:
        return file_check(file=file, limit=limit)
    except FileRejected as rejected:
        raise DossierError(CODES[rejected.reason], rejected.message_for(label=label)) from None
