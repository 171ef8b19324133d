"""Replay and discard refused with a stable code and nothing changed; the commands; the admin."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cchc.outbox.constants import OutboxError, OutboxErrorCode
from cchc.outbox.dispatch import outbox_drain
from cchc.outbox.models import Delivery, DeliveryStatus, OutboxEvent
from cchc.outbox.registry import register
from cchc.outbox.services import deliveries_replay_dead, delivery_discard, delivery_replay
from cchc.outbox.tests.conftest import T0, emit

pytestmark = pytest.mark.django_db


def _snapshot() -> list[tuple[object, ...]]:
    return list(
        Delivery.objects.order_by("pk").values_list("pk", "status", "attempts", "next_attempt_at", "replay_count")
    )


@pytest.fixture
def deliveries() -> dict[str, Delivery]:
    register("sink")(lambda event: None)
    emit("dossier:1")
    emit("dossier:2")
    outbox_drain(at=T0)
    delivered, dead = Delivery.objects.order_by("pk")
    Delivery.objects.filter(pk=dead.pk).update(status=DeliveryStatus.DEAD, attempts=8, last_error="lỗi")
    pending_event = emit("dossier:3")
    from cchc.outbox.dispatch import fan_out

    fan_out(at=T0)
    return {
        "delivered": delivered,
        "dead": Delivery.objects.get(pk=dead.pk),
        "pending": Delivery.objects.get(event=pending_event),
    }


@pytest.mark.parametrize(
    ("which", "code"),
    [
        ("unknown", OutboxErrorCode.DELIVERY_NOT_FOUND),
        ("delivered", OutboxErrorCode.ALREADY_DELIVERED),
        ("pending", OutboxErrorCode.NOT_DEAD),
        ("text", OutboxErrorCode.INVALID_INPUT),
        ("huge", OutboxErrorCode.INVALID_INPUT),
    ],
)
def test_replay_and_discard_refuse_bad_input_with_a_stable_code_and_change_nothing(
    deliveries: dict[str, Delivery], which: str, code: OutboxErrorCode
) -> None:
    target = {"unknown": 987654, "text": "abc", "huge": "99999999999999999999999"}.get(which)
    delivery_id = target if target is not None else deliveries[which].pk
    before = _snapshot()

    with pytest.raises(OutboxError) as replay:
        delivery_replay(delivery_id=delivery_id, at=T0)
    with pytest.raises(OutboxError) as discard:
        delivery_discard(delivery_id=delivery_id, at=T0, actor_id=None)

    assert replay.value.code == discard.value.code == code
    assert re.search(r"[ạảãàáâậầấẩẫăắằặẳẵđêếềệểễôốồộổỗơớờợởỡưứừựửữ]", replay.value.message)  # Vietnamese
    assert _snapshot() == before


def test_replay_command_refuses_unknown_and_delivered_ids_in_vietnamese(deliveries: dict[str, Delivery]) -> None:
    before = _snapshot()
    with pytest.raises(CommandError, match=r"\[outbox.delivery_not_found\] Không có lần chuyển sự kiện số 424242"):
        call_command("outbox", "replay", "--delivery", "424242")
    with pytest.raises(CommandError, match=r"\[outbox.already_delivered\] .* đã gửi xong"):
        call_command("outbox", "replay", "--delivery", str(deliveries["delivered"].pk))
    with pytest.raises(CommandError, match=r"\[outbox.unknown_subscriber\] Không có bên nhận"):
        call_command("outbox", "replay", "--subscriber", "không-có", "--dead")
    with pytest.raises(CommandError, match=r"\[outbox.invalid_input\]"):
        call_command("outbox", "replay", "--subscriber", "sink")
    assert _snapshot() == before


def test_replay_command_brings_back_the_dead_and_they_are_delivered_once(deliveries: dict[str, Delivery]) -> None:
    got: list[int] = []
    register("sink")(lambda event: got.append(event.pk))
    out = StringIO()

    call_command("outbox", "replay", "--subscriber", "sink", "--dead", stdout=out)
    assert "Đã đưa 1 thư chết của «sink» về hàng chờ gửi." in out.getvalue()
    outbox_drain()
    outbox_drain()

    dead = deliveries["dead"]
    dead.refresh_from_db()
    assert dead.status == DeliveryStatus.DELIVERED
    assert dead.replay_count == 1
    assert got.count(dead.event_id) == 1
    assert deliveries_replay_dead(subscriber="sink", at=T0) == 0


def test_status_command_reports_backlog_dead_letters_and_error_rate_in_vietnamese() -> None:
    register("sink", topics={"test.happened"})(lambda event: None)

    @register("down")
    def down(event: OutboxEvent) -> None:
        raise ConnectionError("không kết nối được")

    OutboxEvent.objects.bulk_create(
        OutboxEvent(topic="test.happened", stream=f"dossier:{i}", payload={}, occurred_at=T0) for i in range(1200)
    )
    call_command("outbox", "dispatch", "--once", "--batch", "1000", stdout=StringIO())
    emit("dossier:x")  # waiting for the fan-out
    out = StringIO()

    call_command("outbox", "status", stdout=out)

    text = out.getvalue()
    assert "Sự kiện chờ phân phối: 1 " in text
    assert "down: tồn đọng 1.200 (đang thử lại 1.200), thư chết 0" in text
    assert "sink: tồn đọng 0 (đang thử lại 0), thư chết 0, chờ lâu nhất —; 1 giờ qua: gửi được 1.200, lỗi 0" in text
    assert "tỉ lệ lỗi 100,0 %" in text


def test_dispatch_once_command_reports_in_vietnamese() -> None:
    register("sink")(lambda event: None)
    emit("dossier:1")
    out = StringIO()
    call_command("outbox", "dispatch", "--once", stdout=out)
    assert "Đã phân phối 1 sự kiện; gửi được 1, lỗi 0 (trong đó 0 thành thư chết). Bên nhận: sink." in out.getvalue()
    with pytest.raises(CommandError, match="--batch phải từ 1 đến 100.000"):
        call_command("outbox", "dispatch", "--once", "--batch", "0")


def test_admin_lists_without_writing_and_replays_and_discards_by_post(
    deliveries: dict[str, Delivery], admin_client: Client
) -> None:
    for url in ["/admin/outbox/outboxevent/", "/admin/outbox/delivery/", "/admin/outbox/deadletter/"]:
        with CaptureQueriesContext(connection) as ctx:
            response = admin_client.get(url)
        assert response.status_code == 200
        writes = [q["sql"] for q in ctx.captured_queries if re.match(r"\s*(INSERT|UPDATE|DELETE)", q["sql"], re.I)]
        assert writes == [], url
    dead_page = admin_client.get("/admin/outbox/deadletter/").content.decode()
    assert "Gửi lại" in dead_page
    assert "Bỏ qua" in dead_page
    assert admin_client.get(f"/admin/outbox/delivery/{deliveries['dead'].pk}/change/").status_code == 200

    response = admin_client.post(
        "/admin/outbox/delivery/",
        {"action": "replay_action", "_selected_action": [deliveries["dead"].pk, deliveries["delivered"].pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "Đã đưa về hàng chờ gửi 1 lần chuyển." in page
    assert "outbox.already_delivered" in page
    assert Delivery.objects.get(pk=deliveries["dead"].pk).status == DeliveryStatus.PENDING

    Delivery.objects.filter(pk=deliveries["dead"].pk).update(status=DeliveryStatus.DEAD)
    admin_client.post(
        "/admin/outbox/deadletter/", {"action": "discard_action", "_selected_action": [deliveries["dead"].pk]}
    )
    discarded = Delivery.objects.get(pk=deliveries["dead"].pk)
    assert discarded.status == DeliveryStatus.DISCARDED
    assert discarded.discarded_by_id is not None
