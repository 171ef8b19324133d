"""The report services: periods, the agency report's workflow and its refusals, the consolidated report."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from cchc.audit.models import AuditEvent
from cchc.indicators.compute import indicators_compute
from cchc.indicators.periods import period_parse
from cchc.indicators.scopes import Scope
from cchc.org.models import Agency, DocumentRegisterEntry
from cchc.org.services import document_register_issue
from cchc.reporting import services as s
from cchc.reporting.constants import ProvinceReportStatus, ReportError, ReportErrorCode, ReportStatus, Timeliness
from cchc.reporting.models import AgencyReport, ProvinceReport, ReportPeriod
from cchc.reporting.tests.conftest import (
    AFTER_CLOSE,
    AFTER_DUE,
    BEFORE_DUE,
    KEY,
    RWorld,
    filled,
    sent_report,
)


def _events() -> int:
    return AuditEvent.objects.count()


def test_period_open_defaults_to_the_15th_of_the_last_month_and_closes_30_days_later(rw: RWorld) -> None:
    # when
    period = s.report_period_open(key="2025-q4", actor=rw.reviewer, at=BEFORE_DUE)
    half = s.report_period_open(key="2025-H2", actor=rw.reviewer, at=BEFORE_DUE)
    # then
    assert (period.key, period.kind, period.first_day, period.last_day) == (
        "2025-Q4",
        "quarter",
        date(2025, 10, 1),
        date(2025, 12, 31),
    )
    assert (period.due_on, period.closes_on) == (date(2025, 12, 15), date(2026, 1, 14))
    assert (half.due_on, half.label) == (date(2025, 12, 15), "6 tháng cuối năm 2025")


@pytest.mark.parametrize(
    ("key", "code"), [("2025-07", ReportErrorCode.INVALID_PERIOD), ("quý 4", ReportErrorCode.INVALID_PERIOD)]
)
def test_period_open_refuses_a_month_or_garbage(rw: RWorld, key: str, code: ReportErrorCode) -> None:
    with pytest.raises(ReportError) as caught:
        s.report_period_open(key=key, actor=rw.reviewer, at=BEFORE_DUE)
    assert caught.value.code == code
    assert not ReportPeriod.objects.exists()


def test_period_open_refuses_a_closing_date_before_the_deadline_and_a_duplicate(
    rw: RWorld, period: ReportPeriod
) -> None:
    with pytest.raises(ReportError) as caught:
        s.report_period_open(
            key="2026-Q1", due_on=date(2026, 3, 15), closes_on=date(2026, 3, 1), actor=rw.reviewer, at=BEFORE_DUE
        )
    assert "khóa sổ" in caught.value.message
    with pytest.raises(ReportError) as again:
        s.report_period_open(key=KEY, actor=rw.reviewer, at=BEFORE_DUE)
    assert again.value.code == ReportErrorCode.PERIOD_EXISTS
    assert ReportPeriod.objects.count() == 1


def test_start_makes_one_empty_section_per_reform_area_with_one_event(rw: RWorld, period: ReportPeriod) -> None:
    before = _events()
    report = s.agency_report_start(period=period, agency=rw.justice, actor=rw.officer, at=BEFORE_DUE)
    assert report.status == ReportStatus.DRAFT
    assert [sec.area.number for sec in report.sections.order_by("area__number")] == [1, 2, 3, 4, 5, 6]
    assert _events() == before + 1
    assert AuditEvent.objects.order_by("-sequence").first().action == "report.start"


def test_start_is_refused_to_an_officer_of_another_agency(rw: RWorld, period: ReportPeriod) -> None:
    with pytest.raises(ReportError) as caught:
        s.agency_report_start(period=period, agency=rw.justice, actor=rw.commune_officer, at=BEFORE_DUE)
    assert caught.value.code == ReportErrorCode.NOT_PERMITTED
    assert not AgencyReport.objects.exists()


def test_submit_with_an_empty_area_is_refused_and_changes_nothing(rw: RWorld, period: ReportPeriod) -> None:
    # given a draft with area 3 left empty
    report = s.agency_report_start(period=period, agency=rw.justice, actor=rw.officer, at=BEFORE_DUE)
    content = filled(report)
    area3 = report.sections.get(area__number=3).area_id
    sections = dict(content.sections)
    sections[area3] = s.SectionInput(work_done="  ", results="")
    before = _events()
    # when
    with pytest.raises(ReportError) as caught:
        s.agency_report_submit(
            report=report, content=s.ReportContent(sections=sections), actor=rw.officer, at=BEFORE_DUE
        )
    # then
    assert caught.value.code == ReportErrorCode.MISSING_AREA_TEXT
    assert "3. Cải cách tổ chức bộ máy hành chính nhà nước" in caught.value.message
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    assert not report.sections.exclude(results="").exists()  # the other areas' texts were not saved either
    assert _events() == before


def test_submit_on_time_freezes_the_engine_figures(rw: RWorld, period: ReportPeriod) -> None:
    # when
    report = sent_report(rw, period)
    # then
    assert (report.status, report.timeliness, report.submissions) == (ReportStatus.SUBMITTED, Timeliness.ON_TIME, 1)
    expected = indicators_compute(period=period_parse(KEY), scope=Scope(agency=rw.justice.code), at=BEFORE_DUE)
    on_time = next(row for row in report.figures if row["code"] == "PROGRESS_ON_TIME")
    result = expected.results["PROGRESS_ON_TIME"]
    assert (on_time["numerator"], on_time["denominator"]) == (result.numerator, result.denominator)
    assert result.denominator
    assert result.denominator > 0
    assert report.sections.get(area__number=1).results == f"Kết quả 1 {rw.justice.name}"
    assert AuditEvent.objects.order_by("-sequence").first().action == "report.submit"


def test_submit_after_the_deadline_is_late_and_after_closing_is_refused(rw: RWorld, period: ReportPeriod) -> None:
    late = sent_report(rw, period, at=AFTER_DUE)
    assert late.timeliness == Timeliness.LATE
    draft = s.agency_report_start(period=period, agency=rw.commune, actor=rw.commune_officer, at=AFTER_DUE)
    before = _events()
    with pytest.raises(ReportError) as caught:
        s.agency_report_submit(report=draft, content=filled(draft), actor=rw.commune_officer, at=AFTER_CLOSE)
    assert caught.value.code == ReportErrorCode.PERIOD_CLOSED
    assert "đã khóa sổ" in caught.value.message
    draft.refresh_from_db()
    assert (draft.status, draft.timeliness, draft.submitted_at) == (ReportStatus.DRAFT, Timeliness.MISSING, None)
    assert _events() == before


def test_manual_figures_only_where_the_platform_has_no_data(rw: RWorld, period: ReportPeriod) -> None:
    report = s.agency_report_start(period=period, agency=rw.justice, actor=rw.officer, at=BEFORE_DUE)
    with pytest.raises(ReportError) as computed:
        s.agency_report_save(
            report=report,
            content=s.ReportContent(figures={"PROGRESS_ON_TIME": s.FigureInput(1, 2)}),
            actor=rw.officer,
            at=BEFORE_DUE,
        )
    assert computed.value.code == ReportErrorCode.FIGURE_NOT_MANUAL
    with pytest.raises(ReportError) as ratio:
        s.agency_report_save(
            report=report,
            content=s.ReportContent(figures={"SYNCED_WITH_DVCQG_PERSONAL_STORAGE": s.FigureInput(5, 4)}),
            actor=rw.officer,
            at=BEFORE_DUE,
        )
    assert ratio.value.code == ReportErrorCode.INVALID_INPUT
    assert not report.manual_figures.exists()
    # a manual figure is kept and shown with its source in the frozen figures
    s.agency_report_save(
        report=report,
        content=s.ReportContent(
            figures={"SYNCED_WITH_DVCQG_PERSONAL_STORAGE": s.FigureInput(8, 9, "Sổ theo dõi kho dữ liệu cá nhân")}
        ),
        actor=rw.officer,
        at=BEFORE_DUE,
    )
    sent = s.agency_report_submit(report=report, content=filled(report), actor=rw.officer, at=BEFORE_DUE)
    row = next(r for r in sent.figures if r["code"] == "SYNCED_WITH_DVCQG_PERSONAL_STORAGE")
    assert (row["numerator"], row["denominator"], row["percent"], row["manual"]) == (8, 9, "88,89", True)


def test_return_resubmit_accept(rw: RWorld, period: ReportPeriod) -> None:
    report = sent_report(rw, period)
    # the agency's own officer may not return it; a too short reason is refused
    with pytest.raises(ReportError) as not_reviewer:
        s.agency_report_return(report=report, reason="Thiếu số liệu hồ sơ", actor=rw.officer, at=BEFORE_DUE)
    assert not_reviewer.value.code == ReportErrorCode.NOT_PERMITTED
    with pytest.raises(ReportError) as short:
        s.agency_report_return(report=report, reason="Thiếu", actor=rw.reviewer, at=BEFORE_DUE)
    assert short.value.code == ReportErrorCode.INVALID_INPUT
    # returned with a reason
    returned = s.agency_report_return(
        report=report, reason="Bổ sung nguyên nhân hồ sơ trễ hạn", actor=rw.reviewer, at=AFTER_DUE
    )
    assert (returned.status, returned.return_reason) == (ReportStatus.RETURNED, "Bổ sung nguyên nhân hồ sơ trễ hạn")
    # a returned report cannot be accepted
    with pytest.raises(ReportError) as wrong:
        s.agency_report_accept(report=returned, actor=rw.reviewer, at=AFTER_DUE)
    assert wrong.value.code == ReportErrorCode.WRONG_STATE
    assert "Bị trả lại" in wrong.value.message
    # resubmitted after the deadline: still judged on the first submission
    again = s.agency_report_submit(report=returned, actor=rw.officer, at=AFTER_DUE + timedelta(days=1))
    assert (again.status, again.timeliness, again.submissions) == (ReportStatus.RESUBMITTED, Timeliness.ON_TIME, 2)
    accepted = s.agency_report_accept(report=again, actor=rw.reviewer, at=AFTER_DUE + timedelta(days=2))
    assert accepted.status == ReportStatus.ACCEPTED
    actions = list(AuditEvent.objects.order_by("-sequence").values_list("action", flat=True)[:4])
    assert actions == ["report.accept", "report.resubmit", "report.return", "report.submit"]
    with pytest.raises(ReportError):
        s.agency_report_save(report=accepted, content=filled(accepted), actor=rw.officer, at=AFTER_DUE)


def _signed(report: ProvinceReport, name: str = "Trần Hòa Nam") -> ProvinceReport:
    report.signer_name = name
    report.save(update_fields=["signer_name"])
    return report


def test_province_report_is_not_issued_without_the_signers_full_name(rw: RWorld, period: ReportPeriod) -> None:
    # given: a draft whose signer has a title but no name (the default)
    report = s.province_report_prepare(period=period, actor=rw.reviewer, at=AFTER_DUE)
    assert report.signer_name == ""
    # when
    with pytest.raises(ReportError) as unsigned:
        s.province_report_issue(report=report, actor=rw.reviewer, at=AFTER_DUE)
    # then: a clear error, nothing issued, nothing entered in the register
    assert unsigned.value.code == ReportErrorCode.SIGNER_REQUIRED
    assert "họ và tên người ký" in unsigned.value.message
    report.refresh_from_db()
    assert (report.status, report.number) == (ProvinceReportStatus.DRAFT, None)
    assert not DocumentRegisterEntry.objects.exists()


def test_province_report_number_comes_from_the_committees_register(rw: RWorld, period: ReportPeriod) -> None:
    # given: Ủy ban nhân dân tỉnh already issued three documents in 2025 (a công văn, a plan, a decision)
    committee = Agency.objects.valid_on(AFTER_DUE.date()).get(code="ubnd-56")
    for type_code in ("", "KH", "QĐ"):
        document_register_issue(
            agency=committee,
            on=date(2025, 12, 1),
            type_code=type_code,
            subject="Văn bản khác của UBND tỉnh",
            signer_name="Nguyễn Văn An",
            signer_title="CHỦ TỊCH",
            actor=None,
            at=AFTER_DUE,
        )
    report = _signed(s.province_report_prepare(period=period, actor=rw.reviewer, at=AFTER_DUE))
    # when: the văn thư asks for number 2, then lets the register give the next one
    with pytest.raises(ReportError) as taken:
        s.province_report_issue(report=report, number=2, actor=rw.reviewer, at=AFTER_DUE)
    issued = s.province_report_issue(report=report, actor=rw.reviewer, at=AFTER_DUE)
    # then: number 04 of the committee's series for 2025, recorded in its register with the signer
    assert taken.value.code == ReportErrorCode.NUMBER_TAKEN
    assert (issued.number, issued.year) == (4, 2025)
    entry = issued.register_entry
    assert entry is not None
    assert (entry.agency_id, entry.number_text, entry.signer_name) == (committee.pk, "04/BC-UBND", "Trần Hòa Nam")
    assert entry.signer_title.splitlines() == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]


def test_province_report_is_synthesised_from_accepted_reports_and_frozen_when_issued(
    rw: RWorld, period: ReportPeriod
) -> None:
    # given: Sở Tư pháp accepted, the commune only submitted
    justice = s.agency_report_accept(report=sent_report(rw, period), actor=rw.reviewer, at=AFTER_DUE)
    sent_report(rw, period, agency=rw.commune)
    # when
    report = s.province_report_prepare(period=period, actor=rw.reviewer, at=AFTER_DUE)
    # then: the synthesis names the accepted agency only
    area2 = report.sections.get(area__number=2)
    assert area2.results.startswith(f"- {rw.justice.name}: Triển khai cải cách thủ tục hành chính")
    assert f"Khó khăn 2 {rw.justice.name}" in area2.difficulties
    assert rw.commune.name not in area2.results
    assert report.subject == "Kết quả thực hiện công tác cải cách hành chính quý IV năm 2025"
    assert "2/" in report.direction
    assert "1 báo cáo đã được Sở Nội vụ tiếp nhận" in report.direction
    assert justice.status == ReportStatus.ACCEPTED
    # issue: number 01 of the year, frozen
    issued = s.province_report_issue(report=_signed(report), actor=rw.reviewer, at=AFTER_DUE)
    assert (issued.status, issued.number, issued.year, issued.issued_on) == (
        ProvinceReportStatus.ISSUED,
        1,
        2025,
        date(2025, 12, 20),
    )
    assert issued.figures["units"][0]["scope_label"] == "Toàn tỉnh"
    with pytest.raises(ReportError) as frozen:
        s.province_report_prepare(period=period, actor=rw.reviewer, at=AFTER_DUE)
    assert frozen.value.code == ReportErrorCode.ISSUED
    assert "01/BC-UBND" in frozen.value.message


def test_province_report_numbers_run_per_year_and_a_taken_number_is_refused(rw: RWorld, period: ReportPeriod) -> None:
    first = s.province_report_issue(
        report=_signed(s.province_report_prepare(period=period, actor=rw.reviewer, at=AFTER_DUE)),
        actor=rw.reviewer,
        at=AFTER_DUE,
    )
    other = s.report_period_open(key="2025-H2", actor=rw.reviewer, at=AFTER_DUE)
    draft = _signed(s.province_report_prepare(period=other, actor=rw.reviewer, at=AFTER_DUE))
    with pytest.raises(ReportError) as taken:
        s.province_report_issue(report=draft, number=first.number, actor=rw.reviewer, at=AFTER_DUE)
    assert taken.value.code == ReportErrorCode.NUMBER_TAKEN
    second = s.province_report_issue(report=draft, actor=rw.reviewer, at=AFTER_DUE)
    assert second.number == 2
    assert ProvinceReport.objects.filter(status=ProvinceReportStatus.ISSUED).count() == 2


def test_province_report_update_requires_a_subject_and_a_reviewer(rw: RWorld, period: ReportPeriod) -> None:
    report = s.province_report_prepare(period=period, actor=rw.reviewer, at=AFTER_DUE)
    content = s.ProvinceContent(
        subject="  ",
        intro="Mở đầu",
        direction="",
        assessment="",
        next_tasks="",
        recipients="- Bộ Nội vụ;",
        signer_name="Nguyễn Văn A",
        signer_title="Phó Chủ tịch",
        signer_prefix="KT. Chủ tịch",
    )
    with pytest.raises(ReportError) as empty:
        s.province_report_update(report=report, content=content, actor=rw.reviewer, at=AFTER_DUE)
    assert empty.value.message == "Vui lòng nhập trích yếu của báo cáo."
    good = s.ProvinceContent(**{**content.__dict__, "subject": "Kết quả CCHC quý IV năm 2025"})
    with pytest.raises(ReportError) as officer:
        s.province_report_update(report=report, content=good, actor=rw.officer, at=AFTER_DUE)
    assert officer.value.code == ReportErrorCode.NOT_PERMITTED
    updated = s.province_report_update(report=report, content=good, actor=rw.reviewer, at=AFTER_DUE)
    assert (updated.subject, updated.signer_title, updated.signer_prefix) == (
        "Kết quả CCHC quý IV năm 2025",
        "PHÓ CHỦ TỊCH",
        "KT. CHỦ TỊCH",
    )
