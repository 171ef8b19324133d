"""The outbox's dispatcher: fan-out of committed events to deliveries, then delivery to the subscribers.

One round (:func:`dispatch_once`):

1. **Fan-out.** Committed events with ``fanned_out = false`` are claimed in id order (``SELECT … FOR
   UPDATE SKIP LOCKED``, a batch), a :class:`~cchc.outbox.models.Delivery` is created for each
   subscriber that wants the topic, and the events are marked fanned out, in one transaction. The
   flag, not a high-water mark, says what is done, so an event committed after a later id (two
   transactions racing) is never skipped. # concurrency: one dispatcher fans out at a time (a
   transaction-level advisory lock on PostgreSQL; the others skip this step for the round), so the
   events of one stream get their deliveries in id order — a stream's events are written by
   transactions that serialise on the stream's row (the dossier's lock), so their ids follow commit
   order.
2. **Delivery**, per subscriber, one transaction per batch: the ready deliveries (pending, due) that
   head their stream — no earlier delivery of the same stream to the same subscriber is pending,
   retrying or dead — are claimed in event order with ``FOR UPDATE SKIP LOCKED`` (several dispatchers
   share the work; a stream whose head another dispatcher holds is skipped whole, so a stream's events
   are never delivered out of order), the handler is called for each (in a savepoint, under a time
   limit), and the outcomes are written in one statement before the commit.

A failure (an exception, ``ConnectionError`` from a partner that is down, the time limit) is retried
after an exponential backoff with jitter (``CCHC_OUTBOX_BACKOFF_BASE_S`` doubled per attempt up to
``CCHC_OUTBOX_BACKOFF_CAP_S``, each delay drawn between its half and itself); after
``CCHC_OUTBOX_MAX_ATTEMPTS`` the delivery is dead. A dead delivery holds back the later events of its
stream for its subscriber (the order guarantee is kept) until it is replayed or discarded
(``cchc.outbox.services``). Other subscribers and other streams go on.

Guarantees: at least once (a dispatcher killed mid-batch leaves its batch's deliveries pending: they
are delivered again; a handler's own database writes are in the batch's transaction and roll back with
it), in order per stream and subscriber. The dispatcher never locks a row a transition writes: it
reads committed events and updates only the outbox's rows; a transition only inserts events.
"""

from __future__ import annotations

import logging
import random
import signal
import threading
import time
import traceback
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import FrameType
from typing import Any

from django.db import Error, connection, connections, transaction
from django.utils import timezone

from cchc.outbox import constants as conf
from cchc.outbox.models import Delivery, DeliveryStatus, DispatchMinute, OutboxEvent, idempotency_key
from cchc.outbox.registry import Subscriber, subscribers

logger = logging.getLogger(__name__)

FAN_OUT_LOCK = 0x0C0C_0B0C  # pg advisory lock key: one fan-out at a time

EVENT_TABLE = OutboxEvent._meta.db_table
DELIVERY_TABLE = Delivery._meta.db_table
MINUTE_TABLE = DispatchMinute._meta.db_table


class HandlerTimeout(BaseException):
    """A handler ran past ``CCHC_OUTBOX_HANDLER_TIMEOUT_S``. A ``BaseException`` so that a handler's
    ``except Exception`` does not swallow it."""


@dataclass
class DispatchResult:
    """What a round (or a drain) did."""

    fanned_out: int = 0
    delivered: int = 0
    failed: int = 0  # attempts that failed (each retried later or dead)
    dead: int = 0  # of which became dead

    @property
    def busy(self) -> bool:
        return bool(self.fanned_out or self.delivered or self.failed)

    def add(self, other: DispatchResult) -> None:
        self.fanned_out += other.fanned_out
        self.delivered += other.delivered
        self.failed += other.failed
        self.dead += other.dead


def backoff_delay(attempts: int, *, rng: random.Random | None = None) -> float:
    """Seconds to wait after the ``attempts``-th failed attempt: base·2^(attempts-1) capped, with "equal
    jitter" (a value between half of it and it), so that failing deliveries do not retry in step and the
    delay never shrinks from one attempt to the next."""
    ceiling = min(conf.backoff_cap_s(), conf.backoff_base_s() * (2 ** max(0, attempts - 1)))
    return ceiling / 2 + (rng or random).uniform(0, ceiling / 2)


# --- the time limit of a handler call ------------------------------------------------------------------


def _can_alarm() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def _alarm_installed() -> Iterator[None]:
    """SIGALRM raises :class:`HandlerTimeout` while the block runs (installed once per batch)."""

    def on_alarm(signum: int, frame: FrameType | None) -> None:
        raise HandlerTimeout()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _call_limited(function: Any, argument: Any, seconds: float, alarm: bool) -> Any:
    """``function(argument)``, interrupted after ``seconds``.

    In the main thread (the dispatch command, the tests) a real-time timer interrupts the call itself:
    a blocking socket read or a sleep is cut short by the signal. Elsewhere (a task worker's thread) the
    call runs in a watchdog thread that is abandoned when the limit passes (it has its own database
    connection there: its writes are not in the batch's transaction).
    """
    if seconds <= 0:
        return function(argument)
    if alarm:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            return function(argument)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = function(argument)
        except BaseException as exc:  # reported to the dispatcher's thread
            outcome["error"] = exc
        finally:
            connections.close_all()  # this thread's connections only

    worker = threading.Thread(target=run, name="outbox-handler", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise HandlerTimeout()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, HandlerTimeout):
        return f"Quá thời gian xử lý ({conf.handler_timeout_s():g} giây): bên nhận không trả lời."
    if isinstance(exc, ConnectionError):
        text = f"Bên nhận không kết nối được: {type(exc).__name__}: {exc}"
    else:
        text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return text[: conf.LAST_ERROR_MAX]


# --- fan-out ---------------------------------------------------------------------------------------------


def fan_out(*, batch: int | None = None, at: datetime | None = None) -> int:
    """Create the deliveries of up to ``batch`` committed events not fanned out yet; their count."""
    size = batch or conf.batch_size()
    at = at or timezone.now()
    postgres = connection.vendor == "postgresql"
    with transaction.atomic():
        with connection.cursor() as cursor:
            if postgres:
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [FAN_OUT_LOCK])
                if not cursor.fetchone()[0]:
                    return 0  # another dispatcher is fanning out
            if postgres:
                return _fan_out_postgres(cursor, size, at)
            cursor.execute(
                f"SELECT id, topic, stream FROM {EVENT_TABLE} WHERE NOT fanned_out ORDER BY id LIMIT %s", [size]
            )
            rows = cursor.fetchall()
        if not rows:
            return 0
        wanted = subscribers()
        deliveries = [
            Delivery(event_id=event_id, subscriber=sub.name, stream=stream, next_attempt_at=at, created_at=at)
            for event_id, topic, stream in rows
            for sub in wanted
            if sub.wants(topic)
        ]
        if deliveries:
            Delivery.objects.bulk_create(deliveries, batch_size=2000, ignore_conflicts=True)
        OutboxEvent.objects.filter(id__in=[row[0] for row in rows]).update(fanned_out=True)
    return len(rows)


def _fan_out_postgres(cursor: Any, size: int, at: datetime) -> int:
    """The fan-out in one statement: claim the events, insert a delivery per (event, interested
    subscriber), mark the events; the number of events."""
    pairs: list[tuple[str, str | None]] = []
    for sub in subscribers():
        if sub.topics is None:
            pairs.append((sub.name, None))  # every topic
        else:
            pairs.extend((sub.name, topic) for topic in sorted(sub.topics))
    cursor.execute(
        f"""
        WITH claimed AS (
            SELECT id, topic, stream FROM {EVENT_TABLE} WHERE NOT fanned_out ORDER BY id LIMIT %s
            FOR UPDATE SKIP LOCKED
        ), inserted AS (
            INSERT INTO {DELIVERY_TABLE} (event_id, subscriber, stream, status, attempts, next_attempt_at, last_error,
                                       created_at, replay_count, discard_reason)
            SELECT DISTINCT c.id, s.name, c.stream, 'pending', 0, %s::timestamptz, '', %s::timestamptz, 0, ''
            FROM claimed c JOIN unnest(%s::text[], %s::text[]) AS s(name, topic)
              ON s.topic IS NULL OR s.topic = c.topic
            ORDER BY c.id
            ON CONFLICT (event_id, subscriber) DO NOTHING
        ), marked AS (
            UPDATE {EVENT_TABLE} SET fanned_out = true WHERE id = ANY(ARRAY(SELECT id FROM claimed)) RETURNING 1
        )
        SELECT count(*) FROM marked
        """,
        [size, at, at, [p[0] for p in pairs], [p[1] for p in pairs]],
    )
    return int(cursor.fetchone()[0])


# --- delivery --------------------------------------------------------------------------------------------

# "d heads its stream": the first undelivered (pending or dead) delivery of its stream to its subscriber.
# performance: a scalar subquery (one index probe of outbox_delivery_held per candidate), not NOT EXISTS:
# on a table whose statistics still say "empty" the planner turned the anti-join into a scan of every
# pending row per candidate (1.8 s per batch of 500 at 10,000 pending).
_CLAIM = f"""
SELECT d.id, d.event_id, d.attempts FROM {DELIVERY_TABLE} d
WHERE d.subscriber = %s AND d.status = 'pending' AND d.next_attempt_at <= %s
  AND d.event_id = (
    SELECT e.event_id FROM {DELIVERY_TABLE} e
    WHERE e.subscriber = d.subscriber AND e.stream = d.stream AND e.status IN ('pending', 'dead')
    ORDER BY e.event_id LIMIT 1
  )
ORDER BY d.event_id LIMIT %s
"""


@dataclass
class _Outcome:
    delivery_id: int
    attempts: int  # after this attempt
    ms: float
    error: str = ""


class _BatchBroken(Exception):
    """The connection cannot go on after a handler was interrupted: the batch is rolled back."""

    def __init__(self, outcome: _Outcome) -> None:
        super().__init__(outcome.error)
        self.outcome = outcome


def deliver_batch(sub: Subscriber, *, at: datetime | None = None, batch: int | None = None) -> DispatchResult:
    """Claim up to ``batch`` ready deliveries of ``sub`` (heads of their streams) and deliver them, in one
    transaction; what happened."""
    at = at or timezone.now()
    size = batch or conf.batch_size()
    try:
        with transaction.atomic():
            return _deliver_claimed(sub, at, size)
    except _BatchBroken as broken:
        # the batch rolled back (its deliveries are pending again); the interrupted one counts a failure
        connection.close_if_unusable_or_obsolete()
        with transaction.atomic():
            return _write_outcomes(sub, [broken.outcome], at)


def _deliver_claimed(sub: Subscriber, at: datetime, size: int) -> DispatchResult:
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute(_CLAIM + (" FOR UPDATE OF d SKIP LOCKED" if postgres else ""), [sub.name, _db_time(at), size])
        claimed = cursor.fetchall()
    if not claimed:
        return DispatchResult()
    events = OutboxEvent.objects.in_bulk([row[1] for row in claimed])
    timeout = conf.handler_timeout_s()
    alarm = _can_alarm() and timeout > 0
    outcomes: list[_Outcome] = []
    with _alarm_installed() if alarm else _nothing():
        if sub.batch:
            outcomes = _call_batch(sub, claimed, events, timeout, alarm)
        else:
            for delivery_id, event_id, attempts in claimed:
                event = events[event_id]
                event.idempotency_key = idempotency_key(event_id, sub.name)  # type: ignore[attr-defined]
                event.attempt = attempts + 1  # type: ignore[attr-defined]
                started = time.perf_counter()
                try:
                    with _handler_scope():
                        _call_limited(sub.handle, event, timeout, alarm)
                except BaseException as exc:
                    if isinstance(exc, KeyboardInterrupt | SystemExit):
                        raise
                    outcome = _Outcome(delivery_id, attempts + 1, _ms(started), _error_text(exc))
                    if connection.needs_rollback:  # the savepoint could not be rolled back
                        raise _BatchBroken(outcome) from exc
                    logger.warning("outbox: %s failed on event %s: %s", sub.name, event_id, outcome.error)
                    outcomes.append(outcome)
                else:
                    outcomes.append(_Outcome(delivery_id, attempts + 1, _ms(started)))
    return _write_outcomes(sub, outcomes, at)


class _LazySavepoint:
    """An execute wrapper that opens the handler's savepoint just before its first statement."""

    def __init__(self) -> None:
        self.sid: str | None = None
        self._opening = False

    def __call__(self, execute: Any, sql: Any, params: Any, many: bool, context: Any) -> Any:
        if self.sid is None and not self._opening:
            self._opening = True
            try:
                self.sid = connection.savepoint()
            finally:
                self._opening = False
        return execute(sql, params, many, context)


@contextmanager
def _handler_scope() -> Iterator[None]:
    """A handler's call, in a savepoint when it touches the database (its writes roll back if it fails).

    # performance: the savepoint is opened lazily, before the handler's first statement, so a handler
    # that does not use the database (a partner's HTTP API, a no-op) costs no round trip; two per event
    # (SAVEPOINT, RELEASE) capped the dispatch of a no-op subscriber near 1,000 events/s.
    """
    lazy = _LazySavepoint()
    try:
        with connection.execute_wrapper(lazy):
            yield
    except BaseException:
        _undo(lazy.sid)
        raise
    if connection.needs_rollback:  # the handler swallowed a database error: its transaction is broken
        _undo(lazy.sid)
        raise RuntimeError("bên nhận đã bỏ qua một lỗi cơ sở dữ liệu: các thay đổi của nó được hoàn tác")
    if lazy.sid is not None:
        connection.savepoint_commit(lazy.sid)


def _undo(sid: str | None) -> None:
    if sid is None:
        return  # nothing written through Django's connection
    connection.needs_rollback = False
    try:
        connection.savepoint_rollback(sid)
        connection.savepoint_commit(sid)
    except Error:
        connection.needs_rollback = True  # the batch cannot go on (_BatchBroken)


def _db_time(value: datetime) -> Any:
    """A datetime as a raw statement's parameter (SQLite stores UTC text; PostgreSQL takes it as is)."""
    return connection.ops.adapt_datetimefield_value(value)


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def _call_batch(
    sub: Subscriber, claimed: list[tuple[int, int, int]], events: Mapping[int, OutboxEvent], timeout: float, alarm: bool
) -> list[_Outcome]:
    ordered = []
    for _, event_id, attempts in claimed:
        event = events[event_id]
        event.idempotency_key = idempotency_key(event_id, sub.name)  # type: ignore[attr-defined]
        event.attempt = attempts + 1  # type: ignore[attr-defined]
        ordered.append(event)
    started = time.perf_counter()
    failures: Mapping[int, str] = {}
    try:
        with _handler_scope():
            failures = _call_limited(sub.handle, ordered, timeout, alarm) or {}
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        text = _error_text(exc)
        if connection.needs_rollback:
            raise _BatchBroken(_Outcome(claimed[0][0], claimed[0][2] + 1, _ms(started), text)) from exc
        failures = {event_id: text for _, event_id, _ in claimed}
    ms = _ms(started) / len(claimed)
    return [
        _Outcome(delivery_id, attempts + 1, ms, str(failures.get(event_id, ""))[: conf.LAST_ERROR_MAX])
        for delivery_id, event_id, attempts in claimed
    ]


def _write_outcomes(sub: Subscriber, outcomes: list[_Outcome], at: datetime) -> DispatchResult:
    """The outcomes of a batch in few statements: one for the delivered, one per failure, one upsert of the
    minute's counts."""
    result = DispatchResult()
    done = [o for o in outcomes if not o.error]
    now = timezone.now()
    if done:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"UPDATE {DELIVERY_TABLE} d SET status = 'delivered', attempts = v.attempts, last_attempt_at = %s,"
                    " delivered_at = %s, duration_ms = v.ms, last_error = ''"
                    " FROM unnest(%s::bigint[], %s::int[], %s::float8[]) AS v(id, attempts, ms)"
                    " WHERE d.id = v.id AND d.id = ANY(%s::bigint[])",  # the key index, not a scan of the table
                    [
                        now,
                        now,
                        [o.delivery_id for o in done],
                        [o.attempts for o in done],
                        [o.ms for o in done],
                        [o.delivery_id for o in done],
                    ],
                )
            else:
                cursor.executemany(
                    f"UPDATE {DELIVERY_TABLE} SET status = 'delivered', attempts = %s, last_attempt_at = %s,"
                    " delivered_at = %s, duration_ms = %s, last_error = '' WHERE id = %s",
                    [(o.attempts, _db_time(now), _db_time(now), o.ms, o.delivery_id) for o in done],
                )
        result.delivered = len(done)
    limit = sub.max_attempts or conf.max_attempts()
    for outcome in outcomes:
        if not outcome.error:
            continue
        dead = outcome.attempts >= limit
        Delivery.objects.filter(pk=outcome.delivery_id).update(
            status=DeliveryStatus.DEAD if dead else DeliveryStatus.PENDING,
            attempts=outcome.attempts,
            last_attempt_at=now,
            next_attempt_at=at + timedelta(seconds=backoff_delay(outcome.attempts)),
            last_error=outcome.error,
            duration_ms=outcome.ms,
        )
        result.failed += 1
        result.dead += dead
    if outcomes:
        minute = now.replace(second=0, microsecond=0)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {MINUTE_TABLE} (subscriber, minute, delivered, failed, duration_ms)"
                " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (subscriber, minute) DO UPDATE SET"
                f" delivered = {MINUTE_TABLE}.delivered + excluded.delivered,"
                f" failed = {MINUTE_TABLE}.failed + excluded.failed,"
                f" duration_ms = {MINUTE_TABLE}.duration_ms + excluded.duration_ms",
                [sub.name, _db_time(minute), result.delivered, result.failed, sum(o.ms for o in outcomes)],
            )
    return result


# --- rounds, the drain, the loop ----------------------------------------------------------------------


def dispatch_once(
    *, at: datetime | None = None, batch: int | None = None, only: list[str] | None = None
) -> DispatchResult:
    """One round: a fan-out batch, then a delivery batch per registered subscriber (``only``: those)."""
    result = DispatchResult()
    result.fanned_out = fan_out(batch=batch, at=at)
    for sub in subscribers():
        if only is None or sub.name in only:
            result.add(deliver_batch(sub, at=at, batch=batch))
    return result


def outbox_drain(
    *, at: datetime | None = None, batch: int | None = None, only: list[str] | None = None, max_rounds: int = 100_000
) -> DispatchResult:
    """Deliver everything ready now, synchronously (tests of any app; ``cchc outbox dispatch --once``).

    Rounds until one does nothing: retries not yet due (backoff) stay pending. ``at``: the clock the
    deliveries are due against (a test moves it forward to see the retries).
    """
    total = DispatchResult()
    for _ in range(max_rounds):
        result = dispatch_once(at=at, batch=batch, only=only)
        total.add(result)
        if not result.busy:
            break
    return total


class Stop:
    """Set by SIGTERM / SIGINT: the loop finishes its batch and returns."""

    def __init__(self) -> None:
        self.requested = False

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        self.requested = True


def dispatch_loop(
    *,
    batch: int | None = None,
    idle_sleep: float | None = None,
    stop: Stop | None = None,
    on_round: Any = None,
) -> DispatchResult:
    """Rounds until ``stop`` is requested, sleeping ``idle_sleep`` when nothing was ready. A database
    error (the server restarting) is logged and retried after the pause."""
    pause = conf.idle_sleep_s() if idle_sleep is None else idle_sleep
    stop = stop or Stop()
    total = DispatchResult()
    while not stop.requested:
        try:
            result = dispatch_once(batch=batch)
        except Exception:
            logger.exception("outbox: dispatch round failed; retrying in %s s", pause)
            connections.close_all()
            result = DispatchResult()
        total.add(result)
        if on_round is not None:
            on_round(result)
        if not result.busy:
            deadline = time.monotonic() + pause
            while not stop.requested and time.monotonic() < deadline:
                time.sleep(min(0.1, pause))
    return total
