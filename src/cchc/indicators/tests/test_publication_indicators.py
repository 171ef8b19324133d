"""Indicators 1.1 (PUBLISH_ON_TIME) and 1.2 (PUBLIC_UPDATE_ON_TIME) of QĐ 766: the working-day rules of
Điều 15 NĐ 63/2010/NĐ-CP at their boundaries (holidays included), and the figures computed from the
publications the national procedure import records."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from cchc.calendars.selectors import working_calendar
from cchc.catalogue.services import catalogue_import
from cchc.catalogue.tests.conftest import catalogue_data
from cchc.indicators.compute import indicators_compute
from cchc.indicators.constants import Method, Status
from cchc.indicators.definitions import BY_CODE
from cchc.indicators.periods import period_parse
from cchc.indicators.publications import Publication, made_public_on_time, published_on_time
from cchc.indicators.scopes import Scope, reference_stamp
from cchc.integrations.national_procedures.format import parse_export
from cchc.integrations.national_procedures.services import procedures_import
from cchc.integrations.tests.test_national_procedures import national
from cchc.org.constants import Level
from cchc.org.models import Agency
from cchc.org.services import org_load_khanh_hoa

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _publication(decision: date, *, effective: date | None = None, public: date | None = None) -> Publication:
    return Publication(1, "1.001193", "HOTICH", decision, effective, public)


@pytest.mark.parametrize(
    ("decision", "effective", "on_time"),
    [
        # effective Monday 16/3/2026: five working days before is Monday 9/3
        (date(2026, 3, 9), date(2026, 3, 16), True),
        (date(2026, 3, 10), date(2026, 3, 16), False),
        (date(2026, 3, 8), date(2026, 3, 16), True),  # a Sunday before the deadline
        # effective Thursday 7/5/2026: 30/4 and 1/5 are holidays, so the deadline is Tuesday 28/4
        (date(2026, 4, 28), date(2026, 5, 7), True),
        (date(2026, 4, 29), date(2026, 5, 7), False),
        (date(2026, 5, 7), date(2026, 5, 7), False),
        (date(2026, 3, 1), None, None),  # no effective date: not judged
    ],
)
def test_publish_on_time_counts_five_working_days_before_the_effective_date(
    decision: date, effective: date | None, on_time: bool | None
) -> None:
    assert published_on_time(_publication(decision, effective=effective), working_calendar()) is on_time


@pytest.mark.parametrize(
    ("decision", "public", "today", "on_time"),
    [
        # decision Monday 9/3/2026: the fifth working day after it is Monday 16/3
        (date(2026, 3, 9), date(2026, 3, 16), None, True),
        (date(2026, 3, 9), date(2026, 3, 17), None, False),
        (date(2026, 3, 9), date(2026, 3, 9), None, True),  # the same day
        # decision Friday 13/2/2026: Tết (16/2-20/2) is not counted, the deadline is Friday 27/2
        (date(2026, 2, 13), date(2026, 2, 27), None, True),
        (date(2026, 2, 13), date(2026, 3, 2), None, False),
        # not yet public: not due until the deadline has passed, then late
        (date(2026, 3, 9), None, date(2026, 3, 16), None),
        (date(2026, 3, 9), None, date(2026, 3, 17), False),
    ],
)
def test_public_update_within_five_working_days_of_the_decision(
    decision: date, public: date | None, today: date | None, on_time: bool | None
) -> None:
    publication = _publication(decision, public=public)
    assert made_public_on_time(publication, working_calendar(), today or date(2026, 12, 31)) is on_time


def test_both_indicators_have_data_and_name_their_legal_basis() -> None:
    for code in ("PUBLISH_ON_TIME", "PUBLIC_UPDATE_ON_TIME"):
        indicator = BY_CODE[code]
        assert indicator.has_data
        assert not indicator.no_data_reason
        assert "NĐ 63/2010/NĐ-CP" in indicator.numerator


def _import(at: datetime, *records: dict[str, Any]) -> None:
    procedures_import(procedures=parse_export(list(records)), at=at, source="test")


def _decision(number: str, issued: str) -> dict[str, str]:
    return {"SoKyHieu": number, "NgayBanHanh": issued, "CoQuanBanHanh": "UBND tỉnh Khánh Hòa"}


def _basis(effective: str | None) -> list[dict[str, Any]]:
    return [{"SoKyHieu": "60/2014/QH13", "TrichYeu": "Luật Hộ tịch", "NgayHieuLuc": effective}]


@pytest.fixture
def published(db: None) -> None:
    """Q2 2026, as the national database recorded it:

    - 1.001193 (in force, every commune): decision 28/4 on time for 7/5, public 5/5 (on time); a second
      decision 29/4, late for 7/5, public 6/5 (on time). Counted once: late for 1.1, on time for 1.2.
    - 2.000635 (new, a draft here): decision 28/4 on time; never made public (late by 22/6).
    - 2.000636 (new): decision 20/6 without an effective date (not judged), not yet public (not due).
    - 2.000637: decision 30/3, outside the quarter.
    """
    org_load_khanh_hoa()
    catalogue_import(data=catalogue_data(), at=datetime(2026, 1, 5, 8, 0, tzinfo=VN))
    first = datetime(2026, 5, 5, 9, 0, tzinfo=VN)
    _import(
        first,
        national(QuyetDinhCongBo=_decision("10/QĐ-UBND", "28/04/2026"), CanCuPhapLy=_basis("07/05/2026"),
                 NgayCongKhai="05/05/2026"),
        national(MaTTHC="2.000635", QuyetDinhCongBo=_decision("11/QĐ-UBND", "28/04/2026"),
                 CanCuPhapLy=_basis("07/05/2026"), NgayCongKhai=None),
        national(MaTTHC="2.000637", QuyetDinhCongBo=_decision("5/QĐ-UBND", "30/03/2026"),
                 CanCuPhapLy=_basis("07/05/2026"), NgayCongKhai="31/03/2026"),
    )  # fmt: skip
    _import(
        first + timedelta(days=1),
        national(QuyetDinhCongBo=_decision("12/QĐ-UBND", "29/04/2026"), CanCuPhapLy=_basis("07/05/2026"),
                 NgayCongKhai="06/05/2026"),
        national(MaTTHC="2.000636", QuyetDinhCongBo=_decision("40/QĐ-UBND", "20/06/2026"),
                 CanCuPhapLy=_basis(None), NgayCongKhai=None),
    )  # fmt: skip


AT = datetime(2026, 6, 22, 10, 0, tzinfo=VN)


@pytest.mark.parametrize("method", Method.values)
def test_the_province_figures_count_each_procedure_once_per_period(published: None, method: str) -> None:
    report = indicators_compute(period=period_parse("2026-Q2"), at=AT, method=method)

    publish = report.results["PUBLISH_ON_TIME"]
    assert (publish.status, publish.numerator, publish.denominator) == (Status.COMPUTED, 1, 2)
    assert publish.points == Decimal("3.00")
    assert publish.details == {"unjudged": 1}
    public = report.results["PUBLIC_UPDATE_ON_TIME"]
    assert (public.status, public.numerator, public.denominator) == (Status.COMPUTED, 1, 2)
    assert public.points == Decimal("2.00")
    assert public.details == {"pending": 1}
    assert {r.indicator.code for r in report.excluded}.isdisjoint({"PUBLISH_ON_TIME", "PUBLIC_UPDATE_ON_TIME"})


def test_a_later_moment_makes_a_pending_publication_late(published: None) -> None:
    # 20/6/2026 is a Saturday: the fifth working day after it is Friday 26/6
    on_friday = indicators_compute(period=period_parse("2026-Q2"), at=datetime(2026, 6, 26, 17, tzinfo=VN))
    assert on_friday.results["PUBLIC_UPDATE_ON_TIME"].denominator == 2
    after = indicators_compute(period=period_parse("2026-Q2"), at=datetime(2026, 6, 30, 12, tzinfo=VN))
    assert (after.results["PUBLIC_UPDATE_ON_TIME"].numerator, after.results["PUBLIC_UPDATE_ON_TIME"].denominator) == (
        1,
        3,
    )


def test_an_agency_counts_the_procedures_it_holds_and_other_periods_theirs(published: None) -> None:
    commune = Agency.objects.valid_on(AT.date()).filter(level=Level.COMMUNE, kind="ubnd").order_by("code").first()
    assert commune is not None
    mine = indicators_compute(period=period_parse("2026-Q2"), scope=Scope(agency=commune.code), at=AT)
    # only 1.001193 is in force and held by the commune (the others are drafts here)
    assert (mine.results["PUBLISH_ON_TIME"].numerator, mine.results["PUBLISH_ON_TIME"].denominator) == (0, 1)
    assert (mine.results["PUBLIC_UPDATE_ON_TIME"].numerator, mine.results["PUBLIC_UPDATE_ON_TIME"].denominator) == (
        1,
        1,
    )
    march = indicators_compute(period=period_parse("2026-03"), at=AT)
    assert (march.results["PUBLISH_ON_TIME"].numerator, march.results["PUBLISH_ON_TIME"].denominator) == (1, 1)
    january = indicators_compute(period=period_parse("2026-01"), at=AT)
    assert january.results["PUBLISH_ON_TIME"].status == Status.EMPTY


def test_an_import_after_a_computation_is_seen_by_the_next_one(published: None) -> None:
    # given figures computed (the catalogue and the publications then kept by the process)
    before = indicators_compute(period=period_parse("2026-Q2"), at=AT)
    assert before.results["PUBLIC_UPDATE_ON_TIME"].numerator == 1
    stamp = reference_stamp()
    # when the national database says 2.000635 was made public on time after all
    _import(
        AT,
        national(MaTTHC="2.000635", QuyetDinhCongBo=_decision("11/QĐ-UBND", "28/04/2026"),
                 CanCuPhapLy=_basis("07/05/2026"), NgayCongKhai="04/05/2026"),
    )  # fmt: skip
    # then the write to the publications changed the reference stamp, and the next figures show it
    assert reference_stamp() != stamp
    after = indicators_compute(period=period_parse("2026-Q2"), at=AT)
    assert (after.results["PUBLIC_UPDATE_ON_TIME"].numerator, after.results["PUBLIC_UPDATE_ON_TIME"].denominator) == (
        2,
        2,
    )
