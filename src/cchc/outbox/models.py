"""The transactional outbox: domain events written in the transaction that caused them.

A transition (``cchc.dossiers.executor``) inserts its events here in its own transaction, so an event
exists if and only if the change it describes was committed. A dispatcher (``cchc.outbox.dispatch``)
delivers them afterwards to the registered subscribers (``cchc.outbox.registry``), at least once, in
order per ``stream`` (one dossier's events never overtake each other).

The outbox knows no domain: a topic is a string (``dossier.received``), the payload a JSON object whose
shape the emitting app documents with its ``schema_version`` (``cchc.dossiers.events``).
"""

from __future__ import annotations

from django.conf import settings
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


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Chờ gửi"
    DELIVERED = "delivered", "Đã gửi"
    DEAD = "dead", "Không gửi được (thư chết)"
    DISCARDED = "discarded", "Đã bỏ qua"


class Delivery(models.Model):
    """Lần chuyển một sự kiện tới một bên nhận: one event for one subscriber, and where it stands.

    Created by the dispatcher's fan-out (one per subscriber that wants the topic). ``stream`` is copied
    from the event so that the order check ("no earlier delivery of this stream to this subscriber is
    undelivered") reads one table. A ``dead`` delivery holds its stream back for its subscriber until it
    is replayed (pending again) or discarded (recorded: who, when).
    """

    id = models.BigAutoField(primary_key=True)
    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="deliveries", verbose_name="sự kiện")
    subscriber = models.CharField("bên nhận", max_length=64)
    stream = models.CharField("luồng", max_length=64)
    status = models.CharField(
        "trạng thái", max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField("số lần thử", default=0)
    next_attempt_at = models.DateTimeField("lần thử tới")
    last_attempt_at = models.DateTimeField("lần thử gần nhất", null=True, blank=True)
    last_error = models.TextField("lỗi gần nhất", blank=True, default="")
    delivered_at = models.DateTimeField("thời điểm gửi xong", null=True, blank=True)
    duration_ms = models.FloatField("thời gian xử lý (ms)", null=True, blank=True)
    created_at = models.DateTimeField("thời điểm tạo", auto_now_add=True)
    replay_count = models.PositiveIntegerField("số lần gửi lại", default=0)
    replayed_at = models.DateTimeField("gửi lại lúc", null=True, blank=True)
    discarded_at = models.DateTimeField("bỏ qua lúc", null=True, blank=True)
    discarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="người bỏ qua",
    )
    discard_reason = models.TextField("lý do bỏ qua", blank=True, default="")

    class Meta:
        verbose_name = "lần chuyển sự kiện"
        verbose_name_plural = "lần chuyển sự kiện"
        constraints = [models.UniqueConstraint(fields=["event", "subscriber"], name="outbox_delivery_once")]
        indexes = [
            # the claim: ready deliveries of one subscriber in event order
            models.Index(
                fields=["subscriber", "event"],
                condition=models.Q(status="pending"),
                name="outbox_delivery_ready",
            ),
            # the order check: undelivered earlier deliveries of one stream to one subscriber
            models.Index(
                fields=["subscriber", "stream", "event"],
                condition=models.Q(status__in=["pending", "dead"]),
                name="outbox_delivery_held",
            ),
            models.Index(fields=["status", "subscriber"], name="outbox_delivery_status"),
        ]

    def __str__(self) -> str:
        return f"{self.subscriber} ← sự kiện #{self.event_id} ({self.get_status_display()})"

    @property
    def idempotency_key(self) -> str:
        """``"<event id>:<subscriber>"``: the same for every attempt and replay of this delivery."""
        return idempotency_key(self.event_id, self.subscriber)


class DeadLetter(Delivery):
    """The dead deliveries, listed apart in the admin (a proxy: the same rows)."""

    class Meta:
        proxy = True
        verbose_name = "thư chết (không gửi được)"
        verbose_name_plural = "thư chết (không gửi được)"


class DispatchMinute(models.Model):
    """Attempts per subscriber and minute (for the error rate of ``cchc outbox status``): one upsert per
    dispatched batch, not a row per attempt."""

    subscriber = models.CharField("bên nhận", max_length=64)
    minute = models.DateTimeField("phút")
    delivered = models.PositiveIntegerField("gửi được", default=0)
    failed = models.PositiveIntegerField("lỗi", default=0)
    duration_ms = models.FloatField("tổng thời gian xử lý (ms)", default=0)

    class Meta:
        verbose_name = "thống kê chuyển theo phút"
        verbose_name_plural = "thống kê chuyển theo phút"
        constraints = [models.UniqueConstraint(fields=["subscriber", "minute"], name="outbox_dispatch_minute_once")]

    def __str__(self) -> str:
        return f"{self.subscriber} {self.minute:%d/%m/%Y %H:%M}: {self.delivered} gửi được, {self.failed} lỗi"


def idempotency_key(event_id: int, subscriber: str) -> str:
    """The idempotency key of an event for a subscriber: ``"<event id>:<subscriber name>"``."""
    return f"{event_id}:{subscriber}"
