"""Reads of the messages sent (for a dossier's page, the admin, reports)."""

from __future__ import annotations

from django.db.models import QuerySet

from cchc.notifications.models import Notification


def notifications_of_dossier(*, dossier_id: int) -> QuerySet[Notification]:
    """The messages sent (or tried) about one dossier, oldest first."""
    return Notification.objects.filter(dossier_id=dossier_id).order_by("created_at", "pk")


def notifications_of_feedback(*, feedback_id: int) -> QuerySet[Notification]:
    """The messages sent (or tried) about one feedback, oldest first."""
    return Notification.objects.filter(feedback_id=feedback_id).order_by("created_at", "pk")
