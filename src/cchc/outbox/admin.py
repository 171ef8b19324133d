"""Admin of the outbox: events and deliveries read-only; dead letters replayed ("Gửi lại") or discarded
("Bỏ qua", recorded with who and when) through the services. Actions are POSTs: a GET writes nothing."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from cchc.common.numbers import vi_number
from cchc.outbox.constants import OutboxError
from cchc.outbox.models import DeadLetter, Delivery, DeliveryStatus, OutboxEvent
from cchc.outbox.services import delivery_discard, delivery_replay


class _ReadOnly(admin.ModelAdmin):
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OutboxEvent)
class OutboxEventAdmin(_ReadOnly):
    list_display = ["id", "topic", "stream", "schema_version", "occurred_at", "created_at", "fanned_out"]
    list_filter = ["topic", "fanned_out"]
    search_fields = ["=stream", "=topic"]
    ordering = ["-id"]
    readonly_fields = [f.name for f in OutboxEvent._meta.fields]


def _apply(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Delivery], replay: bool) -> None:
    done = 0
    at = timezone.now()
    for pk in queryset.values_list("pk", flat=True).order_by("event_id"):
        try:
            if replay:
                delivery_replay(delivery_id=pk, at=at)
            else:
                user_id = request.user.pk if request.user.is_authenticated else None
                delivery_discard(delivery_id=pk, at=at, actor_id=user_id, reason="Bỏ qua trong trang quản trị.")
        except OutboxError as exc:
            modeladmin.message_user(request, f"[{exc.code.value}] {exc.message}", messages.ERROR)
        else:
            done += 1
    if done:
        verb = "đưa về hàng chờ gửi" if replay else "bỏ qua"
        modeladmin.message_user(request, f"Đã {verb} {vi_number(done)} lần chuyển.", messages.SUCCESS)


@admin.action(description="Gửi lại (thư chết về hàng chờ gửi)", permissions=["replay"])
def replay_action(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
    _apply(modeladmin, request, queryset, replay=True)


@admin.action(description="Bỏ qua (không gửi nữa, có ghi nhận)", permissions=["replay"])
def discard_action(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
    _apply(modeladmin, request, queryset, replay=False)


@admin.register(Delivery)
class DeliveryAdmin(_ReadOnly):
    list_display = [
        "id",
        "event_id",
        "subscriber",
        "stream",
        "status",
        "attempts",
        "next_attempt_at",
        "delivered_at",
        "duration_ms",
    ]
    list_filter = ["status", "subscriber"]
    search_fields = ["=stream", "=subscriber", "=event__id"]
    ordering = ["-event_id"]
    readonly_fields = [f.name for f in Delivery._meta.fields] + ["idempotency_key"]
    raw_id_fields = ["event"]
    actions = [replay_action, discard_action]

    def has_replay_permission(self, request: HttpRequest) -> bool:
        return bool(
            request.user.is_active and request.user.is_staff and request.user.has_perm("outbox.change_delivery")
        )

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_staff and request.user.has_perm("outbox.view_delivery"))


@admin.register(DeadLetter)
class DeadLetterAdmin(DeliveryAdmin):
    list_display = ["id", "event_id", "subscriber", "stream", "attempts", "last_attempt_at", "last_error"]
    list_filter = ["subscriber"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Delivery]:
        return super().get_queryset(request).filter(status=DeliveryStatus.DEAD)
