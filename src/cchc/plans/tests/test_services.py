"""Services of the assignments: progress, evidence, submission, review by Sở Nội vụ, comments; refusals."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.audit.models import AuditEvent
from cchc.plans.constants import AssignmentStatus, EntryKind, PlanError, PlanErrorCode, ProgressStatus
from cchc.plans.models import Assignment, AssignmentEntry, AssignmentEvidence
from cchc.plans.services import (
    assignment_accept,
    assignment_comment,
    assignment_drop,
    assignment_due_set,
    assignment_evidence_add,
    assignment_progress_update,
    assignment_return,
    assignment_submit,
)
from cchc.plans.tests.conftest import AT, pdf_bytes, task_item

pytestmark = pytest.mark.django_db

EXE_AS_PDF = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200


def snapshot(a: Assignment) -> tuple:
    a.refresh_from_db()
    return (a.status, a.percent, a.progress_note, a.due_on, a.status_reason, a.submitted_at, a.accepted_at)


def refused(code: PlanErrorCode, call, a: Assignment) -> str:
    """Run ``call``, expect ``code``; nothing changed, no audit event, no thread entry, no file row."""
    before = snapshot(a)
    events, entries, files = (
        AuditEvent.objects.count(),
        AssignmentEntry.objects.count(),
        AssignmentEvidence.objects.count(),
    )
    with pytest.raises(PlanError) as caught:
        call()
    assert caught.value.code == code
    assert snapshot(a) == before
    assert (AuditEvent.objects.count(), AssignmentEntry.objects.count(), AssignmentEvidence.objects.count()) == (
        events,
        entries,
        files,
    )
    return caught.value.message


def evidence(w, a, name="bao-cao.pdf", content=None, at=AT):
    return assignment_evidence_add(
        assignment=a,
        user=w.officer,
        file=SimpleUploadedFile(name, content or pdf_bytes()),
        description="Báo cáo",
        at=at,
    )


def test_the_whole_way_to_done(plans, media_root):
    # given Sở Tư pháp's task 13
    a = task_item(plans, 13)
    events = AuditEvent.objects.count()
    # when its officer reports progress, attaches a PDF and reports it done, and Sở Nội vụ accepts
    assignment_progress_update(assignment=a, user=plans.officer, percent=45, note="Đã xây dựng dự thảo", at=AT)
    assert snapshot(a)[:2] == (AssignmentStatus.IN_PROGRESS, 45)
    doc = evidence(plans, a, at=AT + timedelta(minutes=5))
    assignment_submit(assignment=a, user=plans.officer, note="Đã ban hành kế hoạch", at=AT + timedelta(minutes=10))
    assert snapshot(a)[:2] == (AssignmentStatus.SUBMITTED, 100)
    assignment_accept(assignment=a, user=plans.reviewer, note="Đạt", at=AT + timedelta(days=1))
    # then it is done, with one audit event and one thread entry per step, the file stored under a safe name
    a.refresh_from_db()
    assert a.status == AssignmentStatus.DONE
    assert a.accepted_at == AT + timedelta(days=1)
    assert a.progress_status(date(2027, 2, 1)) == ProgressStatus.DONE  # never "trễ hạn" once done
    assert AuditEvent.objects.count() == events + 4
    assert list(a.entries.values_list("kind", flat=True)) == [
        EntryKind.PROGRESS,
        EntryKind.EVIDENCE,
        EntryKind.SUBMIT,
        EntryKind.ACCEPT,
    ]
    assert doc.content_type == "application/pdf"
    assert doc.file.name == f"plans/{a.pk}/{doc.sha256[:16]}.pdf"
    assert (media_root / doc.file.name).read_bytes() == pdf_bytes()
    assert a.entries.last().agency == plans.home


def test_percent_out_of_range_is_refused(plans):
    a = task_item(plans, 13)
    message = refused(
        PlanErrorCode.INVALID_PERCENT,
        lambda: assignment_progress_update(assignment=a, user=plans.officer, percent=120, note="", at=AT),
        a,
    )
    assert message == "Tiến độ phải từ 0 đến 100 %, không thể là 120 %."
    refused(
        PlanErrorCode.INVALID_PERCENT,
        lambda: assignment_progress_update(assignment=a, user=plans.officer, percent="mười", note="", at=AT),
        a,
    )


def test_another_agency_cannot_act_on_the_item(plans):
    a = task_item(plans, 13)
    message = refused(
        PlanErrorCode.NOT_PERMITTED,
        lambda: assignment_progress_update(assignment=a, user=plans.outsider, percent=10, note="", at=AT),
        a,
    )
    assert "Sở Tư pháp" in message
    refused(
        PlanErrorCode.NOT_PERMITTED,
        lambda: assignment_evidence_add(
            assignment=a, user=plans.nobody, file=SimpleUploadedFile("a.pdf", pdf_bytes()), at=AT
        ),
        a,
    )


def test_done_needs_evidence(plans):
    a = task_item(plans, 13)
    message = refused(
        PlanErrorCode.EVIDENCE_REQUIRED,
        lambda: assignment_submit(assignment=a, user=plans.officer, note="Xong", at=AT),
        a,
    )
    assert "minh chứng" in message


def test_a_file_is_judged_by_its_content(plans, media_root):
    a = task_item(plans, 13)
    message = refused(PlanErrorCode.UPLOAD_TYPE_NOT_ALLOWED, lambda: evidence(plans, a, "bao-cao.pdf", EXE_AS_PDF), a)
    assert "bao-cao.pdf" in message
    assert "không phải tệp" in message
    refused(
        PlanErrorCode.INVALID_INPUT,
        lambda: assignment_evidence_add(
            assignment=a, user=plans.officer, file=SimpleUploadedFile("rong.pdf", b""), at=AT
        ),
        a,
    )
    assert not media_root.exists() or not any(p.is_file() for p in media_root.rglob("*"))


def test_only_so_noi_vu_accepts_or_returns(plans):
    a = task_item(plans, 13)
    evidence(plans, a)
    assignment_submit(assignment=a, user=plans.officer, note="Xong", at=AT)
    refused(PlanErrorCode.NOT_PERMITTED, lambda: assignment_accept(assignment=a, user=plans.officer, at=AT), a)
    refused(PlanErrorCode.NOT_PERMITTED, lambda: assignment_accept(assignment=a, user=plans.outsider, at=AT), a)
    refused(
        PlanErrorCode.NOT_PERMITTED,
        lambda: assignment_due_set(assignment=a, user=plans.officer, due_on=date(2026, 6, 30), at=AT),
        a,
    )


def test_return_needs_a_reason_and_reopens(plans):
    a = task_item(plans, 13)
    evidence(plans, a)
    assignment_submit(assignment=a, user=plans.officer, note="Xong", at=AT)
    message = refused(
        PlanErrorCode.REASON_REQUIRED,
        lambda: assignment_return(assignment=a, user=plans.reviewer, reason="  ", at=AT),
        a,
    )
    assert message == "Vui lòng nhập lý do trả lại."
    assignment_return(assignment=a, user=plans.reviewer, reason="Thiếu văn bản ban hành", at=AT)
    a.refresh_from_db()
    assert (a.status, a.percent, a.status_reason) == (AssignmentStatus.IN_PROGRESS, 100, "Thiếu văn bản ban hành")
    assert a.evidence.count() == 1
    # a returned item cannot be accepted until reported done again
    refused(PlanErrorCode.INVALID_TRANSITION, lambda: assignment_accept(assignment=a, user=plans.reviewer, at=AT), a)


def test_drop_with_reason_and_nothing_after(plans):
    a = task_item(plans, 1)
    refused(
        PlanErrorCode.REASON_REQUIRED, lambda: assignment_drop(assignment=a, user=plans.reviewer, reason="", at=AT), a
    )
    assignment_drop(assignment=a, user=plans.reviewer, reason="Trung ương đã thực hiện", at=AT)
    a.refresh_from_db()
    assert a.status == AssignmentStatus.DROPPED
    assert a.progress_status(date(2027, 6, 1)) == ProgressStatus.DROPPED
    refused(
        PlanErrorCode.INVALID_TRANSITION,
        lambda: assignment_progress_update(assignment=a, user=plans.officer, percent=50, note="", at=AT),
        a,
    )


def test_due_date_adjusted_within_the_year(plans):
    a = task_item(plans, 1)
    refused(
        PlanErrorCode.INVALID_INPUT,
        lambda: assignment_due_set(assignment=a, user=plans.reviewer, due_on=date(2027, 6, 30), at=AT),
        a,
    )
    assignment_due_set(assignment=a, user=plans.reviewer, due_on=date(2026, 2, 27), reason="Theo chỉ đạo", at=AT)
    a.refresh_from_db()
    assert (a.due_on, a.due_overridden) == (date(2026, 2, 27), True)
    # then on 2/3/2026 it is late (not started, due passed)
    assert a.progress_status(AT.date()) == ProgressStatus.OVERDUE


def test_comments_from_lead_coordinator_and_so_noi_vu(plans):
    a = task_item(plans, 13)
    assignment_comment(assignment=a, user=plans.officer, body="Đề nghị Sở Nội vụ hướng dẫn", at=AT)
    assignment_comment(assignment=a, user=plans.reviewer, body="Đã gửi hướng dẫn", at=AT)
    entries = list(a.entries.select_related("agency").values_list("kind", "agency__code", "body"))
    assert entries == [
        (EntryKind.COMMENT, "so-tu-phap", "Đề nghị Sở Nội vụ hướng dẫn"),
        (EntryKind.COMMENT, "so-noi-vu", "Đã gửi hướng dẫn"),
    ]
    refused(
        PlanErrorCode.NOT_PERMITTED,
        lambda: assignment_comment(assignment=a, user=plans.nobody, body="Xin chào", at=AT),
        a,
    )
    refused(
        PlanErrorCode.REASON_REQUIRED, lambda: assignment_comment(assignment=a, user=plans.officer, body="", at=AT), a
    )
