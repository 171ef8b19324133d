"""Short transactions on PostgreSQL in as few round trips, and as little server work, as their statements.

A batch (:func:`batch_run`) is a list of statements sent as one simple query, so in one round trip;
PostgreSQL runs them in order, each with its own snapshot under READ COMMITTED (a read after a lock
sees what the lock's previous holder committed). Three things make it cheaper than the statements
sent one by one through the ORM:

- **BEGIN and COMMIT travel with the statements.** Inside ``transaction.atomic()`` psycopg sends
  ``BEGIN`` in a round trip of its own before the first statement, and Django sends ``COMMIT`` in
  another when the block ends. When the caller's atomic block is the outermost one, ``first=True``
  puts ``BEGIN`` in front of the batch (psycopg is told not to send its own) and ``last=True`` puts
  ``COMMIT`` after it; Django's commit at the end of the block then finds the transaction closed
  and sends nothing. Anywhere else (inside a caller's transaction or a test's, a savepoint, a
  non-default isolation level, a transaction already begun) the batch runs as it is and the
  transaction is the ordinary one. Rules: the ``first`` batch must be the block's first statement
  and the ``last`` one its last (anything sent after it runs in a new transaction that the block's
  end commits, never in autocommit).
- **Prepared statements.** Each statement is run as ``EXECUTE`` of a statement prepared once per
  connection (``PREPARE`` travels in the same round trip the first time): the server parses, analyses
  and plans it once instead of every time, which is most of its work for these short statements
  (measured: the three reads that open a dossier transition, 480-600 µs of backend CPU as plain
  statements, 110-180 µs prepared). So a statement must be one PREPARE accepts (SELECT, INSERT,
  UPDATE, DELETE, VALUES) and its text must not vary with the values (``%s`` for each). Prepared
  statements live in the server session; set ``CCHC_DB_PREPARED_STATEMENTS = False`` behind a pooler
  that shares sessions between clients (PgBouncer in transaction mode), as Django's own
  ``prepare_threshold`` default assumes; they are not used either when psycopg prepares its own.
  After a batch that prepared statements failed, the next one starts with ``DEALLOCATE ALL`` (which
  of its PREPAREs ran is not known) and prepares again.
- **Values as literals, results read from psycopg directly.** The values are adapted by psycopg
  (its client-side binding, as Django's cursor does) into the ``EXECUTE`` text here, where its shape
  is known, rather than by psycopg parsing the whole text for ``%s`` again (it keeps that parse only
  for queries under 50 parameters); the rows are read without Django's wrapper around each
  ``fetchall``/``nextset`` and without ``cursor.description`` (psycopg builds it at each access).

The query still goes through Django's cursor (its logging, ``execute_wrapper`` hooks and error
translation).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

Statement = tuple[str, Sequence[Any]]


@dataclass
class _Session:
    """What this process knows of one server session (one psycopg connection)."""

    prepared: set[str] | None  # names of the statements prepared in it; None: unknown after a failure
    literal: Any  # psycopg's adaptation of a value to an SQL literal, with the connection's adapters


# The session's state lives on Django's connection wrapper, beside the psycopg connection it describes, so
# both go when the wrapper goes (a request thread's wrapper when the thread ends, under runserver). Not in a
# module-level weak map keyed by the psycopg connection: the state refers back to that connection (psycopg's
# adapters hold it), so such an entry would keep its key alive and the server connection open for ever.
_SESSION_ATTRIBUTE = "_cchc_batch_session"
# per statement text: its name and its PREPARE (the parameters numbered $1, $2 ...)
_plans: dict[str, tuple[str, str]] = {}


def _plan(sql: str) -> tuple[str, str]:
    plan = _plans.get(sql)
    if plan is None:
        if "%%" in sql:
            raise ValueError("batch statements take no literal '%'")
        name = "cchc_" + hashlib.blake2b(sql.encode(), digest_size=10).hexdigest()
        parts = sql.split("%s")
        body = parts[0] + "".join(f"${n}{part}" for n, part in enumerate(parts[1:], start=1))
        plan = (name, f"PREPARE {name} AS {body}")
        if len(_plans) >= 2000:  # statement texts are built from the models: a few dozen in practice
            _plans.clear()
        _plans[sql] = plan
    return plan


def _session(db: Any, pg: Any) -> _Session:
    """The state of ``pg``, the psycopg connection of Django's wrapper ``db`` (new when ``db`` reconnected)."""
    owned: tuple[Any, _Session] | None = getattr(db, _SESSION_ATTRIBUTE, None)
    if owned is not None and owned[0] is pg:
        return owned[1]
    from psycopg.adapt import Transformer

    encoding = pg.info.encoding
    as_literal = Transformer.from_context(pg).as_literal
    session = _Session(prepared=set(), literal=lambda value: as_literal(value).decode(encoding))
    setattr(db, _SESSION_ATTRIBUTE, (pg, session))
    return session


def _outermost_block(db: Any) -> bool:
    """The caller runs directly in the outermost ``atomic()`` block, which commits when it ends."""
    return bool(db.in_atomic_block and len(db.atomic_blocks) == 1 and db.commit_on_exit and not db.needs_rollback)


def _plain_transactions(pg: Any) -> bool:
    """psycopg's own BEGIN would be a plain ``BEGIN`` (no isolation level, read-only or deferrable)."""
    return pg.isolation_level is None and pg.read_only is None and pg.deferrable is None


def batch_run(
    statements: Sequence[Statement], *, first: bool = False, last: bool = False
) -> list[list[tuple[Any, ...]]]:
    """Run ``statements`` on PostgreSQL in one round trip and return the rows of each, in order (``[]``
    for a statement without rows). ``first``: the batch opens the caller's transaction; ``last``: it
    ends it (see the module's rules)."""
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor != "postgresql":
        raise NotImplementedError("batch_run: PostgreSQL only")
    db.ensure_connection()
    pg = db.connection
    from psycopg.pq import ExecStatus, TransactionStatus  # here: a SQLite-only installation may lack psycopg

    status = pg.info.transaction_status
    begin = (
        first
        and _outermost_block(db)
        and not pg.autocommit
        and status == TransactionStatus.IDLE
        and _plain_transactions(pg)
    )
    # the transaction to commit is one a first batch opened: this one, or an earlier one of the block
    commit = last and (begin or (_outermost_block(db) and pg.autocommit and status == TransactionStatus.INTRANS))
    head: list[str] = ["BEGIN"] if begin else []
    parts: list[str] = []
    params: list[Any] = []
    # psycopg's own prepared statements (a non-default prepare_threshold) would not survive DEALLOCATE ALL
    if getattr(settings, "CCHC_DB_PREPARED_STATEMENTS", True) and pg.prepare_threshold is None:
        # EXECUTE of prepared statements, the values as literals (see the module's documentation)
        session = _session(db, pg)
        literal = session.literal
        if session.prepared is None:  # unknown after a failure: start again from an empty session
            head.append("DEALLOCATE ALL")
            session.prepared = set()
        for sql, values in statements:
            name, prepare_sql = _plan(sql)
            if name not in session.prepared:
                session.prepared.add(name)
                head.append(prepare_sql)
            parts.append(f"EXECUTE {name}({', '.join(map(literal, values))})" if values else f"EXECUTE {name}")
    else:
        session = None
        for sql, values in statements:
            parts.append(sql)
            params.extend(values)
    if commit:
        parts.append("COMMIT")
    if begin:
        pg.autocommit = True  # allowed while idle: psycopg then sends no BEGIN of its own
    try:
        with db.cursor() as cursor:
            cursor.execute("; ".join([*head, *parts]), params if session is None else None)
            raw = cursor.cursor
            for _ in head:
                raw.nextset()
            rows: list[list[tuple[Any, ...]]] = []
            while len(rows) < len(statements):
                result = raw.pgresult
                rows.append(raw.fetchall() if result is not None and result.status == ExecStatus.TUPLES_OK else [])
                raw.nextset()
    except BaseException:
        if session is not None and len(head) > int(begin):
            session.prepared = None  # which PREPARE ran is unknown: DEALLOCATE ALL next time
        raise
    finally:
        if (begin or commit) and pg.info.transaction_status == TransactionStatus.IDLE:
            pg.autocommit = False  # nothing was begun, or the transaction was committed: the usual again
    return rows
