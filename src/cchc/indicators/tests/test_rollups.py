"""Rollups give exactly the direct figures: on a few thousand simulated dossiers (bulk path, then the
services), for every indicator, period kind, scope and structure; kept up to date by the outbox
subscriber (and the audit-trail catch-up) after more transitions, never by a read; a rebuild from
scratch equals the incremental state; a constant number of queries."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import F, Max, Min, Q, Sum

from cchc.accounts.constants import Role
from cchc.dossiers import services as s
from cchc.dossiers.constants import (
    Channel,
    DocumentSource,
    DossierError,
    DossierStatus,
    IdentityLevel,
    PaymentChannel,
    RatingLevel,
)
from cchc.dossiers.events import DossierEvent
from cchc.dossiers.models import Dossier, DossierDocument, DossierRating, FeeLine, Payment, SupplementRequest
from cchc.dossiers.simulation import dossiers_simulate
from cchc.dossiers.simulation.world import world_load
from cchc.feedback.constants import FeedbackStatus
from cchc.feedback.models import Feedback
from cchc.feedback.services import Submitter, feedback_submit
from cchc.indicators.compute import (
    Report,
    indicators_compute,
    indicators_compute_series,
    indicators_compute_units,
    indicators_dashboard,
)
from cchc.indicators.constants import Method, Structure
from cchc.indicators.models import (
    ROLLUP_COUNTERS,
    AgencyRollup,
    DossierFact,
    Grain,
    IndicatorRollup,
    PaymentFact,
    RollupState,
)
from cchc.indicators.periods import period_parse
from cchc.indicators.rollups import (
    _FACT_COLUMNS,
    _facts_range_insert,
    facts_queryset,
    rollups_rebuild,
    rollups_refresh,
    signed_buckets,
    window_buckets,
)
from cchc.indicators.scopes import Scope, reference_cache_clear
from cchc.indicators.subscribers import subscriber_freshness
from cchc.indicators.tests.conftest import apply_events
from cchc.integrations.models import DossierSync
from cchc.outbox.models import OutboxEvent

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PUBLISHED = datetime(2025, 7, 1, 0, 0, tzinfo=VN)
HORIZON = datetime(2026, 3, 20, 14, 30, tzinfo=VN)  # Friday afternoon: the last weeks' dossiers still open
LATER = datetime(2026, 3, 23, 9, 15, tzinfo=VN)  # the Monday after: more transitions
AFTER = datetime(2026, 4, 1, 0, 0, tzinfo=VN)
BULK, SERVICES = 2400, 250

# (period, at): closed periods of every kind, a range, a future period, and running ones closing mid-day
CASES = [
    ("2025-07-01", AFTER),
    ("2025-08", AFTER),
    ("2025-Q3", AFTER),
    ("2025-Q4", AFTER),
    ("2025-H2", AFTER),
    ("2025", AFTER),
    ("2025-08-05..2025-11-20", AFTER),
    ("2026-Q1", datetime(2026, 3, 18, 10, 17, 23, 120000, tzinfo=VN)),
    ("2026-03-18", datetime(2026, 3, 18, 15, 45, tzinfo=VN)),
    ("2026", HORIZON),
    ("2026-Q2", datetime(2026, 3, 1, 12, 0, tzinfo=VN)),  # not begun at ``at``
]


@pytest.fixture(scope="module")
def data_module(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[None]:
    from django.test import override_settings

    from cchc.catalogue.services import catalogue_import_demo
    from cchc.org.services import org_load_khanh_hoa

    # the services path scans the counter papers and stores the uploads (issue 16): not in var/media
    media = override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media")))
    with media, django_db_blocker.unblock(), transaction.atomic():
        org_load_khanh_hoa()
        catalogue_import_demo(at=PUBLISHED)
        # given a bulk load (no audit events), components the simulator does not write, and a rebuild
        start, end = date(2025, 7, 1), date(2026, 3, 31)
        bulk = dossiers_simulate(count=BULK, start=start, end=end, seed=21, bulk=True, horizon=HORIZON)
        assert bulk.written > BULK * 0.9
        _components(Dossier.objects.filter(received_at__isnull=False).values_list("pk", "received_at"))
        rollups_rebuild()
        # then dossiers through the services (audited, with their events), delivered to the rollups
        dossiers_simulate(count=SERVICES, start=date(2026, 1, 1), end=end, seed=22, horizon=HORIZON)
        apply_events()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def data(data_module: None, db: None) -> None:
    """Thousands of dossiers over July 2025 - March 2026 (loaded once per module, rolled back after)."""


def _components(rows: Any) -> None:
    documents = []
    for pk, received_at in rows:
        for source, every in ((DocumentSource.UPLOAD, 3), (DocumentSource.REUSED, 7)):
            if pk % every == 0:
                # the row an upload leaves (the file itself plays no part in the indicators)
                documents.append(
                    DossierDocument(
                        dossier_id=pk,
                        order=100 + every,
                        name="Tờ khai",
                        source=source,
                        size=1024,
                        sha256="0" * 64,
                        recorded_at=received_at,
                    )
                )
    DossierDocument.objects.bulk_create(documents)


def figures(reports: list[Report]) -> list[tuple[Any, ...]]:
    """Everything a report says, exact (fractions, not rounded)."""
    found = []
    for report in reports:
        results = tuple(
            (r.indicator.code, r.status, r.numerator, r.denominator, r.ratio, r.score, tuple(sorted(r.details.items())))
            for g in report.groups
            for r in g.results
        )
        found.append((report.scope_label, report.agency_id, report.total, report.measured_max, results))
    return found


def both(**kwargs: Any) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    if "scope" in kwargs:
        rolled = [indicators_compute(**kwargs, method=Method.ROLLUP)]
        direct = [indicators_compute(**kwargs, method=Method.DIRECT)]
    else:
        rolled = indicators_compute_units(**kwargs, method=Method.ROLLUP)
        direct = indicators_compute_units(**kwargs, method=Method.DIRECT)
    return figures(rolled), figures(direct)


def _value(reports: list[tuple[Any, ...]], code: str, index: int = 2) -> Any:
    return next(r[index] for r in reports[0][4] if r[0] == code)


def test_the_data_has_every_kind_of_fact(data: None) -> None:
    # the dossiers written through the services since the rebuild are applied (their events delivered:
    # none waits for the subscriber)
    assert Dossier.objects.filter(submitted_at__gte=datetime(2026, 1, 1, tzinfo=VN)).count() > SERVICES * 0.9
    assert subscriber_freshness().backlog == 0
    facts = DossierFact.objects
    assert facts.count() == Dossier.objects.filter(received_at__isnull=False).count() > 2000
    flags = (
        "online",
        "upload",
        "reused",
        "identified",
        "fee",
        "paid_online",
        "dissatisfied",
        "processed",
        "end_on_time",
    )
    for flag in flags:
        assert facts.filter(**{flag: True}).exists(), flag
        assert facts.filter(**{flag: False}).exists(), flag
    assert facts.filter(le1=False).exists()  # two supplement requests
    assert facts.filter(end_at__isnull=True).exists()
    assert facts.filter(paused_us__gt=0).exists()
    assert PaymentFact.objects.count() == Payment.objects.filter(channel=PaymentChannel.ONLINE_GATEWAY).count() > 0
    # the identities the cumulative counts rest on: a dossier ends and stops after it is received
    assert not facts.filter(end_at__lt=F("received_at")).exists()
    assert not facts.filter(stop_at__lt=F("received_at")).exists()


@pytest.mark.parametrize(("key", "at"), CASES, ids=[key for key, _ in CASES])
@pytest.mark.parametrize("structure", Structure.values)
def test_rollups_equal_direct_for_the_province_and_every_unit(
    data: None, key: str, at: datetime, structure: str
) -> None:
    # when every unit is computed from the rollups and directly from the dossiers
    rolled, direct = both(period=period_parse(key), at=at, structure=structure)
    # then every figure of every unit is the same, and the data make them non-trivial
    assert rolled == direct
    if key in ("2025-Q4", "2026-Q1", "2025"):
        assert _value(rolled, "PROGRESS_ON_TIME", 3) > 100
        assert len(rolled) > 20


SCOPES = [
    Scope(agency="so-tu-phap"),
    Scope(agency="ubnd-22366"),
    Scope(unit="22366"),
    Scope(unit="56"),
    Scope(level="province"),
    Scope(level="commune"),
]


@pytest.mark.parametrize("structure", Structure.values)
def test_rollups_equal_direct_for_every_scope(data: None, structure: str) -> None:
    popular = Counter(Dossier.objects.values_list("procedure_version__procedure__code", flat=True)).most_common(3)
    field = Dossier.objects.filter(procedure_version__procedure__code=popular[0][0]).values_list(
        "procedure_version__field__code", flat=True
    )[0]
    scopes = [
        *SCOPES,
        *(Scope(procedure=code) for code, _ in popular),
        Scope(field=field),
        Scope(level="commune", procedure=popular[0][0]),
        Scope(level="province", field=field),
    ]
    compared = 0
    for key, at in (CASES[3], CASES[5], CASES[7]):
        for scope in scopes:
            rolled, direct = both(period=period_parse(key), at=at, structure=structure, scope=scope)
            assert rolled == direct, (key, scope)
            compared += _value(rolled, "PROGRESS_ON_TIME", 3) or 0
    assert compared > 1000


def _user(holder: Any) -> Any:
    return get_user_model().objects.get(pk=holder.user_id)


def _try(call: Any) -> bool:
    try:
        with transaction.atomic():
            call()
    except DossierError:
        return False
    return True


def _transitions() -> Counter[str]:
    """Return results, rate them, request and hand in supplements, pay online: through the services."""
    world = world_load()
    day = LATER.date()
    done: Counter[str] = Counter()
    at = LATER
    open_ = Dossier.objects.filter(received_at__isnull=False).order_by("pk")

    def officers(*agency_ids: int) -> list[Any]:
        roles = (Role.RECEPTION, Role.CLERK, Role.SPECIALIST, Role.LEADER)
        return [_user(world.officer(a, role, day, 0.0)) for a in agency_ids for role in roles]

    for dossier in open_.filter(status=DossierStatus.PROCESSED)[:15]:
        for actor in officers(dossier.receiving_agency_id):
            if _try(partial(s.dossier_return_result, dossier=dossier, actor=actor, at=at)):
                done["return"] += 1
                break
    rated = set(DossierRating.objects.values_list("dossier_id", flat=True))
    for dossier in open_.filter(status=DossierStatus.RETURNED).exclude(pk__in=rated)[:20]:
        level = RatingLevel.DISSATISFIED if dossier.pk % 2 else RatingLevel.SATISFIED
        rate = partial(s.dossier_rate, dossier=dossier, level=level, criteria={}, comment="")
        done["rate"] += _try(partial(rate, at=at + timedelta(minutes=5)))
    for dossier in open_.filter(status=DossierStatus.SUPPLEMENT_REQUESTED)[:10]:
        resubmit = partial(s.dossier_resubmit_supplement, dossier=dossier, actor=None)
        done["resubmit"] += _try(partial(resubmit, at=at + timedelta(minutes=10)))
    for dossier in open_.filter(status=DossierStatus.IN_PROCESS)[:15]:
        for actor in officers(dossier.competent_agency_id, dossier.receiving_agency_id):
            ask = partial(s.dossier_request_supplement, dossier=dossier, actor=actor, reason="Bổ sung bản sao")
            if _try(partial(ask, at=at + timedelta(minutes=20))):
                done["supplement"] += 1
                break
    # apologies with a new appointment (form 04), before the deadline: lateness keeps the statutory one
    later_than = datetime.combine(day + timedelta(days=2), datetime.min.time(), tzinfo=VN)
    for dossier in open_.filter(status=DossierStatus.IN_PROCESS, due_at__gte=later_than)[:10]:
        assert dossier.due_at is not None
        for actor in officers(dossier.competent_agency_id):
            extend = partial(
                s.dossier_apologise_extend,
                dossier=dossier,
                actor=actor,
                new_due_at=dossier.due_at + timedelta(days=20),
                reason="Chờ xác minh",
            )
            if _try(partial(extend, at=at + timedelta(minutes=25))):
                done["extend"] += 1
                break
    for dossier in open_.filter(status=DossierStatus.FINANCIAL_OBLIGATION_REQUESTED)[:10]:
        pay = partial(
            s.dossier_record_payment,
            dossier=dossier,
            actor=None,
            amount=Decimal(100000),
            channel=PaymentChannel.ONLINE_GATEWAY,
            receipt_number=f"GW-{dossier.pk}",
        )
        done["pay"] += _try(partial(pay, at=at + timedelta(minutes=30)))
    # feedback about returned dossiers not rated "dissatisfied" (5.4 counts it as dissatisfaction)
    citizen = Submitter(name="Lê Văn Cường", phone="0914000111")
    for dossier in open_.filter(status=DossierStatus.RETURNED).exclude(rating__level=RatingLevel.DISSATISFIED)[:6]:
        file = partial(feedback_submit, submitter=citizen, agency=None, dossier_code=dossier.code)
        text = {"subject": "Trả kết quả chậm", "content": "Tôi nhận kết quả muộn hơn ngày hẹn ghi trên giấy."}
        done["feedback"] += _try(partial(file, at=at + timedelta(minutes=40), **text))
    return done


def _state() -> dict[str, list[tuple[Any, ...]]]:
    rows = IndicatorRollup.objects.order_by("grain", "bucket", "agency_id", "procedure_id", "field_id")
    key = ("grain", "bucket", "agency_id", "procedure_id", "field_id")
    by_agency = AgencyRollup.objects.order_by("grain", "bucket", "agency_id")
    # the agency table holds the sums of the detailed one
    summed = (
        IndicatorRollup.objects.values("grain", "bucket", "agency_id")
        .annotate(**{c: Sum(c) for c in ROLLUP_COUNTERS})
        .order_by("grain", "bucket", "agency_id")
        .values_list("grain", "bucket", "agency_id", *ROLLUP_COUNTERS)
    )
    assert list(by_agency.values_list("grain", "bucket", "agency_id", *ROLLUP_COUNTERS)) == list(summed)
    return {
        # a refresh may leave rows whose counters went back to 0; a rebuild writes none
        "rollups": [r for r in rows.values_list(*key, *ROLLUP_COUNTERS) if any(r[len(key) :])],
        "by_agency": [r for r in by_agency.values_list(*key[:3], *ROLLUP_COUNTERS) if any(r[3:])],
        "facts": sorted(DossierFact.objects.values_list(*[f.attname for f in DossierFact._meta.concrete_fields])),
        "payments": sorted(PaymentFact.objects.values_list(*[f.attname for f in PaymentFact._meta.concrete_fields])),
    }


def test_refresh_follows_the_services_and_equals_a_rebuild(data: None, django_assert_num_queries: Any) -> None:
    # given rollups up to date (nothing new: one query)
    rollups_refresh()
    with django_assert_num_queries(1):
        assert rollups_refresh() == 0
    period = period_parse("2026-Q1")
    before, _ = both(period=period, at=AFTER, structure=Structure.CURRENT)

    # when dossiers move on through the services
    done = _transitions()
    assert set(done) == {"return", "rate", "resubmit", "supplement", "extend", "pay", "feedback"}, done
    assert done["rate"] >= 5

    # then the catch-up from the audit trail applies them, and the rollups equal the direct figures again
    assert rollups_refresh() > 0
    for key, at in (("2026-Q1", AFTER), ("2026-03", LATER + timedelta(hours=2)), ("2026", AFTER)):
        rolled, direct = both(period=period_parse(key), at=at, structure=Structure.CURRENT)
        assert rolled == direct, key
    after, _ = both(period=period, at=AFTER, structure=Structure.CURRENT)
    assert after != before
    state = RollupState.objects.get()
    assert state.last_sequence == max_sequence()

    # and the incremental state is the state a rebuild from scratch makes
    incremental = _state()
    result = rollups_rebuild()
    assert result.facts == len(incremental["facts"])
    assert result.payments == len(incremental["payments"])
    assert _state() == incremental


def _events_since(sequence: int, *, dossiers: bool) -> list[Any]:
    """The outbox events of the audited writes after ``sequence``, saved in commit order: with
    ``dossiers``, one dossier event per dossier write (as the transition executor writes them), and one
    ``feedback.submitted`` per feedback filed about a dossier (the topic the subscriber awaits from
    feedback, which no feedback write emits yet)."""
    from django.contrib.contenttypes.models import ContentType

    from cchc.audit.models import AuditEvent
    from cchc.dossiers.events import DossierEvent, dossier_event
    from cchc.outbox.services import outbox_emit

    kinds = ContentType.objects.get_for_models(Dossier, Feedback)
    written = AuditEvent.objects.filter(sequence__gt=sequence, target_type__in=kinds.values()).order_by("sequence")
    events = []
    for audit in written:
        if audit.target_type_id == kinds[Dossier].pk:
            if not dossiers:
                continue
            dossier = Dossier.objects.get(pk=audit.target_id)
            event = dossier_event(
                DossierEvent.STEP_COMPLETED, dossier, action="x", status_before=None, at=audit.at, actor_id=None
            )
            event.save()
        else:
            feedback = Feedback.objects.get(pk=audit.target_id)
            event = outbox_emit(
                topic="feedback.submitted",
                stream=f"feedback:{feedback.pk}",
                payload={"feedback_id": feedback.pk, "dossier_id": feedback.dossier_id},
                occurred_at=audit.at,
            )
        events.append(event)
    return events


def test_the_subscriber_follows_the_services_and_equals_a_rebuild(data: None) -> None:
    from cchc.indicators.subscribers import SUBSCRIBER, TOPICS, subscriber_freshness
    from cchc.outbox.registry import subscriber

    # given the subscriber registered for every dossier event (and the feedback's), rollups up to date
    handler = subscriber(SUBSCRIBER)
    assert handler is not None
    expected = {event.value for event in DossierEvent} | {"feedback.submitted", "feedback.rejected"}
    assert expected | {"integrations.dossier_synced"} == TOPICS
    assert handler.topics == TOPICS
    assert not subscriber_freshness().lagging
    period, mark = period_parse("2026-Q1"), max_sequence()
    head = OutboxEvent.objects.aggregate(head=Max("pk"))["head"] or 0

    # when dossiers move on through the services and their events are written, not yet delivered
    done = _transitions()
    assert done["feedback"] > 0
    # (the events the transitions wrote; before the transition executor writes them, made here)
    written = list(OutboxEvent.objects.filter(pk__gt=head, topic__in=TOPICS).order_by("pk"))
    events = written + _events_since(mark, dossiers=not written)
    assert len(events) >= sum(done.values())
    # then the rollups lag, and say so; a read leaves them as they are (it never writes)
    freshness = subscriber_freshness()
    assert (freshness.backlog, freshness.as_of) == (len(events), events[0].created_at)
    stale = _state()
    rolled, direct = both(period=period, at=AFTER, structure=Structure.CURRENT)
    assert rolled != direct
    assert _state() == stale

    # when the dispatcher delivers the events to the subscriber, one by one
    for event in events:
        handler.handle([event])
    # then the rollups equal the direct figures again, and nothing waits
    for key, at in (("2026-Q1", AFTER), ("2026-03", LATER + timedelta(hours=2)), ("2026", AFTER)):
        rolled, direct = both(period=period_parse(key), at=at, structure=Structure.CURRENT)
        assert rolled == direct, key
    assert not subscriber_freshness().lagging
    applied = _state()

    # when every event is delivered again (at least once), newest first (an older one after a newer)
    for event in reversed(events):
        handler.handle([event])
    # then nothing moves, and the state is the one a rebuild from scratch makes
    assert _state() == applied
    rollups_rebuild()
    assert _state() == applied


def test_the_batch_handler_applies_many_dossiers_at_once(data: None) -> None:
    from cchc.dossiers.constants import Channel
    from cchc.indicators.subscribers import rollups_on_events

    # given 700 received dossiers changed (their channel) and their events not yet handled
    changed = list(Dossier.objects.filter(received_at__isnull=False).order_by("pk").values_list("pk", flat=True)[:700])
    Dossier.objects.filter(pk__in=changed[::2]).update(channel=Channel.ONLINE)
    Dossier.objects.filter(pk__in=changed[1::2]).update(channel=Channel.IN_PERSON)
    events = [
        OutboxEvent(topic="dossier.received", stream=f"dossier:{pk}", payload={"dossier_id": pk}, occurred_at=AFTER)
        for pk in changed
    ]
    # when they are handled as one batch (more than one statement's worth of dossiers), twice
    rollups_on_events(events)
    applied = _state()
    rollups_on_events(events)
    # then the rollups are those a rebuild makes, and equal the direct figures
    assert _state() == applied
    rollups_rebuild()
    assert _state() == applied
    rolled, direct = both(period=period_parse("2025"), at=AFTER, structure=Structure.CURRENT)
    assert rolled == direct


def max_sequence() -> int:
    from cchc.audit.models import AuditEvent

    return AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True)[0]


def test_a_rollup_compute_runs_a_constant_number_of_queries(
    data: None, django_assert_max_num_queries: Any, django_assert_num_queries: Any
) -> None:
    rollups_refresh()
    reference_cache_clear()
    year, mid_day = period_parse("2025"), datetime(2026, 3, 18, 10, 17, tzinfo=VN)
    # a closed year, nothing kept yet: reference stamp, organisation (2), counters, pairs, catalogue (3),
    # the publications of 1.1 and 1.2, feedback (a read never refreshes: no refresh check)
    with django_assert_num_queries(10):
        indicators_compute(period=year, at=AFTER)
    # again: the organisation and the catalogue kept by the process, the stamp says they are current
    with django_assert_num_queries(4):
        indicators_compute(period=year, at=AFTER)
    # another day: its organisation (2), the catalogue kept; mid-day adds 3
    with django_assert_num_queries(9):
        indicators_compute(period=period_parse("2026-Q1"), at=mid_day)
    with django_assert_max_num_queries(7):
        units = indicators_compute_units(period=period_parse("2026-Q1"), at=mid_day)
    assert len(units) > 20


MID_DAY = datetime(2026, 3, 18, 10, 17, 23, 120000, tzinfo=VN)  # running: the day, March, Q1, 2026
SERIES = [
    *(f"2025-{m:02d}" for m in range(6, 13)),  # June: before the catalogue was published
    "2026-01",
    "2026-02",
    "2026-03",
    "2025-Q3",
    "2025-08-05..2025-11-20",
    "2025",
    "2026-Q1",
    "2026-03-18",
    "2026",
    "2026-Q2",  # not begun: read directly inside the series
]


@pytest.mark.parametrize("structure", Structure.values)
def test_a_series_equals_the_periods_computed_one_by_one(data: None, structure: str) -> None:
    popular = Counter(Dossier.objects.values_list("procedure_version__procedure__code", flat=True)).most_common(1)
    periods = [period_parse(key) for key in SERIES]
    for scope in (Scope(), Scope(level="commune"), Scope(agency="so-tu-phap"), Scope(procedure=popular[0][0])):
        # when the periods are computed as one series (rollups, and directly) and one by one
        series = figures(indicators_compute_series(periods=periods, scope=scope, at=MID_DAY, structure=structure))
        series_direct = figures(
            indicators_compute_series(
                periods=periods, scope=scope, at=MID_DAY, structure=structure, method=Method.DIRECT
            )
        )
        one_by_one = {
            method: figures(
                [
                    indicators_compute(period=p, scope=scope, at=MID_DAY, structure=structure, method=method)
                    for p in periods
                ]
            )
            for method in Method.values
        }
        # then every figure of every indicator is the same
        assert series == one_by_one[Method.ROLLUP] == one_by_one[Method.DIRECT] == series_direct, scope
        if scope.is_province:  # and the data make them non-trivial
            assert _value(series[SERIES.index("2026-Q1") :], "PROGRESS_ON_TIME", 3) > 100


def test_the_dashboard_equals_the_separate_computations(data: None, django_assert_num_queries: Any) -> None:
    rollups_refresh()
    reference_cache_clear()
    quarter = period_parse("2026-Q1")
    months = [period_parse(f"2026-{m:02d}") for m in (1, 2, 3)]
    # when a dashboard computes a level's quarter and months together with every unit
    # (stamp, organisation 2, counters, pairs, catalogue 3, the publications of 1.1 and 1.2, feedback, mid-day 3)
    with django_assert_num_queries(13):
        dashboard = indicators_dashboard(
            period=quarter, trend=months, scope=Scope(level="commune"), at=MID_DAY, units=True
        )
    # then its figures are those of the computations one by one, read directly from the dossiers
    direct = partial(indicators_compute, at=MID_DAY, method=Method.DIRECT)
    assert figures(dashboard.units) == figures(indicators_compute_units(period=quarter, at=MID_DAY, method="direct"))
    assert figures([dashboard.report]) == figures([direct(period=quarter, scope=Scope(level="commune"))])
    assert [p for p, _ in dashboard.trend] == months
    assert figures([r for _, r in dashboard.trend]) == figures(
        [direct(period=m, scope=Scope(level="commune")) for m in months]
    )
    # and the province's own dashboard reports the province as its first unit
    province = indicators_dashboard(period=quarter, trend=months, at=MID_DAY, units=True)
    assert province.report is province.units[0]


def test_a_series_costs_the_queries_of_one_period(data: None, django_assert_num_queries: Any) -> None:
    rollups_refresh()
    months = [period_parse(f"2025-{m:02d}") for m in range(1, 13)]
    # closed periods: reference stamp, counters, pairs, feedback, whatever their number
    # (the organisation, the catalogue and the publications of 1.1 and 1.2 read once, then kept: 6 queries
    # more the first time)
    reference_cache_clear()
    with django_assert_num_queries(10):
        indicators_compute_series(periods=[period_parse("2025")], at=AFTER)
    with django_assert_num_queries(4):
        reports = indicators_compute_series(periods=[period_parse("2025"), *months], at=AFTER)
    assert len(reports) == 13
    # running periods sharing their close (the month, the quarter, the year) read the partial day once
    running = [period_parse(k) for k in ("2026-01", "2026-02", "2026-03", "2026-Q1", "2026")]
    indicators_compute_series(periods=running, at=MID_DAY)  # that day's organisation, kept
    with django_assert_num_queries(7):
        indicators_compute_series(periods=running, at=MID_DAY)


def test_the_rebuild_and_refresh_commands(data: None) -> None:
    out = _call("rebuild")
    assert "Đã dựng lại" in out
    assert "giây" in out
    assert RollupState.objects.get().rebuilt_at is not None
    assert "Không có thay đổi mới" in _call("refresh")


def _call(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("indicators", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_window_buckets_tile_the_days_with_the_fewest_buckets() -> None:
    assert window_buckets(date(2025, 1, 1), date(2026, 1, 1)) == [(Grain.YEAR, date(2025, 1, 1))]
    q3 = window_buckets(date(2025, 7, 1), date(2025, 10, 1))
    assert q3 == [(Grain.MONTH, date(2025, 7, 1)), (Grain.MONTH, date(2025, 8, 1)), (Grain.MONTH, date(2025, 9, 1))]
    tiles = window_buckets(date(2024, 12, 30), date(2026, 2, 3))
    assert tiles[:2] == [(Grain.DAY, date(2024, 12, 30)), (Grain.DAY, date(2024, 12, 31))]
    assert (Grain.YEAR, date(2025, 1, 1)) in tiles
    assert (Grain.MONTH, date(2026, 1, 1)) in tiles
    assert tiles[-2:] == [(Grain.DAY, date(2026, 2, 1)), (Grain.DAY, date(2026, 2, 2))]
    assert window_buckets(date(2025, 3, 5), date(2025, 3, 5)) == []


def test_signed_buckets_read_a_late_running_month_as_the_month_minus_its_last_days() -> None:
    # early in a month: its days so far
    assert signed_buckets(date(2026, 11, 1), date(2026, 11, 4)) == [
        (Grain.DAY, date(2026, 11, d), 1) for d in (1, 2, 3)
    ]
    # late: the month minus the days from the close on (fewer buckets, mostly empty future days)
    assert signed_buckets(date(2026, 1, 1), date(2026, 11, 27)) == [
        *((Grain.MONTH, date(2026, m, 1), 1) for m in range(1, 11)),
        (Grain.MONTH, date(2026, 11, 1), 1),
        *((Grain.DAY, date(2026, 11, d), -1) for d in (27, 28, 29, 30)),
    ]
    # a segment starting inside the month keeps its days
    assert signed_buckets(date(2026, 11, 2), date(2026, 11, 29)) == [
        (Grain.DAY, date(2026, 11, d), 1) for d in range(2, 29)
    ]


def test_the_refresh_task_is_idempotent(data: None, settings: Any) -> None:
    from cchc.indicators.tasks import rollups_refresh_task

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # given a watermark behind the audit trail (the services' dossiers since the rebuild not caught up)
    RollupState.objects.update(last_sequence=0)
    first = rollups_refresh_task.enqueue()
    assert first.return_value > 0
    assert rollups_refresh_task.enqueue().return_value == 0
    assert RollupState.objects.get().last_sequence == max_sequence()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the set-based facts are PostgreSQL's rebuild path")
def test_the_rebuild_s_set_based_facts_equal_the_selectors_row_by_row(data: None) -> None:
    # given every branch of the facts: fees of 0 only and an amount still to be fixed, a supplement
    # resumed after processing (not subtracted), an open supplement request, each rating level
    with_fees = list(FeeLine.objects.values_list("dossier_id", flat=True).distinct().order_by("dossier_id")[:4])
    FeeLine.objects.filter(dossier_id__in=with_fees[:2]).update(amount=0)
    FeeLine.objects.filter(dossier_id=with_fees[2]).update(amount=None)
    late = SupplementRequest.objects.filter(resumed_at__isnull=False, dossier__processed_at__isnull=False).first()
    assert late is not None
    late.resumed_at = late.dossier.processed_at + timedelta(hours=1)
    late.save(update_fields=["resumed_at"])
    assert Dossier.objects.filter(status=DossierStatus.SUPPLEMENT_REQUESTED, received_at__isnull=False).exists()
    assert {level for level in DossierRating.objects.values_list("level", flat=True)} == set(RatingLevel.values)
    # a supplement asked before reception (form 02, no clock ran) is not subtracted from 2.2's time
    early = Dossier.objects.filter(processed_at__isnull=False, supplement_count=0).order_by("pk").first()
    assert early is not None
    assert early.received_at is not None
    SupplementRequest.objects.create(
        dossier=early,
        requested_at=early.received_at - timedelta(days=2),
        resumed_at=early.received_at - timedelta(days=1),
        requested_by=get_user_model().objects.order_by("pk").first(),
        reason="Bổ sung trước khi tiếp nhận",
        before_reception=True,
    )
    assert facts_queryset(Dossier.objects.filter(pk=early.pk)).get()["f_paused"] == 0
    # extended dossiers (form 04) processed after their statutory appointment, before the new one: late
    extended = Dossier.objects.filter(processed_at__gt=F("statutory_due_at"), processed_at__lte=F("due_at"))
    assert extended.exists()
    assert not facts_queryset(extended).filter(f_end_on_time=True).exists()
    # dossiers stopped after a supplement request never answered: they ended at the request
    abandoned = SupplementRequest.objects.filter(resumed_at__isnull=True, dossier__status=DossierStatus.STOPPED)
    assert abandoned.exists()
    ends = dict(
        facts_queryset(Dossier.objects.filter(pk__in=abandoned.values("dossier"))).values_list("f_dossier", "f_end_at")
    )
    assert ends == dict(abandoned.values_list("dossier_id", "requested_at"))
    citizen = Submitter(name="Phạm Thị Dung", phone="0935222333")
    text = {"subject": "Hồ sơ bị trả chậm", "content": "Đề nghị cơ quan xem lại thời hạn giải quyết hồ sơ."}
    satisfied = Dossier.objects.filter(status=DossierStatus.RETURNED).exclude(rating__level=RatingLevel.DISSATISFIED)
    first, second = satisfied.order_by("pk")[:2]
    feedback_submit(submitter=citizen, agency=None, dossier_code=first.code, at=LATER, **text)
    refused = feedback_submit(submitter=citizen, agency=None, dossier_code=second.code, at=LATER, **text)
    Feedback.objects.filter(pk=refused.feedback.pk).update(status=FeedbackStatus.REJECTED)
    # a dossier the national portal acknowledged (F766 1.4)
    DossierSync.objects.create(dossier=first, first_synced_at=LATER, synced_at=LATER, last_event_id=1, status_code=2)
    expected = sorted(tuple(row.values()) for row in facts_queryset(Dossier.objects.all()))
    column = {name: i for i, name in enumerate(_FACT_COLUMNS)}
    assert {row[0] for row in expected if row[column["synced"]]} == {first.pk}
    # the applicants who signed in with an electronic identity (F766 4.5b; the simulator's online ones)
    identified = {row[0] for row in expected if row[column["identified"]]}
    signed_in = Dossier.objects.filter(received_at__isnull=False).exclude(applicant_identity=IdentityLevel.NONE)
    assert identified == set(signed_in.values_list("pk", flat=True))
    assert identified
    assert not signed_in.exclude(channel=Channel.ONLINE).exists()
    assert any(row[6] is not None and row[17] is False for row in expected)  # ended, not processed
    dissatisfied = {row[0]: row[16] for row in expected}
    assert (dissatisfied[first.pk], dissatisfied[second.pk]) == (True, False)
    # components digitised by the simulated desk and online filings (4.2; no certificates here: no result)
    digitised = {row[0] for row in expected if row[column["digitised"]]}
    scanned = DossierDocument.objects.filter(Q(stored_document__isnull=False) | Q(source=DocumentSource.UPLOAD))
    assert digitised >= set(scanned.filter(dossier__received_at__isnull=False).values_list("dossier_id", flat=True))
    assert digitised
    # when the rebuild's set-based statement writes the facts, chunk by chunk
    DossierFact.objects.all().delete()
    ids = Dossier.objects.aggregate(low=Min("pk"), high=Max("pk"))
    for lo in range(ids["low"], ids["high"] + 1, 700):
        _facts_range_insert(lo, lo + 700)
    # then they are the selectors' facts, column by column
    assert sorted(DossierFact.objects.values_list(*_FACT_COLUMNS)) == expected
