"""The catalogue's one exception: a stable code, a Vietnamese message and where the problem is."""

from __future__ import annotations

from cchc.catalogue.constants import CatalogueErrorCode
from cchc.common.errors import DomainError


class CatalogueError(DomainError[CatalogueErrorCode]):
    """Refusal of a catalogue write. Nothing was saved when it is raised from a service.

    ``source`` is the file (for imports), ``procedure`` the procedure code and ``field`` the JSON path
    of the offending value, so an administrator can find it.
    """

    codes = CatalogueErrorCode
    statuses = {
        CatalogueErrorCode.INVALID_INPUT: 400,
        CatalogueErrorCode.STEPS_EXCEED_STATUTORY_TIME: 400,
        CatalogueErrorCode.NO_STEPS: 400,
        CatalogueErrorCode.VERSION_NOT_DRAFT: 409,
        CatalogueErrorCode.VERSION_IMMUTABLE: 409,
        CatalogueErrorCode.PUBLISH_BEFORE_CURRENT: 409,
        CatalogueErrorCode.UNKNOWN_AGENCY: 400,
        CatalogueErrorCode.UNKNOWN_FIELD: 400,
        CatalogueErrorCode.NO_COMPETENT_AGENCY: 400,
    }

    def __init__(
        self,
        code: CatalogueErrorCode,
        message: str,
        *,
        source: str = "",
        procedure: str = "",
        field: str = "",
    ) -> None:
        super().__init__(code, message)
        self.source = source
        self.procedure = procedure
        self.field = field

    def located(self, *, source: str = "", procedure: str = "", field: str = "") -> CatalogueError:
        """The same error with missing location parts filled in."""
        return CatalogueError(
            self.code,
            self.message,
            source=self.source or source,
            procedure=self.procedure or procedure,
            field=self.field or field,
        )

    def __str__(self) -> str:
        where = [
            part
            for part in (
                f"tệp {self.source}" if self.source else "",
                f"thủ tục {self.procedure}" if self.procedure else "",
                f"trường {self.field}" if self.field else "",
            )
            if part
        ]
        location = f" ({', '.join(where)})" if where else ""
        return f"[{self.code}] {self.message}{location}"
