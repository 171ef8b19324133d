"""Reads of the audit trail."""

from __future__ import annotations

from django.db import models
from django.db.models import QuerySet

from cchc.audit.models import AuditEvent


def audit_events_for(*, target: models.Model) -> QuerySet[AuditEvent]:
    """The events about one record, oldest first, with their actors (a record's timeline)."""
    return AuditEvent.objects.for_target(target).select_related("actor").order_by("sequence")
