"""Reads of dossiers for the staff console: work queues scoped to the officer's agencies.

Every queue is one query: the dossier with its version, procedure and agencies joined, and the active
step (name, deadline, assignee) annotated, so a list page costs the same for 10 or 10,000 rows; the
counts of all the queues are one more query. At a million dossiers a page reads the open dossiers in
queue order (partial index dossiers_open_due_idx) and stops after the page (benchmarks/dossiers.py).
"""

from __future__ import annotations

import hmac
from collections.abc import Collection
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, Literal
from zoneinfo import ZoneInfo

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from cchc.accounts.constants import Area, Role
from cchc.accounts.selectors import membership_list_valid_on
from cchc.calendars.selectors import working_calendar
from cchc.catalogue.models import ProcedureVersion
from cchc.common.numbers import vi_number
from cchc.common.params import id_or_none
from cchc.dossiers.constants import OPEN_STATUSES, WAITING_APPLICANT_STATUSES, Channel, DossierStatus, StepStatus
from cchc.dossiers.models import Dossier, DossierStep
from cchc.org.constants import AgencyKind, Level
from cchc.org.models import Agency

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

Queue = Literal["mine", "agency", "due_today", "overdue", "waiting_applicant"]
QUEUES: tuple[Queue, ...] = ("mine", "agency", "due_today", "overdue", "waiting_applicant")

# The officer still has work to do (not waiting for the applicant, result not yet ready).
_WORKING_STATUSES = [DossierStatus.RECEIVED, DossierStatus.IN_PROCESS]
_OPEN_STEP = [StepStatus.ACTIVE, StepStatus.PENDING]


def dossier_queryset() -> QuerySet[Dossier]:
    """Dossiers with version, procedure, field and agencies joined, and the active step annotated."""
    # no ordering: at most one active step (dossiers_one_active_step), and the default ordering would join the dossier
    active = DossierStep.objects.filter(dossier=OuterRef("pk"), status=StepStatus.ACTIVE).order_by()
    return Dossier.objects.select_related(
        "procedure_version__procedure", "receiving_agency", "competent_agency", "assisted_at"
    ).annotate(
        active_step_name=Subquery(active.values("name")[:1]),
        active_step_deadline=Subquery(active.values("deadline")[:1]),
        active_step_assignee_id=Subquery(active.values("assignee_id")[:1]),
    )


# Agency ids: a list the caller already read, or a subquery on the memberships (one query in all).
AgencyIds = Collection[int] | QuerySet[Any]


def officer_agency_ids(*, user: AbstractBaseUser, on: date, role: Role | None = None) -> QuerySet[Any]:
    """The ids of the agencies ``user`` acts for on ``on`` (in ``role`` when given, else any), as a
    subquery for ``agency_id__in``."""
    return membership_list_valid_on(on=on, area=Area.ONE_STOP, user=user, role=role).order_by().values("agency_id")


def _queue_statuses(queue: Queue) -> list[str]:
    if queue == "mine":
        return sorted(OPEN_STATUSES - WAITING_APPLICANT_STATUSES)
    if queue == "agency":
        return sorted(OPEN_STATUSES)
    if queue == "due_today":
        return list(_WORKING_STATUSES)
    if queue == "overdue":
        return [*_WORKING_STATUSES, DossierStatus.FINANCIAL_OBLIGATION_REQUESTED]
    return sorted(WAITING_APPLICANT_STATUSES)


def _in_scope(agency_ids: AgencyIds) -> Q:
    """Received by, decided by, or with an open (active or pending) step at one of ``agency_ids``.

    performance: tested row by row while a page walks dossiers_open_due_idx in queue order; the step
    probe uses the partial dossiers_step_open_agency_idx.
    """
    steps_here = DossierStep.objects.filter(dossier=OuterRef("pk"), agency_id__in=agency_ids, status__in=_OPEN_STEP)
    return Q(receiving_agency_id__in=agency_ids) | Q(competent_agency_id__in=agency_ids) | Q(Exists(steps_here))


def _tested_per_row(condition: Q) -> Q:
    """``condition`` kept as a test on each row.

    planner: PostgreSQL turns a lone ``EXISTS`` into a semi-join that fetches every match (thousands
    for a busy officer) before sorting; OR-ed with a test no row passes it stays a row filter, so a
    page walks dossiers_open_due_idx in queue order and stops after the page (at 1 M dossiers: about
    25 ms instead of 80 ms for the busiest officer's "mine").
    """
    return condition | Q(pk=-1)


def dossier_list_for_officer(
    *,
    user: AbstractBaseUser,
    on: date,
    queue: Queue,
    at: datetime | None = None,
    agency_ids: AgencyIds | None = None,
) -> QuerySet[Dossier]:
    """One work queue of ``user`` on day ``on``, most urgent first.

    Scope: dossiers received by, decided by, or with an open (active or pending) step at one of the
    agencies the user acts for on ``on`` (an officer sees only their agencies' dossiers, NĐ 118/2025);
    ``agency_ids`` are those agencies when the caller already read them (:func:`officer_agency_ids`).
    Queues:

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
    if agency_ids is None:
        agency_ids = officer_agency_ids(user=user, on=on)
    statuses = _queue_statuses(queue)
    qs = dossier_queryset().filter(status__in=statuses)
    if queue == "mine":
        # an active step of the user's at one of their agencies is itself in the scope
        mine = DossierStep.objects.filter(
            dossier=OuterRef("pk"), status=StepStatus.ACTIVE, assignee_id=user.pk, agency_id__in=agency_ids
        )
        qs = qs.filter(_tested_per_row(Q(Exists(mine))))
    else:
        qs = qs.filter(_in_scope(agency_ids))
    if queue == "due_today":
        qs = qs.filter(due_at__gte=start, due_at__lt=end)
    elif queue == "overdue":
        qs = qs.filter(due_at__lt=at or start)
    return qs.order_by("due_at", "code", "pk")


def dossier_queue_counts(
    *,
    user: AbstractBaseUser,
    on: date,
    at: datetime | None = None,
    agency_ids: AgencyIds | None = None,
    desk_ids: AgencyIds | None = None,
) -> dict[str, int]:
    """The size of every queue of :func:`dossier_list_for_officer` and of
    :func:`dossier_list_new_for_reception`, in one query (keys: the queue names and ``"new"``).

    ``agency_ids`` and ``desk_ids`` (the agencies where the user is a reception officer) are read
    when not given.
    """
    start = datetime.combine(on, time.min, tzinfo=VN_TZ)
    end = datetime.combine(date.fromordinal(on.toordinal() + 1), time.min, tzinfo=VN_TZ)
    if agency_ids is None:
        agency_ids = officer_agency_ids(user=user, on=on)
    if desk_ids is None:
        desk_ids = officer_agency_ids(user=user, on=on, role=Role.RECEPTION)
    # performance: one pass over the open dossiers, with the agencies' open steps and the user's
    # active steps read once each (hashed sets; the partial step indexes), not a probe per dossier
    steps_here = DossierStep.objects.filter(agency_id__in=agency_ids, status__in=_OPEN_STEP).order_by()
    mine = DossierStep.objects.filter(
        status=StepStatus.ACTIVE, assignee_id=user.pk, agency_id__in=agency_ids
    ).order_by()
    in_scope = (
        Q(receiving_agency_id__in=agency_ids)
        | Q(competent_agency_id__in=agency_ids)
        | Q(pk__in=steps_here.values("dossier_id"))
    )
    new = Q(status=DossierStatus.NEW, receiving_agency_id__in=desk_ids)
    totals = Dossier.objects.filter((Q(status__in=sorted(OPEN_STATUSES)) & in_scope) | new).aggregate(
        mine=Count("pk", filter=Q(status__in=_queue_statuses("mine"), pk__in=mine.values("dossier_id"))),
        agency=Count("pk", filter=Q(status__in=_queue_statuses("agency"))),
        due_today=Count("pk", filter=Q(status__in=_queue_statuses("due_today"), due_at__gte=start, due_at__lt=end)),
        overdue=Count("pk", filter=Q(status__in=_queue_statuses("overdue"), due_at__lt=at or start)),
        waiting_applicant=Count("pk", filter=Q(status__in=_queue_statuses("waiting_applicant"))),
        new=Count("pk", filter=Q(status=DossierStatus.NEW)),
    )
    return {name: int(value or 0) for name, value in totals.items()}


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


def dossier_list_new_for_reception(
    *, user: AbstractBaseUser, on: date, desk_ids: AgencyIds | None = None
) -> QuerySet[Dossier]:
    """Online dossiers ("Mới đăng ký") filed to a desk where ``user`` is a reception officer on ``on``
    (``desk_ids``, when the caller already read them), oldest first (received in the order they came in)."""
    if desk_ids is None:
        desk_ids = officer_agency_ids(user=user, on=on, role=Role.RECEPTION)
    return (
        dossier_queryset()
        .filter(status=DossierStatus.NEW, receiving_agency_id__in=desk_ids)
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


# --- citizen portal -------------------------------------------------------------------------------

# Before reception an online dossier has no code; the applicant gets this reference instead
# ("TT-" and the dossier's number). It keeps working after reception, next to the new code.
SUBMISSION_PREFIX = "TT-"


def dossier_submission_reference(dossier: Dossier) -> str:
    """The reference an online applicant is given at submission (``TT-000123``)."""
    return f"{SUBMISSION_PREFIX}{dossier.pk:06d}"


def dossier_pk_from_reference(reference: str) -> int | None:
    """The dossier id a submission reference (``TT-000123``, any case) names, or ``None``."""
    ref = "".join(reference.split())
    digits = ref[len(SUBMISSION_PREFIX) :]
    if not ref.upper().startswith(SUBMISSION_PREFIX) or not (digits.isascii() and digits.isdigit()):
        return None
    number = int(digits)
    return number if 0 < number < 2**62 else None


def _factor_key(value: str) -> str:
    """A phone number or ID number compared without spaces, dots or dashes; +84 counts as a leading 0."""
    key = "".join(value.split()).replace(".", "").replace("-", "")
    if key.startswith("+84"):
        key = "0" + key[3:]
    return key


def dossier_public_queryset() -> QuerySet[Dossier]:
    """Dossiers with what the applicant's status page shows joined: steps and their agencies, fee lines,
    payments, supplement requests, extensions, documents and the rating."""
    return dossier_queryset().prefetch_related(
        Prefetch("steps", queryset=DossierStep.objects.select_related("agency").order_by("order")),
        "fee_lines",
        "payments",
        "supplements",
        "extensions",
        "documents",
        "rating",
    )


def _lookup(queryset: QuerySet[Dossier], *, reference: str, factor: str) -> Dossier | None:
    ref = "".join(reference.split())
    key = _factor_key(factor)
    if not ref or not key:
        return None
    number = id_or_none(ref[len(SUBMISSION_PREFIX) :]) if ref.upper().startswith(SUBMISSION_PREFIX) else None
    if number is not None:
        dossier = queryset.filter(pk=number, channel=Channel.ONLINE).first()
    else:
        dossier = queryset.filter(code=ref).first()
    if dossier is None:
        return None
    known = [k for k in (_factor_key(dossier.applicant_phone), _factor_key(dossier.applicant_id_number)) if k]
    # compare_digest: the time taken does not tell how much of the factor was right
    if not any(hmac.compare_digest(key.encode(), k.encode()) for k in known):
        return None
    return dossier


def dossier_lookup_public(*, reference: str, factor: str) -> Dossier | None:
    """The dossier the applicant asks about: by its code (or the submission reference ``TT-…``) and a
    second factor, the phone number or the ID number given when filing (exact after normalising spaces).

    An unknown reference and a wrong second factor give the same answer (``None``), so the lookup
    cannot be used to learn which codes exist. Rate limiting is the caller's (the portal view's) job.
    """
    return _lookup(dossier_public_queryset(), reference=reference, factor=factor)


def dossier_lookup_public_id(*, reference: str, factor: str) -> int | None:
    """The id of the dossier :func:`dossier_lookup_public` finds (the same rules, the same ``None`` for an
    unknown reference and a wrong second factor), in one query on three columns: the portal's look-up form
    only sends the browser on to the status page, which reads the dossier with its related lists itself
    (issue 17 item 4: the seven lists read and thrown away were most of the form's CPU)."""
    light = Dossier.objects.only("pk", "applicant_phone", "applicant_id_number")
    dossier = _lookup(light, reference=reference, factor=factor)
    return None if dossier is None else dossier.pk


def dossier_get_public(*, pk: int) -> Dossier:
    """A dossier for the applicant's status page (the caller checked the applicant looked it up)."""
    return dossier_public_queryset().get(pk=pk)


def _when(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return moment.astimezone(VN_TZ).strftime("%H:%M ngày %d/%m/%Y")


def _money(value: Any) -> str:
    if value is None:
        return ""
    try:
        return vi_number(int(Decimal(str(value))))
    except (ArithmeticError, ValueError):
        return str(value)


def dossier_public_milestones(dossier: Dossier) -> list[dict[str, Any]]:
    """The dossier's milestones at the level an applicant needs (no officer names, no internal notes):
    what the portal's status page and the partners' public API (cchc.publicapi) show of its progress.
    ``dossier`` comes from :func:`dossier_public_queryset` (supplements, extensions, payments joined)."""
    rows: list[tuple[datetime, str, str]] = [
        (dossier.submitted_at, "Nộp hồ sơ" + (" trực tuyến" if dossier.channel == Channel.ONLINE else ""), "")
    ]
    if dossier.received_at is not None:
        rows.append(
            (
                dossier.received_at,
                "Hồ sơ được tiếp nhận",
                f"Mã hồ sơ {dossier.code}; hẹn trả kết quả {_when(dossier.original_due_at)}.",
            )
        )
    for item in dossier.supplements.all():
        rows.append((item.requested_at, "Yêu cầu bổ sung hồ sơ", item.reason))
        if item.resumed_at is not None:
            rows.append((item.resumed_at, "Đã nộp bổ sung hồ sơ", ""))
    for extension in dossier.extensions.all():
        rows.append(
            (
                extension.at,
                "Cơ quan xin lỗi và gia hạn",
                f"Hẹn trả mới {_when(extension.new_due_at)}. Lý do: {extension.reason}",
            )
        )
    for payment in dossier.payments.all():
        rows.append(
            (payment.paid_at, "Đã nộp phí, lệ phí", f"{_money(payment.amount)} đồng, biên lai {payment.receipt_number}")
        )
    if dossier.processed_at is not None:
        rows.append((dossier.processed_at, "Đã có kết quả giải quyết", ""))
    if dossier.returned_at is not None:
        rows.append((dossier.returned_at, "Đã trả kết quả", ""))
    if dossier.ended_at is not None:
        rows.append((dossier.ended_at, DossierStatus(dossier.status).label, dossier.end_reason))
    rows.sort(key=lambda row: row[0])
    return [{"at": _when(at), "iso": at.isoformat(), "label": label, "detail": detail} for at, label, detail in rows]


def portal_desks(*, on: date) -> QuerySet[Agency]:
    """Where an online dossier of a provincial procedure may be filed on ``on``: the province's public
    service centre first, then any commune's one-stop desk (NĐ 118/2025: reception regardless of
    administrative boundary within the province)."""
    centre = Q(level=Level.PROVINCE, kind=AgencyKind.SERVICE_CENTRE)
    commune = Q(level=Level.COMMUNE, kind=AgencyKind.PEOPLES_COMMITTEE)
    return (
        Agency.objects.valid_on(on)
        .filter(centre | commune)
        .order_by("kind", "name", "pk")  # "trung_tam_hcc" sorts before "ubnd": the centre first
    )
