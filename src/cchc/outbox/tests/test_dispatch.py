"""The dispatcher: fan-out, order per stream, retries with backoff, dead letters, replay, time limit."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.db import connection, transaction

from cchc.outbox.dispatch import backoff_delay, dispatch_once, outbox_drain
from cchc.outbox.models import Delivery, DeliveryStatus, DispatchMinute, OutboxEvent
from cchc.outbox.registry import register
from cchc.outbox.services import delivery_discard, delivery_replay
from cchc.outbox.tests.conftest import T0, emit

pytestmark = pytest.mark.django_db


def test_fan_out_creates_one_delivery_per_interested_subscriber() -> None:
    register("all")(lambda event: None)
    register("only-b", topics={"b"})(lambda event: None)
    a = emit("s:1", "a")
    b = emit("s:1", "b")

    result = dispatch_once(at=T0)

    assert result.fanned_out == 2
    assert sorted(Delivery.objects.values_list("event_id", "subscriber")) == [
        (a.pk, "all"),
        (b.pk, "all"),
        (b.pk, "only-b"),
    ]
    assert not OutboxEvent.objects.filter(fanned_out=False).exists()
    # a round delivers the head of each stream to each subscriber; "all"'s second event waits its turn
    assert Delivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == 2
    outbox_drain(at=T0)
    assert Delivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == 3


def test_events_are_delivered_in_order_per_stream_with_interleaved_streams() -> None:
    seen: list[tuple[str, int]] = []
    keys: list[str] = []
    failed_once: set[int] = set()
    events = [emit(f"dossier:{i % 3}", n=i) for i in range(12)]
    held = events[3].pk  # stream dossier:0's second event fails once: that stream waits, the others go on

    @register("recorder")
    def recorder(event: OutboxEvent) -> None:
        if event.pk == held and event.pk not in failed_once:
            failed_once.add(event.pk)
            raise RuntimeError("tạm lỗi")
        seen.append((event.stream, event.pk))
        keys.append(event.idempotency_key)  # type: ignore[attr-defined]

    outbox_drain(at=T0, batch=2)
    stream0 = [pk for stream, pk in seen if stream == "dossier:0"]
    assert stream0 == [events[0].pk]  # held behind its failing second event
    assert [pk for stream, pk in seen if stream == "dossier:1"] == [e.pk for e in events[1::3]]

    outbox_drain(at=T0 + timedelta(hours=2), batch=2)  # the retry is due

    for s in range(3):
        assert [pk for stream, pk in seen if stream == f"dossier:{s}"] == [e.pk for e in events[s::3]]
    assert len(seen) == 12
    assert keys[0] == f"{events[0].pk}:recorder"


def test_raising_subscriber_backs_off_then_dies_then_replay_delivers_once(settings: object) -> None:
    settings.CCHC_OUTBOX_MAX_ATTEMPTS = 4  # type: ignore[attr-defined]
    calls: list[int] = []
    broken = True

    @register("flaky")
    def flaky(event: OutboxEvent) -> None:
        calls.append(event.attempt)  # type: ignore[attr-defined]
        if broken:
            raise ValueError("máy chủ nhận trả lỗi 500")

    event = emit("dossier:9")
    later = emit("dossier:9")  # held behind the dead one
    delays = []
    at = T0
    for _ in range(4):
        outbox_drain(at=at)
        delivery = Delivery.objects.get(event=event)
        delays.append((delivery.next_attempt_at - at).total_seconds())
        at = delivery.next_attempt_at

    assert calls == [1, 2, 3, 4]
    assert delivery.status == DeliveryStatus.DEAD
    assert "máy chủ nhận trả lỗi 500" in delivery.last_error
    assert delays[0] <= delays[1] <= delays[2]
    assert delays[0] < delays[2]
    assert 1 <= delays[0] <= 2
    assert 4 <= delays[2] <= 8
    assert Delivery.objects.get(event=later).status == DeliveryStatus.PENDING
    outbox_drain(at=at + timedelta(days=1))
    assert len(calls) == 4  # dead: no more attempts; the later event of the stream waits

    broken = False
    delivery_replay(delivery_id=delivery.pk, at=at)
    outbox_drain(at=at)
    outbox_drain(at=at + timedelta(days=1))

    assert calls == [1, 2, 3, 4, 1, 1]  # the replayed one once, then the held one once
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.replay_count == 1
    assert Delivery.objects.get(event=later).status == DeliveryStatus.DELIVERED
    minute = DispatchMinute.objects.get(subscriber="flaky")
    assert (minute.delivered, minute.failed) == (2, 4)


def test_discarding_a_dead_letter_releases_its_stream_and_is_recorded(django_user_model: object) -> None:
    user = django_user_model.objects.create_user("quantri", password="x")  # type: ignore[attr-defined]
    delivered: list[int] = []
    first = emit("dossier:5")
    second = emit("dossier:5")

    @register("picky")
    def picky(event: OutboxEvent) -> None:
        if event.pk == first.pk:
            raise ValueError("không nhận")
        delivered.append(event.pk)

    dispatch_once(at=T0)
    Delivery.objects.filter(event=first).update(status=DeliveryStatus.DEAD)

    delivery_discard(delivery_id=Delivery.objects.get(event=first).pk, at=T0, actor_id=user.pk, reason="Sai dữ liệu")
    outbox_drain(at=T0)

    assert delivered == [second.pk]
    dead = Delivery.objects.get(event=first)
    assert (dead.status, dead.discarded_by_id, dead.discard_reason) == (
        DeliveryStatus.DISCARDED,
        user.pk,
        "Sai dữ liệu",
    )


def test_a_hanging_subscriber_is_cut_off_by_the_time_limit(settings: object) -> None:
    settings.CCHC_OUTBOX_HANDLER_TIMEOUT_S = 0.3  # type: ignore[attr-defined]
    register("hangs")(lambda event: time.sleep(30))
    register("fine")(lambda event: None)
    event = emit("dossier:1")

    started = time.monotonic()
    result = outbox_drain(at=T0)

    assert time.monotonic() - started < 5
    assert result.failed == 1
    assert result.delivered == 1
    hung = Delivery.objects.get(event=event, subscriber="hangs")
    assert hung.status == DeliveryStatus.PENDING
    assert hung.attempts == 1
    assert "Quá thời gian xử lý" in hung.last_error
    assert Delivery.objects.get(event=event, subscriber="fine").status == DeliveryStatus.DELIVERED


def test_the_time_limit_holds_outside_the_main_thread_too(settings: object) -> None:
    import threading

    settings.CCHC_OUTBOX_HANDLER_TIMEOUT_S = 0.3  # type: ignore[attr-defined]
    from cchc.outbox.dispatch import HandlerTimeout, _call_limited

    outcome: list[str] = []

    def run() -> None:
        try:
            _call_limited(time.sleep, 30, 0.3, alarm=False)
        except HandlerTimeout:
            outcome.append("timeout")

    worker = threading.Thread(target=run)
    started = time.monotonic()
    worker.start()
    worker.join(10)
    assert outcome == ["timeout"]
    assert time.monotonic() - started < 5


def test_a_subscriber_that_is_down_is_retried_with_a_clear_error() -> None:
    @register("down")
    def down(event: OutboxEvent) -> None:
        raise ConnectionRefusedError(111, "Connection refused")

    emit("dossier:2")
    outbox_drain(at=T0)

    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_error.startswith("Bên nhận không kết nối được")
    assert delivery.next_attempt_at > T0


def test_a_failing_subscriber_leaves_the_writing_transaction_and_rolls_back_its_own_writes() -> None:
    @register("writes-then-fails")
    def writes_then_fails(event: OutboxEvent) -> None:
        emit("side-effect")  # a write of the handler, in the dispatcher's transaction (a savepoint)
        raise RuntimeError("hỏng giữa chừng")

    with transaction.atomic():
        event = emit("dossier:3")  # the transition's own write, committed with it
    outbox_drain(at=T0)

    assert OutboxEvent.objects.filter(pk=event.pk).exists()
    assert not OutboxEvent.objects.filter(stream="side-effect").exists()
    assert Delivery.objects.get(event=event).attempts == 1


def test_a_batch_subscriber_gets_a_list_and_may_fail_some() -> None:
    events = [emit(f"dossier:{i}") for i in range(4)]
    calls: list[list[int]] = []

    @register("bulk", batch=True)
    def bulk(batch: list[OutboxEvent]) -> dict[int, str]:
        calls.append([e.pk for e in batch])
        return {events[1].pk: "từ chối"}

    outbox_drain(at=T0)

    assert calls == [[e.pk for e in events]]
    statuses = dict(Delivery.objects.values_list("event_id", "status"))
    assert statuses[events[1].pk] == DeliveryStatus.PENDING
    assert [statuses[e.pk] for e in events if e.pk != events[1].pk] == [DeliveryStatus.DELIVERED] * 3


def test_backoff_is_capped(settings: object) -> None:
    settings.CCHC_OUTBOX_BACKOFF_CAP_S = 3600  # type: ignore[attr-defined]
    assert 1800 <= backoff_delay(30) <= 3600
    assert 1 <= backoff_delay(1) <= 2


def test_a_subscriber_registered_under_a_bad_name_is_refused() -> None:
    with pytest.raises(ValueError, match="idempotency key"):
        register("a:b")


def test_the_task_delivers_what_is_ready() -> None:
    from cchc.outbox.tasks import dispatch_outbox

    got: list[int] = []
    register("task")(lambda event: got.append(event.pk))
    event = emit("dossier:4")

    outcome = dispatch_outbox.call(max_seconds=5)

    assert got == [event.pk]
    assert outcome["delivered"] == 1
    assert connection.vendor in {"postgresql", "sqlite"}
