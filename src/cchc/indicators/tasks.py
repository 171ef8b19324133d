"""Background work of the indicator engine (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from cchc.indicators.rollups import rollups_refresh


@task()
def rollups_refresh_task() -> int:
    """Apply the dossier writes recorded in the audit trail since the last catch-up: those that emit no
    outbox event (a feedback filed about a dossier or refused, an admin correction); the subscriber
    ``indicators.rollups`` applies the dossier events as the dispatcher delivers them. Run it
    periodically (every few minutes), as ``cchc indicators refresh`` does by hand.

    # idempotency: the refresh applies the audit events after its watermark and moves it, under a lock,
    # in one transaction; running it twice, or concurrently, applies each event once (a second run
    # finds nothing new and returns 0), and recomputing a dossier the subscriber already applied
    # changes nothing.
    """
    return rollups_refresh()
