"""The VNPay 2.1.0 wire format, standard library only (used by the gateway adapter and by the shipped
simulator, which must not import Django).

Inferred from VNPay's public integration documents and sample code (domain-vn §2.6: public
implementations), written anew here:

- the payment address and the callbacks (return URL, IPN) are signed with HMAC-SHA512, hex, over the
  ``vnp_*`` parameters sorted by name, each ``key=value`` with the value URL-encoded as
  ``quote_plus`` does, joined by ``&``; ``vnp_SecureHash`` and ``vnp_SecureHashType`` are left out;
- the merchant web API (``querydr``, ``refund``: JSON over POST) signs the fields of a fixed list
  joined by ``|`` (:data:`QUERY_FIELDS`, :data:`REFUND_FIELDS`, and the answers' lists);
- moments are ``yyyyMMddHHmmss`` in Vietnam time (UTC+7).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from urllib.parse import quote_plus

VN = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")  # Vietnam has no daylight saving time
VERSION = "2.1.0"
DATE_FORMAT = "%Y%m%d%H%M%S"
UNSIGNED = frozenset({"vnp_SecureHash", "vnp_SecureHashType"})

QUERY_FIELDS = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_TransactionDate",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
QUERY_ANSWER_FIELDS = (
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
    "vnp_PromotionCode",
    "vnp_PromotionAmount",
)
REFUND_FIELDS = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TransactionType",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_TransactionNo",
    "vnp_TransactionDate",
    "vnp_CreateBy",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
REFUND_ANSWER_FIELDS = (
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
)

# vnp_TransactionStatus in the query's answer (public documents): 00 paid; 01 not completed; 02 error;
# 04 reversed; 05 refund in progress; 06 refund sent to the bank; 07 suspected fraud; 09 refund refused
TRANSACTION_PAID = "00"
TRANSACTION_REFUNDED = frozenset({"05", "06"})


def _hmac(secret: str, data: str) -> str:
    return hmac.new(secret.encode("utf-8"), data.encode("utf-8"), hashlib.sha512).hexdigest()


def query_string(params: Mapping[str, str]) -> str:
    """``key=value`` pairs of the signed parameters, sorted by name, values encoded as ``quote_plus``."""
    return "&".join(
        f"{key}={quote_plus(str(params[key]))}"
        for key in sorted(params)
        if key.startswith("vnp_") and key not in UNSIGNED and params[key] not in (None, "")
    )


def sign(params: Mapping[str, str], secret: str) -> str:
    """The ``vnp_SecureHash`` of ``params`` (payment address, return URL, IPN)."""
    return _hmac(secret, query_string(params))


def signed_query(params: Mapping[str, str], secret: str) -> str:
    """The query string of the payment address (or of a callback) with its ``vnp_SecureHash``."""
    return f"{query_string(params)}&vnp_SecureHash={sign(params, secret)}"


def verify(params: Mapping[str, str], secret: str) -> bool:
    """Whether ``params`` carry a valid ``vnp_SecureHash`` (compared in constant time)."""
    given = str(params.get("vnp_SecureHash") or "")
    if not given:
        return False
    return hmac.compare_digest(given.lower(), sign(params, secret))


def sign_fields(data: Mapping[str, object], fields: tuple[str, ...], secret: str) -> str:
    """The merchant API's ``vnp_SecureHash``: the listed fields' values joined by ``|``."""
    return _hmac(secret, "|".join(str(data.get(name, "") if data.get(name) is not None else "") for name in fields))


def verify_fields(data: Mapping[str, object], fields: tuple[str, ...], secret: str) -> bool:
    given = str(data.get("vnp_SecureHash") or "")
    return bool(given) and hmac.compare_digest(given.lower(), sign_fields(data, fields, secret))


def format_time(moment: datetime) -> str:
    """``yyyyMMddHHmmss`` in Vietnam time."""
    return moment.astimezone(VN).strftime(DATE_FORMAT)


def parse_time(text: str) -> datetime:
    """A ``yyyyMMddHHmmss`` Vietnam time (ValueError when it is not one)."""
    if len(text) != 14 or not text.isdigit():
        raise ValueError(f"thời điểm không đúng dạng yyyyMMddHHmmss: {text!r}")
    return datetime.strptime(text, DATE_FORMAT).replace(tzinfo=VN)
