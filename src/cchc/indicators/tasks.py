"""Background work of the indicator engine (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from cchc.indicators.rollups import rollups_refresh


@task()
def rollups_refresh_task() -> int:
    """Bring the rollups up to date with the dossier writes recorded since the last refresh.

    # idempotency: the refresh applies the audit events after its watermark and moves it, under a lock,
    # in one transaction; running it twice, or concurrently, applies each event once (a second run
    # finds nothing new and returns 0).
    """
    return rollups_refresh()
