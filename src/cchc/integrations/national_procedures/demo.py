"""Illustrative publication facts for the demo catalogue (``cchc integrations procedures demo``, DEBUG only).

The demo's procedures come from the shipped catalogue, not from the national procedure database, so the
facts QĐ 766 indicators 1.1 and 1.2 count — the publication decision, the latest legal basis's
effective date, the day it was made public on the national database — do not exist for them. This
records one illustrative publication per procedure so that the demo's dashboard shows the two
indicators computed: the effective date is the two-tier local government's (1/7/2025, when the
province republished its procedures), the decision is dated 2 to 12 working days before it and made
public 1 to 8 working days after it (drawn from the procedure's code, so every run gives the same
facts); about a third are late on one count or the other. Every decision's number says "minh họa"
(illustrative) and its issuer says the data are illustrative: none of it is a real decision. A real
installation imports the national database instead (``cchc integrations procedures import``).
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta

from django.db import transaction

from cchc.calendars.selectors import working_calendar
from cchc.calendars.working import WorkingCalendar
from cchc.catalogue.models import Procedure, ProcedurePublication

EFFECTIVE = date(2025, 7, 1)  # NĐ 150/2025/NĐ-CP and the 2025 laws on local government: the two-tier reorganisation
ISSUER = "UBND tỉnh (dữ liệu minh họa, không phải quyết định thật)"


def _draw(code: str, salt: str, low: int, high: int) -> int:
    digest = hashlib.sha256(f"{salt}:{code}".encode()).digest()
    return low + int.from_bytes(digest[:4], "big") % (high - low + 1)


def _working_days_before(calendar: WorkingCalendar, day: date, count: int) -> date:
    while count > 0:
        day -= timedelta(days=1)
        if calendar.is_working_day(day):
            count -= 1
    return day


def _working_days_after(calendar: WorkingCalendar, day: date, count: int) -> date:
    while count > 0:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            count -= 1
    return day


@transaction.atomic
def publications_demo(*, at: datetime) -> int:
    """Record the illustrative publication of every procedure that has none; the number recorded."""
    calendar = working_calendar()
    recorded = 0
    for number, procedure in enumerate(Procedure.objects.order_by("code"), start=1):
        if ProcedurePublication.objects.filter(procedure=procedure).exists():
            continue
        decided = _working_days_before(calendar, EFFECTIVE, _draw(procedure.code, "decision", 2, 12))
        public = _working_days_after(calendar, decided, _draw(procedure.code, "public", 1, 8))
        ProcedurePublication.objects.create(
            procedure=procedure,
            decision_number=f"{number}/QĐ-UBND (minh họa)",
            decision_date=decided,
            decision_issuer=ISSUER,
            legal_basis_effective_date=EFFECTIVE,
            public_date=public,
            recorded_at=at,
            updated_at=at,
        )
        recorded += 1
    return recorded
