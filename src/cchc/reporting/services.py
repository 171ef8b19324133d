"""Writes of the periodic CCHC reports: periods, the agencies' reports and the province's consolidated
report. Every service checks all of its input before its first write, runs in one transaction, locks
the row it changes (``select_for_update``: two officers acting at once take turns) and writes exactly one
audit event (``report.<verb>``); a refusal raises :class:`ReportError` and changes nothing.

Legal basis: Nghị định 09/2019/NĐ-CP on the reporting regime of state administrative agencies (periodic
reports, cut-off dates, the receiving agency consolidates); the Bộ Nội vụ guidance on the content of CCHC
reports (per reform area: results, difficulties and proposals, with figures); program QĐ 4831/QĐ-UBND
section V (the agencies report to Sở Nội vụ, which consolidates the province's report for UBND tỉnh);
Nghị định 30/2020/NĐ-CP for the consolidated report as an administrative document (number, date).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from cchc.audit.services import audit_record, audit_snapshot
from cchc.common.numbers import vi_number
from cchc.indicators.periods import VN_TZ
from cchc.org.constants import RegisterError, RegisterErrorCode
from cchc.org.models import Agency
from cchc.org.services import document_register_issue
from cchc.program.models import Program
from cchc.program.selectors import program_get_latest
from cchc.reporting.constants import (
    ALLOWED,
    DOCUMENT_SYMBOL,
    PROVINCE_COMMITTEE,
    ProvinceReportStatus,
    ReportAction,
    ReportError,
    ReportErrorCode,
    ReportStatus,
    Timeliness,
)
from cchc.reporting.documents.content import period_words
from cchc.reporting.models import (
    AgencyReport,
    AgencyReportSection,
    ManualFigure,
    ProvinceReport,
    ProvinceReportSection,
    ReportPeriod,
)
from cchc.reporting.selectors import (
    MANUAL_CODES,
    accepted_reports,
    agency_figures,
    compliance_for_period,
    figures_moment,
    period_defaults,
    province_units,
    report_scope,
    units_as_data,
)

TEXT_MAX = 20_000
REASON_MIN = 10
PERIOD_FIELDS = ["key", "kind", "first_day", "last_day", "due_on", "closes_on", "note"]
REPORT_FIELDS = [
    "period",
    "agency",
    "status",
    "timeliness",
    "submissions",
    "first_submitted_at",
    "submitted_at",
    "returned_at",
    "return_reason",
    "accepted_at",
]
PROVINCE_FIELDS = [
    "period",
    "status",
    "number",
    "year",
    "issued_on",
    "issued_at",
    "subject",
    "signer_name",
    "signer_title",
    "figures_at",
]


# --- inputs -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SectionInput:
    """The four texts of one reform area."""

    work_done: str = ""
    results: str = ""
    difficulties: str = ""
    proposals: str = ""


@dataclass(frozen=True)
class FigureInput:
    numerator: int
    denominator: int
    note: str = ""


@dataclass(frozen=True)
class ReportContent:
    """What the agency's form sends: texts per area (by area id), manual figures (by indicator code; None
    clears one) and the general assessment."""

    sections: dict[int, SectionInput] = field(default_factory=dict)
    figures: dict[str, FigureInput | None] = field(default_factory=dict)
    general: str = ""


@dataclass(frozen=True)
class ProvinceContent:
    subject: str
    intro: str
    direction: str
    assessment: str
    next_tasks: str
    recipients: str
    signer_name: str
    signer_title: str
    signer_prefix: str
    sections: dict[int, SectionInput] = field(default_factory=dict)  # results, difficulties, proposals


# --- helpers ----------------------------------------------------------------------------------------


def _user(actor: AbstractBaseUser | None) -> Any:
    """The actor for a user foreign key (typed as the project's concrete user model by the stubs)."""
    return actor


def _invalid(message: str) -> ReportError:
    return ReportError(ReportErrorCode.INVALID_INPUT, message)


def _check_at(at: datetime) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise _invalid("Thời điểm phải có múi giờ.")


def _day(at: datetime) -> date:
    return at.astimezone(VN_TZ).date()


def _text(value: str, *, label: str, maximum: int = TEXT_MAX) -> str:
    text = (value or "").replace("\r\n", "\n").strip()
    if len(text) > maximum:
        raise _invalid(f"{label[0].upper()}{label[1:]} tối đa {vi_number(maximum)} ký tự.")
    return text


def _check_state(report: AgencyReport, action: ReportAction) -> None:
    if ReportStatus(report.status) not in ALLOWED[action]:
        raise ReportError(
            ReportErrorCode.WRONG_STATE,
            f"Không thể {action.label} khi báo cáo đang ở trạng thái «{ReportStatus(report.status).label}».",
        )


def _check_writer(actor: AbstractBaseUser | None, agency_id: int, at: datetime) -> None:
    if not report_scope(user=actor, on=_day(at)).may_write(agency_id):
        raise ReportError(
            ReportErrorCode.NOT_PERMITTED,
            "Bạn không được giao lập báo cáo của cơ quan này (cần được phân công tại cơ quan).",
        )


def _check_reviewer(actor: AbstractBaseUser | None, at: datetime) -> None:
    if not report_scope(user=actor, on=_day(at)).reviewer:
        raise ReportError(
            ReportErrorCode.NOT_PERMITTED, "Chỉ cán bộ Sở Nội vụ được xem xét, tổng hợp báo cáo cải cách hành chính."
        )


def _check_open(period: ReportPeriod, at: datetime) -> None:
    if period.is_closed(at):
        raise ReportError(
            ReportErrorCode.PERIOD_CLOSED,
            f"Kỳ báo cáo {period.label} đã khóa sổ từ hết ngày {period.closes_on:%d/%m/%Y}: hệ thống không nhận "
            "báo cáo của kỳ này nữa. Liên hệ Sở Nội vụ nếu cần gia hạn.",
        )


def _lock_report(report: AgencyReport) -> AgencyReport:
    return AgencyReport.objects.select_for_update().select_related("period", "agency").get(pk=report.pk)


def _report_state(report: AgencyReport) -> dict[str, Any]:
    state = audit_snapshot(report, REPORT_FIELDS)
    state["sections"] = {
        str(s.area_id): [s.work_done, s.results, s.difficulties, s.proposals]
        for s in AgencyReportSection.objects.filter(report=report).order_by("area_id")
    }
    state["manual_figures"] = {
        m.code: [m.numerator, m.denominator, m.note] for m in ManualFigure.objects.filter(report=report)
    }
    state["general"] = report.general
    return state


def _audit(
    target: Any,
    action: str,
    actor: AbstractBaseUser | None,
    before: dict[str, Any] | None,
    after: dict[str, Any],
    at: datetime,
) -> None:
    audit_record(actor=actor, action=f"report.{action}", target=target, before=before, after=after, at=at)


def _validated_content(report: AgencyReport, content: ReportContent) -> ReportContent:
    area_ids = set(report.program.areas.values_list("pk", flat=True))
    unknown = set(content.sections) - area_ids
    if unknown:
        raise _invalid("Nội dung cải cách không thuộc chương trình của báo cáo.")
    sections = {
        area_id: SectionInput(
            work_done=_text(s.work_done, label="công việc đã triển khai"),
            results=_text(s.results, label="kết quả đạt được"),
            difficulties=_text(s.difficulties, label="khó khăn, vướng mắc"),
            proposals=_text(s.proposals, label="đề xuất, kiến nghị"),
        )
        for area_id, s in content.sections.items()
    }
    figures: dict[str, FigureInput | None] = {}
    for code, figure in content.figures.items():
        if code not in MANUAL_CODES:
            raise ReportError(
                ReportErrorCode.FIGURE_NOT_MANUAL,
                f"Chỉ số «{code}» được tính tự động từ dữ liệu của hệ thống, không nhập tay được.",
            )
        if figure is None:
            figures[code] = None
            continue
        if figure.numerator < 0 or figure.denominator < 0:
            raise _invalid("Số liệu nhập tay phải là số không âm.")
        if figure.numerator > figure.denominator:
            raise _invalid(
                f"Chỉ số «{code}»: tử số ({figure.numerator}) không được lớn hơn mẫu số ({figure.denominator})."
            )
        figures[code] = FigureInput(
            figure.numerator, figure.denominator, _text(figure.note, label="ghi chú", maximum=500)
        )
    return ReportContent(sections=sections, figures=figures, general=_text(content.general, label="đánh giá chung"))


def _apply_content(report: AgencyReport, content: ReportContent) -> None:
    for section in AgencyReportSection.objects.filter(report=report, area_id__in=list(content.sections)):
        new = content.sections[section.area_id]
        section.work_done, section.results = new.work_done, new.results
        section.difficulties, section.proposals = new.difficulties, new.proposals
        section.save(update_fields=["work_done", "results", "difficulties", "proposals"])
    for code, figure in content.figures.items():
        if figure is None:
            ManualFigure.objects.filter(report=report, code=code).delete()
        else:
            ManualFigure.objects.update_or_create(
                report=report,
                code=code,
                defaults={"numerator": figure.numerator, "denominator": figure.denominator, "note": figure.note},
            )
    report.general = content.general


def _missing_areas(report: AgencyReport, content: ReportContent | None) -> list[str]:
    """The areas whose mandatory texts (work done, results) are empty after applying ``content``."""
    missing = []
    for section in AgencyReportSection.objects.filter(report=report).select_related("area").order_by("area__number"):
        new = content.sections.get(section.area_id) if content is not None else None
        work_done = new.work_done if new is not None else section.work_done
        results = new.results if new is not None else section.results
        if not work_done.strip() or not results.strip():
            missing.append(f"{section.area.number}. {section.area.name}")
    return missing


# --- periods ----------------------------------------------------------------------------------------


@transaction.atomic
def report_period_open(
    *,
    key: str,
    due_on: date | None = None,
    closes_on: date | None = None,
    note: str = "",
    actor: AbstractBaseUser | None,
    at: datetime,
) -> ReportPeriod:
    """Open a reporting period (quarter, half-year, year). Deadline and closing date default to the 15th
    of the period's last month and 30 days later (see :mod:`cchc.reporting.constants`); the closing date
    may not precede the deadline. Legal basis: NĐ 09/2019/NĐ-CP Điều 12 (cut-off dates)."""
    _check_at(at)
    defaults = period_defaults(key=key)
    due = due_on or defaults.due_on
    closes = closes_on or max(defaults.closes_on, due)
    if closes < due:
        raise _invalid("Ngày khóa sổ phải từ hạn gửi báo cáo trở về sau.")
    if due < defaults.first_day:
        raise _invalid("Hạn gửi báo cáo không được trước ngày đầu kỳ.")
    if ReportPeriod.objects.filter(key=defaults.key).exists():
        raise ReportError(ReportErrorCode.PERIOD_EXISTS, f"Kỳ báo cáo {defaults.key} đã được mở.")
    period = ReportPeriod.objects.create(
        key=defaults.key,
        kind=defaults.kind,
        first_day=defaults.first_day,
        last_day=defaults.last_day,
        due_on=due,
        closes_on=closes,
        note=_text(note, label="ghi chú", maximum=300),
        created_at=at,
    )
    _audit(period, "period_open", actor, None, audit_snapshot(period, PERIOD_FIELDS), at)
    return period


@transaction.atomic
def report_period_set_deadlines(
    *, period: ReportPeriod, due_on: date, closes_on: date, note: str = "", actor: AbstractBaseUser | None, at: datetime
) -> ReportPeriod:
    """Change a period's deadline and closing date (the admin form). Rule: the closing date is not before
    the deadline; reports already sent keep the on-time / late judgement made when they were sent."""
    _check_at(at)
    if closes_on < due_on:
        raise _invalid("Ngày khóa sổ phải từ hạn gửi báo cáo trở về sau.")
    locked = ReportPeriod.objects.select_for_update().get(pk=period.pk)
    before = audit_snapshot(locked, PERIOD_FIELDS)
    locked.due_on, locked.closes_on, locked.note = due_on, closes_on, _text(note, label="ghi chú", maximum=300)
    locked.save(update_fields=["due_on", "closes_on", "note"])
    _audit(locked, "period_deadlines", actor, before, audit_snapshot(locked, PERIOD_FIELDS), at)
    return locked


# --- the agency's report ------------------------------------------------------------------------------


@transaction.atomic
def agency_report_start(
    *,
    period: ReportPeriod,
    agency: Agency,
    actor: AbstractBaseUser | None,
    at: datetime,
    program: Program | None = None,
) -> AgencyReport:
    """Start an agency's report for a period: a draft with one empty section per reform area of the
    program (the latest imported one by default). Refused when the period is closed, when the officer
    does not act for the agency, or when the agency already has a report for the period."""
    _check_at(at)
    _check_writer(actor, agency.pk, at)
    _check_open(period, at)
    program = program or program_get_latest()
    if program is None:
        raise ReportError(ReportErrorCode.NO_PROGRAM, "Chưa nhập Chương trình CCHC nên chưa có nội dung để báo cáo.")
    if AgencyReport.objects.filter(period=period, agency=agency).exists():
        raise ReportError(ReportErrorCode.ALREADY_EXISTS, f"{agency.name} đã có báo cáo {period.label}.")
    report = AgencyReport.objects.create(
        period=period, agency=agency, program=program, created_at=at, created_by=_user(actor), updated_at=at
    )
    AgencyReportSection.objects.bulk_create(
        [AgencyReportSection(report=report, area=area) for area in program.areas.order_by("number")]
    )
    _audit(report, "start", actor, None, _report_state(report), at)
    return report


@transaction.atomic
def agency_report_save(
    *, report: AgencyReport, content: ReportContent, actor: AbstractBaseUser | None, at: datetime
) -> AgencyReport:
    """Save the draft (or a returned report being corrected): texts may be empty until it is sent; manual
    figures only for the indicators the platform cannot compute, with numerator ≤ denominator."""
    _check_at(at)
    locked = _lock_report(report)
    _check_writer(actor, locked.agency_id, at)
    _check_state(locked, ReportAction.SAVE)
    clean = _validated_content(locked, content)
    before = _report_state(locked)
    _apply_content(locked, clean)
    locked.updated_at = at
    locked.save(update_fields=["general", "updated_at"])
    _audit(locked, "save", actor, before, _report_state(locked), at)
    return locked


@transaction.atomic
def agency_report_submit(
    *, report: AgencyReport, content: ReportContent | None = None, actor: AbstractBaseUser | None, at: datetime
) -> AgencyReport:
    """Send the report to Sở Nội vụ (with the form's latest ``content``, saved in the same step).

    Rules: only a draft or a returned report is sent; not after the period's closing date; every reform
    area needs its work done and its results written; the indicator figures are computed by the engine
    and frozen into the report. The first submission decides on time (by the end of the deadline day,
    Vietnam time) or late; a resubmission after a return keeps that judgement.
    """
    _check_at(at)
    locked = _lock_report(report)
    _check_writer(actor, locked.agency_id, at)
    _check_state(locked, ReportAction.SUBMIT)
    _check_open(locked.period, at)
    clean = _validated_content(locked, content) if content is not None else None
    missing = _missing_areas(locked, clean)
    if missing:
        raise ReportError(
            ReportErrorCode.MISSING_AREA_TEXT,
            "Chưa nhập công việc đã triển khai và kết quả đạt được của: " + "; ".join(missing) + ".",
        )
    before = _report_state(locked)
    if clean is not None:
        _apply_content(locked, clean)
    manual = list(ManualFigure.objects.filter(report=locked))
    rows = agency_figures(agency=locked.agency, period=locked.period, at=at, manual=manual)
    returned = locked.status == ReportStatus.RETURNED
    locked.status = ReportStatus.RESUBMITTED if returned else ReportStatus.SUBMITTED
    if locked.first_submitted_at is None:
        locked.first_submitted_at = at
        locked.timeliness = Timeliness.ON_TIME if at < locked.period.due_end else Timeliness.LATE
    locked.submitted_at, locked.submitted_by = at, _user(actor)
    locked.submissions += 1
    locked.figures = [row.as_dict() for row in rows]
    locked.figures_at = figures_moment(period=locked.period, at=at)
    locked.updated_at = at
    locked.save()
    _audit(locked, "resubmit" if returned else "submit", actor, before, _report_state(locked), at)
    return locked


@transaction.atomic
def agency_report_return(
    *, report: AgencyReport, reason: str, actor: AbstractBaseUser | None, at: datetime
) -> AgencyReport:
    """Sở Nội vụ returns a sent report with a reason (at least 10 characters); the agency corrects and
    sends it again."""
    _check_at(at)
    _check_reviewer(actor, at)
    text = _text(reason, label="lý do trả lại", maximum=5000)
    if len(text) < REASON_MIN:
        raise _invalid(f"Vui lòng ghi rõ lý do trả lại (ít nhất {REASON_MIN} ký tự).")
    locked = _lock_report(report)
    _check_state(locked, ReportAction.RETURN)
    before = _report_state(locked)
    locked.status = ReportStatus.RETURNED
    locked.returned_at, locked.returned_by, locked.return_reason = at, _user(actor), text
    locked.updated_at = at
    locked.save(update_fields=["status", "returned_at", "returned_by", "return_reason", "updated_at"])
    _audit(locked, "return", actor, before, _report_state(locked), at)
    return locked


@transaction.atomic
def agency_report_accept(*, report: AgencyReport, actor: AbstractBaseUser | None, at: datetime) -> AgencyReport:
    """Sở Nội vụ accepts a sent report: it is final and feeds the province's consolidated report."""
    _check_at(at)
    _check_reviewer(actor, at)
    locked = _lock_report(report)
    _check_state(locked, ReportAction.ACCEPT)
    before = _report_state(locked)
    locked.status = ReportStatus.ACCEPTED
    locked.accepted_at, locked.accepted_by = at, _user(actor)
    locked.updated_at = at
    locked.save(update_fields=["status", "accepted_at", "accepted_by", "updated_at"])
    _audit(locked, "accept", actor, before, _report_state(locked), at)
    return locked


# --- the province's consolidated report -----------------------------------------------------------------

DEFAULT_RECIPIENTS = (
    "- Bộ Nội vụ;\n"
    "- Thường trực Tỉnh ủy;\n"
    "- Thường trực HĐND tỉnh;\n"
    "- Chủ tịch, các PCT UBND tỉnh;\n"
    "- Các sở, ban, ngành thuộc tỉnh;\n"
    "- UBND các xã, phường, đặc khu;\n"
    "- Lưu: VT, SNV."
)
DEFAULT_NEXT_TASKS = (
    "Tiếp tục triển khai đồng bộ các nhiệm vụ của Chương trình cải cách hành chính và Kế hoạch cải cách hành "
    "chính năm; đẩy mạnh cung cấp dịch vụ công trực tuyến, số hóa hồ sơ, kết quả giải quyết thủ tục hành chính; "
    "tăng cường kiểm tra, đôn đốc việc giải quyết hồ sơ đúng hạn và xử lý phản ánh, kiến nghị của người dân, "
    "doanh nghiệp."
)


def _lines(reports: list[AgencyReport], area_id: int, *fields: str) -> str:
    lines = []
    for report in reports:
        section = next((s for s in report.sections.all() if s.area_id == area_id), None)
        if section is None:
            continue
        parts = [" ".join(getattr(section, name).split()) for name in fields]
        text = " ".join(p.rstrip(".") + "." for p in parts if p)
        if text:
            lines.append(f"- {report.agency.name}: {text}")
    return "\n".join(lines)


def _province_subject(period: ReportPeriod) -> str:
    return f"Kết quả thực hiện công tác cải cách hành chính {period_words(period)}"


def _prefill(period: ReportPeriod, program: Program, at: datetime) -> tuple[dict[str, str], dict[int, SectionInput]]:
    reports = accepted_reports(period=period)
    compliance = compliance_for_period(period=period, at=at)
    counts = compliance.counts
    sent = counts[Timeliness.ON_TIME] + counts[Timeliness.LATE]
    missing = [row.agency.name for row in compliance.rows if row.timeliness == Timeliness.MISSING]
    direction = (
        f"Ủy ban nhân dân tỉnh chỉ đạo các cơ quan, đơn vị, địa phương báo cáo kết quả cải cách hành chính "
        f"{period.label}; hạn gửi báo cáo về Sở Nội vụ là ngày {period.due_on:%d/%m/%Y}. Đến nay có {sent}/"
        f"{compliance.expected} cơ quan, đơn vị, địa phương đã gửi báo cáo ({counts[Timeliness.ON_TIME]} đúng hạn, "
        f"{counts[Timeliness.LATE]} trễ hạn), {len(reports)} báo cáo đã được Sở Nội vụ tiếp nhận."
    )
    if missing:
        shown = ", ".join(missing[:12]) + (f" và {len(missing) - 12} đơn vị khác" if len(missing) > 12 else "")
        direction += f" Còn {len(missing)} cơ quan, đơn vị chưa gửi báo cáo: {shown}."
    general = "\n".join(f"- {r.agency.name}: {' '.join(r.general.split())}" for r in reports if r.general.strip())
    texts = {
        "subject": _province_subject(period),
        "intro": (
            f"Thực hiện {program.title} (ban hành kèm theo Quyết định số {program.number} ngày "
            f"{program.issued_on:%d/%m/%Y} của Ủy ban nhân dân tỉnh), trên cơ sở báo cáo của các cơ quan, đơn vị, "
            f"địa phương và số liệu trên Hệ thống thông tin giải quyết thủ tục hành chính của tỉnh, Ủy ban nhân "
            f"dân tỉnh báo cáo kết quả thực hiện công tác cải cách hành chính {period.label} như sau:"
        ),
        "direction": direction,
        "assessment": general,
        "next_tasks": DEFAULT_NEXT_TASKS,
        "recipients": DEFAULT_RECIPIENTS,
    }
    sections = {
        area.pk: SectionInput(
            results=_lines(reports, area.pk, "work_done", "results"),
            difficulties=_lines(reports, area.pk, "difficulties"),
            proposals=_lines(reports, area.pk, "proposals"),
        )
        for area in program.areas.order_by("number")
    }
    return texts, sections


def _province_state(report: ProvinceReport) -> dict[str, Any]:
    state = audit_snapshot(report, PROVINCE_FIELDS)
    for name in ("intro", "direction", "assessment", "next_tasks", "recipients"):
        state[name] = getattr(report, name)
    state["sections"] = {
        str(s.area_id): [s.results, s.difficulties, s.proposals]
        for s in ProvinceReportSection.objects.filter(report=report).order_by("area_id")
    }
    return state


def _check_draft(report: ProvinceReport) -> None:
    if report.status == ProvinceReportStatus.ISSUED:
        raise ReportError(
            ReportErrorCode.ISSUED,
            f"Báo cáo số {report.number:02d}/{DOCUMENT_SYMBOL} đã ban hành: nội dung và số liệu không sửa được nữa.",
        )


@transaction.atomic
def province_report_prepare(*, period: ReportPeriod, actor: AbstractBaseUser | None, at: datetime) -> ProvinceReport:
    """Draft (or re-draft) the province's consolidated report for a period: per reform area, the results,
    difficulties and proposals of the accepted agency reports, each line naming its agency; the direction
    paragraph with who reported on time, late or not at all; figures computed at ``at`` (capped at the end
    of the period). Re-drafting overwrites the texts with a fresh synthesis; an issued report is frozen.
    ``actor`` None: the command line (``cchc report generate``)."""
    _check_at(at)
    if actor is not None:
        _check_reviewer(actor, at)
    existing = ProvinceReport.objects.select_for_update().filter(period=period).first()
    if existing is not None:
        _check_draft(existing)
    program = existing.program if existing is not None else program_get_latest()
    if program is None:
        raise ReportError(ReportErrorCode.NO_PROGRAM, "Chưa nhập Chương trình CCHC nên chưa có nội dung để báo cáo.")
    texts, sections = _prefill(period, program, at)
    before = _province_state(existing) if existing is not None else None
    moment = figures_moment(period=period, at=at)
    if existing is None:
        report = ProvinceReport.objects.create(
            period=period, program=program, figures_at=moment, created_at=at, updated_at=at, **texts
        )
    else:
        report = existing
        for name, value in texts.items():
            setattr(report, name, value)
        report.figures_at, report.updated_at = moment, at
        report.save()
    for area_id, section in sections.items():
        ProvinceReportSection.objects.update_or_create(
            report=report,
            area_id=area_id,
            defaults={"results": section.results, "difficulties": section.difficulties, "proposals": section.proposals},
        )
    _audit(report, "province_prepare", actor, before, _province_state(report), at)
    return report


@transaction.atomic
def province_report_update(
    *, report: ProvinceReport, content: ProvinceContent, actor: AbstractBaseUser | None, at: datetime
) -> ProvinceReport:
    """Sở Nội vụ edits the draft before it is issued. The subject and the signer's title are mandatory."""
    _check_at(at)
    _check_reviewer(actor, at)
    subject = " ".join(content.subject.split())
    if not subject:
        raise _invalid("Vui lòng nhập trích yếu của báo cáo.")
    if len(subject) > 500:
        raise _invalid("Trích yếu tối đa 500 ký tự.")
    if not content.signer_title.strip():
        raise _invalid("Vui lòng nhập chức vụ người ký.")
    locked = ProvinceReport.objects.select_for_update().get(pk=report.pk)
    _check_draft(locked)
    area_ids = set(ProvinceReportSection.objects.filter(report=locked).values_list("area_id", flat=True))
    if set(content.sections) - area_ids:
        raise _invalid("Nội dung cải cách không thuộc báo cáo.")
    texts = {
        "intro": _text(content.intro, label="mở đầu"),
        "direction": _text(content.direction, label="công tác chỉ đạo, điều hành"),
        "assessment": _text(content.assessment, label="đánh giá chung"),
        "next_tasks": _text(content.next_tasks, label="phương hướng, nhiệm vụ"),
        "recipients": _text(content.recipients, label="nơi nhận", maximum=3000),
        "signer_name": " ".join(content.signer_name.split())[:200],
        "signer_title": " ".join(content.signer_title.split()).upper()[:100],
        "signer_prefix": " ".join(content.signer_prefix.split()).upper()[:100],
    }
    sections = {
        area_id: SectionInput(
            results=_text(s.results, label="kết quả"),
            difficulties=_text(s.difficulties, label="tồn tại, hạn chế"),
            proposals=_text(s.proposals, label="đề xuất, kiến nghị"),
        )
        for area_id, s in content.sections.items()
    }
    before = _province_state(locked)
    locked.subject = subject
    for name, value in texts.items():
        setattr(locked, name, value)
    locked.updated_at = at
    locked.save()
    for section in ProvinceReportSection.objects.filter(report=locked, area_id__in=list(sections)):
        new = sections[section.area_id]
        section.results, section.difficulties, section.proposals = new.results, new.difficulties, new.proposals
        section.save(update_fields=["results", "difficulties", "proposals"])
    _audit(locked, "province_update", actor, before, _province_state(locked), at)
    return locked


@transaction.atomic
def province_report_issue(
    *,
    report: ProvinceReport,
    number: int | None = None,
    issued_on: date | None = None,
    actor: AbstractBaseUser | None,
    at: datetime,
) -> ProvinceReport:
    """Issue the consolidated report: it takes its number from the register of outgoing documents of the
    Ủy ban nhân dân tỉnh (the next free one, or the one the văn thư gives) and its date (default: the
    day of ``at``); its content and figures are frozen.

    legal: NĐ 30/2020/NĐ-CP Điều 15: the number is the issuing body's, in one series per year from 01 on
    1 January, shared with every other document the committee issues (``cchc.org.services.
    document_register_issue``), not a series of the application's reports; Điều 8 khoản 2: the signer's
    position and full name are required elements, so a report without the signer's name is refused.
    """
    _check_at(at)
    if actor is not None:
        _check_reviewer(actor, at)
    locked = ProvinceReport.objects.select_for_update().select_related("period").get(pk=report.pk)
    _check_draft(locked)
    day = issued_on or _day(at)
    if number is not None and number < 1:
        raise _invalid("Số văn bản phải là số nguyên dương.")
    if not locked.signer_title.strip():
        raise _invalid("Vui lòng nhập chức vụ người ký trước khi ban hành.")
    if not " ".join(locked.signer_name.split()):
        raise ReportError(
            ReportErrorCode.SIGNER_REQUIRED,
            "Vui lòng nhập họ và tên người ký trước khi ban hành (Nghị định 30/2020/NĐ-CP, Điều 8 khoản 2).",
        )
    issuer = _issuing_committee(day)
    title = [locked.signing_authority, locked.signer_prefix, locked.signer_title]
    try:
        entry = document_register_issue(
            agency=issuer,
            on=day,
            type_code=DOCUMENT_SYMBOL.split("-")[0],
            subject=locked.subject,
            signer_name=locked.signer_name,
            signer_title="\n".join(line for line in title if line.strip()),
            reference=f"reporting.province_report:{locked.pk}",
            number=number,
            actor=actor,
            at=at,
        )
    except RegisterError as error:
        if error.code != RegisterErrorCode.NUMBER_TAKEN:
            raise ReportError(ReportErrorCode.INVALID_INPUT, error.message) from error
        message = (
            f"Số {number or 0:02d}/{DOCUMENT_SYMBOL} năm {day.year} đã dùng trong sổ văn bản đi của {issuer.name}."
        )
        raise ReportError(ReportErrorCode.NUMBER_TAKEN, message) from error
    before = _province_state(locked)
    units = province_units(period=locked.period.period, at=locked.figures_at)
    locked.status = ProvinceReportStatus.ISSUED
    locked.number, locked.year, locked.issued_on = entry.number, entry.year, entry.issued_on
    locked.register_entry = entry
    locked.issued_at, locked.issued_by = at, _user(actor)
    locked.figures = {"at": locked.figures_at.astimezone(VN_TZ).isoformat(), "units": units_as_data(units)}
    locked.updated_at = at
    locked.save()
    _audit(locked, "province_issue", actor, before, _province_state(locked), at)
    return locked


def _issuing_committee(day: date) -> Agency:
    """The Ủy ban nhân dân tỉnh that issues the report on ``day`` (the record valid that day)."""
    committees = Agency.objects.filter(code=PROVINCE_COMMITTEE)
    issuer = committees.valid_on(day).first() or committees.order_by("-valid_from").first()
    if issuer is None:
        raise _invalid("Chưa có Ủy ban nhân dân tỉnh trong danh mục cơ quan: chạy «cchc org load».")
    return issuer
