"""Planning one simulated dossier: who files what, where, through which channel, and what happens.

A plan is a pure function of the world, the seed, the dossier's index and its submission moment:
``random.Random(f"{seed}:{index}")`` drives every choice, so a dossier's story does not depend on
the others and the services path and the bulk path replay exactly the same events. Officers are
not named in the plan but drawn (:class:`Slot`) and resolved when the event runs, on the event's day.

The mix (documented figures, not measurements): online share rising from 15 % (2021) to 70 %
(2026); about 4 % of online dossiers refused at reception; 9 % asked for a supplement (one in ten of
them twice, which makes them late under QĐ 766; one in eight never come back and are stopped);
1.5 % withdrawn, 1 % stopped; late dossiers falling from 8 % (2021) to 2 % (2026), half of them
with an apology and a new appointment (form 04); fees paid at reception, or through a financial
obligation request when the amount depends on the case (land, tables of amounts); after the result,
45 % of online and 25 % of other applicants rate the service (late dossiers rated lower).

Digitisation and electronic results (issue 16; :func:`_digital`, drawn from their own random stream so
that the stories above stay as they were): the desk scans the papers of 85 % of the dossiers received at
the counter right after reception; online applicants upload every mandatory component, and those signed
in with an electronic identity reuse what their data store already holds; 30 % of citizens are repeat
applicants (the person of an earlier dossier); 70 % of the processed dossiers get an electronic result,
attached by the competent agency's leader just after marking it processed and signed before it is
returned. Illustrative figures, not measurements.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from cchc.accounts.constants import Role
from cchc.calendars.selectors import WorkingCalendar
from cchc.catalogue.constants import StepResponsible
from cchc.dossiers.codes import VN_TZ, reception_day
from cchc.dossiers.constants import Action, ApplicantKind, Channel, IdentityLevel
from cchc.dossiers.services import Applicant
from cchc.dossiers.simulation.world import AgencyInfo, VersionInfo, World, receiving_for, weighted_index

SUBMIT = "submit"
RECEIVE_COUNTER = "receive_counter"
RATE = "rate"
DIGITISE = "digitise"  # the desk scans every paper component (one digitise_document action per paper)

# issue 16 (see the module's docstring): shares in % of the dossiers concerned
DIGITISED_AT_COUNTER = 85
SIGNED_RESULTS = 70
REPEAT_APPLICANTS = 30

# Who rates once the result is returned, and how (documented figures, not measurements): online
# applicants rate more often than those served at the desk; a late dossier is rated lower.
RATING_SHARE = {"online": 0.45, "other": 0.25}
RATING_LEVELS = ["very_satisfied", "satisfied", "acceptable", "dissatisfied"]
RATING_WEIGHTS = {False: [0.55, 0.35, 0.07, 0.03], True: [0.10, 0.30, 0.30, 0.30]}
RATING_CRITERIA = ["convenience", "timeliness", "staff_attitude", "publicity"]

ONLINE_SHARE = {2021: 0.15, 2022: 0.25, 2023: 0.35, 2024: 0.45, 2025: 0.60, 2026: 0.70}
LATE_SHARE = {2021: 0.08, 2022: 0.06, 2023: 0.05, 2024: 0.04, 2025: 0.03, 2026: 0.02}
MERGER_DAY = date(2025, 7, 1)

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Ngọc", "Thanh", "Quốc", "Thu", "Đức", "Kim", "Xuân", "Hoài"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hòa", "Hùng", "Khánh", "Lan", "Linh", "Long"]
GIVEN += ["Mai", "Minh", "Nam", "Nga", "Phúc", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vy", "Yến"]
COMPANY_KINDS = ["Công ty TNHH", "Công ty cổ phần", "Hộ kinh doanh", "Hợp tác xã"]
COMPANY_NAMES = ["Biển Xanh", "Hòn Chồng", "Trầm Hương", "Cam Ranh", "Vân Phong", "Ninh Hòa", "Nha Phu", "Tháp Bà"]
STREETS = ["Trần Phú", "Lê Thánh Tôn", "Yersin", "Thống Nhất", "2 Tháng 4", "Nguyễn Thị Minh Khai", "Hùng Vương"]
SUPPLEMENT_REASONS = [
    "Bổ sung bản sao có chứng thực giấy tờ tùy thân.",
    "Tờ khai chưa ghi đầy đủ thông tin, đề nghị kê khai lại.",
    "Bổ sung giấy tờ chứng minh nơi cư trú.",
    "Bổ sung văn bản ủy quyền có chứng thực.",
]
REFUSE_REASONS = [
    "Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan.",
    "Thành phần hồ sơ không đúng quy định, tệp đính kèm không đọc được.",
    "Người nộp đã nộp trùng hồ sơ.",
]
STOP_REASONS = ["Người nộp đề nghị dừng giải quyết.", "Hồ sơ có dấu hiệu giả mạo giấy tờ, chuyển cơ quan chức năng."]
EXTENSION_REASONS = ["Cần xác minh thông tin với cơ quan liên quan.", "Chờ kết quả thẩm định thực tế tại cơ sở."]


@dataclass(frozen=True)
class Slot:
    """An officer to be drawn when the event runs: a holder of ``role`` at the agency on that day."""

    agency_id: int
    role: str
    draw: float


@dataclass
class Event:
    at: datetime
    action: str  # an Action value, or SUBMIT / RECEIVE_COUNTER
    actor: Slot | None = None
    receiver: Slot | None = None
    reason: str = ""
    amount: Decimal | None = None
    amounts: dict[int, Decimal] | None = None
    payment_channel: str = ""
    receipt: str = ""
    new_due_at: datetime | None = None
    level: str = ""
    criteria: dict[str, str] | None = None


@dataclass
class DossierPlan:
    index: int
    version: VersionInfo
    channel: Channel
    applicant: Applicant
    receiving: AgencyInfo
    competent: AgencyInfo
    step_agencies: list[int]
    scenario: str
    events: list[Event] = field(default_factory=list)


# shares (%) of the online applicants who signed in with an electronic identity (:func:`_identity`)
IDENTIFIED_CITIZENS_LEVEL_2 = 65
IDENTIFIED_CITIZENS = 75  # level 2, then level 1
IDENTIFIED_ORGANISATIONS = 60


def _share(table: dict[int, float], year: int) -> float:
    return table[min(max(year, min(table)), max(table))]


def _person(seed: int, index: int) -> int:
    """The person filing dossier ``index``: the index itself, or for a repeat applicant (``REPEAT_APPLICANTS``
    %, from the 20th dossier on) one of the 200 dossiers before it."""
    draw = random.Random(f"{seed}:{index}:person")
    if index <= 20 or draw.random() * 100 >= REPEAT_APPLICANTS:
        return index
    return index - 1 - draw.randrange(min(index - 1, 200))


def _applicant(rng: random.Random, index: int, version: VersionInfo, *, online: bool, seed: int = 0) -> Applicant:
    types = version.applicant_types or ("citizen",)
    organisation = "organisation" in types and ("citizen" not in types or rng.random() < 0.2)
    phone = f"09{rng.randrange(10**8):08d}" if online or rng.random() < 0.8 else ""
    address = f"Số {rng.randint(1, 300)} đường {rng.choice(STREETS)}, tỉnh Khánh Hòa"
    if organisation:
        name = f"{rng.choice(COMPANY_KINDS)} {rng.choice(COMPANY_NAMES)} {index % 1000:03d}"
        return Applicant(
            ApplicantKind.ORGANISATION,
            name,
            f"42{index % 10**8:08d}",
            phone,
            f"lienhe{index}@example.vn" if online else "",
            address,
            notify_channels=(),
            identity=_identity(index, online=online, organisation=True),
        )
    name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
    gender_century = rng.choice("0123")
    born = rng.randint(40, 99) if gender_century in "01" else rng.randint(0, 8)
    # a citizen is a person (issue 16: repeat applicants reuse their data store): name and number drawn
    # from the person's own stream, after the draws above so that the dossier's stream stays as it was
    person = _person(seed, index)
    who = random.Random(f"{seed}:person:{person}")
    name = f"{who.choice(SURNAMES)} {who.choice(MIDDLE)} {who.choice(GIVEN)}"
    gender_century = who.choice("0123")
    born = who.randint(40, 99) if gender_century in "01" else who.randint(0, 8)
    if online:
        rng.random()  # was: half the online applicants gave an email; drawn still, so the stream stays as it was
    # the portal requires an email of an online applicant (dossier_apply_online)
    email = f"nguoinop{index}@example.vn" if online else ""
    # simulated applicants are not people: they ask for no notifications (the demo of ``make run`` would
    # otherwise send hundreds of messages to made-up addresses when its dispatcher starts)
    return Applicant(
        ApplicantKind.CITIZEN,
        name,
        f"056{gender_century}{born:02d}{person % 10**6:06d}",
        phone,
        email,
        address,
        notify_channels=(),
        identity=_identity(index, online=online, organisation=False),
    )


def _identity(index: int, *, online: bool, organisation: bool) -> str:
    """Issue 15: how a simulated online applicant was identified (none at the counter): three citizens in
    four signed in with their electronic identity (65 % level 2, 10 % level 1), three organisations in
    five with the organisation's account (VNeID for organisations). An illustrative share (the national
    portal reports most online applicants signing in with VNeID since 2024), not a measured one; taken
    from the index, not the random stream, so that the rest of the simulated data stays as it was and
    the same seed gives the same identities."""
    if not online:
        return IdentityLevel.NONE
    bucket = (index * 7919) % 100  # 7919 is prime to 100: consecutive indexes spread over every bucket
    if organisation:
        return IdentityLevel.VNEID_ORGANISATION if bucket < IDENTIFIED_ORGANISATIONS else IdentityLevel.NONE
    if bucket < IDENTIFIED_CITIZENS_LEVEL_2:
        return IdentityLevel.VNEID_2
    return IdentityLevel.VNEID_1 if bucket < IDENTIFIED_CITIZENS else IdentityLevel.NONE


def _seconds(hours: Decimal, factor: float) -> int:
    return max(60, int(float(hours) * 3600 * factor))


def _later(calendar: WorkingCalendar, at: datetime, seconds: int) -> datetime:
    """``seconds`` of working time after ``at`` (whole seconds, as the services count them)."""
    return calendar.add_working_hours(at, Decimal(seconds) / Decimal(3600))


def _daytime(calendar: WorkingCalendar, at: datetime, rng: random.Random) -> datetime:
    """A working moment on the first working day at or after ``at`` (a visit to the desk)."""
    day_start = datetime.combine(at.astimezone(VN_TZ).date(), time.min, tzinfo=VN_TZ)
    moment = _later(calendar, day_start, rng.randint(0, calendar.working_seconds_per_day - 1800))
    return moment if moment > at else _later(calendar, at, rng.randint(300, 3600))


def plan_dossier(world: World, *, seed: int, index: int, submitted: datetime) -> DossierPlan | None:
    """The story of dossier ``index`` filed at ``submitted``; ``None`` when nothing can be filed then."""
    rng = random.Random(f"{seed}:{index}")
    day = reception_day(submitted)
    versions, weights = world.eligible(submitted, day)
    if not versions:
        return None
    version = versions[weighted_index(weights, rng.random())]
    communes, commune_weights = world.communes_on(day)
    commune = communes[weighted_index(commune_weights, rng.random())] if communes else None
    desk_anywhere = day >= MERGER_DAY and rng.random() < 0.25
    receiving, competent = receiving_for(world, version, day, commune=commune, desk_anywhere=desk_anywhere)
    online = rng.random() < _share(ONLINE_SHARE, day.year)
    channel = Channel.ONLINE if online else (Channel.POSTAL if rng.random() < 0.03 else Channel.IN_PERSON)
    applicant = _applicant(rng, index, version, online=online, seed=seed)
    step_agencies = [
        s.agency_id
        if s.agency_id is not None
        else (receiving.id if s.responsible == StepResponsible.RECEIVING else competent.id)
        for s in version.steps
    ]
    plan = DossierPlan(index, version, channel, applicant, receiving, competent, step_agencies, "returned")
    calendar = world.calendar(competent.id)
    desk = world.calendar(receiving.id)
    _story(plan, rng, calendar, desk, submitted)
    _digital(plan, random.Random(f"{seed}:{index}:digital"))
    return plan


def _digital(plan: DossierPlan, draw: random.Random) -> None:
    """Issue 16: the desk scans the papers of a counter dossier right after reception
    (``DIGITISED_AT_COUNTER`` %; TT 01/2023/TT-VPCP Điều 4-5), and a processed dossier gets an electronic
    result attached by the competent agency's leader a few minutes after marking it processed
    (``SIGNED_RESULTS`` %), signed before it is returned. Online uploads and reuse need no event: they come
    with the submission (the runner)."""
    events = plan.events
    scan, attach = draw.random() * 100, draw.random() * 100
    for position, event in enumerate(events):
        if event.action == RECEIVE_COUNTER and scan < DIGITISED_AT_COUNTER:
            moment = event.at + timedelta(seconds=draw.randint(20, 100))
            events.insert(position + 1, Event(moment, DIGITISE, event.actor))
            break
    for position, event in enumerate(events):
        if event.action == Action.MARK_PROCESSED and attach < SIGNED_RESULTS:
            moment = event.at + timedelta(seconds=draw.randint(30, 300))
            events.insert(position + 1, Event(moment, Action.ATTACH_RESULT.value, event.actor))
            break


def _slot(rng: random.Random, agency_id: int, role: str) -> Slot:
    return Slot(agency_id, role, rng.random())


def _story(
    plan: DossierPlan, rng: random.Random, calendar: WorkingCalendar, desk: WorkingCalendar, submitted: datetime
) -> None:
    version, events = plan.version, plan.events
    reception = Role.RECEPTION.value
    receiving_id, competent_id = plan.receiving.id, plan.competent.id
    # --- submission and reception
    if plan.channel == Channel.ONLINE:
        events.append(Event(submitted, SUBMIT))
        roll = rng.random()
        if roll < 0.015:
            plan.scenario = "withdrawn"
            events.append(Event(submitted + timedelta(minutes=rng.randint(20, 600)), Action.WITHDRAW))
            return
        received = _later(desk, submitted, rng.randint(600, 6 * 3600))
        if roll < 0.055:
            plan.scenario = "refused"
            events.append(
                Event(received, Action.REFUSE, _slot(rng, receiving_id, reception), reason=rng.choice(REFUSE_REASONS))
            )
            return
        events.append(Event(received, Action.RECEIVE, _slot(rng, receiving_id, reception)))
    else:
        received = _daytime(desk, submitted, rng)
        events.append(Event(received, RECEIVE_COUNTER, _slot(rng, receiving_id, reception)))
    receptionist = events[-1].actor
    assert receptionist is not None
    due = calendar.add_time(
        received,
        amount=version.processing_time,
        unit=version.processing_time_unit,
        cutoff=version.processing_time_cutoff,
    )

    # --- fees: paid at reception, or asked for later when the amount depends on the case
    undetermined = [f for f in version.fees if f.initial_amount is None and any(a > 0 for a in f.table)]
    determined = sum((f.initial_amount or Decimal(0) for f in version.fees), Decimal(0))
    obligation: dict[int, Decimal] | None = None
    if undetermined or (version.field_code == "DATDAI" and determined > 0):
        obligation = {f.order: rng.choice([a for a in f.table if a > 0]) for f in undetermined}
    now = received
    receipts = 0

    def pay(at: datetime, amount: Decimal, *, visit: bool) -> None:
        nonlocal receipts
        receipts += 1
        receipt = f"BL{plan.index:08d}-{receipts}"
        if plan.channel == Channel.ONLINE:
            events.append(
                Event(at, Action.RECORD_PAYMENT, None, amount=amount, payment_channel="online_gateway", receipt=receipt)
            )
        else:
            if visit:  # a later visit to the desk, in office hours
                at = _daytime(desk, at, rng)
            officer = _slot(rng, receiving_id, reception)
            events.append(
                Event(at, Action.RECORD_PAYMENT, officer, amount=amount, payment_channel="counter", receipt=receipt)
            )

    if obligation is None and determined > 0:
        now = now + timedelta(minutes=rng.randint(2, 20))
        pay(now, determined, visit=False)

    # --- the outcome of processing
    year = reception_day(received).year
    roll = rng.random()
    late = extended = supplement = twice = abandoned = stop = withdraw = False
    if roll < 0.015:
        withdraw = True
    elif roll < 0.025:
        stop = True
    elif roll < 0.115:
        supplement = True
        twice = rng.random() < 0.10
        abandoned = not twice and rng.random() < 0.125
    elif roll < 0.115 + _share(LATE_SHARE, year):
        late = True
        extended = rng.random() < 0.5

    steps = version.steps
    holders: list[Slot] = [
        receptionist
        if position == 0 and plan.step_agencies[0] == receiving_id
        else _slot(rng, plan.step_agencies[position], step.staff_role)
        for position, step in enumerate(steps)
    ]
    specialist_step = next(
        (
            i
            for i, s in enumerate(steps)
            if i > 0 and s.staff_role == Role.SPECIALIST and plan.step_agencies[i] == competent_id
        ),
        min(1, len(steps) - 1),
    )
    leader = _slot(rng, competent_id, Role.LEADER)
    specialist = _slot(rng, competent_id, Role.SPECIALIST)
    last = len(steps) - 1
    for position in range(last):
        step = steps[position]
        if position == specialist_step:
            # the specialist's examination: where supplements, obligations, delays and ends happen
            start = now
            work = _later(calendar, start, _seconds(step.duration_hours, rng.uniform(0.1, 0.4)))
            if withdraw or stop:
                at = work
                if withdraw:
                    plan.scenario = "withdrawn"
                    actor = None if plan.channel == Channel.ONLINE else _slot(rng, receiving_id, reception)
                    events.append(Event(at, Action.WITHDRAW, actor, reason="Người nộp xin rút hồ sơ."))
                else:
                    plan.scenario = "stopped"
                    events.append(Event(at, Action.STOP, leader, reason=rng.choice(STOP_REASONS)))
                return
            if supplement:
                for round_ in range(2 if twice else 1):
                    requested = _later(calendar, work, rng.randint(300, 3600))
                    events.append(
                        Event(requested, Action.REQUEST_SUPPLEMENT, specialist, reason=rng.choice(SUPPLEMENT_REASONS))
                    )
                    if abandoned:
                        plan.scenario = "stopped"
                        gone = _daytime(calendar, requested + timedelta(days=rng.randint(15, 30)), rng)
                        events.append(
                            Event(gone, Action.STOP, leader, reason="Người nộp không bổ sung hồ sơ theo yêu cầu.")
                        )
                        return
                    back = requested + timedelta(days=rng.randint(1, 10), minutes=rng.randint(0, 600))
                    if plan.channel == Channel.ONLINE:
                        events.append(Event(back, Action.RESUBMIT_SUPPLEMENT, None))
                    else:
                        back = _daytime(desk, back, rng)
                        events.append(Event(back, Action.RESUBMIT_SUPPLEMENT, _slot(rng, receiving_id, reception)))
                    paused = calendar.working_seconds_between(requested, back)
                    if paused:
                        due = calendar.add_working_hours(due, Decimal(paused) / Decimal(3600))
                    work = _later(calendar, back, _seconds(step.duration_hours, rng.uniform(0.1, 0.4)))
                    if round_ == 0:
                        plan.scenario = "supplement_twice" if twice else "supplement"
            # legal: the apology goes out at the latest one day before the deadline's day
            # (dossiers.services.dossier_apologise_extend); a delay seen later is not extended
            if extended and (reception_day(due) - reception_day(start + timedelta(minutes=1))).days < 1:
                extended = False
            if extended:
                events.append(
                    Event(
                        start + timedelta(minutes=1),
                        Action.APOLOGISE_EXTEND,
                        leader,
                        reason=rng.choice(EXTENSION_REASONS),
                    )
                )
            done = _later(calendar, work, _seconds(step.duration_hours, rng.uniform(0.1, 0.5)))
            if late:
                done = max(done, _later(calendar, due, rng.randint(1800, 3 * calendar.working_seconds_per_day)))
                plan.scenario = "late_extended" if extended else "late"
            if obligation is not None:
                asked = _later(calendar, work, rng.randint(300, 1800))
                events.append(Event(asked, Action.REQUEST_FINANCIAL_OBLIGATION, specialist, amounts=obligation))
                paid_at = asked + timedelta(days=rng.randint(1, 5), minutes=rng.randint(0, 300))
                pay(paid_at, determined + sum(obligation.values(), Decimal(0)), visit=True)
                done = max(done, _later(calendar, events[-1].at, rng.randint(600, 7200)))
            now = done
        else:
            now = _later(calendar, now, _seconds(step.duration_hours, rng.uniform(0.15, 0.9)))
        giver = holders[position]
        events.append(Event(now, Action.COMPLETE_STEP, giver, receiver=holders[position + 1]))
    processed = _later(calendar, now, rng.randint(60, 1800))
    events.append(Event(processed, Action.MARK_PROCESSED, leader))
    if extended:
        apology = next(e for e in events if e.action == Action.APOLOGISE_EXTEND)
        apology.new_due_at = max(calendar.add_working_days(processed, 1), calendar.add_working_days(due, 1))
    returned = _daytime(desk, _later(desk, processed, rng.randint(600, 2 * desk.working_seconds_per_day)), rng)
    clerk = holders[last]
    if clerk.agency_id != receiving_id or clerk.role not in (Role.CLERK, Role.RECEPTION):
        clerk = _slot(rng, receiving_id, Role.CLERK)
    events.append(Event(returned, Action.RETURN_RESULT, clerk))
    # --- the applicant's rating (drawn last, so the rest of the story does not depend on it)
    if rng.random() < RATING_SHARE["online" if plan.channel == Channel.ONLINE else "other"]:
        weights = RATING_WEIGHTS[late or twice]
        level = rng.choices(RATING_LEVELS, weights)[0]
        criteria = {c: rng.choices(RATING_LEVELS, weights)[0] for c in RATING_CRITERIA if rng.random() < 0.5}
        rated = returned + timedelta(hours=rng.randint(1, 72), minutes=rng.randint(0, 59))
        events.append(Event(rated, RATE, None, level=level, criteria=criteria))


def clip(plan: DossierPlan, world: World, horizon: datetime) -> DossierPlan:
    """Drop the events at or after ``horizon`` or after an agency of the dossier ceased to exist.

    A dossier still open at the end of the period (or when its agency was dissolved: the transfer of
    open dossiers to the successor is not simulated) stays at the status it reached.
    """
    limit = horizon
    for agency_id in {plan.receiving.id, plan.competent.id, *plan.step_agencies}:
        valid_to = world.agencies[agency_id].valid_to
        if valid_to is not None:
            limit = min(limit, datetime.combine(valid_to, time.min, tzinfo=VN_TZ))
    kept: list[Event] = []
    for event in sorted(plan.events, key=lambda e: e.at):  # stable: same-moment events keep their order
        if event.at >= limit:
            break
        kept.append(event)
    if len(kept) < len(plan.events):
        plan.scenario = f"{plan.scenario}:open"
    plan.events = kept
    return plan
