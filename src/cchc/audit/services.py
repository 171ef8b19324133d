"""Writes of the audit trail: appending a chained event, and verifying the chain.

Rule: every audited write appends exactly one event in the same database transaction as the write
(the house style after Zulip's audit log), so a rolled-back write leaves no event and a committed
write always has one. Basis: the one-stop-shop must keep every step of a dossier traceable
(Nghị định 118/2025/NĐ-CP; issue 3 §3), and a trail that can be silently edited proves nothing,
hence the hash chain.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction

from cchc.audit.canonical import JsonValue, canonical_value
from cchc.audit.constants import CHAIN_LOCK_KEY, GENESIS_HASH, SYSTEM_ACTOR_LABEL
from cchc.audit.middleware import current_request_id
from cchc.audit.models import AuditEvent

_HEAD_SQL = f"SELECT sequence, hash FROM {AuditEvent._meta.db_table} ORDER BY sequence DESC LIMIT 1"


def _lock_chain_head() -> tuple[int, str] | None:
    """Serialise chain appends until the caller's transaction ends and return the chain's head
    (sequence, hash), or None when the chain is empty.

    # concurrency: on PostgreSQL a transaction-scoped advisory lock makes appends take turns, so
    # each reads the committed head; SQLite has a single writer and its write lock does the same.
    # The unique ``sequence`` makes a fork (two events at one position) impossible in any case, and
    # ``audit_verify`` finds an event hung on the wrong predecessor.
    # performance: on PostgreSQL the lock and the head read go in one round trip (two statements in
    # one simple query: under READ COMMITTED each statement takes its own snapshot, so the read runs
    # after the lock is granted and sees every append committed before).
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT pg_advisory_xact_lock(%s); {_HEAD_SQL}", [CHAIN_LOCK_KEY])
            cursor.nextset()
        else:
            cursor.execute(_HEAD_SQL)
        row = cursor.fetchone()
    return (int(row[0]), str(row[1])) if row else None


def audit_chain_head_statements() -> list[tuple[str, list[Any]]]:
    """The statements that take the chain's append lock and read its head, for a caller that sends
    them last in one round trip with its own writes; the last statement's row (or none) goes to
    :func:`audit_record` as ``head``. Same rule as :func:`_lock_chain_head`: once those statements
    have run, the caller's transaction holds the lock until it ends."""
    if connection.vendor == "postgresql":
        return [("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY]), (_HEAD_SQL, [])]
    return [(_HEAD_SQL, [])]


def _normalise(state: dict[str, Any] | None) -> JsonValue:
    if state is None:
        return None
    if not isinstance(state, dict):
        raise TypeError("before/after phải là dict hoặc None.")
    return canonical_value(state)


def audit_record(
    *,
    actor: AbstractBaseUser | None,
    action: str,
    target: models.Model,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    at: datetime,
    request_id: str = "",
    head: tuple[int, str] | None | bool = False,
) -> AuditEvent:
    """Append one event to the chain and return it.

    Call it inside the caller's transaction, as late as convenient: on PostgreSQL the chain lock is
    held until that transaction commits or rolls back. ``action`` is a stable dotted string
    (``dossier.receive``); ``before`` / ``after`` are the target's relevant fields (see
    :func:`audit_snapshot`), stored canonicalised (decimals and datetimes as strings).
    ``request_id`` defaults to the current request's id (``RequestIdMiddleware``). ``head``: the
    chain's head (sequence, hash; ``None`` for an empty chain) when the caller already took the lock
    and read it with :func:`audit_chain_head_statements` in this transaction; by default it is done here.
    Invariants: sequences run 1, 2, 3 ... without gaps; each event's ``prev_hash`` is the hash of
    the event before (``GENESIS_HASH`` for the first).
    """
    if target.pk is None:
        raise ValueError("Đối tượng ghi nhật ký phải đã được lưu (có khóa chính).")
    if not action:
        raise ValueError("Thiếu mã hành động.")
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    event = AuditEvent(
        at=at,
        actor=user,  # type: ignore[misc]  # any user model
        actor_label=(user.get_username() if user is not None else SYSTEM_ACTOR_LABEL)[:150],
        action=action,
        target_type=ContentType.objects.get_for_model(target),
        target_id=str(target.pk),
        target_label=str(target)[:300],
        before=_normalise(before),
        after=_normalise(after),
        request_id=(request_id or current_request_id())[:128],
    )
    # No savepoint inside the caller's transaction (two round trips saved per write): a failure here
    # fails the caller's whole transaction, which is what an audited write needs anyway. Called
    # outside a transaction, this block is the transaction.
    if head is not False and not connection.in_atomic_block:
        raise ValueError("Đầu chuỗi chỉ được truyền vào từ trong giao dịch đã khóa chuỗi.")
    with transaction.atomic(savepoint=False):
        if head is False:
            head = _lock_chain_head()
        assert head is None or isinstance(head, tuple)
        event.sequence, event.prev_hash = (int(head[0]) + 1, str(head[1])) if head else (1, GENESIS_HASH)
        event.hash = event.compute_hash()
        event.save()
    return event


def audit_snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The instance's concrete fields (foreign keys by id, e.g. ``agency_id``) as a dict for
    ``before`` / ``after``; only ``fields`` (field names) when given."""
    wanted = set(fields) if fields is not None else None
    snapshot: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if wanted is not None and field.name not in wanted and field.attname not in wanted:
            continue
        snapshot[field.attname] = getattr(instance, field.attname)
    return snapshot


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of a chain verification: ``count`` events checked up to the first break, if any."""

    ok: bool
    count: int
    broken_sequence: int | None = None
    reason: str = ""


def audit_verify(*, chunk_size: int = 2000) -> VerifyResult:
    """Recompute the whole chain in sequence order and report the first broken event.

    An event is broken when its sequence skips a number (an event was removed), when its
    ``prev_hash`` is not the stored hash of the event before, or when its own fields no longer hash
    to its stored ``hash`` (it was edited). Removing events from the end cannot be seen from the
    events alone; compare the count with an exported head when that matters.
    """
    expected_sequence = 1
    expected_prev = GENESIS_HASH
    count = 0
    for event in AuditEvent.objects.order_by("sequence").iterator(chunk_size=chunk_size):
        if event.sequence != expected_sequence:
            return VerifyResult(False, count, expected_sequence, f"thiếu sự kiện số {expected_sequence}")
        if event.prev_hash != expected_prev:
            return VerifyResult(False, count, event.sequence, "không nối đúng với sự kiện trước (mã băm trước sai)")
        if event.compute_hash() != event.hash:
            return VerifyResult(False, count, event.sequence, "nội dung đã bị thay đổi (mã băm không khớp)")
        expected_prev = event.hash
        expected_sequence += 1
        count += 1
    return VerifyResult(True, count)
