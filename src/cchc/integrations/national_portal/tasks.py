"""Background tasks of the dossier sync (django-tasks): thin wrappers."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django_tasks import task

from cchc.integrations.national_portal.payload import VN_TZ
from cchc.integrations.national_portal.reconciliation import dossiers_reconcile, reconcile_period, report_dict

DEFAULT_DAYS = 30


@task()
def reconcile_dossiers(days: int = DEFAULT_DAYS) -> dict[str, Any]:
    """The nightly reconciliation with the national portal: the dossiers received in the last ``days``
    days (Vietnam time), the differing ones re-sent through the outbox (enqueue it once a night).

    # idempotency: a re-run compares again; a dossier whose re-send is still on its way is reported as
    # waiting, not re-sent twice.
    """
    now = timezone.now()
    start, end = reconcile_period(days, today=now.astimezone(VN_TZ).date())
    return report_dict(dossiers_reconcile(start=start, end=end, at=now))
