"""Verification of a signed result: the signature checked with pyHanko's validator against the
province's trusted roots.

Legal basis: Nghị định 23/2025/NĐ-CP Điều 22-23 (a digital signature is valid when it was created with
the private key of a certificate valid at that moment, issued under a trusted root, and the data message
has not changed since it was signed); Luật Giao dịch điện tử 2023 Điều 22-23.

:func:`verify` answers for the last signature of the document: whether the signed bytes are intact, the
signature cryptographically valid and its certificate trusted (a path to a root of
``CCHC_SIGNING_TRUST_ROOTS``, or the development root of ``CCHC_SIGNING_DIR``), whether it covers the
whole file (nothing added after signing), who signed (the certificate's name and organisation), when
(the time the signer reported; with a timestamp token, PAdES B-T, also the authority's time, the token
checked the same way: intact, valid, trusted) and why (/Reason).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any

from cchc.signing import pki
from cchc.signing.asyncsafe import sync_call


@dataclass(frozen=True)
class Verification:
    """The answer of :func:`verify`. ``valid``: signed, intact, cryptographically valid, trusted and
    covering the whole document; ``problem``: why not, in Vietnamese (empty when valid)."""

    signed: bool
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    whole_document: bool = False
    signer: str = ""
    organisation: str = ""
    signed_at: datetime | None = None
    reason: str = ""
    problem: str = ""
    timestamped: bool = False  # PAdES B-T: a timestamp token of an RFC 3161 authority on the signature
    timestamp_at: datetime | None = None


def trust_root_paths() -> list[Path]:
    from django.conf import settings

    configured = [Path(p.strip()) for p in settings.CCHC_SIGNING_TRUST_ROOTS]
    return configured or [pki.signing_dir() / pki.ROOT_CERT]


@lru_cache(maxsize=8)
def _roots(paths: tuple[tuple[str, float], ...]) -> tuple[Any, ...]:
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509

    roots = []
    for path, _mtime in paths:
        data = Path(path).read_bytes()
        if pem.detect(data):
            _, _, data = pem.unarmor(data)
        roots.append(asn1_x509.Certificate.load(data))
    return tuple(roots)


def trust_roots() -> tuple[Any, ...]:
    """The trusted roots (asn1crypto certificates), re-read when a file changes."""
    paths = tuple((str(p), p.stat().st_mtime) for p in trust_root_paths() if p.exists())
    return _roots(paths)


def verify(pdf: bytes) -> Verification:
    """Verify the last signature of ``pdf`` (never raises for a bad document: ``problem`` says why)."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError, IndexError, OSError):
        return Verification(signed=False, problem="Tệp không phải là tệp PDF đọc được.")
    if not signatures:
        return Verification(signed=False, problem="Tệp không có chữ ký số.")
    embedded = signatures[-1]
    context = ValidationContext(trust_roots=list(trust_roots()), allow_fetching=False)
    try:
        status = sync_call(validate_pdf_signature, embedded, context)
    except (SignatureValidationError, PdfError, ValueError, KeyError, TypeError) as exc:
        return Verification(signed=True, problem=f"Không kiểm tra được chữ ký số ({type(exc).__name__}).")
    subject = status.signing_cert.subject.native if status.signing_cert is not None else {}
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    stamp = status.timestamp_validity
    stamp_ok = stamp is None or bool(stamp.intact and stamp.valid and stamp.trusted)
    valid = bool(status.intact and status.valid and status.trusted and whole and stamp_ok)
    if not status.intact:
        problem = "Nội dung văn bản đã bị thay đổi sau khi ký số."
    elif not status.valid:
        problem = "Chữ ký số không hợp lệ."
    elif not status.trusted:
        problem = "Chứng thư số của người ký không do tổ chức chứng thực được tin cậy cấp, hoặc đã hết hạn."
    elif not whole:
        problem = "Văn bản đã được bổ sung nội dung sau khi ký số."
    elif not stamp_ok:
        problem = "Dấu thời gian trên chữ ký số không hợp lệ hoặc không do tổ chức được tin cậy cấp."
    else:
        problem = ""
    reason = embedded.sig_object.get("/Reason")
    return Verification(
        signed=True,
        intact=bool(status.intact),
        valid=valid,
        trusted=bool(status.trusted),
        whole_document=whole,
        signer=str(subject.get("common_name", "")),
        organisation=str(subject.get("organization_name", "")),
        signed_at=status.signer_reported_dt,
        reason=str(reason) if reason is not None else "",
        problem=problem,
        timestamped=stamp is not None,
        timestamp_at=stamp.timestamp if stamp is not None else None,
    )


@dataclass(frozen=True)
class StoredCheck:
    """The answer of :func:`stored_check` for a signed document kept by the platform: ``state`` is
    ``missing`` (no file in the store), ``altered`` (its SHA-256 is not the one recorded when it was signed),
    ``bad_signature`` (the hash matches but the signature does not verify: ``verification.problem`` says
    why) or ``valid``. Each verification page words it for its own document (results, receipts)."""

    state: str
    verification: Verification | None = None

    @property
    def valid(self) -> bool:
        return self.state == "valid"


def stored_check(data: bytes | None, sha256: str) -> StoredCheck:
    """Check a stored signed PDF: its bytes against the SHA-256 recorded when it was signed, then its
    signature (:func:`verify`). ``data`` None: the file could not be read from the store."""
    import hashlib
    import hmac

    if data is None:
        return StoredCheck("missing")
    if not sha256 or not hmac.compare_digest(hashlib.sha256(data).hexdigest(), sha256):
        return StoredCheck("altered")
    checked = verify(data)
    return StoredCheck("valid" if checked.valid else "bad_signature", checked)
