"""``cchc surveys demo``: the shipped questionnaire, one campaign and simulated paper and online responses.

Seeded, so the same seed gives the same responses; idempotent: a second run adds nothing. The spread is
invented for the demonstration (documented here, not measured): each agency has a baseline between 3.7 and
4.6 on the 5-level scale, the factors shift it (staff and results a little higher, handling of feedback
lower), answers scatter around it; 70 % of forms are paper forms entered by staff.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from cchc.catalogue.models import CompetentAgency, Field
from cchc.org.constants import AgencyKind, Level
from cchc.org.models import Agency
from cchc.surveys.constants import RespondentKind, ResponseChannel, SurveyErrorCode
from cchc.surveys.errors import SurveyError
from cchc.surveys.models import Campaign, Question, Response
from cchc.surveys.services import SHIPPED_QUESTIONNAIRE, campaign_create, questionnaire_import_file, response_submit

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DEMO_CAMPAIGN = "khao-sat-hai-long-2025-2026"
DEMO_START = date(2025, 7, 1)
DEMO_END = date(2026, 12, 31)
DEMO_AGENCIES = [
    "trung-tam-dich-vu-hanh-chinh-cong-truc-tuyen",
    "cong-an-tinh",
    "so-tu-phap",
    "so-xay-dung",
    "so-nong-nghiep-va-moi-truong",
    "so-tai-chinh",
    "so-noi-vu",
    "so-y-te",
    "bao-hiem-xa-hoi-tinh",
]
DEMO_COMMUNES = 8
FACTOR_SHIFT = {"tiep-can": -0.1, "thu-tuc": 0.0, "cong-chuc": 0.15, "ket-qua": 0.2, "gop-y": -0.35}
COMMUNE_FIELDS = ["HOTICH", "CHUNGTHUC", "XAYDUNG", "DATDAI", "HKD", "BTXH"]


@dataclass
class DemoResult:
    campaign: Campaign
    created_campaign: bool
    added: int
    total: int


def _scope_agencies(on: date) -> list[Agency]:
    named = list(Agency.objects.valid_on(on).filter(code__in=DEMO_AGENCIES).order_by("code"))
    communes = list(
        Agency.objects.valid_on(on)
        .filter(level=Level.COMMUNE, kind=AgencyKind.PEOPLES_COMMITTEE)
        .order_by("code")[:DEMO_COMMUNES]
    )
    return named + communes


def _fields_by_agency(agencies: list[Agency]) -> dict[int, list[Field]]:
    fields = {f.code: f for f in Field.objects.all()}
    by_agency: dict[int, list[Field]] = {}
    named = (
        CompetentAgency.objects.filter(agency__in=[a for a in agencies if a.level != Level.COMMUNE])
        .values_list("agency_id", "version__field__code")
        .distinct()
    )
    for agency_id, code in named:
        by_agency.setdefault(agency_id, []).append(fields[code])
    for agency in agencies:
        if agency.level == Level.COMMUNE:
            by_agency[agency.pk] = [fields[c] for c in COMMUNE_FIELDS if c in fields]
        by_agency.setdefault(agency.pk, [])
        by_agency[agency.pk].sort(key=lambda f: f.code)
    return by_agency


def _moment(rng: random.Random, start: date, end: date) -> datetime:
    """A working-hours moment on a weekday between ``start`` and ``end`` (Vietnam time)."""
    span = (end - start).days
    while True:
        day = start + timedelta(days=rng.randint(0, span))
        if day.weekday() < 5:
            break
    clock = time(rng.choice([7, 8, 9, 10, 13, 14, 15, 16]), rng.randint(0, 59))
    return datetime.combine(day, clock, tzinfo=VN)


def surveys_demo(
    *, responses: int = 200, seed: int = 1, at: datetime, progress: Callable[[int], None] | None = None
) -> DemoResult:
    """Load the shipped questionnaire, create the demo campaign and bring it to ``responses`` responses.

    idempotency: the questionnaire import is idempotent, the campaign is found by its code, and the plan of
    ``responses`` answers is drawn from ``seed`` in full each time; only the ones not yet stored are added.
    """
    today = timezone.localdate(at)
    questionnaire = questionnaire_import_file(path=SHIPPED_QUESTIONNAIRE, at=at).questionnaire
    campaign = Campaign.objects.filter(code=DEMO_CAMPAIGN).first()
    created = campaign is None
    if campaign is None:
        agencies = _scope_agencies(DEMO_START)
        if not agencies:
            raise SurveyError(SurveyErrorCode.INVALID_CAMPAIGN, "Chưa có danh mục cơ quan: chạy «cchc org load» trước.")
        campaign = campaign_create(
            code=DEMO_CAMPAIGN,
            name="Khảo sát sự hài lòng về giải quyết thủ tục hành chính 2025-2026 (dữ liệu minh họa)",
            questionnaire=questionnaire,
            starts_on=DEMO_START,
            ends_on=DEMO_END,
            sample_target=responses,
            agencies=agencies,
            levels=[Level.PROVINCE, Level.COMMUNE],
            actor=None,
            at=at,
        )
    existing = Response.objects.filter(campaign=campaign).count()
    if existing >= responses:
        return DemoResult(campaign=campaign, created_campaign=created, added=0, total=existing)

    rng = random.Random(seed)
    agencies = list(campaign.agencies.order_by("code"))
    fields = _fields_by_agency(agencies)
    questions = list(Question.objects.filter(factor__questionnaire=campaign.questionnaire).select_related("factor"))
    baseline = {a.pk: rng.uniform(3.7, 4.6) for a in agencies}
    last_day = min(today, campaign.ends_on)
    plans = []
    for _ in range(responses):
        agency = rng.choice(agencies)
        field = rng.choice(fields[agency.pk]) if fields[agency.pk] else None
        answers: dict[str, object] = {}
        for q in questions:
            if not q.required and rng.random() > 0.4:
                continue
            mean = baseline[agency.pk] + FACTOR_SHIFT.get(q.factor.code, 0.0)
            answers[q.code] = min(5, max(1, round(rng.gauss(mean, 0.75))))
        channel = ResponseChannel.PAPER if rng.random() < 0.7 else ResponseChannel.ONLINE
        kind = RespondentKind.ORGANISATION if rng.random() < 0.2 else RespondentKind.CITIZEN
        plans.append((agency, field, answers, channel, kind, _moment(rng, campaign.starts_on, last_day)))
    added = 0
    for agency, field, answers, channel, kind, moment in plans[existing:]:
        response_submit(
            campaign=campaign,
            channel=channel,
            agency=agency,
            field=field,
            answers=answers,
            respondent_kind=kind,
            actor=None,
            at=moment,
        )
        added += 1
        if progress is not None:
            progress(1)
    return DemoResult(campaign=campaign, created_campaign=created, added=added, total=existing + added)
