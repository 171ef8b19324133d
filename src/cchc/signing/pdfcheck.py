"""The check of a PDF before it is signed: a PDF by its content, not encrypted, readable.

Legal basis: Nghị định 23/2025/NĐ-CP Điều 22 (a digital signature is created on the data message whose
integrity it then protects: a document that cannot be read, or is encrypted so that nobody but its holder
can read it, cannot be issued as a signed result); Luật Giao dịch điện tử 2023 Điều 9-10 (a data message
has the value of an original when its integrity is ensured and it can be accessed and used in full).
"""

from __future__ import annotations

from io import BytesIO

from cchc.signing.constants import SigningError, SigningErrorCode

MAX_BYTES = 20 * 1024 * 1024


def pdf_check(data: bytes) -> int:
    """Refuse ``data`` unless it is a readable, non-encrypted PDF; return its number of pages."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    if len(data) > MAX_BYTES:
        raise SigningError(SigningErrorCode.PDF_MALFORMED, "Tệp kết quả vượt quá 20 MB.")
    if not data[:1024].lstrip().startswith(b"%PDF-"):
        raise SigningError(SigningErrorCode.NOT_PDF, "Tệp kết quả không phải là tệp PDF.")
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        if reader.encrypted:
            raise SigningError(
                SigningErrorCode.PDF_ENCRYPTED,
                "Tệp PDF kết quả đã được mã hóa hoặc đặt mật khẩu; cần tệp không mã hóa để ký số.",
            )
        pages = int(reader.root["/Pages"]["/Count"])
        if pages < 1:
            raise ValueError("no page")
        reader.root["/Pages"]["/Kids"][0].get_object()
    except SigningError:
        raise
    except (PdfError, ValueError, KeyError, TypeError, IndexError, AttributeError, OSError) as exc:
        raise SigningError(
            SigningErrorCode.PDF_MALFORMED, "Tệp PDF kết quả bị lỗi cấu trúc, không đọc được để ký số."
        ) from exc
    return pages
