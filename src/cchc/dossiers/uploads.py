"""Checking an uploaded component of an online dossier before anything is stored.

The type is decided by the file's content (its leading "magic" bytes and, for Word documents, the
parts inside the ZIP container), never by the name or the browser's ``Content-Type``: an executable
or a web page renamed ``to-khai.pdf`` is refused. Accepted: PDF, JPEG, PNG and Word (.docx, the
OOXML format; legacy .doc and macro-enabled .docm are refused). The stored name never comes from the
applicant: it is built from the dossier id, the content hash and the extension of the sniffed type
(``cchc.dossiers.models._document_path``); the original name is kept only for display.

legal: Nghị định 45/2020/NĐ-CP Điều 9 and TT 01/2023/TT-VPCP: the electronic components of an online
dossier are files in common formats (PDF, images, office documents) that the portal checks for
safety before reception.
"""

from __future__ import annotations

import hashlib
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings

from cchc.dossiers.constants import DossierError, DossierErrorCode

CHUNK = 64 * 1024

# content type -> (extension, Vietnamese name shown in messages)
ALLOWED: dict[str, tuple[str, str]] = {
    "application/pdf": (".pdf", "PDF"),
    "image/jpeg": (".jpg", "ảnh JPEG"),
    "image/png": (".png", "ảnh PNG"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx", "Word (.docx)"),
}
# The ``accept=`` attribute of the file inputs: a hint for the browser's picker only; the server decides.
ACCEPT = ".pdf,.jpg,.jpeg,.png,.docx,application/pdf,image/jpeg,image/png"
ALLOWED_TEXT = "PDF, JPEG, PNG hoặc Word (.docx)"

_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"
_ZIP = b"PK\x03\x04"


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed the checks: what its content is, its size and SHA-256 (hex)."""

    file: Any  # the uploaded file object (read again from the start when stored)
    original_name: str
    content_type: str
    extension: str
    size: int
    sha256: str


def max_bytes() -> int:
    return int(getattr(settings, "CCHC_UPLOAD_MAX_BYTES", 10 * 1024 * 1024))


def size_text(size: int) -> str:
    """A size for people: "10 MB", "512 KB" (1 MB = 1024 × 1024 bytes)."""
    if size >= 1024 * 1024:
        value = size / (1024 * 1024)
        return f"{value:.0f} MB" if value == int(value) else f"{value:.1f} MB".replace(".", ",")
    return f"{max(1, round(size / 1024))} KB"


def display_name(name: str) -> str:
    """The applicant's file name, for display only: no directory, no control characters, ≤ 255 chars."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C")
    return cleaned.strip()[:255] or "tệp không tên"


def sniff(head: bytes, tail: bytes, stream: IO[bytes]) -> str | None:
    """The content type of a file from its first and last bytes (and its ZIP directory); None if not allowed."""
    if head.startswith((b"%PDF-1.", b"%PDF-2.")) and b"%%EOF" in tail:
        return "application/pdf"
    if head.startswith(_JPEG):
        return "image/jpeg"
    if head.startswith(_PNG) and head[12:16] == b"IHDR":
        return "image/png"
    if head.startswith(_ZIP) and _is_docx(stream):
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return None


def _is_docx(stream: IO[bytes]) -> bool:
    """A real .docx: a ZIP whose [Content_Types].xml declares the main Word document part, without macros.

    Only the central directory and one small XML part are read (no member is extracted to disk).
    """
    try:
        stream.seek(0)
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names or "word/document.xml" not in names:
                return False
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                return False
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > 1024 * 1024:
                return False
            types = archive.read(info)
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, NotImplementedError, EOFError):
        return False
    return b"wordprocessingml.document.main+xml" in types and b"macroEnabled" not in types


def upload_check(*, file: Any, label: str, limit: int | None = None) -> CheckedUpload:
    """Check one uploaded file for the component ``label``; raise ``DossierError`` with a Vietnamese message.

    - empty file: ``dossier.invalid_input``;
    - larger than ``limit`` (default ``CCHC_UPLOAD_MAX_BYTES``): ``dossier.upload_too_large``;
    - content not PDF, JPEG, PNG or .docx (whatever the name says): ``dossier.upload_type_not_allowed``.

    The size is counted from the bytes actually read, not from what the client declared.
    """
    limit = max_bytes() if limit is None else limit
    name = display_name(str(getattr(file, "name", "") or ""))
    file.seek(0)
    digest = hashlib.sha256()
    size = 0
    head = b""
    tail = b""
    while True:
        chunk = file.read(CHUNK)
        if not chunk:
            break
        if len(head) < 16:
            head = (head + chunk)[:1024]
        size += len(chunk)
        if size > limit:
            file.seek(0)
            raise DossierError(
                DossierErrorCode.UPLOAD_TOO_LARGE,
                f"Tệp «{name}» ({label}) vượt quá dung lượng cho phép {size_text(limit)}.",
            )
        digest.update(chunk)
        tail = (tail + chunk)[-2048:]
    if size == 0:
        file.seek(0)
        raise DossierError(DossierErrorCode.INVALID_INPUT, f"Tệp «{name}» ({label}) rỗng, không có nội dung.")
    content_type = sniff(head, tail, file)
    file.seek(0)
    if content_type is None:
        raise DossierError(
            DossierErrorCode.UPLOAD_TYPE_NOT_ALLOWED,
            f"Tệp «{name}» ({label}) không phải tệp {ALLOWED_TEXT} hợp lệ. Nội dung tệp được kiểm tra, "
            "không dựa vào tên hay phần mở rộng của tệp.",
        )
    return CheckedUpload(
        file=file,
        original_name=name,
        content_type=content_type,
        extension=ALLOWED[content_type][0],
        size=size,
        sha256=digest.hexdigest(),
    )
