"""Numbered source lines grouped into paragraphs.

The published text separates paragraphs with blank lines; a paragraph may run over several lines
(the issuer block "ỦY BAN NHÂN DÂN / TỈNH KHÁNH HÒA", the signer block). In the appendix table each
cell is one paragraph and an empty cell is a line holding only a non-breaking space, so such a
line is a paragraph of its own (``is_blank_cell``), not a separator.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from cchc.common.text import fold

NBSP = "\xa0"
_SPACES = re.compile(r"[ \t\u00a0\u2002\u2003\u2009]+")
_DECORATION = re.compile(r"^[\s\-_=*.·–—]+$")


@dataclass(frozen=True)
class Paragraph:
    """One paragraph: its first source line, its lines (cleaned) and the joined text."""

    line: int
    lines: tuple[str, ...]
    line_numbers: tuple[int, ...]
    is_blank_cell: bool = False

    @property
    def text(self) -> str:
        return " ".join(line for line in self.lines if line)

    @property
    def folded(self) -> str:
        return fold(self.text)

    @property
    def last_line(self) -> int:
        return self.line_numbers[-1]

    @property
    def is_decoration(self) -> bool:
        """Rules such as "-------" under the issuer and the national motto."""
        return bool(self.lines) and all(_DECORATION.match(line) for line in self.lines)


def clean_line(raw: str) -> str:
    """NFC, non-breaking and other odd spaces to one space, trimmed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", raw)).strip()


def split_paragraphs(text: str) -> list[Paragraph]:
    """Group the text's lines into paragraphs, keeping 1-based source line numbers.

    A line that is empty (after removing ordinary white space) separates paragraphs. A line whose
    only content is a non-breaking space is an empty table cell / spacer paragraph.
    """
    paragraphs: list[Paragraph] = []
    current: list[tuple[int, str]] = []

    def flush() -> None:
        if current:
            paragraphs.append(
                Paragraph(
                    line=current[0][0],
                    lines=tuple(t for _, t in current),
                    line_numbers=tuple(n for n, _ in current),
                )
            )
            current.clear()

    for number, raw in enumerate(text.splitlines(), start=1):
        stripped_ascii = raw.strip(" \t\r\n\ufeff")
        if not stripped_ascii:
            flush()
            continue
        cleaned = clean_line(raw)
        if not cleaned:  # only non-breaking spaces: an empty cell or a spacer
            flush()
            paragraphs.append(Paragraph(line=number, lines=("",), line_numbers=(number,), is_blank_cell=True))
            continue
        current.append((number, cleaned))
    flush()
    return paragraphs
