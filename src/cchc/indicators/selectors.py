"""Reads of the indicator engine: the dossier facts every dossier-based indicator counts, as filters.

Each dossier-based indicator is a pair of filters (numerator, denominator) over one annotated
dossier queryset (:func:`dossier_facts`). The direct computation (:mod:`cchc.indicators.compute`)
counts them with conditional aggregates; the drill-down (:func:`indicator_dossiers`) applies the same
filter, so a figure and the dossiers behind it cannot disagree.

The window of a period ``[start, end)`` computed at moment ``at`` closes at ``T = min(end, at)``.

End of processing (QĐ 766 as the national portal applies it, domain-vn §2.5): the first terminal
status by priority: "Đã xử lý xong" (``processed_at``), then "Đã trả kết quả" (``returned_at``), then
"Dừng xử lý" / withdrawal (``ended_at``); a dossier waiting for a supplement the applicant never
brought ends when the supplement was requested, also once it is stopped or withdrawn without the
supplement (the portal's rule, domain-vn §1.5: the request, not the later stop, ends processing;
``cchc.dossiers.services.end_of_processing``). Lateness is judged against the statutory appointment
``statutory_due_at``: the applicant's supplement time is already added to it by the services, and an
apology letter (form 04) never moves it (NĐ 61/2018/NĐ-CP Điều 19 as amended: an extended dossier
still counts as late), so "on time" is simply ``end <= statutory_due_at``; more than one supplement
request makes the dossier late whatever the dates.

Facts are read as they stand at computation time (a dossier finished after a period's end counts as
"in process at the end" of that period, judged against its statutory appointment).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import BooleanField, Case, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

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
from cchc.indicators.constants import IndicatorError, IndicatorErrorCode, Part, Structure
from cchc.indicators.definitions import BY_CODE
from cchc.indicators.periods import Period
from cchc.indicators.scopes import Organisation, ResolvedScope, Scope, organisation_load, scope_resolve
from cchc.integrations.models import DossierSync

# The statuses in which a supplement request may still be open: waiting for it, or ended without it.
ENDED_WAITING_STATUSES = (DossierStatus.SUPPLEMENT_REQUESTED, DossierStatus.STOPPED, DossierStatus.WITHDRAWN)

# A digitised component (F766 4.2): a file uploaded online, a document reused from the data store, or a paper
# received at the counter and digitised there (TT 01/2023/TT-VPCP Điều 4-5); the last two point at the
# stored document.
DIGITISED_DOCUMENT = Q(source__in=[DocumentSource.UPLOAD, DocumentSource.REUSED]) | Q(stored_document__isnull=False)

# The dossier-based indicators, in the order they are counted.
DOSSIER_INDICATORS = (
    "PROGRESS_ON_TIME",
    "PROCESSING_TIME_AVG",
    "ONLINE_SUBMISSION",
    "ORIGINAL_RESULT_AVAILABLE",
    "SO_HOA_GIAY_TO_GIAI_QUYET",
    "REUSED_DIGITIZED_DATA",
    "DOSSIER_RECEIVING_SATISFACTION",
    "ONLINE_PAYMENT",
    "DOSSIER_SYNC",
    "CITIZEN_DATA_CONNECTED_DOSSIER",
)


@dataclass(frozen=True)
class Window:
    start: datetime
    close: datetime  # T = min(end, at)

    @classmethod
    def of(cls, period: Period, at: datetime) -> Window:
        return cls(start=period.start, close=min(period.end, at))


def _flag_of(condition: Q) -> Case:
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


def dossier_facts(queryset: QuerySet[Dossier] | None = None) -> QuerySet[Dossier]:
    """Dossiers annotated with the facts the indicators test: end of processing, documents uploaded
    or reused, dissatisfaction (a "không hài lòng" rating or a feedback about the dossier), a non-zero
    fee, an online payment."""
    queryset = Dossier.objects.all() if queryset is None else queryset
    open_supplement = SupplementRequest.objects.filter(dossier=OuterRef("pk"), resumed_at__isnull=True).values(
        "requested_at"
    )[:1]
    documents = DossierDocument.objects.filter(dossier=OuterRef("pk"))
    return queryset.annotate(
        end_of_processing=Coalesce(
            "processed_at",
            "returned_at",
            # legal (F766 2.1): a supplement never brought ends processing when it was requested, even
            # when the dossier was stopped or withdrawn later (only these statuses can hold one open)
            Case(When(status__in=ENDED_WAITING_STATUSES, then=Subquery(open_supplement))),
            "ended_at",
        ),
        has_upload=Exists(documents.filter(source=DocumentSource.UPLOAD)),
        has_reused=Exists(documents.filter(source=DocumentSource.REUSED)),
        # F766 4.2: a component holding a file — uploaded, reused from the data store, or a paper scanned
        # at the counter (stored_document set by digitise_document)
        has_digitised=Exists(documents.filter(DIGITISED_DOCUMENT)),
        # F766 4.1, 4.2: an electronic result in the signed state (not pending, failed, replaced, revoked)
        result_signed=Exists(ResultDocument.objects.filter(dossier=OuterRef("pk"), status=ResultStatus.SIGNED)),
        # legal (F766 5.4, as the national portal counts it): a "không hài lòng" rating or a feedback
        # (PAKN) about the dossier makes it a dissatisfied one; a feedback refused as inadmissible
        # ("không tiếp nhận xử lý") does not.
        dissatisfied=Case(
            When(
                Exists(DossierRating.objects.filter(dossier=OuterRef("pk"), level=RatingLevel.DISSATISFIED))
                | Exists(Feedback.objects.filter(dossier=OuterRef("pk")).exclude(status=FeedbackStatus.REJECTED)),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        ),
        # legal (F766 3.6): dossiers of procedures with a fee, minus those whose fee lines are all 0;
        # an amount still to be fixed (a table of amounts) counts as a fee.
        has_fee=Exists(FeeLine.objects.filter(dossier=OuterRef("pk")).filter(Q(amount__isnull=True) | Q(amount__gt=0))),
        paid_online=Exists(Payment.objects.filter(dossier=OuterRef("pk"), channel=PaymentChannel.ONLINE_GATEWAY)),
        # F766 1.4: the national portal acknowledged the dossier (cchc.integrations.models.DossierSync)
        synced=Exists(DossierSync.objects.filter(dossier=OuterRef("pk"))),
        # F766 4.5b: the applicant signed in with an electronic identity account (issue 15), the flag
        # TaiKhoanDuocXacThucVoiVNeID the national sync sends (integrations.national_portal.payload)
        identified=_flag_of(~Q(applicant_identity=IdentityLevel.NONE)),
    )


def window_filter(window: Window) -> Q:
    """Every dossier any indicator of the window may count: received before ``T`` and not ended before
    ``start``."""
    return (
        Q(received_at__isnull=False)
        & Q(received_at__lt=window.close)
        & (Q(end_of_processing__isnull=True) | Q(end_of_processing__gte=window.start))
    )


def indicator_filters(window: Window) -> dict[str, tuple[Q, Q]]:
    """``code -> (numerator, denominator)`` filters over :func:`dossier_facts` rows."""
    start, close = window.start, window.close
    received = Q(received_at__isnull=False) & Q(received_at__gte=start, received_at__lt=close)
    finished = Q(received_at__isnull=False) & Q(end_of_processing__gte=start, end_of_processing__lt=close)
    open_at_close = (
        Q(received_at__isnull=False)
        & Q(received_at__lt=close)
        & (Q(end_of_processing__isnull=True) | Q(end_of_processing__gte=close))
    )
    # the one-supplement rule of cchc.dossiers.rules.supplement_requested / late_at_end (QĐ 766)
    on_time = Q(supplement_count__lte=SUPPLEMENTS_ON_TIME) & (
        Q(statutory_due_at__isnull=True)
        | (finished & Q(end_of_processing__lte=F("statutory_due_at")))
        | (open_at_close & Q(statutory_due_at__gte=close))
    )
    progress = finished | open_at_close
    completed = received & Q(processed_at__isnull=False)
    fee = received & Q(has_fee=True)
    return {
        "PROGRESS_ON_TIME": (progress & on_time, progress),
        "PROCESSING_TIME_AVG": (completed, completed),
        "ONLINE_SUBMISSION": (received & Q(channel=Channel.ONLINE), received),
        "ORIGINAL_RESULT_AVAILABLE": (completed & Q(result_signed=True), completed),
        "SO_HOA_GIAY_TO_GIAI_QUYET": (received & Q(has_digitised=True, result_signed=True), received),
        "REUSED_DIGITIZED_DATA": (received & Q(has_reused=True), received),
        "DOSSIER_RECEIVING_SATISFACTION": (finished & on_time & Q(dissatisfied=False), finished),
        "ONLINE_PAYMENT": (fee & Q(paid_online=True), fee),
        "DOSSIER_SYNC": (received & Q(synced=True), received),
        "CITIZEN_DATA_CONNECTED_DOSSIER": (received & Q(identified=True), received),
    }


def progress_breakdown(window: Window) -> dict[str, Q]:
    """The parts of 2.1 the portal's tree shows: finished in the period, in process at its close, and
    of each those on time."""
    numerator, _ = indicator_filters(window)["PROGRESS_ON_TIME"]
    finished = Q(received_at__isnull=False) & Q(end_of_processing__gte=window.start, end_of_processing__lt=window.close)
    open_at_close = (
        Q(received_at__isnull=False)
        & Q(received_at__lt=window.close)
        & (Q(end_of_processing__isnull=True) | Q(end_of_processing__gte=window.close))
    )
    return {
        "finished": finished,
        "finished_on_time": numerator & finished,
        "in_process": open_at_close,
        "in_process_on_time": numerator & open_at_close,
    }


def scope_dossier_filter(resolved: ResolvedScope, org: Organisation) -> Q:
    """Dossiers of the scope: handled by an agency that reports as one in scope; procedure, field."""
    condition = Q()
    if resolved.reporting_ids is not None:
        condition &= Q(competent_agency_id__in=sorted(org.handled_by(resolved.reporting_ids)))
    if resolved.procedure:
        condition &= Q(procedure_version__procedure__code=resolved.procedure)
    if resolved.field:
        condition &= Q(procedure_version__field__code=resolved.field)
    return condition


def indicator_dossiers(
    code: str,
    period: Period,
    scope: Scope,
    part: str = Part.NUMERATOR,
    *,
    at: datetime,
    structure: str = Structure.CURRENT,
) -> QuerySet[Dossier]:
    """The dossiers in the numerator or the denominator of a dossier-based indicator (drill-down).

    Its ``count()`` equals the figure :func:`cchc.indicators.compute.indicators_compute` reports for
    the same arguments. Refused (``indicator.not_dossier_based``) for indicators counted over
    procedures or services, and (``indicator.no_data``) for those without data.
    """
    definition = BY_CODE.get(code)
    if definition is None:
        raise IndicatorError(IndicatorErrorCode.UNKNOWN_INDICATOR, f"Không có chỉ số mã «{code}».")
    if part not in Part.values:
        raise IndicatorError(IndicatorErrorCode.INVALID_PART, "Phần cần xem phải là «numerator» hoặc «denominator».")
    if not definition.has_data:
        raise IndicatorError(IndicatorErrorCode.NO_DATA, f"{definition.name}: chưa có dữ liệu.")
    if code not in DOSSIER_INDICATORS:
        raise IndicatorError(
            IndicatorErrorCode.NOT_DOSSIER_BASED,
            f"{definition.name} được tính trên thủ tục hành chính, không trên hồ sơ.",
        )
    org = organisation_load(structure=Structure(structure), day=at.astimezone(period.start.tzinfo).date())
    resolved = scope_resolve(scope, org)
    window = Window.of(period, at)
    numerator, denominator = indicator_filters(window)[code]
    chosen = numerator if part == Part.NUMERATOR else denominator
    return (
        dossier_facts(Dossier.objects.filter(scope_dossier_filter(resolved, org)))
        .filter(chosen)
        .select_related("procedure_version__procedure", "competent_agency", "receiving_agency")
        .order_by("received_at", "pk")
    )
