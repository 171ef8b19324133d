"""The payment gateway interface: what CCHC asks of any gateway (VNPay today; the national portal's
payment platform or a bank's gateway can be added beside it as another implementation).

A gateway builds the signed address the applicant's browser is sent to, reads and verifies the
callbacks it sends (the browser's return and the server-to-server IPN, same shape), answers the IPN in
its protocol, and offers the merchant API: the transaction query (reconciliation, expiry) and refunds.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from cchc.payments.constants import RspCode


@dataclass(frozen=True)
class PaymentRequest:
    """One order, as the gateway needs it to build the payment address."""

    txn_ref: str
    amount: Decimal  # whole đồng
    order_info: str
    client_ip: str
    created_at: datetime
    expires_at: datetime
    return_url: str


@dataclass(frozen=True)
class Outcome:
    """What the gateway says about a transaction (a verified callback, or a query's answer).

    ``found`` False: the gateway does not know the reference. ``success``: the money was taken.
    ``refunded``: the gateway reports it refunded (queries only). ``amount`` in đồng (None: not given
    or not a whole amount of đồng, which no order can match).
    """

    txn_ref: str
    found: bool
    success: bool
    response_code: str
    transaction_status: str = ""
    amount: Decimal | None = None
    transaction_no: str = ""
    bank_code: str = ""
    paid_at: datetime | None = None
    refunded: bool = False
    message: str = ""


@dataclass(frozen=True)
class RefundOutcome:
    done: bool
    response_code: str
    message: str = ""


class SignatureInvalid(Exception):
    """A callback whose signature does not verify (forged or altered): nothing is believed."""


class MalformedCallback(Exception):
    """A callback missing what the protocol requires (no reference, an amount that is not a number)."""


class GatewayError(Exception):
    """The gateway could not be reached or answered something unusable. ``retryable``: try again later
    (down, timeout, 5xx) rather than give up (a refusal in the protocol)."""

    def __init__(self, code: str, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.retryable = retryable


class PaymentGateway(ABC):
    """One payment gateway (see the module). Implementations take their settings in ``__init__``."""

    name: str = ""

    @abstractmethod
    def payment_url(self, request: PaymentRequest) -> str:
        """The signed address of the gateway's payment page for this order."""

    @abstractmethod
    def verify_callback(self, params: Mapping[str, str]) -> Outcome:
        """The callback's content once its signature is verified (``SignatureInvalid`` otherwise,
        ``MalformedCallback`` when it lacks what the protocol requires)."""

    @abstractmethod
    def ipn_answer(self, code: RspCode) -> dict[str, Any]:
        """The body answering an IPN with ``code``."""

    @abstractmethod
    def query(self, *, txn_ref: str, order_info: str, created_at: datetime, at: datetime) -> Outcome:
        """The gateway's record of the transaction (``GatewayError`` when it cannot be asked)."""

    @abstractmethod
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
        """Return ``amount`` of the transaction to the payer (``GatewayError`` when it cannot be asked)."""
