"""Paying a dossier's fees through the gateway simulator (a real subprocess, real HTTP): the journey,
and every fault the issue names (duplicate, late, out-of-order, tampered IPNs; the gateway down; a lost
IPN; cancelled, failed and timed-out cards)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.utils import timezone

from cchc.audit.models import AuditEvent
from cchc.dossiers import services as s
from cchc.dossiers.constants import DossierStatus, PaymentChannel
from cchc.dossiers.models import Dossier, Payment
from cchc.dossiers.portal.views import SESSION_SEEN
from cchc.dossiers.tests.conftest import AT, receive, to_status
from cchc.payments import services
from cchc.payments import vnpay_protocol as p
from cchc.payments.constants import OrderStatus
from cchc.payments.models import CallbackLog, PaymentOrder
from cchc.payments.tests.conftest import CANCEL, FAIL, SECRET, TIMEOUT, TMN_CODE, browser, deliver, pay, start
from cchc.payments.web.views import PORTAL_SEEN


def _state(dossier: Dossier) -> tuple[str, list[tuple[Decimal, str]], list[str]]:
    dossier.refresh_from_db()
    payments = [(x.amount, x.channel) for x in Payment.objects.filter(dossier=dossier).order_by("id")]
    orders = list(PaymentOrder.objects.filter(dossier=dossier).order_by("id").values_list("status", flat=True))
    return dossier.status, payments, orders


def _query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def _signed_ipn(**params: str) -> str:
    params.setdefault("vnp_TmnCode", TMN_CODE)
    return p.signed_query(params, SECRET)


def test_the_portal_and_payments_name_the_same_session_list():
    assert PORTAL_SEEN == SESSION_SEEN


def test_the_applicant_pays_the_fee_and_the_ipn_records_it_on_the_dossier(world, gateway_sim):
    dossier = receive(world)
    client = browser(dossier.pk)
    page = client.get(f"/dich-vu-cong/ho-so/{dossier.pk}/").content.decode()
    assert "Thanh toán trực tuyến" in page
    assert "200.000" in page

    journey = pay(client, gateway_sim, dossier.pk)

    assert journey.gateway_page.status == 200
    assert "200.000" in journey.gateway_page.body
    assert _query(journey.gateway_url)["vnp_Amount"] == "20000000"
    assert journey.ipn_answers == [{"RspCode": "00", "Message": "Confirm Success"}]
    assert _state(dossier) == (DossierStatus.RECEIVED, [(Decimal(200000), PaymentChannel.ONLINE_GATEWAY)], ["paid"])
    order = PaymentOrder.objects.get(dossier=dossier)
    payment = order.dossier_payment()
    assert payment is not None
    assert payment.recorded_by_id is None
    assert payment.receipt_number == order.txn_ref
    assert AuditEvent.objects.filter(action="dossier.record_payment", target_id=str(dossier.pk)).count() == 1
    assert journey.return_page.status_code == 200
    assert "Đã thanh toán" in journey.return_page.content.decode()
    after = client.get(f"/dich-vu-cong/ho-so/{dossier.pk}/").content.decode()
    assert "Thanh toán trực tuyến" not in after
    assert "biên lai " + order.txn_ref in after


def test_paying_a_requested_obligation_returns_the_dossier_to_processing(world, gateway_sim):
    dossier = to_status(world, DossierStatus.FINANCIAL_OBLIGATION_REQUESTED)

    pay(browser(dossier.pk), gateway_sim, dossier.pk)

    assert _state(dossier)[0] == DossierStatus.IN_PROCESS


def test_the_return_url_shows_the_recorded_state_not_what_the_browser_carries(world, gateway_sim):
    dossier = receive(world)
    client = browser(dossier.pk)

    journey = pay(client, gateway_sim, dossier.pk, ipn=False)  # the IPN has not come yet

    body = journey.return_page.content.decode()
    assert journey.return_page.status_code == 200
    assert "Chờ thanh toán" in body
    assert "đang chờ cổng xác nhận" in body
    assert _state(dossier)[1] == []
    forged = _query(journey.paid_page.location)
    forged["vnp_Amount"] = "100"
    response = client.get("/thanh-toan/vnpay/ket-qua/", forged)
    assert response.status_code == 400
    assert "không hợp lệ" in response.content.decode()
    assert client.get("/thanh-toan/vnpay/ket-qua/").status_code == 400


def test_a_duplicate_ipn_answers_02_and_records_one_payment(world, gateway_sim):
    dossier = receive(world)
    gateway_sim.control(mode="ipn_duplicate", times=1)

    journey = pay(browser(dossier.pk), gateway_sim, dossier.pk)

    assert [a["RspCode"] for a in journey.ipn_answers] == ["00", "02"]
    assert len(_state(dossier)[1]) == 1
    assert list(CallbackLog.objects.order_by("id").values_list("outcome", flat=True)) == ["paid", "duplicate"]


def test_a_tampered_ipn_answers_97_and_changes_nothing_then_the_real_one_is_honoured(world, gateway_sim):
    dossier = receive(world)
    gateway_sim.control(mode="ipn_tamper", times=1)

    journey = pay(browser(dossier.pk), gateway_sim, dossier.pk)

    assert [a["RspCode"] for a in journey.ipn_answers] == ["97"]
    assert _state(dossier) == (DossierStatus.RECEIVED, [], ["pending"])
    log = CallbackLog.objects.get()
    assert (log.rsp_code, log.outcome, log.order) == ("97", "invalid_signature", None)
    # the gateway's genuine IPN (as its retry would carry it) is still honoured
    genuine = journey.paid_page.location.split("?", 1)[1]
    assert deliver(browser(), [genuine])[0]["RspCode"] == "00"
    assert len(_state(dossier)[1]) == 1


def test_an_ipn_with_another_amount_answers_04_and_changes_nothing(world, gateway_sim):
    dossier = receive(world)
    gateway_sim.control(mode="ipn_wrong_amount", times=1)

    journey = pay(browser(dossier.pk), gateway_sim, dossier.pk)

    assert [a["RspCode"] for a in journey.ipn_answers] == ["04"]
    assert _state(dossier) == (DossierStatus.RECEIVED, [], ["pending"])


def test_an_ipn_for_an_unknown_reference_answers_01(world, gateway_sim):
    query = _signed_ipn(vnp_TxnRef="KHONGCO", vnp_Amount="100", vnp_ResponseCode="00", vnp_TransactionStatus="00")

    assert deliver(browser(), [query])[0]["RspCode"] == "01"
    assert CallbackLog.objects.get().outcome == "order_not_found"


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("", "97"),
        ("vnp_TxnRef=X&vnp_SecureHash=abc", "97"),
        ("vnp_SecureHash=%ZZ&&&=", "97"),
        (_signed_ipn(vnp_TxnRef="X", vnp_PayDate="2026-12-07"), "99"),
        (_signed_ipn(vnp_Amount="100"), "99"),
    ],
)
def test_bad_input_answers_the_protocols_code_never_a_500(world, gateway_sim, query, code):
    response = browser().get("/thanh-toan/vnpay/ipn/?" + query)

    assert response.status_code == 200
    assert response.json()["RspCode"] == code


def test_an_ipn_for_a_non_whole_amount_answers_04(world, gateway_sim):
    dossier = receive(world)
    client = browser(dossier.pk)
    ref = _query(start(client, dossier.pk))["vnp_TxnRef"]
    query = _signed_ipn(vnp_TxnRef=ref, vnp_Amount="20000050", vnp_ResponseCode="00", vnp_TransactionStatus="00")

    assert deliver(client, [query])[0]["RspCode"] == "04"


def test_an_older_failure_ipn_after_the_success_changes_nothing(world, gateway_sim):
    dossier = receive(world)
    client = browser(dossier.pk)
    journey = pay(client, gateway_sim, dossier.pk)
    ref = _query(journey.gateway_url)["vnp_TxnRef"]
    failure = _signed_ipn(vnp_TxnRef=ref, vnp_Amount="20000000", vnp_ResponseCode="51", vnp_TransactionStatus="02")

    assert deliver(client, [failure])[0]["RspCode"] == "02"
    assert _state(dossier) == (DossierStatus.RECEIVED, [(Decimal(200000), "online_gateway")], ["paid"])


def test_a_failed_card_leaves_the_dossier_payable_and_a_new_order_pays_it(world, gateway_sim):
    dossier = receive(world)
    client = browser(dossier.pk)

    failed = pay(client, gateway_sim, dossier.pk, FAIL)

    assert [a["RspCode"] for a in failed.ipn_answers] == ["00"]
    assert _state(dossier) == (DossierStatus.RECEIVED, [], ["failed"])
    assert "mã phản hồi của cổng: 51" in failed.return_page.content.decode()
    assert "Thanh toán trực tuyến" in client.get(f"/dich-vu-cong/ho-so/{dossier.pk}/").content.decode()
    paid = pay(client, gateway_sim, dossier.pk)
    assert _query(paid.gateway_url)["vnp_TxnRef"] != _query(failed.gateway_url)["vnp_TxnRef"]
    assert _state(dossier)[1:] == ([(Decimal(200000), "online_gateway")], ["failed", "paid"])


def test_a_cancelled_payment_says_so_and_leaves_the_dossier_unpaid(world, gateway_sim):
    dossier = receive(world)

    journey = pay(browser(dossier.pk), gateway_sim, dossier.pk, CANCEL)

    assert _query(journey.paid_page.location)["vnp_ResponseCode"] == "24"
    assert "Bạn đã hủy giao dịch" in journey.return_page.content.decode()
    assert _state(dossier) == (DossierStatus.RECEIVED, [], ["failed"])


def test_a_timed_out_card_leaves_the_order_pending_until_it_expires(world, gateway_sim):
    dossier = receive(world)

    journey = pay(browser(dossier.pk), gateway_sim, dossier.pk, TIMEOUT)

    assert journey.paid_page.status == 504
    assert journey.ipn_answers == []
    order = PaymentOrder.objects.get(dossier=dossier)
    assert services.orders_expire(at=order.expires_at).expired == 0  # not before the grace period
    result = services.orders_expire(at=order.expires_at + timedelta(minutes=6))
    assert (result.expired, result.paid, result.unchecked) == (1, 0, [])
    assert _state(dossier) == (DossierStatus.RECEIVED, [], ["expired"])
    assert len(_state(dossier)[1]) == 0
    assert pay(browser(dossier.pk), gateway_sim, dossier.pk).ipn_answers[0]["RspCode"] == "00"


def test_the_gateway_down_during_the_redirect_leaves_the_dossier_unpaid_and_payable_later(world, gateway_sim):
    dossier = receive(world)
    client = browser(dossier.pk)
    gateway_sim.control(mode="down")

    down = pay(client, gateway_sim, dossier.pk)

    assert down.gateway_page.status == 503
    assert _state(dossier) == (DossierStatus.RECEIVED, [], ["pending"])
    assert "Thanh toán trực tuyến" in client.get(f"/dich-vu-cong/ho-so/{dossier.pk}/").content.decode()
    gateway_sim.control(mode=None)
    later = pay(client, gateway_sim, dossier.pk)
    assert _query(later.gateway_url)["vnp_TxnRef"] == _query(down.gateway_url)["vnp_TxnRef"]  # the same order
    assert _state(dossier)[1:] == ([(Decimal(200000), "online_gateway")], ["paid"])


def test_a_second_tab_reuses_the_pending_order_and_the_gateway_takes_it_once(world, gateway_sim):
    dossier = receive(world)
    first, second = browser(dossier.pk), browser(dossier.pk)
    url_one, url_two = start(first, dossier.pk), start(second, dossier.pk)
    assert _query(url_one)["vnp_TxnRef"] == _query(url_two)["vnp_TxnRef"]

    pay(first, gateway_sim, dossier.pk)
    again = gateway_sim.http("GET", url_two)

    assert again.status == 400
    assert "đã được thanh toán" in again.body
    assert len(_state(dossier)[1]) == 1


def test_a_lost_ipn_is_found_by_reconciliation_and_settled_by_the_expiry_query(world, gateway_sim):
    dossier = receive(world)
    gateway_sim.control(mode="ipn_none", times=1)
    journey = pay(browser(dossier.pk), gateway_sim, dossier.pk)
    assert journey.ipn_answers == []
    assert _state(dossier)[2] == ["pending"]
    order = PaymentOrder.objects.get(dossier=dossier)
    day = timezone.localdate(order.created_at)

    found = services.reconcile(day=day, at=timezone.now())

    assert [(m["txn_ref"], m["kind"]) for m in found.mismatches] == [(order.txn_ref, "gateway_paid_local_not")]
    result = services.orders_expire(at=order.expires_at + timedelta(minutes=6))
    assert (result.paid, result.expired) == (1, 0)
    assert _state(dossier)[1:] == ([(Decimal(200000), "online_gateway")], ["paid"])
    assert CallbackLog.objects.get(order=order).source == "query"
    assert services.reconcile(day=day, at=timezone.now()).mismatches == []


def test_reconciliation_lists_a_payment_the_gateway_does_not_report(world, gateway_sim):
    dossier = receive(world)
    journey = pay(browser(dossier.pk), gateway_sim, dossier.pk)
    ref = _query(journey.gateway_url)["vnp_TxnRef"]
    gateway_sim.control(set_status={"txn_ref": ref, "status": "failed"})

    found = services.reconcile(day=timezone.localdate(), at=timezone.now())

    assert [(m["txn_ref"], m["kind"]) for m in found.mismatches] == [(ref, "local_paid_gateway_not")]
    gateway_sim.control(mode="down")
    failed = services.reconcile(day=timezone.localdate(), at=timezone.now())
    assert [m["kind"] for m in failed.mismatches] == ["query_failed"]


def test_a_late_success_for_an_expired_order_is_still_recorded(world, gateway_sim):
    dossier = receive(world)
    client = browser(dossier.pk)
    ref = _query(start(client, dossier.pk))["vnp_TxnRef"]
    PaymentOrder.objects.filter(txn_ref=ref).update(status=OrderStatus.EXPIRED)
    success = _signed_ipn(vnp_TxnRef=ref, vnp_Amount="20000000", vnp_ResponseCode="00", vnp_TransactionStatus="00")

    assert deliver(client, [success])[0]["RspCode"] == "00"
    assert _state(dossier)[1:] == ([(Decimal(200000), "online_gateway")], ["paid"])
    assert CallbackLog.objects.get().outcome == "paid_late"


def test_the_start_refuses_a_dossier_that_cannot_be_paid_online(world, gateway_sim):
    new = to_status(world, DossierStatus.NEW)
    returned = to_status(world, DossierStatus.RETURNED, at=AT + timedelta(hours=1))
    client = browser(new.pk, returned.pk)

    for dossier, code in ((new, "payment.not_payable"), (returned, "payment.not_payable")):
        response = client.post(f"/thanh-toan/ho-so/{dossier.pk}/")
        assert response.status_code == 409
        assert code in response.content.decode()
    assert not PaymentOrder.objects.exists()
    assert browser().post(f"/thanh-toan/ho-so/{new.pk}/")["Location"] == "/dich-vu-cong/tra-cuu/"
    assert browser(10**9).post(f"/thanh-toan/ho-so/{10**9}/")["Location"] == "/dich-vu-cong/tra-cuu/"
    assert client.get(f"/thanh-toan/ho-so/{new.pk}/").status_code == 405


def test_nothing_due_after_a_counter_payment(world, gateway_sim):
    dossier = receive(world)
    s.dossier_record_payment(
        dossier=dossier,
        actor=world.reception,
        at=AT + timedelta(hours=1),
        amount=Decimal(200000),
        channel=PaymentChannel.COUNTER,
        receipt_number="BL-1",
    )
    client = browser(dossier.pk)

    response = client.post(f"/thanh-toan/ho-so/{dossier.pk}/")

    assert response.status_code == 409
    assert "payment.nothing_due" in response.content.decode()
    assert "Thanh toán trực tuyến" not in client.get(f"/dich-vu-cong/ho-so/{dossier.pk}/").content.decode()


def _drain() -> Any:
    from cchc.outbox.dispatch import outbox_drain

    return outbox_drain(only=["payments-refunds"])
