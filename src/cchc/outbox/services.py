"""Writing events to the outbox (the dispatcher is ``cchc.outbox.dispatch``); replaying and discarding
dead deliveries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import F

from cchc.outbox import registry
from cchc.outbox.constants import OutboxError, OutboxErrorCode
from cchc.outbox.models import Delivery, DeliveryStatus, OutboxEvent


def outbox_event_new(
    *, topic: str, stream: str, payload: dict[str, Any], occurred_at: datetime, schema_version: int = 1
) -> OutboxEvent:
    """An event to insert in the caller's transaction, with its other writes (not saved here: the
    dossier executor inserts it in its batch; other callers use :func:`outbox_emit`)."""
    return OutboxEvent(
        topic=topic, stream=stream, payload=payload, occurred_at=occurred_at, schema_version=schema_version
    )


def outbox_emit(
    *, topic: str, stream: str, payload: dict[str, Any], occurred_at: datetime, schema_version: int = 1
) -> OutboxEvent:
    """Write one event now, in the caller's transaction (call it inside the transaction of the change)."""
    event = outbox_event_new(
        topic=topic, stream=stream, payload=payload, occurred_at=occurred_at, schema_version=schema_version
    )
    event.save()
    return event


def _locked_delivery(delivery_id: object) -> Delivery:
    try:
        pk = int(str(delivery_id))
    except ValueError:
        pk = 0
    if pk <= 0 or pk > 2**63 - 1:
        raise OutboxError(
            OutboxErrorCode.INVALID_INPUT, f"Số lần chuyển «{delivery_id}» không hợp lệ (một số nguyên dương)."
        )
    # concurrency: a dispatcher claims only pending deliveries, so a dead one is never locked by it
    delivery = Delivery.objects.select_for_update().filter(pk=pk).first()
    if delivery is None:
        raise OutboxError(OutboxErrorCode.DELIVERY_NOT_FOUND, f"Không có lần chuyển sự kiện số {pk}.")
    return delivery


def _refuse_unless_dead(delivery: Delivery, verb: str) -> None:
    if delivery.status == DeliveryStatus.DELIVERED:
        raise OutboxError(
            OutboxErrorCode.ALREADY_DELIVERED,
            f"Lần chuyển số {delivery.pk} đã gửi xong lúc {delivery.delivered_at:%d/%m/%Y %H:%M}: không {verb}.",
        )
    if delivery.status != DeliveryStatus.DEAD:
        raise OutboxError(
            OutboxErrorCode.NOT_DEAD,
            f"Lần chuyển số {delivery.pk} đang ở trạng thái «{delivery.get_status_display()}»: chỉ {verb} "
            "được thư chết (lần chuyển đã hết số lần thử).",
        )


@transaction.atomic
def delivery_replay(*, delivery_id: object, at: datetime) -> Delivery:
    """Make a dead delivery pending again, due at ``at``, with its attempts counted from zero; the
    dispatcher then delivers it once (with the same idempotency key). Anything but a dead delivery is
    refused (delivered: ``outbox.already_delivered``; pending or discarded: ``outbox.not_dead``)."""
    delivery = _locked_delivery(delivery_id)
    _refuse_unless_dead(delivery, "gửi lại")
    delivery.status = DeliveryStatus.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = at
    delivery.replay_count += 1
    delivery.replayed_at = at
    delivery.save(update_fields=["status", "attempts", "next_attempt_at", "replay_count", "replayed_at"])
    return delivery


@transaction.atomic
def deliveries_replay_dead(*, subscriber: str, at: datetime) -> int:
    """Replay every dead delivery of ``subscriber`` (a known name: registered or with deliveries); how many."""
    if registry.subscriber(subscriber) is None and not Delivery.objects.filter(subscriber=subscriber).exists():
        raise OutboxError(
            OutboxErrorCode.UNKNOWN_SUBSCRIBER, f"Không có bên nhận sự kiện tên «{subscriber}».", http_status=404
        )
    return Delivery.objects.filter(subscriber=subscriber, status=DeliveryStatus.DEAD).update(
        status=DeliveryStatus.PENDING,
        attempts=0,
        next_attempt_at=at,
        replay_count=F("replay_count") + 1,
        replayed_at=at,
    )


@transaction.atomic
def delivery_discard(*, delivery_id: object, at: datetime, actor_id: int | None, reason: str = "") -> Delivery:
    """Give up a dead delivery: it is recorded as discarded (when, by whom, why) and no longer holds back
    the later events of its stream for its subscriber. Anything but a dead delivery is refused."""
    delivery = _locked_delivery(delivery_id)
    _refuse_unless_dead(delivery, "bỏ qua")
    delivery.status = DeliveryStatus.DISCARDED
    delivery.discarded_at = at
    delivery.discarded_by_id = actor_id
    delivery.discard_reason = reason.strip()[:2000]
    delivery.save(update_fields=["status", "discarded_at", "discarded_by", "discard_reason"])
    return delivery
