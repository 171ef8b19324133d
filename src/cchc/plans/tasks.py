"""Background tasks of the plans (django-tasks): thin wrappers over services."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from cchc.plans.services import reminders_send


@task()
def send_plan_reminders(on: str | None = None, days: int | None = None) -> dict[str, int | str]:
    """E-mail the lead agencies about assignments due soon and overdue (``reminders_send``).

    # idempotency: at most one reminder per assignment, kind and day (``AssignmentReminder`` is
    # unique on the three), so a re-run or a retried task the same day sends nothing twice.
    """
    at = timezone.now()
    day = date.fromisoformat(on) if on else timezone.localdate(at)
    result = reminders_send(on=day, at=at, days=days)
    return {"on": day.isoformat(), "sent": result.sent, "emails": result.emails, "skipped": result.skipped_already_sent}


def enqueue_plan_reminders(*, on: date | None = None, days: int | None = None) -> None:
    """Enqueue ``send_plan_reminders`` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: send_plan_reminders.enqueue(on.isoformat() if on else None, days))
