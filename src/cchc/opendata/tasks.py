"""The monthly publication as a background task (django-tasks). django-tasks has no scheduler: a cron
line or a systemd timer enqueues it (or runs ``cchc opendata publish``) on the 1st of each month
(docs/open-data.md)."""

from __future__ import annotations

from django_tasks import task

from cchc.opendata.services import month_parse, opendata_publish


@task()
def opendata_publish_task(month: str = "") -> int:
    """Publish the datasets of ``month`` (``YYYY-MM``; empty: the last complete month); returns the
    number of files rewritten.

    # idempotency: a second run for the same month compares checksums and rewrites nothing unchanged.
    """
    published = opendata_publish(month=month_parse(month) if month else None)
    return sum(1 for p in published if p.changed)
