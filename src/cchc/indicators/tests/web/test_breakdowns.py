"""The breakdown tables of the agency and procedure pages read from the rollups give exactly the figures
of the grouped count over the dossier table (``method="direct"``), for closed and running periods, a
day closing mid-day and a period not begun, both structures, by agency and by procedure; they add up to
the engine's figures for the scope; and they cost a constant, small number of queries."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

import pytest

from cchc.dossiers.models import Dossier
from cchc.indicators.compute import indicators_compute
from cchc.indicators.constants import Method, Structure
from cchc.indicators.periods import period_parse
from cchc.indicators.scopes import Scope, reference_cache_clear
from cchc.indicators.tests.conftest import apply_events
from cchc.indicators.tests.test_rollups import AFTER, HORIZON, VN, data_module  # noqa: F401
from cchc.indicators.web.breakdowns import BREAKDOWN_INDICATORS, BreakdownRow, dossier_breakdown

RUNNING_AT = datetime(2026, 3, 18, 10, 17, 23, 120000, tzinfo=VN)
# (period, at): a closed month, a closed quarter, a running quarter and a running year closing mid-day,
# a day closing mid-day, a range, a period not begun at ``at`` (counted directly by both)
CASES = [
    ("2025-08", AFTER),
    ("2025-Q4", AFTER),
    ("2026-Q1", RUNNING_AT),
    ("2026", HORIZON),
    ("2026-03-18", datetime(2026, 3, 18, 15, 45, tzinfo=VN)),
    ("2025-08-05..2025-11-20", AFTER),
    ("2026-Q2", datetime(2026, 3, 1, 12, 0, tzinfo=VN)),
]
AGENCY_SCOPES = [Scope(agency="so-tu-phap"), Scope(agency="ubnd-22366"), Scope(unit="56"), Scope(level="commune")]


# the rollup tests' dossiers (July 2025 - March 2026, bulk then services), loaded once per module
pytestmark = pytest.mark.usefixtures("data_module")


@pytest.fixture
def data(db: None) -> None:
    """The rollup tests' dossiers (the module-scoped ``data_module`` is set up before ``db``)."""


def _popular(n: int) -> list[str]:
    received = Dossier.objects.filter(received_at__isnull=False)
    codes = received.values_list("procedure_version__procedure__code", flat=True)
    return [code for code, _ in Counter(codes).most_common(n)]


def _table(rows: list[BreakdownRow]) -> list[tuple[int, dict[str, int]]]:
    return [(row.key, {k: v for k, v in sorted(row.counts.items()) if v}) for row in rows]


def _both(**kwargs: Any) -> tuple[list[tuple[int, dict[str, int]]], list[tuple[int, dict[str, int]]]]:
    rolled = dossier_breakdown(**kwargs, method=Method.ROLLUP)
    direct = dossier_breakdown(**kwargs, method=Method.DIRECT)
    return _table(rolled), _table(direct)


@pytest.mark.parametrize(("key", "at"), CASES, ids=[key for key, _ in CASES])
@pytest.mark.parametrize("structure", Structure.values)
def test_rollup_breakdowns_equal_the_direct_ones(data: None, key: str, at: datetime, structure: str) -> None:
    # given the province, agencies, a unit, a level (by procedure) and the busiest procedures (by agency)
    period = period_parse(key)
    cases = [(Scope(), "agency"), (Scope(), "procedure")]
    cases += [(scope, "procedure") for scope in AGENCY_SCOPES]
    cases += [(Scope(procedure=code), "agency") for code in _popular(3)]
    cases.append((Scope(level="commune", procedure=_popular(1)[0]), "agency"))
    rows = 0
    for scope, by in cases:
        # when the breakdown is read from the rollups and counted directly
        rolled, direct = _both(period=period, scope=scope, at=at, structure=Structure(structure), by=by)
        # then the rows, their order and every count are the same
        assert rolled == direct, (scope, by)
        rows += len(rolled)
    # and the data make them non-trivial (a period not begun: only dossiers in process at its "close")
    assert rows > (0 if period.start > at else 20)


@pytest.mark.parametrize(("key", "at"), [CASES[1], CASES[2]], ids=["closed", "running"])
def test_rollup_breakdowns_add_up_to_the_engine_figures(data: None, key: str, at: datetime) -> None:
    period = period_parse(key)
    for scope, by in [(Scope(agency="ubnd-22366"), "procedure"), (Scope(procedure=_popular(1)[0]), "agency")]:
        # when an agency's procedures or a procedure's agencies are read from the rollups
        rows = dossier_breakdown(period=period, scope=scope, at=at, structure=Structure.CURRENT, by=by)
        report = indicators_compute(period=period, scope=scope, at=at)
        # then the rows add up to the scope's figures
        for code in BREAKDOWN_INDICATORS:
            result = report.results[code]
            assert sum(r.get(code, "num") for r in rows) == (result.numerator or 0), (scope, code)
            assert sum(r.get(code, "den") for r in rows) == (result.denominator or 0), (scope, code)
        assert sum(r.get("PROGRESS_ON_TIME", "den") for r in rows) > 0


@pytest.mark.parametrize(("at", "extra"), [(AFTER, 0), (RUNNING_AT, 1)], ids=["closing-at-midnight", "closing-mid-day"])
def test_a_rollup_breakdown_runs_a_constant_number_of_queries(
    data: None, at: datetime, extra: int, django_assert_num_queries: Any
) -> None:
    apply_events()
    procedure = _popular(1)[0]
    reference_cache_clear()
    for key in ("2026-Q1", "2026"):
        period = period_parse(key)
        # an agency's procedures: reference stamp, organisation (2: the first time only, then kept),
        # counters, procedures (+ the day's facts)
        with django_assert_num_queries((5 if key == "2026-Q1" else 3) + extra):
            rows = dossier_breakdown(
                period=period, scope=Scope(agency="ubnd-22366"), at=at, structure=Structure.CURRENT, by="procedure"
            )
        assert rows
        # a procedure's agencies: reference stamp, the procedure exists, counters (+ facts)
        with django_assert_num_queries(3 + extra):
            rows = dossier_breakdown(
                period=period, scope=Scope(procedure=procedure), at=at, structure=Structure.CURRENT, by="agency"
            )
        assert rows
