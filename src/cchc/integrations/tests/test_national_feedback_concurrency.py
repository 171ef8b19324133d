"""Two pulls from the national feedback system at once, on PostgreSQL: they take turns on the stored
position, so every national feedback is imported exactly once and the codes have no gap. SQLite has a
single writer and no row locks, so it cannot show it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection

from cchc.dossiers.tests.conftest import AT
from cchc.feedback.models import Feedback, NationalFeedbackCursor
from cchc.feedback.tests.conftest import build_feedback_world
from cchc.integrations.national_feedback.pull import PullReport, pakn_pull
from cchc.integrations.tests.simulator import NationalSimulator
from cchc.integrations.tests.test_national_feedback import file_nationally, pakn

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locking needs PostgreSQL (SQLite has none)"),
    pytest.mark.django_db(transaction=True),
]


def test_two_pulls_at_once_import_each_national_feedback_once(national_simulator: NationalSimulator) -> None:
    from cchc.dossiers.tests.test_concurrency import run_together

    build_feedback_world()
    filed = file_nationally(national_simulator, *[pakn(TieuDe=f"Phản ánh số {n} về thủ tục") for n in range(8)])
    at = AT + timedelta(hours=2)

    results = run_together([lambda: pakn_pull(at=at, page_size=2), lambda: pakn_pull(at=at, page_size=2)])

    assert all(isinstance(r, PullReport) and r.error is None for r in results), results
    imported = [code for r in results for code in r.imported]
    assert len(imported) == 8
    assert sorted(Feedback.objects.values_list("national_id", flat=True)) == sorted(filed)
    assert sorted(imported) == [f"PA-260105-{n:04d}" for n in range(1, 9)]
    assert NationalFeedbackCursor.objects.get(source="pakn").imported == 8
