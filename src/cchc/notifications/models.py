"""Message templates (editable in the admin) and every message sent to an applicant.

Rows of ``Notification`` are written only by ``cchc.notifications.services``.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from cchc.notifications.constants import Channel, Status, Topic


class MessageTemplate(models.Model):
    """Mẫu thông báo: the Vietnamese text of one topic on one channel, in Django's template language.

    The context holds only strings (``cchc.notifications.rendering.VARIABLES``); the admin refuses a
    template that does not compile or names an unknown variable. An inactive template sends nothing.
    """

    topic = models.CharField("nội dung thông báo", max_length=40, choices=Topic.choices)
    channel = models.CharField("kênh", max_length=10, choices=Channel.choices)
    subject = models.CharField(
        "tiêu đề", max_length=300, blank=True, help_text="Tiêu đề thư điện tử (tin nhắn SMS, Zalo không có tiêu đề)."
    )
    body = models.TextField("nội dung")
    active = models.BooleanField(
        "đang dùng", default=True, help_text="Bỏ chọn để không gửi thông báo này qua kênh này."
    )
    updated_at = models.DateTimeField("sửa lúc", auto_now=True)

    class Meta:
        verbose_name = "mẫu thông báo"
        verbose_name_plural = "mẫu thông báo"
        ordering = ["topic", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "channel"], name="notifications_template_topic_channel_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.get_topic_display()} — {self.get_channel_display()}"


class Notification(models.Model):
    """Thông báo đã gửi: one message to one recipient on one channel, caused by one outbox event.

    ``key`` ("<event id>:<channel>") is unique: the row is written before the message is sent, so a second
    delivery of the event finds it and sends nothing again once it is ``sent``.
    """

    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name="hồ sơ",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    feedback = models.ForeignKey(
        "feedback.Feedback",
        verbose_name="phản ánh, kiến nghị",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    topic = models.CharField("nội dung thông báo", max_length=40, choices=Topic.choices)
    channel = models.CharField("kênh", max_length=10, choices=Channel.choices)
    recipient = models.CharField("người nhận (địa chỉ, số điện thoại)", max_length=254)
    subject = models.CharField("tiêu đề", max_length=300, blank=True)
    body = models.TextField("nội dung", blank=True)
    status = models.CharField("trạng thái", max_length=10, choices=Status.choices, default=Status.PENDING)
    provider_id = models.CharField("mã tin của nhà cung cấp", max_length=200, blank=True)
    error = models.TextField("lỗi", blank=True)
    attempts = models.PositiveSmallIntegerField("số lần gửi", default=0)
    event_id = models.BigIntegerField("sự kiện outbox")
    key = models.CharField("khóa chống gửi trùng", max_length=80, unique=True)
    created_at = models.DateTimeField("ghi lúc", auto_now_add=True)
    sent_at = models.DateTimeField("gửi lúc", null=True, blank=True)

    class Meta:
        verbose_name = "thông báo đã gửi"
        verbose_name_plural = "thông báo đã gửi"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["dossier", "created_at"], name="notifications_dossier_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False), name="notifications_sent_has_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_topic_display()} → {self.recipient} ({self.get_status_display()})"
