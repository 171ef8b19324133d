"""Small PDFs written by hand with a correct cross-reference table (fast: no WeasyPrint): the simulated
scans and results of the demo data, and the documents of the tests. pyHanko signs them as it signs any
attached result, and poppler and pypdf read them."""

from __future__ import annotations

from functools import cache


@cache
def text_pdf(text: str, *, pages: int = 1) -> bytes:
    """A valid A4 PDF of ``pages`` pages, each showing ``text`` (ASCII) in Helvetica; with more than one
    page, each page also shows its number (« - trang N »)."""
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(pages))
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode())
    font_ref = 3 + 2 * pages
    for i in range(pages):
        shown = text if pages == 1 else f"{text} - trang {i + 1}"
        stream = f"BT /F1 14 Tf 72 760 Td ({shown}) Tj ET".encode()
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
