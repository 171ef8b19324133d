"""Uploaded files: checked by their content before anything is stored, then stored under names that never
come from the uploader, and deleted again if the service that wrote them fails.

The type is decided by the file's content (its leading "magic" bytes and, for Office documents, the
parts inside the ZIP container), never by the name or the browser's ``Content-Type``: an executable
or a web page renamed ``to-khai.pdf`` is refused. Accepted: PDF, JPEG, PNG and Word (.docx, the
OOXML format; legacy .doc and macro-enabled .docm are refused), and for evidence files also Excel
(.xlsx, without macros). Every app that takes files uses this one check: the one-stop-shop's online
dossiers and supplements, plans' evidence, feedback answers, PAR evidence and target values' evidence.
A refused file is a :class:`FileRejected` (``upload.empty``, ``upload.too_large``,
``upload.type_not_allowed``); each app turns it into its own stable code (``dossier.upload_too_large``,
``plans.upload_too_large``, ...) with the Vietnamese message of :meth:`FileRejected.message_for`.

The stored name is built by each model's ``upload_to`` from its owner's id, the content hash and the
extension of the sniffed type; the original name is kept only for display. Files are written through
the field's storage (Django's storage API, ``default_storage`` unless a field says otherwise), so a
bucket backend (S3) works as well as the local disk; :func:`files_written` deletes them again when the
block that wrote them raises.

legal: Nghị định 45/2020/NĐ-CP Điều 9 and TT 01/2023/TT-VPCP: the electronic components of an online
dossier are files in common formats (PDF, images, office documents) that the portal checks for
safety before reception.
"""

from __future__ import annotations

import errno
import hashlib
import unicodedata
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage
from django.db.models.fields.files import FieldFile

from cchc.common.errors import DomainError

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

# Evidence files (tài liệu kiểm chứng, minh chứng) may also be tables of figures: Excel workbooks.
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EVIDENCE_TYPES: dict[str, tuple[str, str]] = {**ALLOWED, XLSX: (".xlsx", "Excel (.xlsx)")}

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


def sniff(head: bytes, tail: bytes, stream: IO[bytes], *, types: dict[str, tuple[str, str]] = ALLOWED) -> str | None:
    """The content type of a file from its first and last bytes (and its ZIP directory), if it is one of
    ``types``; None otherwise."""
    found: str | None = None
    if head.startswith((b"%PDF-1.", b"%PDF-2.")) and b"%%EOF" in tail:
        found = "application/pdf"
    elif head.startswith(_JPEG):
        found = "image/jpeg"
    elif head.startswith(_PNG) and head[12:16] == b"IHDR":
        found = "image/png"
    elif head.startswith(_ZIP):
        if _is_ooxml(stream, "word/document.xml", b"wordprocessingml.document.main+xml"):
            found = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        elif XLSX in types and _is_ooxml(stream, "xl/workbook.xml", b"spreadsheetml.sheet.main+xml"):
            found = XLSX
    return found if found in types else None


def _is_ooxml(stream: IO[bytes], main_part: str, main_type: bytes) -> bool:
    """A real Office Open XML file (.docx, .xlsx): a ZIP whose [Content_Types].xml declares ``main_type``
    for its ``main_part``, without macros.

    Only the central directory and one small XML part are read (no member is extracted to disk).
    """
    try:
        stream.seek(0)
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names or main_part not in names:
                return False
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                return False
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > 1024 * 1024:
                return False
            declared = archive.read(info)
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, NotImplementedError, EOFError):
        return False
    return main_type in declared and b"macroEnabled" not in declared


class FileRejected(Exception):
    """A file refused by :func:`file_check`; ``reason``: ``empty``, ``too_large`` or ``type``.

    ``code`` says the same thing in the platform's terms (``upload.empty``, ``upload.too_large``,
    ``upload.type_not_allowed``); each app turns the refusal into its own error code (whose class
    declares the HTTP status: 400, 413, 415), with the Vietnamese message of :meth:`message_for`.
    """

    CODES = {"empty": "upload.empty", "too_large": "upload.too_large", "type": "upload.type_not_allowed"}

    def __init__(self, reason: str, *, name: str, limit: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.name = name
        self.limit = limit

    @property
    def code(self) -> str:
        return self.CODES[self.reason]

    def message_for(self, *, label: str = "", allowed_text: str = ALLOWED_TEXT) -> str:
        """The Vietnamese message: the file's name, the component ``label`` it was given for (if any) and,
        for a wrong type, what is accepted (``allowed_text``)."""
        file = f"«{self.name}» ({label})" if label else f"«{self.name}»"
        if self.reason == "too_large":
            return f"Tệp {file} vượt quá dung lượng cho phép {size_text(self.limit)}."
        if self.reason == "empty":
            return f"Tệp {file} rỗng, không có nội dung."
        return (
            f"Tệp {file} không phải tệp {allowed_text} hợp lệ. Nội dung tệp được kiểm tra, "
            "không dựa vào tên hay phần mở rộng của tệp."
        )


def file_check(*, file: Any, types: dict[str, tuple[str, str]] = ALLOWED, limit: int | None = None) -> CheckedUpload:
    """Read ``file`` once: its size (from the bytes actually read, not what the client declared), SHA-256
    and content type (by content, never by name), one of ``types``; raise :class:`FileRejected`.
    The file is left at its start.

    Limit: ``limit`` bytes, by default ``CCHC_UPLOAD_MAX_BYTES`` (10 MB).
    """
    limit = max_bytes() if limit is None else limit
    name = display_name(str(getattr(file, "name", "") or ""))
    file.seek(0)
    digest = hashlib.sha256()
    size = 0
    head = b""
    tail = b""
    while chunk := file.read(CHUNK):
        if len(head) < 16:
            head = (head + chunk)[:1024]
        size += len(chunk)
        if size > limit:
            file.seek(0)
            raise FileRejected("too_large", name=name, limit=limit)
        digest.update(chunk)
        tail = (tail + chunk)[-2048:]
    if size == 0:
        file.seek(0)
        raise FileRejected("empty", name=name, limit=limit)
    content_type = sniff(head, tail, file, types=types)
    file.seek(0)
    if content_type is None:
        raise FileRejected("type", name=name, limit=limit)
    return CheckedUpload(
        file=file,
        original_name=name,
        content_type=content_type,
        extension=types[content_type][0],
        size=size,
        sha256=digest.hexdigest(),
    )


# --- storage -----------------------------------------------------------------------------------------


class StorageErrorCode(StrEnum):
    UNAVAILABLE = "storage.unavailable"
    FULL = "storage.full"
    MISSING = "storage.missing"


class StorageError(DomainError[StorageErrorCode]):
    """The file store did not answer (issue 17 item 2): the S3-compatible bucket is unreachable or refused
    the request. 503 — a fault of the installation, not of the person; whatever the request was writing
    was rolled back with its transaction (and its files deleted where the store still answers)."""

    codes = StorageErrorCode
    # 507 Insufficient Storage (RFC 4918 §11.5): the server cannot store what the request needs
    statuses = {StorageErrorCode.UNAVAILABLE: 503, StorageErrorCode.FULL: 507, StorageErrorCode.MISSING: 503}


STORAGE_UNAVAILABLE = (
    "Kho lưu trữ tệp tạm thời không truy cập được; yêu cầu chưa được thực hiện, không có gì thay đổi. "
    "Vui lòng thử lại sau ít phút."
)
STORAGE_FULL = (
    "Kho lưu trữ tệp đã hết chỗ trống nên chưa lưu được tệp đính kèm; yêu cầu chưa được thực hiện, không có gì "
    "thay đổi. Vui lòng thử lại sau hoặc liên hệ bộ phận một cửa."
)
STORAGE_MISSING = (
    "Không đọc được tệp «{name}» của hồ sơ trong kho lưu trữ (tệp không còn trong kho); thao tác chưa được thực "
    "hiện, không có gì thay đổi. Vui lòng báo quản trị hệ thống."
)
# a full disk or quota, a file over the file system's or the process's size limit
FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def storage_failure(exc: BaseException) -> StorageError | None:
    """``exc`` as a :class:`StorageError` when it comes from the S3 client (botocore: no connection, a
    timeout, an error answer) or is a local file system's "no space left" (``storage.full``), else None.
    A local directory's other faults stay ``OSError`` (a defect: permissions, a missing mount)."""
    if isinstance(exc, OSError) and exc.errno in FULL_ERRNOS:
        return StorageError(StorageErrorCode.FULL, STORAGE_FULL)
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:  # pragma: no cover (django-storages[s3] is a dependency)
        return None
    if isinstance(exc, BotoCoreError | ClientError):
        return StorageError(StorageErrorCode.UNAVAILABLE, STORAGE_UNAVAILABLE)
    return None


def field_file_save(target: FieldFile, name: str, content: File[Any]) -> str:
    """``target.save(name, content, save=False)`` (the field's ``upload_to`` and storage decide where),
    leaving nothing half-written when the store fails (issue 17 item 5, "the upload disk full"):
    Django's local storage writes the final path directly and leaves a truncated file behind when the
    disk fills up mid-write; that file is deleted here, and a full disk becomes ``storage.full`` (507,
    :func:`storage_failure`) instead of a server error. Returns the stored name."""
    field = target.field
    planned = target.storage.get_available_name(field.generate_filename(target.instance, name), field.max_length)
    try:
        stored = target.storage.save(planned, content, max_length=field.max_length)
    except OSError as exc:
        _discard(target.storage, planned)
        failure = storage_failure(exc)
        if failure is not None:
            raise failure from exc
        raise
    except BaseException:
        _discard(target.storage, planned)
        raise
    target.name = stored
    setattr(target.instance, field.attname, stored)
    target._committed = True  # type: ignore[attr-defined]  # as FieldFile.save does
    return stored


def field_file_read(target: FieldFile, label: str) -> bytes:
    """The content of a stored file a record names; a file gone from the store (an installation fault: a
    lost volume, a bucket emptied by hand) is ``storage.missing`` (503) for the person, not a server error."""
    try:
        with target.open("rb") as handle:
            return bytes(handle.read())
    except FileNotFoundError as exc:
        raise StorageError(StorageErrorCode.MISSING, STORAGE_MISSING.format(name=label)) from exc


def _discard(storage: Storage, name: str) -> None:
    """Delete ``name`` if the failed write left it (a store that fails again here is left alone: the
    write's own error is the one reported)."""
    try:
        if storage.exists(name):
            storage.delete(name)
    except Exception:  # noqa: BLE001, S110 (best effort after a failure already being raised)
        pass


@dataclass
class FilesWritten:
    """The files a service has written to storage so far (each with the storage it went to)."""

    files: list[tuple[Storage, str]] = field(default_factory=list)

    def save(self, target: FieldFile, upload: CheckedUpload, *, name: str | None = None) -> str:
        """Write ``upload`` through the file field ``target`` (its ``upload_to`` decides the stored name;
        ``name`` defaults to the sniffed extension), without saving the row; returns the stored name."""
        content = upload.file if isinstance(upload.file, File) else File(upload.file)
        content.seek(0)
        stored = field_file_save(target, upload.extension if name is None else name, content)
        self.files.append((target.storage, stored))
        return stored

    def delete(self) -> None:
        """Delete every file written so far (a missing one is no error)."""
        for storage, name in self.files:
            storage.delete(name)
        self.files.clear()


@contextmanager
def files_written() -> Iterator[FilesWritten]:
    """Collect the files written inside the block; if the block raises, delete them and re-raise.

    The rows that name the files are rolled back with the service's transaction; the files are not part
    of it, so they are deleted here. A caller's outer transaction that rolls back after the block has
    returned leaves the files as unreferenced orphans (content-addressed names, never served).
    """
    written = FilesWritten()
    try:
        yield written
    except BaseException:
        written.delete()
        raise
