"""The PAR Index (Chỉ số cải cách hành chính) as data, and its assessment rounds.

- :class:`IndexSet` (bộ chỉ số): one published table of fields → criteria → sub-criteria with their
  maximum points, for an audience (the province, assessed by Bộ Nội vụ under QĐ 876/QĐ-BNV; or the
  province's own internal index for its departments or its communes), with the grade thresholds.
- :class:`Criterion`: one node of that tree (lĩnh vực, tiêu chí, tiêu chí thành phần). A node's
  maximum is the sum of its children's; only leaves are scored, each by a :class:`~cchc.par.constants.Method`.
- :class:`AssessmentRound` (đợt đánh giá): a year, an index set, the appraising agency, deadlines.
- :class:`Assessment`: one agency in one round; :class:`Score`: one leaf of one assessment, with the
  agency's self-score and the appraiser's adjusted score; :class:`Evidence`: a file behind a self-score.

Everything is written through ``cchc.par.services`` (each write one audit event).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from cchc.org.models import Agency
from cchc.par.constants import AssessmentStatus, Audience, Method, NodeKind, RoundStatus


class IndexSet(models.Model):
    """Bộ chỉ số CCHC: the criteria tree of one audience and year, as loaded from its file."""

    code = models.SlugField("mã", max_length=80, unique=True)
    name = models.CharField("tên", max_length=300)
    year = models.PositiveSmallIntegerField("năm áp dụng")
    audience = models.CharField("đối tượng đánh giá", max_length=20, choices=Audience.choices)
    legal_basis = models.CharField("căn cứ pháp lý", max_length=500, blank=True)
    is_demo = models.BooleanField("cấu trúc minh họa", default=False)
    note = models.TextField("ghi chú", blank=True)
    max_points = models.DecimalField("tổng điểm tối đa", max_digits=6, decimal_places=2)
    # Grade thresholds, in percent of the maximum: Tốt ≥ excellent, Khá ≥ good, Trung bình ≥ average, else Yếu.
    grade_excellent_min = models.DecimalField("Tốt từ (%)", max_digits=5, decimal_places=2, default=Decimal(90))
    grade_good_min = models.DecimalField("Khá từ (%)", max_digits=5, decimal_places=2, default=Decimal(70))
    grade_average_min = models.DecimalField("Trung bình từ (%)", max_digits=5, decimal_places=2, default=Decimal(50))
    content_hash = models.CharField("mã băm nội dung", max_length=64)
    imported_at = models.DateTimeField("nhập lúc")

    class Meta:
        verbose_name = "bộ chỉ số CCHC"
        verbose_name_plural = "bộ chỉ số CCHC"
        ordering = ["-year", "audience", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(grade_excellent_min__gt=models.F("grade_good_min"))
                & Q(grade_good_min__gt=models.F("grade_average_min"))
                & Q(grade_average_min__gte=0)
                & Q(grade_excellent_min__lte=100),
                name="par_indexset_grade_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    """A node of the criteria tree. ``code`` is hierarchical ("3", "3.2", "3.2.1"): the field of a
    node is the part before the first dot."""

    index_set = models.ForeignKey(IndexSet, verbose_name="bộ chỉ số", on_delete=models.CASCADE, related_name="nodes")
    parent = models.ForeignKey(
        "self", verbose_name="thuộc", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    kind = models.CharField("cấp", max_length=20, choices=NodeKind.choices)
    code = models.CharField("mã", max_length=20)
    name = models.TextField("tên")
    max_points = models.DecimalField("điểm tối đa", max_digits=6, decimal_places=2)
    guidance = models.TextField("hướng dẫn chấm điểm", blank=True)
    method = models.CharField("phương pháp", max_length=20, choices=Method.choices, blank=True)
    indicator_code = models.CharField("mã chỉ số liên kết", max_length=60, blank=True)
    is_leaf = models.BooleanField("được chấm điểm", default=False)
    position = models.PositiveIntegerField("thứ tự")

    class Meta:
        verbose_name = "tiêu chí"
        verbose_name_plural = "tiêu chí"
        ordering = ["index_set_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["index_set", "code"], name="par_criterion_code_uniq"),
            models.CheckConstraint(condition=Q(max_points__gte=0), name="par_criterion_points_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"

    @property
    def field_code(self) -> str:
        return self.code.split(".", 1)[0]

    @property
    def depth(self) -> int:
        return self.code.count(".") + 1


class AssessmentRound(models.Model):
    """Đợt đánh giá: one year of one index set. Agencies self-assess until ``self_deadline`` (that day
    included, Vietnam time) while the round is open; the appraiser then adjusts and finalises."""

    index_set = models.ForeignKey(IndexSet, verbose_name="bộ chỉ số", on_delete=models.PROTECT, related_name="rounds")
    year = models.PositiveSmallIntegerField("năm đánh giá")
    name = models.CharField("tên đợt", max_length=300)
    appraiser = models.ForeignKey(
        Agency, verbose_name="cơ quan thẩm định", on_delete=models.PROTECT, related_name="par_rounds_appraised"
    )
    opened_on = models.DateField("ngày mở")
    self_deadline = models.DateField("hạn nộp tự đánh giá")
    appraisal_deadline = models.DateField("hạn thẩm định")
    status = models.CharField("trạng thái", max_length=20, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    created_at = models.DateTimeField("tạo lúc")

    class Meta:
        verbose_name = "đợt đánh giá Chỉ số CCHC"
        verbose_name_plural = "đợt đánh giá Chỉ số CCHC"
        ordering = ["-year", "index_set__audience", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["index_set", "year"], name="par_round_set_year_uniq"),
            models.CheckConstraint(
                condition=Q(self_deadline__gte=models.F("opened_on"))
                & Q(appraisal_deadline__gte=models.F("self_deadline")),
                name="par_round_deadline_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Assessment(models.Model):
    """One agency's assessment in a round (its self-assessment, then the appraisal)."""

    round = models.ForeignKey(
        AssessmentRound, verbose_name="đợt đánh giá", on_delete=models.CASCADE, related_name="assessments"
    )
    agency = models.ForeignKey(Agency, verbose_name="cơ quan", on_delete=models.PROTECT, related_name="par_assessments")
    status = models.CharField(
        "trạng thái", max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    submitted_at = models.DateTimeField("nộp lúc", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người nộp",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    finalised_at = models.DateTimeField("thẩm định xong lúc", null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người thẩm định",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "bản đánh giá của cơ quan"
        verbose_name_plural = "bản đánh giá của cơ quan"
        ordering = ["round_id", "agency__name"]
        constraints = [models.UniqueConstraint(fields=["round", "agency"], name="par_assessment_round_agency_uniq")]

    def __str__(self) -> str:
        return f"{self.agency} — {self.round}"


class Score(models.Model):
    """The points of one leaf for one agency: the self-score (with its comment and evidence) and the
    appraised score (with the appraiser's reason, or the source of a survey / computed value)."""

    assessment = models.ForeignKey(
        Assessment, verbose_name="bản đánh giá", on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(Criterion, verbose_name="tiêu chí", on_delete=models.PROTECT, related_name="scores")
    self_points = models.DecimalField("điểm tự đánh giá", null=True, blank=True, max_digits=6, decimal_places=2)
    self_comment = models.TextField("giải trình", blank=True)
    self_at = models.DateTimeField("tự chấm lúc", null=True, blank=True)
    self_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người tự chấm",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    appraised_points = models.DecimalField("điểm thẩm định", null=True, blank=True, max_digits=6, decimal_places=2)
    appraisal_reason = models.TextField("lý do điều chỉnh / ghi chú", blank=True)
    value_source = models.CharField("nguồn số liệu", max_length=500, blank=True)
    appraised_at = models.DateTimeField("thẩm định lúc", null=True, blank=True)
    appraised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người thẩm định",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "điểm tiêu chí"
        verbose_name_plural = "điểm tiêu chí"
        ordering = ["assessment_id", "criterion__position"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="par_score_assessment_criterion_uniq"),
            models.CheckConstraint(
                condition=(Q(self_points__isnull=True) | Q(self_points__gte=0))
                & (Q(appraised_points__isnull=True) | Q(appraised_points__gte=0)),
                name="par_score_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion.code} — {self.assessment}"

    @property
    def final_points(self) -> Decimal | None:
        """The appraised score where the appraiser set one, else the self-score."""
        return self.appraised_points if self.appraised_points is not None else self.self_points

    @property
    def adjusted(self) -> bool:
        return self.appraised_points is not None and self.appraised_points != self.self_points


def _evidence_path(instance: Evidence, filename: str) -> str:
    # the stored name never comes from the uploader: assessment id + content hash + the sniffed extension
    return f"par/{instance.score.assessment_id}/{instance.sha256[:16]}{instance.extension}"


class Evidence(models.Model):
    """Tài liệu kiểm chứng: a file behind a self-score, its type decided by its content."""

    score = models.ForeignKey(Score, verbose_name="điểm tiêu chí", on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField("tệp", upload_to=_evidence_path, max_length=200)
    original_name = models.CharField("tên tệp gốc", max_length=255)
    content_type = models.CharField("kiểu nội dung", max_length=100)
    extension = models.CharField("phần mở rộng", max_length=10)
    size = models.PositiveIntegerField("kích thước (byte)")
    sha256 = models.CharField("mã băm SHA-256", max_length=64)
    uploaded_at = models.DateTimeField("tải lên lúc")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người tải lên", null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "tài liệu kiểm chứng"
        verbose_name_plural = "tài liệu kiểm chứng"
        ordering = ["score_id", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name
