"""Reads of dossiers for the staff console: work queues scoped to the officer's agencies.

Every queue is one query: the dossier with its version, procedure and agencies joined, and the active
step (name, deadline, assignee) annotated, so a list page costs the same for 10 or 10,000 rows.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Literal
from zoneinfo import ZoneInfo

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from cchc.accounts.constants import Role
from cchc.accounts.selectors import membership_list_valid_on
from cchc.calendars.selectors import working_calendar
from cchc.catalogue.models import ProcedureVersion
from cchc.dossiers.constants import OPEN_STATUSES, WAITING_APPLICANT_STATUSES, DossierStatus, StepStatus
from cchc.dossiers.models import Dossier, DossierStep
from cchc.org.models import Agency

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

Queue = Literal["mine", "agency", "due_today", "overdue", "waiting_applicant"]
QUEUES: tuple[Queue, ...] = ("mine", "agency", "due_today", "overdue", "waiting_applicant")

# The officer still has work to do (not waiting for the applicant, result not yet ready).
_WORKING_STATUSES = [DossierStatus.RECEIVED, DossierStatus.IN_PROCESS]


def dossier_queryset() -> QuerySet[Dossier]:
    """Dossiers with version, procedure, field and agencies joined, and the active step annotated."""
    active = DossierStep.objects.filter(dossier=OuterRef("pk"), status=StepStatus.ACTIVE)
    return Dossier.objects.select_related(
        "procedure_version__procedure", "receiving_agency", "competent_agency", "assisted_at"
    ).annotate(
        active_step_name=Subquery(active.values("name")[:1]),
        active_step_deadline=Subquery(active.values("deadline")[:1]),
        active_step_assignee_id=Subquery(active.values("assignee_id")[:1]),
    )


def dossier_list_for_officer(
    *, user: AbstractBaseUser, on: date, queue: Queue, at: datetime | None = None
) -> QuerySet[Dossier]:
    """One work queue of ``user`` on day ``on``, most urgent first.

    Scope: dossiers received by, decided by, or with an open (active or pending) step at one of the
    agencies the user acts for on ``on`` (an officer sees only their agencies' dossiers, NĐ 118/2025). Queues:

    - ``mine``: the user is the assignee of the active step and the dossier is not waiting for the
      applicant;
    - ``agency``: every open dossier (received, in process, waiting, processed);
    - ``due_today``: still being worked on and due on ``on`` (Vietnam time);
    - ``overdue``: still being worked on (or waiting for payment) and due before ``at``
      (default: the start of ``on``);
    - ``waiting_applicant``: waiting for a supplement or a payment.

    Order: by the appointment, which for dossiers on one working calendar is the order of the
    remaining working time (the calendar maps moments to working time monotonically), then by code.
    """
    if queue not in QUEUES:
        raise ValueError(f"Hàng đợi không hợp lệ: {queue}.")
    start = datetime.combine(on, time.min, tzinfo=VN_TZ)
    end = datetime.combine(date.fromordinal(on.toordinal() + 1), time.min, tzinfo=VN_TZ)
    agency_ids = membership_list_valid_on(on=on, user=user).values("agency_id")
    # Only open steps: an agency whose own step is finished has no more work on the dossier (and the
    # partial index dossiers_step_open_agency_idx keeps this cheap at millions of dossiers).
    steps_here = DossierStep.objects.filter(
        dossier=OuterRef("pk"), agency_id__in=agency_ids, status__in=[StepStatus.ACTIVE, StepStatus.PENDING]
    )
    qs = dossier_queryset().filter(
        Q(receiving_agency_id__in=agency_ids) | Q(competent_agency_id__in=agency_ids) | Exists(steps_here)
    )
    if queue == "mine":
        mine = DossierStep.objects.filter(
            dossier=OuterRef("pk"), status=StepStatus.ACTIVE, assignee_id=user.pk, agency_id__in=agency_ids
        )
        qs = qs.filter(Exists(mine), status__in=OPEN_STATUSES - WAITING_APPLICANT_STATUSES)
    elif queue == "agency":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif queue == "due_today":
        qs = qs.filter(status__in=_WORKING_STATUSES, due_at__gte=start, due_at__lt=end)
    elif queue == "overdue":
        qs = qs.filter(
            status__in=[*_WORKING_STATUSES, DossierStatus.FINANCIAL_OBLIGATION_REQUESTED],
            due_at__lt=at or start,
        )
    else:
        qs = qs.filter(status__in=WAITING_APPLICANT_STATUSES)
    return qs.order_by("due_at", "code", "pk")


def dossier_remaining_working_seconds(*, dossier: Dossier, at: datetime) -> int:
    """Working seconds left until the appointment (negative when overdue), on the competent agency's
    calendar; 0 for a dossier without an appointment."""
    if dossier.due_at is None:
        return 0
    calendar = working_calendar(agency=dossier.competent_agency)
    if dossier.due_at >= at:
        return calendar.working_seconds_between(at, dossier.due_at)
    return -calendar.working_seconds_between(dossier.due_at, at)


def dossier_get(*, code: str) -> Dossier:
    """A dossier by its code, joined (raises ``Dossier.DoesNotExist``)."""
    return dossier_queryset().get(code=code)


def dossier_list_new_for_reception(*, user: AbstractBaseUser, on: date) -> QuerySet[Dossier]:
    """Online dossiers ("Mới đăng ký") filed to a desk where ``user`` is a reception officer on ``on``,
    oldest first (they are received in the order they came in)."""
    desks = membership_list_valid_on(on=on, user=user, role=Role.RECEPTION).values("agency_id")
    return (
        dossier_queryset()
        .filter(status=DossierStatus.NEW, receiving_agency_id__in=desks)
        .order_by("submitted_at", "pk")
    )


def competent_agency_candidates(*, version: ProcedureVersion, on: date) -> QuerySet[Agency]:
    """Agencies valid on ``on`` that the version names, or that are of a level and kind it names."""
    condition = Q(pk__in=[])
    for row in version.competent_agencies.all():
        if row.agency_id:
            condition |= Q(pk=row.agency_id)
        else:
            condition |= Q(level=row.level, kind=row.agency_kind)
    return Agency.objects.valid_on(on).filter(condition).order_by("name", "pk")
