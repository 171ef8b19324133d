"""The satisfaction group's feedback indicators (QĐ 766 5.1-5.3) from the feedback app (PAKN).

Feedback is a small table (thousands a year, not millions), so both methods, rollup and direct, read
it the same way: one query through :func:`cchc.feedback.selectors.feedback_indicator_counts` per
computation, grouped by the agency concerned; that agency (a handling agency) is attributed to its
reporting agency like a dossier's competent agency (``Organisation.report_as``), so the current and
the historical structure both work.

Scope: feedback is about an agency, not a procedure: a procedure or field scope has no feedback
(the figures read N/A, not 0). Rules of each figure (legal basis QĐ 766/QĐ-TTg, Nghị định 20/2008):

- 5.1 (monitoring, no points): classified about rules and procedures / about staff, over all feedback
  received in the window;
- 5.2 on time: handled within each stage's working-day deadline (reject 2, ask for information 5,
  answer 15, publish 2) / feedback received in the window;
- 5.3 satisfaction: received in the window minus those rated "không hài lòng", late or re-raised.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from cchc.feedback.selectors import FeedbackCounts, feedback_counts_of, feedback_indicator_rows
from cchc.indicators.scopes import Organisation

Counters = dict[str, int]

PETITION_INDICATORS = (
    "PETITION_CLASSIFICATION_TTHC",
    "PETITION_CLASSIFICATION_STAFF",
    "PETITION_PROCESSING_ON_TIME",
    "PETITION_HANDLING_SATISFACTION",
)


def _counters(item: FeedbackCounts) -> Counters:
    return {
        "PETITION_CLASSIFICATION_TTHC:num": item.classified_regulation,
        "PETITION_CLASSIFICATION_TTHC:den": item.total,
        "PETITION_CLASSIFICATION_STAFF:num": item.classified_staff,
        "PETITION_CLASSIFICATION_STAFF:den": item.total,
        "PETITION_PROCESSING_ON_TIME:num": item.on_time,
        "PETITION_PROCESSING_ON_TIME:den": item.total,
        "PETITION_HANDLING_SATISFACTION:num": item.satisfied,
        "PETITION_HANDLING_SATISFACTION:den": item.total,
    }


class PetitionFacts:
    """The feedback of several windows, read once (one query, on first use) and counted per window:
    a batch of periods (a dashboard's trend) costs one query, not one per period."""

    def __init__(self, windows: Iterable[tuple[datetime, datetime]]) -> None:
        spans = [(start, close) for start, close in windows if close > start]
        self._span = (min(s for s, _ in spans), max(c for _, c in spans)) if spans else None
        self._rows: list[dict[str, Any]] | None = None

    def counters(
        self, *, start: datetime, close: datetime, at: datetime, org: Organisation
    ) -> dict[int | None, Counters]:
        """The counters of ``[start, close)`` by reporting agency (``None``: an agency with no
        reporting successor, counted for the province only). ``at`` judges stages still open."""
        if self._span is None or close <= start:
            return {}
        if self._rows is None:
            self._rows = feedback_indicator_rows(start=self._span[0], close=self._span[1])
        result: dict[int | None, Counters] = {}
        for agency_id, item in feedback_counts_of(self._rows, start=start, close=close, at=min(at, close)).items():
            into = result.setdefault(org.report_as(agency_id), {})
            for key, value in _counters(item).items():
                into[key] = into.get(key, 0) + value
        return result


def petition_counters_for(
    per_agency: dict[int | None, Counters], reporting_ids: Iterable[int] | None, *, procedure_scope: bool
) -> Counters:
    """The sum over ``reporting_ids`` (``None``: the province, every agency); nothing for a procedure
    or field scope."""
    total: Counters = {}
    if procedure_scope:
        return total
    wanted = None if reporting_ids is None else set(reporting_ids)
    for agency_id, counters in per_agency.items():
        if wanted is not None and agency_id not in wanted:
            continue
        for key, value in counters.items():
            total[key] = total.get(key, 0) + value
    return total
