"""Citizen feedback and petitions (phản ánh, kiến nghị — PAKN) about administrative regulations.

One row per feedback, with the time and the deadline of every stage kept on the row, so the handling
record and the on-time flags of QĐ 766 indicators 5.2 / 5.3 come from one read. Rows are written only
by ``cchc.feedback.services`` (legal basis: Nghị định 20/2008/NĐ-CP).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from cchc.feedback.constants import Classification, FeedbackStatus, RatingLevel


class FeedbackSequence(models.Model):
    """The last feedback number given on one day (Vietnam time): codes ``PA-YYMMDD-NNNN`` are gapless.

    concurrency: ``cchc.feedback.codes.feedback_code_next`` takes the next number with one
    ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``, which locks the day's row until commit.
    """

    day = models.DateField("ngày tiếp nhận", unique=True)
    last_value = models.PositiveIntegerField("số cuối cùng", default=0)

    class Meta:
        verbose_name = "số thứ tự phản ánh trong ngày"
        verbose_name_plural = "số thứ tự phản ánh trong ngày"

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y}: {self.last_value}"


def _answer_path(instance: Feedback, filename: str) -> str:
    # the stored name never comes from the uploader: feedback code + the sniffed extension
    return f"feedback/{instance.code}/tra-loi{instance.answer_file_extension}"


class Feedback(models.Model):
    """Phản ánh, kiến nghị của người dân, doanh nghiệp."""

    code = models.CharField("mã phản ánh", max_length=30, unique=True)
    lookup_key_hash = models.CharField("mã tra cứu (băm SHA-256)", max_length=64)
    status = models.CharField("trạng thái", max_length=20, choices=FeedbackStatus.choices, db_index=True)

    submitter_name = models.CharField("họ và tên", max_length=200)
    submitter_phone = models.CharField("số điện thoại", max_length=20)
    submitter_email = models.EmailField("thư điện tử", blank=True)
    submitter_id_number = models.CharField("số định danh cá nhân", max_length=20, blank=True)
    subject = models.CharField("tiêu đề", max_length=300)
    content = models.TextField("nội dung")

    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name="hồ sơ liên quan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feedback",
    )
    agency = models.ForeignKey(
        "org.Agency", verbose_name="cơ quan xử lý", on_delete=models.PROTECT, related_name="feedback"
    )
    classification = models.CharField("phân loại", max_length=20, choices=Classification.choices, blank=True)
    reraise_of = models.ForeignKey(
        "self",
        verbose_name="phản ánh lại nội dung của",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reraises",
    )

    submitted_at = models.DateTimeField("tiếp nhận lúc", db_index=True)
    reject_due_at = models.DateTimeField("hạn từ chối", null=True, blank=True)
    info_due_at = models.DateTimeField("hạn yêu cầu bổ sung", null=True, blank=True)
    answer_due_at = models.DateTimeField("hạn trả lời", null=True, blank=True)
    publish_due_at = models.DateTimeField("hạn công khai", null=True, blank=True)

    rejected_at = models.DateTimeField("từ chối lúc", null=True, blank=True)
    reject_reason = models.TextField("lý do từ chối", blank=True)
    info_requested_at = models.DateTimeField("yêu cầu bổ sung lúc", null=True, blank=True)
    info_request = models.TextField("nội dung cần bổ sung", blank=True)
    resubmitted_at = models.DateTimeField("bổ sung lúc", null=True, blank=True)
    resubmission = models.TextField("thông tin bổ sung", blank=True)
    assigned_at = models.DateTimeField("giao xử lý lúc", null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="cán bộ xử lý",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField("trả lời lúc", null=True, blank=True)
    answer = models.TextField("kết quả xử lý", blank=True)
    answer_file = models.FileField("tệp kết quả xử lý", upload_to=_answer_path, blank=True, max_length=200)
    answer_file_name = models.CharField("tên tệp gốc", max_length=200, blank=True)
    answer_file_type = models.CharField("loại tệp", max_length=100, blank=True)
    answer_file_extension = models.CharField("đuôi tệp", max_length=10, blank=True)
    published_at = models.DateTimeField("công khai lúc", null=True, blank=True, db_index=True)

    rating = models.CharField("đánh giá", max_length=20, choices=RatingLevel.choices, blank=True)
    rating_comment = models.TextField("ý kiến khi đánh giá", blank=True)
    rated_at = models.DateTimeField("đánh giá lúc", null=True, blank=True)

    search_key = models.TextField("khóa tìm kiếm (không dấu)", blank=True, editable=False)

    # received through the national feedback system (cchc.integrations.national_feedback): its id there
    # (MaPAKN), where the answer is sent back; empty for feedback filed on the provincial portal
    national_id = models.CharField("mã PAKN trên hệ thống quốc gia", max_length=64, blank=True)

    class Meta:
        verbose_name = "phản ánh, kiến nghị"
        verbose_name_plural = "phản ánh, kiến nghị"
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="feedback_published_has_time",
            ),
            models.CheckConstraint(
                condition=Q(rating="") | Q(status="published"),
                name="feedback_rated_only_published",
            ),
            models.UniqueConstraint(
                fields=["national_id"], condition=~Q(national_id=""), name="feedback_national_id_uniq"
            ),
        ]
        indexes = [models.Index(fields=["agency", "status"], name="feedback_agency_status_idx")]

    def __str__(self) -> str:
        return self.code

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def is_national(self) -> bool:
        """Received through the national feedback system (its answer goes back there)."""
        return bool(self.national_id)


class NationalFeedbackCursor(models.Model):
    """Where the import from the national feedback system stopped: the position the system gave with
    its last page (``cchc.integrations.national_feedback``). One row per source; the pull locks it, so
    two pulls at once take turns."""

    source = models.CharField("nguồn", max_length=20, unique=True)
    position = models.CharField("vị trí tiếp theo", max_length=100, blank=True)
    pulled_at = models.DateTimeField("lần nhận gần nhất", null=True, blank=True)
    imported = models.PositiveIntegerField("số phản ánh đã nhận", default=0)
    skipped = models.PositiveIntegerField("số phản ánh bỏ qua", default=0)

    class Meta:
        verbose_name = "vị trí nhận phản ánh từ hệ thống quốc gia"
        verbose_name_plural = "vị trí nhận phản ánh từ hệ thống quốc gia"

    def __str__(self) -> str:
        return f"{self.source}: {self.position or '(từ đầu)'}"
