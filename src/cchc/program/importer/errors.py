"""Errors and findings of the program importer.

A refused document raises :class:`ProgramImportError` with a stable code from
:class:`cchc.program.constants.ImportError_` and a Vietnamese message naming the line where the
problem was found; nothing is written. Lines the parser could not place are not errors: they are
returned as :class:`Finding` so the caller can print them as ``file:line: text``.
"""

from __future__ import annotations

from dataclasses import dataclass

from cchc.common.errors import DomainError
from cchc.program.constants import ImportError_


class ProgramImportError(DomainError[ImportError_]):
    """A document that cannot be imported (not text, not a program, truncated, garbled); ``str()`` is
    ``"<code>: <message>"`` for the command line."""

    codes = ImportError_
    statuses = {
        ImportError_.NOT_TEXT: 415,
        ImportError_.NOT_A_PROGRAM: 400,
        ImportError_.TRUNCATED: 400,
        ImportError_.GARBLED: 400,
    }

    def __init__(self, code: ImportError_, message: str, *, line: int | None = None) -> None:
        super().__init__(code, message)
        self.line = line

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    def located(self, source_name: str) -> str:
        """The message prefixed with ``file:line`` when the line is known."""
        where = f"{source_name}:{self.line}: " if self.line else f"{source_name}: "
        return f"{where}{self.message}"


@dataclass(frozen=True)
class Finding:
    """A line the parser kept aside (unplaced text) or a name it could not resolve."""

    line: int
    text: str
    kind: str = "unplaced"  # "unplaced" | "unresolved" | "timeline" | "column"

    def located(self, source_name: str) -> str:
        if not self.line:
            return f"{source_name}: {self.text}"
        return f"{source_name}:{self.line}: {self.text}"
