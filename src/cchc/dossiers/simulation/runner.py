"""Running the plans: through the real services, or, for millions of dossiers, by writing rows in bulk.

Services path (default): every event is one call of a ``cchc.dossiers.services`` function, so every
rule, lock and audit event of the real system applies. Each dossier's events run in one outer
transaction (the services nest as savepoints), dossiers in submission order.

Bulk path (``--bulk``): the same plans, replayed in memory by :class:`_BulkDossier`, which checks each
action against the transition table (``cchc.dossiers.transitions``) and applies the lifecycle's rules
through the same functions as the executor's mutations (``cchc.dossiers.rules``: lateness, the one
supplement, the pause, the obligation and payment, the hand-over outcome), with codes from the daily
sequence and appointments and step deadlines on the competent agency's calendar, and writes the rows
with ``bulk_create`` in batches. A test proves both paths write the same rows for the same seed. What
the bulk path does not do:

- it writes **no audit events and no outbox events**: the chain stays valid (nothing is appended), but
  the bulk dossiers have no trail. Rebuilding a chain would mean hashing millions of events one by one,
  which is what the path exists to avoid; use the services path where the trail matters;
- it takes no locks and checks no permissions: run it on a database nobody else writes to;
- the daily sequences are continued from the stored values and written once at the end.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import islice
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models, transaction

from cchc.calendars.selectors import WorkingCalendar
from cchc.catalogue.models import Procedure, ProcedureVersion
from cchc.common.minipdf import text_pdf
from cchc.dossiers import rules, services, transitions
from cchc.dossiers.addresses import address_fields
from cchc.dossiers.codes import reception_day
from cchc.dossiers.constants import (
    Action,
    Channel,
    DocumentSource,
    DossierError,
    DossierStatus,
    IdentityLevel,
    PaymentChannel,
    ResultStatus,
    StepStatus,
)
from cchc.dossiers.lifecycle.applicants import PaperDocument
from cchc.dossiers.lifecycle.catalogue import templates
from cchc.dossiers.models import (
    Dossier,
    DossierRating,
    DossierSequence,
    DossierStep,
    Extension,
    FeeLine,
    Handover,
    Payment,
    SupplementRequest,
)
from cchc.dossiers.simulation.plan import (
    DIGITISE,
    RATE,
    RECEIVE_COUNTER,
    SUBMIT,
    DossierPlan,
    Event,
    Slot,
    clip,
    plan_dossier,
)
from cchc.dossiers.simulation.world import World
from cchc.org.identifiers import agency_identifier_on
from cchc.org.models import Agency
from cchc.records.selectors import reusable_for


@dataclass
class SimulationResult:
    """What a run did: dossiers planned and written, their final statuses and stories."""

    requested: int
    written: int = 0
    skipped: int = 0
    events: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    scenarios: Counter[str] = field(default_factory=Counter)
    officers_created: int = 0
    ratings: int = 0
    start: datetime | None = None
    end: datetime | None = None
    bulk: bool = False
    failures: list[str] = field(default_factory=list)


def submission_moments(*, seed: int, count: int, start: datetime, end: datetime) -> list[datetime]:
    """``count`` submission moments spread evenly at random over ``[start, end)``, in order."""
    rng = random.Random(f"{seed}:moments")
    span = int((end - start).total_seconds())
    return [start + timedelta(seconds=s) for s in sorted(rng.randrange(span) for _ in range(count))]


def iter_plans(
    world: World, *, seed: int, moments: list[datetime], horizon: datetime
) -> Iterator[tuple[int, DossierPlan | None]]:
    for index, moment in enumerate(moments, start=1):
        plan = plan_dossier(world, seed=seed, index=index, submitted=moment)
        yield index, (clip(plan, world, horizon) if plan is not None else None)


# --- the services path --------------------------------------------------------------------------


class _Lookups:
    """Model instances the services take, fetched once each."""

    def __init__(self) -> None:
        self.users: dict[int, AbstractBaseUser] = {}
        self.agencies: dict[int, Agency] = {}
        self.procedures: dict[int, Procedure] = Procedure.objects.in_bulk()
        self.versions: dict[int, ProcedureVersion] = {}
        self.performed = 0  # the transitions the current dossier's events made (one audit event each)

    def version(self, version_id: int) -> ProcedureVersion:
        version = self.versions.get(version_id)
        if version is None:
            version = self.versions[version_id] = ProcedureVersion.objects.get(pk=version_id)
        return version

    def user(self, user_id: int) -> AbstractBaseUser:
        user = self.users.get(user_id)
        if user is None:
            user = self.users[user_id] = get_user_model().objects.get(pk=user_id)
        return user

    def agency(self, agency_id: int) -> Agency:
        agency = self.agencies.get(agency_id)
        if agency is None:
            agency = self.agencies[agency_id] = Agency.objects.select_related("unit", "parent").get(pk=agency_id)
        return agency


def _officer(world: World, slot: Slot | None, at: datetime) -> int | None:
    if slot is None:
        return None
    return world.officer(slot.agency_id, slot.role, reception_day(at), slot.draw).user_id


def run_services(
    world: World,
    plans: Iterable[tuple[int, DossierPlan | None]],
    result: SimulationResult,
    *,
    progress: Callable[[int], None],
) -> None:
    lookups = _Lookups()
    # performance: one outer transaction per group of dossiers (each dossier is a savepoint inside it),
    # so a disk-synced commit is paid per group, not per dossier
    iterator = iter(plans)
    while group := list(islice(iterator, 100)):
        with transaction.atomic():
            for _, plan in group:
                _run_one(world, lookups, plan, result, progress)


def _run_one(
    world: World,
    lookups: _Lookups,
    plan: DossierPlan | None,
    result: SimulationResult,
    progress: Callable[[int], None],
) -> None:
    if plan is None or not plan.events:
        result.skipped += 1
        progress(1)
        return
    # officers missing so far are created here, outside the dossier's savepoint, so a refused dossier
    # cannot roll back an officer the later dossiers will be given
    for event in plan.events:
        _officer(world, event.actor, event.at)
        _officer(world, event.receiver, event.at)
    dossier = None
    lookups.performed = 0
    try:
        with transaction.atomic():
            for event in plan.events:
                dossier = _call(world, lookups, plan, dossier, event)
    except DossierError as exc:
        # a refused transition is a defect of the plan: the dossier is rolled back and reported
        result.failures.append(f"hồ sơ thứ {plan.index} ({plan.scenario}): {exc.code} {exc}")
        progress(1)
        return
    result.events += lookups.performed
    if dossier is not None:
        dossier.refresh_from_db(fields=["status"])
        result.written += 1
        result.statuses[dossier.status] += 1
        result.scenarios[plan.scenario] += 1
        result.ratings += sum(1 for e in plan.events if e.action == RATE)
    progress(1)


def _call(world: World, lookups: _Lookups, plan: DossierPlan, dossier: Dossier | None, event: Event) -> Dossier:
    at = event.at
    actor_id = _officer(world, event.actor, at)
    actor = lookups.user(actor_id) if actor_id is not None else None
    lookups.performed += event.action not in (DIGITISE, Action.ATTACH_RESULT)  # those count what they did
    if event.action in (SUBMIT, RECEIVE_COUNTER):
        common: dict[str, Any] = {
            "procedure": lookups.procedures[plan.version.procedure_id],
            "applicant": plan.applicant,
            "receiving_agency": lookups.agency(plan.receiving.id),
            "competent_agency": lookups.agency(plan.competent.id),
            "at": at,
        }
        lines = templates(lookups.version(plan.version.id)).documents
        if event.action == SUBMIT:
            return _apply_online(plan, lines, common, at)
        assert actor is not None
        papers = [PaperDocument(required_document_id=line.pk) for line in lines if line.mandatory]
        return services.dossier_receive_counter(**common, actor=actor, channel=plan.channel, documents=papers)
    assert dossier is not None
    if event.action == DIGITISE:
        assert actor is not None
        for paper in dossier.documents.filter(source=DocumentSource.PAPER, stored_document__isnull=True):
            services.dossier_digitise_document(
                dossier=dossier, actor=actor, at=at, document=paper.pk, file=_scan(paper.document_type_code)
            )
            lookups.performed += 1
        return dossier
    if event.action == RATE:
        services.dossier_rate(dossier=dossier, level=event.level, criteria=event.criteria or {}, comment="", at=at)
        return dossier
    action = Action(event.action)
    if action == Action.RECEIVE:
        assert actor is not None
        return services.dossier_receive(dossier=dossier, actor=actor, at=at)
    if action == Action.REFUSE:
        assert actor is not None
        return services.dossier_refuse(dossier=dossier, actor=actor, at=at, reason=event.reason)
    if action == Action.COMPLETE_STEP:
        assert actor is not None
        receiver_id = _officer(world, event.receiver, at)
        receiver = lookups.user(receiver_id) if receiver_id is not None else None
        services.dossier_complete_step(dossier=dossier, actor=actor, at=at, receiver=receiver)
    elif action == Action.REQUEST_SUPPLEMENT:
        assert actor is not None
        services.dossier_request_supplement(dossier=dossier, actor=actor, at=at, reason=event.reason)
    elif action == Action.RESUBMIT_SUPPLEMENT:
        services.dossier_resubmit_supplement(dossier=dossier, actor=actor, at=at)
    elif action == Action.REQUEST_FINANCIAL_OBLIGATION:
        assert actor is not None
        services.dossier_request_financial_obligation(dossier=dossier, actor=actor, at=at, amounts=event.amounts)
    elif action == Action.RECORD_PAYMENT:
        assert event.amount is not None
        services.dossier_record_payment(
            dossier=dossier,
            actor=actor,
            at=at,
            amount=event.amount,
            channel=PaymentChannel(event.payment_channel),
            receipt_number=event.receipt,
        )
    elif action == Action.APOLOGISE_EXTEND:
        assert actor is not None
        assert event.new_due_at is not None
        services.dossier_apologise_extend(
            dossier=dossier, actor=actor, at=at, new_due_at=event.new_due_at, reason=event.reason
        )
    elif action == Action.MARK_PROCESSED:
        assert actor is not None
        services.dossier_mark_processed(dossier=dossier, actor=actor, at=at)
    elif action == Action.ATTACH_RESULT:
        assert actor is not None
        lookups.performed += _attach_signed(dossier, actor, at, lookups.version(plan.version.id).result_document_name)
    elif action == Action.RETURN_RESULT:
        assert actor is not None
        services.dossier_return_result(dossier=dossier, actor=actor, at=at)
    elif action == Action.WITHDRAW:
        services.dossier_withdraw(dossier=dossier, actor=actor, at=at, reason=event.reason)
    elif action == Action.STOP:
        assert actor is not None
        services.dossier_stop(dossier=dossier, actor=actor, at=at, reason=event.reason)
    else:  # pragma: no cover - every planned action is handled above
        raise ValueError(action)
    return dossier


def _scan(type_code: str) -> SimpleUploadedFile:
    """A scanned or uploaded component: a one-page PDF (the same bytes each time: stored once per dossier)."""
    return SimpleUploadedFile(f"{type_code or 'giay-to'}.pdf", text_pdf("BAN SAO GIAY TO"), "application/pdf")


def _apply_online(plan: DossierPlan, lines: Sequence[Any], common: dict[str, Any], at: datetime) -> Dossier:
    """An online filing as the portal makes it (issue 16 item 5): an applicant signed in with an electronic
    identity is offered what their data store holds for each line and takes every offer; every other
    mandatory line is uploaded."""
    applicant = plan.applicant
    held: dict[str, Any] = {}
    if applicant.identity != IdentityLevel.NONE:
        held = reusable_for(
            owner_id_number=applicant.id_number,
            type_codes=[line.document_type_code for line in lines],
            on=reception_day(at),
        )
    reused = {line.order: held[line.document_type_code].pk for line in lines if line.document_type_code in held}
    files = {
        line.order: _scan(line.document_type_code) for line in lines if line.mandatory and line.order not in reused
    }
    return services.dossier_apply_online(
        **common, files=files, reused=reused or None, reuser_id_number=applicant.id_number if reused else ""
    )


class _NotSigned(Exception):
    pass


def _attach_signed(dossier: Dossier, actor: AbstractBaseUser, at: datetime, title: str) -> bool:
    """The competent agency attaches the result and the signing code signs it at once — what the outbox
    subscriber ``dossiers.results.sign`` does after the commit (the simulation returns results minutes
    later, inside its own transaction). Without a certificate for the agency (``cchc signing setup`` not
    run) the result is not attached: the dossier keeps a paper result. True when attached and signed."""
    from cchc.catalogue.constants import ELECTRONIC_CERTIFIED_COPY_TYPE
    from cchc.dossiers.results.services import result_sign
    from cchc.signing.constants import SigningError

    title = (title or "Kết quả giải quyết thủ tục hành chính")[:300]
    original = None
    if dossier.procedure_version.result_document_type == ELECTRONIC_CERTIFIED_COPY_TYPE:
        # an electronic certified copy is made from the original the desk digitised, never from a file
        # (cchc.dossiers.results.certified): without a digitised component the dossier keeps a paper copy
        original = dossier.documents.filter(stored_document__isnull=False).order_by("order").first()
        if original is None:
            return False
    try:
        with transaction.atomic():
            if original is not None:
                result = services.dossier_certify_copy(dossier=dossier, actor=actor, at=at, document=original.pk)
            else:
                result = services.dossier_attach_result(
                    dossier=dossier, actor=actor, at=at, title=title, file=text_pdf("KET QUA GIAI QUYET")
                )
            if result_sign(result=result).status != ResultStatus.SIGNED:
                raise _NotSigned  # a permanent refusal (an expired certificate): undo the attach
    except (SigningError, _NotSigned):
        return False
    return True


# --- the bulk path ------------------------------------------------------------------------------


class _Sequences:
    """The daily code sequences, continued from the stored values and written once at the end."""

    def __init__(self) -> None:
        self.stored = {(s.unit_code, s.day): s.last_value for s in DossierSequence.objects.all()}
        self.values: dict[tuple[str, date], int] = {}

    def next_code(self, unit_code: str, day: date) -> str:
        key = (unit_code, day)
        value = self.values.get(key, self.stored.get(key, 0)) + 1
        self.values[key] = value
        return f"{unit_code}-{day:%y%m%d}-{value:04d}"

    def save(self) -> None:
        new = [
            DossierSequence(unit_code=u, day=d, last_value=v)
            for (u, d), v in self.values.items()
            if (u, d) not in self.stored
        ]
        DossierSequence.objects.bulk_create(new, batch_size=2000)
        changed = [(u, d, v) for (u, d), v in self.values.items() if (u, d) in self.stored]
        for unit_code, day, value in changed:
            DossierSequence.objects.filter(unit_code=unit_code, day=day).update(last_value=value)


class _Addresses:
    """The resolved-unit columns of each address, resolved once per run (the services resolve at every creation:
    ``addresses.address_fields``; simulated addresses repeat, a million dossiers would pay the resolver a million
    times)."""

    def __init__(self) -> None:
        self.known: dict[str, dict[str, Any]] = {}

    def fields(self, address: str) -> dict[str, Any]:
        found = self.known.get(address)
        if found is None:
            if len(self.known) >= 50_000:
                self.known.clear()
            found = self.known[address] = address_fields(address)
        return {**found, "applicant_unit_candidates": list(found["applicant_unit_candidates"])}


class _BulkDossier:
    """One dossier replayed in memory with the services' rules (see the module doc)."""

    def __init__(self, world: World, plan: DossierPlan, sequences: _Sequences, addresses: _Addresses) -> None:
        self.world, self.plan, self.sequences, self.addresses = world, plan, sequences, addresses
        self.calendar: WorkingCalendar = world.calendar(plan.competent.id)
        self.dossier: Dossier | None = None
        self.steps: list[DossierStep] = []
        self.handovers: list[tuple[Handover, DossierStep]] = []
        self.supplements: list[SupplementRequest] = []
        self.extensions: list[Extension] = []
        self.fees: list[FeeLine] = []
        self.payments: list[Payment] = []
        self.rating: DossierRating | None = None

    def run(self) -> None:
        for event in self.plan.events:
            self.apply(event)

    # services: _new_dossier
    def _new(self, at: datetime, channel: Channel) -> Dossier:
        applicant = self.plan.applicant.validated(require_phone=channel == Channel.ONLINE)
        return Dossier(
            procedure_version_id=self.plan.version.id,
            status=DossierStatus.NEW,
            channel=channel,
            **applicant.dossier_fields(),
            **self.addresses.fields(applicant.address),
            assisted_at=None,
            receiving_agency_id=self.plan.receiving.id,
            competent_agency_id=self.plan.competent.id,
            submitted_at=at,
        )

    # services: _receive
    def _receive(self, d: Dossier, actor_id: int | None, at: datetime) -> None:
        version = self.plan.version
        day = reception_day(at)
        # the same unit part as the services (cchc.dossiers.codes.receiving_unit_code)
        unit_code = agency_identifier_on(self.plan.receiving.id, day) or self.plan.receiving.unit_code
        assert unit_code is not None
        d.code = self.sequences.next_code(unit_code, day)
        d.status = DossierStatus.RECEIVED
        d.received_at = at
        d.received_by_id = actor_id
        d.due_at = self.calendar.add_time(
            at,
            amount=version.processing_time,
            unit=version.processing_time_unit,
            cutoff=version.processing_time_cutoff,
        )
        d.original_due_at = d.statutory_due_at = d.due_at
        deadline = at
        for position, template in enumerate(version.steps):
            deadline = self.calendar.add_working_hours(deadline, template.duration_hours)
            first = position == 0
            self.steps.append(
                DossierStep(
                    order=template.order,
                    name=template.name,
                    agency_id=self.plan.step_agencies[position],
                    staff_role=template.staff_role,
                    duration_hours=template.duration_hours,
                    is_inter_agency=template.is_inter_agency,
                    deadline=deadline,
                    status=StepStatus.ACTIVE if first else StepStatus.PENDING,
                    assignee_id=actor_id if first else None,
                    started_at=at if first else None,
                )
            )
        for item in version.fees:
            self.fees.append(FeeLine(order=item.order, kind=item.kind, name=item.name, amount=item.initial_amount))

    def _active(self) -> DossierStep | None:
        return next((s for s in self.steps if s.status == StepStatus.ACTIVE), None)

    def _pending(self) -> list[DossierStep]:
        return sorted((s for s in self.steps if s.status == StepStatus.PENDING), key=lambda s: s.order)

    def _close_open(self) -> None:
        for step in self.steps:
            if step.status in (StepStatus.ACTIVE, StepStatus.PENDING):
                step.status = StepStatus.SKIPPED

    # services: _hand_over
    def _hand_over(
        self,
        step: DossierStep,
        giver_id: int,
        receiver_id: int | None,
        at: datetime,
        note: str,
        *,
        to_applicant: bool = False,
    ) -> None:
        pending = [] if to_applicant else self._pending()
        next_step = pending[0] if pending else None
        step.status = StepStatus.DONE
        step.completed_at = at
        if next_step is not None:
            next_step.status = StepStatus.ACTIVE
            next_step.started_at = at
            next_step.assignee_id = receiver_id
        handover = Handover(
            giver_id=giver_id,
            giver_agency_id=step.agency_id,
            receiver_id=receiver_id if receiver_id is not None and next_step is not None else None,
            receiver_agency_id=next_step.agency_id if next_step is not None else None,
            at=at,
            deadline=step.deadline,
            outcome=rules.handover_outcome(at, step.deadline),
            note=note[:500],
        )
        self.handovers.append((handover, step))

    def _paid(self) -> Decimal:
        return sum((p.amount for p in self.payments), Decimal(0))

    def _due(self) -> Decimal:
        return sum((f.amount for f in self.fees if f.amount is not None), Decimal(0))

    def apply(self, event: Event) -> None:  # noqa: C901 - one branch per transition, as in the services
        at = event.at
        actor_id = _officer(self.world, event.actor, at)
        if event.action == SUBMIT:
            self.dossier = self._new(at, Channel.ONLINE)
            return
        if event.action == RECEIVE_COUNTER:
            self.dossier = self._new(at, self.plan.channel)
            self._receive(self.dossier, actor_id, at)
            return
        d = self.dossier
        assert d is not None
        if event.action == RATE:
            self.rating = DossierRating(level=event.level, criteria=event.criteria or {}, comment="", rated_at=at)
            return
        if event.action in (DIGITISE, Action.ATTACH_RESULT):
            # not on the bulk path: it writes no components and no files (scans, signed results)
            return
        action = Action(event.action)
        if not transitions.transition(action).allowed_from(d.status, received=d.received_at is not None):
            # the table decides what is allowed: a plan that breaks it is a defect of the plan
            raise ValueError(f"{action} from {d.status}: not allowed by the transition table")
        if action == Action.RECEIVE:
            self._receive(d, actor_id, at)
        elif action == Action.REFUSE:
            d.status, d.ended_at, d.end_reason = DossierStatus.REFUSED, at, event.reason.strip()
        elif action == Action.COMPLETE_STEP:
            step = self._active()
            assert step is not None
            assert actor_id is not None
            self._hand_over(step, actor_id, _officer(self.world, event.receiver, at), at, "")
            d.status = DossierStatus.IN_PROCESS
        elif action == Action.REQUEST_SUPPLEMENT:
            assert actor_id is not None
            self.supplements.append(
                SupplementRequest(requested_at=at, requested_by_id=actor_id, reason=event.reason.strip())
            )
            rules.supplement_requested(d, before_reception=False)
        elif action == Action.RESUBMIT_SUPPLEMENT:
            request = next(s for s in self.supplements if s.resumed_at is None)
            paused = self.calendar.working_seconds_between(request.requested_at, at)
            request.resumed_at, request.paused_seconds = at, paused
            rules.supplement_resumed(d, paused=paused, calendar=self.calendar, open_steps=self.steps)
        elif action == Action.REQUEST_FINANCIAL_OBLIGATION:
            lines = {line.order: line for line in self.fees}
            for order, amount in (event.amounts or {}).items():
                lines[order].amount = amount
            rules.obligation_requested(d)
        elif action == Action.RECORD_PAYMENT:
            assert event.amount is not None
            self.payments.append(
                Payment(
                    amount=event.amount,
                    channel=event.payment_channel,
                    paid_at=at,
                    receipt_number=event.receipt.strip(),
                    recorded_by_id=actor_id,
                )
            )
            rules.payment_recorded(d, due=self._due(), paid=self._paid())
        elif action == Action.APOLOGISE_EXTEND:
            assert actor_id is not None
            assert event.new_due_at is not None
            assert d.due_at is not None
            self.extensions.append(
                Extension(
                    at=at,
                    actor_id=actor_id,
                    previous_due_at=d.due_at,
                    new_due_at=event.new_due_at,
                    reason=event.reason.strip(),
                )
            )
            d.due_at = event.new_due_at
        elif action == Action.MARK_PROCESSED:
            step = self._active()
            if step is not None and self._pending():
                assert actor_id is not None
                self._hand_over(step, actor_id, None, at, "Đã xử lý xong")
            d.status, d.processed_at = DossierStatus.PROCESSED, at
            d.is_late = rules.late_at_end(d, at)
        elif action == Action.RETURN_RESULT:
            step = self._active()
            if step is not None:
                assert actor_id is not None
                self._hand_over(step, actor_id, None, at, "", to_applicant=True)
            self._close_open()
            d.status, d.returned_at = DossierStatus.RETURNED, at
        elif action == Action.WITHDRAW:
            self._close_open()
            d.status, d.ended_at, d.end_reason = DossierStatus.WITHDRAWN, at, event.reason.strip()
        elif action == Action.STOP:
            self._close_open()
            d.status, d.ended_at, d.end_reason = DossierStatus.STOPPED, at, event.reason.strip()
            waiting = next((x.requested_at for x in self.supplements if x.resumed_at is None), None)
            d.is_late = rules.late_at_end(d, rules.end_of_processing(at, waiting_since=waiting))
        else:  # pragma: no cover
            raise ValueError(action)


def _write(batch: list[_BulkDossier], batch_size: int) -> None:
    if connection.vendor == "postgresql":
        _write_copy(batch)
        return
    dossiers = [b.dossier for b in batch if b.dossier is not None]
    Dossier.objects.bulk_create(dossiers, batch_size=batch_size)
    steps, handovers, supplements, extensions, fees, payments = [], [], [], [], [], []
    ratings: list[DossierRating] = []
    for b in batch:
        assert b.dossier is not None
        pk = b.dossier.pk
        for step in b.steps:
            step.dossier_id = pk
        steps.extend(b.steps)
        for row in (*b.supplements, *b.extensions, *b.fees, *b.payments):
            row.dossier_id = pk  # type: ignore[attr-defined]
        if b.rating is not None:
            b.rating.dossier_id = pk
            ratings.append(b.rating)
        supplements.extend(b.supplements)
        extensions.extend(b.extensions)
        fees.extend(b.fees)
        payments.extend(b.payments)
    DossierStep.objects.bulk_create(steps, batch_size=batch_size)
    for b in batch:
        assert b.dossier is not None
        for handover, step in b.handovers:
            handover.dossier_id = b.dossier.pk
            handover.step_id = step.pk
            handovers.append(handover)
    Handover.objects.bulk_create(handovers, batch_size=batch_size)
    SupplementRequest.objects.bulk_create(supplements, batch_size=batch_size)
    Extension.objects.bulk_create(extensions, batch_size=batch_size)
    FeeLine.objects.bulk_create(fees, batch_size=batch_size)
    Payment.objects.bulk_create(payments, batch_size=batch_size)
    DossierRating.objects.bulk_create(ratings, batch_size=batch_size)


def run_bulk(
    world: World,
    plans: Iterable[tuple[int, DossierPlan | None]],
    result: SimulationResult,
    *,
    progress: Callable[[int], None],
    chunk: int = 2000,
) -> None:
    sequences = _Sequences()
    addresses = _Addresses()
    batch: list[_BulkDossier] = []

    def flush() -> None:
        with transaction.atomic():
            _write(batch, chunk)
        progress(len(batch))
        batch.clear()

    for _, plan in plans:
        if plan is None or not plan.events:
            result.skipped += 1
            progress(1)
            continue
        replay = _BulkDossier(world, plan, sequences, addresses)
        replay.run()
        result.events += sum(e.action not in (DIGITISE, Action.ATTACH_RESULT) for e in plan.events)
        if replay.dossier is not None:
            batch.append(replay)
            result.written += 1
            result.statuses[replay.dossier.status] += 1
            result.scenarios[plan.scenario] += 1
            result.ratings += replay.rating is not None
        if len(batch) >= chunk:
            flush()
    if batch:
        flush()
    with transaction.atomic():
        sequences.save()


def _columns(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def _copy(cursor: Any, model: type[models.Model], rows: Sequence[models.Model]) -> None:
    """``COPY`` the rows (their ids already set) into the model's table.

    performance: psycopg adapts Python values (aware datetimes, decimals, str) itself, so the rows skip
    the ORM's per-value preparation, which dominates ``bulk_create`` at millions of rows.
    """
    if not rows:
        return
    from psycopg.types.json import Jsonb

    columns = _columns(model)
    json_columns = {f.attname for f in model._meta.concrete_fields if isinstance(f, models.JSONField)}
    quoted = ", ".join(f'"{c}"' for c in columns)
    with cursor.copy(f'COPY "{model._meta.db_table}" ({quoted}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([Jsonb(getattr(row, c)) if c in json_columns else getattr(row, c) for c in columns])


def _allocate_ids(cursor: Any, model: type[models.Model], count: int) -> list[int]:
    """``count`` fresh ids from the table's identity sequence (what an ``INSERT`` would have taken)."""
    if not count:
        return []
    table = model._meta.db_table
    cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count])
    return [row[0] for row in cursor.fetchall()]


def _write_copy(batch: list[_BulkDossier]) -> None:
    """The PostgreSQL writer: ids from the sequences, then one ``COPY`` per table."""
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor  # the psycopg cursor under Django's wrapper
        dossiers = [b.dossier for b in batch if b.dossier is not None]
        for dossier, pk in zip(dossiers, _allocate_ids(cursor, Dossier, len(dossiers)), strict=True):
            dossier.pk = pk
        steps = [step for b in batch for step in b.steps]
        for step, pk in zip(steps, _allocate_ids(cursor, DossierStep, len(steps)), strict=True):
            step.pk = pk
        children: dict[type[models.Model], list[models.Model]] = {
            Handover: [],
            SupplementRequest: [],
            Extension: [],
            FeeLine: [],
            Payment: [],
            DossierRating: [],
        }
        for b in batch:
            assert b.dossier is not None
            pk = b.dossier.pk
            for step in b.steps:
                step.dossier_id = pk
            for handover, step in b.handovers:
                handover.dossier_id = pk
                handover.step_id = step.pk
                children[Handover].append(handover)
            groups: list[tuple[type[models.Model], Sequence[models.Model]]] = [
                (SupplementRequest, b.supplements),
                (Extension, b.extensions),
                (FeeLine, b.fees),
                (Payment, b.payments),
                (DossierRating, [b.rating] if b.rating is not None else []),
            ]
            for child_model, child_rows in groups:
                for child in child_rows:
                    child.dossier_id = pk  # type: ignore[attr-defined]
                children[child_model].extend(child_rows)
        for child_model, child_rows in children.items():
            for child, pk in zip(child_rows, _allocate_ids(cursor, child_model, len(child_rows)), strict=True):
                child.pk = pk
        _copy(cursor, Dossier, dossiers)
        _copy(cursor, DossierStep, steps)
        for child_model, child_rows in children.items():
            _copy(cursor, child_model, child_rows)
