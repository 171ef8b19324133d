"""Platform measures: figures the program's targets need that are not QĐ 766 indicators.

A measure is computed straight from the dossier tables, for one period (half-open ``[start, T)`` with
``T = min(end, at)``, Vietnam days, as the indicators), over the whole province. Like the indicators,
"empty" (nothing in the denominator) is never reported as 0.

``INTER_AGENCY_ELECTRONIC`` — hồ sơ giải quyết TTHC được luân chuyển giữa các cơ quan bằng phương thức
điện tử (QĐ 4831/QĐ-UBND Khánh Hòa, II.2 "đến năm 2025: 80 %"; NQ 76/NQ-CP the same wording):

* an *inter-agency dossier* has steps (``DossierStep``, copied from the procedure's internal process at
  reception) at more than one agency. Consecutive steps at different agencies are a *crossing*: the
  dossier has to travel from one agency to the other;
* a crossing is *recorded* when the platform holds the hand-over of the earlier step to the agency of
  the later one (``Handover.receiver_agency``, a line of the process-control sheet, form 06 of
  TT 03/2025/TT-VPCP). In this platform a step can only be entered through a hand-over, so a crossing
  without one is a step that was skipped (marked "không thực hiện" when the result was returned): the
  dossier went between the agencies outside the platform (on paper) or not at all;
* denominator: inter-agency dossiers received in the window whose result was returned before ``T``
  (``returned_at``: only then are all crossings known); numerator: those whose every crossing is
  recorded.

What it does not see: agencies that do not use the platform at all (their dossiers are not here) and
exchanges that happen inside one step (a specialist e-mailing another agency).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from cchc.dossiers.models import Dossier, DossierStep, Handover
from cchc.indicators.constants import IndicatorError, IndicatorErrorCode, Part, Status
from cchc.indicators.periods import Period
from cchc.indicators.selectors import Window

TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Measure:
    code: str
    name: str
    numerator: str
    denominator: str
    unit: str  # what is counted
    note: str = ""


INTER_AGENCY_ELECTRONIC = Measure(
    code="INTER_AGENCY_ELECTRONIC",
    name="Tỷ lệ hồ sơ liên thông giữa các cơ quan được luân chuyển bằng phương thức điện tử",
    numerator="Hồ sơ liên thông đã trả kết quả mà mọi lần chuyển giữa hai cơ quan đều được bàn giao trên hệ thống",
    denominator="Hồ sơ liên thông (các bước xử lý tại từ hai cơ quan trở lên) tiếp nhận trong kỳ, đã trả kết quả",
    unit="hồ sơ",
    note=(
        "Lần chuyển giữa hai cơ quan không có phiếu bàn giao trên hệ thống (bước bị bỏ qua khi trả kết quả) "
        "nghĩa là hồ sơ đã được chuyển ngoài hệ thống (bản giấy) hoặc không qua cơ quan đó."
    ),
)

MEASURES: dict[str, Measure] = {m.code: m for m in (INTER_AGENCY_ELECTRONIC,)}


@dataclass(frozen=True)
class MeasureResult:
    measure: Measure
    period: Period
    status: Status  # COMPUTED or EMPTY
    numerator: int
    denominator: int

    @property
    def ratio(self) -> Fraction | None:
        return Fraction(self.numerator, self.denominator) if self.denominator else None

    @property
    def percent(self) -> Decimal | None:
        """The ratio in %, rounded half up to 2 decimals (``None`` when empty)."""
        if self.ratio is None:
            return None
        value = Decimal(self.ratio.numerator * 100) / Decimal(self.ratio.denominator)
        return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _crossings() -> QuerySet[DossierStep]:
    """Steps whose previous step (order - 1) is at another agency: the dossier crosses to this step's agency."""
    previous_elsewhere = DossierStep.objects.filter(dossier=OuterRef("dossier"), order=OuterRef("order") - 1).exclude(
        agency=OuterRef("agency")
    )
    return DossierStep.objects.filter(Exists(previous_elsewhere))


def _unrecorded_crossings() -> QuerySet[DossierStep]:
    handed = Handover.objects.filter(
        dossier=OuterRef("dossier"), step__order=OuterRef("order") - 1, receiver_agency=OuterRef("agency")
    )
    return _crossings().exclude(Exists(handed))


def _filters(window: Window) -> tuple[Q, Q]:
    """(numerator, denominator) conditions over dossiers annotated by :func:`_annotated`."""
    denominator = (
        Q(received_at__gte=window.start, received_at__lt=window.close)
        & Q(returned_at__isnull=False, returned_at__lt=window.close)
        & Q(inter_agency=True)
    )
    return denominator & Q(unrecorded=False), denominator


def _annotated(queryset: QuerySet[Dossier]) -> QuerySet[Dossier]:
    return queryset.annotate(
        inter_agency=Exists(_crossings().filter(dossier=OuterRef("pk"))),
        unrecorded=Exists(_unrecorded_crossings().filter(dossier=OuterRef("pk"))),
    )


def _measure(code: str) -> Measure:
    try:
        return MEASURES[code]
    except KeyError:
        raise IndicatorError(IndicatorErrorCode.UNKNOWN_INDICATOR, f"Không có số đo mã «{code}».") from None


def measure_compute(code: str, *, period: Period, at: datetime) -> MeasureResult:
    """One platform measure for the province over ``period`` closed at ``at`` (one query)."""
    measure = _measure(code)
    window = Window.of(period, at)
    numerator, denominator = _filters(window)
    counts = _annotated(Dossier.objects.filter(received_at__gte=window.start, received_at__lt=window.close)).aggregate(
        num=Count("pk", filter=numerator), den=Count("pk", filter=denominator)
    )
    status = Status.COMPUTED if counts["den"] else Status.EMPTY
    return MeasureResult(measure, period, status, counts["num"], counts["den"])


def measure_dossiers(code: str, *, period: Period, at: datetime, part: str = Part.NUMERATOR) -> QuerySet[Dossier]:
    """The dossiers counted in the numerator or the denominator of a measure (its drill-down)."""
    _measure(code)
    if part not in Part.values:
        raise IndicatorError(IndicatorErrorCode.INVALID_PART, "Phần cần xem phải là «numerator» hoặc «denominator».")
    numerator, denominator = _filters(Window.of(period, at))
    condition = numerator if Part(part) == Part.NUMERATOR else denominator
    return _annotated(Dossier.objects.all()).filter(condition).order_by("received_at", "pk")


__all__ = ["INTER_AGENCY_ELECTRONIC", "MEASURES", "Measure", "MeasureResult", "measure_compute", "measure_dossiers"]
