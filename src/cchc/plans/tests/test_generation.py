"""Generation of the yearly plans on the real QĐ 4831 import and the real Khánh Hòa registry."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from cchc.audit.models import AuditEvent
from cchc.org.models import Agency
from cchc.plans.constants import AssignmentStatus, SourceKind
from cchc.plans.expansion import due_date
from cchc.plans.models import Assignment, Plan
from cchc.plans.services import assignment_due_set, assignment_progress_update, plan_generate
from cchc.plans.tests.conftest import AT, GENERATED_AT, agency_now, task_item
from cchc.program.models import AppendixTask

pytestmark = pytest.mark.django_db


def task_numbers(year: int) -> set[int]:
    return set(
        Assignment.objects.filter(year=year, source_kind=SourceKind.APPENDIX_TASK).values_list(
            "appendix_task__number", flat=True
        )
    )


def old(code: str) -> Agency:
    return Agency.objects.filter(code=code, valid_from__isnull=True).get()


def test_the_2026_plan_holds_the_tasks_active_that_year(plans):
    # given the 32 appendix tasks of the seed
    assert AppendixTask.objects.filter(program=plans.program).count() == 32
    ended_2025 = set(
        AppendixTask.objects.filter(program=plans.program, end_year=2025, open_ended=False).values_list(
            "number", flat=True
        )
    )
    # then 2026 has every task but those whose range ended in 2025
    assert ended_2025 == {9, 10, 18, 19, 23, 24, 25, 26}
    assert task_numbers(2026) == set(range(1, 33)) - ended_2025


def test_each_year_of_the_program_and_beyond(plans):
    # when the plans of 2021, 2025 and 2031 are generated
    for year in (2021, 2025, 2031):
        plan_generate(year=year, at=GENERATED_AT)
    # then 2021 leaves out the tasks starting in 2022, 2025 holds all 32
    starting_2022 = set(AppendixTask.objects.filter(start_year=2022).values_list("number", flat=True))
    assert {11, 13, 27, 28, 29, 31, 32} == starting_2022
    assert task_numbers(2021) == set(range(1, 33)) - starting_2022
    assert task_numbers(2025) == set(range(1, 33))
    # and after the program's end only the open-ended tasks ("... và các năm tiếp theo") carry forward
    open_ended = set(AppendixTask.objects.filter(open_ended=True).values_list("number", flat=True))
    assert task_numbers(2031) == open_ended == {2, 5, 6, 7, 8, 11, 12, 13, 31, 32}
    assert not Assignment.objects.filter(year=2031, source_kind=SourceKind.DUTY).exists()


def test_recurring_task_is_one_item_per_year(plans):
    # given task 2, "Năm 2021 và các năm tiếp theo"
    for year in (2024, 2025):
        plan_generate(year=year, at=GENERATED_AT)
    finance = agency_now("so-tai-chinh")
    years = sorted(
        Assignment.objects.filter(lead_agency=finance, appendix_task__number=2).values_list("year", flat=True)
    )
    assert years == [2024, 2025, 2026]


def test_phased_task_takes_the_phase_of_the_year(plans):
    plan_generate(year=2022, at=GENERATED_AT)
    science = agency_now("so-khoa-hoc-va-cong-nghe")  # successor of Sở Thông tin và Truyền thông
    in_2022 = Assignment.objects.get(year=2022, lead_agency=science, appendix_task__number=27)
    in_2026 = Assignment.objects.get(year=2026, lead_agency=science, appendix_task__number=27)
    assert (in_2022.phase.start_year, in_2022.phase.end_year) == (2022, 2023)
    assert (in_2026.phase.start_year, in_2026.phase.end_year) == (2024, 2030)


def test_tasks_go_to_todays_successor_and_keep_the_2021_reference(plans):
    # task 2 was given to Sở Kế hoạch và Đầu tư, merged into Sở Tài chính on 1/7/2025
    item = task_item(plans, 2, agency_now("so-tai-chinh"))
    assert item.origin_agency == old("so-ke-hoach-va-dau-tu")
    assert item.origin_text == "Sở Kế hoạch và Đầu tư"
    assert not Assignment.objects.filter(lead_agency__code="so-ke-hoach-va-dau-tu").exists()
    # task 5 of Sở LĐ-TB&XH: Sở Nội vụ leads, the agencies that took part of its functions coordinate
    item = task_item(plans, 5, agency_now("so-noi-vu"))
    assert item.origin_agency == old("so-lao-dong-thuong-binh-va-xa-hoi")
    coordinating = set(item.coordinating_agencies.values_list("code", flat=True))
    assert {"so-y-te", "so-giao-duc-va-dao-tao"} <= coordinating
    assert "so-noi-vu" not in coordinating


def test_collective_lead_goes_to_each_member_today(plans):
    # task 15 is led by "Các sở, ngành, địa phương": the communes formed on 1/7/2025 get it too
    leads = Agency.objects.filter(plan_assignments_led__year=2026, plan_assignments_led__appendix_task__number=15)
    codes = set(leads.values_list("code", flat=True))
    assert "ubnd-22366" in codes  # UBND phường Nha Trang
    assert "so-tu-phap" in codes
    assert not leads.filter(level="district").exists()
    nha_trang = Assignment.objects.get(year=2026, appendix_task__number=15, lead_agency__code="ubnd-22366")
    assert nha_trang.origin_ref.group.code == "so-nganh-dia-phuong"
    assert nha_trang.origin_text.startswith("Các sở, ngành, địa phương (")


def test_section_v_duties_go_to_the_agencies_named(plans):
    home = agency_now("so-noi-vu")
    labels = set(
        Assignment.objects.filter(year=2026, lead_agency=home, source_kind=SourceKind.DUTY).values_list(
            "number_label", flat=True
        )
    )
    assert {"V.2.a", "V.2.b", "V.2.đ"} <= labels  # its own group
    assert {"V.1.a", "V.1.đ"} <= labels  # "Các sở, ban, ngành thuộc tỉnh"
    # the request addressed to Party and mass organisations (group 16) is not an assignment
    assert not Assignment.objects.filter(source_key__endswith="-16-1").exists()


def test_due_date_is_the_last_working_day_of_the_year(plans):
    assert due_date(year=2026) == date(2026, 12, 31)  # a Thursday
    assert due_date(year=2028) == date(2028, 12, 29)  # 31/12/2028 is a Sunday
    assert set(Assignment.objects.filter(year=2026).values_list("due_on", flat=True)) == {date(2026, 12, 31)}


def test_generation_is_idempotent(plans):
    # given the 2026 plans
    count, plans_count = Assignment.objects.filter(year=2026).count(), Plan.objects.filter(year=2026).count()
    events = AuditEvent.objects.count()
    # when generated again
    result = plan_generate(year=2026, at=AT)
    # then nothing is created or changed, one audit event tells so
    assert (result.created, result.updated, result.removed) == (0, 0, 0)
    assert result.unchanged == count
    assert Assignment.objects.filter(year=2026).count() == count
    assert Plan.objects.filter(year=2026).count() == plans_count
    assert AuditEvent.objects.count() == events + 1


def test_regeneration_keeps_progress_and_an_adjusted_due_date(plans):
    # given an item in progress and another whose due date Sở Nội vụ moved
    started = task_item(plans, 13)
    assignment_progress_update(assignment=started, user=plans.officer, percent=40, note="Đang làm", at=AT)
    moved = task_item(plans, 1)
    assignment_due_set(assignment=moved, user=plans.reviewer, due_on=date(2026, 6, 30), at=AT)
    # and a description edited by hand (as if the program text had changed)
    Assignment.objects.filter(pk=started.pk).update(title="sửa tay")
    # when generated again
    result = plan_generate(year=2026, at=datetime(2026, 4, 1, tzinfo=UTC))
    # then the description comes back from the program, progress and the moved date stay
    started.refresh_from_db()
    moved.refresh_from_db()
    assert result.updated == 1
    assert started.title != "sửa tay"
    assert (started.status, started.percent) == (AssignmentStatus.IN_PROGRESS, 40)
    assert moved.due_on == date(2026, 6, 30)


def test_items_no_longer_in_the_program_are_removed_unless_started(plans):
    # given two items the program would no longer make
    idle, started = task_item(plans, 1), task_item(plans, 13)
    assignment_progress_update(assignment=started, user=plans.officer, percent=10, note="", at=AT)
    Assignment.objects.filter(pk=idle.pk).update(source_key="t0-99")
    Assignment.objects.filter(pk=started.pk).update(source_key="t0-98")
    # when generated again
    result = plan_generate(year=2026, at=AT)
    # then the untouched one goes, the started one stays; the real items are recreated
    assert (result.removed, result.kept_started, result.created) == (1, 1, 2)
    assert not Assignment.objects.filter(pk=idle.pk).exists()
    assert Assignment.objects.filter(pk=started.pk).exists()
