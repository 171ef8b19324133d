"""The transactional outbox: domain events written in the transaction that caused them.

A transition (``cchc.dossiers.executor``) inserts its events here in its own transaction, so an event
exists if and only if the change it describes was committed. A dispatcher (``cchc.outbox.dispatch``)
delivers them afterwards to the registered subscribers (``cchc.outbox.registry``), at least once, in
order per ``stream`` (one dossier's events never overtake each other).

The outbox knows no domain: a topic is a string (``dossier.received``), the payload a JSON object whose
shape the emitting app documents with its ``schema_version`` (``cchc.dossiers.events``).
"""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class OutboxEvent(models.Model):
    """Sự kiện nghiệp vụ chờ chuyển đi: one domain event, written with the change it describes."""

    id = models.BigAutoField(primary_key=True)
    topic = models.CharField("loại sự kiện", max_length=64)
    schema_version = models.PositiveSmallIntegerField("phiên bản cấu trúc", default=1)
    stream = models.CharField("luồng", max_length=64, help_text="Thứ tự được giữ trong một luồng (vd. dossier:123).")
    payload = models.JSONField("nội dung", encoder=DjangoJSONEncoder)
    occurred_at = models.DateTimeField("thời điểm xảy ra")
    created_at = models.DateTimeField("thời điểm ghi", auto_now_add=True)
    fanned_out = models.BooleanField("đã phân phối", default=False)

    class Meta:
        verbose_name = "sự kiện outbox"
        verbose_name_plural = "sự kiện outbox"
        indexes = [
            models.Index(fields=["id"], condition=models.Q(fanned_out=False), name="outbox_event_waiting"),
            models.Index(fields=["stream", "id"], name="outbox_event_stream"),
        ]

    def __str__(self) -> str:
        return f"{self.topic} #{self.pk} ({self.stream})"
