"""Signing a result PDF: the :class:`Signer` interface and the local signer (key and certificate in files).

Legal basis: Nghị định 23/2025/NĐ-CP (chữ ký điện tử và dịch vụ tin cậy): an agency signs an electronic
document with its specialised public-service digital signature (chữ ký số chuyên dùng công vụ), whose
certificate must be valid at the moment of signing and allow signing (Điều 22-24); Luật Giao dịch điện tử
2023 Điều 22-23; the visible block: Nghị định 30/2020/NĐ-CP Phụ lục I (``cchc.signing.stamp``).

The signature is a PAdES baseline B-B signature (ETSI EN 319 142-1; sub-filter ETSI.CAdES.detached) made
with pyHanko, covering the whole document, with the visible block on the last page. With ``CCHC_TSA_URL``
set it is PAdES B-T: pyHanko's ``HTTPTimeStamper`` asks that RFC 3161 authority for a timestamp token on the
signature (development: ``cchc.signing.tsa``); an authority that does not answer is
``signing.signer_unavailable`` (the caller retries), never a signature without its timestamp.

Which signer runs is a setting, ``CCHC_SIGNER``: ``local`` (:class:`LocalCertificateSigner`, files under
``CCHC_SIGNING_DIR``). A PKCS#11 token (pyHanko's ``PKCS11Signer``) or a remote signing service (pyHanko's
CSC client, or a provider's API) is added as another class with the same ``sign`` method and registered
in :data:`SIGNERS` (docs/digital.md).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

from cchc.signing import pki
from cchc.signing.asyncsafe import sync_call
from cchc.signing.constants import SigningError, SigningErrorCode
from cchc.signing.pdfcheck import pdf_check

if TYPE_CHECKING:
    from pyhanko.sign.signers import SimpleSigner

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
FIELD_NAME = "CCHC-ChuKySoKetQua"
MARGIN = 36  # points from the page's bottom-right corner
BYTES_RESERVED = 8192  # the CMS signature's room (performance: no dry-run signature to size it)
BYTES_RESERVED_TIMESTAMPED = 16384  # with a timestamp token (its own signature and the TSA's certificate)
TSA_TIMEOUT = 5  # seconds


@dataclass(frozen=True)
class SignRequest:
    """What to sign and what the visible block shows.

    ``agency_code``: the registry code whose certificate signs; ``agency_name``: the name printed
    ("Ký bởi"); ``province``: printed after it; ``verify_url``: the public verification page (the QR
    code and the last line); ``reason``: the signature's /Reason (the result's title)."""

    pdf: bytes
    agency_code: str
    agency_name: str
    verify_url: str
    reason: str
    province: str = "Tỉnh Khánh Hòa"
    location: str = "Khánh Hòa, Việt Nam"


class Signer(Protocol):
    """Signs a result PDF for an agency; raises :class:`SigningError` (nothing signed) when it cannot.

    ``SIGNER_UNAVAILABLE`` means a temporary fault (a token or service not answering): the caller retries
    later; the other codes are the document's or the certificate's fault."""

    def sign(self, request: SignRequest) -> bytes: ...


def _display_time(moment: datetime) -> str:
    """ISO 8601 in Vietnam's time zone, to the second (NĐ 30/2020 Phụ lục I)."""
    return moment.astimezone(VN_TZ).replace(microsecond=0).isoformat()


def _short(url: str) -> str:
    return url.split("://", 1)[-1]


def certificate_check(cert: Any, *, at: datetime) -> None:
    """Refuse a certificate that is not valid at ``at`` or whose key usages do not allow signing
    (NĐ 23/2025/NĐ-CP: the signature is created while the certificate is valid, with a key for signing).
    ``cert``: an asn1crypto certificate (what pyHanko holds)."""
    validity = cert["tbs_certificate"]["validity"]
    not_before = validity["not_before"].native
    not_after = validity["not_after"].native
    subject = cert.subject.native.get("common_name", "")
    if at >= not_after:
        raise SigningError(
            SigningErrorCode.CERTIFICATE_EXPIRED,
            f"Chứng thư số của «{subject}» đã hết hạn ngày {not_after.astimezone(VN_TZ):%d/%m/%Y}; "
            "không thể ký số kết quả.",
        )
    if at < not_before:
        raise SigningError(
            SigningErrorCode.CERTIFICATE_EXPIRED,
            f"Chứng thư số của «{subject}» chưa có hiệu lực (từ ngày {not_before.astimezone(VN_TZ):%d/%m/%Y}).",
        )
    usage = cert.key_usage_value
    allowed = set(usage.native) if usage is not None else set()
    if not ({"digital_signature", "non_repudiation"} & allowed):
        raise SigningError(
            SigningErrorCode.CERTIFICATE_NOT_FOR_SIGNING,
            f"Chứng thư số của «{subject}» không dùng để ký số (thiếu mục đích sử dụng khóa ký).",
        )


class LocalCertificateSigner:
    """Signs with an agency's key and certificate read from ``directory`` (PEM pair or PKCS#12; see
    ``cchc.signing.pki``). Loaded keys are kept per agency until their files change."""

    def __init__(self, directory: Path | None = None, *, p12_passphrase: str | None = None) -> None:
        self.directory = directory
        self.p12_passphrase = p12_passphrase
        self._cache: dict[str, tuple[float, SimpleSigner]] = {}
        self._lock = threading.Lock()

    def _directory(self) -> Path:
        return self.directory if self.directory is not None else pki.signing_dir()

    def _load(self, code: str) -> SimpleSigner:
        from pyhanko.sign.signers import SimpleSigner

        folder = self._directory() / pki.AGENCIES
        pem, key, p12 = folder / f"{code}.pem", folder / f"{code}.key", folder / f"{code}.p12"
        source = p12 if p12.exists() else pem
        if not source.exists() or (source is pem and not key.exists()):
            raise SigningError(
                SigningErrorCode.NO_CERTIFICATE,
                f"Chưa có chứng thư số ký kết quả của cơ quan «{code}» (chạy «cchc signing setup» "
                "hoặc nạp chứng thư do tổ chức cung cấp dịch vụ chứng thực cấp).",
            )
        stamp = source.stat().st_mtime
        with self._lock:
            cached = self._cache.get(str(source))
            if cached is not None and cached[0] == stamp:
                return cached[1]
        root = self._directory() / pki.ROOT_CERT
        chain = [str(root)] if root.exists() else []
        signer: SimpleSigner | None
        if source is p12:
            passphrase = self.p12_passphrase
            if passphrase is None:
                from django.conf import settings

                passphrase = settings.CCHC_SIGNING_P12_PASSPHRASE
            signer = SimpleSigner.load_pkcs12(
                str(p12), ca_chain_files=chain, passphrase=passphrase.encode() if passphrase else None
            )
        else:
            signer = SimpleSigner.load(str(key), str(pem), ca_chain_files=chain)
        if signer is None:
            raise SigningError(
                SigningErrorCode.NO_CERTIFICATE, f"Không đọc được khóa hoặc chứng thư số của cơ quan «{code}»."
            )
        with self._lock:
            self._cache[str(source)] = (stamp, signer)
        return signer

    def sign(self, request: SignRequest) -> bytes:
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.pdf_utils.layout import LayoutError
        from pyhanko.pdf_utils.misc import PdfError
        from pyhanko.sign import fields, signers
        from pyhanko.sign.general import SigningError as PyHankoSigningError
        from pyhanko.sign.timestamps.common_utils import TimestampRequestError

        from cchc.signing.stamp import BLOCK_HEIGHT, BLOCK_WIDTH, stamp_style

        pages = pdf_check(request.pdf)
        signer = self._load(request.agency_code)
        at = datetime.now(UTC)
        assert signer.signing_cert is not None
        certificate_check(signer.signing_cert, at=at)
        writer = IncrementalPdfFileWriter(BytesIO(request.pdf), strict=False)
        last = pages - 1
        box = _page_box(writer, last) or (0.0, 0.0, 595.0, 842.0)
        x2 = box[2] - MARGIN
        y1 = box[1] + MARGIN
        field_name = f"{FIELD_NAME}-{at:%Y%m%d%H%M%S%f}"  # a new field even on a document signed before
        meta = signers.PdfSignatureMetadata(
            field_name=field_name,
            reason=request.reason[:200],
            location=request.location,
            name=request.agency_name,
            subfilter=fields.SigSeedSubFilter.PADES,
            md_algorithm="sha256",
        )
        timestamper = _timestamper()
        pdf_signer = signers.PdfSigner(
            meta,
            signer=signer,
            timestamper=timestamper,
            stamp_style=stamp_style(),
            new_field_spec=fields.SigFieldSpec(
                field_name, on_page=last, box=(int(x2 - BLOCK_WIDTH), int(y1), int(x2), int(y1 + BLOCK_HEIGHT))
            ),
        )
        _verification_link(
            writer,
            last,
            (x2 - BLOCK_WIDTH, y1, x2, y1 + BLOCK_HEIGHT),
            request.verify_url,
        )
        out = BytesIO()
        try:
            sync_call(
                pdf_signer.sign_pdf,
                writer,
                output=out,
                bytes_reserved=BYTES_RESERVED if timestamper is None else BYTES_RESERVED_TIMESTAMPED,
                appearance_text_params={
                    "signer": request.agency_name,
                    "organisation": f"{request.agency_name}, {request.province}",
                    "at": _display_time(at),
                    "url": request.verify_url,
                    "short_url": _short(request.verify_url),
                },
            )
        except TimestampRequestError as exc:
            raise SigningError(
                SigningErrorCode.SIGNER_UNAVAILABLE,
                "Dịch vụ cấp dấu thời gian không phản hồi; hệ thống sẽ ký lại sau.",
            ) from exc
        except (PdfError, PyHankoSigningError, LayoutError, ValueError, KeyError, TypeError) as exc:
            # a document the check let through but pyHanko cannot update (a damaged page tree, …)
            raise SigningError(
                SigningErrorCode.PDF_MALFORMED, f"Không ký số được tệp PDF này ({type(exc).__name__})."
            ) from exc
        return out.getvalue()


def _timestamper() -> Any:
    """pyHanko's RFC 3161 client for ``CCHC_TSA_URL``, or None (B-B) when it is empty."""
    from django.conf import settings

    url = str(getattr(settings, "CCHC_TSA_URL", "") or "")
    if not url:
        return None
    from pyhanko.sign.timestamps.requests_client import HTTPTimeStamper

    return HTTPTimeStamper(url, timeout=TSA_TIMEOUT)


def _verification_link(writer: Any, page: int, rect: tuple[float, float, float, float], url: str) -> None:
    """A URI link annotation over the visible block (the QR code and the verification line) to ``url``, so
    that a reader on screen opens the verification page with a click. It is added to the same incremental
    update as the signature, before the signature's digest is computed: the signature covers it. Only an
    absolute http(s) address is linked (``result_verify_url`` builds it from ``CCHC_SITE_URL``)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name, pdf_string

    if not url.startswith(("https://", "http://")):
        return
    page_ref, _ = writer.find_page_for_modification(page)
    link = generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/Annot"),
            pdf_name("/Subtype"): pdf_name("/Link"),
            pdf_name("/Rect"): generic.ArrayObject([generic.FloatObject(v) for v in rect]),
            pdf_name("/Border"): generic.ArrayObject([generic.NumberObject(0)] * 3),
            pdf_name("/F"): generic.NumberObject(4),  # printed, as the block it covers
            pdf_name("/A"): generic.DictionaryObject(
                {pdf_name("/S"): pdf_name("/URI"), pdf_name("/URI"): pdf_string(url)}
            ),
        }
    )
    writer.register_annotation(page_ref, writer.add_object(link))


def _page_box(writer: Any, index: int) -> tuple[float, float, float, float] | None:
    try:
        ref, _ = writer.find_page_for_modification(index)
        page = ref.get_object()
        media = page.get("/MediaBox") or page.get("/CropBox")
        if media is None:
            return None
        values = [float(v) for v in media.get_object()]
        return values[0], values[1], values[2], values[3]
    except (KeyError, ValueError, TypeError, IndexError):
        return None


SIGNERS: dict[str, Callable[[], Signer]] = {"local": LocalCertificateSigner}
_signer: tuple[str, Signer] | None = None


def signer_get() -> Signer:
    """The signer ``CCHC_SIGNER`` names (one instance per process)."""
    global _signer
    from django.conf import settings

    name = settings.CCHC_SIGNER
    if _signer is not None and _signer[0] == name:
        return _signer[1]
    factory = SIGNERS.get(name)
    if factory is None:
        raise SigningError(SigningErrorCode.NOT_CONFIGURED, f"Không có bộ ký số «{name}» (CCHC_SIGNER).")
    _signer = (name, factory())
    return _signer[1]
