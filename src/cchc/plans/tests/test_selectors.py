"""Selectors: derived "trễ hạn", status counts, the year's table, the per-period counts for reporting."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.plans.constants import ProgressStatus
from cchc.plans.models import Assignment
from cchc.plans.selectors import (
    DUTIES_AREA_LABEL,
    assignment_list,
    assignments_for_period,
    overdue_list,
    plan_summaries,
    status_counts,
)
from cchc.plans.services import (
    assignment_accept,
    assignment_due_set,
    assignment_evidence_add,
    assignment_progress_update,
    assignment_submit,
)
from cchc.plans.tests.conftest import AT, pdf_bytes, task_item

pytestmark = pytest.mark.django_db


def finish(w, a, at):
    assignment_evidence_add(assignment=a, user=w.officer, file=SimpleUploadedFile("kq.pdf", pdf_bytes()), at=at)
    assignment_submit(assignment=a, user=w.officer, note="Xong", at=at)
    assignment_accept(assignment=a, user=w.reviewer, at=at + timedelta(days=1))


def test_overdue_is_derived_from_the_due_date(plans):
    # given task 1 due 27/2/2026 and task 13 in progress due 31/12/2026
    late = task_item(plans, 1)
    assignment_due_set(assignment=late, user=plans.reviewer, due_on=date(2026, 2, 27), at=AT)
    assignment_progress_update(assignment=task_item(plans, 13), user=plans.officer, percent=30, note="", at=AT)
    # then on 2/3/2026 the first is late, the other in progress; on 27/2 neither is late
    assert [a.pk for a in overdue_list(today=date(2026, 3, 2))] == [late.pk]
    assert not overdue_list(today=date(2026, 2, 27)).exists()
    counts = status_counts(
        assignment_list(today=date(2026, 3, 2), year=2026, agency_id=plans.justice.pk), today=date(2026, 3, 2)
    )
    total = Assignment.objects.filter(year=2026, lead_agency=plans.justice).count()
    assert counts[ProgressStatus.OVERDUE] == 1
    assert counts[ProgressStatus.IN_PROGRESS] == 1
    assert counts[ProgressStatus.NOT_STARTED] == total - 2
    assert sum(counts.values()) == total


def test_year_table_costs_one_query(plans, django_assert_num_queries):
    finish(plans, task_item(plans, 13), AT)
    with django_assert_num_queries(1):
        rows = plan_summaries(year=2026, today=AT.date())
    justice = next(r for r in rows if r.agency_id == plans.justice.pk)
    total = Assignment.objects.filter(year=2026, lead_agency=plans.justice).count()
    assert justice.total == total
    assert justice.counts[ProgressStatus.DONE] == 1
    assert justice.percent == round(100 / total, 1)
    assert len(rows) == Assignment.objects.filter(year=2026).values("lead_agency").distinct().count()


def test_assignments_for_period_counts_per_reform_area_at_the_period_end(plans, django_assert_num_queries):
    # given task 13 (area of its appendix row) accepted in March, task 1 submitted in July
    t13, t1 = task_item(plans, 13), task_item(plans, 1)
    finish(plans, t13, AT)
    assignment_evidence_add(assignment=t1, user=plans.officer, file=SimpleUploadedFile("kq.pdf", pdf_bytes()), at=AT)
    assignment_submit(assignment=t1, user=plans.officer, note="Xong", at=AT.replace(month=7))
    # when the reporting app asks for Q1 and for the half-year, for Sở Tư pháp
    with django_assert_num_queries(1):
        q1 = assignments_for_period(agency_ids=[plans.justice.pk], start=date(2026, 1, 1), end=date(2026, 3, 31))
    h1 = assignments_for_period(agency_ids=[plans.justice.pk], start=date(2026, 1, 1), end=date(2026, 9, 30))
    # then Q1 has task 13 done and task 1 (submitted only in July) in progress
    area13 = next(a for a in q1.areas if a.area_id == t13.area_id)
    assert area13.counts[ProgressStatus.DONE] == 1
    assert q1.totals[ProgressStatus.DONE] == 1
    assert q1.totals[ProgressStatus.SUBMITTED] == 0
    assert h1.totals[ProgressStatus.SUBMITTED] == 1
    assert q1.total == Assignment.objects.filter(year=2026, lead_agency=plans.justice).count()
    assert any(a.area_id is None and a.area_name == DUTIES_AREA_LABEL for a in q1.areas)
    # and the whole province counts every agency's items
    everyone = assignments_for_period(start=date(2026, 1, 1), end=date(2026, 12, 31))
    assert everyone.total == Assignment.objects.filter(year=2026).count()
    assert everyone.totals[ProgressStatus.DONE] == 1
