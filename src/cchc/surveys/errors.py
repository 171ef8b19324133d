"""The surveys' one exception: a stable code, a Vietnamese message and, for responses, per-question messages."""

from __future__ import annotations

from collections.abc import Mapping

from cchc.common.errors import DomainError
from cchc.surveys.constants import SurveyErrorCode


class SurveyError(DomainError[SurveyErrorCode]):
    """Refusal of a survey write. Nothing was saved when it is raised from a service.

    ``problems`` maps a question code (or a form field: ``agency``, ``field``) to its message, so a form can
    show each message next to its question; ``where`` locates an import problem (JSON path).
    """

    codes = SurveyErrorCode
    statuses = {
        SurveyErrorCode.INVALID_QUESTIONNAIRE: 400,
        SurveyErrorCode.VERSION_CONFLICT: 409,
        SurveyErrorCode.INVALID_CAMPAIGN: 400,
        SurveyErrorCode.CAMPAIGN_CLOSED: 409,
        SurveyErrorCode.INVALID_RESPONSE: 400,
        SurveyErrorCode.OUT_OF_SCOPE: 400,
        SurveyErrorCode.INVALID_PERIOD: 400,
    }

    def __init__(
        self, code: SurveyErrorCode, message: str, *, problems: Mapping[str, str] | None = None, where: str = ""
    ) -> None:
        super().__init__(code, message)
        self.problems = dict(problems or {})
        self.where = where

    def __str__(self) -> str:
        location = f" (tại {self.where})" if self.where else ""
        return f"[{self.code}] {self.message}{location}"
