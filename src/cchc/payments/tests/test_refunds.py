"""Refunds: a dossier stopped after it was paid online, money taken for a dossier that could no longer
take it, the gateway down while refunding (the outbox retries), a refund the gateway refuses, and the
receipt of a refunded payment cancelled."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import StringIO
from urllib.parse import parse_qsl, urlsplit

from django.core.management import call_command
from django.utils import timezone

from cchc.audit.models import AuditEvent
from cchc.dossiers import services as s
from cchc.dossiers.constants import DossierStatus, PaymentChannel
from cchc.dossiers.models import Payment
from cchc.dossiers.tests.conftest import AT, receive, to_status
from cchc.outbox.dispatch import outbox_drain
from cchc.outbox.models import OutboxEvent
from cchc.outbox.services import outbox_emit
from cchc.payments import services
from cchc.payments.constants import RefundReason, RefundStatus
from cchc.payments.models import CallbackLog, PaymentOrder, Refund
from cchc.payments.tests.conftest import browser, pay, start
from cchc.receipts.models import Receipt


def _drain(at=None):
    return outbox_drain(only=["payments-refunds"], at=at)


def _ref(url: str) -> str:
    return dict(parse_qsl(urlsplit(url).query))["vnp_TxnRef"]


def test_an_online_payment_is_refunded_when_the_dossier_is_stopped(world, gateway_sim):
    dossier = to_status(world, DossierStatus.IN_PROCESS)
    journey = pay(browser(dossier.pk), gateway_sim, dossier.pk)
    s.dossier_stop(dossier=dossier, actor=world.leader, at=timezone.now(), reason="Người nộp đề nghị dừng")

    _drain()

    refund = Refund.objects.get()
    assert (refund.status, refund.reason, refund.amount) == (RefundStatus.DONE, RefundReason.DOSSIER_ENDED, 200000)
    assert refund.order.txn_ref == _ref(journey.gateway_url)
    assert refund.note == "Người nộp đề nghị dừng"
    assert [(r["txn_ref"], r["amount"]) for r in gateway_sim.data()["refunds"]] == [(refund.order.txn_ref, "20000000")]
    actions = set(AuditEvent.objects.filter(action__startswith="payments.").values_list("action", flat=True))
    assert actions == {"payments.refund_requested", "payments.refund_done"}
    # idempotency: the same event delivered again (or the dossier's next event) refunds nothing more
    services.refunds_for_dossier(dossier_id=dossier.pk, at=timezone.now(), note="lần hai")
    _drain()
    assert Refund.objects.count() == 1
    assert len(gateway_sim.data()["refunds"]) == 1
    assert services.reconcile(day=timezone.localdate(), at=timezone.now()).mismatches == []


def test_the_receipt_of_a_refunded_payment_is_cancelled_once(world, gateway_sim):
    """The whole chain: paid online → receipt issued → dossier stopped → refund done at the gateway →
    ``payments.refund_done`` → the receipt is cancelled (đã hủy), its number kept; a second notification
    of the refund cancels nothing twice."""

    dossier = to_status(world, DossierStatus.IN_PROCESS)
    pay(browser(dossier.pk), gateway_sim, dossier.pk)
    outbox_drain(only=["receipts"])
    receipt = Receipt.objects.get()
    assert not receipt.cancelled
    s.dossier_stop(dossier=dossier, actor=world.leader, at=timezone.now(), reason="Người nộp đề nghị dừng")

    outbox_drain(only=["payments-refunds", "receipts"])

    receipt.refresh_from_db()
    refund = Refund.objects.get()
    assert refund.status == RefundStatus.DONE
    assert receipt.cancelled_at == refund.completed_at
    assert receipt.cancel_reason == (
        "Đã hoàn trả 200.000 đồng cho người nộp: Hồ sơ bị từ chối hoặc dừng xử lý sau khi đã nộp phí"
        " (Người nộp đề nghị dừng)"
    )
    assert receipt.number == 1
    done = OutboxEvent.objects.get(topic="payments.refund_done")
    assert done.payload["details"]["payment_reference"] == refund.order.txn_ref
    assert OutboxEvent.objects.filter(topic="receipt.cancelled").count() == 1

    # the refund notified again (the event redelivered, the refund sent again): nothing cancelled twice
    services.refund_send(refund=refund, at=timezone.now())
    outbox_emit(topic=done.topic, stream=done.stream, payload=done.payload, occurred_at=done.occurred_at)
    outbox_drain(only=["payments-refunds", "receipts"])
    assert OutboxEvent.objects.filter(topic="receipt.cancelled").count() == 1
    receipt.refresh_from_db()
    assert receipt.cancelled_at == refund.completed_at


def test_a_refund_the_gateway_refuses_leaves_the_receipt_valid(world, gateway_sim):
    dossier = to_status(world, DossierStatus.IN_PROCESS)
    journey = pay(browser(dossier.pk), gateway_sim, dossier.pk)
    outbox_drain(only=["receipts"])
    gateway_sim.control(set_status={"txn_ref": _ref(journey.gateway_url), "status": "pending"})
    s.dossier_stop(dossier=dossier, actor=world.leader, at=timezone.now(), reason="Dừng")
    outbox_drain(only=["payments-refunds", "receipts"])
    assert Refund.objects.get().status == RefundStatus.FAILED
    assert not Receipt.objects.get().cancelled


def test_a_dossier_stopped_before_the_ipn_gets_its_money_back_and_no_payment(world, gateway_sim):
    dossier = to_status(world, DossierStatus.IN_PROCESS)
    client = browser(dossier.pk)
    url = start(client, dossier.pk)
    s.dossier_stop(dossier=dossier, actor=world.leader, at=timezone.now(), reason="Hồ sơ không đủ điều kiện")
    gateway_sim.http("GET", url)
    paid = gateway_sim.http(
        "POST", gateway_sim.base + "/paymentv2/pay", {"txn_ref": _ref(url), "card": "9704000000000018"}
    )
    assert paid.status == 302

    answers = [client.get("/thanh-toan/vnpay/ipn/?" + q).json() for q in gateway_sim.ipns()]

    assert [a["RspCode"] for a in answers] == ["00"]
    assert CallbackLog.objects.get().outcome == "paid_refund_requested"
    assert not Payment.objects.filter(dossier=dossier).exists()
    _drain()
    refund = Refund.objects.get()
    assert (refund.status, refund.reason) == (RefundStatus.DONE, RefundReason.NOT_APPLICABLE)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.STOPPED


def test_money_taken_after_a_counter_payment_is_refunded(world, gateway_sim):
    dossier = receive(world)
    client = browser(dossier.pk)
    url = start(client, dossier.pk)
    s.dossier_record_payment(
        dossier=dossier,
        actor=world.reception,
        at=AT + timedelta(hours=1),
        amount=Decimal(200000),
        channel=PaymentChannel.COUNTER,
        receipt_number="BL-9",
    )
    gateway_sim.http("GET", url)
    gateway_sim.http("POST", gateway_sim.base + "/paymentv2/pay", {"txn_ref": _ref(url), "card": "9704000000000018"})

    answers = [client.get("/thanh-toan/vnpay/ipn/?" + q).json() for q in gateway_sim.ipns()]
    _drain()

    assert [a["RspCode"] for a in answers] == ["00"]
    assert list(Payment.objects.filter(dossier=dossier).values_list("channel", flat=True)) == ["counter"]
    assert Refund.objects.get().status == RefundStatus.DONE


def test_the_gateway_down_while_refunding_is_retried_by_the_outbox(world, gateway_sim):
    dossier = to_status(world, DossierStatus.IN_PROCESS)
    pay(browser(dossier.pk), gateway_sim, dossier.pk)
    s.dossier_stop(dossier=dossier, actor=world.leader, at=timezone.now(), reason="Dừng")
    gateway_sim.control(mode="down")

    first = _drain()

    assert first.failed == 1  # the sending failed: the outbox retries it later
    assert Refund.objects.get().status == RefundStatus.REQUESTED
    gateway_sim.control(mode=None)
    _drain(at=timezone.now() + timedelta(hours=1))
    assert Refund.objects.get().status == RefundStatus.DONE
    assert len(gateway_sim.data()["refunds"]) == 1


def test_a_refund_the_gateway_refuses_is_marked_failed_for_staff(world, gateway_sim):
    dossier = to_status(world, DossierStatus.IN_PROCESS)
    journey = pay(browser(dossier.pk), gateway_sim, dossier.pk)
    gateway_sim.control(set_status={"txn_ref": _ref(journey.gateway_url), "status": "pending"})
    s.dossier_stop(dossier=dossier, actor=world.leader, at=timezone.now(), reason="Dừng")

    _drain()

    refund = Refund.objects.get()
    assert (refund.status, refund.response_code) == (RefundStatus.FAILED, "95")
    assert AuditEvent.objects.filter(action="payments.refund_failed").count() == 1


def test_the_refunds_command_sends_those_still_requested(world, gateway_sim):
    dossier = to_status(world, DossierStatus.IN_PROCESS)
    pay(browser(dossier.pk), gateway_sim, dossier.pk)
    order = PaymentOrder.objects.get(dossier=dossier)
    services.refund_request(order=order, reason=RefundReason.DOSSIER_ENDED, note="thử", at=timezone.now())
    out = StringIO()

    call_command("payments", "refunds", stdout=out)

    assert "Đã gửi 1 yêu cầu hoàn tiền." in out.getvalue()
    assert Refund.objects.get().status == RefundStatus.DONE


def test_the_reconcile_and_expire_commands_report_in_vietnamese(world, gateway_sim):
    dossier = receive(world)
    gateway_sim.control(mode="ipn_none", times=1)
    pay(browser(dossier.pk), gateway_sim, dossier.pk)
    out = StringIO()

    call_command("payments", "reconcile", "--day", timezone.localdate().isoformat(), stdout=out)
    call_command("payments", "expire", stdout=out)

    text = out.getvalue()
    assert "1 giao dịch, 1 chênh lệch" in text
    assert "gateway_paid_local_not" in text
    assert "Đã đóng 0 giao dịch hết hạn" in text
