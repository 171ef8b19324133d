"""Certification register numbers under concurrency (PostgreSQL): officers certifying at once take 1..N
of their agency's register of the year without a gap or a duplicate, a certification rolled back gives its
number back, and another agency's register starts at 1. SQLite has no row locks."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.db import connection, transaction

from cchc.common.tests.concurrency import run_together
from cchc.dossiers.models import CertificationSequence
from cchc.dossiers.results.certified import certification_number_next
from cchc.org.constants import AgencyKind, Level
from cchc.org.models import Agency

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locking needs PostgreSQL (SQLite has none)"),
    pytest.mark.django_db(transaction=True),
]

AT = datetime(2026, 12, 31, 17, 30, tzinfo=UTC)  # 00:30 on 1/1/2027 in Vietnam: the register of 2027
WORKERS = 8


class Rollback(Exception):
    pass


def test_register_numbers_stay_gapless_per_agency_and_year() -> None:
    first, second = (
        Agency.objects.create(
            code=f"ubnd-test-{i}",
            name=f"UBND xã Thử {i}",
            kind=AgencyKind.PEOPLES_COMMITTEE,
            level=Level.COMMUNE,
            valid_from=date(2025, 7, 1),
        )
        for i in (1, 2)
    )

    def take(*, fail: bool) -> int:
        with transaction.atomic():
            number, year = certification_number_next(agency_id=first.pk, at=AT)
            assert year == 2027
            if fail:
                raise Rollback(number)
            return number

    failing = {1, 6}
    results = run_together([lambda i=i: take(fail=i in failing) for i in range(WORKERS)])  # type: ignore[misc]
    taken = sorted(r for r in results if isinstance(r, int))
    assert taken == list(range(1, WORKERS - len(failing) + 1)), results
    assert CertificationSequence.objects.get(agency=first, year=2027).last_value == len(taken)
    assert certification_number_next(agency_id=second.pk, at=AT) == (1, 2027)
