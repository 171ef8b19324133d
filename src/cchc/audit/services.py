"""Writes of the audit trail: appending a chained event, inserting one unsealed and sealing it after
its commit (the dossier transitions on PostgreSQL: docs/architecture.md, «The audit chain»), and
verifying the chain.

Rule: every audited write appends exactly one event in the same database transaction as the write
(the house style after Zulip's audit log), so a rolled-back write leaves no event and a committed
write always has one. Basis: the one-stop-shop must keep every step of a dossier traceable
(Nghị định 118/2025/NĐ-CP; issue 3 §3), and a trail that can be silently edited proves nothing,
hence the hash chain.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.utils import timezone

from cchc.audit.canonical import ChainText, JsonValue, canonical_value, chain_text
from cchc.audit.constants import CHAIN_LOCK_KEY, GENESIS_HASH, SEAL_EVERY_S, SYSTEM_ACTOR_LABEL
from cchc.audit.keys import AuditKey, current_key
from cchc.audit.middleware import current_request_id
from cchc.audit.models import AuditAnchor, AuditEvent, UnknownAuditKey

_TABLE = AuditEvent._meta.db_table
# the head is the last *sealed* event (unsealed events have no sequence yet: audit_seal)
_HEAD_SQL = f"SELECT sequence, hash FROM {_TABLE} WHERE sequence IS NOT NULL ORDER BY sequence DESC LIMIT 1"
_FIELDS = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
_COLUMNS = ", ".join(f'"{f.column}"' for f in _FIELDS)
_PLACED = ("sequence", "prev_hash", "hash")  # the event's place in the chain, known under the chain's lock
_UNSEALED_SQL = f'INSERT INTO {_TABLE} ({_COLUMNS}) VALUES ({", ".join(["%s"] * len(_FIELDS))}) RETURNING "id"'
_UNSEALED_ROW = "(CAST(%s AS bigint), CAST(%s AS bigint), CAST(%s AS text), CAST(%s AS text))"
_RETURNING = 'RETURNING "id", "sequence", "prev_hash", "hash"'
_INSERT_SQL = f"INSERT INTO {_TABLE} ({_COLUMNS}) VALUES ({', '.join(['%s'] * len(_FIELDS))}) {_RETURNING}"
# PostgreSQL: the event is placed after the chain's head read in the statement itself (the chain's
# lock is held: see audit_append_statements) and its hash computed by the server from the canonical
# text built here (ChainText): head + previous hash + middle + sequence + tail, as an HMAC-SHA256 under the
# current key from its two padded forms, K xor opad and K xor ipad (cchc.audit.keys; RFC 2104 with core sha256).
_NEXT = "h.sequence + 1"
_PG_VALUES = {
    "sequence": _NEXT,
    "prev_hash": "h.hash",
    "hash": (
        "encode(sha256(CAST(%s AS bytea) || sha256(CAST(%s AS bytea) || "
        "convert_to(CAST(%s AS text) || h.hash || CAST(%s AS text) || "
        f"CAST({_NEXT} AS text) || CAST(%s AS text), 'UTF8'))), 'hex')"
    ),
}
_PG_INSERT_SQL = (
    f"INSERT INTO {_TABLE} ({_COLUMNS}) SELECT "
    + ", ".join(_PG_VALUES.get(f.name, "%s") for f in _FIELDS)
    + f" FROM (SELECT 0 AS sequence, CAST(%s AS text) AS hash UNION ALL ({_HEAD_SQL})"
    + " ORDER BY sequence DESC LIMIT 1) h "
    + _RETURNING
)


def _chain_head() -> tuple[int, str] | None:
    """The chain's head (sequence, hash): its last sealed event, or None when the chain is empty. An append
    reads it under the chain's lock (PostgreSQL: :func:`audit_append_statements`, :func:`audit_seal`) or
    with SQLite's single writer."""
    with connection.cursor() as cursor:
        cursor.execute(_HEAD_SQL)
        row = cursor.fetchone()
    return (int(row[0]), str(row[1])) if row else None


def _normalise(state: dict[str, Any] | None) -> JsonValue:
    if state is None:
        return None
    if not isinstance(state, dict):
        raise TypeError("before/after phải là dict hoặc None.")
    return canonical_value(state)


@dataclass
class PendingEvent:
    """An event built by :func:`audit_event_new`, not yet placed in the chain: its stored fields, and
    the canonical text of everything the hash covers but its place (:class:`ChainText`)."""

    event: AuditEvent
    text: ChainText
    key: AuditKey  # the HMAC key of the event's hash (its id is stored in the event)


def audit_event_new(
    *,
    actor: AbstractBaseUser | None,
    action: str,
    target: models.Model,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    at: datetime,
    request_id: str = "",
) -> PendingEvent:
    """The event :func:`audit_record` appends (same arguments), built and serialised but not yet
    placed: :func:`audit_append_statements` places and stores it."""
    if target.pk is None:
        raise ValueError("Đối tượng ghi nhật ký phải đã được lưu (có khóa chính).")
    if not action:
        raise ValueError("Thiếu mã hành động.")
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    target_type = ContentType.objects.get_for_model(target)
    key = current_key()
    event = AuditEvent(
        at=at,
        actor=user,  # type: ignore[misc]  # any user model
        actor_label=str(user.get_username() if user is not None else SYSTEM_ACTOR_LABEL)[:150],
        action=str(action),
        target_type=target_type,
        target_id=str(target.pk),
        target_label=str(target)[:300],
        before=_normalise(before),
        after=_normalise(after),
        request_id=str(request_id or current_request_id())[:128],
        key_id=key.id,
    )
    # before/after are canonical already (normalised above): only the other fields need it
    payload = {
        key: value if key in ("before", "after") else canonical_value(value)
        for key, value in event.hash_payload().items()
        if key != "sequence"
    }
    return PendingEvent(event, chain_text(payload), key)


def audit_append_statements(pending: PendingEvent) -> list[tuple[str, list[Any]]]:
    """The statements that append ``pending`` to the chain, for a caller that sends them in its own
    transaction, after its writes and in one round trip with them; the last statement's row goes to
    :func:`audit_appended`.

    # concurrency: on PostgreSQL a transaction-scoped advisory lock makes appends take turns, held
    # until the caller's transaction ends; the insert reads the head after the lock is granted (under
    # READ COMMITTED each statement of a simple query takes its own snapshot, so it sees every append
    # committed before) and the server hashes the event's text with the head's hash: one round trip,
    # and the lock is held only from there to the commit. SQLite has a single writer: the caller
    # reads the head and inserts (:func:`audit_record`). The unique ``sequence`` makes a fork (two
    # events at one position) impossible in any case, and ``audit_verify`` finds an event hung on the
    # wrong predecessor.
    """
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor != "postgresql":
        raise NotImplementedError("audit_append_statements: PostgreSQL only; elsewhere use audit_record.")
    event, text = pending.event, pending.text
    values: list[Any] = []
    for field in _FIELDS:
        if field.name == "hash":
            values += [*pending.key.pads(), text.head, text.middle, text.tail]
        elif field.name not in _PLACED:
            values.append(field.get_db_prep_save(getattr(event, field.attname), db))
    values.append(GENESIS_HASH)
    return [("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY]), (_PG_INSERT_SQL, values)]


def audit_appended(pending: PendingEvent, row: tuple[Any, ...] | None) -> AuditEvent:
    """The event of ``pending`` as stored, from the row the last statement of
    :func:`audit_append_statements` returned (id, sequence, previous hash, hash).

    The hash the server computed is checked against the same text hashed here: a difference (a
    server that changed the text on its way, e.g. another encoding) would break the chain, so it
    raises rather than let the caller go on."""
    if row is None:
        raise RuntimeError("Không ghi được sự kiện nhật ký (không có dòng trả về).")
    event = pending.event
    event.pk, event.sequence, event.prev_hash, event.hash = int(row[0]), int(row[1]), str(row[2]), str(row[3])
    if event.hash != pending.text.hash(sequence=event.sequence, prev_hash=event.prev_hash, key=pending.key.secret):
        raise RuntimeError(f"Mã băm sự kiện nhật ký số {event.sequence} do cơ sở dữ liệu tính không khớp.")
    event._state.adding = False
    event._state.db = connection.alias
    return event


def audit_record(
    *,
    actor: AbstractBaseUser | None,
    action: str,
    target: models.Model,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    at: datetime,
    request_id: str = "",
) -> AuditEvent:
    """Append one event to the chain and return it.

    Call it inside the caller's transaction, as late as convenient: on PostgreSQL the chain lock is
    held until that transaction commits or rolls back. ``action`` is a stable dotted string
    (``dossier.receive``); ``before`` / ``after`` are the target's relevant fields (see
    :func:`audit_snapshot`), stored canonicalised (decimals and datetimes as strings).
    ``request_id`` defaults to the current request's id (``RequestIdMiddleware``).
    Invariants: sequences run 1, 2, 3 ... without gaps; each event's ``prev_hash`` is the hash of
    the event before (``GENESIS_HASH`` for the first). A caller that sends its own writes in one
    round trip uses :func:`audit_event_new`, :func:`audit_append_statements` and
    :func:`audit_appended` instead (same event, same chain).
    """
    pending = audit_event_new(
        actor=actor, action=action, target=target, before=before, after=after, at=at, request_id=request_id
    )
    # No savepoint inside the caller's transaction (two round trips saved per write): a failure here
    # fails the caller's whole transaction, which is what an audited write needs anyway. Called
    # outside a transaction, this block is the transaction.
    with transaction.atomic(savepoint=False):
        return audit_append(pending)


def audit_append(pending: PendingEvent) -> AuditEvent:
    """Append ``pending`` (:func:`audit_event_new`) to the chain now, in the caller's transaction: on
    PostgreSQL the statements of :func:`audit_append_statements` one after the other (the dossier
    transitions send them with their writes instead, ``cchc.dossiers.executor``); on SQLite after the
    chain's head, read here (its single writer serialises appends)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for sql, params in audit_append_statements(pending):
                cursor.execute(sql, params)
            return audit_appended(pending, cursor.fetchone())
    head = _chain_head()
    event = pending.event
    event.sequence, event.prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
    event.hash = pending.text.hash(sequence=event.sequence, prev_hash=event.prev_hash, key=pending.key.secret)
    values = [field.get_db_prep_save(getattr(event, field.attname), connection) for field in _FIELDS]
    with connection.cursor() as cursor:
        cursor.execute(_INSERT_SQL, values)
        return audit_appended(pending, cursor.fetchone())


# --- sealing after commit (PostgreSQL's dossier transitions) --------------------------------------------


def audit_unsealed_statements(pending: PendingEvent, *, now: datetime | None = None) -> list[tuple[str, list[Any]]]:
    """The statement that inserts ``pending`` *unsealed* (no place in the chain yet, no lock taken), for a
    caller that sends it with its own writes; its row (the id) goes to :func:`audit_inserted`.

    # performance: an append at the head must hold the chain's lock until its transaction commits, so
    # appends commit one after the other and PostgreSQL cannot group their commits (issue 13 «Speed»:
    # 3 processes did ~20 % more transitions without the append). An unsealed insert takes no lock; the
    # event gets its sequence and hashes from :func:`audit_seal` once its transaction has committed.
    # Everything the hash covers but the place (actor, time, action, target, before/after, request id,
    # key id) is stored now and never changes: sealing only adds the place.
    """
    event = pending.event
    event.sequence, event.prev_hash, event.hash = None, "", ""
    event.pending_since = now or timezone.now()
    db = connections[DEFAULT_DB_ALIAS]
    values = [field.get_db_prep_save(getattr(event, field.attname), db) for field in _FIELDS]
    return [(_UNSEALED_SQL, values)]


def audit_inserted(pending: PendingEvent, row: tuple[Any, ...] | None) -> AuditEvent:
    """The unsealed event of ``pending`` as stored, from the id :func:`audit_unsealed_statements` returned."""
    if row is None:
        raise RuntimeError("Không ghi được sự kiện nhật ký (không có dòng trả về).")
    event = pending.event
    event.pk = int(row[0])
    event._state.adding = False
    event._state.db = connection.alias
    return event


def audit_append_unsealed(pending: PendingEvent) -> AuditEvent:
    """Insert ``pending`` unsealed now, in the caller's transaction (:func:`audit_unsealed_statements`)."""
    with connection.cursor() as cursor:
        for sql, params in audit_unsealed_statements(pending):
            cursor.execute(sql, params)
        return audit_inserted(pending, cursor.fetchone())


class AuditSealError(Exception):
    """A seal that would overwrite an event already sealed (two sealers without the lock: a defect).

    Not a :class:`cchc.common.errors.DomainError`: no user asks for it; the batch is rolled back."""

    code = "audit_seal_conflict"

    def __init__(self) -> None:
        super().__init__("Sự kiện nhật ký đã được niêm phong: không niêm phong lại.")


def audit_seal(*, batch: int = 500) -> int:
    """Seal the committed unsealed events (oldest id first), one short transaction per ``batch``, and
    return how many were sealed.

    Each batch takes the chain's lock, reads the head, gives each event the next sequence, the head's
    hash as ``prev_hash`` and its HMAC (under the key the event names), and stores the three with
    ``WHERE sequence IS NULL``: an event already sealed is never sealed again (the batch is rolled back,
    :class:`AuditSealError`). Only committed events are visible to the batch (READ COMMITTED), so an
    event whose transaction commits later is sealed in a later batch, after events with higher ids: the
    chain's order is the order of sealing. Run by the background loop (``cchc outbox dispatch``, the
    ``dispatch_outbox`` task: ``cchc.common.rounds``), by ``cchc audit seal`` and before an anchor is taken.
    On SQLite nothing is ever unsealed (appends are sealed in their transaction), so this finds nothing.
    """
    total = 0
    while True:
        sealed = _seal_batch(batch)
        total += sealed
        if sealed < batch:
            return total


_last_round = [-SEAL_EVERY_S]  # time.monotonic() of this process's last background seal


def audit_seal_round() -> int:
    """The background loop's chore (``cchc.common.rounds``): :func:`audit_seal`, at most every
    ``SEAL_EVERY_S`` seconds in this process (0 when it is not time yet)."""
    now = time.monotonic()
    if now - _last_round[0] < SEAL_EVERY_S:
        return 0
    _last_round[0] = now
    return audit_seal()


def _seal_batch(size: int) -> int:
    unsealed = AuditEvent.objects.filter(sequence__isnull=True)
    if not unsealed.exists():  # the usual answer, without the chain's lock
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
        events = list(unsealed.order_by("pk")[:size])  # read after the lock: sees every seal committed before
        if not events:
            return 0
        cursor.execute(_HEAD_SQL)
        head = cursor.fetchone()
        sequence, prev_hash = (int(head[0]), str(head[1])) if head else (0, GENESIS_HASH)
        values: list[Any] = []
        for event in events:
            sequence += 1
            event.sequence, event.prev_hash = sequence, prev_hash
            event.hash = prev_hash = event.compute_hash()  # UnknownAuditKey: the batch waits for its key
            values += [event.pk, event.sequence, event.prev_hash, event.hash]
        cursor.execute(
            # VALUES names its columns column1..column4 on both databases (SQLite takes no column aliases here)
            f"UPDATE {_TABLE} SET sequence = v.column2, prev_hash = v.column3, hash = v.column4, pending_since = NULL "
            f"FROM (VALUES {', '.join([_UNSEALED_ROW] * len(events))}) AS v "
            f"WHERE {_TABLE}.id = v.column1 AND {_TABLE}.sequence IS NULL",
            values,
        )
        if cursor.rowcount != len(events):
            raise AuditSealError()
    return len(events)


@dataclass(frozen=True)
class Unsealed:
    """The events not sealed yet: how many, and the age in seconds of the oldest (0 when none)."""

    count: int
    oldest_s: float
    limit_s: float

    @property
    def late(self) -> bool:
        """An unsealed event older than ``CCHC_AUDIT_SEAL_MAX_AGE_S``: the sealer is not running."""
        return self.oldest_s > self.limit_s


def audit_unsealed(*, now: datetime | None = None) -> Unsealed:
    """How many events wait for :func:`audit_seal`, and since when (for ``cchc audit verify`` and /readyz)."""
    row = AuditEvent.objects.filter(sequence__isnull=True).aggregate(
        n=models.Count("pk"), at=models.Min("pending_since")
    )
    oldest = row["at"]
    age = max(0.0, ((now or timezone.now()) - oldest).total_seconds()) if oldest is not None else 0.0
    return Unsealed(int(row["n"]), round(age, 1), float(getattr(settings, "CCHC_AUDIT_SEAL_MAX_AGE_S", 60)))


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
    unsealed: Unsealed | None = None  # events not sealed yet: not part of the chain verified, reported apart


def _anchor_text(text: str) -> tuple[int, str]:
    sequence, sep, digest = text.strip().partition(":")
    if not sep or not sequence.isascii() or not sequence.isdigit() or len(digest) != 64:
        raise ValueError("Mốc phải viết «SỐ:MÃ_BĂM» (mã băm 64 ký tự), như lệnh cchc audit anchor in ra.")
    return int(sequence), digest.lower()


def audit_verify(
    *, chunk_size: int = 2000, since: tuple[int, str] | str | None = None, since_anchor: bool = False
) -> VerifyResult:
    """Recompute the chain in sequence order and report the first broken event.

    An event is broken when its sequence skips a number (an event was removed), when its
    ``prev_hash`` is not the stored hash of the event before, when its own fields no longer hash
    to its stored ``hash`` under the key it names (it was edited, or rewritten without the key), when it
    names a key that is not configured, or when it is unkeyed past ``CCHC_AUDIT_UNKEYED_UNTIL``. The
    anchors stored by :func:`audit_anchor_create` must still match the chain.

    ``since``: an anchor (``(sequence, hash)`` or the text ``"SEQ:HASH"`` that ``cchc audit anchor``
    printed, e.g. kept outside the database): the event at that place must still have that hash, and
    the chain is verified from there. ``since_anchor``: from the latest stored anchor. Removing events
    from the end cannot be seen from the events alone: compare the head with a later anchor. Events not
    sealed yet (:func:`audit_seal`) are not in the chain: the result counts them apart (``unsealed``).
    """
    if isinstance(since, str):
        since = _anchor_text(since)
    if since is None and since_anchor:
        latest = AuditAnchor.objects.order_by("-sequence", "-at").first()
        since = (latest.sequence, latest.hash) if latest is not None else None
    anchors = dict(AuditAnchor.objects.values_list("sequence", "hash"))
    expected_sequence, expected_prev = 1, GENESIS_HASH
    if since is not None:
        at_anchor = AuditEvent.objects.filter(sequence=since[0]).values_list("hash", flat=True).first()
        if at_anchor != since[1]:
            return VerifyResult(False, 0, since[0], "sự kiện tại mốc không còn mã băm của mốc (chuỗi đã bị ghi lại)")
        expected_sequence, expected_prev = since[0] + 1, since[1]
    unkeyed_until = int(getattr(settings, "CCHC_AUDIT_UNKEYED_UNTIL", 0))
    count = 0
    events = AuditEvent.objects.filter(sequence__gte=expected_sequence).order_by("sequence")
    for event in events.iterator(chunk_size=chunk_size):
        if event.sequence != expected_sequence:
            return VerifyResult(False, count, expected_sequence, f"thiếu sự kiện số {expected_sequence}")
        if event.prev_hash != expected_prev:
            return VerifyResult(False, count, event.sequence, "không nối đúng với sự kiện trước (mã băm trước sai)")
        if not event.key_id and event.sequence > unkeyed_until:
            return VerifyResult(
                False,
                count,
                event.sequence,
                "sự kiện không có khóa HMAC (chỉ chấp nhận đến số CCHC_AUDIT_UNKEYED_UNTIL, "
                "các sự kiện ghi trước khi chuỗi có khóa)",
            )
        try:
            computed = event.compute_hash()
        except UnknownAuditKey as error:
            return VerifyResult(False, count, event.sequence, str(error))
        if computed != event.hash:
            return VerifyResult(False, count, event.sequence, "nội dung đã bị thay đổi (mã băm không khớp)")
        if anchors.get(event.sequence, event.hash) != event.hash:
            return VerifyResult(False, count, event.sequence, "không khớp mốc nhật ký đã lưu")
        expected_prev = event.hash
        expected_sequence += 1
        count += 1
    return VerifyResult(True, count, unsealed=audit_unsealed())


def audit_anchor_create(*, at: datetime) -> AuditAnchor | None:
    """Seal what is committed (:func:`audit_seal`), then store the chain's head (sequence, hash) at ``at``
    as an anchor and return it; None when the chain is empty. Not itself an audit event (it records the
    chain, it does not change any record)."""
    audit_seal()
    with transaction.atomic():
        head = audit_chain_head()
        if head is None:
            return None
        return AuditAnchor.objects.create(sequence=head[0], hash=head[1], at=at)


def audit_chain_head() -> tuple[int, str] | None:
    """The last sealed event's (sequence, hash), or None when nothing is sealed yet."""
    return _chain_head()
