"""The surveys' one exception: a stable code, a Vietnamese message and, for responses, per-question messages."""

from __future__ import annotations

from collections.abc import Mapping

from cchc.surveys.constants import SurveyErrorCode


class SurveyError(Exception):
    """Refusal of a survey write. Nothing was saved when it is raised from a service.

    ``problems`` maps a question code (or a form field: ``agency``, ``field``) to its message, so a form can
    show each message next to its question; ``where`` locates an import problem (JSON path).
    """

    def __init__(
        self, code: SurveyErrorCode, message: str, *, problems: Mapping[str, str] | None = None, where: str = ""
    ) -> None:
        self.code = code
        self.message = message
        self.problems = dict(problems or {})
        self.where = where
        super().__init__(str(self))

    def __str__(self) -> str:
        location = f" (tại {self.where})" if self.where else ""
        return f"[{self.code}] {self.message}{location}"
