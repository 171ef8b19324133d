"""Reads of the yearly plans: lists by year and agency, one plan, one assignment, overdue ones,
status counts, who may act, and the per-period counts the reporting app reads.

"Trễ hạn" is derived, never stored: an assignment not started or in progress whose due date is
before the day looked at (``ProgressStatus.OVERDUE``). Every list selector returns an
already-joined queryset annotated with ``progress`` (the derived status), so a page costs a fixed
number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils import timezone

from cchc.accounts.constants import Area
from cchc.accounts.models import AgencyMembership
from cchc.org.models import Agency
from cchc.plans.constants import (
    COORDINATOR_AGENCY_CODE,
    DEFAULT_REMINDER_DAYS,
    OPEN_STATUSES,
    AssignmentStatus,
    ProgressStatus,
)
from cchc.plans.models import Assignment, AssignmentEntry, AssignmentEvidence, Plan

DUTIES_AREA_LABEL = "Nhiệm vụ phân công tại mục V (không gắn nội dung cải cách)"


def reminder_days() -> int:
    """How many days ahead a "sắp đến hạn" reminder is sent (setting ``CCHC_PLAN_REMINDER_DAYS``, default 7)."""
    return int(getattr(settings, "CCHC_PLAN_REMINDER_DAYS", DEFAULT_REMINDER_DAYS))


# --- who may act ---------------------------------------------------------------------------------------


def coordinator_agency(*, on: date) -> Agency | None:
    """Sở Nội vụ as the registry holds it on ``on`` (agency code ``so-noi-vu``)."""
    return Agency.objects.valid_on(on).filter(code=COORDINATOR_AGENCY_CODE).order_by("-valid_from").first()


def _member_q(user: AbstractBaseUser, on: date) -> QuerySet[AgencyMembership]:
    return AgencyMembership.objects.valid_on(on).filter(
        user_id=user.pk, area=Area.PLANS, agency__in=Agency.objects.valid_on(on).values("pk")
    )


def _active(user: AbstractBaseUser | None) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", True))


def is_coordinator(*, user: AbstractBaseUser | None, on: date) -> bool:
    """The user acts for Sở Nội vụ today (any role), or is a superuser."""
    if not _active(user):
        return False
    assert user is not None
    if getattr(user, "is_superuser", False):
        return True
    return _member_q(user, on).filter(agency__code=COORDINATOR_AGENCY_CODE).exists()


def user_leads(*, user: AbstractBaseUser | None, assignment: Assignment, on: date) -> bool:
    """The user acts today for the assignment's lead agency."""
    if not _active(user):
        return False
    assert user is not None
    return _member_q(user, on).filter(agency_id=assignment.lead_agency_id).exists()


def user_comment_agency(
    *, user: AbstractBaseUser | None, assignment: Assignment, on: date
) -> tuple[bool, Agency | None]:
    """Whether the user may comment, and for which agency (lead, coordinating, or Sở Nội vụ)."""
    if not _active(user):
        return False, None
    assert user is not None
    coordinating = Assignment.coordinating_agencies.through.objects.filter(assignment_id=assignment.pk).values(
        "agency_id"
    )
    membership = (
        _member_q(user, on)
        .filter(
            Q(agency_id=assignment.lead_agency_id)
            | Q(agency_id__in=coordinating)
            | Q(agency__code=COORDINATOR_AGENCY_CODE)
        )
        .select_related("agency")
        .annotate(lead_first=Case(When(agency_id=assignment.lead_agency_id, then=Value(0)), default=Value(1)))
        .order_by("lead_first", "agency__name")
        .first()
    )
    if membership is not None:
        return True, membership.agency
    if getattr(user, "is_superuser", False):
        return True, None
    return False, None


@dataclass(frozen=True)
class Abilities:
    """What the current user may do on one assignment page."""

    lead: bool = False
    coordinator: bool = False
    comment: bool = False


def abilities_for(*, user: AbstractBaseUser | None, assignment: Assignment, on: date) -> Abilities:
    lead = user_leads(user=user, assignment=assignment, on=on)
    coordinator = is_coordinator(user=user, on=on)
    comment = lead or coordinator or user_comment_agency(user=user, assignment=assignment, on=on)[0]
    return Abilities(lead=lead, coordinator=coordinator, comment=comment)


# --- lists -------------------------------------------------------------------------------------------


def progress_case(*, today: date) -> Case:
    """SQL for the derived status (``ProgressStatus``) on ``today``."""
    return Case(
        When(Q(status__in=OPEN_STATUSES) & Q(due_on__lt=today), then=Value(ProgressStatus.OVERDUE.value)),
        default=F("status"),
        output_field=CharField(),
    )


def assignment_list(
    *,
    today: date,
    year: int | None = None,
    agency_id: int | None = None,
    status: str = "",
) -> QuerySet[Assignment]:
    """Assignments (optionally of one year, one lead agency, one derived status), annotated with
    ``progress`` and ``evidence_count``, lead agency and area joined, ordered by agency then item."""
    qs = Assignment.objects.select_related("lead_agency", "area").annotate(
        progress=progress_case(today=today),
        evidence_count=Count("evidence", distinct=True),
    )
    if year is not None:
        qs = qs.filter(year=year)
    if agency_id is not None:
        qs = qs.filter(lead_agency_id=agency_id)
    if status:
        qs = qs.filter(progress=status)
    return qs.order_by("lead_agency__name", "source_kind", "appendix_task__number", "number_label", "pk")


def plan_years() -> list[int]:
    """Years that have plans, newest first."""
    return list(Plan.objects.order_by("-year").values_list("year", flat=True).distinct())


def status_counts(qs: QuerySet[Assignment], *, today: date) -> dict[str, int]:
    """{derived status: count} over ``qs`` (one query), every status present (zeros included)."""
    rows = qs.order_by().annotate(derived=progress_case(today=today)).values("derived").annotate(n=Count("pk"))
    counts = {s.value: 0 for s in ProgressStatus}
    for row in rows:
        counts[row["derived"]] = row["n"]
    return counts


@dataclass
class PlanRow:
    """One agency's plan in the year's table."""

    plan_id: int
    agency_id: int
    agency_name: str
    total: int
    percent: float
    counts: dict[str, int] = field(default_factory=dict)


def plan_summaries(*, year: int, today: date, agency_id: int | None = None, status: str = "") -> list[PlanRow]:
    """Every agency's plan in ``year`` with its item count, counts per derived status and mean percent.

    One query whatever the number of agencies: conditional counts per status on the plans.
    ``status`` narrows to plans having at least one assignment in that derived status.
    """
    overdue = Q(assignments__status__in=OPEN_STATUSES, assignments__due_on__lt=today)
    per_status = {
        ProgressStatus.OVERDUE.value: Count("assignments", filter=overdue),
        **{
            s.value: Count("assignments", filter=Q(assignments__status=s.value) & ~overdue)
            for s in (AssignmentStatus.NOT_STARTED, AssignmentStatus.IN_PROGRESS)
        },
        **{
            s.value: Count("assignments", filter=Q(assignments__status=s.value))
            for s in (AssignmentStatus.SUBMITTED, AssignmentStatus.DONE, AssignmentStatus.DROPPED)
        },
    }
    qs = (
        Plan.objects.filter(year=year)
        .select_related("agency")
        .annotate(
            total=Count("assignments"), mean=Avg("assignments__percent"), **{f"n_{k}": v for k, v in per_status.items()}
        )
    )
    if agency_id is not None:
        qs = qs.filter(agency_id=agency_id)
    rows = [
        PlanRow(
            plan_id=p.pk,
            agency_id=p.agency_id,
            agency_name=p.agency.name,
            total=p.total,  # type: ignore[attr-defined]
            percent=round(float(p.mean or 0), 1),  # type: ignore[attr-defined]
            counts={k: getattr(p, f"n_{k}") for k in per_status},
        )
        for p in qs.order_by("agency__name", "pk")
    ]
    if status:
        rows = [r for r in rows if r.counts.get(status)]
    return rows


def plan_agencies(*, year: int) -> QuerySet[Agency]:
    """Agencies having a plan in ``year``, by name (the agency filter's choices)."""
    return Agency.objects.filter(cchc_plans__year=year).order_by("name", "pk").distinct()


def plan_get(*, year: int, agency_id: int) -> Plan:
    """One agency's plan; raises ``Plan.DoesNotExist``."""
    return Plan.objects.select_related("agency").get(year=year, agency_id=agency_id)


def assignment_get(*, assignment_id: int, today: date) -> Assignment:
    """One assignment with everything its page shows (agencies, source, evidence, thread); ``DoesNotExist``."""
    return (
        Assignment.objects.select_related(
            "plan",
            "lead_agency",
            "area",
            "program",
            "appendix_task",
            "duty__group",
            "phase",
            "origin_agency",
            "origin_ref__group",
        )
        .prefetch_related(
            Prefetch("coordinating_agencies", queryset=Agency.objects.order_by("name")),
            "coordinating_groups",
            Prefetch(
                "evidence",
                queryset=AssignmentEvidence.objects.select_related("uploaded_by").order_by("uploaded_at", "pk"),
            ),
            Prefetch(
                "entries", queryset=AssignmentEntry.objects.select_related("author", "agency").order_by("at", "pk")
            ),
        )
        .annotate(progress=progress_case(today=today))
        .get(pk=assignment_id)
    )


def evidence_get(*, assignment_id: int, evidence_id: int) -> AssignmentEvidence:
    return AssignmentEvidence.objects.select_related("assignment").get(pk=evidence_id, assignment_id=assignment_id)


def overdue_list(*, today: date, agency_id: int | None = None) -> QuerySet[Assignment]:
    """Open assignments past their due date, the longest overdue first."""
    qs = assignment_list(today=today, agency_id=agency_id, status=ProgressStatus.OVERDUE)
    return qs.order_by("due_on", "lead_agency__name", "pk")


def coordinated_by(*, agency_id: int, year: int, today: date) -> QuerySet[Assignment]:
    """Assignments of ``year`` where ``agency_id`` is a named coordinating agency."""
    link = Assignment.coordinating_agencies.through.objects.filter(assignment_id=OuterRef("pk"), agency_id=agency_id)
    return (
        assignment_list(today=today, year=year).filter(Exists(link)).order_by("lead_agency__name", "number_label", "pk")
    )


# --- for the reporting app -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaStatusCounts:
    """Assignments of one reform area (``area_id`` None: the section V duties) by status at the period's end."""

    area_id: int | None
    area_number: int | None
    area_name: str
    counts: dict[str, int]
    total: int
    mean_percent: float


@dataclass(frozen=True)
class PeriodAssignments:
    """What ``assignments_for_period`` returns: per-area rows, then the totals over them."""

    start: date
    end: date
    areas: list[AreaStatusCounts]
    totals: dict[str, int]
    total: int


def assignments_for_period(*, agency_ids: list[int] | None = None, start: date, end: date) -> PeriodAssignments:
    """Status counts per reform area of the assignments of the plans whose year falls in [start, end].

    For the periodic CCHC reports (quý, 6 tháng, năm). The status is the one *at the end of the
    period* as far as the record tells: done when accepted by ``end``; reported done when
    submitted by ``end`` (and accepted later, or not yet); otherwise the current open status,
    and "trễ hạn" when its due date is before ``end`` (a later acceptance counts as reported then,
    not done). Stopped assignments count as stopped. ``agency_ids``: only these lead agencies
    (``None``: all). One query. Keys of ``counts`` / ``totals`` are ``ProgressStatus`` values.
    """
    end_moment = timezone.make_aware(datetime.combine(end, time.max))
    open_ = Q(status__in=OPEN_STATUSES)
    status_at_end = Case(
        When(status=AssignmentStatus.DROPPED, then=Value(ProgressStatus.DROPPED.value)),
        When(accepted_at__lte=end_moment, then=Value(ProgressStatus.DONE.value)),
        When(submitted_at__lte=end_moment, then=Value(ProgressStatus.SUBMITTED.value)),
        When(
            Q(due_on__lt=end) & (open_ | Q(status__in=[AssignmentStatus.SUBMITTED, AssignmentStatus.DONE])),
            then=Value(ProgressStatus.OVERDUE.value),
        ),
        When(status=AssignmentStatus.NOT_STARTED, then=Value(ProgressStatus.NOT_STARTED.value)),
        default=Value(ProgressStatus.IN_PROGRESS.value),
        output_field=CharField(),
    )
    qs = Assignment.objects.filter(year__gte=start.year, year__lte=end.year)
    if agency_ids is not None:
        qs = qs.filter(lead_agency_id__in=agency_ids)
    rows = (
        qs.annotate(at_end=status_at_end)
        .values("area_id", "area__number", "area__name", "at_end")
        .annotate(n=Count("pk"), percent_sum=Sum("percent"))
        .order_by("area__number", "at_end")
    )
    by_area: dict[int | None, _AreaAcc] = {}
    for row in rows:
        acc = by_area.setdefault(row["area_id"], _AreaAcc(row["area__number"], row["area__name"] or DUTIES_AREA_LABEL))
        acc.counts[row["at_end"]] += row["n"]
        acc.total += row["n"]
        acc.percent_sum += int(row["percent_sum"] or 0)
    ordered = sorted(by_area.items(), key=lambda kv: (kv[1].number is None, kv[1].number or 0))
    areas = [
        AreaStatusCounts(
            area_id=area_id,
            area_number=acc.number,
            area_name=acc.name,
            counts=acc.counts,
            total=acc.total,
            mean_percent=round(acc.percent_sum / acc.total, 1) if acc.total else 0.0,
        )
        for area_id, acc in ordered
    ]
    totals = {s.value: sum(a.counts[s.value] for a in areas) for s in ProgressStatus}
    return PeriodAssignments(start=start, end=end, areas=areas, totals=totals, total=sum(a.total for a in areas))


@dataclass
class _AreaAcc:
    number: int | None
    name: str
    counts: dict[str, int] = field(default_factory=lambda: {s.value: 0 for s in ProgressStatus})
    total: int = 0
    percent_sum: int = 0
