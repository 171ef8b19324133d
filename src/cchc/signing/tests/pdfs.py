"""Small PDFs for the tests (built by hand with a correct cross-reference table: fast, no WeasyPrint)."""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

PDFSIG = shutil.which("pdfsig") or "/usr/bin/pdfsig"  # poppler-utils: the second, independent validator


def simple_pdf(text: str = "GIAY PHEP XAY DUNG SO 12/GPXD", *, pages: int = 1) -> bytes:
    """A valid A4 PDF of ``pages`` pages showing ``text`` (ASCII) in Helvetica."""
    objects: list[bytes] = []
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(pages))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode())
    font_ref = 3 + 2 * pages
    for i in range(pages):
        stream = f"BT /F1 14 Tf 72 760 Td ({text} - trang {i + 1}) Tj ET".encode()
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 {font_ref} 0 R >> >> "
            f"/Contents {4 + 2 * i} 0 R >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@lru_cache(maxsize=1)
def result_pdf() -> bytes:
    return simple_pdf()


def encrypted_pdf() -> bytes:
    """The same PDF encrypted with a user password (pyHanko's writer)."""
    from io import BytesIO

    from pyhanko.pdf_utils.crypt import StandardSecurityHandler
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.pdf_utils.writer import copy_into_new_writer

    reader = PdfFileReader(BytesIO(result_pdf()))
    writer = copy_into_new_writer(reader)
    writer.security_handler = StandardSecurityHandler.build_from_pw("mat-khau", "mat-khau")
    writer._encrypt = writer.add_object(writer.security_handler.as_pdf_object())
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def pdfsig(data: bytes, tmp_path: Path) -> str:
    """What poppler's ``pdfsig`` says of ``data`` (its standard output and error)."""
    path = tmp_path / "signed.pdf"
    path.write_bytes(data)
    run = subprocess.run([PDFSIG, str(path)], capture_output=True, text=True, timeout=60, check=False)
    return run.stdout + run.stderr
