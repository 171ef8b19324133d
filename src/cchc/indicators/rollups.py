"""Rollups of the indicator engine: small pre-aggregated tables that give exactly the direct figures.

Two layers, both derived from the dossier tables and rebuildable at any time:

- **Facts** (:class:`~cchc.indicators.models.DossierFact`, one row per received dossier;
  :class:`~cchc.indicators.models.PaymentFact`, one row per online-gateway payment): what
  :func:`cchc.indicators.selectors.dossier_facts` says of each dossier now, built by one set-based
  ``INSERT ... SELECT`` compiled from those very Django expressions, so the definitions cannot drift.
- **Counters** (:class:`~cchc.indicators.models.IndicatorRollup`) per (grain day | month | year, bucket
  in Vietnam time, competent agency, procedure, field): counts by received day, by end-of-processing
  day, by the day a dossier with at most one supplement request stops being "in process on time"
  (``max(received, min(end, due))``) and online payments by paid day.

A window ``[S, T)`` is read from the buckets that tile it (years, months, days) plus, when ``T`` is
not a Vietnam midnight, the facts of the partial day. The figures of "in process at T" are
cumulative: ``#(received < T) - #(end < T)`` and, on time, ``#(≤ 1 supplement, received < T) -
#(≤ 1 supplement, stop < T)``, so the buckets before ``S`` are summed too (years keep that short).
These identities hold because a dossier ends after it is received (``end >= received``).

Kept up to date by the outbox (issue 13 §6): the subscriber ``indicators.rollups``
(:mod:`cchc.indicators.subscribers`) receives every dossier event and calls :func:`rollups_apply` with
its dossier, which subtracts the contributions of the dossier's stored facts, recomputes its facts from
the dossier tables, adds the new contributions, in one transaction under a lock. It recomputes from the
current state, so a second delivery of an event, or events delivered out of order, leave the rollups
as a rebuild would. Reads (:func:`rollups_read`, :func:`rollups_read_series`,
:func:`rollups_read_grouped`) never write; :func:`rollups_freshness` says how far behind the
subscriber is, for the dashboards to show.

The audit trail is the catch-up for writes that emit no dossier event (a feedback filed about a
dossier or refused, an admin correction): every dossier write appends one audit event targeting the
dossier (a feedback write one targeting the feedback), appends are serialised until commit, so
``sequence`` order is commit order, and :func:`rollups_refresh` (``cchc indicators refresh``, the task
``rollups_refresh_task``) applies the dossiers of the events after its watermark and moves it. Writers
that skip both (the simulator's bulk path, SQL copies) must be followed by :func:`rollups_rebuild`.

Rollups are a cache of derived data, not a record: their writes append no audit event (an event would
itself be a change for the next refresh to apply).
"""

from __future__ import annotations

import operator
import sys
import time as clock
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce, TruncDate
from django.utils import timezone

from cchc.audit.models import AuditEvent
from cchc.catalogue.models import ProcedureVersion
from cchc.dossiers.constants import (
    Channel,
    DocumentSource,
    DossierStatus,
    IdentityLevel,
    PaymentChannel,
    RatingLevel,
    ResultStatus,
)
from cchc.dossiers.models import (
    Dossier,
    DossierDocument,
    DossierRating,
    FeeLine,
    Payment,
    ResultDocument,
    SupplementRequest,
)
from cchc.dossiers.rules import SUPPLEMENTS_ON_TIME
from cchc.feedback.constants import FeedbackStatus
from cchc.feedback.models import Feedback
from cchc.indicators.models import (
    ROLLUP_COUNTERS,
    AgencyRollup,
    DossierFact,
    Grain,
    IndicatorRollup,
    PaymentFact,
    RollupState,
)
from cchc.indicators.periods import VN_TZ
from cchc.indicators.scopes import Organisation, ResolvedScope
from cchc.indicators.selectors import Window, dossier_facts
from cchc.integrations.models import DossierSync
from cchc.outbox.models import OutboxEvent

Counters = dict[str, int]
Pair = tuple[int, int]

# pg_advisory_xact_lock key of refresh and rebuild ("CCHC-ROL")
LOCK_KEY = 0x43434843_524F4C
MICRO = 1_000_000
REBUILD_CHUNK = 250_000
APPLY_CHUNK = 500  # dossiers per statement of rollups_apply (bound parameters stay few)

_FACT_COLUMNS = (
    "dossier_id",
    "agency_id",
    "procedure_id",
    "field_id",
    "received_at",
    "received_day",
    "end_at",
    "end_day",
    "stop_at",
    "stop_day",
    "le1",
    "online",
    "upload",
    "reused",
    "fee",
    "paid_online",
    "dissatisfied",
    "processed",
    "end_on_time",
    "elapsed_us",
    "paused_us",
    "synced",
    "identified",
    "digitised",
    "result_signed",
)
_PAYMENT_COLUMNS = ("payment_id", "dossier_id", "agency_id", "procedure_id", "field_id", "paid_at", "paid_day")
_KEY = ("agency_id", "procedure_id", "field_id")


# --- facts: compiled from the selectors' expressions ----------------------------------------------


class _Microseconds(Func):
    """Microseconds of a datetime difference (SQLite's difference already is; PostgreSQL's is an interval)."""

    template = "%(expressions)s"
    output_field = BigIntegerField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "CAST(EXTRACT(EPOCH FROM %(expressions)s) * 1000000 AS bigint)"
        return self.as_sql(compiler, connection, template=template, **extra)


def _diff(later: str, earlier: str) -> _Microseconds:
    return _Microseconds(ExpressionWrapper(F(later) - F(earlier), output_field=DurationField()))


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


def facts_queryset(dossiers: QuerySet[Dossier]) -> QuerySet[Dossier, dict[str, Any]]:
    """The :class:`DossierFact` rows of ``dossiers`` (received ones), as a values queryset whose
    columns are :data:`_FACT_COLUMNS` in order."""
    paused = (
        SupplementRequest.objects.filter(
            dossier=OuterRef("pk"),
            resumed_at__isnull=False,
            resumed_at__lte=OuterRef("processed_at"),
            before_reception=False,  # asked before reception: no clock ran, nothing to subtract (2.2)
        )
        .order_by()
        .values("dossier")
        .annotate(total=Sum(_diff("resumed_at", "requested_at")))
        .values("total")
    )
    # the one-supplement rule of cchc.dossiers.rules.supplement_requested / late_at_end (QĐ 766)
    le1 = Q(supplement_count__lte=SUPPLEMENTS_ON_TIME)
    processed = Q(processed_at__isnull=False)
    rows = (
        dossier_facts(dossiers.filter(received_at__isnull=False))
        .annotate(
            f_min_end_due=Case(
                When(end_of_processing__isnull=True, then=F("statutory_due_at")),
                When(statutory_due_at__isnull=True, then=F("end_of_processing")),
                When(end_of_processing__lte=F("statutory_due_at"), then=F("end_of_processing")),
                default=F("statutory_due_at"),
                output_field=DateTimeField(),
            )
        )
        .annotate(
            f_stop=Case(
                When(f_min_end_due__isnull=True, then=Value(None)),
                When(f_min_end_due__lt=F("received_at"), then=F("received_at")),
                default=F("f_min_end_due"),
                output_field=DateTimeField(),
            )
        )
        .annotate(
            f_dossier=F("pk"),
            f_agency=F("competent_agency_id"),
            f_procedure=F("procedure_version__procedure_id"),
            f_field=F("procedure_version__field_id"),
            f_received_at=F("received_at"),
            f_received_day=TruncDate("received_at", tzinfo=VN_TZ),
            f_end_at=F("end_of_processing"),
            f_end_day=TruncDate("end_of_processing", tzinfo=VN_TZ),
            f_stop_at=F("f_stop"),
            f_stop_day=TruncDate("f_stop", tzinfo=VN_TZ),
            f_le1=_flag(le1),
            f_online=_flag(Q(channel=Channel.ONLINE)),
            f_upload=F("has_upload"),
            f_reused=F("has_reused"),
            f_synced=F("synced"),
            f_identified=F("identified"),
            f_digitised=F("has_digitised"),
            f_result_signed=F("result_signed"),
            f_fee=F("has_fee"),
            f_paid_online=F("paid_online"),
            f_dissatisfied=F("dissatisfied"),
            f_processed=_flag(processed),
            # legal (F766 2.1): at most one supplement request, and ended by the statutory appointment
            # (or none), which an apology letter does not move (NĐ 61/2018 Điều 19 as amended)
            f_end_on_time=_flag(
                le1 & (Q(statutory_due_at__isnull=True) | Q(end_of_processing__lte=F("statutory_due_at")))
            ),
            f_elapsed=Case(
                When(processed, then=_diff("processed_at", "received_at")),
                default=Value(0),
                output_field=BigIntegerField(),
            ),
            f_paused=Case(
                When(processed, then=Coalesce(Subquery(paused, output_field=BigIntegerField()), Value(0))),
                default=Value(0),
                output_field=BigIntegerField(),
            ),
        )
        .order_by()
    )
    return rows.values(
        "f_dossier",
        "f_agency",
        "f_procedure",
        "f_field",
        "f_received_at",
        "f_received_day",
        "f_end_at",
        "f_end_day",
        "f_stop_at",
        "f_stop_day",
        "f_le1",
        "f_online",
        "f_upload",
        "f_reused",
        "f_fee",
        "f_paid_online",
        "f_dissatisfied",
        "f_processed",
        "f_end_on_time",
        "f_elapsed",
        "f_paused",
        "f_synced",
        "f_identified",
        "f_digitised",
        "f_result_signed",
    )


def _payments_queryset(payments: QuerySet[Payment]) -> QuerySet[Payment, dict[str, Any]]:
    return (
        payments.filter(channel=PaymentChannel.ONLINE_GATEWAY)
        .annotate(
            f_payment=F("pk"),
            f_dossier=F("dossier_id"),
            f_agency=F("dossier__competent_agency_id"),
            f_procedure=F("dossier__procedure_version__procedure_id"),
            f_field=F("dossier__procedure_version__field_id"),
            f_paid_at=F("paid_at"),
            f_paid_day=TruncDate("paid_at", tzinfo=VN_TZ),
        )
        .order_by()
        .values("f_payment", "f_dossier", "f_agency", "f_procedure", "f_field", "f_paid_at", "f_paid_day")
    )


def _q(name: str) -> str:
    return str(connection.ops.quote_name(name))


def _insert_from(table: str, columns: Iterable[str], queryset: QuerySet[Any, Any]) -> int:
    sql, params = queryset.query.sql_with_params()
    names = ", ".join(_q(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {_q(table)} ({names}) {sql}", params)
        return int(cursor.rowcount or 0)


def _facts_insert(dossiers: QuerySet[Dossier]) -> int:
    return _insert_from(DossierFact._meta.db_table, _FACT_COLUMNS, facts_queryset(dossiers))


def _payments_insert(payments: QuerySet[Payment]) -> int:
    return _insert_from(PaymentFact._meta.db_table, _PAYMENT_COLUMNS, _payments_queryset(payments))


def _facts_range_sql() -> str:
    """PostgreSQL: the :class:`DossierFact` rows of the received dossiers with ``%(lo)s <= id < %(hi)s``,
    set-based: each child table is read once over the id range and grouped by dossier (a range scan
    of its ``dossier_id`` index), where :func:`facts_queryset` probes every child table once per dossier
    (correlated sub-plans: at 10 M dossiers the rebuild's cost, the probes missing the cache).

    Used by the rebuild only. The same facts as :func:`facts_queryset` by construction and by test
    (``test_rollups_rebuild.py`` compares both, row by row, on dossiers covering every branch: an open
    supplement request, supplements resumed before and after processing, fees of 0 and of an amount
    still to be fixed, gateway and counter payments, each rating level, uploaded and reused papers).
    """
    table = {
        name: _q(model._meta.db_table)
        for name, model in (
            ("dossier", Dossier),
            ("version", ProcedureVersion),
            ("document", DossierDocument),
            ("fee", FeeLine),
            ("payment", Payment),
            ("rating", DossierRating),
            ("supplement", SupplementRequest),
            ("feedback", Feedback),
            ("sync", DossierSync),
            ("result", ResultDocument),
        )
    }
    micro = "CAST(EXTRACT(EPOCH FROM {}) * 1000000 AS bigint)"
    day = "(({}) AT TIME ZONE %(tz)s)::date"
    in_range = "dossier_id >= %(lo)s AND dossier_id < %(hi)s"
    end = (
        "COALESCE(d.processed_at, d.returned_at, "
        "CASE WHEN d.status IN (%(waiting)s, %(stopped)s, %(withdrawn)s) THEN s.open_at END, d.ended_at)"
    )
    base = (
        "SELECT d.id AS dossier_id, d.competent_agency_id AS agency_id, v.procedure_id, v.field_id, "
        "d.received_at, d.statutory_due_at AS due_at, d.processed_at, "
        f"d.supplement_count <= {SUPPLEMENTS_ON_TIME} AS le1, d.channel = %(online)s AS online, {end} AS end_at, "
        "COALESCE(doc.upload, false) AS upload, COALESCE(doc.reused, false) AS reused, "
        "COALESCE(doc.digitised, false) AS digitised, res.dossier_id IS NOT NULL AS result_signed, "
        "sync.dossier_id IS NOT NULL AS synced, d.applicant_identity <> %(anonymous)s AS identified, "
        "fee.dossier_id IS NOT NULL AS fee, paid.dossier_id IS NOT NULL AS paid_online, "
        "(r.dossier_id IS NOT NULL OR fb.dossier_id IS NOT NULL) AS dissatisfied, "
        "COALESCE(s.paused_us, 0) AS paused_us "
        f"FROM {table['dossier']} d JOIN {table['version']} v ON v.id = d.procedure_version_id "
        "LEFT JOIN (SELECT dossier_id, bool_or(source = %(upload)s) AS upload, "
        "bool_or(source = %(reused)s) AS reused, "
        "bool_or(source = %(upload)s OR source = %(reused)s OR stored_document_id IS NOT NULL) AS digitised "
        f"FROM {table['document']} WHERE {in_range} GROUP BY dossier_id) doc ON doc.dossier_id = d.id "
        f"LEFT JOIN (SELECT DISTINCT dossier_id FROM {table['result']} WHERE {in_range} "
        "AND status = %(signed)s) res ON res.dossier_id = d.id "
        f"LEFT JOIN (SELECT dossier_id FROM {table['sync']} WHERE {in_range}) sync ON sync.dossier_id = d.id "
        f"LEFT JOIN (SELECT DISTINCT dossier_id FROM {table['fee']} WHERE {in_range} "
        "AND (amount IS NULL OR amount > 0)) fee ON fee.dossier_id = d.id "
        f"LEFT JOIN (SELECT DISTINCT dossier_id FROM {table['payment']} WHERE {in_range} "
        "AND channel = %(gateway)s) paid ON paid.dossier_id = d.id "
        f"LEFT JOIN (SELECT DISTINCT dossier_id FROM {table['rating']} WHERE {in_range} "
        "AND level = %(dissatisfied_level)s) r ON r.dossier_id = d.id "
        f"LEFT JOIN (SELECT DISTINCT dossier_id FROM {table['feedback']} WHERE {in_range} "
        "AND status <> %(rejected)s) fb ON fb.dossier_id = d.id "
        "LEFT JOIN (SELECT x.dossier_id, MIN(x.requested_at) FILTER (WHERE x.resumed_at IS NULL) AS open_at, "
        f"SUM({micro.format('x.resumed_at - x.requested_at')}) "
        "FILTER (WHERE x.resumed_at IS NOT NULL AND x.resumed_at <= y.processed_at AND NOT x.before_reception) "
        "AS paused_us "
        f"FROM {table['supplement']} x JOIN {table['dossier']} y ON y.id = x.dossier_id "
        f"WHERE x.{in_range} GROUP BY x.dossier_id) s ON s.dossier_id = d.id "
        "WHERE d.id >= %(lo)s AND d.id < %(hi)s AND d.received_at IS NOT NULL"
    )
    least = (
        "CASE WHEN end_at IS NULL THEN due_at WHEN due_at IS NULL THEN end_at "
        "WHEN end_at <= due_at THEN end_at ELSE due_at END"
    )
    stop = f"CASE WHEN ({least}) IS NULL THEN NULL WHEN ({least}) < received_at THEN received_at ELSE ({least}) END"
    processed = "processed_at IS NOT NULL"
    # the fact columns the inner rows do not already hold under their own name
    computed = {
        "received_day": day.format("received_at"),
        "end_day": day.format("end_at"),
        "stop_day": day.format("stop_at"),
        "processed": processed,
        "end_on_time": "CASE WHEN le1 AND (due_at IS NULL OR end_at <= due_at) THEN true ELSE false END",
        "elapsed_us": f"CASE WHEN {processed} THEN {micro.format('processed_at - received_at')} ELSE 0 END",
        "paused_us": f"CASE WHEN {processed} THEN paused_us ELSE 0 END",
    }
    columns = [computed.get(name, name) for name in _FACT_COLUMNS]
    names = ", ".join(_q(c) for c in _FACT_COLUMNS)
    return (
        f"INSERT INTO {_q(DossierFact._meta.db_table)} ({names}) "
        f"SELECT {', '.join(columns)} FROM (SELECT f.*, {stop} AS stop_at FROM ({base}) f) g"
    )


def _facts_range_insert(lo: int, hi: int) -> int:
    """Insert the facts of the received dossiers with ``lo <= id < hi`` (PostgreSQL: set-based)."""
    if connection.vendor != "postgresql":
        return _facts_insert(Dossier.objects.filter(pk__gte=lo, pk__lt=hi))
    params: dict[str, Any] = {
        "lo": lo,
        "hi": hi,
        "tz": str(VN_TZ),
        "waiting": DossierStatus.SUPPLEMENT_REQUESTED.value,
        "stopped": DossierStatus.STOPPED.value,
        "withdrawn": DossierStatus.WITHDRAWN.value,
        "online": Channel.ONLINE.value,
        "anonymous": IdentityLevel.NONE.value,
        "upload": DocumentSource.UPLOAD.value,
        "reused": DocumentSource.REUSED.value,
        "signed": ResultStatus.SIGNED.value,
        "gateway": PaymentChannel.ONLINE_GATEWAY.value,
        "dissatisfied_level": RatingLevel.DISSATISFIED.value,
        "rejected": FeedbackStatus.REJECTED.value,
    }
    with connection.cursor() as cursor:
        cursor.execute(_facts_range_sql(), params)
        return int(cursor.rowcount or 0)


# --- contributions of facts to the counters -------------------------------------------------------


def _trunc(grain: str, column: str) -> str:
    if grain == Grain.DAY:
        return column
    unit = "month" if grain == Grain.MONTH else "year"
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('{unit}', {column}) AS date)"
    return f"date({column}, 'start of {unit}')"


def _when(condition: str) -> str:
    return f"CASE WHEN {condition} THEN 1 ELSE 0 END"


# what one fact (or payment fact) adds to each counter, by the moment that places it in a bucket
_RECEIVED_PARTS = {
    "received": "1",
    "received_online": _when("online"),
    "received_upload": _when("upload"),
    "received_reused": _when("reused"),
    "received_synced": _when("synced"),
    "received_identified": _when("identified"),
    "received_digitised_result": _when("digitised AND result_signed"),
    "received_fee": _when("fee"),
    "received_fee_paid": _when("fee AND paid_online"),
    "received_le1": _when("le1"),
    "completed": _when("processed"),
    "completed_result": _when("processed AND result_signed"),
    "completed_elapsed_us": "elapsed_us",
    "completed_paused_us": "paused_us",
}
_END_PARTS = {
    "ended": "1",
    "ended_on_time": _when("end_on_time"),
    "ended_satisfied": _when("end_on_time AND NOT dissatisfied"),
}
_STOP_PARTS = {"stopped_le1": "1"}
_PAID_PARTS = {"paid_online": "1"}


def _part(table: str, day: str, parts: dict[str, str], where: str) -> str:
    values = ", ".join(f"{parts.get(c, '0')} AS {c}" for c in ROLLUP_COUNTERS)
    return f"SELECT {day} AS day, agency_id, procedure_id, field_id, {values} FROM {_q(table)} WHERE {where}"


def _contributions(*, facts_where: str, payments_where: str) -> str:
    """The rows (day, key, counters) the facts and payment facts matching the conditions add."""
    facts, payments = DossierFact._meta.db_table, PaymentFact._meta.db_table
    return " UNION ALL ".join(
        [
            _part(facts, "received_day", _RECEIVED_PARTS, facts_where),
            _part(facts, "end_day", _END_PARTS, f"({facts_where}) AND end_day IS NOT NULL"),
            _part(facts, "stop_day", _STOP_PARTS, f"({facts_where}) AND le1 AND stop_day IS NOT NULL"),
            _part(payments, "paid_day", _PAID_PARTS, payments_where),
        ]
    )


def _contribute(grain: str, sign: int, *, facts_where: str, payments_where: str, params: list[Any]) -> None:
    """Add ``sign`` × the contributions of the facts matching the conditions to the ``grain`` counters
    (one upsert; ``params`` are those of ``facts_where``, repeated, then ``payments_where``)."""
    union = _contributions(facts_where=facts_where, payments_where=payments_where)
    _upsert(grain, sign, source=union, day="day", params=params)
    _upsert(grain, sign, source=union, day="day", params=params, model=AgencyRollup)


def _upsert(
    grain: str, sign: int, *, source: str, day: str, params: list[Any], model: type[Any] = IndicatorRollup
) -> None:
    """Add ``sign`` × the sums of ``source`` rows to the ``grain`` counters of ``model`` (the detailed
    table by agency, procedure and field, or :class:`AgencyRollup` by agency only)."""
    table = _q(model._meta.db_table)
    key = _KEY if model is IndicatorRollup else ("agency_id",)
    bucket = _trunc(grain, day)
    sums = ", ".join(f"{sign} * SUM({c})" for c in ROLLUP_COUNTERS)
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in ROLLUP_COUNTERS)
    columns = ", ".join(("grain", "bucket", *key, *ROLLUP_COUNTERS))
    names = ", ".join(key)
    sql = (
        f"INSERT INTO {table} ({columns}) "
        f"SELECT %s, {bucket}, {names}, {sums} FROM ({source}) c WHERE 1 = 1 "
        f"GROUP BY {bucket}, {names} "
        f"ON CONFLICT (grain, bucket, {names}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [grain.value if isinstance(grain, Grain) else grain, *params])


# --- keeping up to date ---------------------------------------------------------------------------


def _lock() -> RollupState:
    """Serialise refreshes and rebuilds until the transaction ends; the state row, created if missing.

    # concurrency: a transaction-scoped advisory lock on PostgreSQL; SQLite has a single writer.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
    state, _ = RollupState.objects.get_or_create(pk=1)
    return state


def _heads() -> tuple[int, int]:
    """(watermark, last audit sequence) in one indexed query."""
    state, audit = _q(RollupState._meta.db_table), _q(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT (SELECT last_sequence FROM {state} WHERE id = 1), (SELECT MAX(sequence) FROM {audit})")
        row = cursor.fetchone()
    return int(row[0] or 0), int(row[1] or 0)


def rollups_refresh(*, at: datetime | None = None) -> int:
    """Bring facts and counters up to date with the dossier writes recorded since the watermark;
    returns the number of dossiers recomputed (0 and one query when nothing is new).

    Rule: every dossier write appends one audit event targeting the dossier, and every feedback write
    one targeting the feedback, in commit order (``cchc.audit.services.audit_record``), so the
    dossiers of the events after the watermark, with those the feedback of the events is about, are
    exactly those whose facts may have changed. Their old contributions are subtracted, their facts
    recomputed from the dossier tables, the new contributions added: the counters always equal the
    aggregate of the facts (basis: issue 4 §5, rollups kept up to date and equal to the direct figures).
    Idempotent: a second call finds nothing new.
    """
    mark, head = _heads()
    if head <= mark:
        return 0
    with transaction.atomic():
        state = _lock()
        mark = state.last_sequence
        outbox_head = _outbox_head()  # before the dossiers are read: every event up to it is included
        head = _heads()[1]
        if head <= mark:
            return 0
        kinds = ContentType.objects.get_for_models(Dossier, Feedback)
        audit, feedback = _q(AuditEvent._meta.db_table), _q(Feedback._meta.db_table)
        # the dossiers written, and those a feedback written is about (5.4 counts it as dissatisfaction;
        # a feedback's dossier is set when it is filed and never changes)
        ids_sql = (
            f"SELECT CAST(target_id AS BIGINT) FROM {audit} "
            "WHERE target_type_id = %s AND sequence > %s AND sequence <= %s "
            f"UNION SELECT f.dossier_id FROM {audit} a JOIN {feedback} f ON f.id = CAST(a.target_id AS BIGINT) "
            "WHERE a.target_type_id = %s AND a.sequence > %s AND a.sequence <= %s AND f.dossier_id IS NOT NULL"
        )
        ids_params: list[Any] = [kinds[Dossier].pk, mark, head, kinds[Feedback].pk, mark, head]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({ids_sql}) t", ids_params)
            touched = int(cursor.fetchone()[0])
        if touched:
            _apply(ids_sql, ids_params)
        state.last_sequence = head
        state.refreshed_at = at or timezone.now()
        state.applied_event_id = max(state.applied_event_id, outbox_head)
        state.save(update_fields=["last_sequence", "refreshed_at", "applied_event_id"])
    return touched


def _apply(ids_sql: str, ids_params: list[Any]) -> None:
    """Replace the facts of the dossiers ``ids_sql`` selects, moving the counters by the difference."""
    where = f"dossier_id IN ({ids_sql})"
    params = ids_params * 3 + ids_params
    for grain in Grain.values:
        _contribute(grain, -1, facts_where=where, payments_where=where, params=params)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_q(DossierFact._meta.db_table)} WHERE {where}", ids_params)
        cursor.execute(f"DELETE FROM {_q(PaymentFact._meta.db_table)} WHERE {where}", ids_params)
    chosen = RawSQL(ids_sql, ids_params, output_field=IntegerField())
    _facts_insert(Dossier.objects.filter(pk__in=chosen))
    _payments_insert(Payment.objects.filter(dossier_id__in=chosen))
    for grain in Grain.values:
        _contribute(grain, 1, facts_where=where, payments_where=where, params=params)


def _ids_sql(dossier_ids: Collection[int]) -> tuple[str, list[Any]]:
    """A subquery selecting exactly ``dossier_ids`` (dossiers or not: a deleted dossier's facts go)."""
    rows = ", ".join(["(CAST(%s AS BIGINT))"] * len(dossier_ids))
    return f"SELECT * FROM (VALUES {rows}) AS chosen", [int(pk) for pk in dossier_ids]


def rollups_apply(dossier_ids: Iterable[int], *, event_id: int | None = None) -> int:
    """Recompute the facts of ``dossier_ids`` from the dossier tables and move the counters by the
    difference (what the outbox subscriber ``indicators.rollups`` does for the dossier of each event);
    returns the number of dossiers given. ``event_id``: the outbox event applied (the highest of a
    batch), kept as the mark the dashboards' freshness is measured from.

    Rule: the counters always equal the aggregate of the facts, and a dossier's facts are what
    :func:`cchc.indicators.selectors.dossier_facts` says of it now (basis: issue 4 §5, rollups equal to
    the direct figures; issue 13 §6, the rollups are an outbox subscriber). Idempotent and
    order-free: it recomputes from the current state, so applying an event twice, or an older event
    after a newer one, leaves the rollups as :func:`rollups_rebuild` would.
    """
    ids = sorted({int(pk) for pk in dossier_ids})
    if not ids and event_id is None:
        return 0
    with transaction.atomic():
        state = _lock()
        for start in range(0, len(ids), APPLY_CHUNK):
            _apply(*_ids_sql(ids[start : start + APPLY_CHUNK]))
        if event_id is not None and event_id > state.applied_event_id:
            RollupState.objects.filter(pk=state.pk).update(applied_event_id=event_id)
    return len(ids)


def _outbox_head() -> int:
    """The highest outbox event id written so far (0: none)."""
    return int(OutboxEvent.objects.aggregate(head=Coalesce(Max("pk"), Value(0)))["head"])


@dataclass(frozen=True)
class Freshness:
    """How far behind the dossiers the rollups are: the dossier events written after the last one the
    rollups include (``backlog``, counted up to :data:`BACKLOG_COUNTED`) and the moment the oldest of
    them was written (``as_of``: the figures include every change before it; None when none waits)."""

    backlog: int
    as_of: datetime | None

    @property
    def lagging(self) -> bool:
        return self.backlog > 0


BACKLOG_COUNTED = 100_000


def rollups_freshness(*, topics: Collection[str]) -> Freshness:
    """The rollups' :class:`Freshness` against the outbox events of ``topics`` (those the subscriber
    applies): 1 indexed read when none waits (the query a read's refresh check used to be), 2 when some
    do; no write."""
    mark = Coalesce(Subquery(RollupState.objects.filter(pk=1).values("applied_event_id")[:1]), Value(0))
    waiting = OutboxEvent.objects.filter(pk__gt=mark, topic__in=sorted(topics)).order_by("pk")
    first = waiting.values_list("created_at", flat=True).first()
    if first is None:
        return Freshness(backlog=0, as_of=None)
    return Freshness(backlog=waiting.values("pk")[:BACKLOG_COUNTED].count(), as_of=first)


@dataclass
class RebuildResult:
    facts: int
    payments: int
    rollups: int
    seconds: float
    last_sequence: int
    stages: dict[str, float] = field(default_factory=dict)  # seconds per stage, in order


def _secondary_indexes(models: Sequence[type[Any]]) -> list[tuple[str, str]]:
    """(name, definition) of the plain secondary indexes of the tables of ``models`` on PostgreSQL: not
    the primary keys nor the unique ones (an upsert needs those)."""
    tables = [m._meta.db_table for m in models]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid "
            "WHERE t.relname = ANY(%s) AND pg_table_is_visible(t.oid) AND NOT i.indisprimary AND NOT i.indisunique "
            "ORDER BY c.relname",
            [tables],
        )
        return [(str(name), str(definition)) for name, definition in cursor.fetchall()]


def rollups_rebuild(*, at: datetime | None = None, progress: bool = False) -> RebuildResult:
    """Truncate and rebuild every fact and counter from the dossier tables, set-based (no Python per
    dossier): facts in chunks of dossier ids, day counters from the facts, the agency counters from
    the detailed ones, months from days, years from months. The watermark becomes the last audit
    event seen before reading the dossiers, so a write committed meanwhile is applied again by the
    next refresh (harmless: a refresh recomputes).

    On PostgreSQL the secondary indexes of the rebuilt tables are dropped for the bulk inserts and
    built again at the end, in the same transaction (building an index once is several times cheaper
    than maintaining it row by row); readers wait on the truncation's lock until the commit either
    way, so they never see a table without its indexes.

    Rule: rollups are derived data only (issue 4 §5, "rebuildable from scratch by a command"); run it
    after any writer that skips the audit trail (``cchc simulate --bulk``, SQL copies).
    """
    started = clock.monotonic()
    stages: dict[str, float] = {}
    mark = [started]

    def stage(name: str) -> None:
        now = clock.monotonic()
        stages[name] = round(now - mark[0], 2)
        mark[0] = now

    postgres = connection.vendor == "postgresql"
    with transaction.atomic():
        state = _lock()
        outbox_head = _outbox_head()
        head = _heads()[1]
        tables = [DossierFact, PaymentFact, IndicatorRollup, AgencyRollup]
        indexes = _secondary_indexes(tables) if postgres else []
        with connection.cursor() as cursor:
            if postgres:
                cursor.execute("SET LOCAL work_mem = '256MB'")
                cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
                cursor.execute("TRUNCATE " + ", ".join(_q(m._meta.db_table) for m in tables))
                for name, _definition in indexes:
                    cursor.execute(f"DROP INDEX {_q(name)}")
            else:
                for model in tables:
                    cursor.execute(f"DELETE FROM {_q(model._meta.db_table)}")
        bounds = Dossier.objects.filter(received_at__isnull=False).aggregate(
            low=Coalesce(Min("pk"), Value(0)), high=Coalesce(Max("pk"), Value(-1))
        )
        low, high = int(bounds["low"]), int(bounds["high"])
        chunks = [(lo, min(lo + REBUILD_CHUNK, high + 1)) for lo in range(low, high + 1, REBUILD_CHUNK)]
        bar = _bar(progress, total=len(chunks) + 5)
        stage("truncate")
        facts = 0
        for lo, hi in chunks:
            facts += _facts_range_insert(lo, hi)
            bar(1)
        stage("dossier facts")
        payments = _payments_insert(Payment.objects.all())
        bar(1)
        stage("payment facts")
        union = _contributions(facts_where="1 = 1", payments_where="1 = 1")
        _upsert(Grain.DAY, 1, source=union, day="day", params=[])
        bar(1)
        stage("day counters")
        counters = ", ".join(ROLLUP_COUNTERS)
        detail = _q(IndicatorRollup._meta.db_table)
        _upsert(
            Grain.DAY,
            1,
            source=f"SELECT bucket AS day, agency_id, {counters} FROM {detail} WHERE grain = %s",
            day="day",
            params=[Grain.DAY],
            model=AgencyRollup,
        )
        stage("agency day counters")
        for grain, finer in ((Grain.MONTH, Grain.DAY), (Grain.YEAR, Grain.MONTH)):
            for model, key in ((IndicatorRollup, ", ".join(_KEY)), (AgencyRollup, "agency_id")):
                rows = f"SELECT bucket AS day, {key}, {counters} FROM {_q(model._meta.db_table)} WHERE grain = %s"
                _upsert(grain, 1, source=rows, day="day", params=[finer], model=model)
            bar(1)
        stage("month and year counters")
        if indexes:
            with connection.cursor() as cursor:
                for _name, definition in indexes:
                    cursor.execute(definition)
        bar(1)
        stage("indexes")
        state.last_sequence = head
        state.rebuilt_at = state.refreshed_at = at or timezone.now()
        state.applied_event_id = max(state.applied_event_id, outbox_head)
        state.save(update_fields=["last_sequence", "rebuilt_at", "refreshed_at", "applied_event_id"])
        rollups = IndicatorRollup.objects.count()
    stage("commit")
    if postgres:
        with connection.cursor() as cursor:
            for model in tables:
                # VACUUM sets the visibility map, so the dashboards' reads are index-only (not possible
                # inside an outer transaction, e.g. a test's: ANALYZE then)
                vacuum = "VACUUM (ANALYZE)" if not connection.in_atomic_block else "ANALYZE"
                cursor.execute(f"{vacuum} {_q(model._meta.db_table)}")
        stage("vacuum")
    return RebuildResult(facts, payments, rollups, clock.monotonic() - started, head, stages)


def _bar(enabled: bool, *, total: int) -> Callable[[int], None]:
    if not enabled:
        return lambda n: None
    from tqdm import tqdm

    bar = tqdm(total=total, unit=" bước", desc="Dựng lại số liệu tổng hợp", leave=True, file=sys.stderr)

    def tick(n: int) -> None:
        bar.update(n)
        if bar.n >= total:
            bar.close()

    return tick


# --- reading --------------------------------------------------------------------------------------


def scope_rollup_filter(resolved: ResolvedScope, org: Organisation) -> Q:
    """The scope on facts and counters (same field names on the three tables), as
    :func:`cchc.indicators.selectors.scope_dossier_filter` on dossiers."""
    condition = Q()
    if resolved.reporting_ids is not None:
        condition &= Q(agency_id__in=sorted(org.handled_by(resolved.reporting_ids)))
    if resolved.procedure:
        condition &= Q(procedure__code=resolved.procedure)
    if resolved.field:
        condition &= Q(field__code=resolved.field)
    return condition


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=VN_TZ)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def window_buckets(first: date, stop: date) -> list[tuple[str, date]]:
    """The fewest (grain, bucket) that tile the days ``[first, stop)``: days up to a month start, months
    up to a year start, years, then months and days."""
    found: list[tuple[str, date]] = []
    day = first
    while day < stop:
        if day.month == 1 and day.day == 1 and date(day.year + 1, 1, 1) <= stop:
            found.append((Grain.YEAR, day))
            day = date(day.year + 1, 1, 1)
        elif day.day == 1 and _next_month(day) <= stop:
            found.append((Grain.MONTH, day))
            day = _next_month(day)
        else:
            found.append((Grain.DAY, day))
            day += timedelta(days=1)
    return found


def signed_buckets(first: date, stop: date) -> list[tuple[str, date, int]]:
    """Buckets with a sign (+1, −1) whose signed sum is the days ``[first, stop)``: those of
    :func:`window_buckets`, except that a trailing part of a month is read as the month minus its days
    from ``stop`` on when these are fewer — a running month late in its course reads its month row and
    a few (mostly empty, future) days instead of every day so far."""
    plain = [(grain, bucket, 1) for grain, bucket in window_buckets(first, stop)]
    month = stop.replace(day=1)
    if stop.day == 1 or first > month:
        return plain
    after = (_next_month(month) - stop).days
    if after >= (stop - month).days:
        return plain
    kept = [t for t in plain if not (t[0] == Grain.DAY and t[1] >= month)]
    minus = [(Grain.DAY, stop + timedelta(days=i), -1) for i in range(after)]
    return [*kept, (Grain.MONTH, month, 1), *minus]


def _buckets(
    model: type[IndicatorRollup | AgencyRollup], *, before: date | None = None, tiles: Iterable[tuple[str, date]] = ()
) -> RawSQL:
    """The counters' rows in the buckets ``tiles`` or, with ``before``, in any bucket before that day
    (the years before its year, the months of its year before its month, the days of its month before
    it), as one SQL condition: a dashboard reads a few hundred buckets, and Django takes milliseconds to
    compile as many ``Q`` lookups."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    grain, bucket = f"{table}.{quote('grain')}", f"{table}.{quote('bucket')}"
    day = connection.ops.adapt_datefield_value
    parts: list[str] = []
    params: list[Any] = []
    if before is not None:
        year, month = date(before.year, 1, 1), before.replace(day=1)
        parts.append(f"({grain} = %s AND {bucket} < %s)")
        parts.append(f"({grain} = %s AND {bucket} >= %s AND {bucket} < %s)")
        parts.append(f"({grain} = %s AND {bucket} >= %s AND {bucket} < %s)")
        params += [Grain.YEAR.value, day(year)]
        params += [Grain.MONTH.value, day(year), day(month)]
        params += [Grain.DAY.value, day(month), day(before)]
    by_grain: dict[str, set[date]] = defaultdict(set)
    for g, b in tiles:
        by_grain[g].add(b)
    for g in Grain.values:
        days = sorted(by_grain.get(g, ()))
        if days:
            parts.append(f"({grain} = %s AND {bucket} IN ({', '.join(['%s'] * len(days))}))")
            params += [g, *(day(b) for b in days)]
    return RawSQL("(" + (" OR ".join(parts) or "1 = 0") + ")", params, output_field=BooleanField())


class _Sums:
    """One handling agency's sums over the window (``w_``), before the window's start (``b_``) and
    over everything before its close (``c_``): a list in the order of ``_SUMS`` (read by position:
    thousands of these make one dashboard)."""

    __slots__ = ("values",)

    def __init__(self, values: list[int] | None = None) -> None:
        self.values = values if values is not None else [0] * len(_SUMS)

    def add(self, row: dict[str, Any]) -> None:
        for key, value in row.items():
            i = _SUM_AT.get(key)
            if i is not None and value is not None:
                self.values[i] += int(value)

    def merge(self, other: _Sums) -> None:
        self.values = list(map(operator.add, self.values, other.values))

    def __getitem__(self, key: str) -> int:
        return self.values[_SUM_AT[key]]


_WINDOW_RECEIVED = (
    "received",
    "received_online",
    "received_upload",
    "received_reused",
    "received_synced",
    "received_identified",
    "received_digitised_result",
    "received_fee",
    "received_fee_paid",
    "completed",
    "completed_result",
    "completed_elapsed_us",
    "completed_paused_us",
)
_WINDOW_ENDED = ("ended", "ended_on_time", "ended_satisfied")
_CUMULATIVE = ("received", "ended", "received_le1", "stopped_le1")


@dataclass
class RollupRead:
    """What the direct engine reads from the dossiers, read from the rollups instead.

    The pairs come in parts whose union is the window's: the windows of one read share most of their
    parts (the pairs of a segment of days, those of a partial last day), so a reader that transforms
    pairs (the engine maps them to reporting agencies) does it once per part, not once per window."""

    counters: dict[int, Counters]  # handling agency -> counters (as ``_Engine.dossier_counters``)
    # (handling agency, procedure) with an online dossier received in the window, or with an
    # online-gateway payment in it: parts, not to be modified (shared with other windows)
    online_parts: list[Collection[Pair]] = field(default_factory=list)
    paid_parts: list[Collection[Pair]] = field(default_factory=list)

    @property
    def online(self) -> set[Pair]:
        return set().union(*self.online_parts)

    @property
    def paid(self) -> set[Pair]:
        return set().union(*self.paid_parts)

    def only(self, handlers: Iterable[int] | None) -> RollupRead:
        """The part of the read of these handling agencies (None: all), as a read filtered by
        ``agency_id`` would give: every counter and pair is kept per handling agency."""
        if handlers is None:
            return self
        keep = set(handlers)
        return RollupRead(
            counters={a: c for a, c in self.counters.items() if a in keep},
            online_parts=[{pair for pair in self.online if pair[0] in keep}],
            paid_parts=[{pair for pair in self.paid if pair[0] in keep}],
        )


def rollups_read(*, window: Window, scope: Q) -> RollupRead:
    """The dossier counters of a window for a scope (a Q from :func:`scope_rollup_filter`), from the
    counters plus the facts of a partial last day; 2 queries (3 more when the window closes mid-day).
    Reads only: the rollups are as fresh as the subscriber has made them (:func:`rollups_freshness`)."""
    return rollups_read_series(windows=[window], scope=scope)[0]


def rollups_read_series(*, windows: Sequence[Window], scope: Q, detail: bool = True) -> list[RollupRead]:
    """:func:`rollups_read` of several windows at once, in the same number of queries as one window:
    one grouped query for the counters of every window, one for the (agency, procedure) pairs, and 3
    on the facts per distinct mid-day close (a running month and its running quarter share theirs).

    How: the days that start or close a window cut time into segments — every bucket before the
    first day, then the buckets tiling each interval between two consecutive days
    (:func:`window_buckets`). The counters are summed by (handling agency, bucket) and added up by
    segment; a window ``[S, T)`` is a difference of prefix sums, ``P(T) − P(S)``, and its cumulative
    counts are ``P(T)``: exactly the sums :func:`rollups_read` would read, since every grain holds
    the full counts of its buckets. Windows closing before they start (a period not begun) have no
    tiling: the caller reads those directly (``ValueError`` here).

    ``detail=False`` when ``scope`` selects agencies only (no procedure, no field): the counters are
    then read from :class:`AgencyRollup` (the same sums, a few rows per agency and bucket).
    """
    if len(windows) > MAX_WINDOWS:  # the pairs' segment bits fit a 64-bit integer
        head = rollups_read_series(windows=windows[:MAX_WINDOWS], scope=scope, detail=detail)
        tail = rollups_read_series(windows=windows[MAX_WINDOWS:], scope=scope, detail=detail)
        return head + tail
    spans: list[tuple[date, date, datetime | None]] = []
    for window in windows:
        if window.close < window.start:
            raise ValueError("a window closing before it starts has no rollup tiling")
        close = window.close.astimezone(VN_TZ)
        last = close.date()
        spans.append((window.start.astimezone(VN_TZ).date(), last, close if _midnight(last) < close else None))
    if not spans:
        return []
    bounds = sorted({d for first, last, _ in spans for d in (first, last)})
    position = {day: j for j, day in enumerate(bounds)}
    # segment 0: every bucket before bounds[0]; segment j: the buckets tiling [bounds[j-1], bounds[j])
    tiles = [signed_buckets(a, b) for a, b in zip(bounds, bounds[1:], strict=False)]
    segment_of: dict[tuple[str, date], list[tuple[int, int]]] = defaultdict(list)
    for j, signed in enumerate(tiles, start=1):
        for grain, bucket, sign in signed:
            segment_of[(grain, bucket)].append((j, sign))
    every_tile = [(g, b) for signed in tiles for g, b, _ in signed]
    # one query: the counters by (handling agency, bucket), added up by segment here
    counters_model: type[IndicatorRollup | AgencyRollup] = IndicatorRollup if detail else AgencyRollup
    rows = (
        counters_model.objects.filter(scope)
        .filter(_buckets(counters_model, before=bounds[0], tiles=every_tile))
        .order_by()
        .values_list("agency_id", "grain", "bucket")
        .annotate(**_SUMMED)
    )
    width = len(_READ)
    per_agency: dict[int, list[list[int]]] = {}
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:  # plain rows: no per-value converters on thousands of sums
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    for agency_id, grain, bucket, *values in fetched:
        table = per_agency.get(agency_id)
        if table is None:
            table = per_agency[agency_id] = [[0] * width for _ in bounds]
        day = date.fromisoformat(bucket) if isinstance(bucket, str) else bucket  # SQLite: text
        for j, sign in segment_of.get((grain, day)) or _BEFORE_FIRST:
            table[j] = list(map(operator.add if sign > 0 else operator.sub, table[j], values))
    # prefix sums at each bound: P(bounds[j]) = segments 0..j
    prefix: dict[int, list[tuple[int, ...]]] = {}
    for agency_id, table in per_agency.items():
        running = [0] * width
        sums = []
        for values in table:
            running = [a + b for a, b in zip(running, values, strict=True)]
            sums.append(tuple(running))
        prefix[agency_id] = sums
    results = [RollupRead(counters={}) for _ in spans]
    _pairs_series(spans, position, tiles, scope, results)
    partials: dict[datetime, tuple[dict[int, _Sums], set[Pair], set[Pair]]] = {}
    for (first, last, partial), read in zip(spans, results, strict=True):
        a, b = position[first], position[last]
        sums_of = {agency_id: _window_sums(sums[a], sums[b]) for agency_id, sums in prefix.items()}
        if partial is not None:
            if partial not in partials:
                found: tuple[dict[int, _Sums], set[Pair], set[Pair]] = ({}, set(), set())
                _partial_day(_midnight(last), partial, scope, *found)
                partials[partial] = found
            extra, online, paid = partials[partial]
            for agency_id, more in extra.items():
                sums_of.setdefault(agency_id, _Sums()).merge(more)
            read.online_parts.append(online)
            read.paid_parts.append(paid)
        read.counters = _counters(sums_of)
    return results


# windows per read: at most 2 bounds each, so the segments' bits stay below 2**62
MAX_WINDOWS = 30
_BEFORE_FIRST = ((0, 1),)  # a bucket in no segment of the window's days: before the first one (segment 0)
# the counters a window reads: those summed over the window, and the cumulative ones
_READ = tuple(dict.fromkeys((*_WINDOW_RECEIVED, *_WINDOW_ENDED, *_CUMULATIVE)))
# their sums as integers (PostgreSQL sums a bigint as a numeric, which the driver reads as a Decimal);
# the columns are never null, so neither is a sum over a group
_SUMMED = {f"sum_{name}": Cast(Sum(name), BigIntegerField()) for name in _READ}
# the sums of a window (:class:`_Sums`, in this order), and where each is read in ``_READ``
_SUMS = (
    *(f"w_{name}" for name in (*_WINDOW_RECEIVED, *_WINDOW_ENDED)),
    *(f"c_{name}" for name in _CUMULATIVE),
    "b_ended",
)
_SUM_AT = {key: i for i, key in enumerate(_SUMS)}
_W_AT = tuple(_READ.index(name) for name in (*_WINDOW_RECEIVED, *_WINDOW_ENDED))
_C_AT = tuple(_READ.index(name) for name in _CUMULATIVE)
_ENDED = _READ.index("ended")


def _window_sums(start: Sequence[int], close: Sequence[int]) -> _Sums:
    """One agency's sums of a window from the prefix sums at its first and last day."""
    return _Sums([*(close[i] - start[i] for i in _W_AT), *(close[i] for i in _C_AT), start[_ENDED]])


def _pairs_series(
    spans: list[tuple[date, date, datetime | None]],
    position: dict[date, int],
    tiles: list[list[tuple[str, date, int]]],
    scope: Q,
    results: list[RollupRead],
) -> None:
    """The (handling agency, procedure) pairs with an online dossier or an online payment in each
    window's whole days, in one query: for each pair, the segments (one bit each) where it has some.
    The buckets join a list of (grain, bucket, bit, sign); a pair is in a segment when its signed sum
    there is positive."""
    ranges = [(position[first], position[last]) for first, last, _ in spans]
    if all(a == b for a, b in ranges):
        return
    inner = (
        IndicatorRollup.objects.filter(scope)
        .filter(_buckets(IndicatorRollup, tiles=[(g, b) for signed in tiles for g, b, _ in signed]))
        .filter(Q(received_online__gt=0) | Q(paid_online__gt=0))
        .order_by()
        .values_list("agency_id", "procedure_id", "grain", "bucket", "received_online", "paid_online")
    )
    sql, params = inner.query.sql_with_params()
    day = "CAST(%s AS date)" if connection.vendor == "postgresql" else "%s"
    values: list[str] = []
    listed: list[Any] = []
    for j, signed in enumerate(tiles, start=1):
        for grain, bucket, sign in signed:
            values.append(f"(%s, {day}, CAST(%s AS bigint), %s)")
            listed += [str(grain), bucket, 1 << j, sign]
    query = (
        "SELECT u.agency_id, u.procedure_id, SUM(CASE WHEN u.o > 0 THEN u.bit ELSE 0 END), "
        "SUM(CASE WHEN u.p > 0 THEN u.bit ELSE 0 END) FROM ("
        "SELECT t.agency_id, t.procedure_id, v.column3 AS bit, "
        "SUM(v.column4 * t.received_online) AS o, SUM(v.column4 * t.paid_online) AS p "
        f"FROM ({sql}) t JOIN (VALUES {', '.join(values)}) v ON v.column1 = t.grain AND v.column2 = t.bucket "
        "GROUP BY t.agency_id, t.procedure_id, v.column3) u GROUP BY u.agency_id, u.procedure_id"
    )
    online_by: dict[int, list[Pair]] = defaultdict(list)  # segment bits -> pairs: few distinct values
    paid_by: dict[int, list[Pair]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(query, [*params, *listed])
        for agency_id, procedure_id, o, p in cursor.fetchall():
            if o:
                online_by[int(o)].append((agency_id, procedure_id))
            if p:
                paid_by[int(p)].append((agency_id, procedure_id))
    for (a, b), read in zip(ranges, results, strict=True):
        if a == b:
            continue
        mask = sum(1 << j for j in range(a + 1, b + 1))
        read.online_parts.extend(pairs for bits, pairs in online_by.items() if bits & mask)
        read.paid_parts.extend(pairs for bits, pairs in paid_by.items() if bits & mask)


def _partial_day(
    start: datetime, close: datetime, scope: Q, sums: dict[int, _Sums], online: set[Pair], paid: set[Pair]
) -> None:
    """Add the facts of ``[start, close)`` (a part of the window's last day) to the sums and pairs."""
    for row in _partial_rows(start, close, scope, "agency_id"):
        sums.setdefault(row["agency_id"], _Sums()).add(row)
    received = Q(received_at__gte=start, received_at__lt=close)
    online.update(
        DossierFact.objects.filter(scope)
        .filter(received, online=True)
        .order_by()
        .values_list("agency_id", "procedure_id")
        .distinct()
    )
    paid.update(
        PaymentFact.objects.filter(scope)
        .filter(paid_at__gte=start, paid_at__lt=close)
        .order_by()
        .values_list("agency_id", "procedure_id")
        .distinct()
    )


# the sums of the facts of part of a day, named as :class:`_Sums` keys: (name, when, and also, what)
_PARTIAL = (
    ("w_received", "received", "", "1"),
    ("w_received_online", "received", "t.online", "1"),
    ("w_received_upload", "received", "t.upload", "1"),
    ("w_received_reused", "received", "t.reused", "1"),
    ("w_received_synced", "received", "t.synced", "1"),
    ("w_received_identified", "received", "t.identified", "1"),
    ("w_received_digitised_result", "received", "t.digitised AND t.result_signed", "1"),
    ("w_received_fee", "received", "t.fee", "1"),
    ("w_received_fee_paid", "received", "t.fee AND t.paid_online", "1"),
    ("w_completed", "received", "t.processed", "1"),
    ("w_completed_result", "received", "t.processed AND t.result_signed", "1"),
    ("w_completed_elapsed_us", "received", "", "t.elapsed_us"),
    ("w_completed_paused_us", "received", "", "t.paused_us"),
    ("w_ended", "ended", "", "1"),
    ("w_ended_on_time", "ended", "t.end_on_time", "1"),
    ("w_ended_satisfied", "ended", "t.end_on_time AND NOT t.dissatisfied", "1"),
    ("c_received", "received", "", "1"),
    ("c_ended", "ended", "", "1"),
    ("c_received_le1", "received", "t.le1", "1"),
    ("c_stopped_le1", "stopped", "", "1"),
)
_PARTIAL_WHEN = {
    "received": "t.received_at >= %s AND t.received_at < %s",
    "ended": "t.end_at >= %s AND t.end_at < %s",
    "stopped": "t.le1 AND t.stop_at >= %s AND t.stop_at < %s",
}
_PARTIAL_COLUMNS = (
    "received_at",
    "end_at",
    "stop_at",
    "le1",
    "online",
    "upload",
    "reused",
    "synced",
    "identified",
    "digitised",
    "result_signed",
    "fee",
    "paid_online",
    "processed",
    "elapsed_us",
    "paused_us",
    "end_on_time",
    "dissatisfied",
)


def _partial_rows(start: datetime, close: datetime, scope: Q, key: str) -> list[dict[str, Any]]:
    """The sums of the facts of ``[start, close)`` grouped by ``key`` (a fact column), named as
    :class:`_Sums` keys (``w_``, ``c_``): one query. Django selects the facts in scope touching the
    span; the sums over them are written here (compiling sixteen conditional aggregates took Django
    longer than running the query)."""
    received = Q(received_at__gte=start, received_at__lt=close)
    ended = Q(end_at__gte=start, end_at__lt=close)
    stopped = Q(le1=True, stop_at__gte=start, stop_at__lt=close)
    inner = (
        DossierFact.objects.filter(scope)
        .filter(received | ended | stopped)
        .order_by()
        .values_list(key, *_PARTIAL_COLUMNS)
    )
    sql, params = inner.query.sql_with_params()
    span = [connection.ops.adapt_datetimefield_value(start), connection.ops.adapt_datetimefield_value(close)]
    sums: list[str] = []
    for _, when, extra, what in _PARTIAL:
        condition = _PARTIAL_WHEN[when] + (f" AND {extra}" if extra else "")
        sums.append(f"SUM(CASE WHEN {condition} THEN {what} ELSE {'0' if what == '1' else 'NULL'} END)")
    query = f"SELECT t.{key}, {', '.join(sums)} FROM ({sql}) t GROUP BY t.{key}"
    with connection.cursor() as cursor:
        cursor.execute(query, [*span * len(_PARTIAL), *params])
        fetched = cursor.fetchall()
    names = [key, *(name for name, *_ in _PARTIAL)]
    return [dict(zip(names, row, strict=True)) for row in fetched]


def _counters(sums: dict[int, _Sums]) -> dict[int, Counters]:
    """The direct engine's counters from the sums (same keys, same values)."""
    result: dict[int, Counters] = {}
    for agency_id, s in sums.items():
        (
            received,
            received_online,
            received_upload,
            received_reused,
            received_synced,
            received_identified,
            received_digitised_result,
            fee,
            fee_paid,
            completed,
            completed_result,
            elapsed_us,
            paused_us,
            finished,
            finished_on_time,
            satisfied,
            c_received,
            c_ended,
            c_received_le1,
            c_stopped_le1,
            b_ended,
        ) = s.values  # the order of ``_SUMS``
        # the direct query groups the dossiers received before T not ended before S
        if c_received - b_ended <= 0:
            continue
        in_process = c_received - c_ended
        in_process_on_time = c_received_le1 - c_stopped_le1
        result[agency_id] = {
            "PROGRESS_ON_TIME:num": finished_on_time + in_process_on_time,
            "PROGRESS_ON_TIME:den": finished + in_process,
            "PROCESSING_TIME_AVG:num": completed,
            "PROCESSING_TIME_AVG:den": completed,
            "ONLINE_SUBMISSION:num": received_online,
            "ONLINE_SUBMISSION:den": received,
            "ORIGINAL_RESULT_AVAILABLE:num": completed_result,
            "ORIGINAL_RESULT_AVAILABLE:den": completed,
            "SO_HOA_GIAY_TO_GIAI_QUYET:num": received_digitised_result,
            "SO_HOA_GIAY_TO_GIAI_QUYET:den": received,
            "REUSED_DIGITIZED_DATA:num": received_reused,
            "REUSED_DIGITIZED_DATA:den": received,
            "DOSSIER_SYNC:num": received_synced,
            "DOSSIER_SYNC:den": received,
            "CITIZEN_DATA_CONNECTED_DOSSIER:num": received_identified,
            "CITIZEN_DATA_CONNECTED_DOSSIER:den": received,
            "DOSSIER_RECEIVING_SATISFACTION:num": satisfied,
            "DOSSIER_RECEIVING_SATISFACTION:den": finished,
            "ONLINE_PAYMENT:num": fee_paid,
            "ONLINE_PAYMENT:den": fee,
            "PROGRESS_ON_TIME:finished": finished,
            "PROGRESS_ON_TIME:finished_on_time": finished_on_time,
            "PROGRESS_ON_TIME:in_process": in_process,
            "PROGRESS_ON_TIME:in_process_on_time": in_process_on_time,
            # floored per handling agency, as the direct sums of durations
            "PROCESSING_TIME_AVG:seconds": elapsed_us // MICRO - paused_us // MICRO,
        }
    return result


# the columns a read may group the counters by (the breakdown tables of the dashboards)
GROUP_KEYS = ("agency_id", "procedure_id")


def rollups_read_grouped(*, window: Window, scope: Q, by: str) -> dict[int, Counters]:
    """The dossier counters of one window for a scope, grouped by handling agency (``by="agency_id"``)
    or by procedure (``by="procedure_id"``): what a grouped direct count of the dossiers gives
    (``cchc.indicators.web.breakdowns``, ``method="direct"``), in 2 queries (1 more when the window
    closes mid-day); reads only.

    How: every bucket before the window's first day (prefix ``P(S)``) and the signed buckets tiling
    its whole days (:func:`signed_buckets`), in one query summed by (key, grain, bucket); the window's
    sums are ``P(T) − P(S)`` and the cumulative ones ``P(T)``, plus the facts of a partial last day,
    as :func:`rollups_read_series` does per handling agency. Every counter is a count over dossiers,
    so any partition of them (agencies, procedures) adds up to the same figures; a key is listed when
    it has a dossier received before ``T`` not ended before ``S``, as in the direct query. Only
    ``PROCESSING_TIME_AVG:seconds`` is floored per key here (per handling agency in the engine).
    A window closing before it starts (a period not begun) has no tiling: ``ValueError``.
    """
    if by not in GROUP_KEYS:
        raise ValueError(f"cannot group the counters by {by!r}")
    if window.close < window.start:
        raise ValueError("a window closing before it starts has no rollup tiling")
    first = window.start.astimezone(VN_TZ).date()
    close = window.close.astimezone(VN_TZ)
    last = close.date()
    signed = signed_buckets(first, last)
    sign_of = {(grain, bucket): sign for grain, bucket, sign in signed}
    rows = (
        IndicatorRollup.objects.filter(scope)
        .filter(_buckets(IndicatorRollup, before=first, tiles=[(grain, bucket) for grain, bucket, _ in signed]))
        .order_by()
        .values_list(by, "grain", "bucket")
        .annotate(**_SUMMED)
    )
    width = len(_READ)
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:  # plain rows, as in rollups_read_series
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    # per key: [sums before the first day, signed sums over the whole days of the window]
    parts: dict[int, list[list[int]]] = {}
    for key, grain, bucket, *values in fetched:
        pair = parts.get(key)
        if pair is None:
            pair = parts[key] = [[0] * width, [0] * width]
        day = date.fromisoformat(bucket) if isinstance(bucket, str) else bucket  # SQLite: text
        sign = sign_of.get((grain, day))
        j = 0 if sign is None else 1
        pair[j] = list(map(operator.sub if sign is not None and sign < 0 else operator.add, pair[j], values))
    sums_of: dict[int, _Sums] = {}
    for key, (before, inside) in parts.items():
        through = tuple(b + w for b, w in zip(before, inside, strict=True))
        sums_of[key] = _window_sums(tuple(before), through)
    if _midnight(last) < close:
        for row in _partial_rows(_midnight(last), close, scope, by):
            key = row.pop(by)
            sums_of.setdefault(key, _Sums()).add(row)
    return _counters(sums_of)


__all__ = [
    "BACKLOG_COUNTED",
    "Freshness",
    "RebuildResult",
    "RollupRead",
    "facts_queryset",
    "rollups_apply",
    "rollups_freshness",
    "rollups_read",
    "rollups_read_grouped",
    "rollups_read_series",
    "rollups_rebuild",
    "rollups_refresh",
    "scope_rollup_filter",
    "signed_buckets",
    "window_buckets",
]
