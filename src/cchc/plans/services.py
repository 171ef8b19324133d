"""Writes of the yearly plans: generation from the program, progress, evidence, comments, review, reminders.

Every service runs in one transaction, locks the assignment row first (``select_for_update``) so two
people cannot act on it at once, checks everything before it writes (a refused call raises
``PlanError`` with a stable code and a Vietnamese message, and changes nothing), writes exactly one
audit event (``cchc.audit.services.audit_record``) and, where there is a thread, one entry in it.

Who may do what (QĐ 4831/QĐ-UBND Khánh Hòa, mục V): the lead agency (cơ quan chủ trì) carries out
and reports its assignments (V.1.đ: "báo cáo Ủy ban nhân dân tỉnh và Sở Nội vụ về tình hình, kết quả
thực hiện"); Sở Nội vụ, the standing agency, follows up, checks and consolidates (V.2.a, V.2.đ:
"theo dõi, kiểm tra, đôn đốc, tổng hợp kết quả thực hiện nhiệm vụ Chương trình"), so it accepts a
reported completion or returns it, adjusts a due date and stops an assignment with a reason.
Coordinating agencies and Sở Nội vụ may comment.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from cchc.accounts.constants import Area
from cchc.accounts.selectors import agency_staff
from cchc.audit.services import audit_record, audit_snapshot
from cchc.common.uploads import FileRejected, file_check, files_written
from cchc.org.models import Agency
from cchc.plans.constants import (
    OPEN_STATUSES,
    AssignmentStatus,
    EntryKind,
    PlanError,
    PlanErrorCode,
    ReminderKind,
)
from cchc.plans.expansion import PlannedItem, due_date, planned_items
from cchc.plans.models import Assignment, AssignmentEntry, AssignmentEvidence, AssignmentReminder, Plan
from cchc.plans.selectors import coordinator_agency, is_coordinator, reminder_days, user_comment_agency, user_leads
from cchc.program.models import Program

SNAPSHOT_FIELDS = ["status", "percent", "due_on", "status_reason", "progress_note", "submitted_at", "accepted_at"]
MAX_TEXT = 5000
MIN_YEAR = 2000
MAX_YEAR = 2100
# a file refused by the platform's check (``FileRejected.reason``) -> this area's code
UPLOAD_CODES = {
    "empty": PlanErrorCode.INVALID_INPUT,
    "too_large": PlanErrorCode.UPLOAD_TOO_LARGE,
    "type": PlanErrorCode.UPLOAD_TYPE_NOT_ALLOWED,
}


def _local_date(at: datetime) -> date:
    return timezone.localdate(at)


def _lock(assignment: Assignment) -> Assignment:
    # concurrency: one change at a time per assignment; the row is read again under the lock
    return Assignment.objects.select_for_update().select_related("lead_agency", "plan").get(pk=assignment.pk)


def _text(value: str, *, label: str, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise PlanError(PlanErrorCode.REASON_REQUIRED, f"Vui lòng nhập {label}.")
    if len(value) > MAX_TEXT:
        raise PlanError(PlanErrorCode.INVALID_INPUT, f"{label.capitalize()} dài quá {MAX_TEXT} ký tự.")
    return value


def _require_lead(user: AbstractBaseUser, assignment: Assignment, today: date) -> Agency:
    if not user_leads(user=user, assignment=assignment, on=today):
        raise PlanError(
            PlanErrorCode.NOT_PERMITTED,
            f"Chỉ cán bộ của cơ quan chủ trì ({assignment.lead_agency.name}) được cập nhật nhiệm vụ này.",
        )
    return assignment.lead_agency


def _require_coordinator(user: AbstractBaseUser, today: date, what: str) -> None:
    if not is_coordinator(user=user, on=today):
        raise PlanError(PlanErrorCode.NOT_PERMITTED, f"Chỉ Sở Nội vụ được {what}.")


def _entry(
    assignment: Assignment,
    *,
    kind: EntryKind,
    user: AbstractBaseUser | None,
    agency: Agency | None,
    body: str,
    at: datetime,
    percent: int | None = None,
) -> AssignmentEntry:
    return AssignmentEntry.objects.create(
        assignment=assignment,
        kind=kind,
        author_id=user.pk if user is not None else None,
        agency=agency,
        body=body,
        percent=percent,
        at=at,
    )


def _audit(
    user: AbstractBaseUser | None, action: str, assignment: Assignment, before: dict[str, Any], at: datetime
) -> None:
    audit_record(
        actor=user,
        action=action,
        target=assignment,
        before=before,
        after=audit_snapshot(assignment, SNAPSHOT_FIELDS),
        at=at,
    )


def _parse_percent(percent: object) -> int:
    try:
        value = int(str(percent).strip())
    except (TypeError, ValueError):
        raise PlanError(PlanErrorCode.INVALID_PERCENT, "Tiến độ phải là một số nguyên từ 0 đến 100.") from None
    if not 0 <= value <= 100:
        raise PlanError(PlanErrorCode.INVALID_PERCENT, f"Tiến độ phải từ 0 đến 100 %, không thể là {value} %.")
    return value


# --- generation ------------------------------------------------------------------------------------


@dataclass
class GenerateResult:
    """What a generation run did (counts of plans and assignments)."""

    year: int
    plans_created: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    kept_started: int = 0
    agencies: set[int] = field(default_factory=set)

    def summary_lines(self) -> list[str]:
        return [
            f"Kế hoạch cải cách hành chính năm {self.year}: {len(self.agencies)} cơ quan "
            f"({self.plans_created} kế hoạch mới).",
            f"  Nhiệm vụ: {self.created} mới, {self.updated} cập nhật, {self.unchanged} không đổi, "
            f"{self.removed} bỏ (không còn trong chương trình, chưa bắt đầu), "
            f"{self.kept_started} giữ lại (không còn trong chương trình nhưng đã thực hiện).",
        ]

    def as_dict(self) -> dict[str, int]:
        return {
            "year": self.year,
            "agencies": len(self.agencies),
            "plans_created": self.plans_created,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "kept_started": self.kept_started,
        }


_DESCRIPTIVE = [
    "source_kind",
    "program_id",
    "appendix_task_id",
    "duty_id",
    "phase_id",
    "area_id",
    "number_label",
    "title",
    "outputs",
    "timeline_text",
    "coordinate_text",
    "origin_agency_id",
    "origin_ref_id",
    "origin_text",
    "role_note",
]


def _descriptive(item: PlannedItem) -> dict[str, Any]:
    return {
        "source_kind": item.kind.value,
        "program_id": item.program.pk,
        "appendix_task_id": item.task.pk if item.task else None,
        "duty_id": item.duty.pk if item.duty else None,
        "phase_id": item.phase.pk if item.phase else None,
        "area_id": item.area_id,
        "number_label": item.number_label,
        "title": item.title,
        "outputs": item.outputs,
        "timeline_text": item.timeline_text,
        "coordinate_text": item.coordinate_text,
        "origin_agency_id": item.origin_agency.pk if item.origin_agency else None,
        "origin_ref_id": item.origin_ref.pk if item.origin_ref else None,
        "origin_text": item.origin_text,
        "role_note": item.role_note,
    }


@transaction.atomic
def plan_generate(*, year: int, at: datetime, actor: AbstractBaseUser | None = None) -> GenerateResult:
    """Create or bring up to date every agency's CCHC plan for ``year`` from the imported programs.

    Rule (QĐ 4831/QĐ-UBND, mục V.1.a: agencies build "kế hoạch hàng năm" from the Program; V.2.d:
    Sở Nội vụ guides it): the items are the appendix tasks active in the year and the section V
    duties, assigned to the agencies in office (see ``cchc.plans.expansion`` for the exact rules).

    Idempotent: a plan is keyed on (year, agency), an item on (plan, program item). Re-running
    updates the descriptive fields (title, outputs, timeline, coordinating agencies, the 2021
    reference) and never duplicates; it never touches status, percent, evidence or thread, and
    keeps a due date Sở Nội vụ adjusted. An item the program no longer makes is removed only while
    nothing was done on it; a started one is kept. One audit event (``plans.generate``) per run.
    """
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PlanError(PlanErrorCode.INVALID_YEAR, f"Năm {year} không hợp lệ.")
    if not Program.objects.exists():
        raise PlanError(
            PlanErrorCode.NO_PROGRAM, "Chưa có chương trình cải cách hành chính nào. Hãy nhập chương trình trước."
        )
    today = _local_date(at)
    result = GenerateResult(year=year)
    wanted = planned_items(year=year, today=today)
    due = due_date(year=year)

    plans = {p.agency_id: p for p in Plan.objects.select_for_update().filter(year=year)}
    for item in wanted:
        result.agencies.add(item.lead.pk)
        if item.lead.pk not in plans:
            plans[item.lead.pk] = Plan.objects.create(year=year, agency=item.lead, generated_at=at, updated_at=at)
            result.plans_created += 1
    Plan.objects.filter(pk__in=[p.pk for p in plans.values()]).update(updated_at=at)

    existing = {
        (a.lead_agency_id, a.source_key): a
        for a in Assignment.objects.select_for_update()
        .filter(year=year)
        .prefetch_related(Prefetch("coordinating_agencies"), Prefetch("coordinating_groups"))
    }
    to_create: list[tuple[Assignment, PlannedItem]] = []
    to_update: list[Assignment] = []
    update_fields = {*_DESCRIPTIVE, "due_on", "updated_at"}
    links: list[tuple[Assignment, PlannedItem]] = []
    for item in wanted:
        values = _descriptive(item)
        current = existing.pop((item.lead.pk, item.key), None)
        if current is None:
            assignment = Assignment(
                plan=plans[item.lead.pk],
                year=year,
                lead_agency=item.lead,
                source_key=item.key,
                due_on=due,
                created_at=at,
                updated_at=at,
                **values,
            )
            to_create.append((assignment, item))
            continue
        changed = any(getattr(current, name) != value for name, value in values.items())
        if not current.due_overridden and not current.is_started and current.due_on != due:
            current.due_on = due
            changed = True
        coordinating_changed = {a.pk for a in current.coordinating_agencies.all()} != set(item.coordinating) or {
            g.pk for g in current.coordinating_groups.all()
        } != set(item.coordinating_groups)
        if changed:
            for name, value in values.items():
                setattr(current, name, value)
            current.updated_at = at
            to_update.append(current)
        if coordinating_changed:
            links.append((current, item))
        if changed or coordinating_changed:
            result.updated += 1
        else:
            result.unchanged += 1
    Assignment.objects.bulk_create([a for a, _ in to_create], batch_size=500)
    result.created = len(to_create)
    if to_update:
        Assignment.objects.bulk_update(to_update, sorted(update_fields), batch_size=500)
    links += to_create
    _set_coordinating(links)

    stale = list(existing.values())
    removable = [a.pk for a in stale if not a.is_started and not a.evidence.exists()]
    result.removed = len(removable)
    result.kept_started = len(stale) - len(removable)
    Assignment.objects.filter(pk__in=removable).delete()

    anchor = Program.objects.order_by("-issued_on", "-pk").first()
    assert anchor is not None  # checked above
    audit_record(actor=actor, action="plans.generate", target=anchor, before=None, after=result.as_dict(), at=at)
    return result


def _set_coordinating(links: list[tuple[Assignment, PlannedItem]]) -> None:
    """Replace the coordinating agencies and groups of ``links`` in four bulk statements."""
    if not links:
        return
    agencies = Assignment.coordinating_agencies.through
    groups = Assignment.coordinating_groups.through
    ids = [a.pk for a, _ in links]
    agencies.objects.filter(assignment_id__in=ids).delete()
    groups.objects.filter(assignment_id__in=ids).delete()
    agencies.objects.bulk_create(
        [agencies(assignment_id=a.pk, agency_id=pk) for a, item in links for pk in item.coordinating], batch_size=1000
    )
    groups.objects.bulk_create(
        [groups(assignment_id=a.pk, agencygroup_id=pk) for a, item in links for pk in item.coordinating_groups],
        batch_size=1000,
    )


# --- progress by the lead agency ------------------------------------------------------------------


@transaction.atomic
def assignment_progress_update(
    *, assignment: Assignment, user: AbstractBaseUser, percent: object, note: str, at: datetime
) -> Assignment:
    """The lead agency records how far it has come (0-100 %) and what was done.

    Rule: only the lead agency's staff (membership valid today) report progress (QĐ 4831, V.1.đ);
    an assignment already reported done, accepted or stopped is not edited this way. A percent
    above 0 puts it "đang thực hiện"; 100 % alone does not finish it (see ``assignment_submit``).
    """
    today = _local_date(at)
    assignment = _lock(assignment)
    agency = _require_lead(user, assignment, today)
    value = _parse_percent(percent)
    note = _text(note, label="nội dung kết quả thực hiện")
    if assignment.status not in OPEN_STATUSES:
        raise PlanError(
            PlanErrorCode.INVALID_TRANSITION,
            f"Nhiệm vụ đang ở tình trạng «{assignment.get_status_display()}», không cập nhật tiến độ được.",
        )
    before = audit_snapshot(assignment, SNAPSHOT_FIELDS)
    assignment.percent = value
    if note:
        assignment.progress_note = note
    if value > 0 or note:
        assignment.status = AssignmentStatus.IN_PROGRESS
    assignment.updated_at = at
    assignment.save(update_fields=["percent", "progress_note", "status", "updated_at"])
    _entry(assignment, kind=EntryKind.PROGRESS, user=user, agency=agency, body=note, percent=value, at=at)
    _audit(user, "plans.assignment.progress", assignment, before, at)
    return assignment


@transaction.atomic
def assignment_evidence_add(
    *, assignment: Assignment, user: AbstractBaseUser, file: Any, description: str = "", at: datetime
) -> AssignmentEvidence:
    """Attach a document proving the work (PDF, JPEG, PNG or .docx, checked by content).

    Rule: the file's type is decided by its content, never by its name (``cchc.common.uploads``,
    the same check as the citizen portal; NĐ 45/2020/NĐ-CP Điều 9 on electronic documents); the
    size limit is ``CCHC_UPLOAD_MAX_BYTES``. Only the lead agency's staff attach evidence, and not
    once the assignment is accepted or stopped.
    """
    today = _local_date(at)
    assignment = _lock(assignment)
    agency = _require_lead(user, assignment, today)
    if assignment.status in (AssignmentStatus.DONE, AssignmentStatus.DROPPED):
        raise PlanError(
            PlanErrorCode.INVALID_TRANSITION,
            f"Nhiệm vụ đã ở tình trạng «{assignment.get_status_display()}», không bổ sung minh chứng được.",
        )
    description = _text(description, label="mô tả tài liệu")[:300]
    if file is None:
        raise PlanError(PlanErrorCode.INVALID_INPUT, "Vui lòng chọn tệp minh chứng.")
    try:
        checked = file_check(file=file)
    except FileRejected as rejected:
        raise PlanError(UPLOAD_CODES[rejected.reason], rejected.message_for(label="tài liệu minh chứng")) from None
    before = audit_snapshot(assignment, SNAPSHOT_FIELDS)
    evidence = AssignmentEvidence(
        assignment=assignment,
        original_name=checked.original_name,
        content_type=checked.content_type,
        extension=checked.extension,
        size=checked.size,
        sha256=checked.sha256,
        description=description,
        uploaded_by_id=user.pk,
        uploaded_at=at,
    )
    with files_written() as written:
        written.save(evidence.file, checked)
        evidence.save()
        if assignment.status == AssignmentStatus.NOT_STARTED:
            assignment.status = AssignmentStatus.IN_PROGRESS
        assignment.updated_at = at
        assignment.save(update_fields=["status", "updated_at"])
        _entry(assignment, kind=EntryKind.EVIDENCE, user=user, agency=agency, body=evidence.original_name, at=at)
        _audit(user, "plans.assignment.evidence", assignment, before, at)
    return evidence


@transaction.atomic
def assignment_submit(*, assignment: Assignment, user: AbstractBaseUser, note: str, at: datetime) -> Assignment:
    """The lead agency reports the assignment done, for Sở Nội vụ to accept or return.

    Rule: a completion is reported with its result and at least one evidence document (QĐ 4831,
    V.1.đ and V.2.đ: Sở Nội vụ checks the results it consolidates); the percent becomes 100.
    """
    today = _local_date(at)
    assignment = _lock(assignment)
    agency = _require_lead(user, assignment, today)
    note = _text(note, label="kết quả thực hiện") or assignment.progress_note
    if assignment.status not in OPEN_STATUSES:
        raise PlanError(
            PlanErrorCode.INVALID_TRANSITION,
            f"Nhiệm vụ đang ở tình trạng «{assignment.get_status_display()}», không báo cáo hoàn thành được.",
        )
    if not note:
        raise PlanError(PlanErrorCode.REASON_REQUIRED, "Vui lòng nêu kết quả thực hiện khi báo cáo hoàn thành.")
    if not assignment.evidence.exists():
        raise PlanError(
            PlanErrorCode.EVIDENCE_REQUIRED,
            "Cần đính kèm ít nhất một tài liệu minh chứng trước khi báo cáo hoàn thành.",
        )
    before = audit_snapshot(assignment, SNAPSHOT_FIELDS)
    assignment.status = AssignmentStatus.SUBMITTED
    assignment.percent = 100
    assignment.progress_note = note
    assignment.submitted_at = at
    assignment.status_reason = ""
    assignment.updated_at = at
    assignment.save(update_fields=["status", "percent", "progress_note", "submitted_at", "status_reason", "updated_at"])
    _entry(assignment, kind=EntryKind.SUBMIT, user=user, agency=agency, body=note, percent=100, at=at)
    _audit(user, "plans.assignment.submit", assignment, before, at)
    return assignment


# --- review by Sở Nội vụ ------------------------------------------------------------------------------


@transaction.atomic
def assignment_accept(*, assignment: Assignment, user: AbstractBaseUser, note: str = "", at: datetime) -> Assignment:
    """Sở Nội vụ accepts a reported completion: the assignment is done.

    Rule: QĐ 4831, V.2.đ (Sở Nội vụ "theo dõi, kiểm tra, đôn đốc, tổng hợp kết quả"). Only a
    reported completion can be accepted.
    """
    today = _local_date(at)
    assignment = _lock(assignment)
    _require_coordinator(user, today, "xác nhận hoàn thành nhiệm vụ")
    note = _text(note, label="ý kiến")
    if assignment.status != AssignmentStatus.SUBMITTED:
        raise PlanError(
            PlanErrorCode.INVALID_TRANSITION,
            "Chỉ xác nhận được nhiệm vụ cơ quan chủ trì đã báo cáo hoàn thành "
            f"(tình trạng hiện nay: «{assignment.get_status_display()}»).",
        )
    before = audit_snapshot(assignment, SNAPSHOT_FIELDS)
    assignment.status = AssignmentStatus.DONE
    assignment.accepted_at = at
    assignment.updated_at = at
    assignment.save(update_fields=["status", "accepted_at", "updated_at"])
    _entry(assignment, kind=EntryKind.ACCEPT, user=user, agency=coordinator_agency(on=today), body=note, at=at)
    _audit(user, "plans.assignment.accept", assignment, before, at)
    return assignment


@transaction.atomic
def assignment_return(*, assignment: Assignment, user: AbstractBaseUser, reason: str, at: datetime) -> Assignment:
    """Sở Nội vụ returns a reported completion with a reason: the lead agency continues it.

    Rule: QĐ 4831, V.2.đ. The reason is required (the agency must know what is missing); the
    assignment goes back to "đang thực hiện" with its percent and evidence kept.
    """
    today = _local_date(at)
    assignment = _lock(assignment)
    _require_coordinator(user, today, "trả lại báo cáo hoàn thành")
    reason = _text(reason, label="lý do trả lại", required=True)
    if assignment.status != AssignmentStatus.SUBMITTED:
        raise PlanError(
            PlanErrorCode.INVALID_TRANSITION,
            "Chỉ trả lại được nhiệm vụ cơ quan chủ trì đã báo cáo hoàn thành "
            f"(tình trạng hiện nay: «{assignment.get_status_display()}»).",
        )
    before = audit_snapshot(assignment, SNAPSHOT_FIELDS)
    assignment.status = AssignmentStatus.IN_PROGRESS
    assignment.status_reason = reason
    assignment.submitted_at = None
    assignment.updated_at = at
    assignment.save(update_fields=["status", "status_reason", "submitted_at", "updated_at"])
    _entry(assignment, kind=EntryKind.RETURN, user=user, agency=coordinator_agency(on=today), body=reason, at=at)
    _audit(user, "plans.assignment.return", assignment, before, at)
    return assignment


@transaction.atomic
def assignment_drop(*, assignment: Assignment, user: AbstractBaseUser, reason: str, at: datetime) -> Assignment:
    """Sở Nội vụ stops an assignment (dừng thực hiện) with the reason, e.g. the task passed to the
    central level or its subject no longer exists after the 2025 reorganisation.

    Rule: QĐ 4831, V.2.a, V.2.c (Sở Nội vụ advises the Chairman on directing the program). A done
    assignment is not stopped.
    """
    today = _local_date(at)
    assignment = _lock(assignment)
    _require_coordinator(user, today, "dừng thực hiện nhiệm vụ")
    reason = _text(reason, label="lý do dừng thực hiện", required=True)
    if assignment.status in (AssignmentStatus.DONE, AssignmentStatus.DROPPED):
        raise PlanError(
            PlanErrorCode.INVALID_TRANSITION,
            f"Nhiệm vụ đã ở tình trạng «{assignment.get_status_display()}», không dừng được.",
        )
    before = audit_snapshot(assignment, SNAPSHOT_FIELDS)
    assignment.status = AssignmentStatus.DROPPED
    assignment.status_reason = reason
    assignment.updated_at = at
    assignment.save(update_fields=["status", "status_reason", "updated_at"])
    _entry(assignment, kind=EntryKind.DROP, user=user, agency=coordinator_agency(on=today), body=reason, at=at)
    _audit(user, "plans.assignment.drop", assignment, before, at)
    return assignment


@transaction.atomic
def assignment_due_set(
    *, assignment: Assignment, user: AbstractBaseUser, due_on: date | None, reason: str = "", at: datetime
) -> Assignment:
    """Sở Nội vụ sets an assignment's due date; a later generation keeps it.

    Rule: QĐ 4831, V.2.d (Sở Nội vụ guides the yearly plans). The date stays within the plan's
    year or the first quarter after it (a year's work reported by the annual report).
    """
    today = _local_date(at)
    assignment = _lock(assignment)
    _require_coordinator(user, today, "điều chỉnh thời hạn")
    reason = _text(reason, label="lý do điều chỉnh")
    if due_on is None:
        raise PlanError(PlanErrorCode.INVALID_INPUT, "Vui lòng nhập thời hạn (ngày/tháng/năm).")
    first, last = date(assignment.year, 1, 1), date(assignment.year + 1, 3, 31)
    if not first <= due_on <= last:
        raise PlanError(
            PlanErrorCode.INVALID_INPUT,
            f"Thời hạn phải trong khoảng {first:%d/%m/%Y} – {last:%d/%m/%Y} (kế hoạch năm {assignment.year}).",
        )
    if assignment.status in (AssignmentStatus.DONE, AssignmentStatus.DROPPED):
        raise PlanError(
            PlanErrorCode.INVALID_TRANSITION,
            f"Nhiệm vụ đã ở tình trạng «{assignment.get_status_display()}», không điều chỉnh thời hạn được.",
        )
    before = audit_snapshot(assignment, SNAPSHOT_FIELDS)
    old = assignment.due_on
    assignment.due_on = due_on
    assignment.due_overridden = True
    assignment.updated_at = at
    assignment.save(update_fields=["due_on", "due_overridden", "updated_at"])
    body = f"Thời hạn: {old:%d/%m/%Y} → {due_on:%d/%m/%Y}." + (f" {reason}" if reason else "")
    _entry(assignment, kind=EntryKind.DUE, user=user, agency=coordinator_agency(on=today), body=body, at=at)
    _audit(user, "plans.assignment.due", assignment, before, at)
    return assignment


# --- comments -----------------------------------------------------------------------------------------


@transaction.atomic
def assignment_comment(*, assignment: Assignment, user: AbstractBaseUser, body: str, at: datetime) -> AssignmentEntry:
    """Add a comment to the assignment's thread.

    Rule: the lead agency, a coordinating agency (directly named, today) and Sở Nội vụ take part
    in the discussion of an assignment (QĐ 4831, mục V: "phối hợp").
    """
    today = _local_date(at)
    assignment = _lock(assignment)
    body = _text(body, label="nội dung ý kiến", required=True)
    allowed, agency = user_comment_agency(user=user, assignment=assignment, on=today)
    if not allowed:
        raise PlanError(
            PlanErrorCode.NOT_PERMITTED,
            "Chỉ cán bộ của cơ quan chủ trì, cơ quan phối hợp hoặc Sở Nội vụ được góp ý về nhiệm vụ này.",
        )
    entry = _entry(assignment, kind=EntryKind.COMMENT, user=user, agency=agency, body=body, at=at)
    audit_record(
        actor=user,
        action="plans.assignment.comment",
        target=entry,
        before=None,
        after={"assignment_id": assignment.pk, "body": body},
        at=at,
    )
    return entry


# --- reminders ------------------------------------------------------------------------------------------


@dataclass
class ReminderResult:
    on: date
    sent: int = 0
    skipped_already_sent: int = 0
    without_recipients: int = 0
    emails: int = 0


def _reminder_line(kind: ReminderKind, assignment: Assignment, on: date, base_url: str) -> str:
    days = (assignment.due_on - on).days
    if kind == ReminderKind.OVERDUE:
        when = f"QUÁ HẠN {-days} ngày (thời hạn {assignment.due_on:%d/%m/%Y})"
    else:
        when = f"đến hạn sau {days} ngày ({assignment.due_on:%d/%m/%Y})" if days else "đến hạn HÔM NAY"
    title = html.unescape(assignment.title)
    title = title if len(title) <= 300 else title[:299] + "…"
    return (
        f"- {assignment.number_label} (kế hoạch năm {assignment.year}), {when}; "
        f"tiến độ {assignment.percent} % ({assignment.get_status_display().lower()}):\n"
        f"  {title}\n  {base_url}/ke-hoach/nhiem-vu/{assignment.pk}/"
    )


def _reminder_mail(agency: Agency, lines: list[tuple[ReminderKind, str]]) -> tuple[str, str]:
    overdue = sum(1 for kind, _ in lines if kind == ReminderKind.OVERDUE)
    soon = len(lines) - overdue
    parts = [f"{overdue} nhiệm vụ quá hạn"] if overdue else []
    parts += [f"{soon} nhiệm vụ sắp đến hạn"] if soon else []
    subject = f"[CCHC] Nhắc việc kế hoạch cải cách hành chính: {', '.join(parts)}"
    body = (
        f"Kính gửi {agency.name},\n\n"
        f"Hệ thống CCHC nhắc {', '.join(parts)} của cơ quan trong kế hoạch cải cách hành chính:\n\n"
        + "\n\n".join(text for _, text in lines)
        + "\n\nĐề nghị cập nhật tiến độ, tài liệu minh chứng hoặc báo cáo hoàn thành tại các địa chỉ trên.\n\n"
        "Thư nhắc việc tự động (Sở Nội vụ theo dõi, đôn đốc theo mục V.2.đ Quyết định 4831/QĐ-UBND). "
        "Vui lòng không trả lời thư này."
    )
    return subject, body


@transaction.atomic
def reminders_send(*, on: date, at: datetime, days: int | None = None) -> ReminderResult:
    """E-mail the lead agency's staff about assignments due within ``days`` days and overdue ones.

    Rule: Sở Nội vụ "đôn đốc" the program's tasks (QĐ 4831, V.2.đ). Open assignments (not started,
    in progress) due on ``on`` .. ``on + days`` get a "sắp đến hạn" reminder, those past due an
    "quá hạn" one. idempotency: at most one reminder per assignment, kind and day, recorded in
    ``AssignmentReminder`` (unique on the three) before the mail is sent; the mails go out after
    commit, so a rolled-back run sends nothing and a re-run the same day sends nothing again.
    One mail per lead agency lists all its reminders of the run, to every active member with an
    e-mail address. An agency without staff accounts gets no mail (and no record, so it gets one once staffed).
    One audit event (``plans.remind``) per run that sent something.
    """
    days = reminder_days() if days is None else days
    result = ReminderResult(on=on)
    horizon = on + timedelta(days=days)
    candidates = list(
        Assignment.objects.filter(status__in=OPEN_STATUSES, due_on__lte=horizon)
        .select_related("lead_agency")
        .order_by("due_on", "pk")
    )
    if not candidates:
        return result
    already = set(
        AssignmentReminder.objects.filter(assignment__in=candidates, sent_on=on).values_list("assignment_id", "kind")
    )
    staff_cache: dict[int, list[str]] = {}
    base_url = str(getattr(settings, "CCHC_SITE_URL", "http://127.0.0.1:8000")).rstrip("/")
    records: list[AssignmentReminder] = []
    by_agency: dict[int, list[tuple[ReminderKind, str]]] = {}
    agencies: dict[int, Agency] = {}
    for assignment in candidates:
        kind = ReminderKind.OVERDUE if assignment.due_on < on else ReminderKind.DUE_SOON
        if (assignment.pk, kind.value) in already:
            result.skipped_already_sent += 1
            continue
        if assignment.lead_agency_id not in staff_cache:
            staff = agency_staff(agency=assignment.lead_agency, on=on, area=Area.PLANS)
            staff_cache[assignment.lead_agency_id] = sorted({str(getattr(u, "email", "")) for u in staff} - {""})
        recipients = staff_cache[assignment.lead_agency_id]
        if not recipients:
            result.without_recipients += 1
            continue
        records.append(
            AssignmentReminder(assignment=assignment, kind=kind, sent_on=on, sent_at=at, recipients=recipients)
        )
        agencies[assignment.lead_agency_id] = assignment.lead_agency
        by_agency.setdefault(assignment.lead_agency_id, []).append(
            (kind, _reminder_line(kind, assignment, on, base_url))
        )
    if not records:
        return result
    AssignmentReminder.objects.bulk_create(records)
    mails = [(*_reminder_mail(agencies[pk], lines), staff_cache[pk]) for pk, lines in by_agency.items()]
    result.sent = len(records)
    result.emails = len(mails)
    first = records[0].assignment
    audit_record(
        actor=None,
        action="plans.remind",
        target=first,
        before=None,
        after={"on": on.isoformat(), "sent": result.sent, "assignments": [r.assignment.pk for r in records]},
        at=at,
    )

    def deliver() -> None:
        for subject, body, recipients in mails:
            send_mail(subject, body, None, recipients, fail_silently=False)

    transaction.on_commit(deliver)
    return result
