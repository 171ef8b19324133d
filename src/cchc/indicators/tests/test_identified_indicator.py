"""QĐ 766 indicator 4.5b (CITIZEN_DATA_CONNECTED_DOSSIER) from how applicants were identified (issue 15):
numerator = dossiers received in the period whose applicant signed in with an electronic identity
account (``Dossier.applicant_identity`` not empty, TaiKhoanDuocXacThucVoiVNeID = 1), denominator =
dossiers received in the period, counter ones included. Both methods on a hand-built month, the fact
``identified`` kept current by the dossiers' events and equal after a full rebuild, the drill-down,
commune units (not applicable), and 4.5a still without data."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from fractions import Fraction

import pytest

from cchc.dossiers import services as s
from cchc.dossiers.constants import Channel, IdentityLevel
from cchc.dossiers.models import Dossier
from cchc.dossiers.tests.conftest import CITIZEN, VN, World
from cchc.indicators.compute import indicators_compute
from cchc.indicators.constants import Method, Source, Status
from cchc.indicators.definitions import BY_CODE
from cchc.indicators.models import DossierFact, IndicatorRollup
from cchc.indicators.rollups import rollups_rebuild
from cchc.indicators.scopes import Scope
from cchc.indicators.selectors import indicator_dossiers
from cchc.indicators.tests.conftest import apply_events
from cchc.indicators.tests.test_compute import CLOSE, JANUARY, Month, build_month

CODE = "CITIZEN_DATA_CONNECTED_DOSSIER"


def _at(day: int, hour: int = 8, month: int = 1, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=VN)


def _online(w: World, at: datetime, *, identity: str, number: str, receive: bool = True) -> Dossier:
    """An online dossier filed by an applicant identified as ``identity`` (what the portal passes from
    the signed-in account), received by the desk an hour later unless ``receive`` is False."""
    applicant = replace(CITIZEN, id_number=number, identity=identity)
    dossier = s.dossier_submit_online(
        procedure=w.province_procedure,
        applicant=applicant,
        receiving_agency=w.centre,
        competent_agency=w.justice,
        at=at,
    )
    if receive:
        dossier = s.dossier_receive(dossier=dossier, actor=w.reception, at=at + timedelta(hours=1))
    return dossier


@pytest.fixture
def month(world: World, media_root: object) -> Month:
    return build_month(world)


def test_the_definition_is_measured_and_4_5a_says_why_it_is_not() -> None:
    dossier = BY_CODE[CODE]
    assert dossier.has_data
    assert dossier.source == Source.DOSSIERS
    assert dossier.no_data_reason == ""
    assert "định danh điện tử" in dossier.numerator
    assert "chưa kết nối" in dossier.note  # the population database's own data is not seen
    formality = BY_CODE["CITIZEN_DATA_CONNECTED_FORMALITY"]
    assert formality.source == Source.NONE
    assert "CSDL quốc gia về dân cư" in formality.no_data_reason
    assert "mọi thủ tục trực tuyến" in formality.no_data_reason


@pytest.mark.parametrize("method", Method.values)
def test_identified_dossiers_over_received_ones(world: World, month: Month, method: str) -> None:
    # given the hand-built January: 7 received, 6 at the counter (a-e, k) and 1 online anonymous (h)
    before = indicators_compute(period=JANUARY, at=CLOSE, method=method)
    result = before.results[CODE]
    assert (result.status, result.numerator, result.denominator, result.score) == (Status.COMPUTED, 0, 7, 0)
    assert month.h.channel == Channel.ONLINE
    assert month.h.applicant_identity == IdentityLevel.NONE
    assert month.k.channel != Channel.ONLINE

    # when applicants sign in: level 2 and level 1 received in January, one received in December, and
    # one still waiting at the desk (submitted, never received)
    level_2 = _online(world, _at(19), identity=IdentityLevel.VNEID_2, number="056190004321")
    level_1 = _online(world, _at(20), identity=IdentityLevel.VNEID_1, number="056201007777")
    _online(world, _at(3, month=12, year=2025), identity=IdentityLevel.VNEID_2, number="056085001234")
    waiting = _online(world, _at(21), identity=IdentityLevel.VNEID_2, number="056078009999", receive=False)
    assert waiting.received_at is None
    apply_events()

    # then 4.5b is 2 of the 9 received in January (no target: 2 points × ratio); the counter and the
    # anonymous online dossiers count in the denominator only
    after = indicators_compute(period=JANUARY, at=CLOSE, method=method)
    result = after.results[CODE]
    assert (result.status, result.numerator, result.denominator) == (Status.COMPUTED, 2, 9)
    assert result.score == Fraction(2 * 2, 9)
    assert after.measured_max == before.measured_max == 68
    numerator = indicator_dossiers(CODE, JANUARY, Scope(), "numerator", at=CLOSE)
    assert {d.pk for d in numerator} == {level_2.pk, level_1.pk}
    assert indicator_dossiers(CODE, JANUARY, Scope(), "denominator", at=CLOSE).count() == 9


def test_the_fact_follows_the_events_and_equals_a_rebuild(world: World, month: Month) -> None:
    # given an identified applicant's dossier submitted online: not received, no fact yet
    dossier = _online(world, _at(22), identity=IdentityLevel.VNEID_2, number="056190004321", receive=False)
    apply_events()
    assert not DossierFact.objects.filter(dossier=dossier).exists()

    # when the desk receives it, the rollups do not move before its event is delivered (reads never write)
    s.dossier_receive(dossier=dossier, actor=world.reception, at=_at(22, 9))
    assert indicators_compute(period=JANUARY, at=CLOSE).results[CODE].numerator == 0
    assert indicators_compute(period=JANUARY, at=CLOSE, method=Method.DIRECT).results[CODE].numerator == 1

    # then the subscriber writes the fact and its counters
    apply_events()
    fact = DossierFact.objects.get(dossier=dossier)
    assert (fact.identified, fact.online) == (True, True)
    assert not DossierFact.objects.get(dossier=month.h).identified  # online, anonymous
    assert not DossierFact.objects.get(dossier=month.k).identified  # counter
    day = IndicatorRollup.objects.get(grain="d", bucket=_at(22).date(), procedure_id=fact.procedure_id)
    assert (day.received, day.received_identified) == (1, 1)
    rolled = indicators_compute(period=JANUARY, at=CLOSE).results[CODE]
    assert (rolled.numerator, rolled.denominator) == (1, 8)

    # and a full rebuild (set-based on PostgreSQL) gives the same facts and counters
    facts = sorted(DossierFact.objects.values_list("dossier_id", "identified"))
    counters = sorted(
        IndicatorRollup.objects.values_list("grain", "bucket", "agency_id", "procedure_id", "received_identified")
    )
    rollups_rebuild()
    assert sorted(DossierFact.objects.values_list("dossier_id", "identified")) == facts
    assert (
        sorted(
            IndicatorRollup.objects.values_list("grain", "bucket", "agency_id", "procedure_id", "received_identified")
        )
        == counters
    )
    assert indicators_compute(period=JANUARY, at=CLOSE).results[CODE].numerator == 1


def test_commune_units_get_full_marks(world: World, month: Month) -> None:
    # row 16 does not apply at commune level (F766-api): full marks whatever the applicants did
    commune = indicators_compute(period=JANUARY, scope=Scope(unit="22366"), at=CLOSE)
    result = commune.results[CODE]
    assert (result.status, result.score) == (Status.NOT_APPLICABLE, 2)
