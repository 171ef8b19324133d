"""Reads from a PostgreSQL streaming replica, where a view says so (issue 17 item 3; docs/deploy.md).

With ``DATABASE_REPLICA_URL`` set, settings add the database alias ``replica`` and the router
:class:`cchc.common.dbrouter.ReplicaRouter`. Nothing goes to the replica by default: a view or a block of
code opts in with :func:`replica_reads` (a context manager) or :func:`replica_view` (a decorator for GET
views). The dashboards, the drill-downs, the exports and the reports do — heavy aggregate reads that may be
a few seconds behind; everything else reads and writes the primary.

Why explicit and not by model: the same tables (dossiers, procedures, agencies) are read by a dashboard,
where a few seconds' lag is harmless, and by an officer's queue or a transition, where a stale read would
show a dossier in a state it has left or let a check pass on old data. A router guessing by model cannot
tell those apart; the view that knows what it shows can. And an opt-in that is forgotten costs load on the
primary, never a wrong answer.

Inside :func:`replica_reads` the primary is still used when

- no replica is configured (development, SQLite, a single-machine deployment);
- the replica's lag is above ``CCHC_REPLICA_MAX_LAG_SECONDS`` (default 30), or it cannot be reached — the
  page then says so (``request.cchc_replica.note``, in the footer) and the figures are the primary's;
- the request has written anything (any ORM write through the router since the request began), or a
  transaction is open on the primary: those reads must see their own writes;
- the model is one that must always be current: sessions, accounts and permissions, lockouts, the audit
  chain, the outbox and the background tasks (``PRIMARY_ONLY_APPS``).

The lag is measured once per block: the primary's WAL position (``pg_current_wal_lsn``), then on the replica
zero when it has replayed up to that position, else the age of the last transaction it replayed
(``pg_last_xact_replay_timestamp``) — two short queries, no cache. A standby cut off from the primary thus
shows its lag as soon as the primary writes. Right after a write that follows a long idle spell, a healthy
standby that has not replayed it yet (milliseconds) reads as far behind for that one block: the page then
reads the primary, which is never a wrong answer.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import HttpRequest

from cchc.common.numbers import vi_number

logger = logging.getLogger(__name__)

REPLICA_ALIAS = "replica"
PRIMARY_ALIAS = "default"

# Apps whose rows are read where they must be current, whatever the block says: sessions (a login just
# made), accounts and permissions, lockouts, the audit chain (its head is read to append), the outbox and
# the background tasks (claimed rows).
PRIMARY_ONLY_APPS = frozenset(
    {"sessions", "auth", "contenttypes", "admin", "accounts", "axes", "audit", "outbox", "django_tasks_database"}
)

# Seconds behind the primary, given the primary's WAL position read just before (%s): 0 when the standby has
# replayed up to it (an idle primary writes nothing, so the last replayed transaction's age is not a lag
# then); otherwise the age of the last replayed transaction. Comparing with what the standby *received*
# instead would read 0 for a standby cut off from the primary (it has replayed all it received, and receives
# nothing more). Not a standby (misconfigured: the URL is a primary) → 0.
LAG_SQL = (
    "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0"
    " WHEN pg_last_wal_replay_lsn() >= %s::pg_lsn THEN 0"
    " ELSE COALESCE(EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp()), 1e9) END"
)
PRIMARY_LSN_SQL = "SELECT pg_current_wal_lsn()::text"


@dataclass(frozen=True)
class ReplicaStatus:
    """What one :func:`replica_reads` block decided: ``alias`` read, the lag measured (None: unreachable)."""

    alias: str
    lag: float | None
    bound: float
    reason: str  # "replica", "lagging", "unreachable", "wrote", "transaction"

    @property
    def on_replica(self) -> bool:
        return self.alias == REPLICA_ALIAS

    @property
    def note(self) -> str:
        """The footer's sentence (Vietnamese); empty when there is nothing to say."""
        bound = vi_number(self.bound, trim=True)
        if self.reason == "replica":
            lag = vi_number(self.lag or 0, 1, trim=True)
            return f"Số liệu đọc từ máy chủ bản sao, trễ {lag} giây so với máy chủ chính (giới hạn {bound} giây)."
        if self.reason == "lagging":
            lag = vi_number(self.lag or 0, 1, trim=True)
            return (
                f"Máy chủ bản sao đang trễ {lag} giây, quá giới hạn {bound} giây: "
                "số liệu trang này đọc từ máy chủ chính."
            )
        if self.reason == "unreachable":
            return "Không kết nối được máy chủ bản sao: số liệu trang này đọc từ máy chủ chính."
        return ""


_reading: contextvars.ContextVar[str | None] = contextvars.ContextVar("cchc_replica_reading", default=None)
_wrote: contextvars.ContextVar[bool] = contextvars.ContextVar("cchc_replica_wrote", default=False)


def replica_configured() -> bool:
    return REPLICA_ALIAS in settings.DATABASES


def max_lag() -> float:
    return float(getattr(settings, "CCHC_REPLICA_MAX_LAG_SECONDS", 30))


def replica_lag() -> float | None:
    """Seconds the replica is behind the primary, or None when it cannot be reached (or none is configured)."""
    if not replica_configured():
        return None
    with connections[PRIMARY_ALIAS].cursor() as cursor:
        cursor.execute(PRIMARY_LSN_SQL)
        (written,) = cursor.fetchone()
    conn = connections[REPLICA_ALIAS]
    try:
        with conn.cursor() as cursor:
            cursor.execute(LAG_SQL, [written])
            row = cursor.fetchone()
    except DatabaseError as error:
        logger.warning("replica unreachable: %s", error)
        with contextlib.suppress(DatabaseError):
            conn.close()  # a fresh connection next time (the server may be back)
        return None
    return max(0.0, float(row[0])) if row else None


def reading_alias() -> str | None:
    """The alias reads go to in the current block (None outside a block: the router's default)."""
    return _reading.get()


def note_write() -> None:
    """The router saw a write: the rest of this request (or thread's work) reads the primary."""
    _wrote.set(True)
    if _reading.get() == REPLICA_ALIAS:
        _reading.set(PRIMARY_ALIAS)


def request_started(**_: Any) -> None:
    """A new request has written nothing yet (connected to ``request_started`` in CommonConfig.ready)."""
    _wrote.set(False)
    _reading.set(None)


def _decide() -> ReplicaStatus:
    bound = max_lag()
    if _wrote.get():
        return ReplicaStatus(PRIMARY_ALIAS, None, bound, "wrote")
    if connections[PRIMARY_ALIAS].in_atomic_block:
        return ReplicaStatus(PRIMARY_ALIAS, None, bound, "transaction")
    lag = replica_lag()
    if lag is None:
        return ReplicaStatus(PRIMARY_ALIAS, None, bound, "unreachable")
    if lag > bound:
        return ReplicaStatus(PRIMARY_ALIAS, lag, bound, "lagging")
    return ReplicaStatus(REPLICA_ALIAS, lag, bound, "replica")


@contextlib.contextmanager
def replica_reads() -> Iterator[ReplicaStatus | None]:
    """Reads inside go to the replica when one is configured, fresh enough and this request has not
    written; yields the decision (None: no replica configured)."""
    if not replica_configured():
        yield None
        return
    status = _decide()
    token = _reading.set(status.alias)
    try:
        yield status
    finally:
        _reading.reset(token)


View = TypeVar("View", bound=Callable[..., Any])


def replica_view(view: View) -> View:
    """Decorator: a GET or HEAD of this view reads from the replica (:func:`replica_reads`); any other method
    reads the primary. The decision is put on ``request.cchc_replica`` for the page's footer."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        with replica_reads() as status:
            request.cchc_replica = status  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

    return wrapped  # type: ignore[return-value]
