"""The transition executor's database path (private to ``cchc.dossiers.executor``): short transactions
on PostgreSQL in as few round trips, and as little server work, as their statements.

Nothing else in the project touches Django's transaction state (``atomic_blocks``, ``commit_on_exit``,
psycopg's autocommit): the executor runs every dossier transition through :class:`Reads` (the first
round trip, with ``BEGIN``) and :class:`Writes` (the second, with the outbox rows, the audit append and
``COMMIT``). SQLite runs the same statements one by one (the only SQLite branch of the transitions).

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
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, models

from cchc.audit.services import PendingEvent, audit_append, audit_append_statements, audit_appended

_M = TypeVar("_M", bound=models.Model)

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


def select_sql(model: type[models.Model], where: str) -> str:
    columns = ", ".join(f'"{field.column}"' for field in model._meta.concrete_fields)
    return f'SELECT {columns} FROM "{model._meta.db_table}" WHERE {where}'


class Reads:
    """Reads sent together: on PostgreSQL in one round trip that opens the transaction
    (in one round trip, :func:`batch_run`: ``BEGIN`` travels with them, prepared statements); elsewhere one by
    one. Under READ COMMITTED each statement takes its own snapshot, so a read after a lock sees what
    the lock's previous holder committed."""

    def __init__(self) -> None:
        self._statements: list[tuple[str, Sequence[Any]]] = []

    def add_batched(self, sql: str, params: Sequence[Any]) -> int | None:
        """Queue a read that is worth it only inside the batch (PostgreSQL: the new dossier's id from its
        sequence, the day's number); elsewhere nothing is queued and None tells the caller to take its
        ordinary path (the row saved to get its id, the number taken by the ORM)."""
        if connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
            return None
        return self.add(sql, params)

    def add(self, sql: str, params: Sequence[Any]) -> int:
        """Queue a statement; its rows are ``run()[index]``."""
        self._statements.append((sql, params))
        return len(self._statements) - 1

    def run(self) -> list[list[tuple[Any, ...]]]:
        db = connections[DEFAULT_DB_ALIAS]
        if db.vendor == "postgresql":
            return batch_run(self._statements, first=True)
        with db.cursor() as cursor:
            rows: list[list[tuple[Any, ...]]] = []
            for sql, params in self._statements:
                cursor.execute(sql, params)
                rows.append(cursor.fetchall() if cursor.description is not None else [])
            return rows


class Writes:
    """The row writes of one transition and its audit event, sent to PostgreSQL in one round trip
    (elsewhere one by one).

    performance: a transition's inserts and updates need no answer but the new rows' ids, so they
    travel together as statements of one simple query, followed by the audit event's append (the
    chain's lock and the insert that places the event at the head) and, when the service's block is
    the outermost one, the ``COMMIT`` (in one round trip, :func:`batch_run`). Each write is the statement
    the ORM would run (columns and values through the fields' own ``get_db_prep_save``), its text
    built once per model and set of fields; rows of one model inserted one after the other go in one
    multi-row ``INSERT`` (as ``bulk_create`` does; its ids come back in the rows' order).
    """

    def __init__(self) -> None:
        self._db = connections[DEFAULT_DB_ALIAS]  # the real connection: the proxy costs a look-up per use
        self._statements: list[tuple[str, list[Any]]] = []
        self._inserts: list[tuple[tuple[type[models.Model], bool], list[models.Model]]] = []
        self._returning: list[list[models.Model]] = []  # the rows of each insert statement, in order

    def update(self, instance: models.Model, fields: Sequence[str]) -> None:
        self._flush_inserts()
        model = type(instance)
        key = (model, tuple(fields))
        plan = _update_plans.get(key)
        if plan is None:
            meta = model._meta
            columns: list[Any] = [meta.get_field(name) for name in fields]
            assert meta.pk is not None
            sets = ", ".join(f'"{field.column}" = %s' for field in columns)
            plan = (f'UPDATE "{meta.db_table}" SET {sets} WHERE "{meta.pk.column}" = %s', columns)
            _update_plans[key] = plan
        sql, columns = plan
        db = self._db
        values = [field.get_db_prep_save(getattr(instance, field.attname), db) for field in columns]
        values.append(instance.pk)
        self._statements.append((sql, values))

    def statement(self, sql: str, params: Sequence[Any]) -> None:
        """A statement of the caller's own, in its place among the writes (no rows expected back)."""
        self._flush_inserts()
        self._statements.append((sql, list(params)))

    def insert(self, instance: models.Model) -> None:
        """Insert ``instance`` (its id is set by :meth:`send`; an id already set is inserted as it is)."""
        key = (type(instance), instance.pk is not None)
        if self._inserts and self._inserts[-1][0] == key:
            self._inserts[-1][1].append(instance)
        else:
            self._inserts.append((key, [instance]))

    def _flush_inserts(self) -> None:
        """The queued inserts as statements, one per run of rows of one model, in order."""
        db = self._db
        one_by_one = not db.features.can_return_rows_from_bulk_insert
        for (model, with_pk), instances in self._inserts:
            fields = _insert_fields.get((model, with_pk))
            if fields is None:
                fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
                _insert_fields[(model, with_pk)] = fields
            for run in [[i] for i in instances] if one_by_one else [instances]:
                key = (model, with_pk, len(run))
                sql = _insert_plans.get(key)
                if sql is None:
                    meta = model._meta
                    assert meta.pk is not None
                    columns = ", ".join(f'"{f.column}"' for f in fields)
                    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
                    sql = (
                        f'INSERT INTO "{meta.db_table}" ({columns}) VALUES {", ".join([row] * len(run))} '
                        f'RETURNING "{meta.pk.column}"'
                    )
                    _insert_plans[key] = sql
                values = [f.get_db_prep_save(f.pre_save(instance, True), db) for instance in run for f in fields]
                self._statements.append((sql, values))
                self._returning.append(run)
        self._inserts.clear()

    def send(self, *, audit: PendingEvent | None = None) -> None:
        """Run the statements (the outbox rows among the inserts); with ``audit``, then append the
        event: on PostgreSQL in the same round trip, the last statements of the transition's
        transaction (``COMMIT`` joins them when the executor's block is the outermost one); on SQLite
        after the writes (``cchc.audit.services.audit_append``)."""
        self._flush_inserts()
        statements = list(self._statements)
        db = self._db
        pg = db.vendor == "postgresql"
        if audit is not None and pg:
            statements += audit_append_statements(audit)
        if pg:
            rows = batch_run(statements, last=audit is not None)
        else:
            rows = []
            with db.cursor() as cursor:
                for sql, params in statements:
                    cursor.execute(sql, params)
                    rows.append(cursor.fetchall() if cursor.description is not None else [])
        returned = iter(rows[: len(self._statements)])
        for run in self._returning:
            ids = next(r for r in returned if r)
            for instance, (pk, *_) in zip(run, ids, strict=True):
                instance.pk = pk
                instance._state.adding = False
                instance._state.db = db.alias
        if audit is not None:
            if pg:
                audit_appended(audit, rows[len(statements) - 1][0] if rows[len(statements) - 1] else None)
            else:
                audit_append(audit)
        self._statements.clear()
        self._returning = []


_update_plans: dict[tuple[type[models.Model], tuple[str, ...]], tuple[str, list[Any]]] = {}
_insert_fields: dict[tuple[type[models.Model], bool], list[Any]] = {}
_insert_plans: dict[tuple[type[models.Model], bool, int], str] = {}
_attnames: dict[type[models.Model], list[str]] = {}
_converters: dict[type[models.Model], list[tuple[int, list[Any], Any]]] = {}


def from_row(model: type[_M], values: Sequence[Any], db: Any = None) -> _M:
    """A model instance from a row of :func:`_select_sql`, through the database converters the ORM
    would apply (on PostgreSQL none for the dossier and its steps; SQLite's dates, booleans ...)."""
    db = db or connections[DEFAULT_DB_ALIAS]
    converters = _converters.get(model)
    if converters is None:
        converters = []
        field: Any
        for index, field in enumerate(model._meta.concrete_fields):
            column = field.get_col(model._meta.db_table)
            functions = db.ops.get_db_converters(column) + field.get_db_converters(db)
            if functions:
                converters.append((index, functions, column))
        _converters[model] = converters
        _attnames[model] = [field.attname for field in model._meta.concrete_fields]
    if converters:
        row = list(values)
        for index, functions, column in converters:
            for function in functions:
                row[index] = function(row[index], column, db)
        values = row
    return model.from_db(db.alias, _attnames[model], tuple(values))
