"""The VNPay 2.1.0 wire format: signatures checked against values computed here by hand, not by the code
under test."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest

from cchc.payments import vnpay_protocol as p
from cchc.payments.constants import RspCode
from cchc.payments.gateways.base import MalformedCallback, PaymentRequest, SignatureInvalid
from cchc.payments.gateways.vnpay import VNPayGateway

SECRET = "khoa-bi-mat"


def _gateway() -> VNPayGateway:
    return VNPayGateway(
        pay_url="https://sandbox.example/paymentv2/vpcpay.html", api_url="", tmn_code="TMN1", hash_secret=SECRET
    )


def test_the_signature_is_hmac_sha512_over_the_sorted_quote_plus_encoded_parameters():
    params = {
        "vnp_TxnRef": "A1",
        "vnp_Amount": "20000000",
        "vnp_OrderInfo": "Nop phi ho so/1",
        "vnp_SecureHashType": "x",
    }
    by_hand = "vnp_Amount=20000000&vnp_OrderInfo=Nop+phi+ho+so%2F1&vnp_TxnRef=A1"

    assert p.query_string(params) == by_hand
    assert p.sign(params, SECRET) == hmac.new(SECRET.encode(), by_hand.encode(), hashlib.sha512).hexdigest()


def test_the_payment_address_carries_the_protocol_fields_amount_times_100_and_vietnam_time():
    request = PaymentRequest(
        txn_ref="261207ABC",
        amount=Decimal(200000),
        order_info="Nop phi, le phi ho so 000.00.01.H34-260105-0001",
        client_ip="203.0.113.5",
        created_at=datetime(2026, 12, 7, 1, 2, 3, tzinfo=UTC),
        expires_at=datetime(2026, 12, 7, 1, 17, 3, tzinfo=UTC),
        return_url="https://dvc.example/thanh-toan/vnpay/ket-qua/",
    )

    url = _gateway().payment_url(request)
    params = dict(parse_qsl(urlsplit(url).query))

    assert url.startswith("https://sandbox.example/paymentv2/vpcpay.html?")
    assert params["vnp_Version"] == "2.1.0"
    assert params["vnp_Command"] == "pay"
    assert params["vnp_TmnCode"] == "TMN1"
    assert params["vnp_Amount"] == "20000000"
    assert params["vnp_CurrCode"] == "VND"
    assert params["vnp_Locale"] == "vn"
    assert (params["vnp_CreateDate"], params["vnp_ExpireDate"]) == ("20261207080203", "20261207081703")
    assert params["vnp_ReturnUrl"] == request.return_url
    assert params["vnp_IpAddr"] == "203.0.113.5"
    assert p.verify(params, SECRET)


def _callback(**changes: str) -> dict[str, str]:
    params = {
        "vnp_Amount": "20000000",
        "vnp_PayDate": "20261207081000",
        "vnp_ResponseCode": "00",
        "vnp_TmnCode": "TMN1",
        "vnp_TransactionNo": "14000001",
        "vnp_TransactionStatus": "00",
        "vnp_TxnRef": "261207ABC",
        **changes,
    }
    return {**params, "vnp_SecureHash": p.sign(params, SECRET)}


def test_a_verified_callback_gives_the_amount_in_dong_and_the_pay_date_in_vietnam_time():
    outcome = _gateway().verify_callback(_callback())

    assert outcome.success
    assert outcome.amount == Decimal(200000)
    assert outcome.txn_ref == "261207ABC"
    assert outcome.paid_at == datetime(2026, 12, 7, 1, 10, tzinfo=UTC)


@pytest.mark.parametrize("field", ["vnp_Amount", "vnp_TxnRef", "vnp_ResponseCode"])
def test_a_callback_changed_after_signing_is_refused(field):
    params = _callback()
    params[field] = params[field] + "1"

    with pytest.raises(SignatureInvalid):
        _gateway().verify_callback(params)


def test_a_callback_without_its_reference_or_with_another_merchant_code_is_malformed():
    with pytest.raises(MalformedCallback):
        _gateway().verify_callback(_callback(vnp_TmnCode="KHAC"))
    with pytest.raises(SignatureInvalid):
        _gateway().verify_callback({})


def test_an_amount_that_is_not_whole_dong_matches_no_order():
    assert _gateway().verify_callback(_callback(vnp_Amount="20000050")).amount is None


def test_the_merchant_api_signs_its_fields_joined_by_a_bar_in_the_documented_order():
    data = {name: f"v{i}" for i, name in enumerate(p.QUERY_FIELDS)}
    by_hand = "|".join(f"v{i}" for i in range(len(p.QUERY_FIELDS)))

    assert (
        p.sign_fields(data, p.QUERY_FIELDS, SECRET)
        == hmac.new(SECRET.encode(), by_hand.encode(), hashlib.sha512).hexdigest()
    )


def test_the_ipn_answers_are_the_protocols():
    gateway = _gateway()

    assert gateway.ipn_answer(RspCode.CONFIRMED) == {"RspCode": "00", "Message": "Confirm Success"}
    assert [gateway.ipn_answer(c)["RspCode"] for c in RspCode] == ["00", "01", "02", "04", "97", "99"]


def test_production_refuses_the_development_merchant_secret(settings):
    from cchc.payments.checks import DEV_HASH_SECRET, development_secret_in_production

    settings.DEBUG = False
    settings.CCHC_PAYMENTS = {"vnpay": {"hash_secret": DEV_HASH_SECRET}}
    assert [e.id for e in development_secret_in_production()] == ["cchc.payments.W001"]
    settings.CCHC_PAYMENTS = {"vnpay": {"hash_secret": "do-VNPay-cap-" + "x" * 20}}
    assert development_secret_in_production() == []
    settings.DEBUG = True
    settings.CCHC_PAYMENTS = {"vnpay": {"hash_secret": DEV_HASH_SECRET}}
    assert development_secret_in_production() == []
