"""Reads: who must report, the compliance table (constant queries), default periods."""

from __future__ import annotations

from datetime import date

import pytest

from cchc.org.constants import Level
from cchc.reporting.constants import Timeliness
from cchc.reporting.models import ReportPeriod
from cchc.reporting.selectors import compliance_for_period, last_finished_quarter, report_scope, reporting_agencies
from cchc.reporting.tests.conftest import AFTER_DUE, BEFORE_DUE, RWorld, sent_report


def test_reporting_agencies_are_todays_departments_and_communes(rw: RWorld) -> None:
    agencies = list(reporting_agencies(on=date(2025, 12, 31)))
    codes = {a.code for a in agencies}
    assert {"so-noi-vu", "so-tu-phap", "van-phong-ubnd", "ubnd-22366"} <= codes
    assert "ubnd-56" not in codes  # the province's People's Committee receives, it does not report
    assert sum(a.level == Level.COMMUNE for a in agencies) == 65
    assert agencies[0].level == Level.PROVINCE
    assert agencies[-1].level == Level.COMMUNE


def test_compliance_counts_on_time_late_and_missing_in_two_queries(
    rw: RWorld, period: ReportPeriod, django_assert_num_queries: pytest.FixtureRequest
) -> None:
    # given: Sở Tư pháp on time, the commune late, the rest nothing
    sent_report(rw, period, at=BEFORE_DUE)
    sent_report(rw, period, agency=rw.commune, at=AFTER_DUE)
    # when
    with django_assert_num_queries(2):
        compliance = compliance_for_period(period=period, at=AFTER_DUE)
    # then
    rows = {row.agency.code: row for row in compliance.rows}
    assert rows["so-tu-phap"].timeliness == Timeliness.ON_TIME
    assert rows[rw.commune.code].timeliness == Timeliness.LATE
    assert rows["so-y-te"].timeliness == Timeliness.MISSING
    assert rows["so-y-te"].overdue
    assert compliance.counts == {"on_time": 1, "late": 1, "missing": compliance.expected - 2}
    chart = compliance.chart()
    assert chart["series"][0]["data"] == [1, 0]
    assert chart["series"][1]["data"] == [0, 1]


def test_missing_before_the_deadline_is_not_overdue(rw: RWorld, period: ReportPeriod) -> None:
    rows = compliance_for_period(period=period, at=BEFORE_DUE).rows
    assert not any(row.overdue for row in rows)


def test_report_scope(rw: RWorld) -> None:
    day = date(2025, 12, 10)
    assert report_scope(user=rw.reviewer, on=day).reviewer
    officer = report_scope(user=rw.officer, on=day)
    assert not officer.reviewer
    assert officer.may_write(rw.justice.pk)
    assert not officer.may_write(rw.commune.pk)
    assert report_scope(user=rw.outsider, on=day).empty


@pytest.mark.parametrize(
    ("today", "key"), [(date(2026, 1, 5), "2025-Q4"), (date(2026, 11, 26), "2026-Q3"), (date(2026, 4, 1), "2026-Q1")]
)
def test_last_finished_quarter(today: date, key: str) -> None:
    assert last_finished_quarter(today=today) == key
