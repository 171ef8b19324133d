"""QĐ 766 indicator 1.4 (DOSSIER_SYNC) from the national portal's acknowledgements (issue 14):
numerator = dossiers received in the period that the portal acknowledged (a DossierSync row),
denominator = dossiers received in the period (our own count). Both methods, the drill-down, the
rollups following the acknowledgement's event, and the measured maximum and total rising."""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction

import pytest

from cchc.dossiers.models import Dossier
from cchc.indicators.compute import indicators_compute
from cchc.indicators.constants import Method, Status
from cchc.indicators.definitions import BY_CODE
from cchc.indicators.scopes import Scope
from cchc.indicators.selectors import indicator_dossiers
from cchc.indicators.tests.conftest import apply_events
from cchc.indicators.tests.test_compute import CLOSE, JANUARY, Month, build_month
from cchc.integrations.models import DossierSync
from cchc.outbox.services import outbox_emit


@pytest.fixture
def month(world, media_root) -> Month:
    return build_month(world)


def _acknowledge(dossier: Dossier) -> None:
    """What the portal adapter records when the national portal acknowledges a dossier (its own
    service is the DVCQG part's; the row and the event it writes are the contract read here)."""
    assert dossier.received_at is not None
    at = dossier.received_at + timedelta(minutes=5)
    DossierSync.objects.create(
        dossier=dossier, first_synced_at=at, synced_at=at, last_event_id=1, status_code=2, sent=1
    )
    outbox_emit(
        topic="integrations.dossier_synced",
        stream=f"dossier:{dossier.pk}",
        payload={"dossier_id": dossier.pk},
        occurred_at=at,
    )


def test_the_definition_has_data_and_says_whose_count_the_denominator_is() -> None:
    sync = BY_CODE["DOSSIER_SYNC"]
    assert sync.has_data
    assert sync.no_data_reason == ""
    assert "không lấy được số liệu của Cổng DVCQG" in sync.note


@pytest.mark.parametrize("method", Method.values)
def test_acknowledged_dossiers_over_received_ones(world, month: Month, method: str) -> None:
    # given the month, nothing acknowledged yet: measured (0 points), counted in the maximum
    before = indicators_compute(period=JANUARY, at=CLOSE, method=method)
    received = before.results["ONLINE_SUBMISSION"].denominator
    assert received == 7
    assert (before.results["DOSSIER_SYNC"].status, before.results["DOSSIER_SYNC"].numerator) == (Status.COMPUTED, 0)
    assert before.measured_max == 68  # 54 before issue 14, + 6 of 1.4, + 2 of 4.5b (issue 15), + 6 of 4.1 (issue 16)

    # when the portal acknowledges two January dossiers and one received in December
    for dossier in (month.a, month.d, month.f):
        _acknowledge(dossier)
    apply_events()

    # then 1.4 is 2 of the 7 received in January, with its points; the December one is not counted
    after = indicators_compute(period=JANUARY, at=CLOSE, method=method)
    sync = after.results["DOSSIER_SYNC"]
    assert (sync.status, sync.numerator, sync.denominator) == (Status.COMPUTED, 2, 7)
    assert sync.score == Fraction(6 * 2, 7)
    assert after.total == before.total + Fraction(12, 7)
    assert after.measured_max == 68


def test_the_drill_down_lists_the_acknowledged_dossiers(world, month: Month) -> None:
    _acknowledge(month.a)
    _acknowledge(month.k)
    apply_events()
    numerator = indicator_dossiers("DOSSIER_SYNC", JANUARY, Scope(), "numerator", at=CLOSE)
    assert {d.pk for d in numerator} == {month.a.pk, month.k.pk}
    assert indicator_dossiers("DOSSIER_SYNC", JANUARY, Scope(), "denominator", at=CLOSE).count() == 7
    # a commune's scope counts its own dossier only
    commune = indicators_compute(period=JANUARY, scope=Scope(unit="22366"), at=CLOSE)
    assert (commune.results["DOSSIER_SYNC"].numerator, commune.results["DOSSIER_SYNC"].denominator) == (1, 1)


def test_an_acknowledgement_without_its_event_is_read_directly_not_yet_by_the_rollups(world, month: Month) -> None:
    # an acknowledgement whose event was not delivered is not seen by the rollups yet (reads never write)...
    DossierSync.objects.create(
        dossier=month.e, first_synced_at=CLOSE, synced_at=CLOSE, last_event_id=1, status_code=2, sent=1
    )
    apply_events()
    assert indicators_compute(period=JANUARY, at=CLOSE).results["DOSSIER_SYNC"].numerator == 0
    # ...but the direct computation sees it at once
    assert indicators_compute(period=JANUARY, at=CLOSE, method=Method.DIRECT).results["DOSSIER_SYNC"].numerator == 1


def test_the_dashboard_counts_1_4_among_the_measured_points(world, month: Month, client) -> None:
    _acknowledge(month.a)
    apply_events()
    page = client.get("/chi-so/", {"ky": "2026-01"}).content.decode()
    assert '/<span data-testid="measured-max">68</span> điểm đo được' in page  # with 4.5b, 4.1 (issues 15, 16)
    assert "Hệ thống chưa đồng bộ hồ sơ lên Cổng Dịch vụ công quốc gia" not in page


def test_the_real_adapter_s_acknowledgements_reach_the_rollups_without_another_transition(
    world, month: Month, national_simulator
) -> None:
    from cchc.integrations.national_portal.payload import SUBSCRIBER
    from cchc.integrations.national_portal.subscriber import subscriber_register
    from cchc.outbox.dispatch import outbox_drain
    from cchc.outbox.registry import unregister

    apply_events()
    assert indicators_compute(period=JANUARY, at=CLOSE, method=Method.ROLLUP).results["DOSSIER_SYNC"].numerator == 0
    subscriber_register()  # the month's events were fanned out before: replay them to the new subscriber
    try:
        from cchc.outbox.models import OutboxEvent

        OutboxEvent.objects.update(fanned_out=False)
        outbox_drain(only=[SUBSCRIBER])
    finally:
        unregister(SUBSCRIBER)
    assert DossierSync.objects.exists()
    apply_events()  # the rollups follow the adapter's integrations.dossier_synced events, nothing else
    by_rollups = indicators_compute(period=JANUARY, at=CLOSE, method=Method.ROLLUP).results["DOSSIER_SYNC"]
    direct = indicators_compute(period=JANUARY, at=CLOSE, method=Method.DIRECT).results["DOSSIER_SYNC"]
    assert (by_rollups.numerator, by_rollups.denominator) == (direct.numerator, direct.denominator) == (7, 7)
