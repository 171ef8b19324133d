"""Selectors of the program pages on the real QĐ 4831 import, at fixed dates."""

from __future__ import annotations

from datetime import date

import pytest
from django.db.models import F

from cchc.org.models import Agency
from cchc.program.constants import AgencyRole, TimelineStatus
from cchc.program.models import Program
from cchc.program.selectors import (
    TaskFilters,
    agency_predecessors,
    agency_scope,
    appendix_task_get,
    appendix_task_list,
    appendix_tasks_for_agency,
    duty_groups_for_agency,
    program_agencies_named,
    program_get_latest,
    program_get_overview,
)
from cchc.program.tests.web import conftest as web_fixtures

pytestmark = pytest.mark.django_db

# the shared fixtures of the web tests: the real registry and the real seed import
seeded_module = web_fixtures.seeded_module
seeded = web_fixtures.seeded


def statuses(program: Program, on: date) -> dict[int, str]:
    return {t.number: t.timeline_status for t in appendix_task_list(program=program, on=on)}


def numbers(program: Program, **filters) -> set[int]:
    tasks = appendix_task_list(program=program, on=date(2026, 6, 1), filters=TaskFilters(**filters))
    return {t.number for t in tasks}


def old(code: str) -> Agency:
    return Agency.objects.filter(code=code).order_by(F("valid_from").asc(nulls_first=True)).first()


def new(code: str) -> Agency:
    return Agency.objects.filter(code=code).order_by(F("valid_from").desc(nulls_last=True)).first()


def test_timeline_status_in_2021(seeded):
    s = statuses(seeded, date(2021, 12, 24))
    assert s[9] == TimelineStatus.ACTIVE  # 2021-2025
    assert s[11] == TimelineStatus.UPCOMING  # Năm 2022 và các năm tiếp theo
    assert s[27] == TimelineStatus.UPCOMING  # phases from 2022
    assert s[2] == TimelineStatus.CONTINUOUS  # Năm 2021 và các năm tiếp theo
    assert s[14] == TimelineStatus.EXTERNAL  # Theo tiến độ Trung ương
    assert s[22] == TimelineStatus.EXTERNAL  # theo lộ trình được phê duyệt
    assert s[21] == TimelineStatus.CONTINUOUS  # no time given


def test_timeline_status_after_the_first_phase(seeded):
    s = statuses(seeded, date(2026, 1, 1))
    assert s[9] == TimelineStatus.ENDED
    assert s[17] == TimelineStatus.ACTIVE
    assert s[27] == TimelineStatus.ACTIVE  # Giai đoạn 2024-2030
    assert s[11] == TimelineStatus.CONTINUOUS
    s = statuses(seeded, date(2031, 1, 1))
    assert s[17] == TimelineStatus.ENDED
    assert s[27] == TimelineStatus.ENDED
    assert s[2] == TimelineStatus.CONTINUOUS


def test_status_filter_matches_the_annotation(seeded):
    on = date(2026, 6, 1)
    ended = appendix_task_list(program=seeded, on=on, filters=TaskFilters(status=TimelineStatus.ENDED))
    assert {t.number for t in ended} == {n for n, s in statuses(seeded, on).items() if s == TimelineStatus.ENDED}
    assert 9 in {t.number for t in ended}


def test_year_filter(seeded):
    y2022 = numbers(seeded, year=2022)
    assert {9, 11, 27} <= y2022
    assert 14 not in y2022
    assert 27 not in numbers(seeded, year=2021)
    assert numbers(seeded, year_not_fixed=True) == {1, 14, 15, 16, 21, 22, 30}


def test_agency_filter_direct_and_through_groups(seeded):
    tttt = old("so-thong-tin-va-truyen-thong")
    direct = numbers(seeded, agency=tttt, direct_only=True)
    assert {12, 20, 24, 25, 26, 27, 28, 29} <= direct
    assert 9 in direct  # "Các Sở: Thông tin và Truyền thông; Nội vụ, ..." coordinate task 9
    assert 22 in direct  # coordinates task 22
    assert 14 not in direct
    assert direct < numbers(seeded, agency=tttt)
    leads = numbers(seeded, agency=tttt, direct_only=True, role=AgencyRole.LEAD)
    assert 20 in leads
    assert 9 not in leads
    assert 22 not in leads


def test_text_search_ignores_diacritics(seeded):
    assert 20 in numbers(seeded, text="chuyen doi so")
    assert numbers(seeded, text="so noi vu") == numbers(seeded, text="SỞ NỘI VỤ")
    assert numbers(seeded, text="khong co gi nhu the nay") == set()


def test_task_list_is_a_fixed_number_of_queries(seeded, django_assert_num_queries):
    with django_assert_num_queries(3):  # tasks, agency references, phases
        tasks = list(appendix_task_list(program=seeded, on=date(2026, 6, 1)))
        for task in tasks:
            [ref.agency for ref in task.agency_refs.all()]
            list(task.phases.all())
    assert len(tasks) == 32


def test_task_get_and_unknown(seeded):
    task = appendix_task_get(program_id=seeded.pk, number=27, on=date(2023, 1, 1))
    assert [(p.start_year, p.end_year) for p in task.phases.all()] == [(2022, 2023), (2024, 2030)]
    assert task.timeline_status == TimelineStatus.ACTIVE
    with pytest.raises(type(task).DoesNotExist):
        appendix_task_get(program_id=seeded.pk, number=33, on=date(2023, 1, 1))


def test_successor_sees_its_predecessors_tasks(seeded):
    khcn = new("so-khoa-hoc-va-cong-nghe")
    predecessors = {a.code for a in agency_predecessors(agency=khcn)}
    assert "so-thong-tin-va-truyen-thong" in predecessors
    assert 20 in {
        t.number
        for t in appendix_tasks_for_agency(
            scope=agency_scope(agency=khcn, include_predecessors=True), on=date(2026, 1, 1)
        )
    }


def test_duty_groups_for_agency(seeded):
    groups = {
        g.number for g in duty_groups_for_agency(scope=agency_scope(agency=old("so-noi-vu"), include_predecessors=True))
    }
    assert 2 in groups  # "2. Sở Nội vụ"
    assert 1 in groups  # "Các sở, ban, ngành thuộc tỉnh ..." takes in Sở Nội vụ
    assert 3 not in groups  # Sở Tư pháp


def test_overview_and_named_agencies(seeded, django_assert_max_num_queries):
    assert program_get_latest() == seeded
    with django_assert_max_num_queries(9):
        program = program_get_overview(program_id=seeded.pk)
        areas = list(program.areas.all())
        for area in areas:
            list(area.targets.all())
            list(area.appendix_tasks.all())
    assert [a.number for a in areas] == [1, 2, 3, 4, 5, 6]
    names = set(program_agencies_named(program=seeded).values_list("name", flat=True))
    assert {"Sở Nội vụ", "Sở Tư pháp", "Sở Thông tin và Truyền thông"} <= names
