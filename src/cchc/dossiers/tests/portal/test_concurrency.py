"""Concurrency on PostgreSQL: the applicant double-submits the rating (two tabs): exactly one is recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection

from cchc.audit.models import AuditEvent
from cchc.dossiers import services as s
from cchc.dossiers.constants import DossierError, DossierErrorCode, DossierStatus
from cchc.dossiers.models import Dossier, DossierRating
from cchc.dossiers.tests.conftest import build_world, to_status
from cchc.dossiers.tests.test_concurrency import run_together

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locking needs PostgreSQL (SQLite has none)"),
    pytest.mark.django_db(transaction=True),
]


def test_two_ratings_at_once_exactly_one_is_recorded() -> None:
    world = build_world()
    dossier = to_status(world, DossierStatus.RETURNED)
    at = dossier.returned_at + timedelta(hours=1)
    copies = [Dossier.objects.get(pk=dossier.pk) for _ in range(2)]

    results = run_together(
        [
            lambda: s.dossier_rate(dossier=copies[0], level="satisfied", criteria={}, comment="", at=at),
            lambda: s.dossier_rate(dossier=copies[1], level="dissatisfied", criteria={}, comment="", at=at),
        ]
    )

    winners = [r for r in results if isinstance(r, DossierRating)]
    losers = [r for r in results if isinstance(r, DossierError)]
    assert len(winners) == 1, results
    assert len(losers) == 1, results
    assert losers[0].code == DossierErrorCode.ALREADY_RATED
    assert DossierRating.objects.get().level == winners[0].level
    assert AuditEvent.objects.for_target(dossier).filter(action="dossier.rate").count() == 1
