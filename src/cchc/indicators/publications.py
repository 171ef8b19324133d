"""Indicators 1.1 (PUBLISH_ON_TIME) and 1.2 (PUBLIC_UPDATE_ON_TIME) of QĐ 766/QĐ-TTg, from the
publication facts the national procedure import records (``cchc.catalogue.models.ProcedurePublication``),
counted in working days with the province's working calendar (``cchc.calendars``).

legal: Điều 15 NĐ 63/2010/NĐ-CP, as amended by NĐ 48/2013/NĐ-CP and NĐ 92/2017/NĐ-CP: the decision
publishing a procedure is issued at the latest 5 working days (a province; 20 for a ministry) before the
legal document that sets the procedure takes effect; the procedure is made public on the national
database (CSDL quốc gia về TTHC) within 5 working days of the decision's signature (10 for a ministry).
QĐ 766 formulas 1.1 and 1.2 (domain-vn §1.5, F766-doc).

Choices where the texts are not precise (said in docs/indicators.md too):

- A publication belongs to the period of its decision's date (NgayBanHanh). A procedure counts once per
  period; it is late when any of its publications of the period is late (F766-doc, 1.1), and 1.2 is
  read the same way.
- 1.1, "5 working days before": at least 5 working days in [decision day, effective day), i.e. the
  decision is dated on or before the effective day minus 5 working days. The effective day is the
  latest effective date of the legal bases the decision publishes; a publication without one cannot be
  judged and is left out (counted in the ``unjudged`` detail), never guessed.
- 1.2, "within 5 working days of the decision": at most 5 working days in (decision day, công khai day].
  A publication not yet made public is late once that deadline has passed at the moment of the
  computation, and left out (``pending``) before it.
- The province's default calendar (no agency's own hours): the decisions are the province's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import F

from cchc.calendars.working import WorkingCalendar
from cchc.catalogue.models import ProcedurePublication

# legal: Điều 15 NĐ 63/2010/NĐ-CP (sửa đổi): provincial publication deadlines, in working days
PUBLISH_LEAD_DAYS = 5
PUBLIC_UPDATE_DAYS = 5


@dataclass(frozen=True)
class Publication:
    procedure_id: int
    procedure_code: str
    field_code: str
    decision_date: date
    effective: date | None  # the latest effective date of its legal bases
    public_date: date | None  # made public on the national database


def publications_read() -> list[Publication]:
    """Every recorded publication (one query)."""
    rows = (
        ProcedurePublication.objects.annotate(code=F("procedure__code"), field_code=F("procedure__field__code"))
        .order_by("pk")
        .values_list("procedure_id", "code", "field_code", "decision_date", "legal_basis_effective_date", "public_date")
    )
    return [Publication(*row) for row in rows]


def published_on_time(publication: Publication, calendar: WorkingCalendar) -> bool | None:
    """1.1: the decision dated at least 5 working days before the latest legal basis takes effect;
    None when the effective date is unknown."""
    if publication.effective is None:
        return None
    return calendar.working_days_between(publication.decision_date, publication.effective) >= PUBLISH_LEAD_DAYS


def made_public_on_time(publication: Publication, calendar: WorkingCalendar, today: date) -> bool | None:
    """1.2: made public within 5 working days after the decision's day; not yet public: late once the
    deadline has passed on ``today``, else None (not yet due)."""
    after = publication.decision_date + timedelta(days=1)
    if publication.public_date is not None:
        return calendar.working_days_between(after, publication.public_date + timedelta(days=1)) <= PUBLIC_UPDATE_DAYS
    if calendar.working_days_between(after, today + timedelta(days=1)) > PUBLIC_UPDATE_DAYS:
        return False
    return None


def publication_counters(
    publications: Iterable[Publication],
    *,
    first_day: date,
    last_day: date,
    today: date,
    calendar: Callable[[], WorkingCalendar],
    procedures: set[int] | None = None,
    procedure_code: str = "",
    field_code: str = "",
) -> dict[str, int]:
    """The counters of 1.1 and 1.2 for the decisions dated in ``[first_day, last_day]``: by procedure,
    of ``procedures`` only when given (an agency's), of one procedure or field when named. ``calendar``
    is called only when there is something to count."""
    chosen = [
        p
        for p in publications
        if first_day <= p.decision_date <= last_day
        and (procedures is None or p.procedure_id in procedures)
        and (not procedure_code or p.procedure_code == procedure_code)
        and (not field_code or p.field_code == field_code)
    ]
    if not chosen:
        return {}
    working = calendar()
    published: dict[int, bool] = {}  # procedure -> on time (all of its judged publications)
    public: dict[int, bool] = {}
    unjudged: set[int] = set()
    pending: set[int] = set()
    for publication in chosen:
        pk = publication.procedure_id
        on_time = published_on_time(publication, working)
        if on_time is None:
            unjudged.add(pk)
        else:
            published[pk] = published.get(pk, True) and on_time
        made_public = made_public_on_time(publication, working, today)
        if made_public is None:
            pending.add(pk)
        else:
            public[pk] = public.get(pk, True) and made_public
    counters = {
        "PUBLISH_ON_TIME:num": sum(published.values()),
        "PUBLISH_ON_TIME:den": len(published),
        "PUBLIC_UPDATE_ON_TIME:num": sum(public.values()),
        "PUBLIC_UPDATE_ON_TIME:den": len(public),
    }
    if unjudged - set(published):
        counters["PUBLISH_ON_TIME:unjudged"] = len(unjudged - set(published))
    if pending - set(public):
        counters["PUBLIC_UPDATE_ON_TIME:pending"] = len(pending - set(public))
    return counters
