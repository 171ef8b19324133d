"""The dossier code (mã hồ sơ) ``<receiving unit code>-<YYMMDD>-<NNNN>`` and its daily sequence.

legal: TT 01/2018/TT-VPCP Điều 19 gives ``<receiving unit code>-<YYMMDD>-<XXXX>``: the receiving unit's
code under the QCVN for agency identifiers (TT 10/2016/TT-BTTTT, QCVN 102:2016: ``000.00.15.H34``),
the reception date and a 4-digit number within the day. TT 03/2025/TT-VPCP now regulates the code;
its exact 2025 format was not found (domain-vn §2.3), so the shape above is kept.

The receiving unit code (:func:`receiving_unit_code`):

- the receiving agency's electronic identifier valid on the reception day (QĐ 20/2020/QĐ-TTg;
  ``cchc.org.models.AgencyIdentifier``), e.g. ``000.00.15.H34-260105-0001``: an agency reorganised on
  1/7/2025 numbers under its old identifier until 30/6/2025 and under its new one from 1/7/2025;
- otherwise (no identifier on record for that day; the real identifiers of Khánh Hòa's agencies are
  not in the registry yet) the fallback: the administrative unit code of the receiving agency's area,
  ``56`` for every provincial agency (the province public-service centre and the departments' desks
  share one daily sequence) and the commune's code (``22366``) for a commune's one-stop desk. An
  agency without an area takes its parent's.

The daily sequence is kept per unit code (``DossierSequence.unit_code``): an agency numbering under its
identifier has its own sequence, apart from the area code's. Beyond 9,999 dossiers a day the number
simply grows a digit.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection

from cchc.dossiers.constants import DossierError, DossierErrorCode
from cchc.dossiers.models import DossierSequence
from cchc.org.identifiers import agency_identifier_on
from cchc.org.models import Agency

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def receiving_unit_code(agency: Agency, *, day: date | None = None) -> str:
    """The unit code that starts the codes of dossiers received by ``agency`` on ``day`` (see the module
    doc): its identifier valid that day, else its area's code. Without ``day`` the area's code only
    (the callers that only check that a desk can number a dossier)."""
    if day is not None:
        identifier = agency_identifier_on(agency, day)
        if identifier:
            return identifier
    current: Agency | None = agency
    seen: set[int] = set()
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        if current.unit_id is not None and current.unit is not None and current.unit.code:
            return current.unit.code
        current = current.parent
    raise DossierError(
        DossierErrorCode.NO_UNIT_CODE,
        f"Cơ quan «{agency}» chưa gắn với đơn vị hành chính nên không cấp được mã hồ sơ.",
    )


def reception_day(at: datetime) -> date:
    """The reception date in Vietnam time (the YYMMDD of the code)."""
    return at.astimezone(VN_TZ).date()


_NEXT_SQL = (
    f"INSERT INTO {DossierSequence._meta.db_table} (unit_code, day, last_value) VALUES (%s, %s, 1) "
    f"ON CONFLICT (unit_code, day) DO UPDATE SET last_value = {DossierSequence._meta.db_table}.last_value + 1 "
    "RETURNING last_value"
)


def dossier_number_statement(*, unit_code: str, day: date) -> tuple[str, list[Any]]:
    """The statement :func:`dossier_code_next` runs, as ``(sql, params)``, for a caller that sends it in
    one round trip with other statements of the reception's transaction (same locking); its one row's
    first value goes to :func:`dossier_code`."""
    return _NEXT_SQL, [unit_code, connection.ops.adapt_datefield_value(day)]


def dossier_code(*, unit_code: str, day: date, number: int) -> str:
    """The code of the ``number``-th dossier received under ``unit_code`` on ``day``."""
    return f"{unit_code}-{day:%y%m%d}-{int(number):04d}"


def dossier_code_next(*, unit_code: str, day: date) -> str:
    """Take the next number of ``unit_code`` on ``day`` and return the dossier code.

    Call it inside the reception's transaction. concurrency: one statement creates the day's row at 1
    or adds one to it (``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``, on the unique
    ``(unit_code, day)``): two first receptions of the day do not fail, and the row stays locked
    until the caller's transaction ends, so a second desk waits for the number; a rolled-back
    reception gives its number back, so numbers stay gapless.
    """
    sql, params = dossier_number_statement(unit_code=unit_code, day=day)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return dossier_code(unit_code=unit_code, day=day, number=int(row[0]))
