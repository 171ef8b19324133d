"""Writes of online payment: start an order, handle the gateway's callbacks (the IPN is the source of
truth), expire unpaid orders, reconcile a day against the gateway's transaction query, refund.

Rules (docs/payments.md):

- the order is created before the browser is sent to the gateway, with the amount owed then; a
  dossier has at most one pending order, which two tabs share;
- only a verified IPN (or the gateway's answer to a transaction query) marks an order paid; the payment
  is then recorded on the dossier through the lifecycle (``dossier_record_payment``, actor ``None``:
  the table's applicant entry for ``online_gateway``), in the same transaction;
- an IPN refused (forged, unknown reference, another amount, already settled) changes nothing and is
  logged with the code answered;
- money taken that the dossier cannot take (ended, or nothing left to pay) is refunded, as are online
  payments of a dossier refused or stopped afterwards; refunds go out through the outbox.

Legal basis: Luật Phí và lệ phí 2015 (fees collected by the amounts of the fee tables); the payment
protocol is VNPay's, inferred from its public integration documents and sample code (domain-vn §2.6).
The refund on refusal or stop follows the issue's rule (the fee pays for a service not rendered), to
be confirmed per fee by the agency.
"""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from cchc.audit.services import audit_record
from cchc.common.numbers import vi_number
from cchc.dossiers import services as dossier_services
from cchc.dossiers.constants import DossierError, DossierErrorCode, PaymentChannel
from cchc.dossiers.events import DossierEvent
from cchc.dossiers.executor import Joined
from cchc.dossiers.models import Dossier
from cchc.outbox.models import OutboxEvent
from cchc.outbox.services import outbox_emit
from cchc.payments import vnpay_protocol
from cchc.payments.constants import (
    REFUND_DONE_TOPIC,
    REFUND_TOPIC,
    CallbackSource,
    MismatchKind,
    OrderStatus,
    RefundReason,
    RefundStatus,
    RspCode,
)
from cchc.payments.gateways import PaymentGateway, gateway
from cchc.payments.gateways.base import GatewayError, MalformedCallback, Outcome, PaymentRequest, SignatureInvalid
from cchc.payments.models import CallbackLog, PaymentOrder, Reconciliation, Refund
from cchc.payments.selectors import dossier_payable_online

REFUND_DOSSIER_TOPICS = frozenset({DossierEvent.REFUSED.value, DossierEvent.STOPPED.value})


def _config() -> dict[str, Any]:
    config: dict[str, Any] = settings.CCHC_PAYMENTS
    return config


def _ascii(text: str) -> str:
    """Vietnamese without diacritics (the gateway's ``vnp_OrderInfo`` takes no accents)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c) and c.isascii())


def _txn_ref(at: datetime) -> str:
    return f"{vnpay_protocol.format_time(at)[2:8]}{secrets.token_hex(5).upper()}"


# --- starting a payment ----------------------------------------------------------------------------


def order_start(*, dossier: Dossier, client_ip: str, at: datetime) -> PaymentOrder:
    """The pending order the applicant pays now: created before the browser goes to the gateway.

    Refused (``PaymentError``) when the dossier cannot be paid online now (its status, an undetermined
    fee, nothing owed). A pending order still valid for the same amount is reused (a second tab, a
    gateway that was down: the same reference, payable until it expires); one expired or for another
    amount is closed and replaced.
    concurrency: the partial unique index ``payments_order_one_pending`` lets one of two simultaneous
    starts insert; the other reuses its order.
    """
    amount = dossier_payable_online(dossier)
    minutes = int(_config()["order_minutes"])
    with transaction.atomic():
        current = PaymentOrder.objects.select_for_update().filter(dossier=dossier, status=OrderStatus.PENDING).first()
        if current is not None and current.expires_at > at and current.amount == amount:
            return current
        if current is not None:  # a late IPN for it is still honoured (applied or refunded)
            current.status, current.settled_at = OrderStatus.EXPIRED, at
            current.save(update_fields=["status", "settled_at"])
        order = PaymentOrder(
            txn_ref=_txn_ref(at),
            dossier=dossier,
            gateway=str(_config()["gateway"]),
            amount=amount,
            order_info=_ascii(f"Nop phi, le phi ho so {dossier.code or dossier.pk}")[:255],
            client_ip=client_ip[:45] or "127.0.0.1",
            created_at=at,
            expires_at=at + timedelta(minutes=minutes),
        )
        try:
            with transaction.atomic():
                order.save()
        except IntegrityError:
            shared = PaymentOrder.objects.filter(dossier=dossier, status=OrderStatus.PENDING).first()
            if shared is None:
                raise
            return shared
    return order


def order_payment_url(*, order: PaymentOrder, return_url: str) -> str:
    """The signed address of the gateway's payment page for ``order``."""
    return gateway(order.gateway).payment_url(
        PaymentRequest(
            txn_ref=order.txn_ref,
            amount=order.amount,
            order_info=order.order_info,
            client_ip=order.client_ip,
            created_at=order.created_at,
            expires_at=order.expires_at,
            return_url=return_url,
        )
    )


# --- the gateway's callbacks --------------------------------------------------------------------------


@dataclass
class Handled:
    """What a callback did: the code answered, the order (if found), a short outcome for the log."""

    code: RspCode
    outcome: str
    order: PaymentOrder | None = None
    detail: str = ""


def _log_row(
    *,
    source: CallbackSource,
    params: Mapping[str, Any],
    handled: Handled,
    remote_addr: str,
    at: datetime,
) -> CallbackLog:
    """The log row of a callback (not saved)."""
    return CallbackLog(
        source=source,
        received_at=at,
        remote_addr=remote_addr[:45],
        txn_ref=str(params.get("vnp_TxnRef", ""))[:60],
        order=handled.order,
        params={str(k)[:60]: str(v)[:500] for k, v in list(params.items())[:60]},
        rsp_code=handled.code.value,
        outcome=handled.outcome,
        detail=handled.detail[:500],
    )


def _log(
    *,
    source: CallbackSource,
    params: Mapping[str, Any],
    handled: Handled,
    remote_addr: str,
    at: datetime,
) -> CallbackLog:
    row = _log_row(source=source, params=params, handled=handled, remote_addr=remote_addr, at=at)
    row.save()
    return row


def ipn_handle(
    *, params: Mapping[str, str], remote_addr: str, at: datetime, gw: PaymentGateway | None = None
) -> Handled:
    """Handle one IPN (server to server): verify, settle the order, record the payment; log it.

    Answers (VNPay): ``97`` the signature does not verify; ``01`` no such order; ``04`` the amount is
    not the order's; ``02`` the order is already settled (a duplicate, or an older failure after the
    success); ``00`` the order was settled now (paid: the payment is on the dossier or its refund is
    requested; or failed); ``99`` anything else. Every refusal changes nothing.
    idempotency: the order row is locked first; a second IPN for it sees it settled and answers ``02``.
    """
    gw = gw or gateway()
    try:
        outcome = gw.verify_callback(params)
    except SignatureInvalid:
        handled = Handled(RspCode.INVALID_SIGNATURE, "invalid_signature")
    except MalformedCallback as exc:
        handled = Handled(RspCode.UNKNOWN_ERROR, "malformed", detail=str(exc))
    else:
        try:
            with transaction.atomic():
                return _settle(
                    outcome,
                    source=CallbackSource.IPN,
                    gateway_name=gw.name,
                    at=at,
                    record=lambda h: _log_row(
                        source=CallbackSource.IPN, params=params, handled=h, remote_addr=remote_addr, at=at
                    ),
                )
        except Exception as exc:  # noqa: BLE001  the protocol's 99, never a 500 to the gateway
            handled = Handled(RspCode.UNKNOWN_ERROR, "error", detail=f"{type(exc).__name__}: {exc}")
    _log(source=CallbackSource.IPN, params=params, handled=handled, remote_addr=remote_addr, at=at)
    return handled


Record = Callable[[Handled], CallbackLog]  # builds the callback's log row (not saved)


def _order_locked(txn_ref: str, gateway_name: str) -> PaymentOrder | None:
    """The order of ``txn_ref`` with its dossier's status (for the executor), both rows locked.

    performance: one statement written out here, not the ORM's ``select_related``/``only`` compiled
    at every IPN (about a tenth of its time); ``raw()`` still converts the values."""
    order_table, dossier_table = PaymentOrder._meta.db_table, Dossier._meta.db_table
    columns = ", ".join(f'o."{f.column}"' for f in PaymentOrder._meta.concrete_fields)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    sql = (
        f'SELECT {columns}, d."status" AS "dossier_status" FROM "{order_table}" o '
        f'JOIN "{dossier_table}" d ON d."id" = o."dossier_id" WHERE o."txn_ref" = %s AND o."gateway" = %s{lock}'
    )
    order = next(iter(PaymentOrder.objects.raw(sql, [txn_ref, gateway_name])), None)
    if order is not None:
        order.dossier = Dossier.from_db(
            connection.alias,
            ["id", "status"],
            [order.dossier_id, order.dossier_status],  # type: ignore[attr-defined]
        )
    return order


def _settle(outcome: Outcome, *, source: CallbackSource, gateway_name: str, at: datetime, record: Record) -> Handled:
    """Settle the order of a verified outcome (inside the caller's transaction; the order row locked);
    ``record`` builds the log row, saved once (with the dossier's transition: see ``_paid``)."""
    order = _order_locked(outcome.txn_ref, gateway_name)
    if order is None:
        handled = Handled(RspCode.ORDER_NOT_FOUND, "order_not_found")
    elif outcome.amount != order.amount:
        handled = Handled(RspCode.INVALID_AMOUNT, "invalid_amount", order, f"{outcome.amount} ≠ {order.amount}")
    elif order.status == OrderStatus.PAID:
        handled = Handled(RspCode.ALREADY_CONFIRMED, "duplicate", order)
    elif outcome.success:
        return _paid(order, outcome, source=source, at=at, record=record)
    elif order.status == OrderStatus.FAILED:
        handled = Handled(RspCode.ALREADY_CONFIRMED, "duplicate", order)
    else:
        order.status = OrderStatus.FAILED
        order.response_code = outcome.response_code[:4]
        order.settled_at, order.settled_by = at, source
        order.save(update_fields=_SETTLED_FIELDS)
        handled = Handled(RspCode.CONFIRMED, "failed", order, f"mã phản hồi {outcome.response_code}")
    record(handled).save()
    return handled


_SETTLED_FIELDS = ["status", "response_code", "settled_at", "settled_by"]


def _paid(order: PaymentOrder, outcome: Outcome, *, source: CallbackSource, at: datetime, record: Record) -> Handled:
    """The gateway took the money: record it on the dossier, or request its refund when the dossier
    cannot take it (ended, an amount not fixed yet, or owing less than the order now: paid meanwhile at
    the counter). The lifecycle decides (``RECORD_PAYMENT``'s status check and its precondition
    ``online_payment_within_owed``): its refusal comes before its first write and leaves this
    transaction usable, so the order is then kept paid and its refund requested.

    performance: the order's update and the log row join the transition's writes (``joined``: one
    round trip with the payment, the outbox row, the audit append and the COMMIT); the transition reads
    what is owed with its lock (no read of it here)."""
    late = order.status != OrderStatus.PENDING
    order.status = OrderStatus.PAID
    order.response_code = outcome.response_code[:4]
    order.transaction_no, order.bank_code = outcome.transaction_no, outcome.bank_code
    order.paid_at = outcome.paid_at or at
    order.settled_at, order.settled_by = at, source
    order.applied = True
    fields = [*_SETTLED_FIELDS, "transaction_no", "bank_code", "paid_at", "applied"]
    handled = Handled(RspCode.CONFIRMED, "paid_late" if late else "paid", order)
    log = record(handled)
    # concurrency: the order and its dossier were locked together (``_settle``), before the executor
    # locks the dossier again: a counter payment recorded meanwhile waits, so the amount owed holds
    try:
        dossier_services.dossier_record_payment(
            dossier=order.dossier,
            actor=None,  # the applicant through the gateway: the table's entry for online_gateway
            at=at,
            amount=order.amount,
            channel=PaymentChannel.ONLINE_GATEWAY,
            receipt_number=order.txn_ref,
            joined=(Joined(order, fields), Joined(log)),
        )
        return handled
    except DossierError as exc:
        note = (
            "Hồ sơ đã kết thúc, không nhận thêm khoản nộp."
            if exc.code == DossierErrorCode.INVALID_TRANSITION
            else exc.message
        )
    order.applied = False
    order.save(update_fields=fields)
    handled = Handled(RspCode.CONFIRMED, "paid_refund_requested", order, note)
    log.outcome, log.detail = handled.outcome, handled.detail[:500]
    log.save()
    refund_request(order=order, reason=RefundReason.NOT_APPLICABLE, note=handled.detail, at=at)
    return handled


# --- expiry and reconciliation ----------------------------------------------------------------------


@dataclass
class ExpiryResult:
    expired: int = 0
    paid: int = 0
    unchecked: list[str] = field(default_factory=list)  # the gateway could not be asked: left pending


def orders_expire(*, at: datetime, gw: PaymentGateway | None = None) -> ExpiryResult:
    """Close the pending orders past their expiry (plus ``CCHC_PAYMENTS["expiry_grace_minutes"]``).

    The gateway is asked first (transaction query): an order it reports paid is settled as its IPN
    would have (the IPN was lost); otherwise the order expires and the dossier stays payable. When the
    gateway cannot be asked the order stays pending for the next run.
    idempotency: each order is settled under its row lock; a run after another finds nothing to do.
    """
    gw = gw or gateway()
    grace = timedelta(minutes=int(_config()["expiry_grace_minutes"]))
    result = ExpiryResult()
    due = PaymentOrder.objects.filter(status=OrderStatus.PENDING, expires_at__lte=at - grace, gateway=gw.name)
    for order in list(due.order_by("expires_at", "id")):
        try:
            answer = gw.query(txn_ref=order.txn_ref, order_info=order.order_info, created_at=order.created_at, at=at)
        except GatewayError:
            result.unchecked.append(order.txn_ref)
            continue
        with transaction.atomic():
            if answer.success:
                handled = _settle(
                    answer, source=CallbackSource.QUERY, gateway_name=gw.name, at=at, record=_query_log(answer, at)
                )
                result.paid += handled.code == RspCode.CONFIRMED
                continue
            locked = PaymentOrder.objects.select_for_update().get(pk=order.pk)
            if locked.status != OrderStatus.PENDING:
                continue
            locked.status, locked.settled_at, locked.settled_by = OrderStatus.EXPIRED, at, CallbackSource.QUERY
            locked.response_code = answer.response_code[:4] if answer.found else ""
            locked.save(update_fields=["status", "settled_at", "settled_by", "response_code"])
            result.expired += 1
    return result


def _query_log(answer: Outcome, at: datetime) -> Record:
    """The log writer of a transaction query's answer (what it carried, as an IPN's parameters)."""
    params = _outcome_params(answer)

    def record(handled: Handled) -> CallbackLog:
        return _log_row(source=CallbackSource.QUERY, params=params, handled=handled, remote_addr="", at=at)

    return record


def _outcome_params(outcome: Outcome) -> dict[str, str]:
    return {
        "vnp_TxnRef": outcome.txn_ref,
        "vnp_ResponseCode": outcome.response_code,
        "vnp_TransactionStatus": outcome.transaction_status,
        "vnp_Amount": str(outcome.amount) if outcome.amount is not None else "",
        "vnp_TransactionNo": outcome.transaction_no,
    }


def reconcile(*, day: date, at: datetime, gw: PaymentGateway | None = None) -> Reconciliation:
    """The daily reconciliation (đối soát): every order created on ``day`` (Vietnam time) against the
    gateway's transaction query; the differences are listed (``Reconciliation.mismatches``), nothing
    is changed (a person decides: the expiry settles lost IPNs, staff look at the rest).

    Kinds: ``gateway_paid_local_not`` (the gateway took money we did not record), ``local_paid_gateway_not``
    (we recorded a payment the gateway does not report), ``amount``, ``refund`` (refunded on one side
    only), ``query_failed`` (the gateway could not be asked).
    """
    gw = gw or gateway()
    start = datetime.combine(day, time.min, tzinfo=vnpay_protocol.VN)
    orders = PaymentOrder.objects.filter(
        gateway=gw.name, created_at__gte=start, created_at__lt=start + timedelta(days=1)
    ).select_related("refund")
    mismatches: list[dict[str, Any]] = []
    checked = 0
    for order in orders.order_by("created_at", "id"):
        checked += 1
        local = {"status": order.status, "amount": str(order.amount)}
        try:
            answer = gw.query(txn_ref=order.txn_ref, order_info=order.order_info, created_at=order.created_at, at=at)
        except GatewayError as exc:
            mismatches.append(
                {"txn_ref": order.txn_ref, "kind": MismatchKind.QUERY_FAILED, "local": local, "gateway": exc.message}
            )
            continue
        remote = {"found": answer.found, "status": answer.transaction_status, "amount": str(answer.amount)}
        took = answer.found and (answer.success or answer.refunded)
        refund_done = _refund_done(order)
        kind: str | None = None
        if took and order.status != OrderStatus.PAID:
            kind = MismatchKind.GATEWAY_PAID_LOCAL_NOT
        elif order.status == OrderStatus.PAID and not took:
            kind = MismatchKind.LOCAL_PAID_GATEWAY_NOT
        elif took and answer.amount != order.amount:
            kind = MismatchKind.AMOUNT
        elif took and answer.refunded != refund_done:
            kind = MismatchKind.REFUND
        if kind is not None:
            mismatches.append({"txn_ref": order.txn_ref, "kind": str(kind), "local": local, "gateway": remote})
    return Reconciliation.objects.create(day=day, ran_at=at, checked=checked, mismatches=mismatches)


def _refund_done(order: PaymentOrder) -> bool:
    try:
        return order.refund.status == RefundStatus.DONE
    except Refund.DoesNotExist:
        return False


# --- refunds ----------------------------------------------------------------------------------------


def refund_request(*, order: PaymentOrder, reason: RefundReason, note: str, at: datetime) -> Refund:
    """Record that ``order``'s money goes back to the payer and queue its sending (the outbox topic
    ``payments.refund_requested``, delivered by :func:`refunds_handle_event`). One refund per order
    (idempotency: a second request returns the first). Audit: ``payments.refund_requested``."""
    existing = Refund.objects.filter(order=order).first()
    if existing is not None:
        return existing
    refund = Refund.objects.create(order=order, amount=order.amount, reason=reason, note=note[:500], requested_at=at)
    outbox_emit(topic=REFUND_TOPIC, stream=f"payment:{order.pk}", payload={"refund_id": refund.pk}, occurred_at=at)
    audit_record(
        actor=None,
        action="payments.refund_requested",
        target=refund,
        before=None,
        after={"txn_ref": order.txn_ref, "amount": str(refund.amount), "reason": reason.value, "note": note},
        at=at,
    )
    return refund


def refund_send(*, refund: Refund, at: datetime, gw: PaymentGateway | None = None) -> Refund:
    """Ask the gateway to return the money. Sent while requested only (idempotency: a refund done or
    refused is left alone; the simulator and VNPay answer a second request for the same transaction without paying
    twice). A refusal in the protocol marks it failed (staff follow up); the gateway unreachable raises
    ``GatewayError`` (the outbox retries later). Audit: ``payments.refund_done`` / ``payments.refund_failed``."""
    refund = Refund.objects.select_for_update().select_related("order").get(pk=refund.pk)
    if refund.status != RefundStatus.REQUESTED:  # done, or refused (staff decide what next)
        return refund
    order = refund.order
    gw = gw or gateway(order.gateway)
    refund.attempts += 1
    try:
        answer = gw.refund(
            txn_ref=order.txn_ref,
            amount=refund.amount,
            transaction_no=order.transaction_no,
            created_at=order.created_at,
            order_info=_ascii(f"Hoan tien {order.order_info}")[:255],
            by="cchc",
            at=at,
        )
    except GatewayError as exc:
        if exc.retryable:
            Refund.objects.filter(pk=refund.pk).update(attempts=refund.attempts)
            raise
        refund.status, refund.gateway_message = RefundStatus.FAILED, exc.message[:255]
    else:
        refund.response_code, refund.gateway_message = answer.response_code[:4], answer.message
        refund.status = RefundStatus.DONE if answer.done else RefundStatus.FAILED
    if refund.status == RefundStatus.DONE:
        refund.completed_at = at
    refund.save()
    if refund.status == RefundStatus.DONE:
        _refund_done_emit(refund, order, at)
    audit_record(
        actor=None,
        action=f"payments.refund_{refund.status}",
        target=refund,
        before=None,
        after={"txn_ref": order.txn_ref, "code": refund.response_code, "message": refund.gateway_message},
        at=at,
    )
    return refund


def _refund_done_emit(refund: Refund, order: PaymentOrder, at: datetime) -> None:
    """The outbox event ``payments.refund_done`` (in the refund's transaction): the subscriber ``receipts``
    cancels the receipt of the payment the order recorded (``receipts.services.receipt_cancel``)."""
    reason = f"Đã hoàn trả {vi_number(refund.amount, 0)} đồng cho người nộp: {RefundReason(refund.reason).label}"
    if refund.note:
        reason += f" ({refund.note})"
    outbox_emit(
        topic=REFUND_DONE_TOPIC,
        stream=f"payment:{order.pk}",
        payload={
            "dossier_id": order.dossier_id,
            "at": at.isoformat(),
            "details": {
                "refund_id": refund.pk,
                "payment_reference": order.txn_ref,
                "amount": str(refund.amount),
                "reason": reason[:500],
            },
        },
        occurred_at=at,
    )


def refunds_for_dossier(*, dossier_id: int, at: datetime, note: str) -> list[Refund]:
    """Refund every online payment of a dossier refused or stopped after it was paid."""
    orders = PaymentOrder.objects.filter(dossier_id=dossier_id, status=OrderStatus.PAID, applied=True)
    return [
        refund_request(order=order, reason=RefundReason.DOSSIER_ENDED, note=note, at=at)
        for order in orders.select_for_update().order_by("id")
    ]


def refunds_handle_event(event: OutboxEvent) -> None:
    """The outbox subscriber ``payments-refunds``: a dossier refused or stopped → request the refund of
    its online payments (each request is an event of its own); a refund requested → send it.
    idempotency: one refund per order, and a refund done is not sent again, so a second delivery
    changes nothing."""
    at = timezone.now()
    payload = event.payload or {}
    if event.topic in REFUND_DOSSIER_TOPICS:
        reason = str((payload.get("details") or {}).get("reason") or "")
        refunds_for_dossier(dossier_id=int(payload["dossier_id"]), at=at, note=reason)  # each sent by its event
        return
    refund = Refund.objects.filter(pk=int(payload.get("refund_id") or 0)).first()
    if refund is not None:
        refund_send(refund=refund, at=at)


def pending_refunds_send(*, at: datetime) -> Iterable[Refund]:
    """Send again the refunds still requested (``cchc payments refunds``)."""
    sent = []
    for refund in Refund.objects.filter(status=RefundStatus.REQUESTED).order_by("id"):
        with transaction.atomic():
            try:
                sent.append(refund_send(refund=refund, at=at))
            except GatewayError:
                continue
    return sent
