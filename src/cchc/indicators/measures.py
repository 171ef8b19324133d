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

``IDENTIFIED_ONLINE_USERS`` — người sử dụng dịch vụ công trực tuyến được cấp định danh, xác thực điện tử
(NQ 76/NQ-CP, copied by QĐ 4831/QĐ-UBND Khánh Hòa, target a6-2025-6: "100 % ... được cấp định danh và
xác thực điện tử" by 2025; electronic identity levels of NĐ 69/2024/NĐ-CP Điều 12), from the platform's
own transactions (issue 15):

* the unit is the *person*, as "người sử dụng" says, not the dossier: a person is the applicant's
  identification number (``Dossier.applicant_id_number``: the 12-digit personal identification number
  of a citizen, the tax code of an organisation), which every dossier holds; one person counts once
  in the period however many dossiers they filed;
* denominator: the persons who submitted at least one dossier online (``channel = online``) in the
  period (``submitted_at`` in the window: using the online service is submitting, whether the dossier
  was then received or refused); numerator: those of them who signed in with an electronic identity
  account (``applicant_identity`` not empty: VNeID level 1 or 2, or an organisation's account) when
  submitting at least one of those dossiers — they hold an electronic identity and used it here;
* counter and postal dossiers do not count (not an online service); the drill-down lists dossiers
  (the persons' online dossiers of the period, and those filed signed in).

What it does not see: people who hold an electronic identity but submitted without signing in (signing
in is offered, never required), and online services outside this platform (the national portal's own).
Distinct persons are not additive, so this is read from the dossier table (one query per period), not
from the rollups (which count dossiers: 4.5b, ``CITIZEN_DATA_CONNECTED_DOSSIER``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from cchc.dossiers.constants import Channel, IdentityLevel
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

IDENTIFIED_ONLINE_USERS = Measure(
    code="IDENTIFIED_ONLINE_USERS",
    name="Tỷ lệ người sử dụng dịch vụ công trực tuyến được xác thực định danh điện tử",
    numerator="Số người nộp hồ sơ trực tuyến trong kỳ đã đăng nhập bằng tài khoản định danh điện tử khi nộp "
    "(mỗi số định danh cá nhân hoặc mã số thuế tính một lần)",
    denominator="Số người nộp hồ sơ trực tuyến trong kỳ (mỗi số định danh cá nhân hoặc mã số thuế tính một lần)",
    unit="người",
    note=(
        "Đếm người theo số định danh của người nộp, không đếm hồ sơ. Người có định danh điện tử nhưng nộp "
        "không đăng nhập chưa được tính; giao dịch trên Cổng DVCQG ngoài nền tảng không thấy được."
    ),
)

MEASURES: dict[str, Measure] = {m.code: m for m in (INTER_AGENCY_ELECTRONIC, IDENTIFIED_ONLINE_USERS)}


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


def _identified_filters(window: Window) -> tuple[Q, Q]:
    """(numerator, denominator) dossier conditions of ``IDENTIFIED_ONLINE_USERS``."""
    denominator = Q(channel=Channel.ONLINE, submitted_at__gte=window.start, submitted_at__lt=window.close)
    return denominator & ~Q(applicant_identity=IdentityLevel.NONE), denominator


def _identified_compute(measure: Measure, period: Period, window: Window) -> MeasureResult:
    numerator, denominator = _identified_filters(window)
    counts = Dossier.objects.filter(denominator).aggregate(
        num=Count("applicant_id_number", filter=numerator, distinct=True),
        den=Count("applicant_id_number", distinct=True),
    )
    status = Status.COMPUTED if counts["den"] else Status.EMPTY
    return MeasureResult(measure, period, status, counts["num"], counts["den"])


def measure_compute(code: str, *, period: Period, at: datetime) -> MeasureResult:
    """One platform measure for the province over ``period`` closed at ``at`` (one query)."""
    measure = _measure(code)
    window = Window.of(period, at)
    if measure is IDENTIFIED_ONLINE_USERS:
        return _identified_compute(measure, period, window)
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
    if MEASURES[code] is IDENTIFIED_ONLINE_USERS:
        numerator, denominator = _identified_filters(Window.of(period, at))
        condition = numerator if Part(part) == Part.NUMERATOR else denominator
        return Dossier.objects.filter(condition).order_by("submitted_at", "pk")
    numerator, denominator = _filters(Window.of(period, at))
    condition = numerator if Part(part) == Part.NUMERATOR else denominator
    return _annotated(Dossier.objects.all()).filter(condition).order_by("received_at", "pk")


__all__ = [
    "IDENTIFIED_ONLINE_USERS",
    "INTER_AGENCY_ELECTRONIC",
    "MEASURES",
    "Measure",
    "MeasureResult",
    "measure_compute",
    "measure_dossiers",
]
