"""Small PDFs for the tests (built by hand with a correct cross-reference table: fast, no WeasyPrint)."""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

from cchc.common.minipdf import text_pdf

PDFSIG = shutil.which("pdfsig") or "/usr/bin/pdfsig"  # poppler-utils: the second, independent validator


def simple_pdf(text: str = "GIAY PHEP XAY DUNG SO 12/GPXD", *, pages: int = 1) -> bytes:
    """A valid A4 PDF of ``pages`` pages showing ``text`` (ASCII): the product's own small-PDF writer."""
    return text_pdf(text, pages=pages)


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
