"""Figures of the targets: projection math, status rules, no-data years, figures from real dossiers."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from django.contrib.auth.models import User

from cchc.dossiers import services as s
from cchc.dossiers.constants import DossierStatus, IdentityLevel
from cchc.dossiers.tests.conftest import AT, CITIZEN, World, to_status
from cchc.indicators.tests.conftest import apply_events
from cchc.program.constants import Comparator, MeasureKind, TargetStatus
from cchc.program.models import MeasureSeries, Program
from cchc.program.targets.selectors import (
    YearPoint,
    projection_fit,
    target_progress_get,
    target_progress_list,
    target_status,
)
from cchc.program.targets.services import target_value_record

LATER = AT + timedelta(days=10)  # 15/1/2026


def points(*pairs: tuple[int, str | None]) -> list[YearPoint]:
    return [YearPoint(year, None if value is None else Decimal(value)) for year, value in pairs]


def test_least_squares_through_the_yearly_points() -> None:
    # y = 2x - 3960 exactly through 2022..2024 -> 84, 86, 88; 2030 -> 100
    fit = projection_fit(points((2021, None), (2022, "84"), (2023, "86"), (2024, "88")), share=True)
    assert fit is not None
    assert fit.points == 3
    assert fit.at(2025) == Decimal("90.00")
    assert fit.at(2030) == Decimal("100.00")
    assert fit.at(2035) == Decimal("100.00")  # a share is clamped to 100 %
    # scattered points around (2023, 51 1/6): dy = −7/6, −1/6, 4/3; slope = Σ(dx·dy)/Σdx² = (7/6 + 4/3)/2 = 5/4;
    # 2026: 51 1/6 + 3 × 5/4 = 54.9166… -> 54.92
    scattered = projection_fit(points((2022, "50"), (2023, "51"), (2024, "52.5")), share=True)
    assert scattered is not None
    assert scattered.slope == Fraction(5, 4)
    assert scattered.at(2026) == Decimal("54.92")
    assert projection_fit(points((2022, None)), share=True) is None
    flat = projection_fit(points((2025, "40")), share=True)
    assert flat is not None
    assert flat.at(2030) == Decimal("40.00")


@pytest.mark.parametrize(
    ("comparator", "goal", "year", "series", "status"),
    [
        (Comparator.AT_LEAST, "30", 2025, [(2025, "52")], TargetStatus.MET),
        (Comparator.AT_LEAST, "90", 2025, [(2025, "83"), (2026, "95")], TargetStatus.BEHIND),  # judged on 2025
        (Comparator.AT_LEAST, "90", 2025, [(2024, "95"), (2026, "95")], TargetStatus.NO_DATA),  # no 2025 figure
        (Comparator.AT_LEAST, "95", 2030, [(2024, "80"), (2025, "85"), (2026, "88")], TargetStatus.ON_TRACK),
        (Comparator.AT_LEAST, "95", 2030, [(2025, "83"), (2026, "73")], TargetStatus.BEHIND),
        (Comparator.AT_LEAST, "95", 2030, [(2026, "73")], TargetStatus.BEHIND),  # one point: flat
        (Comparator.EQUAL, "80", 2030, [(2026, "80")], TargetStatus.MET),
        (Comparator.AT_MOST, "10", 2030, [(2026, "12"), (2027, "9")], TargetStatus.MET),
        (Comparator.REDUCE_BY, "10", 2030, [(2026, "3"), (2027, "5")], TargetStatus.ON_TRACK),
        (Comparator.AT_LEAST, "50", 2030, [(2025, None), (2026, None)], TargetStatus.NO_DATA),
    ],
)
def test_status_rules(
    comparator: str, goal: str, year: int, series: list[tuple[int, str | None]], status: TargetStatus
) -> None:
    found, reason = target_status(
        comparator=comparator,
        target=Decimal(goal),
        milestone_year=year,
        points=points(*series),
        this_year=2027 if (comparator == Comparator.AT_MOST or series[-1][0] == 2027) else 2026,
        share=comparator != Comparator.REDUCE_BY,
    )
    assert found == status, reason
    assert reason


def test_years_without_dossiers_are_no_data_not_zero(world: World, program: Program) -> None:
    # given: one dossier returned in January 2026, paid at the counter (not online)
    to_status(world, DossierStatus.RETURNED)
    apply_events()  # the rollups follow the events, never a read

    # when
    progress = target_progress_get(program=program, code="a2-2030-1", at=LATER)

    # then: 2021-2025 hold no dossier: no data; 2026 measured 0 of 1: a real 0 %
    assert [(p.year, p.value) for p in progress.points] == [
        (2021, None),
        (2022, None),
        (2023, None),
        (2024, None),
        (2025, None),
        (2026, Decimal("0.00")),
    ]
    last = progress.points[-1]
    assert (last.numerator, last.denominator, last.partial) == (0, 1, True)
    assert [(m.code, m.year, m.value) for m in progress.milestones] == [
        ("a2-2025-2", 2025, Decimal(30)),
        ("a2-2030-1", 2030, Decimal(50)),
    ]
    assert progress.status == TargetStatus.BEHIND
    assert progress.baseline == last
    assert progress.baseline_is_first_measured


def test_platform_series_from_dossiers(world: World, program: Program) -> None:
    to_status(world, DossierStatus.RETURNED)
    apply_events()  # the rollups follow the events, never a read
    progress = target_progress_get(program=program, code="a2-2025-1", at=LATER)
    assert progress.current is not None
    assert (progress.current.year, progress.current.value) == (2026, Decimal("100.00"))
    # the 2025 milestone is over and the platform holds nothing for 2025
    assert progress.status == TargetStatus.NO_DATA


def test_fields_missing_from_the_catalogue_are_named(world: World, program: Program) -> None:
    to_status(world, DossierStatus.RETURNED)
    apply_events()  # the rollups follow the events, never a read
    progress = target_progress_get(program=program, code="a2-2030-4", at=LATER)
    assert progress.field_codes == []
    assert progress.missing_fields == ["đất đai", "xây dựng", "đầu tư"]
    assert all(p.value is None for p in progress.points)
    assert progress.status == TargetStatus.NO_DATA


def test_manual_series_use_the_standing_value_of_each_year(program: Program, snv_officer: User) -> None:
    series = MeasureSeries.objects.get(program=program, key="hai-long-phuc-vu-hanh-chinh")
    at = datetime(2026, 1, 10, 3, 0, tzinfo=UTC)
    for period, value in [("2023", "84"), ("2024", "86")]:
        target_value_record(series=series, actor=snv_officer, period=period, value=value, at=at, document_number="1")
    wrong = target_value_record(series=series, actor=snv_officer, period="2025", value="70", at=at, document_number="2")
    target_value_record(
        series=series,
        actor=snv_officer,
        period="2025",
        value="88",
        at=at,
        document_number="3",
        note="Sai số",
        corrects=wrong,
    )

    progress = target_progress_get(program=program, code="a3-2030-2", at=at)

    assert [(p.year, p.value) for p in progress.points][2:] == [
        (2023, Decimal(84)),
        (2024, Decimal(86)),
        (2025, Decimal(88)),
        (2026, None),
    ]
    assert progress.projected == Decimal("98.00")  # +2 a year from 88 in 2025
    assert progress.status == TargetStatus.ON_TRACK
    assert len(progress.values) == 4
    assert len(progress.standing_values) == 3


def test_the_list_costs_the_same_queries_whatever_the_data(
    world: World, program: Program, django_assert_num_queries: object
) -> None:
    to_status(world, DossierStatus.RETURNED)
    apply_events()  # the rollups follow the events, never a read
    target_progress_list(program=program, at=LATER)  # warm-up (indicator rollups refresh once)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        rows = target_progress_list(program=program, at=LATER)
    expected = len(few.captured_queries)  # read now: the connection's query log is a bounded deque
    for hour in range(1, 4):
        to_status(world, DossierStatus.RETURNED, AT + timedelta(hours=hour))
        apply_events()  # the rollups follow the events, never a read
    target_progress_list(program=program, at=LATER)
    with django_assert_num_queries(expected):  # type: ignore[operator]
        again = target_progress_list(program=program, at=LATER)
    assert len(rows) == len(again) == 24


def test_the_identity_target_counts_the_persons_who_signed_in(world: World, program: Program) -> None:
    # given January's online applicants (issue 15): two persons signed in with their electronic identity
    # (one of them filed twice), one did not; a counter dossier is not an online service
    for number, identity, hours in [
        ("056190004321", IdentityLevel.VNEID_2, 0),
        ("056190004321", IdentityLevel.VNEID_2, 1),
        ("056201007777", IdentityLevel.VNEID_1, 2),
        ("056085001234", IdentityLevel.NONE, 3),
    ]:
        s.dossier_submit_online(
            procedure=world.province_procedure,
            applicant=replace(CITIZEN, id_number=number, identity=identity),
            receiving_agency=world.centre,
            competent_agency=world.justice,
            at=AT + timedelta(hours=hours),
        )
    to_status(world, DossierStatus.RECEIVED)

    # when the target "người sử dụng dịch vụ công trực tuyến được cấp định danh, xác thực điện tử" is read
    progress = target_progress_get(program=program, code="a6-2025-6", at=LATER)

    # then it is measured on the platform, in persons: 2 of 3 this year (partial), no figure for 2025
    assert progress.series is not None
    assert (progress.series.kind, progress.series.measure_code) == (MeasureKind.PLATFORM, "IDENTIFIED_ONLINE_USERS")
    assert progress.current is not None
    current = progress.current
    assert (current.year, current.numerator, current.denominator, current.partial) == (2026, 2, 3, True)
    assert current.value == Decimal("66.67")
    assert [m.value for m in progress.milestones] == [Decimal(100)]
    assert progress.status == TargetStatus.NO_DATA  # the 2025 milestone is over, nothing filed in 2025
