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


def _pixels(matrix: list[list[bool]], scale: int, border: int = 4) -> tuple[int, int, bytes]:
    """A clean render of ``matrix`` (True: dark): ``scale`` pixels a module, a quiet zone of ``border``."""
    side = (len(matrix) + 2 * border) * scale
    rows = []
    for i in range(side):
        row = bytearray(b"\xff" * side)
        m = i // scale - border
        if 0 <= m < len(matrix):
            for j, dark in enumerate(matrix[m]):
                if dark:
                    start = (j + border) * scale
                    row[start : start + scale] = b"\x00" * scale
        rows.append(bytes(row))
    return side, side, b"".join(rows)


def test_a_finder_like_pattern_among_the_data_modules_is_not_taken_for_a_corner() -> None:
    """The fresh-clone CI of stop 22 failed here: the signed result's QR code (its address holds the live
    server's random port) had a 1:1:3:1:1 run across and down inside its data, a fourth «finder» at
    (1125.5, 430.0) beside the real three, and the reader gave up. The three corners are told apart by
    their geometry."""
    from cchc.signing.tests.qrread import sample

    code = segno.make("http://localhost:50435/xac-minh/AbCdEfGhIjKl/", error="m", micro=False, mask=2)
    matrix = [[bool(v) for v in row] for row in code.matrix]
    size = len(matrix)
    top = left = size // 2 - 3  # a finder pattern painted among the data modules, away from the corners
    for i in range(7):
        for j in range(7):
            ring = max(abs(i - 3), abs(j - 3))
            matrix[top + i][left + j] = ring != 2
    for i in range(-1, 8):  # its light separator, so that the runs read 1:1:3:1:1 both ways
        for j in (-1, 7):
            matrix[top + i][left + j] = matrix[top + j][left + i] = False
    width, height, pixels = _pixels(matrix, scale=6)
    assert sample(width, height, pixels) == matrix


def test_the_corners_of_the_failed_run_are_chosen_by_their_geometry() -> None:
    from cchc.signing.tests.qrread import _corners

    found = [(1117.0, 298.5, 38.0), (1279.0, 298.5, 37.0), (1125.5, 430.0, 32.0), (1117.0, 459.5, 38.0)]
    assert _corners(found) == (found[0], found[1], found[3])
    assert _corners(found[:2]) is None
