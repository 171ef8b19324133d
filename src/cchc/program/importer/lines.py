"""Numbered source lines grouped into paragraphs.

The published text separates paragraphs with blank lines; a paragraph may run over several lines
(the issuer block "ỦY BAN NHÂN DÂN / TỈNH KHÁNH HÒA", the signer block). In the appendix table each
cell is one paragraph and an empty cell is a line holding only a non-breaking space, so such a
line is a paragraph of its own (``is_blank_cell``), not a separator.

Text copied from a PDF or typed without blank lines runs several paragraphs together and wraps
sentences at any word ("... so với năm" / "2021, chi phí ..."). Inside a run of lines a new
paragraph therefore starts at a line that opens a structural item (a Roman, Arabic, lettered or
"(1)" number, a bullet ``- * + • –``, "Nội dung 2:", "Điều 3."), that follows a line ending a
sentence or a heading (". ; : ! ?") with a capital letter or a figure, or that follows a short
numbered heading ("2. Sở Tài chính", at most 50 characters: shorter than any page width) with a
capital letter;
any other line continues the sentence of the line before it (a line wrapped mid-sentence).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from cchc.common.text import fold

NBSP = "\xa0"
_SPACES = re.compile(r"[ \t\u00a0\u2002\u2003\u2009]+")
_DECORATION = re.compile(r"^[\s\-_=*.·–—]+$")
_ITEM_START = re.compile(
    r"^(?:(?:[IVX]+|[A-ZĐ]|\d{1,2}(?:\.\d{1,2})*|[a-zđ])[.)]\s|\(\d{1,2}\)\s|[-*+•–]\s|"
    r"(?:Nội dung|NỘI DUNG)\s+(?:thứ\s+)?\d{1,2}\b|Điều\s+\d+[.:])"
)
_HEADING_START = re.compile(
    r"^(?:(?:[IVX]+|[A-ZĐ]|\d{1,2}(?:\.\d{1,2})*|[a-zđ])[.)]\s|\(\d{1,2}\)\s|"
    r"(?:Nội dung|NỘI DUNG)\s+(?:thứ\s+)?\d{1,2}\b)"
)
_HEADING_WIDTH = 50
_SENTENCE_END = re.compile(r"[.;:!?]$")


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
            runs: list[list[tuple[int, str]]] = [[current[0]]]
            for number, line in current[1:]:
                previous = runs[-1][-1][1]
                starts_item = bool(_ITEM_START.match(line))
                capital = line[:1].isupper() or line[:1].isdigit()
                after_sentence = capital and bool(_SENTENCE_END.search(previous))
                # "2. Sở Tài chính" / "I. MỤC TIÊU TỔNG QUÁT" then "Chủ trì ...": a short heading
                # line, not a sentence wrapped at the page width.
                after_heading = (
                    line[:1].isupper()
                    and len(runs[-1]) == 1
                    and bool(_HEADING_START.match(previous))
                    and len(previous) <= _HEADING_WIDTH
                    and not previous.endswith(",")
                )
                if starts_item or after_sentence or after_heading:
                    runs.append([(number, line)])
                else:
                    runs[-1].append((number, line))
            for run in runs:
                paragraphs.append(
                    Paragraph(
                        line=run[0][0],
                        lines=tuple(t for _, t in run),
                        line_numbers=tuple(n for n, _ in run),
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
