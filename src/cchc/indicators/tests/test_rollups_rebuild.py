"""The rebuild's bulk-load shape: every stage timed, the secondary indexes dropped and built again."""

from __future__ import annotations

import pytest
from django.db import connection

from cchc.indicators.models import AgencyRollup, DossierFact, IndicatorRollup, PaymentFact
from cchc.indicators.rollups import _secondary_indexes, rollups_rebuild

pytestmark = pytest.mark.django_db

TABLES = [DossierFact, PaymentFact, IndicatorRollup, AgencyRollup]


def test_a_rebuild_reports_the_time_of_each_stage() -> None:
    result = rollups_rebuild()
    assert list(result.stages)[:3] == ["truncate", "dossier facts", "payment facts"]
    assert "indexes" in result.stages
    assert all(seconds >= 0 for seconds in result.stages.values())
    assert sum(result.stages.values()) <= result.seconds + 0.05 * len(result.stages)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="indexes are dropped and rebuilt on PostgreSQL only")
def test_a_rebuild_leaves_the_same_secondary_indexes() -> None:
    before = _secondary_indexes(TABLES)
    # the facts' moment indexes and the pairs' index of the counters are among them
    names = " ".join(definition for _, definition in before)
    assert "received_at" in names
    assert "stop_at" in names
    assert "indicator_rollup_pairs" in names
    rollups_rebuild()
    assert _secondary_indexes(TABLES) == before
