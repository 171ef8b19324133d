"""The test helper that reads a QR code from a rendered page (``qrread``, used by the browser test of issue
16 where a stranger scans the signed result): it reads back what segno encodes, across versions with one
block, several blocks, alignment patterns, version information and a 16-bit character count."""

from __future__ import annotations

from pathlib import Path

import pytest
import segno

from cchc.signing.tests.qrread import read_qr


@pytest.mark.parametrize(
    ("text", "version"),
    [
        ("https://dichvucong.khanhhoa.gov.vn/xac-minh/abc/", 4),
        ("http://localhost:41234/xac-minh/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcdEF/", 5),
        ("https://dichvucong.khanhhoa.gov.vn/xac-minh/" + "Xy9_-" * 30 + "/", 10),
    ],
)
def test_reads_back_what_segno_encodes(tmp_path: Path, text: str, version: int) -> None:
    code = segno.make(text, error="m", micro=False, boost_error=False, mask=2)
    assert code.version == version
    path = tmp_path / "qr.pdf"
    code.save(str(path), scale=3, border=4)
    assert read_qr(path, page=1, dpi=150, crop=(0, 0, 2000, 2000)) == text
