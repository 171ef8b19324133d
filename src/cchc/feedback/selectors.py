"""Reads of citizen feedback: the public list of published answers, the citizen's lookup, the staff
queues scoped to what an officer may see, and the counts the QĐ 766 indicators 5.1-5.3 need."""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Case, F, OuterRef, QuerySet, Subquery, When

from cchc.accounts.constants import Area
from cchc.accounts.selectors import membership_list_valid_on
from cchc.common.text import fold
from cchc.feedback.codes import lookup_code_hash
from cchc.feedback.constants import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Classification,
    FeedbackStatus,
    RatingLevel,
    control_agency_code,
)
from cchc.feedback.models import Feedback
from cchc.feedback.timeliness import FIELDS, Row, is_on_time
from cchc.org.constants import AgencyKind, Level
from cchc.org.models import Agency

# --- public ---------------------------------------------------------------------------------------


def feedback_list_published(*, text: str = "") -> QuerySet[Feedback]:
    """Published answers, newest first, searched without regard to diacritics or case (code, subject,
    content, answer, agency name: "thai do can bo" finds "thái độ cán bộ")."""
    qs = Feedback.objects.filter(status=FeedbackStatus.PUBLISHED).select_related("agency")
    for word in fold(text).split()[:8]:
        qs = qs.filter(search_key__contains=word)
    return qs.order_by("-published_at", "-pk")


def feedback_get_published(*, code: str) -> Feedback:
    """One published feedback by code (``Feedback.DoesNotExist`` otherwise)."""
    return Feedback.objects.select_related("agency").get(code=code, status=FeedbackStatus.PUBLISHED)


def _phone_key(value: str) -> str:
    key = "".join(value.split()).replace(".", "").replace("-", "")
    if key.startswith("+84"):
        key = "0" + key[3:]
    return key


def feedback_lookup_public(*, reference: str, factor: str) -> Feedback | None:
    """The feedback a citizen asks about: by its code and a second factor, the phone number given when
    filing or the lookup code shown at submission. An unknown code and a wrong factor both give None
    (nothing to learn about which codes exist); rate limiting is the portal view's job."""
    code = "".join(reference.split()).upper()
    if not code or not factor.strip():
        return None
    feedback = Feedback.objects.select_related("agency", "dossier").filter(code=code).first()
    if feedback is None:
        return None
    phone = _phone_key(factor)
    # compare_digest: the time taken does not tell how much of the factor was right
    if phone and hmac.compare_digest(phone.encode(), _phone_key(feedback.submitter_phone).encode()):
        return feedback
    if hmac.compare_digest(lookup_code_hash(factor).encode(), feedback.lookup_key_hash.encode()):
        return feedback
    return None


def feedback_get_public(*, code: str) -> Feedback:
    """A feedback for the citizen's tracking page (the caller checked the citizen looked it up)."""
    return Feedback.objects.select_related("agency", "dossier").get(code=code)


def feedback_agencies_for_portal(*, on: date) -> QuerySet[Agency]:
    """Agencies a citizen may address feedback to on ``on``: provincial departments, boards, the
    People's Committees and the service centre, valid that day, by level and name."""
    return (
        Agency.objects.valid_on(on)
        .filter(
            level__in=[Level.PROVINCE, Level.COMMUNE],
            kind__in=[
                AgencyKind.PEOPLES_COMMITTEE,
                AgencyKind.DEPARTMENT,
                AgencyKind.BOARD,
                AgencyKind.SERVICE_CENTRE,
                AgencyKind.COMMITTEE_OFFICE,
            ],
        )
        .order_by("level", "kind", "name", "pk")
    )


# --- staff ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffScope:
    """What an officer sees on a day: everything (Sở Nội vụ staff, superusers) or their agencies."""

    sees_all: bool
    agency_ids: frozenset[int]

    def covers(self, agency_id: int) -> bool:
        return self.sees_all or agency_id in self.agency_ids

    @property
    def empty(self) -> bool:
        return not self.sees_all and not self.agency_ids


def feedback_staff_scope(*, user: AbstractBaseUser, on: date) -> StaffScope:
    """Rule: an officer handles the feedback of the agencies they hold a membership at on ``on`` (any
    role, a membership for the feedback area); staff of the province's unit for controlling
    administrative procedures (:func:`cchc.feedback.constants.control_agency_code`, by default Văn
    phòng UBND tỉnh: NĐ 20/2008/NĐ-CP and NĐ 63/2010/NĐ-CP as amended by NĐ 92/2017/NĐ-CP), which
    receives and handles feedback for the whole province, and superusers see and may handle all of it."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", True):
        return StaffScope(False, frozenset())
    if getattr(user, "is_superuser", False):
        return StaffScope(True, frozenset())
    rows = list(membership_list_valid_on(on=on, area=Area.FEEDBACK, user=user).values_list("agency_id", "agency__code"))
    control = control_agency_code()
    return StaffScope(any(code == control for _, code in rows), frozenset(agency_id for agency_id, _ in rows))


def feedback_list_for_staff(*, scope: StaffScope, open_only: bool = True) -> QuerySet[Feedback]:
    """The officer's queue: open feedback by the deadline that runs (answer, then publication); those
    waiting for the citizen last. ``open_only=False``: closed ones (rejected, published), newest first."""
    qs = Feedback.objects.select_related("agency", "assignee")
    if not scope.sees_all:
        qs = qs.filter(agency_id__in=sorted(scope.agency_ids))
    if not open_only:
        return qs.filter(status__in=sorted(CLOSED_STATUSES)).order_by("-submitted_at", "-pk")
    running = Case(
        When(status=FeedbackStatus.ANSWERED, then=F("publish_due_at")),
        When(status=FeedbackStatus.INFO_REQUESTED, then=None),
        default=F("answer_due_at"),
    )
    return (
        qs.filter(status__in=sorted(OPEN_STATUSES))
        .annotate(running_due=running)
        .order_by(F("running_due").asc(nulls_last=True), "code")
    )


def feedback_get_for_staff(*, scope: StaffScope, code: str) -> Feedback:
    """One feedback the officer may see (``Feedback.DoesNotExist`` otherwise), with what its page shows."""
    qs = Feedback.objects.select_related("agency", "assignee", "dossier", "reraise_of")
    if not scope.sees_all:
        qs = qs.filter(agency_id__in=sorted(scope.agency_ids))
    return qs.get(code=code)


# --- indicators -------------------------------------------------------------------------------------


@dataclass
class FeedbackCounts:
    """One agency's feedback figures for a period (see :func:`feedback_indicator_counts`)."""

    agency_id: int
    total: int = 0
    classified_regulation: int = 0
    classified_staff: int = 0
    on_time: int = 0
    dissatisfied: int = 0
    late: int = 0
    reraised: int = 0
    satisfied: int = 0  # the 5.3 numerator: total minus those dissatisfied, late or re-raised (each once)


def feedback_indicator_counts(
    *, start: datetime, close: datetime, agency_ids: list[int] | None = None, at: datetime | None = None
) -> dict[int, FeedbackCounts]:
    """Per agency concerned (``Feedback.agency``, the competent agency): the QĐ 766/QĐ-TTg figures of
    the satisfaction group for the feedback received in ``[start, close)``.

    - ``total``: feedback received (``submitted_at``) in ``[start, close)``: the denominator of 5.2
      ("PAKN under authority") and of 5.3 ("total PAKN first received in the period");
    - ``classified_regulation`` / ``classified_staff`` (5.1, monitoring only): classified by staff as
      about rules and procedures / about staff behaviour;
    - ``on_time`` (5.2 numerator): handled on time as of ``at`` by :func:`cchc.feedback.timeliness.is_on_time`:
      rejected within 2 working days, more information asked for within 5, answered within 15 (from
      reception, or from the resubmission), published within 2 of the answer; a stage not yet done
      counts as late once its deadline has passed;
    - ``satisfied`` (5.3 numerator): ``total`` minus the feedback that is rated "không hài lòng" by its
      submitter, or not on time, or re-raised (a later feedback filed before ``close`` names it as the
      matter raised again); a feedback with several of these is subtracted once. ``dissatisfied``,
      ``late`` and ``reraised`` give the parts (overlapping).

    ``at`` (the evaluation moment) defaults to ``close`` and is capped at it: pass ``timezone.now()``
    for a period still running. Agencies without feedback are absent. One query.
    Legal basis: QĐ 766/QĐ-TTg (indicators 5.1-5.3) and Nghị định 20/2008/NĐ-CP.
    """
    rows = feedback_indicator_rows(start=start, close=close, agency_ids=agency_ids)
    return feedback_counts_of(rows, start=start, close=close, at=at)


def feedback_indicator_rows(
    *, start: datetime, close: datetime, agency_ids: list[int] | None = None
) -> list[dict[str, Any]]:
    """The facts :func:`feedback_counts_of` counts, for the feedback received in ``[start, close)``:
    one query; a caller with several windows reads their union once and counts each window from it."""
    qs = Feedback.objects.filter(submitted_at__gte=start, submitted_at__lt=close)
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=sorted(set(agency_ids)))
    first_reraise = (
        Feedback.objects.filter(reraise_of=OuterRef("pk")).order_by("submitted_at").values("submitted_at")[:1]
    )
    return list(
        qs.annotate(first_reraised_at=Subquery(first_reraise)).values(
            "agency_id", "classification", "rating", "rated_at", "first_reraised_at", *FIELDS
        )
    )


def feedback_counts_of(
    rows: Iterable[dict[str, Any]], *, start: datetime, close: datetime, at: datetime | None = None
) -> dict[int, FeedbackCounts]:
    """:func:`feedback_indicator_counts` over ``rows`` (of :func:`feedback_indicator_rows`): those
    received in ``[start, close)`` are counted, judged as of ``at`` (capped at ``close``)."""
    as_of = close if at is None or at > close else at
    counts: dict[int, FeedbackCounts] = {}
    for values in rows:
        if not start <= values["submitted_at"] < close:
            continue
        item = counts.setdefault(values["agency_id"], FeedbackCounts(agency_id=values["agency_id"]))
        item.total += 1
        if values["classification"] == Classification.REGULATION:
            item.classified_regulation += 1
        elif values["classification"] == Classification.STAFF:
            item.classified_staff += 1
        on_time = is_on_time(Row.of(values), at=as_of)
        dissatisfied = values["rating"] == RatingLevel.DISSATISFIED and values["rated_at"] <= as_of
        reraised = values["first_reraised_at"] is not None and values["first_reraised_at"] < close
        item.on_time += on_time
        item.late += not on_time
        item.dissatisfied += dissatisfied
        item.reraised += reraised
        item.satisfied += on_time and not dissatisfied and not reraised
    return counts
