"""Digitisation codes under concurrency (PostgreSQL): desks digitising at once take 1..N without a gap or
a duplicate, and a digitisation rolled back gives its number back. SQLite has no row locks."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection, transaction

from cchc.common.tests.concurrency import run_together
from cchc.records.models import DigitisationSequence
from cchc.records.services import digitisation_code_next

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locking needs PostgreSQL (SQLite has none)"),
    pytest.mark.django_db(transaction=True),
]

AT = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
WORKERS = 8


class Rollback(Exception):
    pass


def test_codes_stay_gapless_when_desks_race_and_some_roll_back() -> None:
    def take(*, fail: bool) -> int:
        with transaction.atomic():
            code = digitisation_code_next(prefix="H01", at=AT)
            if fail:
                raise Rollback(code)
            return int(code.rsplit(".", 1)[1])

    failing = {2, 5}
    results = run_together([lambda i=i: take(fail=i in failing) for i in range(WORKERS)])  # type: ignore[misc]
    taken = sorted(r for r in results if isinstance(r, int))
    assert taken == list(range(1, WORKERS - len(failing) + 1)), results
    assert all(isinstance(results[i], Rollback) for i in failing)
    assert DigitisationSequence.objects.get(prefix="H01").last_value == len(taken)
