"""VNPay 2.1.0 (:mod:`cchc.payments.vnpay_protocol` for the wire format): the payment address, the
callbacks, the IPN answer, and the merchant web API (``querydr``, ``refund``).

Settings (``CCHC_PAYMENTS["vnpay"]``): ``pay_url`` (the gateway's ``vpcpay.html``), ``api_url`` (the
merchant web API), ``tmn_code`` and ``hash_secret`` (issued by VNPay to the merchant), ``timeout_s``.
"""

from __future__ import annotations

import json
import secrets
import urllib.error
import urllib.request
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from cchc.payments import vnpay_protocol as p
from cchc.payments.constants import RSP_MESSAGES, RspCode
from cchc.payments.gateways.base import (
    GatewayError,
    MalformedCallback,
    Outcome,
    PaymentGateway,
    PaymentRequest,
    RefundOutcome,
    SignatureInvalid,
)

ORDER_TYPE = "billpayment"  # VNPay's category for bills and public fees


def _amount(value: object) -> Decimal | None:
    """đồng from ``vnp_Amount`` (đồng × 100); None when it is not a whole number of đồng."""
    try:
        hundredths = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    if not hundredths.is_finite() or hundredths != hundredths.to_integral() or hundredths % 100:
        return None
    return hundredths / 100


class VNPayGateway(PaymentGateway):
    name = "vnpay"

    def __init__(self, *, pay_url: str, api_url: str, tmn_code: str, hash_secret: str, timeout_s: float = 10.0):
        self.pay_url = pay_url
        self.api_url = api_url
        self.tmn_code = tmn_code
        self.secret = hash_secret
        self.timeout_s = timeout_s

    # --- the browser's side ------------------------------------------------------------------------

    def payment_url(self, request: PaymentRequest) -> str:
        params = {
            "vnp_Version": p.VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": self.tmn_code,
            "vnp_Amount": str(int(request.amount) * 100),
            "vnp_CurrCode": "VND",
            "vnp_TxnRef": request.txn_ref,
            "vnp_OrderInfo": request.order_info,
            "vnp_OrderType": ORDER_TYPE,
            "vnp_Locale": "vn",
            "vnp_ReturnUrl": request.return_url,
            "vnp_IpAddr": request.client_ip,
            "vnp_CreateDate": p.format_time(request.created_at),
            "vnp_ExpireDate": p.format_time(request.expires_at),
        }
        return f"{self.pay_url}?{p.signed_query(params, self.secret)}"

    def verify_callback(self, params: Mapping[str, str]) -> Outcome:
        if not p.verify(params, self.secret):
            raise SignatureInvalid("chữ ký không hợp lệ")
        txn_ref = str(params.get("vnp_TxnRef") or "")
        if not txn_ref or params.get("vnp_TmnCode") != self.tmn_code:
            raise MalformedCallback("thiếu mã giao dịch hoặc sai mã website")
        paid_at = None
        if params.get("vnp_PayDate"):
            try:
                paid_at = p.parse_time(str(params["vnp_PayDate"]))
            except ValueError as exc:
                raise MalformedCallback(str(exc)) from exc
        response, status = str(params.get("vnp_ResponseCode") or ""), str(params.get("vnp_TransactionStatus") or "")
        return Outcome(
            txn_ref=txn_ref,
            found=True,
            success=response == "00" and status == p.TRANSACTION_PAID,
            response_code=response,
            transaction_status=status,
            amount=_amount(params.get("vnp_Amount")),
            transaction_no=str(params.get("vnp_TransactionNo") or "")[:40],
            bank_code=str(params.get("vnp_BankCode") or "")[:20],
            paid_at=paid_at,
        )

    def ipn_answer(self, code: RspCode) -> dict[str, Any]:
        return {"RspCode": code.value, "Message": RSP_MESSAGES[code]}

    # --- the merchant web API ------------------------------------------------------------------------

    def _call(self, data: dict[str, Any], answer_fields: tuple[str, ...]) -> dict[str, Any]:
        body = json.dumps(data).encode("utf-8")
        request = urllib.request.Request(
            self.api_url, data=body, method="POST", headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:  # noqa: S310 (settings)
                raw = response.read()
        except urllib.error.HTTPError as exc:
            raise GatewayError(
                "http", f"Cổng thanh toán trả lời lỗi HTTP {exc.code}.", retryable=exc.code >= 500
            ) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise GatewayError("unreachable", f"Không kết nối được cổng thanh toán: {exc}.") from exc
        try:
            answer = json.loads(raw)
        except ValueError as exc:
            raise GatewayError("malformed", "Cổng thanh toán trả lời không đúng định dạng JSON.") from exc
        if not isinstance(answer, dict):
            raise GatewayError("malformed", "Cổng thanh toán trả lời không đúng định dạng.")
        if answer.get("vnp_SecureHash") and not p.verify_fields(answer, answer_fields, self.secret):
            raise GatewayError(
                "signature", "Chữ ký trong câu trả lời của cổng thanh toán không hợp lệ.", retryable=False
            )
        if not answer.get("vnp_SecureHash") and answer.get("vnp_ResponseCode") == "00":
            raise GatewayError("signature", "Câu trả lời của cổng thanh toán không có chữ ký.", retryable=False)
        return answer

    def _common(self, command: str, at: datetime) -> dict[str, Any]:
        return {
            "vnp_RequestId": secrets.token_hex(16),
            "vnp_Version": p.VERSION,
            "vnp_Command": command,
            "vnp_TmnCode": self.tmn_code,
            "vnp_CreateDate": p.format_time(at),
            "vnp_IpAddr": "127.0.0.1",
        }

    def query(self, *, txn_ref: str, order_info: str, created_at: datetime, at: datetime) -> Outcome:
        data = {
            **self._common("querydr", at),
            "vnp_TxnRef": txn_ref,
            "vnp_OrderInfo": order_info,
            "vnp_TransactionDate": p.format_time(created_at),
        }
        data["vnp_SecureHash"] = p.sign_fields(data, p.QUERY_FIELDS, self.secret)
        answer = self._call(data, p.QUERY_ANSWER_FIELDS)
        code = str(answer.get("vnp_ResponseCode") or "")
        if code == "91":  # transaction not found
            return Outcome(txn_ref=txn_ref, found=False, success=False, response_code=code)
        if code != "00":
            raise GatewayError(
                f"query_{code or 'x'}",
                f"Cổng thanh toán từ chối truy vấn (mã {code}): {answer.get('vnp_Message', '')}.",
            )
        status = str(answer.get("vnp_TransactionStatus") or "")
        paid_at = None
        if answer.get("vnp_PayDate"):
            try:
                paid_at = p.parse_time(str(answer["vnp_PayDate"]))
            except ValueError:
                paid_at = None
        return Outcome(
            txn_ref=txn_ref,
            found=True,
            success=status == p.TRANSACTION_PAID,
            refunded=status in p.TRANSACTION_REFUNDED,
            response_code=code,
            transaction_status=status,
            amount=_amount(answer.get("vnp_Amount")),
            transaction_no=str(answer.get("vnp_TransactionNo") or "")[:40],
            bank_code=str(answer.get("vnp_BankCode") or "")[:20],
            paid_at=paid_at,
            message=str(answer.get("vnp_Message") or ""),
        )

    def refund(
        self,
        *,
        txn_ref: str,
        amount: Decimal,
        transaction_no: str,
        created_at: datetime,
        order_info: str,
        by: str,
        at: datetime,
    ) -> RefundOutcome:
        data = {
            **self._common("refund", at),
            "vnp_TransactionType": "02",  # a full refund (03: partial)
            "vnp_TxnRef": txn_ref,
            "vnp_Amount": str(int(amount) * 100),
            "vnp_TransactionNo": transaction_no,
            "vnp_TransactionDate": p.format_time(created_at),
            "vnp_CreateBy": by,
            "vnp_OrderInfo": order_info,
        }
        data["vnp_SecureHash"] = p.sign_fields(data, p.REFUND_FIELDS, self.secret)
        answer = self._call(data, p.REFUND_ANSWER_FIELDS)
        code = str(answer.get("vnp_ResponseCode") or "")
        return RefundOutcome(done=code == "00", response_code=code, message=str(answer.get("vnp_Message") or "")[:255])
