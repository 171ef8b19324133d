"""QĐ 766 2.2 (average processing time) in the procedure's own unit (issue 12 item 14): a same-day
procedure (chứng thực, NĐ 23/2015/NĐ-CP Điều 7 khoản 1) is averaged in hours; a scope mixing units stays
in days; the rollups give what the direct count gives."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from fractions import Fraction

from cchc.catalogue.models import Procedure
from cchc.catalogue.services import catalogue_import
from cchc.dossiers import services as s
from cchc.dossiers.tests.conftest import CITIZEN, COMMUNE_PROCEDURE, PUBLISHED, VN, World
from cchc.indicators.compute import indicators_compute
from cchc.indicators.constants import Method, Status
from cchc.indicators.periods import period_parse
from cchc.indicators.scopes import Scope
from cchc.indicators.tests.conftest import apply_events

JANUARY = period_parse("2026-01")
CLOSE = datetime(2026, 2, 1, 0, 0, tzinfo=VN)


def _same_day_procedure_with_two_dossiers(w: World) -> int:
    """Chứng thực at the Nha Trang counter: one received 08:00 and processed at 11:00 (3 h), one received
    15:30 and processed the next morning at 09:00 (17,5 h). Returns the seconds they took."""
    data = copy.deepcopy(COMMUNE_PROCEDURE)
    data.update(
        code="2.000815",
        name="Chứng thực bản sao từ bản chính",
        processing_time={"value": 1, "unit": "same_day", "cutoff": "15:00"},
    )
    catalogue_import(
        data={
            "format": "cchc-catalogue",
            "format_version": 1,
            "fields": [{"code": "HOTICH", "name": "Hộ tịch"}],
            "procedures": [data],
        },
        at=PUBLISHED,
    )
    procedure = Procedure.objects.get(code="2.000815")
    total = 0
    for received, processed in (
        (datetime(2026, 1, 5, 8, 0, tzinfo=VN), datetime(2026, 1, 5, 11, 0, tzinfo=VN)),
        (datetime(2026, 1, 5, 15, 30, tzinfo=VN), datetime(2026, 1, 6, 9, 0, tzinfo=VN)),
    ):
        dossier = s.dossier_receive_counter(
            procedure=procedure,
            applicant=CITIZEN,
            receiving_agency=w.nha_trang,
            competent_agency=w.nha_trang,
            actor=w.commune_officer,
            at=received,
        )
        s.dossier_complete_step(dossier=dossier, actor=w.commune_officer, at=received + timedelta(minutes=30))
        s.dossier_mark_processed(dossier=dossier, actor=w.commune_officer, at=processed)
        total += int((processed - received).total_seconds())
    return total


def test_2_2_of_a_same_day_procedure_is_in_hours_and_rollups_equal_direct(world: World) -> None:
    seconds = _same_day_procedure_with_two_dossiers(world)
    assert seconds == (3 * 60 + 17 * 60 + 30) * 60
    apply_events()

    for method in (Method.DIRECT, Method.ROLLUP):
        report = indicators_compute(period=JANUARY, scope=Scope(procedure="2.000815"), at=CLOSE, method=method)
        average = report.results["PROCESSING_TIME_AVG"]
        assert (average.numerator, average.denominator, average.status) == (seconds, 2, Status.DISPLAY), method
        assert average.ratio == Fraction(41, 4)  # 10,25 giờ
        assert average.ratio_unit == "giờ"
        assert average.as_dict()["ratio_unit"] == "giờ"
        assert str(average.percent) == "10.25"

    # the province mixes units: days of 24 hours, as before
    province = indicators_compute(period=JANUARY, at=CLOSE, method=Method.DIRECT).results["PROCESSING_TIME_AVG"]
    assert province.ratio_unit == "ngày"
    assert province.ratio == Fraction(seconds, 2 * 86400)


def test_2_2_of_a_procedure_in_working_days_stays_in_days(world: World) -> None:
    report = indicators_compute(period=JANUARY, scope=Scope(procedure="9.000101"), at=CLOSE, method=Method.DIRECT)
    assert report.results["PROCESSING_TIME_AVG"].ratio_unit == "ngày"
