"""Writes of the dossier lifecycle: one service per transition of ``cchc.dossiers.transitions.TABLE``.

Every service ``dossier_<verb>(*, dossier, actor, at, ...)``:

- runs in one transaction and locks the dossier row first (``select_for_update``), so two officers
  acting at once take turns and the second sees the status the first left (exactly one wins);
- checks the locked status against the transition table and refuses with
  ``DossierError(dossier.invalid_transition)`` otherwise;
- checks that an officer acts for the relevant agency in a suitable role on the day of ``at``
  (``cchc.accounts`` memberships); ``actor=None`` is the applicant (online) where the rule allows it;
- writes exactly one audit event (``dossier.<action>``) with the state before and after;
- changes nothing when it refuses (every check runs before the first write).

Legal basis: Nghị định 118/2025/NĐ-CP (one-stop-shop mechanism) and Thông tư 03/2025/TT-VPCP (forms
01-07); the lateness rules follow QĐ 766/QĐ-TTg as the national portal applies them (domain-vn §2.5).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.db.models import Max, Sum

from cchc.accounts.constants import Area, Role
from cchc.accounts.selectors import membership_roles_held, membership_roles_held_statement
from cchc.audit.services import (
    PendingEvent,
    audit_append_statements,
    audit_appended,
    audit_event_new,
    audit_record,
    audit_snapshot,
)
from cchc.calendars.selectors import WorkingCalendar, calendar_version_statement, working_calendar
from cchc.catalogue.constants import StepResponsible, VersionStatus
from cchc.catalogue.models import (
    CompetentAgency,
    FeeItem,
    Procedure,
    ProcedureStep,
    ProcedureVersion,
    RequiredDocument,
)
from cchc.common.db import batch_run
from cchc.common.numbers import vi_number
from cchc.common.uploads import CheckedUpload
from cchc.dossiers.codes import (
    VN_TZ,
    dossier_code,
    dossier_code_next,
    dossier_number_statement,
    receiving_unit_code,
    reception_day,
)
from cchc.dossiers.constants import (
    Action,
    ApplicantKind,
    Channel,
    DocumentSource,
    DossierError,
    DossierErrorCode,
    DossierStatus,
    HandoverOutcome,
    NotifyChannel,
    PaymentChannel,
    RatingCriterion,
    RatingLevel,
    StepStatus,
)
from cchc.dossiers.models import (
    Dossier,
    DossierDocument,
    DossierRating,
    DossierStep,
    Extension,
    FeeLine,
    Handover,
    Payment,
    SupplementRequest,
)
from cchc.dossiers.transitions import actions_from
from cchc.dossiers.uploads import upload_check
from cchc.org.models import Agency

SNAPSHOT_FIELDS = [
    "code",
    "status",
    "channel",
    "receiving_agency",
    "competent_agency",
    "received_at",
    "due_at",
    "statutory_due_at",
    "processed_at",
    "returned_at",
    "ended_at",
    "end_reason",
    "supplement_count",
    "paused_seconds",
    "resume_status",
    "is_late",
]

_M = TypeVar("_M", bound=models.Model)

_CITIZEN_ID = re.compile(r"^(\d{9}|\d{12})$")
_ORGANISATION_ID = re.compile(r"^\d{10}(-\d{3})?$")
_PHONE = re.compile(r"^(0|\+84)\d{9,10}$")


@dataclass(frozen=True)
class Applicant:
    """Who files the dossier: a citizen (căn cước 12 digits, old ID 9) or an organisation (tax code)."""

    kind: str
    name: str
    id_number: str
    phone: str = ""
    email: str = ""
    address: str = ""
    # the channels the applicant chose for notifications (NotifyChannel values); None: thư điện tử when
    # an address is given (the portal asks for one), nothing otherwise
    notify_channels: tuple[str, ...] | None = None

    def validated(self, *, require_phone: bool) -> Applicant:
        kind = ApplicantKind(self.kind) if self.kind in ApplicantKind.values else None
        if kind is None:
            raise _invalid("Loại người nộp hồ sơ không hợp lệ (công dân hoặc tổ chức).")
        name = " ".join(self.name.split())
        if not name:
            raise _invalid("Thiếu họ tên người nộp hồ sơ hoặc tên tổ chức.")
        id_number = self.id_number.strip()
        pattern = _CITIZEN_ID if kind == ApplicantKind.CITIZEN else _ORGANISATION_ID
        if not pattern.match(id_number):
            raise _invalid(
                "Số định danh cá nhân phải gồm 12 chữ số (hoặc 9 chữ số với chứng minh nhân dân cũ)."
                if kind == ApplicantKind.CITIZEN
                else "Mã số doanh nghiệp, tổ chức phải gồm 10 chữ số (chi nhánh: thêm -XXX)."
            )
        phone = self.phone.replace(" ", "").replace(".", "")
        if phone and not _PHONE.match(phone):
            raise _invalid("Số điện thoại không hợp lệ.")
        if require_phone and not phone:
            raise _invalid("Hồ sơ nộp trực tuyến cần số điện thoại để liên hệ và tra cứu.")
        email = self.email.strip()
        if email and ("@" not in email or email.startswith("@") or email.endswith("@")):
            raise _invalid("Địa chỉ thư điện tử không hợp lệ.")
        if self.notify_channels is None:
            channels: tuple[str, ...] = (NotifyChannel.EMAIL.value,) if email else ()
        else:
            channels = tuple(dict.fromkeys(self.notify_channels))
        for channel in channels:
            if channel not in NotifyChannel.values:
                raise _invalid("Kênh nhận thông báo không hợp lệ.")
            if channel == NotifyChannel.EMAIL and not email:
                raise _invalid("Muốn nhận thông báo qua thư điện tử cần ghi địa chỉ thư điện tử.")
            if channel in (NotifyChannel.SMS, NotifyChannel.ZALO) and not phone:
                raise _invalid("Muốn nhận thông báo qua tin nhắn hoặc Zalo cần ghi số điện thoại.")
        return Applicant(kind, name, id_number, phone, email, " ".join(self.address.split()), channels)


@dataclass(frozen=True)
class PaperDocument:
    """A paper the reception officer checked off at the desk against the catalogue's list.

    ``required_document_id`` is the catalogue line (``RequiredDocument``) it answers; form 01 (the
    receipt slip) lists these papers with their number of copies.
    """

    required_document_id: int
    copies: int = 1


# --- helpers ------------------------------------------------------------------------------------


def _invalid(message: str) -> DossierError:
    return DossierError(DossierErrorCode.INVALID_INPUT, message)


def _check_at(at: datetime) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise _invalid("Thời điểm phải có múi giờ.")


def _lock(dossier: Dossier) -> Dossier:
    """The dossier row, locked until the transaction ends (concurrency: one transition at a time)."""
    return Dossier.objects.select_for_update().get(pk=dossier.pk)


def _select_sql(model: type[models.Model], where: str) -> str:
    columns = ", ".join(f'"{field.column}"' for field in model._meta.concrete_fields)
    return f'SELECT {columns} FROM "{model._meta.db_table}" WHERE {where}'


class _Reads:
    """Reads sent together: on PostgreSQL in one round trip that opens the transaction
    (``cchc.common.db.batch_run``: ``BEGIN`` travels with them, prepared statements); elsewhere one by
    one. Under READ COMMITTED each statement takes its own snapshot, so a read after a lock sees what
    the lock's previous holder committed."""

    def __init__(self) -> None:
        self._statements: list[tuple[str, Sequence[Any]]] = []

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


@dataclass
class _Locked:
    """What a transition reads first (:func:`_lock_with_open_steps`)."""

    dossier: Dossier
    active: DossierStep | None
    next_pending: DossierStep | None  # the first pending step (the others are only counted)
    pending: int
    held: Held | None
    unpaid: Decimal | None


def _lock_with_open_steps(
    dossier: Dossier, *, members: Iterable[AbstractBaseUser | None] = (), at: datetime | None = None, fees: bool = False
) -> _Locked:
    """:func:`_lock` and the open steps (the active one, at most one: ``dossiers_one_active_step``, and
    the pending ones in order) together; given ``members`` and ``at``, the memberships they
    hold on that day at any agency (the :data:`Held` of :func:`_held`); with ``fees``, what the
    applicant still owes (:func:`_unpaid`).

    performance: on PostgreSQL the reads go in one round trip with the transaction's ``BEGIN``
    (:class:`_Reads`), statements built once from the models, rows turned into instances without the
    ORM's query building; under READ COMMITTED the steps, memberships and fees are read with a fresh
    snapshot after the lock is granted, so they are the ones the previous holder committed.
    """
    user_ids = [user.pk for user in members if user is not None and user.pk is not None]
    db = connections[DEFAULT_DB_ALIAS]
    pg = db.vendor == "postgresql"
    reads = _Reads()
    reads.add(_LOCK_SQL if pg else _DOSSIER_SQL, [dossier.pk])
    reads.add(_OPEN_STEPS_SQL, [dossier.pk, StepStatus.ACTIVE.value, StepStatus.PENDING.value])
    if user_ids and at is not None:
        reads.add(*membership_roles_held_statement(user_ids=user_ids, on=reception_day(at), area=Area.ONE_STOP))
    if fees and pg:
        reads.add(_FEES_SQL, [dossier.pk, dossier.pk])
    results = reads.run()
    if not results[0]:
        raise Dossier.DoesNotExist("Dossier matching query does not exist.")
    locked = _from_row(Dossier, results[0][0], db)
    active: DossierStep | None = None
    next_pending: DossierStep | None = None
    pending = 0
    for values in results[1]:  # in order; instances only for the steps a transition changes
        if values[_STEP_STATUS] == StepStatus.ACTIVE:
            active = active or _from_row(DossierStep, values, db)
        else:
            pending += 1
            next_pending = next_pending or _from_row(DossierStep, values, db)
    held = {(int(u), int(a), str(r)) for u, a, r in results[2]} if user_ids and at is not None else None
    unpaid: Decimal | None = None
    if fees:
        if pg:
            due, paid = results[-1][0]
            unpaid = Decimal(due) - Decimal(paid or 0) if due else Decimal(0)
        else:
            unpaid = _unpaid(locked)
    return _Locked(locked, active, next_pending, pending, held, unpaid)


class _Writes:
    """The row writes of one transition and its audit event, sent to PostgreSQL in one round trip
    (elsewhere one by one).

    performance: a transition's inserts and updates need no answer but the new rows' ids, so they
    travel together as statements of one simple query, followed by the audit event's append (the
    chain's lock and the insert that places the event at the head) and, when the service's block is
    the outermost one, the ``COMMIT`` (``cchc.common.db.batch_run``). Each write is the statement
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
        """Run the statements; with ``audit`` (PostgreSQL only), then append the event in the same
        round trip, the last statements of the service's transaction (``COMMIT`` joins them when the
        service's block is the outermost one)."""
        self._flush_inserts()
        statements = list(self._statements)
        if audit is not None:
            statements += audit_append_statements(audit)
        db = self._db
        if db.vendor == "postgresql":
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
            audit_appended(audit, rows[len(statements) - 1][0] if rows[len(statements) - 1] else None)
        self._statements.clear()
        self._returning = []


_update_plans: dict[tuple[type[models.Model], tuple[str, ...]], tuple[str, list[Any]]] = {}
_insert_fields: dict[tuple[type[models.Model], bool], list[Any]] = {}
_insert_plans: dict[tuple[type[models.Model], bool, int], str] = {}
_attnames: dict[type[models.Model], list[str]] = {}
_converters: dict[type[models.Model], list[tuple[int, list[Any], Any]]] = {}


def _from_row(model: type[_M], values: Sequence[Any], db: Any = None) -> _M:
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


_DOSSIER_SQL = _select_sql(Dossier, "id = %s")
_LOCK_SQL = f"{_DOSSIER_SQL} FOR UPDATE"
_STEP_STATUS = [field.name for field in DossierStep._meta.concrete_fields].index("status")
_OPEN_STEPS_SQL = _select_sql(DossierStep, 'dossier_id = %s AND status IN (%s, %s) ORDER BY "order"')
_SKIP_PENDING_SQL = f'UPDATE "{DossierStep._meta.db_table}" SET "status" = %s WHERE "dossier_id" = %s AND "status" = %s'
_FEES_SQL = (
    f'SELECT (SELECT SUM("amount") FROM "{FeeLine._meta.db_table}" WHERE "dossier_id" = %s), '
    f'(SELECT SUM("amount") FROM "{Payment._meta.db_table}" WHERE "dossier_id" = %s)'
)
_VERSION_IN_FORCE_SQL = _select_sql(
    ProcedureVersion,
    "procedure_id = %s AND status IN (%s, %s) AND published_at <= %s AND (retired_at IS NULL OR retired_at > %s)",
)
_NEXT_DOSSIER_ID_SQL = f"SELECT nextval(pg_get_serial_sequence('{Dossier._meta.db_table}', 'id'))"


def _check_transition(locked: Dossier, action: Action, *, seen: str) -> None:
    """Refuse ``action`` unless the transition table allows it from the locked (current) status."""
    if action in actions_from(locked.status, received=locked.received_at is not None):
        return
    current = DossierStatus(locked.status).label
    if seen != locked.status:
        message = (
            f"Hồ sơ {locked} vừa được cập nhật (trạng thái hiện tại: «{current}»); "
            f"không thể {action.label}. Vui lòng tải lại hồ sơ."
        )
    else:
        message = f"Không thể {action.label} khi hồ sơ đang ở trạng thái «{current}»."
    raise DossierError(DossierErrorCode.INVALID_TRANSITION, message)


Held = set[tuple[int, int, str]]
"""Memberships as (user id, agency id, role), read once per transition by :func:`_held`."""


def _held(users: Iterable[AbstractBaseUser | None], *, at: datetime, agency_ids: Iterable[int]) -> Held:
    """The memberships ``users`` hold at ``agency_ids`` on the day of ``at`` (valid memberships at valid
    agencies, ``cchc.accounts``): one query answers every check of a transition (giver and receiver)."""
    user_ids = [user.pk for user in users if user is not None and user.pk is not None]
    return membership_roles_held(user_ids=user_ids, agency_ids=agency_ids, on=reception_day(at), area=Area.ONE_STOP)


def _require_officer(
    actor: AbstractBaseUser | None,
    *,
    at: datetime,
    grants: Iterable[tuple[Agency | int, Iterable[Role]]],
    held: Held | None = None,
) -> AbstractBaseUser:
    """The actor, if they hold one of the roles at the paired agency (an agency or its id) on the day
    of ``at``; else refuse. ``held``: the memberships already read by :func:`_held` for this check."""
    given = {agency.pk: agency for agency, _ in grants if isinstance(agency, Agency)}
    pairs = [(agency if isinstance(agency, int) else agency.pk, frozenset(roles)) for agency, roles in grants]
    if actor is not None:
        if held is None:
            held = _held([actor], at=at, agency_ids=[agency_id for agency_id, _ in pairs])
        if any((actor.pk, agency_id, role.value) in held for agency_id, roles in pairs for role in roles):
            return actor
    missing = {agency_id for agency_id, _ in pairs} - given.keys()
    names = {**Agency.objects.in_bulk(missing), **given} if missing else given
    where = "; ".join(
        f"{', '.join(r.label for r in sorted(roles))} tại {names.get(agency_id, agency_id)}"
        for agency_id, roles in pairs
    )
    raise DossierError(DossierErrorCode.NOT_PERMITTED, f"Tài khoản không được phân công thực hiện việc này ({where}).")


def _competent_officer(dossier: Dossier) -> tuple[int, list[Role]]:
    return dossier.competent_agency_id, [Role.SPECIALIST, Role.LEADER]


def _reception_officer(dossier: Dossier, *roles: Role) -> tuple[int, list[Role]]:
    return dossier.receiving_agency_id, list(roles or (Role.RECEPTION,))


def _audit(
    *,
    actor: AbstractBaseUser | None,
    action: Action,
    dossier: Dossier,
    before: dict[str, Any] | None,
    at: datetime,
    details: dict[str, Any] | None = None,
) -> None:
    """The transition's audit event."""
    after = _after(dossier, details)
    audit_record(actor=actor, action=f"dossier.{action.value}", target=dossier, before=before, after=after, at=at)


def _after(dossier: Dossier, details: dict[str, Any] | None) -> dict[str, Any]:
    """The ``after`` of the transition's audit event: the dossier's snapshot and the details."""
    after = audit_snapshot(dossier, SNAPSHOT_FIELDS)
    if details:
        after["details"] = details
    return after


def _finish(
    writes: _Writes,
    *,
    actor: AbstractBaseUser | None,
    action: Action,
    dossier: Dossier,
    before: dict[str, Any] | None,
    at: datetime,
    details: dict[str, Any] | None = None,
) -> None:
    """Send the transition's writes and its audit event, the last statements of its transaction: on
    PostgreSQL in one round trip (:meth:`_Writes.send`, with the ``COMMIT`` when the service's block is
    the outermost one), elsewhere the writes then :func:`_audit`. ``dossier`` must have its id."""
    if connection.vendor != "postgresql":
        writes.send()
        _audit(actor=actor, action=action, dossier=dossier, before=before, at=at, details=details)
        return
    event = audit_event_new(
        actor=actor,
        action=f"dossier.{action.value}",
        target=dossier,
        before=before,
        after=_after(dossier, details),
        at=at,
    )
    writes.send(audit=event)


def _calendar(dossier: Dossier) -> WorkingCalendar:
    return working_calendar(agency=dossier.competent_agency)


def _hours(seconds: int) -> Decimal:
    return Decimal(seconds) / Decimal(3600)


def _outcome(at: datetime, deadline: datetime) -> HandoverOutcome:
    """Early / on time / late on the process-control sheet.

    Late: after the step's deadline. On time: on the deadline's own day (Vietnam time), not after it.
    Early: on an earlier day (the practice of the printed sheets: trước hạn, đúng hạn, quá hạn).
    """
    if at > deadline:
        return HandoverOutcome.LATE
    if reception_day(at) == reception_day(deadline):
        return HandoverOutcome.ON_TIME
    return HandoverOutcome.EARLY


def _late_at_end(dossier: Dossier, end: datetime) -> bool:
    """legal (QĐ 766, as the national portal applies it): late when the end is after the statutory
    appointment (already moved by the applicant's supplement time, never by an apology: NĐ 61/2018
    Điều 19 as amended, see :func:`dossier_apologise_extend`), or when more than one supplement was
    requested."""
    due = dossier.statutory_due_at
    return dossier.is_late or dossier.supplement_count > 1 or (due is not None and end > due)


def end_of_processing(ended_at: datetime, *, waiting_since: datetime | None) -> datetime:
    """The end of processing of a dossier stopped or withdrawn at ``ended_at``.

    legal (QĐ 766 as the national portal applies it, domain-vn §1.5 / §2.5): if the applicant never
    answered the supplement request open since ``waiting_since``, processing ended at that request
    (the clock was paused from then on), not when the dossier was later closed. The indicators apply
    the same rule (``cchc.indicators.selectors.dossier_facts``, the rollups' set-based facts).
    """
    return waiting_since if waiting_since is not None and waiting_since < ended_at else ended_at


def _close_open_steps(dossier: Dossier, *, status: StepStatus = StepStatus.SKIPPED) -> None:
    dossier.steps.filter(status__in=[StepStatus.ACTIVE, StepStatus.PENDING]).update(status=status)


def _hand_over(
    *,
    dossier: Dossier,
    step: DossierStep,
    next_step: DossierStep | None,
    giver: AbstractBaseUser,
    receiver: AbstractBaseUser | None,
    at: datetime,
    note: str,
    held: Held | None = None,
    writes: _Writes | None = None,
) -> Handover:
    """Complete ``step`` and start ``next_step``, the first pending one (assigned to ``receiver``), or
    none when the result goes to the applicant; record the hand-over. ``held``: memberships already
    read by :func:`_held` (including the receiver's at the next step's agency). ``writes``: the
    transition's batch the rows join (the caller sends it); without it they are written now."""
    if receiver is not None and next_step is not None:
        if held is None:
            held = _held([receiver], at=at, agency_ids=[next_step.agency_id])
        is_member = any(user_id == receiver.pk and agency_id == next_step.agency_id for user_id, agency_id, _ in held)
        if not is_member:
            raise DossierError(
                DossierErrorCode.RECEIVER_NOT_MEMBER,
                f"Người nhận bàn giao không thuộc {next_step.agency} (cơ quan thực hiện bước «{next_step.name}»).",
            )
    if at < (step.started_at or at):
        raise _invalid("Thời điểm bàn giao không được trước thời điểm bắt đầu bước xử lý.")
    batch = writes if writes is not None else _Writes()
    step.status = StepStatus.DONE
    step.completed_at = at
    batch.update(step, ["status", "completed_at"])
    if next_step is not None:
        next_step.status = StepStatus.ACTIVE
        next_step.started_at = at
        next_step.assignee_id = receiver.pk if receiver is not None else None
        batch.update(next_step, ["status", "started_at", "assignee"])
    handover = Handover(
        dossier=dossier,
        step=step,
        giver_id=giver.pk,
        giver_agency_id=step.agency_id,
        receiver_id=receiver.pk if receiver is not None and next_step is not None else None,
        receiver_agency_id=next_step.agency_id if next_step is not None else None,
        at=at,
        deadline=step.deadline,
        outcome=_outcome(at, step.deadline),
        note=note[:500],
    )
    batch.insert(handover)
    if writes is None:
        batch.send()
    return handover


def _fee_totals(dossier: Dossier) -> tuple[Decimal, Decimal, bool]:
    """(amount due over determined lines, amount paid, whether some line is still undetermined)."""
    lines = list(dossier.fee_lines.order_by().values_list("amount", flat=True))
    due = sum((amount for amount in lines if amount is not None), Decimal(0))
    paid = dossier.payments.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    return due, paid, any(amount is None for amount in lines)


def _unpaid(dossier: Dossier) -> Decimal:
    """What the applicant still owes over the determined fee lines (the payments are read only when
    something is due)."""
    due = sum((a for a in dossier.fee_lines.order_by().values_list("amount", flat=True) if a is not None), Decimal(0))
    if not due:
        return Decimal(0)
    return due - (dossier.payments.aggregate(total=Sum("amount"))["total"] or Decimal(0))


@dataclass(frozen=True)
class _Templates:
    """What reception copies from a version: its competent agencies, steps, fees and documents, in order."""

    competent: tuple[CompetentAgency, ...]
    steps: tuple[ProcedureStep, ...]
    fees: tuple[FeeItem, ...]
    documents: tuple[RequiredDocument, ...]


_templates_cache: dict[tuple[int, datetime], _Templates] = {}


def _templates(version: ProcedureVersion) -> _Templates:
    """The version's competent agencies, steps, fees and documents, kept per process.

    performance: only a version in force (published or retired) reaches here, and a published version
    is frozen (catalogue: only drafts change), so its rows never change once read; the key holds the
    creation moment so that a row id reused after a rolled-back transaction (SQLite) is a new entry.
    """
    assert version.status != VersionStatus.DRAFT  # drafts change: never cached
    key = (version.pk, version.created_at)
    cached = _templates_cache.get(key)
    if cached is None:
        cached = _Templates(
            competent=tuple(version.competent_agencies.order_by("order")),
            steps=tuple(version.steps.order_by("order")),
            fees=tuple(version.fees.order_by("order")),
            documents=tuple(version.documents.order_by("order")),
        )
        if len(_templates_cache) >= 5000:
            _templates_cache.clear()
        _templates_cache[key] = cached
    return cached


def _version_statement(procedure: Procedure, at: datetime) -> tuple[str, list[Any]]:
    """The read of :func:`_version_for`, as ``(sql, params)`` for a batch of reads (:class:`_Reads`)."""
    published = [VersionStatus.PUBLISHED.value, VersionStatus.RETIRED.value]
    moment = connection.ops.adapt_datetimefield_value(at)
    return _VERSION_IN_FORCE_SQL, [procedure.pk, *published, moment, moment]


def _version_for(procedure: Procedure, at: datetime, rows: list[tuple[Any, ...]] | None = None) -> ProcedureVersion:
    """The version in force at ``at``: the rule of ``catalogue.selectors.procedure_version_current``,
    without its joins (reception takes the steps and fees from :func:`_templates`). ``rows``: those of
    :func:`_version_statement` when the caller already read them; by default read here."""
    if rows is None:
        sql, params = _version_statement(procedure, at)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
    if not rows:
        raise DossierError(
            DossierErrorCode.VERSION_NOT_IN_FORCE,
            f"Thủ tục {procedure.code} không có phiên bản đang áp dụng vào thời điểm nộp hồ sơ.",
        )
    if len(rows) > 1:
        raise ProcedureVersion.MultipleObjectsReturned(f"{len(rows)} versions of {procedure.code} in force at {at}")
    version = _from_row(ProcedureVersion, rows[0])
    version.procedure = procedure
    return version


def _check_competent(version: ProcedureVersion, agency: Agency, at: datetime) -> None:
    """The agency must be valid on the day and listed (by name, or by level and kind) for the version."""
    day = reception_day(at)
    if not agency.is_valid_on(day):
        raise DossierError(
            DossierErrorCode.AGENCY_NOT_COMPETENT,
            f"{agency} không còn (hoặc chưa có) hiệu lực vào ngày {day:%d/%m/%Y}.",
        )
    for row in _templates(version).competent:
        if row.agency_id == agency.pk or (
            not row.agency_id and row.agency_kind == agency.kind and row.level == agency.level
        ):
            return
    raise DossierError(
        DossierErrorCode.AGENCY_NOT_COMPETENT,
        f"{agency} không phải cơ quan có thẩm quyền giải quyết thủ tục «{version.name}».",
    )


def _new_dossier(
    *,
    procedure: Procedure,
    applicant: Applicant,
    channel: Channel,
    receiving_agency: Agency,
    competent_agency: Agency,
    assisted_at: Agency | None,
    at: datetime,
    version_rows: list[tuple[Any, ...]] | None = None,
) -> Dossier:
    """The dossier to save (not saved), after the checks every new dossier passes; ``version_rows``:
    the rows of :func:`_version_statement` when the caller read them with its other reads."""
    _check_at(at)
    applicant = applicant.validated(require_phone=channel == Channel.ONLINE)
    version = _version_for(procedure, at, version_rows)
    _check_competent(version, competent_agency, at)
    for agency in (receiving_agency, assisted_at):
        if agency is not None and not agency.is_valid_on(reception_day(at)):
            raise _invalid(f"{agency} không còn (hoặc chưa có) hiệu lực vào ngày {reception_day(at):%d/%m/%Y}.")
    return Dossier(
        procedure_version=version,
        status=DossierStatus.NEW,
        channel=channel,
        applicant_kind=applicant.kind,
        applicant_name=applicant.name,
        applicant_id_number=applicant.id_number,
        applicant_phone=applicant.phone,
        applicant_email=applicant.email,
        applicant_address=applicant.address,
        notify_channels=list(applicant.notify_channels or ()),
        assisted_at=assisted_at,
        receiving_agency=receiving_agency,
        competent_agency=competent_agency,
        submitted_at=at,
    )


def _receive(
    dossier: Dossier,
    *,
    actor: AbstractBaseUser,
    at: datetime,
    number: int | None = None,
    calendar_version: int | None = None,
) -> _Writes:
    """Give the code, set the appointment; the dossier's row (inserted when new, else updated), its
    steps and fee lines copied from the version are returned as writes for the caller to send with
    the audit event. ``number`` and ``calendar_version``: the dossier number taken and the calendar
    version read by the caller (:func:`dossier_receive_counter`); by default both are read here.

    A new dossier needs its id before the writes are built (its steps and fee lines point to it):
    given by the caller (PostgreSQL: taken from the sequence with the reads) or by saving it now."""
    version = dossier.procedure_version
    unit_code = receiving_unit_code(dossier.receiving_agency)
    day = reception_day(at)
    if number is None:
        dossier.code = dossier_code_next(unit_code=unit_code, day=day)
    else:
        dossier.code = dossier_code(unit_code=unit_code, day=day, number=number)
    dossier.status = DossierStatus.RECEIVED
    dossier.received_at = at
    dossier.received_by_id = actor.pk
    calendar = working_calendar(agency=dossier.competent_agency, version=calendar_version)
    # legal: the appointment counts the statutory time in the procedure's unit from reception (working
    # days or hours, calendar days, or within the day with its cut-off: WorkingCalendar.add_time); a
    # dossier received outside working time counts from the next working moment.
    dossier.due_at = calendar.add_time(
        at,
        amount=version.processing_time,
        unit=version.processing_time_unit,
        cutoff=version.processing_time_cutoff,
    )
    dossier.original_due_at = dossier.statutory_due_at = dossier.due_at
    writes = _Writes()
    if not dossier._state.adding:
        writes.update(
            dossier, ["code", "status", "received_at", "received_by", "due_at", "original_due_at", "statutory_due_at"]
        )
    elif dossier.pk is not None:
        writes.insert(dossier)
    else:
        dossier.save()
    agencies = {
        StepResponsible.RECEIVING: dossier.receiving_agency_id,
        StepResponsible.COMPETENT: dossier.competent_agency_id,
    }
    deadline = at
    first = True
    for template in _templates(version).steps:
        deadline = calendar.add_working_hours(deadline, template.duration_hours)
        writes.insert(
            DossierStep(
                dossier=dossier,
                order=template.order,
                name=template.name,
                agency_id=template.agency_id or agencies[StepResponsible(template.responsible)],
                staff_role=template.staff_role,
                duration_hours=template.duration_hours,
                is_inter_agency=template.is_inter_agency,
                deadline=deadline,
                status=StepStatus.ACTIVE if first else StepStatus.PENDING,
                assignee_id=actor.pk if first else None,
                started_at=at if first else None,
            )
        )
        first = False
    for item in _templates(version).fees:
        amount = item.amount
        table_amounts = {row.get("amount") for row in item.amount_table or [] if isinstance(row, dict)}
        if amount is None and len(table_amounts) == 1:
            # a table with a single amount (e.g. 0 for every case) is no real choice
            amount = Decimal(str(next(iter(table_amounts))))
        writes.insert(FeeLine(dossier=dossier, order=item.order, kind=item.kind, name=item.name, amount=amount))
    return writes


# --- submission and reception -------------------------------------------------------------------


@transaction.atomic
def dossier_submit_online(
    *,
    procedure: Procedure,
    applicant: Applicant,
    receiving_agency: Agency,
    competent_agency: Agency,
    at: datetime,
    assisted_at: Agency | None = None,
) -> Dossier:
    """An applicant files a dossier online: status "Mới đăng ký" (sync code 1), no code or clock yet.

    The version in force at ``at`` is kept for the dossier's whole life. The competent agency must be
    one the version names (or of its level and kind); the receiving desk may lie anywhere in the
    province (NĐ 118/2025: reception regardless of administrative boundary). Audit: ``dossier.submit``.
    """
    dossier = _new_dossier(
        procedure=procedure,
        applicant=applicant,
        channel=Channel.ONLINE,
        receiving_agency=receiving_agency,
        competent_agency=competent_agency,
        assisted_at=assisted_at,
        at=at,
    )
    dossier.save()
    audit_record(
        actor=None,
        action="dossier.submit",
        target=dossier,
        before=None,
        after=audit_snapshot(dossier, SNAPSHOT_FIELDS),
        at=at,
    )
    return dossier


@transaction.atomic
def dossier_receive_counter(
    *,
    procedure: Procedure,
    applicant: Applicant,
    receiving_agency: Agency,
    competent_agency: Agency,
    actor: AbstractBaseUser,
    at: datetime,
    channel: Channel = Channel.IN_PERSON,
    assisted_at: Agency | None = None,
    documents: Iterable[PaperDocument] | None = None,
) -> Dossier:
    """A reception officer receives a paper (in person or postal) dossier: created and received at once.

    legal: the receipt slip (form 01, TT 03/2025) carries the code and the appointment; a dossier is
    received only when its composition is complete (NĐ 118/2025 Điều 16-17). ``documents`` is the
    checklist the officer ticked: every mandatory catalogue document must be in it, and it is stored
    with the dossier. ``None`` (bulk and programmatic callers) records no checklist. The officer must
    hold the reception role at the receiving agency. Audit: one ``dossier.receive`` event.
    """
    if channel == Channel.ONLINE:
        raise _invalid("Hồ sơ trực tuyến được nộp qua cổng dịch vụ công rồi mới tiếp nhận.")
    _check_at(at)
    # performance: every read of the reception in one round trip on PostgreSQL (with BEGIN): the
    # officer's memberships, the version in force, the calendar version, the day's dossier number and
    # the new dossier's id. The number is taken before the checks: a refusal rolls it back (gapless).
    pg = connection.vendor == "postgresql"
    day = reception_day(at)
    try:
        unit_code: str | None = receiving_unit_code(receiving_agency)
    except DossierError:
        unit_code = None  # refused below, in its turn (_receive)
    reads = _Reads()
    held_at = reads.add(*membership_roles_held_statement(user_ids=[actor.pk], on=day, area=Area.ONE_STOP))
    version_at = reads.add(*_version_statement(procedure, at))
    calendar_at = reads.add(*calendar_version_statement())
    number_at = reads.add(*dossier_number_statement(unit_code=unit_code, day=day)) if pg and unit_code else None
    id_at = reads.add(_NEXT_DOSSIER_ID_SQL, []) if pg else None
    rows = reads.run()
    held = {(int(u), int(a), str(r)) for u, a, r in rows[held_at]}
    _require_officer(actor, at=at, grants=[(receiving_agency, [Role.RECEPTION])], held=held)
    dossier = _new_dossier(
        procedure=procedure,
        applicant=applicant,
        channel=channel,
        receiving_agency=receiving_agency,
        competent_agency=competent_agency,
        assisted_at=assisted_at,
        at=at,
        version_rows=rows[version_at],
    )
    papers = _paper_documents_check(dossier.procedure_version, documents) if documents is not None else None
    if id_at is not None:
        dossier.pk = int(rows[id_at][0][0])
    writes = _receive(
        dossier,
        actor=actor,
        at=at,
        number=int(rows[number_at][0][0]) if number_at is not None else None,
        calendar_version=int(rows[calendar_at][0][0]) if rows[calendar_at] else 0,
    )
    details = None
    if papers is not None:
        _paper_documents_store(dossier, papers, actor=actor, at=at, writes=writes)
        details = {"documents": [{"name": d.name, "copies": c} for d, c in papers]}
    _finish(writes, actor=actor, action=Action.RECEIVE, dossier=dossier, before=None, at=at, details=details)
    return dossier


def _mandatory_documents_check(absent: Iterable[RequiredDocument], message: str) -> None:
    """Refuse (``dossier.documents_missing``) when a mandatory catalogue document is among ``absent``;
    ``message`` gets the quoted names in place of ``{}``."""
    missing = [d.name for d in absent if d.mandatory]
    if missing:
        raise DossierError(DossierErrorCode.DOCUMENTS_MISSING, message.format("; ".join(f"«{n}»" for n in missing)))


def _paper_documents_check(
    version: ProcedureVersion, documents: Iterable[PaperDocument]
) -> list[tuple[RequiredDocument, int]]:
    """The ticked checklist against the version's documents: known lines, sane copies, nothing mandatory missing."""
    lines = {d.pk: d for d in _templates(version).documents}
    chosen: dict[int, int] = {}
    for paper in documents:
        if paper.required_document_id not in lines:
            raise _invalid("Giấy tờ đã đánh dấu không thuộc thành phần hồ sơ của thủ tục này.")
        if not 1 <= paper.copies <= 99:
            raise _invalid("Số bản của mỗi giấy tờ phải từ 1 đến 99.")
        chosen[paper.required_document_id] = paper.copies
    _mandatory_documents_check(
        [d for d in lines.values() if d.pk not in chosen],
        "Thiếu giấy tờ bắt buộc: {}. Chưa đủ thành phần hồ sơ thì chưa tiếp nhận.",
    )
    return sorted(((lines[pk], copies) for pk, copies in chosen.items()), key=lambda item: item[0].order)


def _paper_documents_store(
    dossier: Dossier,
    papers: list[tuple[RequiredDocument, int]],
    *,
    actor: AbstractBaseUser,
    at: datetime,
    writes: _Writes,
) -> None:
    for n, (document, copies) in enumerate(papers, start=1):
        writes.insert(
            DossierDocument(
                dossier=dossier,
                required_document=document,
                order=n,
                name=document.name,
                document_type_code=document.document_type_code,
                source=DocumentSource.PAPER,
                copies=copies,
                recorded_at=at,
                recorded_by_id=actor.pk,
            )
        )


@transaction.atomic
def dossier_receive(*, dossier: Dossier, actor: AbstractBaseUser, at: datetime) -> Dossier:
    """Receive an online dossier ("Mới đăng ký" -> "Được tiếp nhận"): code, appointment, steps, fees.

    The statutory clock starts at ``at`` (next working moment when outside office hours).
    Audit: ``dossier.receive``.
    """
    _check_at(at)
    seen = dossier.status
    locked = _lock(dossier)
    _check_transition(locked, Action.RECEIVE, seen=seen)
    _require_officer(actor, at=at, grants=[_reception_officer(locked)])
    if at < locked.submitted_at:
        raise _invalid("Thời điểm tiếp nhận không được trước thời điểm nộp hồ sơ.")
    before = audit_snapshot(locked, SNAPSHOT_FIELDS)
    _finish(
        _receive(locked, actor=actor, at=at), actor=actor, action=Action.RECEIVE, dossier=locked, before=before, at=at
    )
    return locked


@transaction.atomic
def dossier_refuse(*, dossier: Dossier, actor: AbstractBaseUser, at: datetime, reason: str) -> Dossier:
    """Refuse to receive a dossier, with the reason (form 03, TT 03/2025); also one the desk sent back
    for completion before reception that the applicant did not complete. Audit: ``dossier.refuse``."""
    _check_at(at)
    seen = dossier.status
    locked = _lock(dossier)
    _check_transition(locked, Action.REFUSE, seen=seen)
    _require_officer(actor, at=at, grants=[_reception_officer(locked)])
    reason = reason.strip()
    if not reason:
        raise _invalid("Cần ghi rõ lý do từ chối tiếp nhận hồ sơ.")
    before = audit_snapshot(locked, SNAPSHOT_FIELDS)
    locked.status = DossierStatus.REFUSED
    locked.ended_at = at
    locked.end_reason = reason
    locked.save()
    _audit(actor=actor, action=Action.REFUSE, dossier=locked, before=before, at=at)
    return locked


# --- processing ---------------------------------------------------------------------------------


@transaction.atomic
def dossier_complete_step(
    *,
    dossier: Dossier,
    actor: AbstractBaseUser,
    at: datetime,
    receiver: AbstractBaseUser | None = None,
    note: str = "",
) -> Handover:
    """Complete the active step and hand the dossier to the next one (form 06 line); status "Đang xử lý".

    The giver must act for the step's agency; the receiver, when named, must act for the next step's
    agency (the hand-over is then assigned to them). The outcome compares ``at`` with the step's
    deadline. Audit: ``dossier.complete_step``.
    """
    _check_at(at)
    seen = dossier.status
    # the memberships of the giver and the receiver come with the lock (one round trip on PostgreSQL)
    read = _lock_with_open_steps(dossier, members=[actor, receiver], at=at)
    locked, step, held = read.dossier, read.active, read.held
    _check_transition(locked, Action.COMPLETE_STEP, seen=seen)
    if step is None:
        raise DossierError(DossierErrorCode.NO_ACTIVE_STEP, "Hồ sơ không còn bước xử lý nào đang thực hiện.")
    next_step = read.next_pending
    _require_officer(actor, at=at, grants=[(step.agency_id, list(Role))], held=held)
    before = audit_snapshot(locked, SNAPSHOT_FIELDS)
    writes = _Writes()
    handover = _hand_over(
        dossier=locked,
        step=step,
        next_step=next_step,
        giver=actor,
        receiver=receiver,
        at=at,
        note=note,
        held=held,
        writes=writes,
    )
    if locked.status != DossierStatus.IN_PROCESS:
        locked.status = DossierStatus.IN_PROCESS
        writes.update(locked, ["status"])
    _finish(
        writes,
        actor=actor,
        action=Action.COMPLETE_STEP,
        dossier=locked,
        before=before,
        at=at,
        details={"step": step.order, "outcome": handover.outcome, "receiver_id": handover.receiver_id},
    )
    return handover


@transaction.atomic
def dossier_request_supplement(*, dossier: Dossier, actor: AbstractBaseUser, at: datetime, reason: str) -> Dossier:
    """Ask the applicant to supplement the dossier (form 02): the clock pauses until they resubmit.

    legal (QĐ 766 as applied by the national portal): a second supplement request on the same dossier
    makes it late, whatever the dates ("request supplements only once").

    Before reception (an online dossier "Mới đăng ký"): only the receiving desk asks (NĐ 118/2025
    Điều 16: the desk asks for the missing or incomplete documents; form 02 of TT 03/2025). No clock
    runs yet, so nothing pauses and the request is not one of processing (``supplement_count`` and
    the indicators ignore it); completed, the dossier returns to the desk's queue as "Mới đăng ký".
    Audit: ``dossier.request_supplement``.
    """
    _check_at(at)
    seen = dossier.status
    locked = _lock(dossier)
    _check_transition(locked, Action.REQUEST_SUPPLEMENT, seen=seen)
    before_reception = locked.status == DossierStatus.NEW
    if before_reception:
        _require_officer(actor, at=at, grants=[_reception_officer(locked)])
        if at < locked.submitted_at:
            raise _invalid("Thời điểm yêu cầu bổ sung không được trước thời điểm nộp hồ sơ.")
    else:
        _require_officer(actor, at=at, grants=[_competent_officer(locked), _reception_officer(locked)])
    reason = reason.strip()
    if not reason:
        raise _invalid("Cần ghi rõ giấy tờ, nội dung phải bổ sung.")
    before = audit_snapshot(locked, SNAPSHOT_FIELDS)
    SupplementRequest.objects.create(
        dossier=locked, requested_at=at, requested_by_id=actor.pk, reason=reason, before_reception=before_reception
    )
    if not before_reception:
        locked.supplement_count += 1
        if locked.supplement_count > 1:
            locked.is_late = True
    locked.resume_status = locked.status
    locked.status = DossierStatus.SUPPLEMENT_REQUESTED
    locked.save()
    details: dict[str, Any] = {"reason": reason}
    if before_reception:
        details["before_reception"] = True
    _audit(actor=actor, action=Action.REQUEST_SUPPLEMENT, dossier=locked, before=before, at=at, details=details)
    return locked


def _supplement_files_check(
    version: ProcedureVersion, files: Mapping[int, Any]
) -> list[tuple[RequiredDocument, CheckedUpload]]:
    """The files an applicant hands in with a supplement (by catalogue document order): known lines,
    each file's content, size and type checked; none is mandatory (the request says what is missing)."""
    lines = {d.order: d for d in _templates(version).documents}
    present = {order: file for order, file in files.items() if file is not None}
    limit = int(getattr(settings, "CCHC_UPLOAD_MAX_FILES", 20))
    if len(present) > limit:
        raise _invalid(f"Mỗi lần bổ sung đính kèm tối đa {limit} tệp.")
    if any(order not in lines for order in present):
        raise _invalid("Tệp đính kèm không ứng với thành phần hồ sơ nào của thủ tục này.")
    return [(lines[order], upload_check(file=present[order], label=lines[order].name)) for order in sorted(present)]


@transaction.atomic
def dossier_resubmit_supplement(
    *, dossier: Dossier, actor: AbstractBaseUser | None, at: datetime, files: Mapping[int, Any] | None = None
) -> Dossier:
    """The applicant hands in the supplement: the clock resumes and every open deadline moves.

    The paused working time (request -> resubmission, office hours only) is added to the appointment
    and to the deadlines of the steps not yet done. ``actor=None``: the applicant online; otherwise a
    reception officer of the receiving agency. ``files`` (catalogue document order -> file, checked
    by content as at submission) are added to the dossier's components. A supplement asked before
    reception pauses nothing (no clock ran) and returns the dossier to "Mới đăng ký", back in the
    desk's queue. Audit: ``dossier.resubmit_supplement``.
    """
    _check_at(at)
    seen = dossier.status
    locked = _lock(dossier)
    _check_transition(locked, Action.RESUBMIT_SUPPLEMENT, seen=seen)
    if actor is not None:
        _require_officer(actor, at=at, grants=[_reception_officer(locked)])
    request = locked.supplements.get(resumed_at__isnull=True)
    if at < request.requested_at:
        raise _invalid("Thời điểm nộp bổ sung không được trước thời điểm yêu cầu bổ sung.")
    uploads = _supplement_files_check(locked.procedure_version, files) if files else []
    before = audit_snapshot(locked, SNAPSHOT_FIELDS)
    paused = 0
    if not request.before_reception:
        calendar = _calendar(locked)
        paused = calendar.working_seconds_between(request.requested_at, at)
    request.resumed_at = at
    request.paused_seconds = paused
    request.save(update_fields=["resumed_at", "paused_seconds"])
    locked.paused_seconds += paused
    if paused and locked.due_at is not None:
        locked.due_at = calendar.add_working_hours(locked.due_at, _hours(paused))
        if locked.statutory_due_at is not None:
            locked.statutory_due_at = calendar.add_working_hours(locked.statutory_due_at, _hours(paused))
        open_steps = list(locked.steps.filter(status__in=[StepStatus.ACTIVE, StepStatus.PENDING]))
        for step in open_steps:
            step.deadline = calendar.add_working_hours(step.deadline, _hours(paused))
        DossierStep.objects.bulk_update(open_steps, ["deadline"])
    locked.status = locked.resume_status or DossierStatus.IN_PROCESS
    locked.resume_status = ""
    locked.save()
    details: dict[str, Any] = {"paused": paused}
    written: list[str] = []
    try:
        if uploads:
            details["documents"] = _uploads_store(
                locked,
                uploads,
                at=at,
                written=written,
                first=(locked.documents.aggregate(n=Max("order"))["n"] or 0) + 1,
            )
        _audit(actor=actor, action=Action.RESUBMIT_SUPPLEMENT, dossier=locked, before=before, at=at, details=details)
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise
    return locked


@transaction.atomic
def dossier_request_financial_obligation(
    *,
    dossier: Dossier,
    actor: AbstractBaseUser,
    at: datetime,
    amounts: Mapping[int, Decimal] | None = None,
) -> Dossier:
    """Ask the applicant to pay the dossier's fees ("Yêu cầu thực hiện nghĩa vụ tài chính", sync code 6).

    ``amounts`` fixes fee lines (by their order) whose amount depends on the case. Refused while a line
    is still undetermined or when nothing remains to pay. Full payment returns the dossier to the
    status it left. Audit: ``dossier.request_financial_obligation``.
    """
    _check_at(at)
    seen = dossier.status
    locked = _lock(dossier)
    _check_transition(locked, Action.REQUEST_FINANCIAL_OBLIGATION, seen=seen)
    _require_officer(actor, at=at, grants=[_competent_officer(locked), _reception_officer(locked)])
    lines = {line.order: line for line in locked.fee_lines.all()}
    for order, amount in (amounts or {}).items():
        if order not in lines:
            raise _invalid(f"Hồ sơ không có khoản phí số {order}.")
        if not isinstance(amount, Decimal) or not amount.is_finite() or amount < 0 or amount != amount.to_integral():
            raise _invalid("Số tiền phải là số đồng nguyên không âm.")
    undetermined = [line.name for order, line in lines.items() if line.amount is None and order not in (amounts or {})]
    if undetermined:
        raise DossierError(
            DossierErrorCode.FEES_UNDETERMINED, f"Chưa xác định số tiền của khoản: {', '.join(undetermined)}."
        )
    before = audit_snapshot(locked, SNAPSHOT_FIELDS)
    changed = []
    for order, amount in (amounts or {}).items():
        lines[order].amount = amount
        changed.append(lines[order])
    FeeLine.objects.bulk_update(changed, ["amount"])
    due, paid, _ = _fee_totals(locked)
    if due <= paid:
        raise _invalid("Hồ sơ không còn khoản phí, lệ phí nào phải nộp.")
    locked.resume_status = locked.status
    locked.status = DossierStatus.FINANCIAL_OBLIGATION_REQUESTED
    locked.save()
    _audit(
        actor=actor,
        action=Action.REQUEST_FINANCIAL_OBLIGATION,
        dossier=locked,
        before=before,
        at=at,
        details={"due": due, "paid": paid},
    )
    return locked


@transaction.atomic
def dossier_record_payment(
    *,
    dossier: Dossier,
    actor: AbstractBaseUser | None,
    at: datetime,
    amount: Decimal,
    channel: PaymentChannel,
    receipt_number: str,
) -> Payment:
    """Record a payment towards the dossier's fees; paying in full ends a financial-obligation request.

    ``actor=None`` only for the online gateway (its callback comes in a later issue); a counter or bank
    payment is recorded by a reception officer or clerk of the receiving agency. A receipt number is
    recorded once per dossier (idempotency: a repeated gateway callback is refused, not doubled).
    Audit: ``dossier.record_payment``.
    """
    _check_at(at)
    channel = PaymentChannel(channel)
    seen = dossier.status
    locked = _lock(dossier)
    _check_transition(locked, Action.RECORD_PAYMENT, seen=seen)
    if actor is not None or channel != PaymentChannel.ONLINE_GATEWAY:
        _require_officer(actor, at=at, grants=[_reception_officer(locked, Role.RECEPTION, Role.CLERK)])
    receipt_number = receipt_number.strip()
    if not receipt_number:
        raise _invalid("Thiếu số biên lai.")
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount <= 0 or amount != amount.to_integral():
        raise _invalid("Số tiền thanh toán phải là số đồng nguyên dương.")
    if locked.payments.filter(receipt_number=receipt_number).exists():
        raise DossierError(DossierErrorCode.DUPLICATE_RECEIPT, f"Biên lai số {receipt_number} đã được ghi nhận.")
    before = audit_snapshot(locked, SNAPSHOT_FIELDS)
    payment = Payment.objects.create(
        dossier=locked,
        amount=amount,
        channel=channel,
        paid_at=at,
        receipt_number=receipt_number,
        recorded_by_id=actor.pk if actor is not None else None,
    )
    due, paid, _ = _fee_totals(locked)
    if locked.status == DossierStatus.FINANCIAL_OBLIGATION_REQUESTED and paid >= due:
        locked.status = locked.resume_status or DossierStatus.IN_PROCESS
        locked.resume_status = ""
        locked.save()
    _audit(
        actor=actor,
        action=Action.RECORD_PAYMENT,
        dossier=locked,
        before=before,
        at=at,
        details={"amount": amount, "channel": channel.value, "receipt_number": receipt_number, "paid": paid},
    )
    return payment


# legal: how many days before the deadline's day the apology letter must be sent at the latest:
# NĐ 61/2018/NĐ-CP Điều 19 khoản 1 điểm c as amended by NĐ 107/2021/NĐ-CP ("chậm nhất 01 ngày trước
# ngày hết hạn"), a rule NĐ 118/2025/NĐ-CP keeps for form 04 of TT 03/2025/TT-VPCP. Counted in calendar
# days, Vietnam time (the article says "ngày", not "ngày làm việc"): a deadline of 08:00 on the 10th
# takes an apology dated the 9th at the latest. The article text is not in our notes (domain-vn §7):
# a province reading it differently sets ``CCHC_EXTENSION_LEAD_DAYS`` (0: any time before the deadline).
EXTENSION_LEAD_DAYS = 1


def _extension_lead_days() -> int:
    return max(0, int(getattr(settings, "CCHC_EXTENSION_LEAD_DAYS", EXTENSION_LEAD_DAYS)))


@transaction.atomic
def dossier_apologise_extend(
    *, dossier: Dossier, actor: AbstractBaseUser, at: datetime, new_due_at: datetime, reason: str
) -> Extension:
    """Apologise and give the applicant one new, later appointment (form 04, TT 03/2025/TT-VPCP).

    legal: NĐ 61/2018/NĐ-CP Điều 19 khoản 1 điểm c, as amended by NĐ 107/2021/NĐ-CP and carried into
    NĐ 118/2025/NĐ-CP: the competent agency of a dossier that will be late sends the applicant an
    apology with the reason and a new appointment, at the latest :data:`EXTENSION_LEAD_DAYS` day before
    the deadline's day (else ``dossier.extension_too_late``), and the appointment is given again no
    more than once (else ``dossier.extension_repeated``). The new appointment must be later than the
    statutory one (``dossier.extension_not_later``).

    Invariant: the extension never makes a late dossier on time. ``due_at`` (the appointment the
    applicant holds, the work queues' order) takes the new date; ``statutory_due_at``, against which
    QĐ 766 and ``is_late`` judge lateness, does not move; ``original_due_at`` (form 01) stays.
    Audit: ``dossier.apologise_extend``.
    """
    _check_at(at)
    _check_at(new_due_at)
    seen = dossier.status
    locked = _lock(dossier)
    _check_transition(locked, Action.APOLOGISE_EXTEND, seen=seen)
    _require_officer(actor, at=at, grants=[_competent_officer(locked)])
    reason = reason.strip()
    if not reason:
        raise _invalid("Cần nêu lý do chậm trễ trong văn bản xin lỗi.")
    assert locked.due_at is not None  # set at reception
    if locked.extensions.exists():
        raise DossierError(
            DossierErrorCode.EXTENSION_REPEATED,
            f"Hồ sơ đã được xin lỗi và hẹn lại ngày trả kết quả ({_when_text(locked.due_at)}); "
            "việc hẹn lại ngày trả kết quả chỉ thực hiện không quá một lần.",
        )
    lead = _extension_lead_days()
    if at >= locked.due_at or (reception_day(locked.due_at) - reception_day(at)).days < lead:
        raise DossierError(
            DossierErrorCode.EXTENSION_TOO_LATE,
            f"Văn bản xin lỗi và hẹn lại ngày trả kết quả phải gửi chậm nhất {lead} ngày trước ngày hết hạn "
            f"giải quyết ({_when_text(locked.due_at)}); hồ sơ này không còn gia hạn được và sẽ tính là trễ hạn."
            if lead
            else f"Văn bản xin lỗi và hẹn lại ngày trả kết quả phải gửi trước thời hạn giải quyết "
            f"({_when_text(locked.due_at)}).",
        )
    if new_due_at <= locked.due_at:
        raise DossierError(
            DossierErrorCode.EXTENSION_NOT_LATER, "Thời hạn trả kết quả mới phải sau thời hạn đã hẹn hiện tại."
        )
    before = audit_snapshot(locked, SNAPSHOT_FIELDS)
    extension = Extension.objects.create(
        dossier=locked, at=at, actor_id=actor.pk, previous_due_at=locked.due_at, new_due_at=new_due_at, reason=reason
    )
    locked.due_at = new_due_at
    locked.save(update_fields=["due_at"])
    _audit(
        actor=actor, action=Action.APOLOGISE_EXTEND, dossier=locked, before=before, at=at, details={"reason": reason}
    )
    return extension


def _when_text(moment: datetime) -> str:
    """A moment as the messages write it: "08:00 ngày 10/01/2026" (Vietnam time)."""
    return moment.astimezone(VN_TZ).strftime("%H:%M ngày %d/%m/%Y")


@transaction.atomic
def dossier_mark_processed(
    *, dossier: Dossier, actor: AbstractBaseUser, at: datetime, receiver: AbstractBaseUser | None = None
) -> Dossier:
    """The result is ready ("Đã xử lý xong", sync code 9): the end of processing for the national index.

    The active step is handed over to the next one (usually the return of the result at the desk).
    ``is_late`` is set when ``at`` is after the appointment in force or after a second supplement
    request (QĐ 766). Audit: ``dossier.mark_processed``.
    """
    _check_at(at)
    seen = dossier.status
    read = _lock_with_open_steps(dossier, members=[actor, receiver], at=at)
    locked, step, held = read.dossier, read.active, read.held
    _check_transition(locked, Action.MARK_PROCESSED, seen=seen)
    grants = [_competent_officer(locked)]
    if step is not None:
        grants.append((step.agency_id, [Role.SPECIALIST, Role.LEADER]))
    next_step = read.next_pending if step is not None else None
    _require_officer(actor, at=at, grants=grants, held=held)
    before = audit_snapshot(locked, SNAPSHOT_FIELDS)
    writes = _Writes()
    if step is not None and next_step is not None:
        _hand_over(
            dossier=locked,
            step=step,
            next_step=next_step,
            giver=actor,
            receiver=receiver,
            at=at,
            note="Đã xử lý xong",
            held=held,
            writes=writes,
        )
    locked.status = DossierStatus.PROCESSED
    locked.processed_at = at
    locked.is_late = _late_at_end(locked, at)
    writes.update(locked, ["status", "processed_at", "is_late"])
    _finish(writes, actor=actor, action=Action.MARK_PROCESSED, dossier=locked, before=before, at=at)
    return locked


@transaction.atomic
def dossier_return_result(*, dossier: Dossier, actor: AbstractBaseUser, at: datetime, note: str = "") -> Dossier:
    """Hand the result to the applicant ("Đã trả kết quả", sync code 10).

    Refused while the fees fixed on the dossier are not paid in full. The active step is closed with a
    hand-over to the applicant; steps never reached are marked as not carried out.
    Audit: ``dossier.return_result``.
    """
    _check_at(at)
    seen = dossier.status
    read = _lock_with_open_steps(dossier, members=[actor], at=at, fees=True)
    locked, step, held = read.dossier, read.active, read.held
    _check_transition(locked, Action.RETURN_RESULT, seen=seen)
    _require_officer(actor, at=at, grants=[_reception_officer(locked, Role.CLERK, Role.RECEPTION)], held=held)
    unpaid = read.unpaid
    assert unpaid is not None
    if unpaid > 0:
        raise DossierError(
            DossierErrorCode.FEES_UNPAID,
            f"Người nộp còn phải nộp {vi_number(unpaid, 0)} đồng phí, lệ phí trước khi nhận kết quả.",
        )
    before = audit_snapshot(locked, SNAPSHOT_FIELDS)
    writes = _Writes()
    if step is not None:
        _hand_over(
            dossier=locked, step=step, next_step=None, giver=actor, receiver=None, at=at, note=note, writes=writes
        )
    if read.pending:  # steps never reached: not carried out (the ones read above: the dossier is locked)
        writes.statement(_SKIP_PENDING_SQL, [StepStatus.SKIPPED.value, locked.pk, StepStatus.PENDING.value])
    locked.status = DossierStatus.RETURNED
    locked.returned_at = at
    writes.update(locked, ["status", "returned_at"])
    _finish(writes, actor=actor, action=Action.RETURN_RESULT, dossier=locked, before=before, at=at)
    return locked


# --- ending early -------------------------------------------------------------------------------


@transaction.atomic
def dossier_withdraw(*, dossier: Dossier, actor: AbstractBaseUser | None, at: datetime, reason: str = "") -> Dossier:
    """The applicant withdraws the dossier ("Công dân yêu cầu rút hồ sơ", sync code 7).

    ``actor=None``: the applicant online; otherwise a reception officer records the written request.
    Withdrawal counts as the end of processing for the national index. Audit: ``dossier.withdraw``.
    """
    _check_at(at)
    seen = dossier.status
    locked = _lock(dossier)
    _check_transition(locked, Action.WITHDRAW, seen=seen)
    if actor is not None:
        _require_officer(actor, at=at, grants=[_reception_officer(locked)])
    before = audit_snapshot(locked, SNAPSHOT_FIELDS)
    _close_open_steps(locked)
    locked.status = DossierStatus.WITHDRAWN
    locked.ended_at = at
    locked.end_reason = reason.strip()
    locked.save()
    _audit(actor=actor, action=Action.WITHDRAW, dossier=locked, before=before, at=at)
    return locked


@transaction.atomic
def dossier_stop(*, dossier: Dossier, actor: AbstractBaseUser, at: datetime, reason: str) -> Dossier:
    """Stop processing, with the reason ("Dừng xử lý", form 05 of TT 03/2025, sync code 8).

    Only the competent agency's specialist or leader stops a dossier; lateness is judged as at any end
    (QĐ 766), at :func:`end_of_processing`: a dossier stopped while waiting for a supplement the
    applicant never brought ended when the supplement was requested, not when it was stopped.
    Audit: ``dossier.stop``.
    """
    _check_at(at)
    seen = dossier.status
    locked = _lock(dossier)
    _check_transition(locked, Action.STOP, seen=seen)
    _require_officer(actor, at=at, grants=[_competent_officer(locked)])
    reason = reason.strip()
    if not reason:
        raise _invalid("Cần ghi rõ lý do dừng giải quyết hồ sơ.")
    waiting = locked.supplements.filter(resumed_at__isnull=True).values_list("requested_at", flat=True).first()
    before = audit_snapshot(locked, SNAPSHOT_FIELDS)
    _close_open_steps(locked)
    locked.status = DossierStatus.STOPPED
    locked.ended_at = at
    locked.end_reason = reason
    locked.is_late = _late_at_end(locked, end_of_processing(at, waiting_since=waiting))
    locked.save()
    _audit(actor=actor, action=Action.STOP, dossier=locked, before=before, at=at)
    return locked


# --- citizen portal -----------------------------------------------------------------------------


def _uploads_check(version: ProcedureVersion, files: Mapping[int, Any]) -> list[tuple[RequiredDocument, CheckedUpload]]:
    """The files (by catalogue document order) against the version's documents: known lines, every
    mandatory one present, each file's content, size and type checked (``cchc.dossiers.uploads``)."""
    lines = {d.order: d for d in _templates(version).documents}
    limit = int(getattr(settings, "CCHC_UPLOAD_MAX_FILES", 20))
    present = {order: file for order, file in files.items() if file is not None}
    if len(present) > limit:
        raise _invalid(f"Mỗi hồ sơ đính kèm tối đa {limit} tệp.")
    if any(order not in lines for order in present):
        raise _invalid("Tệp đính kèm không ứng với thành phần hồ sơ nào của thủ tục này.")
    _mandatory_documents_check(
        [d for d in lines.values() if d.order not in present], "Thiếu thành phần hồ sơ bắt buộc: {}."
    )
    return [(lines[order], upload_check(file=present[order], label=lines[order].name)) for order in sorted(present)]


def _uploads_store(
    dossier: Dossier,
    uploads: list[tuple[RequiredDocument, CheckedUpload]],
    *,
    at: datetime,
    written: list[str],
    first: int = 1,
) -> list[dict[str, Any]]:
    """Write the checked files to storage (names from ``_document_path``, never the applicant's) and their
    rows, numbered from ``first``; append each stored name to ``written`` so the caller can delete them
    if the transaction fails."""
    rows = []
    for n, (document, upload) in enumerate(uploads, start=first):
        row = DossierDocument(
            dossier=dossier,
            required_document=document,
            order=n,
            name=document.name,
            document_type_code=document.document_type_code,
            source=DocumentSource.UPLOAD,
            copies=1,
            original_name=upload.original_name,
            content_type=upload.content_type,
            extension=upload.extension,
            size=upload.size,
            sha256=upload.sha256,
            recorded_at=at,
        )
        content = upload.file if isinstance(upload.file, File) else File(upload.file)
        row.file.save(upload.extension, content, save=False)
        written.append(row.file.name)
        rows.append(row)
    DossierDocument.objects.bulk_create(rows)
    return [
        {"name": row.name, "file": row.original_name, "size": row.size, "sha256": row.sha256, "type": row.content_type}
        for row in rows
    ]


@transaction.atomic
def dossier_apply_online(
    *,
    procedure: Procedure,
    applicant: Applicant,
    receiving_agency: Agency,
    competent_agency: Agency,
    files: Mapping[int, Any],
    at: datetime,
    assisted_at: Agency | None = None,
) -> Dossier:
    """An applicant files a dossier online with its components as files: "Mới đăng ký", no code yet.

    ``files`` maps the catalogue document's order to the uploaded file. Every mandatory component must be
    there (``dossier.documents_missing``); each file is checked by its content (PDF, JPEG, PNG, .docx),
    its size (``CCHC_UPLOAD_MAX_BYTES``) and hashed before anything is written. Until citizen login
    arrives the applicant gives ID number, phone and email (both required online). The receiving desk
    must be able to give a dossier code later (it has an administrative unit).

    legal: NĐ 45/2020/NĐ-CP (administrative procedures by electronic means) Điều 9-11; reception
    regardless of boundary within the province (NĐ 118/2025). Audit: one ``dossier.submit`` event whose
    details list the documents (name, file name, size, SHA-256).

    Storage: files are written last, inside the transaction; if the service fails after writing, they
    are deleted. If a caller's outer transaction rolls back after this returns, the written files stay
    as unreferenced orphans under ``dossiers/<id>/`` (content-addressed names, never served).
    """
    if not applicant.email.strip():
        raise _invalid("Hồ sơ nộp trực tuyến cần địa chỉ thư điện tử để nhận thông báo.")
    dossier = _new_dossier(
        procedure=procedure,
        applicant=applicant,
        channel=Channel.ONLINE,
        receiving_agency=receiving_agency,
        competent_agency=competent_agency,
        assisted_at=assisted_at,
        at=at,
    )
    receiving_unit_code(receiving_agency)  # refuses (dossier.no_unit_code) a desk that could not give a code
    uploads = _uploads_check(dossier.procedure_version, files)
    dossier.save()
    written: list[str] = []
    try:
        documents = _uploads_store(dossier, uploads, at=at, written=written)
        after = audit_snapshot(dossier, SNAPSHOT_FIELDS)
        after["details"] = {"documents": documents}
        audit_record(actor=None, action="dossier.submit", target=dossier, before=None, after=after, at=at)
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise
    return dossier


@transaction.atomic
def dossier_rate(
    *, dossier: Dossier, level: str, criteria: Mapping[str, str], comment: str, at: datetime
) -> DossierRating:
    """The applicant rates the handling of the dossier, once, after the result was returned.

    ``level`` and each value of ``criteria`` is a :class:`RatingLevel`; the keys are
    :class:`RatingCriterion` values (any subset). legal: QĐ 766/QĐ-TTg, indicator 5.4 (a "không hài
    lòng" counts the dossier as dissatisfied). Refused before "Đã trả kết quả"
    (``dossier.invalid_transition``) and a second time (``dossier.already_rated``).
    Audit: ``dossier.rate``.
    """
    _check_at(at)
    locked = _lock(dossier)
    if locked.status != DossierStatus.RETURNED:
        raise DossierError(
            DossierErrorCode.INVALID_TRANSITION,
            "Chỉ đánh giá được sau khi hồ sơ đã trả kết quả "
            f"(trạng thái hiện tại: «{DossierStatus(locked.status).label}»).",
        )
    if DossierRating.objects.filter(dossier=locked).exists():
        raise DossierError(
            DossierErrorCode.ALREADY_RATED, "Hồ sơ này đã được đánh giá; mỗi hồ sơ chỉ đánh giá một lần."
        )
    if level not in RatingLevel.values:
        raise _invalid("Vui lòng chọn mức độ hài lòng chung.")
    for key, value in criteria.items():
        if key not in RatingCriterion.values or value not in RatingLevel.values:
            raise _invalid("Đánh giá theo tiêu chí không hợp lệ.")
    comment = comment.strip()
    if len(comment) > 2000:
        raise _invalid("Ý kiến góp ý tối đa 2.000 ký tự.")
    if locked.returned_at is not None and at < locked.returned_at:
        raise _invalid("Thời điểm đánh giá không được trước thời điểm trả kết quả.")
    ordered = {c.value: criteria[c.value] for c in RatingCriterion if c.value in criteria}
    rating = DossierRating.objects.create(dossier=locked, level=level, criteria=ordered, comment=comment, rated_at=at)
    after = audit_snapshot(locked, SNAPSHOT_FIELDS)
    after["details"] = {"level": level, "criteria": ordered, "comment": comment}
    audit_record(actor=None, action="dossier.rate", target=locked, before=None, after=after, at=at)
    return rating
