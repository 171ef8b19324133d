"""Background task of the national feedback exchange (django-tasks): a thin wrapper over the pull."""

from __future__ import annotations

from django_tasks import task

from cchc.integrations.national_feedback.pull import pakn_pull


@task()
def pull_national_feedback() -> dict[str, int | str]:
    """Import the feedback the national system received since the last pull (enqueue it every few
    minutes from a scheduler, or run ``cchc integrations feedback pull``).

    # idempotency: a feedback is created once per national id and the position is stored with the
    # page it ends, so a re-run (or two at once: they take turns on the position's lock) imports nothing twice.
    """
    report = pakn_pull()
    return {
        "imported": len(report.imported),
        "already": report.already,
        "skipped": len(report.skipped),
        "position": report.position,
        "error": str(report.error.code) if report.error else "",
    }
