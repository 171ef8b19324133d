"""The one executor of the dossier lifecycle: every transition of ``cchc.dossiers.transitions`` runs here.

:func:`run` takes an action of the table: lock the dossier (with its open steps, the memberships of
the actor and the receiver, what is still owed, as the entry needs) → check the status against the
table (``dossier.invalid_transition``; "vừa được cập nhật" when it changed since the caller saw it) →
the entry's guards → authorise (``cchc.dossiers.policies``: a role at the receiving desk, the competent
agency or the open step's agency on the day; the applicant where the entry allows it) → the
preconditions → the mutation → the audit event → the outbox event (``cchc.dossiers.events``), in one
transaction. :func:`create` runs the two entries that create a dossier (``transitions.SUBMIT`` and
``transitions.RECEIVE_COUNTER``), :func:`run_special` the rating (``transitions.RATE``).

A refusal at any point raises before the first write: no row, no audit event, no outbox event. Files
stored by a mutation (uploads) are deleted when the transaction fails.

performance (PostgreSQL): two round trips per transition: the reads with ``BEGIN`` (``executor_db.Reads``),
then the writes, the outbox row, the audit append and ``COMMIT`` (``executor_db.Writes``). This module
and ``executor_db`` are the only places that batch statements, touch the transaction's state, or
branch on SQLite.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from cchc.accounts.constants import Area
from cchc.accounts.selectors import membership_roles_held_statement
from cchc.audit.services import audit_event_new, audit_snapshot
from cchc.common.errors import DomainError
from cchc.dossiers import policies
from cchc.dossiers import transitions as table
from cchc.dossiers.codes import reception_day
from cchc.dossiers.constants import (
    Action,
    DossierError,
    DossierErrorCode,
    DossierStatus,
    ResultStatus,
    StepStatus,
)
from cchc.dossiers.events import TOPIC_DETAILS, dossier_event
from cchc.dossiers.executor_db import Reads, Writes, from_row, select_sql
from cchc.dossiers.lifecycle.applicants import SNAPSHOT_FIELDS, check_at
from cchc.dossiers.models import Dossier, DossierStep, FeeLine, Payment, ResultDocument
from cchc.org.models import Agency

if TYPE_CHECKING:
    from cchc.dossiers.transitions import Special, Transition

Held = set[tuple[int, int, str]]
"""Memberships as (user id, agency id, role) on the day of the transition, read with the lock."""

_DOSSIER_SQL = select_sql(Dossier, "id = %s")
_LOCK_SQL = f"{_DOSSIER_SQL} FOR UPDATE"
_STEP_STATUS = [f.name for f in DossierStep._meta.concrete_fields].index("status")
_OPEN_STEPS_SQL = select_sql(DossierStep, 'dossier_id = %s AND status IN (%s, %s) ORDER BY "order"')
_UNSIGNED_RESULT_SQL = (
    f'SELECT "title", "status", "failure" FROM "{ResultDocument._meta.db_table}" '
    'WHERE "dossier_id" = %s AND "status" IN (%s, %s) ORDER BY "attached_at" DESC, "id" DESC LIMIT 1'
)
_FEES_SQL = (
    f'SELECT (SELECT SUM("amount") FROM "{FeeLine._meta.db_table}" WHERE "dossier_id" = %s), '
    f'(SELECT SUM("amount") FROM "{Payment._meta.db_table}" WHERE "dossier_id" = %s), '
    f'EXISTS (SELECT 1 FROM "{Payment._meta.db_table}" WHERE "dossier_id" = %s AND "receipt_number" = %s), '
    f'EXISTS (SELECT 1 FROM "{FeeLine._meta.db_table}" WHERE "dossier_id" = %s AND "amount" IS NULL)'
)


@dataclass(frozen=True)
class Joined:
    """A row of the caller's own written with a transition, in its last round trip (before the audit
    event): ``fields`` given, an update of those fields of ``instance``; else its insert. Only when
    the transition is not refused (the caller writes it otherwise if it must)."""

    instance: Any
    fields: Sequence[str] | None = None


@dataclass
class Context:
    """One transition under way: what was read with the lock, the call's arguments, and what the
    preconditions and the mutation leave for the audit and outbox events."""

    transition: Any  # Transition, or a Special entry
    dossier: Dossier
    actor: AbstractBaseUser | None
    at: datetime
    params: dict[str, Any]
    writes: Writes
    seen: str | None = None
    active: DossierStep | None = None
    next_pending: DossierStep | None = None
    pending: int = 0  # pending steps (the first one is ``next_pending``)
    held: Held | None = None
    unpaid: Decimal | None = None
    # with ``reads_fees`` on PostgreSQL (read with the lock): what the fee lines add up to (None: no
    # amount yet), what was paid, whether the call's ``receipt_number`` is already recorded, whether a
    # fee line has no amount yet
    due: Decimal | None = None
    paid: Decimal | None = None
    receipt_recorded: bool | None = None
    fees_undetermined: bool | None = None
    unsigned_result: tuple[str, str, str] | None = None  # (title, status, failure) of a result not signed
    status_before: str | None = None
    before: dict[str, Any] | None = None
    details: dict[str, Any] | None = None  # the audit event's details
    event_details: dict[str, Any] = field(default_factory=dict)  # the outbox event's (TOPIC_DETAILS)
    result: Any = None
    written: list[str] = field(default_factory=list)  # stored files, deleted if the transaction fails
    scratch: dict[str, Any] = field(default_factory=dict)  # what a precondition read for the mutation
    joined: Sequence[Joined] = ()  # the caller's rows written with the transition
    _pending_rows: list[Any] = field(default_factory=list)

    @property
    def pending_steps(self) -> list[DossierStep]:
        """Every pending step, in order (instances built on demand)."""
        db = connections[DEFAULT_DB_ALIAS]
        steps = [self.next_pending] if self.next_pending is not None else []
        return steps + [from_row(DossierStep, row, db) for row in self._pending_rows[1:]]


def _members(actor: AbstractBaseUser | None, params: dict[str, Any]) -> list[int]:
    users = [actor, params.get("receiver")]
    return [u.pk for u in users if u is not None and u.pk is not None]


def _read(
    entry: Any, dossier: Dossier, actor: AbstractBaseUser | None, at: datetime, params: dict[str, Any]
) -> Context:
    """Lock the dossier and read what the entry needs, in one round trip on PostgreSQL (with BEGIN);
    under READ COMMITTED the reads after the lock see what its previous holder committed."""
    db = connections[DEFAULT_DB_ALIAS]
    pg = db.vendor == "postgresql"
    steps = getattr(entry, "reads_steps", False)
    fees = getattr(entry, "reads_fees", False)
    results_read = getattr(entry, "reads_results", False)
    user_ids = _members(actor, params)
    reads = Reads()
    reads.add(_LOCK_SQL if pg else _DOSSIER_SQL, [dossier.pk])
    steps_at = (
        reads.add(_OPEN_STEPS_SQL, [dossier.pk, StepStatus.ACTIVE.value, StepStatus.PENDING.value]) if steps else None
    )
    held_at = (
        reads.add(*membership_roles_held_statement(user_ids=user_ids, on=reception_day(at), area=Area.ONE_STOP))
        if user_ids
        else None
    )
    receipt = str(params.get("receipt_number", "")).strip()
    fees_at = reads.add(_FEES_SQL, [dossier.pk, dossier.pk, dossier.pk, receipt, dossier.pk]) if fees and pg else None
    unsigned_at = (
        reads.add(_UNSIGNED_RESULT_SQL, [dossier.pk, ResultStatus.PENDING.value, ResultStatus.FAILED.value])
        if results_read
        else None
    )
    results = reads.run()
    if not results[0]:
        raise Dossier.DoesNotExist("Dossier matching query does not exist.")
    locked = from_row(Dossier, results[0][0], db)
    ctx = Context(transition=entry, dossier=locked, actor=actor, at=at, params=params, writes=Writes())
    if steps_at is not None:
        for values in results[steps_at]:  # in order; instances only for the steps a transition changes
            if values[_STEP_STATUS] == StepStatus.ACTIVE:
                ctx.active = ctx.active or from_row(DossierStep, values, db)
            else:
                ctx.pending += 1
                ctx._pending_rows.append(values)
                ctx.next_pending = ctx.next_pending or from_row(DossierStep, values, db)
    ctx.held = {(int(u), int(a), str(r)) for u, a, r in results[held_at]} if held_at is not None else set()
    if unsigned_at is not None and results[unsigned_at]:
        title, status, failure = results[unsigned_at][0]
        ctx.unsigned_result = (str(title), str(status), str(failure))
    if fees:
        if fees_at is not None:
            due, paid, ctx.receipt_recorded, ctx.fees_undetermined = results[fees_at][0]
            ctx.due, ctx.paid = (Decimal(due) if due is not None else None), Decimal(paid or 0)
            ctx.unpaid = ctx.due - ctx.paid if ctx.due else Decimal(0)
        else:
            ctx.unpaid = _unpaid(locked)
    return ctx


def _unpaid(dossier: Dossier) -> Decimal:
    from django.db.models import Sum

    due = sum((a for a in dossier.fee_lines.order_by().values_list("amount", flat=True) if a is not None), Decimal(0))
    if not due:
        return Decimal(0)
    return due - (dossier.payments.aggregate(total=Sum("amount"))["total"] or Decimal(0))


def check_status(locked: Dossier, action: Action, *, seen: str | None) -> None:
    """Refuse ``action`` unless the transition table allows it from the locked (current) status."""
    if table.transition(action).allowed_from(locked.status, received=locked.received_at is not None):
        return
    current = DossierStatus(locked.status).label
    if seen is not None and seen != locked.status:
        message = (
            f"Hồ sơ {locked} vừa được cập nhật (trạng thái hiện tại: «{current}»); "
            f"không thể {action.label}. Vui lòng tải lại hồ sơ."
        )
    else:
        message = f"Không thể {action.label} khi hồ sơ đang ở trạng thái «{current}»."
    raise DossierError(DossierErrorCode.INVALID_TRANSITION, message)


def _not_permitted(required: policies.Required, agencies: Iterable[Agency] = ()) -> DossierError:
    given = {agency.pk: agency for agency in agencies}
    missing = {agency_id for agency_id, _ in required} - given.keys()
    names: dict[int, Any] = {**Agency.objects.in_bulk(missing), **given} if missing else given
    where = "; ".join(
        f"{', '.join(r.label for r in sorted(roles))} tại {names.get(agency_id, agency_id)}"
        for agency_id, roles in required
    )
    return DossierError(DossierErrorCode.NOT_PERMITTED, f"Tài khoản không được phân công thực hiện việc này ({where}).")


def authorise(ctx: Context, required: policies.Required, *, agencies: Iterable[Agency] = ()) -> None:
    """The actor holds one of ``required`` on the day (the memberships read with the lock), or the
    entry lets the applicant act; else refuse, listing the roles and agencies that may."""
    entry = ctx.transition
    if ctx.actor is None and getattr(entry, "applicant", False):
        when = getattr(entry, "applicant_when", None)
        if when is None or when(ctx):
            return
    if ctx.actor is not None:
        pk = ctx.actor.pk
        if policies.holds_any(((a, r) for u, a, r in ctx.held or () if u == pk), required):
            return
    raise _not_permitted(required, agencies)


def _finish(ctx: Context, *, audit_action: str, event_action: str) -> None:
    """The audit event and the outbox event join the writes; all are sent, the transaction's last round
    trip on PostgreSQL (with COMMIT when the executor's block is the outermost one)."""
    dossier, entry = ctx.dossier, ctx.transition
    after = audit_snapshot(dossier, SNAPSHOT_FIELDS)
    if ctx.details:
        after["details"] = ctx.details
    audit = audit_event_new(
        actor=ctx.actor, action=audit_action, target=dossier, before=ctx.before, after=after, at=ctx.at
    )
    details = ctx.event_details
    for row in ctx.joined:
        if row.fields is None:
            ctx.writes.insert(row.instance)
        else:
            ctx.writes.update(row.instance, row.fields)
    ctx.writes.insert(
        dossier_event(
            entry.event,
            dossier,
            action=event_action,
            status_before=ctx.status_before,
            at=ctx.at,
            actor_id=ctx.actor.pk if ctx.actor is not None else None,
            details={key: details.get(key) for key in TOPIC_DETAILS[entry.event]},
        )
    )
    ctx.writes.send(audit=audit)


def _guarded(ctx: Context, body: Callable[[], None]) -> None:
    try:
        body()
    except BaseException:
        for name in ctx.written:
            default_storage.delete(name)
        raise


def run(
    action: Action,
    *,
    dossier: Dossier,
    actor: AbstractBaseUser | None,
    at: datetime,
    joined: Sequence[Joined] = (),
    **params: Any,
) -> Any:
    """Run ``action`` of the transition table on ``dossier`` (see the module); returns what the
    mutation set as its result (a hand-over, a payment, an extension) or the dossier. ``joined``: the
    caller's own rows written with it (:class:`Joined`)."""
    entry: Transition = table.TABLE[action]
    check_at(at)
    seen = dossier.status
    refusal: Exception | None = None
    # performance: no savepoint inside a caller's transaction (the IPN's, the simulation's: two round
    # trips saved). Every refusal comes before the first write and leaves the block without an
    # exception, so the caller's transaction stays usable; an error after a write (the database, the
    # storage) still fails the caller's transaction as a whole, which rolls back.
    with transaction.atomic(savepoint=False):
        try:
            ctx = _read(entry, dossier, actor, at, params)
            ctx.seen = seen
            ctx.joined = joined
            locked = ctx.dossier
            check_status(locked, entry.action, seen=seen)
            for guard in entry.guards:
                guard(ctx)
            step_agency = ctx.active.agency_id if ctx.active is not None else None
            authorise(ctx, policies.required_grants(entry, locked, step_agency_id=step_agency))
            for precondition in entry.preconditions:
                precondition(ctx)
        except (DomainError, Dossier.DoesNotExist) as exc:
            refusal = exc
        else:
            ctx.status_before = locked.status
            ctx.before = audit_snapshot(locked, SNAPSHOT_FIELDS)
            assert entry.mutate is not None

            def body() -> None:
                entry.mutate(ctx)  # type: ignore[misc]
                _finish(ctx, audit_action=entry.audit_action, event_action=entry.action.value)

            _guarded(ctx, body)
    if refusal is not None:
        raise refusal
    return ctx.result if ctx.result is not None else ctx.dossier


def run_special(
    entry: Special,
    *,
    dossier: Dossier,
    at: datetime,
    refuse_status: Callable[[Dossier], DossierError],
    preconditions: Iterable[Callable[[Context], None]],
    mutate: Callable[[Context], None],
    **params: Any,
) -> Any:
    """Run a special entry on an existing dossier by the applicant (``transitions.RATE``): lock, status
    in ``entry.sources`` (else ``refuse_status``), preconditions, mutation, audit and outbox events."""
    check_at(at)
    with transaction.atomic():
        ctx = _read(entry, dossier, None, at, params)
        if ctx.dossier.status not in entry.sources:
            raise refuse_status(ctx.dossier)
        for precondition in preconditions:
            precondition(ctx)
        ctx.status_before = ctx.dossier.status
        mutate(ctx)
        _finish(ctx, audit_action=entry.audit_action, event_action=entry.name)
    return ctx.result


def create(
    entry: Special,
    *,
    actor: AbstractBaseUser | None,
    at: datetime,
    build: Callable[[Reads], Callable[[list[list[tuple[Any, ...]]]], Context]],
    agencies: Iterable[Agency] = (),
    stand_in: Dossier | None = None,
) -> Context:
    """Run an entry that creates a dossier (``transitions.SUBMIT``, ``transitions.RECEIVE_COUNTER``).

    ``build(reads)`` queues the creation's reads and returns the step that, given their rows, checks
    and builds the new dossier and its writes (a :class:`Context` whose ``dossier`` has its id, or is
    saved). With ``entry.officers`` the actor is authorised first, from the memberships read with the
    others, at the agencies of ``stand_in`` (the dossier's agencies before it exists)."""
    check_at(at)
    with transaction.atomic():
        reads = Reads()
        user_ids = [actor.pk] if actor is not None else []
        held_at = (
            reads.add(*membership_roles_held_statement(user_ids=user_ids, on=reception_day(at), area=Area.ONE_STOP))
            if user_ids and entry.officers
            else None
        )
        then = build(reads)
        rows = reads.run()
        if entry.officers:
            assert stand_in is not None
            probe = Context(transition=entry, dossier=stand_in, actor=actor, at=at, params={}, writes=Writes())
            probe.held = {(int(u), int(a), str(r)) for u, a, r in rows[held_at]} if held_at is not None else set()
            required = [
                (agency_id, grant.roles)
                for grant in entry.officers
                if (agency_id := policies.agency_for(grant.where, stand_in, step_agency_id=None)) is not None
            ]
            authorise(probe, required, agencies=agencies)
        ctx = then(rows)

        def body() -> None:
            store = ctx.scratch.pop("store", None)  # files the creation stores, once every check passed
            if store is not None:
                store(ctx)
            _finish(ctx, audit_action=entry.audit_action, event_action=entry.name)

        _guarded(ctx, body)
    return ctx


__all__ = ["Context", "Held", "authorise", "check_status", "create", "run", "run_special"]
