"""Dossier figures of one scope split by agency or by procedure, from the rollups or in one grouped query.

The procedure page shows each agency's figures for that procedure, the agency page each procedure's:
computing a whole report per row would cost a report's queries per row, so this reads the counters
grouped by the handling agency or the procedure and regroups handling agencies by the reporting map
of the structure. By default (``method="rollup"``) the counters come from the rollups
(:func:`cchc.indicators.rollups.rollups_read_grouped`: a few rows per key and bucket, whatever the
number of dossiers); ``method="direct"`` counts the engine's filters
(:func:`cchc.indicators.selectors.indicator_filters`) over the dossier table, grouped (seconds at a
million dossiers; kept as the reference the tests compare with). The numbers are those
:func:`indicators_compute` gives for the narrower scope, and those the drill-down lists (``tests/web``
checks both).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count

from cchc.catalogue.models import Procedure
from cchc.dossiers.models import Dossier
from cchc.indicators.constants import Method, Structure
from cchc.indicators.periods import VN_TZ, Period
from cchc.indicators.rollups import rollups_read_grouped, scope_rollup_filter
from cchc.indicators.scopes import Organisation, ResolvedScope, Scope, organisation_load, scope_resolve
from cchc.indicators.selectors import Window, dossier_facts, indicator_filters, scope_dossier_filter, window_filter
from cchc.org.models import Agency

# the dossier figures the breakdown tables show
BREAKDOWN_INDICATORS = ("ONLINE_SUBMISSION", "PROGRESS_ON_TIME", "DOSSIER_RECEIVING_SATISFACTION", "ONLINE_PAYMENT")


@dataclass
class BreakdownRow:
    key: int
    agency: Agency | None = None
    procedure: Procedure | None = None
    counts: dict[str, int] = field(default_factory=dict)  # "CODE:num" / "CODE:den"

    def get(self, code: str, part: str) -> int:
        return self.counts.get(f"{code}:{part}", 0)


def dossier_breakdown(
    *, period: Period, scope: Scope, at: datetime, structure: Structure, by: str, method: str = Method.ROLLUP
) -> list[BreakdownRow]:
    """Rows by reporting agency (``by="agency"``) or by procedure (``by="procedure"``), busiest first.

    Queries: the reference stamp (1; the organisation, 2 more, when the process does not hold it),
    the scope's catalogue check (≤ 1), then from the rollups the counters (1)
    and, when the window closes mid-day, the facts of that day (1); directly one grouped query over
    the dossiers. The procedures of the rows: 1.
    A period not begun at ``at`` has no rollup tiling: it is counted directly, as the engine does.
    Raises :class:`IndicatorError` for an unknown scope, as the engine does.
    """
    if by not in ("agency", "procedure"):
        raise ValueError(f"cannot break the figures down by {by!r}")
    org = organisation_load(structure=structure, day=at.astimezone(VN_TZ).date())
    resolved = scope_resolve(scope, org)
    window = Window.of(period, at)
    if Method(method) == Method.ROLLUP and window.close >= window.start:
        counted = _rolled(window, resolved, org, by)
    else:
        counted = _direct(window, resolved, org, by)
    found: dict[int, dict[str, int]] = defaultdict(dict)
    for counted_key, counters in counted:
        key = org.report_as(counted_key) if by == "agency" else counted_key
        if key is None:  # abolished without successor: counted for the province only
            continue
        counts = found[key]
        for code in BREAKDOWN_INDICATORS:
            for part in ("num", "den"):
                name = f"{code}:{part}"
                counts[name] = counts.get(name, 0) + counters.get(name, 0)
    if by == "agency":
        result = [BreakdownRow(key=k, agency=org.agencies[k], counts=c) for k, c in found.items()]
    else:
        procedures = Procedure.objects.select_related("field").in_bulk(list(found))
        result = [BreakdownRow(key=k, procedure=procedures[k], counts=c) for k, c in found.items()]
    result.sort(key=lambda r: (-r.get("ONLINE_SUBMISSION", "den"), r.agency.name if r.agency else "", r.key))
    return result


def _rolled(window: Window, resolved: ResolvedScope, org: Organisation, by: str) -> list[tuple[int, dict[str, int]]]:
    """(handling agency or procedure, counters) from the rollup counters."""
    column = "agency_id" if by == "agency" else "procedure_id"
    grouped = rollups_read_grouped(window=window, scope=scope_rollup_filter(resolved, org), by=column)
    return list(grouped.items())


def _direct(window: Window, resolved: ResolvedScope, org: Organisation, by: str) -> list[tuple[int, dict[str, int]]]:
    """(handling agency or procedure, counters) from one grouped query over the dossiers."""
    filters = indicator_filters(window)
    aggregates: dict[str, Any] = {}
    for i, code in enumerate(BREAKDOWN_INDICATORS):
        numerator, denominator = filters[code]
        aggregates[f"n{i}"] = Count("pk", filter=numerator)
        aggregates[f"d{i}"] = Count("pk", filter=denominator)
    group = "competent_agency_id" if by == "agency" else "procedure_version__procedure_id"
    rows = (
        dossier_facts(Dossier.objects.filter(scope_dossier_filter(resolved, org)))
        .filter(window_filter(window))
        .order_by()
        .values(group)
        .annotate(**aggregates)
    )
    found = []
    for row in rows:
        counters = {}
        for i, code in enumerate(BREAKDOWN_INDICATORS):
            counters[f"{code}:num"] = row[f"n{i}"]
            counters[f"{code}:den"] = row[f"d{i}"]
        found.append((row[group], counters))
    return found
