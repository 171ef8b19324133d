"""Reads of the audit trail."""

from __future__ import annotations

from django.db import models
from django.db.models import F, QuerySet

from cchc.audit.models import AuditEvent


def audit_events_for(*, target: models.Model) -> QuerySet[AuditEvent]:
    """The events about one record, oldest first, with their actors (a record's timeline): in the chain's
    order, then the events not sealed yet in the order they were written."""
    return (
        AuditEvent.objects.for_target(target).select_related("actor").order_by(F("sequence").asc(nulls_last=True), "pk")
    )
