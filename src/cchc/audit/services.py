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

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction

from cchc.audit.canonical import ChainText, JsonValue, canonical_value, chain_text
from cchc.audit.constants import CHAIN_LOCK_KEY, GENESIS_HASH, SYSTEM_ACTOR_LABEL
from cchc.audit.keys import AuditKey, current_key
from cchc.audit.middleware import current_request_id
from cchc.audit.models import AuditAnchor, AuditEvent, UnknownAuditKey

_TABLE = AuditEvent._meta.db_table
_HEAD_SQL = f"SELECT sequence, hash FROM {_TABLE} ORDER BY sequence DESC LIMIT 1"
_FIELDS = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
_COLUMNS = ", ".join(f'"{f.column}"' for f in _FIELDS)
_PLACED = ("sequence", "prev_hash", "hash")  # the event's place in the chain, known under the chain's lock
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
    """The chain's head (sequence, hash), or None when the chain is empty; SQLite only: its single
    writer serialises appends (PostgreSQL: :func:`audit_append_statements`)."""
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
    from the end cannot be seen from the events alone: compare the head with a later anchor.
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
    return VerifyResult(True, count)


@transaction.atomic
def audit_anchor_create(*, at: datetime) -> AuditAnchor | None:
    """Store the chain's head (sequence, hash) at ``at`` as an anchor and return it; None when the chain
    is empty. Not itself an audit event (it records the chain, it does not change any record)."""
    head = AuditEvent.objects.order_by("-sequence").values_list("sequence", "hash").first()
    if head is None:
        return None
    return AuditAnchor.objects.create(sequence=head[0], hash=head[1], at=at)
