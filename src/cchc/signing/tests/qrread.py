"""Read a QR code from a rendered page, as a phone's camera would, for the browser tests: the page is
rendered to a grey image with ``pdftoppm`` (poppler-utils), the three finder patterns are found by their
1:1:3:1:1 runs, every module is sampled, and the symbol is decoded (format information, unmasking, the
zigzag placement, de-interleaving of the blocks, byte mode) — ISO/IEC 18004:2015 §7.7-7.9.

No decoder library is installed (no zbar, no OpenCV): this one reads only what a clean render gives, a
straight, unblurred symbol in byte mode; it does not correct errors (the codewords must be read intact).
The tables (format information, alignment positions, error correction blocks) are segno's, the project's
QR library; the reading itself shares nothing with segno's encoder.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

RUNS = re.compile(rb"\x01+|\x00+")
MASKS: tuple[Callable[[int, int], bool], ...] = (
    lambda i, j: (i + j) % 2 == 0,
    lambda i, j: i % 2 == 0,
    lambda i, j: j % 3 == 0,
    lambda i, j: (i + j) % 3 == 0,
    lambda i, j: (i // 2 + j // 3) % 2 == 0,
    lambda i, j: (i * j) % 2 + (i * j) % 3 == 0,
    lambda i, j: ((i * j) % 2 + (i * j) % 3) % 2 == 0,
    lambda i, j: ((i + j) % 2 + (i * j) % 3) % 2 == 0,
)


def render(pdf: Path, *, page: int, dpi: int, crop: tuple[int, int, int, int]) -> tuple[int, int, bytes]:
    """``page`` of ``pdf`` as a grey image (width, height, one byte a pixel), cropped to (x, y, w, h) pixels."""
    x, y, w, h = crop
    out = pdf.with_suffix("")
    subprocess.run(  # noqa: S603
        ["pdftoppm", "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile"]  # noqa: S607
        + ["-x", str(x), "-y", str(y), "-W", str(w), "-H", str(h), str(pdf), str(out)],
        check=True,
        timeout=30,
    )
    data = out.with_suffix(".pgm").read_bytes()
    fields: list[bytes] = []
    position = 0
    while len(fields) < 4:  # P5, width, height, maximum; comments start with '#'
        while data[position : position + 1].isspace():
            position += 1
        if data[position : position + 1] == b"#":
            position = data.index(b"\n", position)
            continue
        end = position
        while not data[end : end + 1].isspace():
            end += 1
        fields.append(data[position:end])
        position = end
    assert fields[0] == b"P5", fields
    width, height = int(fields[1]), int(fields[2])
    return width, height, data[position + 1 : position + 1 + width * height]


def _finders(width: int, height: int, pixels: bytes) -> list[tuple[float, float, float]]:
    """The centres (x, y) and widths of the finder patterns: rows crossing a dark-light-dark-light-dark
    run of proportions 1:1:3:1:1, grouped by centre."""
    hits: list[tuple[float, int, float]] = []
    dark = bytes(1 if v < 128 else 0 for v in range(256))
    for y in range(height):
        row = pixels[y * width : (y + 1) * width].translate(dark)
        runs = [(m.group()[0] == 1, m.start(), m.end() - m.start()) for m in RUNS.finditer(row)]
        for k in range(len(runs) - 4):
            five = runs[k : k + 5]
            if not five[0][0]:
                continue
            total = sum(r[2] for r in five)
            unit = total / 7
            if unit < 2:
                continue
            if all(abs(r[2] - n * unit) <= unit * 0.6 for r, n in zip(five, (1, 1, 3, 1, 1), strict=True)):
                hits.append((five[2][1] + five[2][2] / 2, y, total))
    groups: list[list[tuple[float, int, float]]] = []
    for hit in hits:
        for group in groups:
            last = group[-1]
            if abs(last[0] - hit[0]) <= last[2] / 7 and hit[1] - last[1] <= 2:
                group.append(hit)
                break
        else:
            groups.append([hit])
    centres = []
    for group in groups:
        width_ = sorted(h[2] for h in group)[len(group) // 2]
        if len(group) >= width_ / 7 * 2:  # the 3-module core is crossed by at least two modules' rows
            centre = (sum(h[0] for h in group) / len(group), (group[0][1] + group[-1][1]) / 2, width_)
            if _vertical(width, height, pixels, centre):
                centres.append(centre)
    return centres


def _vertical(width: int, height: int, pixels: bytes, centre: tuple[float, float, float]) -> bool:
    """The same 1:1:3:1:1 runs down the column through the centre (a finder pattern is square)."""
    x, y, size = round(centre[0]), round(centre[1]), centre[2]
    column = bytes(pixels[row * width + x] < 128 for row in range(height))
    runs = [(m.group()[0] == 1, m.start(), m.end() - m.start()) for m in RUNS.finditer(column)]
    core = next(k for k, run in enumerate(runs) if run[1] <= y < run[1] + run[2])
    five = runs[core - 2 : core + 3]
    if len(five) != 5 or not five[2][0]:
        return False
    unit = size / 7
    return all(abs(r[2] - n * unit) <= unit * 0.6 for r, n in zip(five, (1, 1, 3, 1, 1), strict=True))


Finder = tuple[float, float, float]


def _corners(finders: list[Finder]) -> tuple[Finder, Finder, Finder] | None:
    """The top-left, top-right and bottom-left finder patterns among the candidates.

    The data modules can hold a run of proportions 1:1:3:1:1 in both directions (the symbol depends on its
    text, here an address with a random port), so a fourth candidate may turn up inside the symbol. The three
    real ones are the corners of a straight symbol: top-left and top-right on one row, top-left and
    bottom-left on one column, the two sides equally long, the three patterns of one width. Of the triples
    that fit, the largest wins (the real corners are the symbol's outermost patterns)."""
    best: tuple[float, tuple[Finder, Finder, Finder]] | None = None
    for top_left in finders:
        for top_right in finders:
            for bottom_left in finders:
                if len({top_left, top_right, bottom_left}) < 3:
                    continue
                unit = (top_left[2] + top_right[2] + bottom_left[2]) / 21  # one module, in pixels
                across = top_right[0] - top_left[0]
                down = bottom_left[1] - top_left[1]
                if (
                    across > 7 * unit
                    and down > 7 * unit
                    and abs(top_right[1] - top_left[1]) <= unit
                    and abs(bottom_left[0] - top_left[0]) <= unit
                    and abs(across - down) <= 2 * unit
                    and max(f[2] for f in (top_left, top_right, bottom_left))
                    <= 1.25 * min(f[2] for f in (top_left, top_right, bottom_left))
                    and (best is None or across > best[0])
                ):
                    best = (across, (top_left, top_right, bottom_left))
    return best[1] if best else None


def sample(width: int, height: int, pixels: bytes) -> list[list[bool]]:
    """The QR code's modules (True: dark), sampled at each module's centre."""
    finders = _finders(width, height, pixels)
    corners = _corners(finders)
    assert corners is not None, f"expected the three finder patterns of one QR code, found {finders}"
    top_left, top_right, bottom_left = corners
    module = (top_left[2] + top_right[2] + bottom_left[2]) / 21
    size = round((top_right[0] - top_left[0]) / module) + 7
    assert (size - 17) % 4 == 0, f"not a QR code size: {size}"
    step_x = (top_right[0] - top_left[0]) / (size - 7)
    step_y = (bottom_left[1] - top_left[1]) / (size - 7)
    x0, y0 = top_left[0] - 3 * step_x, top_left[1] - 3 * step_y  # the centre of module (0, 0)
    return [
        [pixels[round(y0 + i * step_y) * width + round(x0 + j * step_x)] < 128 for j in range(size)]
        for i in range(size)
    ]


def _function_modules(size: int, version: int) -> set[tuple[int, int]]:
    from segno.consts import ALIGNMENT_POS

    taken = set()
    for i in range(size):
        for j in range(size):
            if (
                (i < 9 and j < 9)
                or (i < 9 and j >= size - 8)
                or (i >= size - 8 and j < 9)
                or i == 6
                or j == 6
                or (version >= 7 and ((i < 6 and size - 11 <= j < size - 8) or (j < 6 and size - 11 <= i < size - 8)))
            ):
                taken.add((i, j))
    if version >= 2:
        positions = ALIGNMENT_POS[version - 2]
        for r in positions:
            for c in positions:
                if (r, c) in ((6, 6), (6, positions[-1]), (positions[-1], 6)):
                    continue
                taken.update((r + a, c + b) for a in range(-2, 3) for b in range(-2, 3))
    return taken


def decode(matrix: list[list[bool]]) -> str:
    """The text of a QR code in byte mode (ISO/IEC 18004 §7.4.5), from its modules."""
    from segno.consts import ECC, FORMAT_INFO

    size = len(matrix)
    version = (size - 17) // 4
    bits = [matrix[8][size - 1 - i] for i in range(8)] + [matrix[size - 15 + i][8] for i in range(8, 15)]
    word = sum(int(bit) << i for i, bit in enumerate(bits))
    assert word in FORMAT_INFO, f"format information not readable: {word:015b}"
    error, mask = divmod(FORMAT_INFO.index(word), 8)  # segno's order of error levels: M, L, H, Q
    taken = _function_modules(size, version)
    stream: list[int] = []
    upward = True
    j = size - 1
    while j > 0:
        if j == 6:
            j -= 1
        for i in range(size - 1, -1, -1) if upward else range(size):
            for c in (j, j - 1):
                if (i, c) not in taken:
                    stream.append(int(matrix[i][c] != MASKS[mask](i, c)))
        upward = not upward
        j -= 2
    codewords = [int("".join(map(str, stream[k : k + 8])), 2) for k in range(0, len(stream) - 7, 8)]
    blocks: list[list[int]] = []
    for ec in ECC[version][error]:
        blocks.extend([] for _ in range(ec.num_blocks))
    sizes = [ec.num_data for ec in ECC[version][error] for _ in range(ec.num_blocks)]
    position = 0
    for k in range(max(sizes)):
        for block, n in zip(blocks, sizes, strict=True):
            if k < n:
                block.append(codewords[position])
                position += 1
    data = "".join(f"{c:08b}" for block in blocks for c in block)
    assert data[:4] == "0100", f"not byte mode: {data[:4]}"
    count_bits = 8 if version <= 9 else 16
    length = int(data[4 : 4 + count_bits], 2)
    start = 4 + count_bits
    raw = bytes(int(data[start + 8 * k : start + 8 * k + 8], 2) for k in range(length))
    return raw.decode("utf-8")


def read_qr(pdf: Path, *, page: int, dpi: int = 200, crop: tuple[int, int, int, int]) -> str:
    """The text of the one QR code in the region ``crop`` of the rendered ``page`` of ``pdf``."""
    width, height, pixels = render(pdf, page=page, dpi=dpi, crop=crop)
    return decode(sample(width, height, pixels))
