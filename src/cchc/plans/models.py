"""Yearly CCHC plans: per agency and year, the assignments expanded from the reform program.

A plan (Kế hoạch cải cách hành chính năm YYYY) belongs to one agency valid today; its items are
assignments (nhiệm vụ được giao) taken from the program's appendix tasks active that year and from
the section V duties addressed to the agency, each keeping the 2021 reference it came from. Progress
is reported by the lead agency's staff and accepted (or returned) by Sở Nội vụ; every step leaves a
line in the assignment's thread.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from cchc.org.models import Agency, AgencyGroup
from cchc.plans.constants import (
    OPEN_STATUSES,
    AssignmentStatus,
    EntryKind,
    ProgressStatus,
    ReminderKind,
    SourceKind,
)
from cchc.program.models import AgencyRef, AppendixTask, Duty, Program, ReformArea, TimelinePhase


class Plan(models.Model):
    """Kế hoạch CCHC năm ``year`` của một cơ quan."""

    year = models.PositiveSmallIntegerField("năm")
    agency = models.ForeignKey(Agency, verbose_name="cơ quan", on_delete=models.PROTECT, related_name="cchc_plans")
    generated_at = models.DateTimeField("lập lúc")
    updated_at = models.DateTimeField("cập nhật lúc")

    class Meta:
        verbose_name = "kế hoạch CCHC năm"
        verbose_name_plural = "kế hoạch CCHC năm"
        ordering = ["-year", "agency__name"]
        constraints = [models.UniqueConstraint(fields=["year", "agency"], name="plans_plan_year_agency_uniq")]

    def __str__(self) -> str:
        return f"{self.title} — {self.agency.name}"

    @property
    def title(self) -> str:
        return f"Kế hoạch cải cách hành chính năm {self.year}"


class Assignment(models.Model):
    """One item of a plan: a task or duty the lead agency carries in that year.

    ``source_key`` identifies the program item (``t<program>-<number>`` for an appendix task,
    ``d<program>-<group>-<order>`` for a section V duty); with the plan it makes generation
    idempotent. ``origin_*`` keep the reference as the 2021 text made it (an agency since merged, or
    the collective group through which the agency is concerned).
    """

    plan = models.ForeignKey(Plan, verbose_name="kế hoạch", on_delete=models.CASCADE, related_name="assignments")
    year = models.PositiveSmallIntegerField("năm")
    lead_agency = models.ForeignKey(
        Agency, verbose_name="cơ quan chủ trì", on_delete=models.PROTECT, related_name="plan_assignments_led"
    )
    coordinating_agencies = models.ManyToManyField(
        Agency, verbose_name="cơ quan phối hợp", blank=True, related_name="plan_assignments_coordinated"
    )
    coordinating_groups = models.ManyToManyField(
        AgencyGroup, verbose_name="nhóm cơ quan phối hợp", blank=True, related_name="plan_assignments"
    )
    source_kind = models.CharField("nguồn", max_length=10, choices=SourceKind.choices)
    source_key = models.CharField("mã nguồn", max_length=40)
    program = models.ForeignKey(Program, verbose_name="chương trình", null=True, on_delete=models.SET_NULL)
    appendix_task = models.ForeignKey(
        AppendixTask, verbose_name="nhiệm vụ phụ lục", null=True, blank=True, on_delete=models.SET_NULL
    )
    duty = models.ForeignKey(Duty, verbose_name="nhiệm vụ mục V", null=True, blank=True, on_delete=models.SET_NULL)
    phase = models.ForeignKey(TimelinePhase, verbose_name="giai đoạn", null=True, blank=True, on_delete=models.SET_NULL)
    area = models.ForeignKey(
        ReformArea, verbose_name="nội dung cải cách", null=True, blank=True, on_delete=models.SET_NULL
    )
    number_label = models.CharField("số thứ tự", max_length=20)  # "NV 13", "V.2.b"
    title = models.TextField("nội dung")
    outputs = models.TextField("kết quả/sản phẩm", blank=True)
    timeline_text = models.TextField("thời gian theo chương trình", blank=True)
    coordinate_text = models.TextField("phối hợp (theo văn bản)", blank=True)
    origin_agency = models.ForeignKey(
        Agency,
        verbose_name="cơ quan được giao năm 2021",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    origin_ref = models.ForeignKey(
        AgencyRef, verbose_name="tham chiếu gốc", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    origin_text = models.TextField("giao theo văn bản", blank=True)
    role_note = models.TextField("phần việc của cơ quan", blank=True)  # appendix task 23: each lead its own part
    due_on = models.DateField("thời hạn")
    due_overridden = models.BooleanField("thời hạn do Sở Nội vụ điều chỉnh", default=False)
    status = models.CharField(
        "tình trạng", max_length=20, choices=AssignmentStatus.choices, default=AssignmentStatus.NOT_STARTED
    )
    percent = models.PositiveSmallIntegerField("tiến độ (%)", default=0)
    progress_note = models.TextField("kết quả thực hiện", blank=True)
    status_reason = models.TextField("lý do (dừng, trả lại)", blank=True)
    submitted_at = models.DateTimeField("báo cáo hoàn thành lúc", null=True, blank=True)
    accepted_at = models.DateTimeField("xác nhận lúc", null=True, blank=True)
    created_at = models.DateTimeField("tạo lúc")
    updated_at = models.DateTimeField("cập nhật lúc")

    class Meta:
        verbose_name = "nhiệm vụ được giao"
        verbose_name_plural = "nhiệm vụ được giao"
        ordering = ["plan", "source_kind", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "source_key"], name="plans_assignment_source_uniq"),
            models.CheckConstraint(condition=Q(percent__lte=100), name="plans_assignment_percent_max"),
        ]
        indexes = [
            models.Index(fields=["year", "status", "due_on"], name="plans_assignment_due_idx"),
            models.Index(fields=["lead_agency", "year"], name="plans_assignment_lead_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number_label} {self.title[:60]} ({self.year})"

    def progress_status(self, today: date) -> ProgressStatus:
        if self.status in OPEN_STATUSES and self.due_on < today:
            return ProgressStatus.OVERDUE
        return ProgressStatus(self.status)

    @property
    def progress_label(self) -> str:
        """Label of the derived status annotated by the selectors (``progress``), else of the stored one."""
        return ProgressStatus(getattr(self, "progress", None) or self.status).label

    @property
    def is_started(self) -> bool:
        return self.status != AssignmentStatus.NOT_STARTED or self.percent > 0


def _evidence_path(instance: AssignmentEvidence, filename: str) -> str:
    # the stored name never comes from the uploader: assignment id + content hash + the sniffed extension
    return f"plans/{instance.assignment_id}/{instance.sha256[:16]}{instance.extension}"


class AssignmentEvidence(models.Model):
    """A document proving the work (minh chứng), checked by content before it is stored."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField("tệp", upload_to=_evidence_path, max_length=200)
    original_name = models.CharField("tên tệp gốc", max_length=255)
    content_type = models.CharField("kiểu nội dung", max_length=100)
    extension = models.CharField("phần mở rộng", max_length=10)
    size = models.PositiveIntegerField("kích thước (byte)")
    sha256 = models.CharField("mã băm SHA-256", max_length=64)
    description = models.CharField("mô tả", max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người tải lên", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField("tải lên lúc")

    class Meta:
        verbose_name = "tài liệu minh chứng"
        verbose_name_plural = "tài liệu minh chứng"
        ordering = ["assignment", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class AssignmentEntry(models.Model):
    """One line of the assignment's thread: a comment, or a step (progress, submit, accept, return ...)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField("loại", max_length=20, choices=EntryKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người viết", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    agency = models.ForeignKey(
        Agency, verbose_name="thay mặt cơ quan", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField("nội dung", blank=True)
    percent = models.PositiveSmallIntegerField("tiến độ (%)", null=True, blank=True)
    at = models.DateTimeField("lúc")

    class Meta:
        verbose_name = "ý kiến, diễn biến"
        verbose_name_plural = "ý kiến, diễn biến"
        ordering = ["assignment", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class AssignmentReminder(models.Model):
    """A reminder e-mail sent for an assignment: at most one per assignment, kind and day."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField("loại", max_length=20, choices=ReminderKind.choices)
    sent_on = models.DateField("ngày gửi")
    sent_at = models.DateTimeField("gửi lúc")
    recipients = models.JSONField("người nhận", default=list)

    class Meta:
        verbose_name = "nhắc việc"
        verbose_name_plural = "nhắc việc"
        ordering = ["-sent_on", "assignment_id"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "kind", "sent_on"], name="plans_reminder_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.sent_on:%d/%m/%Y} — {self.assignment_id}"
