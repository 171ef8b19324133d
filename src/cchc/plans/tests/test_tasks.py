"""Reminders: the django-tasks task e-mails the lead agency's staff, at most once per assignment, kind and day."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command

from cchc.plans.constants import ReminderKind
from cchc.plans.models import AssignmentReminder
from cchc.plans.services import assignment_due_set
from cchc.plans.tasks import enqueue_plan_reminders, send_plan_reminders
from cchc.plans.tests.conftest import AT, task_item

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def immediate(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run the task for a day; the mails leave when the transaction commits (captured and run here)."""

    def go(day: str):
        with django_capture_on_commit_callbacks(execute=True):
            return send_plan_reminders.enqueue(day)

    return go


@pytest.fixture
def due_dates(plans):
    # task 1 due 27/2 (overdue on 2/3), task 13 due 6/3 (due within 7 days of 2/3); the rest 31/12
    assignment_due_set(assignment=task_item(plans, 1), user=plans.reviewer, due_on=date(2026, 2, 27), at=AT)
    assignment_due_set(assignment=task_item(plans, 13), user=plans.reviewer, due_on=date(2026, 3, 6), at=AT)
    return plans


def test_reminders_sent_once_per_day(due_dates, mailoutbox, run):
    plans = due_dates
    # when the task runs on 2/3/2026
    result = run("2026-03-02")
    # then Sở Tư pháp gets one mail listing the overdue and the due-soon items
    assert result.return_value["sent"] == 2
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["canbo.stp@khanhhoa.gov.vn"]
    assert "1 nhiệm vụ quá hạn, 1 nhiệm vụ sắp đến hạn" in mail.subject
    assert "NV 1 (kế hoạch năm 2026), QUÁ HẠN 3 ngày (thời hạn 27/02/2026)" in mail.body
    assert "NV 13 (kế hoạch năm 2026), đến hạn sau 4 ngày (06/03/2026)" in mail.body
    assert f"/ke-hoach/nhiem-vu/{task_item(plans, 13).pk}/" in mail.body
    # when it runs again the same day: nothing more
    again = run("2026-03-02")
    assert again.return_value["sent"] == 0
    assert again.return_value["skipped"] == 2
    assert len(mailoutbox) == 1
    # the next day both are reminded again
    run("2026-03-03")
    assert len(mailoutbox) == 2
    kinds = set(AssignmentReminder.objects.values_list("sent_on", "kind"))
    assert kinds == {
        (date(2026, 3, 2), ReminderKind.OVERDUE),
        (date(2026, 3, 2), ReminderKind.DUE_SOON),
        (date(2026, 3, 3), ReminderKind.OVERDUE),
        (date(2026, 3, 3), ReminderKind.DUE_SOON),
    }


def test_items_far_from_due_get_nothing(due_dates, mailoutbox, settings, run):
    settings.CCHC_PLAN_REMINDER_DAYS = 2
    run("2026-03-02")
    # only the overdue item: task 13 (due in 4 days) is outside a 2-day horizon
    assert AssignmentReminder.objects.count() == 1
    assert len(mailoutbox) == 1


def test_enqueued_after_commit(due_dates, mailoutbox, django_capture_on_commit_callbacks):
    # the task is enqueued after commit, and its mail leaves after the task's own commit
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enqueue_plan_reminders(on=date(2026, 3, 2))
        assert AssignmentReminder.objects.count() == 0  # nothing before the commit
    assert len(callbacks) == 2  # the enqueue, then (run by it) the delivery of the mail
    assert AssignmentReminder.objects.count() == 2
    assert len(mailoutbox) == 1


def test_remind_command_runs_now(due_dates, mailoutbox, capsys, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("plans", "remind", "--on", "2026-03-02", "--now")
    assert "gửi 2 nhắc việc (1 thư)" in capsys.readouterr().out
    assert len(mailoutbox) == 1


def test_overdue_of_a_later_day(plans, mailoutbox, run):
    # every 2026 item is overdue on 5/1/2027; each lead agency with staff gets one mail
    run("2027-01-05")
    assert sorted(m.to[0] for m in mailoutbox) == [
        "canbo.snv@khanhhoa.gov.vn",
        "canbo.stc@khanhhoa.gov.vn",
        "canbo.stp@khanhhoa.gov.vn",
    ]
    assert AssignmentReminder.objects.filter(kind=ReminderKind.DUE_SOON).count() == 0
