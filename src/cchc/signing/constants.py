"""Stable error codes of signing and verification (``cchc.signing``)."""

from __future__ import annotations

from enum import StrEnum

from cchc.common.errors import DomainError


class SigningErrorCode(StrEnum):
    NOT_PDF = "signing.not_pdf"
    PDF_ENCRYPTED = "signing.pdf_encrypted"
    PDF_MALFORMED = "signing.pdf_malformed"
    NO_CERTIFICATE = "signing.no_certificate"
    CERTIFICATE_EXPIRED = "signing.certificate_expired"
    CERTIFICATE_NOT_FOR_SIGNING = "signing.certificate_not_for_signing"
    SIGNER_UNAVAILABLE = "signing.signer_unavailable"
    NOT_CONFIGURED = "signing.not_configured"


class SigningError(DomainError[SigningErrorCode]):
    """A refused signing: the document or the certificate does not allow it; nothing was signed."""

    codes = SigningErrorCode
    statuses = {
        SigningErrorCode.NOT_PDF: 415,
        SigningErrorCode.PDF_ENCRYPTED: 400,
        SigningErrorCode.PDF_MALFORMED: 400,
        SigningErrorCode.NO_CERTIFICATE: 503,
        SigningErrorCode.CERTIFICATE_EXPIRED: 409,
        SigningErrorCode.CERTIFICATE_NOT_FOR_SIGNING: 409,
        SigningErrorCode.SIGNER_UNAVAILABLE: 502,
        SigningErrorCode.NOT_CONFIGURED: 503,
    }
