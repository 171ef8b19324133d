"""The hand-written small PDF reads back with an independent reader (pypdf), page by page."""

from __future__ import annotations

from io import BytesIO

import pytest
from pypdf import PdfReader

from cchc.common.minipdf import text_pdf


@pytest.mark.parametrize("pages", [1, 3])
def test_text_pdf_reads_back(pages: int) -> None:
    reader = PdfReader(BytesIO(text_pdf("BAN SAO GIAY TO", pages=pages)), strict=True)
    assert len(reader.pages) == pages
    texts = [page.extract_text() for page in reader.pages]
    assert all("BAN SAO GIAY TO" in t for t in texts)
    if pages > 1:
        assert [t.rsplit("trang ", 1)[1] for t in texts] == [str(n) for n in range(1, pages + 1)]
