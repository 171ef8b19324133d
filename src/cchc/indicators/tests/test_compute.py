"""Direct computation of the 766 index on a small month of dossiers built through the services,
against figures computed by hand; drill-downs match the figures; a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cchc.common.tests.files import pdf_bytes, upload
from cchc.dossiers import services as s
from cchc.dossiers.constants import DocumentSource, DossierStatus, PaymentChannel, RatingLevel
from cchc.dossiers.models import Dossier, DossierDocument
from cchc.dossiers.tests.conftest import AT, CITIZEN, VN, World, to_status
from cchc.feedback.constants import FeedbackStatus
from cchc.feedback.models import Feedback
from cchc.feedback.services import Submitter, feedback_submit
from cchc.indicators.compute import (
    indicator_procedures,
    indicator_services,
    indicators_compute,
    indicators_compute_units,
)
from cchc.indicators.constants import IndicatorError, IndicatorErrorCode, Method, Status, Structure
from cchc.indicators.periods import period_parse
from cchc.indicators.scopes import Scope, organisation_load, scope_resolve
from cchc.indicators.selectors import DOSSIER_INDICATORS, indicator_dossiers
from cchc.indicators.tests.conftest import apply_events
from cchc.org.models import Agency

JANUARY = period_parse("2026-01")
CLOSE = datetime(2026, 2, 1, 0, 0, tzinfo=VN)


@dataclass
class Month:
    a: Dossier  # returned on time, rated satisfied
    b: Dossier  # processed a day after its appointment, rated dissatisfied
    c: Dossier  # two supplement requests: late although quick
    d: Dossier  # in process, appointment passed before the month closed; one reused component
    e: Dossier  # in process, appointment after the close
    h: Dossier  # online with an uploaded file, paid through the online gateway, in process on time
    k: Dossier  # commune dossier, on time
    f: Dossier  # received and returned in December: not in January
    g: Dossier  # refused at reception: never received


def _day(day: int, hour: int = 8, month: int = 1, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=VN)


def _pay_and_return(w: World, dossier: Dossier, at: datetime, receipt: str) -> Dossier:
    s.dossier_record_payment(
        dossier=dossier,
        actor=w.reception,
        at=at,
        amount=Decimal(200000),
        channel=PaymentChannel.COUNTER,
        receipt_number=receipt,
    )
    return s.dossier_return_result(dossier=dossier, actor=w.reception, at=at + timedelta(minutes=30))


def build_month(w: World) -> Month:
    a = to_status(w, DossierStatus.RETURNED, AT)  # Monday 5/1: processed 09:30, returned 10:30
    s.dossier_rate(dossier=a, level=RatingLevel.SATISFIED, criteria={}, comment="", at=AT + timedelta(hours=4))

    b = to_status(w, DossierStatus.IN_PROCESS, _day(6))
    s.dossier_complete_step(dossier=b, actor=w.specialist, at=_day(6, 10), receiver=w.leader)
    b.refresh_from_db()
    assert b.due_at is not None
    b = s.dossier_mark_processed(dossier=b, actor=w.leader, at=b.due_at + timedelta(days=1), receiver=w.reception)
    assert b.processed_at is not None
    b = _pay_and_return(w, b, b.processed_at + timedelta(hours=1), "BL-B")
    s.dossier_rate(
        dossier=b, level=RatingLevel.DISSATISFIED, criteria={}, comment="Chậm", at=b.processed_at + timedelta(days=1)
    )

    c = to_status(w, DossierStatus.IN_PROCESS, _day(7))  # step handed over at 08:30
    s.dossier_request_supplement(dossier=c, actor=w.specialist, at=_day(7, 9), reason="Bổ sung bản sao")
    s.dossier_resubmit_supplement(dossier=c, actor=None, at=_day(7, 10))
    s.dossier_request_supplement(dossier=c, actor=w.specialist, at=_day(7, 11), reason="Bổ sung lần hai")
    s.dossier_resubmit_supplement(dossier=c, actor=None, at=_day(7, 14))
    s.dossier_complete_step(dossier=c, actor=w.specialist, at=_day(7, 15), receiver=w.leader)
    c = s.dossier_mark_processed(dossier=c, actor=w.leader, at=_day(7, 16), receiver=w.reception)

    d = to_status(w, DossierStatus.IN_PROCESS, _day(12))
    # no service records a component reused from the data store yet (the once-only connection comes later)
    DossierDocument.objects.create(
        dossier=d, order=1, name="Căn cước", source=DocumentSource.REUSED, recorded_at=_day(12)
    )
    e = to_status(w, DossierStatus.IN_PROCESS, _day(29))

    h = s.dossier_apply_online(
        procedure=w.province_procedure,
        applicant=CITIZEN,
        receiving_agency=w.centre,
        competent_agency=w.justice,
        files={1: upload("to-khai.pdf", pdf_bytes())},
        at=_day(26),
    )
    h = s.dossier_receive(dossier=h, actor=w.reception, at=_day(26, 9))
    s.dossier_record_payment(
        dossier=h,
        actor=None,
        at=_day(26, 10),
        amount=Decimal(200000),
        channel=PaymentChannel.ONLINE_GATEWAY,
        receipt_number="GW-0001",
    )

    k = s.dossier_receive_counter(
        procedure=w.commune_procedure,
        applicant=CITIZEN,
        receiving_agency=w.nha_trang,
        competent_agency=w.nha_trang,
        actor=w.commune_officer,
        at=AT,
    )
    s.dossier_complete_step(dossier=k, actor=w.commune_officer, at=AT + timedelta(minutes=30))
    k = s.dossier_mark_processed(dossier=k, actor=w.commune_officer, at=AT + timedelta(hours=2))
    k = s.dossier_return_result(dossier=k, actor=w.commune_officer, at=AT + timedelta(hours=3))

    f = to_status(w, DossierStatus.RETURNED, _day(2, month=12, year=2025))
    g = to_status(w, DossierStatus.REFUSED, _day(8))
    month = Month(a=a, b=b, c=c, d=d, e=e, h=h, k=k, f=f, g=g)
    for dossier in month.__dict__.values():
        dossier.refresh_from_db()
    apply_events()  # the rollups follow the writes' events, never a read
    return month


@pytest.fixture
def month(world: World, media_root: object) -> Month:
    return build_month(world)


def figures(report: object, code: str) -> tuple[int | None, int | None, Decimal | None, Decimal | None]:
    result = report.results[code]  # type: ignore[attr-defined]
    return result.numerator, result.denominator, result.percent, result.points


def test_the_month_as_computed_by_hand(world: World, month: Month) -> None:
    # given: the facts the figures rest on
    assert month.b.processed_at > month.b.due_at  # type: ignore[operator]
    assert month.c.supplement_count == 2
    assert month.c.processed_at <= month.c.due_at  # type: ignore[operator]
    assert month.d.due_at < CLOSE <= month.e.due_at  # type: ignore[operator]
    assert month.h.due_at >= CLOSE  # type: ignore[operator]

    report = indicators_compute(period=JANUARY, at=CLOSE)

    # 2.1: finished in January A, B, C, K; in process at the close D, E, H. On time: A, K, E, H.
    assert figures(report, "PROGRESS_ON_TIME") == (4, 7, Decimal("57.14"), Decimal("11.43"))
    assert report.results["PROGRESS_ON_TIME"].details == {
        "finished": 4,
        "finished_on_time": 2,
        "in_process": 3,
        "in_process_on_time": 2,
    }
    # 2.2: processed dossiers received in January, minus the applicant's supplement time (C: 1 h + 3 h)
    processed = [month.a, month.b, month.c, month.k]
    seconds = sum(int((x.processed_at - x.received_at).total_seconds()) for x in processed) - 4 * 3600  # type: ignore[operator]
    average = report.results["PROCESSING_TIME_AVG"]
    assert (average.numerator, average.denominator, average.status) == (seconds, 4, Status.DISPLAY)
    assert average.ratio == Fraction(seconds, 4 * 86400)
    # 3.3: received in January A, B, C, D, E, H, K; online: H. 6 × (1/7) / 50 % = 12/7
    assert figures(report, "ONLINE_SUBMISSION") == (1, 7, Decimal("14.29"), Decimal("1.71"))
    # 4.2: H uploaded its file and D reused one, but neither has a signed electronic result (issue 16:
    # both conditions) ; 4.3: D reused one. 2 × (1/7) / 80 % = 5/14
    assert figures(report, "SO_HOA_GIAY_TO_GIAI_QUYET") == (0, 7, Decimal("0.00"), Decimal("0.00"))
    assert figures(report, "REUSED_DIGITIZED_DATA") == (1, 7, Decimal("14.29"), Decimal("0.36"))
    # 5.4: finished A, B, C, K; satisfied and on time: A, K. 6 × 50 % / 90 % = 10/3
    assert figures(report, "DOSSIER_RECEIVING_SATISFACTION") == (2, 4, Decimal("50.00"), Decimal("3.33"))
    # 3.6: province dossiers (200.000 đ) received in January: A B C D E H; paid online: H. 6 × 1/6
    assert figures(report, "ONLINE_PAYMENT") == (1, 6, Decimal("16.67"), Decimal("1.00"))
    # catalogue in force at the close: the two procedures, both complete and full-online
    assert figures(report, "PUBLIC_CONTENT_FULL") == (2, 2, Decimal("100.00"), Decimal("2.00"))
    assert figures(report, "ONLINE_PROCEDURES") == (2, 2, Decimal("100.00"), Decimal("2.00"))
    # 3.2: services = Sở Tư pháp × the province procedure + every commune × the commune procedure
    communes = Agency.objects.valid_on(CLOSE.date()).filter(kind="ubnd", level="commune").count()
    assert communes == 65
    assert report.results["ONLINE_SERVICES_USED"].numerator == 1
    assert report.results["ONLINE_SERVICES_USED"].denominator == 1 + communes
    # 3.5b: the only procedure with a non-zero fee had an online payment in January
    assert figures(report, "PAYMENT_PROCEDURES_USED") == (1, 1, Decimal("100.00"), Decimal("2.00"))

    # 1.4 measured from the sync log (issue 14): no dossier acknowledged by the national portal here
    sync = report.results["DOSSIER_SYNC"]
    received = report.results["ONLINE_SUBMISSION"].denominator
    assert (sync.status, sync.numerator, sync.denominator, sync.score) == (Status.COMPUTED, 0, received, 0)
    # 1.1 and 1.2: computed from recorded publications; none in the period here, so N/A (not "no data")
    for code in ("PUBLISH_ON_TIME", "PUBLIC_UPDATE_ON_TIME"):
        assert (report.results[code].status, report.results[code].denominator) == (Status.EMPTY, 0)
    # no data: reported, not counted, not 0
    linked = report.results["SYNCED_WITH_DVCQG_PERSONAL_STORAGE"]
    assert (linked.status, linked.numerator, linked.score) == (Status.NO_DATA, None, None)
    assert linked.reason.startswith("Chưa có dữ liệu")
    # 4.1 measured from the signed electronic results (issue 16): none attached here, 0 points
    original = report.results["ORIGINAL_RESULT_AVAILABLE"]
    completed = report.results["PROCESSING_TIME_AVG"].denominator
    assert (original.status, original.numerator, original.denominator, original.score) == (
        Status.COMPUTED,
        0,
        completed,
        0,
    )
    excluded = {r.indicator.code for r in report.excluded}
    assert excluded == {
        "PUBLISH_ON_TIME",
        "PUBLIC_UPDATE_ON_TIME",
        "ELECTRONIC_CERTIFIED_COPY",
        "SYNCED_WITH_DVCQG_PERSONAL_STORAGE",
        "CITIZEN_DATA_CONNECTED_FORMALITY",
        "PETITION_PROCESSING_ON_TIME",
        "PETITION_HANDLING_SATISFACTION",
        "PAYMENT_INTEGRATED",
    }
    # 60 after issue 14 (1.4), 62 since 4.5b is measured (issue 15: nobody signed in here, 0 points), 68
    # since 4.1 is (issue 16)
    assert report.measured_max == 100 - sum(r.indicator.max_points for r in report.excluded) == 68
    identified = report.results["CITIZEN_DATA_CONNECTED_DOSSIER"]
    assert (identified.status, identified.numerator, identified.denominator, identified.score) == (
        Status.COMPUTED,
        0,
        report.results["ONLINE_SUBMISSION"].denominator,
        0,
    )
    expected_total = (
        Fraction(2)  # 1.3
        + 20 * Fraction(4, 7)  # 2.1
        + 2
        + 4 * Fraction(1, 1 + communes)  # 3.1, 3.2 (target 100 %)
        + Fraction(12, 7)  # 3.3
        + 0  # 4.1, 4.2: no signed electronic result
        + Fraction(5, 14)  # 4.3
        + Fraction(10, 3)  # 5.4
        + 2
        + 1  # 3.5b, 3.6
    )
    assert report.total == expected_total


def test_a_feedback_about_a_dossier_counts_as_dissatisfaction_in_5_4(world: World, month: Month) -> None:
    # given the month (5.4: A and K satisfied and on time, of A B C K) and the rollups up to date
    assert figures(indicators_compute(period=JANUARY, at=CLOSE), "DOSSIER_RECEIVING_SATISFACTION")[:2] == (2, 4)
    # when a citizen files a feedback about A, and another about K that is refused as inadmissible
    citizen = Submitter(name="Trần Thị Bích", phone="0905123456")
    text = {"subject": "Cán bộ hướng dẫn chưa rõ", "content": "Tôi phải đi lại nhiều lần mới nộp được hồ sơ."}
    feedback_submit(submitter=citizen, agency=None, dossier_code=month.a.code, at=_day(20), **text)
    refused = feedback_submit(submitter=citizen, agency=None, dossier_code=month.k.code, at=_day(21), **text)
    Feedback.objects.filter(pk=refused.feedback.pk).update(status=FeedbackStatus.REJECTED)
    apply_events()
    # then A is no longer a satisfied dossier (the portal counts a complaint as dissatisfaction), K is
    for method in (Method.ROLLUP, Method.DIRECT):
        report = indicators_compute(period=JANUARY, at=CLOSE, method=method)
        assert figures(report, "DOSSIER_RECEIVING_SATISFACTION") == (1, 4, Decimal("25.00"), Decimal("1.67")), method
    numerator = indicator_dossiers("DOSSIER_RECEIVING_SATISFACTION", JANUARY, Scope(), at=CLOSE)
    assert list(numerator) == [month.k]


def test_an_extension_does_not_make_a_late_dossier_on_time(world: World, month: Month) -> None:
    # given the month's figures
    direct = indicators_compute(period=JANUARY, at=CLOSE, method=Method.DIRECT)
    progress, satisfaction = figures(direct, "PROGRESS_ON_TIME"), figures(direct, "DOSSIER_RECEIVING_SATISFACTION")
    # when a dossier gets an apology and a new appointment (form 04) before its deadline, and is
    # processed after its statutory appointment but before the new one
    x = to_status(world, DossierStatus.IN_PROCESS, _day(13))
    statutory = x.due_at
    assert statutory is not None
    s.dossier_apologise_extend(
        dossier=x, actor=world.leader, at=_day(14), new_due_at=statutory + timedelta(days=10), reason="Chờ xác minh"
    )
    s.dossier_complete_step(dossier=x, actor=world.specialist, at=_day(14, 10), receiver=world.leader)
    s.dossier_mark_processed(dossier=x, actor=world.leader, at=statutory + timedelta(days=1), receiver=world.reception)
    apply_events()
    # then it counts as late (legal: NĐ 61/2018 Điều 19 as amended), in the rollups and directly alike
    for method in (Method.ROLLUP, Method.DIRECT):
        report = indicators_compute(period=JANUARY, at=CLOSE, method=method)
        assert figures(report, "PROGRESS_ON_TIME")[:2] == (progress[0], progress[1] + 1), method  # type: ignore[operator]
        assert figures(report, "DOSSIER_RECEIVING_SATISFACTION")[:2] == (  # type: ignore[operator]
            satisfaction[0],
            satisfaction[1] + 1,  # type: ignore[operator]
        ), method
    on_time = indicator_dossiers("PROGRESS_ON_TIME", JANUARY, Scope(), at=CLOSE)
    assert x.pk not in {d.pk for d in on_time}
    assert x.pk in {d.pk for d in indicator_dossiers("PROGRESS_ON_TIME", JANUARY, Scope(), "denominator", at=CLOSE)}


def test_a_dossier_stopped_after_an_unanswered_supplement_request_is_on_time(world: World, month: Month) -> None:
    # given the month's figures
    direct = indicators_compute(period=JANUARY, at=CLOSE, method=Method.DIRECT)
    progress = figures(direct, "PROGRESS_ON_TIME")
    # when a dossier waits for a supplement the applicant never brings, and is stopped after its deadline
    y = to_status(world, DossierStatus.IN_PROCESS, _day(13))
    assert y.due_at is not None
    s.dossier_request_supplement(dossier=y, actor=world.specialist, at=_day(13, 10), reason="Bổ sung bản sao")
    s.dossier_stop(dossier=y, actor=world.leader, at=y.due_at + timedelta(days=5), reason="Không bổ sung hồ sơ")
    apply_events()
    # then it ended at the request (domain-vn §1.5), on time, in the rollups and directly alike
    for method in (Method.ROLLUP, Method.DIRECT):
        report = indicators_compute(period=JANUARY, at=CLOSE, method=method)
        assert figures(report, "PROGRESS_ON_TIME")[:2] == (progress[0] + 1, progress[1] + 1), method  # type: ignore[operator]
    on_time = indicator_dossiers("PROGRESS_ON_TIME", JANUARY, Scope(), at=CLOSE)
    assert y.pk in {d.pk for d in on_time}


def test_a_supplement_asked_before_reception_is_not_subtracted_from_the_processing_time(
    world: World, month: Month
) -> None:
    # given the month's average processing time (2.2)
    direct = indicators_compute(period=JANUARY, at=CLOSE, method=Method.DIRECT)
    seconds, count = figures(direct, "PROCESSING_TIME_AVG")[:2]
    # when an online dossier is sent back for completion before reception, completed, then received
    # and processed two hours later
    z = s.dossier_submit_online(
        procedure=world.province_procedure,
        applicant=CITIZEN,
        receiving_agency=world.centre,
        competent_agency=world.justice,
        at=_day(19),
    )
    s.dossier_request_supplement(dossier=z, actor=world.reception, at=_day(19, 9), reason="Bổ sung bản chụp")
    s.dossier_resubmit_supplement(dossier=z, actor=None, at=_day(20, 9))
    s.dossier_receive(dossier=z, actor=world.reception, at=_day(21))
    s.dossier_complete_step(dossier=z, actor=world.reception, at=_day(21, 9), receiver=world.specialist)
    s.dossier_mark_processed(dossier=z, actor=world.specialist, at=_day(21, 10), receiver=world.leader)
    apply_events()
    # then its processing time counts from reception, without the time before it (no clock ran)
    for method in (Method.ROLLUP, Method.DIRECT):
        report = indicators_compute(period=JANUARY, at=CLOSE, method=method)
        assert figures(report, "PROCESSING_TIME_AVG")[:2] == (seconds + 7200, count + 1), method  # type: ignore[operator]


def test_scopes_agency_commune_procedure(world: World, month: Month) -> None:
    justice = indicators_compute(period=JANUARY, scope=Scope(agency="so-tu-phap"), at=CLOSE)
    assert figures(justice, "PROGRESS_ON_TIME") == (3, 6, Decimal("50.00"), Decimal("10.00"))
    assert justice.scope_label == "Sở Tư pháp"
    assert justice.results["ONLINE_SERVICES_USED"].status == Status.COMPUTED  # a department: it applies

    commune = indicators_compute(period=JANUARY, scope=Scope(unit="22366"), at=CLOSE)
    assert figures(commune, "PROGRESS_ON_TIME") == (1, 1, Decimal("100.00"), Decimal("20.00"))
    assert figures(commune, "ONLINE_SUBMISSION")[:2] == (0, 1)
    # commune level: rows 8, 16, 17 do not apply -> full marks, counted in the measured maximum
    for code, points in [
        ("ONLINE_SERVICES_USED", 4),
        ("CITIZEN_DATA_CONNECTED_DOSSIER", 2),
        ("CITIZEN_DATA_CONNECTED_FORMALITY", 2),
    ]:
        result = commune.results[code]
        assert (result.status, result.score) == (Status.NOT_APPLICABLE, points)
    # 4.5a counts here (full marks; 4.5b and 3.2 counted already); 3.6 and 3.5b have nothing to count (below)
    assert commune.measured_max == 68 + 2 - 6 - 2
    # the commune procedure has no non-zero fee: 3.6 and 3.5b have nothing to count there
    assert commune.results["ONLINE_PAYMENT"].status == Status.EMPTY
    assert "ONLINE_PAYMENT" in {r.indicator.code for r in commune.excluded}

    by_procedure = indicators_compute(period=JANUARY, scope=Scope(procedure="9.000102"), at=CLOSE)
    assert figures(by_procedure, "PROGRESS_ON_TIME")[:2] == (1, 1)
    assert figures(by_procedure, "ONLINE_PROCEDURES")[:2] == (1, 1)
    by_field = indicators_compute(period=JANUARY, scope=Scope(field="LLTP"), at=CLOSE)
    assert figures(by_field, "PROGRESS_ON_TIME")[:2] == (3, 6)
    by_level = indicators_compute(period=JANUARY, scope=Scope(level="commune"), at=CLOSE)
    assert figures(by_level, "PROGRESS_ON_TIME")[:2] == (1, 1)
    assert by_level.results["ONLINE_SERVICES_USED"].status == Status.NOT_APPLICABLE


def test_an_open_period_closes_at_the_moment_of_computation(world: World, month: Month) -> None:
    # on 20/1 at noon: C (processed 7/1) and A, B?, K finished; D's appointment (19/1) already passed
    at = datetime(2026, 1, 20, 12, 0, tzinfo=VN)
    report = indicators_compute(period=JANUARY, at=at)
    received_by_then = [x for x in (month.a, month.b, month.c, month.d, month.k) if x.received_at < at]  # type: ignore[operator]
    assert report.results["ONLINE_SUBMISSION"].denominator == len(received_by_then) == 5
    # E and H are not received yet; F ended in December; G was refused
    progress = report.results["PROGRESS_ON_TIME"]
    assert progress.denominator == 5
    assert progress.numerator == 2  # A and K; B late, C two supplements, D past its appointment


def test_drill_down_matches_every_dossier_figure(world: World, month: Month) -> None:
    report = indicators_compute(period=JANUARY, at=CLOSE)
    for code in DOSSIER_INDICATORS:
        result = report.results[code]
        # 2.2 counts seconds over the processed dossiers: both parts open onto those dossiers
        numerator = result.denominator if code == "PROCESSING_TIME_AVG" else result.numerator
        assert indicator_dossiers(code, JANUARY, Scope(), "numerator", at=CLOSE).count() == numerator, code
        assert indicator_dossiers(code, JANUARY, Scope(), "denominator", at=CLOSE).count() == result.denominator
    on_time = indicator_dossiers("PROGRESS_ON_TIME", JANUARY, Scope(), "numerator", at=CLOSE)
    assert {x.pk for x in on_time} == {month.a.pk, month.k.pk, month.e.pk, month.h.pk}
    late = indicator_dossiers("PROGRESS_ON_TIME", JANUARY, Scope(), "denominator", at=CLOSE).exclude(
        pk__in=on_time.values("pk")
    )
    assert {x.pk for x in late} == {month.b.pk, month.c.pk, month.d.pk}
    justice = indicator_dossiers("PROGRESS_ON_TIME", JANUARY, Scope(agency="so-tu-phap"), "denominator", at=CLOSE)
    assert month.k.pk not in {x.pk for x in justice}
    assert justice.count() == 6

    online = indicator_procedures("ONLINE_PROCEDURES", JANUARY, Scope(), "numerator", at=CLOSE)
    assert [p.code for p in online] == ["9.000101", "9.000102"]
    services = indicator_services("ONLINE_SERVICES_USED", JANUARY, Scope(), "numerator", at=CLOSE)
    assert [(a.code, p.code) for a, p in services] == [("so-tu-phap", "9.000101")]
    assert len(indicator_services("ONLINE_SERVICES_USED", JANUARY, Scope(), "denominator", at=CLOSE)) == 66

    with pytest.raises(IndicatorError) as caught:
        indicator_dossiers("ONLINE_PROCEDURES", JANUARY, Scope(), "numerator", at=CLOSE)
    assert caught.value.code == IndicatorErrorCode.NOT_DOSSIER_BASED
    with pytest.raises(IndicatorError) as caught:
        indicator_dossiers("SYNCED_WITH_DVCQG_PERSONAL_STORAGE", JANUARY, Scope(), "numerator", at=CLOSE)
    assert caught.value.code == IndicatorErrorCode.NO_DATA
    with pytest.raises(IndicatorError) as caught:
        indicator_dossiers("PROGRESS_ON_TIME", JANUARY, Scope(), "tử số", at=CLOSE)
    assert caught.value.code == IndicatorErrorCode.INVALID_PART
    with pytest.raises(IndicatorError) as caught:
        indicator_dossiers("NOPE", JANUARY, Scope(), "numerator", at=CLOSE)
    assert caught.value.code == IndicatorErrorCode.UNKNOWN_INDICATOR


@pytest.mark.parametrize("method", Method.values)
def test_a_constant_number_of_queries(
    world: World, month: Month, django_assert_max_num_queries: object, method: str
) -> None:
    apply_events()  # the rollups' own catching up is measured in test_rollups
    indicators_compute(period=JANUARY, at=CLOSE, method=method)  # the organisation and catalogue, kept
    with CaptureQueriesContext(connection) as first:
        indicators_compute(period=JANUARY, at=CLOSE, method=method)
    for hour in (8, 9, 10):  # three more dossiers, one more agency's worth of rows changes nothing
        to_status(world, DossierStatus.PROCESSED, _day(13, hour))
    s.dossier_receive_counter(
        procedure=world.commune_procedure,
        applicant=CITIZEN,
        receiving_agency=world.nha_trang,
        competent_agency=world.nha_trang,
        actor=world.commune_officer,
        at=_day(14),
    )
    apply_events()
    with CaptureQueriesContext(connection) as second:
        report = indicators_compute(period=JANUARY, at=CLOSE, method=method)
    assert report.results["PROGRESS_ON_TIME"].denominator == 11
    assert len(second.captured_queries) == len(first.captured_queries)
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        indicators_compute(period=JANUARY, scope=Scope(agency="so-tu-phap"), at=CLOSE, method=method)


def test_structure_current_gathers_predecessors(world: World) -> None:
    day = CLOSE.date()
    current = organisation_load(structure=Structure.CURRENT, day=day)
    historical = organisation_load(structure=Structure.HISTORICAL, day=day)
    old_ward = Agency.objects.get(code="ubnd-22348")  # a ward merged into phường Nha Trang on 1/7/2025
    old_justice = Agency.objects.get(code="so-tu-phap", valid_to__isnull=False)  # before the provinces merged
    assert current.report_as(old_ward.pk) == world.nha_trang.pk
    assert current.report_as(old_justice.pk) == world.justice.pk
    assert historical.report_as(old_ward.pk) == old_ward.pk

    now = scope_resolve(Scope(unit="22366"), current)
    assert {old_ward.pk, world.nha_trang.pk} <= current.handled_by(now.reporting_ids or set())
    assert now.commune

    # the old ward no longer exists today: refused under the current structure, fine under the old one
    with pytest.raises(IndicatorError) as caught:
        indicators_compute(period=JANUARY, scope=Scope(agency="ubnd-22348"), at=CLOSE)
    assert caught.value.code == IndicatorErrorCode.UNKNOWN_SCOPE
    assert "giải thể hoặc sáp nhập" in caught.value.message
    old = indicators_compute(
        period=period_parse("2025-H1"), scope=Scope(agency="ubnd-22348"), at=CLOSE, structure=Structure.HISTORICAL
    )
    assert old.results["PROGRESS_ON_TIME"].status == Status.EMPTY


@pytest.mark.parametrize(
    ("scope", "fragment"),
    [
        (Scope(agency="khong-co"), "Không tìm thấy cơ quan có mã «khong-co»"),
        (Scope(unit="99999"), "Không tìm thấy đơn vị hành chính có mã «99999»"),
        (Scope(level="thon"), "Cấp «thon» không hợp lệ"),
        (Scope(procedure="1.999999"), "Không tìm thấy thủ tục có mã «1.999999»"),
        (Scope(field="KHONGCO"), "Không tìm thấy lĩnh vực có mã «KHONGCO»"),
    ],
)
def test_unknown_scopes_are_refused(world: World, scope: Scope, fragment: str) -> None:
    with pytest.raises(IndicatorError) as caught:
        indicators_compute(period=JANUARY, scope=scope, at=CLOSE)
    assert caught.value.code == IndicatorErrorCode.UNKNOWN_SCOPE
    assert fragment in caught.value.message


def test_agency_counters_add_up_to_the_province(world: World, month: Month) -> None:
    # what a rollup relies on: dossier counters are per handling agency and add up
    reports = indicators_compute_units(period=JANUARY, at=CLOSE)
    province, agencies = reports[0], reports[1:]
    assert indicators_compute(period=JANUARY, at=CLOSE).total == province.total
    for code in DOSSIER_INDICATORS:
        shown = [r for r in agencies if r.results[code].status != Status.NOT_APPLICABLE]
        # 4.5b does not apply at commune level (row 16): full marks there, no counts shown; the month's
        # only commune dossier, K, was received at the counter, anonymous (0 to the numerator, 1 to the
        # denominator)
        missing = (
            {"numerator": 0, "denominator": 1} if len(shown) < len(agencies) else {"numerator": 0, "denominator": 0}
        )
        if len(shown) < len(agencies):
            assert code == "CITIZEN_DATA_CONNECTED_DOSSIER"
        for part in ("numerator", "denominator"):
            values = [getattr(r.results[code], part) or 0 for r in shown]
            assert sum(values) + missing[part] == getattr(province.results[code], part), (code, part)
    justice = next(r for r in agencies if r.scope == {"agency": "so-tu-phap"})
    direct = indicators_compute(period=JANUARY, scope=Scope(agency="so-tu-phap"), at=CLOSE)
    assert justice.total == direct.total
    assert [r.as_dict() for r in justice.results.values()] == [r.as_dict() for r in direct.results.values()]


def test_the_catalogue_kept_by_the_process_follows_every_edit(world: World, month: Month) -> None:
    from cchc.catalogue.models import FeeItem, RequiredDocument

    # given the month's figures over the catalogue (read, then kept by the process)
    before = indicators_compute(period=JANUARY, at=CLOSE)
    assert figures(before, "PAYMENT_PROCEDURES_USED")[:2] == (1, 1)
    assert figures(before, "PUBLIC_CONTENT_FULL")[:2] == (2, 2)
    # when the fee of the province procedure is waived and a commune procedure's documents removed,
    # in bulk (no save(), no signal)
    FeeItem.objects.filter(version__procedure=world.province_procedure).update(amount=0, amount_table=[])
    RequiredDocument.objects.filter(version__procedure=world.commune_procedure).delete()
    # then the next computation counts them
    after = indicators_compute(period=JANUARY, at=CLOSE)
    assert figures(after, "PAYMENT_PROCEDURES_USED")[:2] == (0, 0)
    assert figures(after, "PUBLIC_CONTENT_FULL")[:2] == (1, 2)
    assert after.results["PAYMENT_PROCEDURES_USED"].status == Status.EMPTY
