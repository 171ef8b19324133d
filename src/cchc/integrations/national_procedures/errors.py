"""Stable error codes of the national procedure import; every refusal leaves the catalogue unchanged."""

from __future__ import annotations

from enum import StrEnum

from cchc.common.errors import DomainError


class NationalProcedureErrorCode(StrEnum):
    INVALID_FILE = "national_procedures.invalid_file"  # not JSON, not the export's shape
    INVALID_RECORD = "national_procedures.invalid_record"  # a field missing or of the wrong type or form
    UNKNOWN_VALUE = "national_procedures.unknown_value"  # a value outside the known list (CapThucHien …)
    DUPLICATE_CODE = "national_procedures.duplicate_code"  # one MaTTHC twice in one export
    CATALOGUE_REFUSED = "national_procedures.catalogue_refused"  # the catalogue refused the new content


class NationalProcedureError(DomainError[NationalProcedureErrorCode]):
    """Refusal of a national procedure export (nothing was changed). ``source``: the file or the
    service; ``procedure``: the MaTTHC; ``field``: the JSON path of the offending value."""

    codes = NationalProcedureErrorCode
    statuses = {
        NationalProcedureErrorCode.INVALID_FILE: 400,
        NationalProcedureErrorCode.INVALID_RECORD: 400,
        NationalProcedureErrorCode.UNKNOWN_VALUE: 400,
        NationalProcedureErrorCode.DUPLICATE_CODE: 400,
        NationalProcedureErrorCode.CATALOGUE_REFUSED: 409,
    }

    def __init__(
        self,
        code: NationalProcedureErrorCode,
        message: str,
        *,
        source: str = "",
        procedure: str = "",
        field: str = "",
    ) -> None:
        super().__init__(code, message)
        self.source, self.procedure, self.field = source, procedure, field

    def located(self, *, source: str = "") -> NationalProcedureError:
        return NationalProcedureError(
            self.code, self.message, source=self.source or source, procedure=self.procedure, field=self.field
        )

    def __str__(self) -> str:
        where = [
            part
            for part in (
                f"nguồn {self.source}" if self.source else "",
                f"thủ tục {self.procedure}" if self.procedure else "",
                f"trường {self.field}" if self.field else "",
            )
            if part
        ]
        return f"[{self.code}] {self.message}" + (f" ({', '.join(where)})" if where else "")
