"""Questionnaires as data (SIPAS-style factors and criteria), survey campaigns and their responses."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from cchc.org.constants import Level
from cchc.surveys.constants import CampaignStatus, RespondentKind, ResponseChannel, Wording


class Questionnaire(models.Model):
    """Bộ câu hỏi khảo sát: one version of a questionnaire, immutable once imported.

    ``scale`` is the answer scale, ``[{"value": 1, "label": "Rất không hài lòng"}, ...]``.
    """

    code = models.SlugField("mã bộ câu hỏi", max_length=80)
    version = models.PositiveSmallIntegerField("phiên bản")
    name = models.CharField("tên", max_length=300)
    legal_basis = models.TextField("căn cứ pháp lý")
    method_note = models.TextField("ghi chú phương pháp", blank=True)
    scale = models.JSONField("thang trả lời")
    content_hash = models.CharField(max_length=64, editable=False)
    imported_at = models.DateTimeField("nạp lúc")

    class Meta:
        verbose_name = "bộ câu hỏi khảo sát"
        verbose_name_plural = "bộ câu hỏi khảo sát"
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="surveys_questionnaire_version_uniq")]

    def __str__(self) -> str:
        return f"{self.name} (phiên bản {self.version})"

    def scale_label(self, value: int) -> str:
        return next((str(item["label"]) for item in self.scale if item["value"] == value), str(value))


class Factor(models.Model):
    """Yếu tố: one of the service-delivery factors (QĐ 2640/QĐ-BNV names five)."""

    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name="bộ câu hỏi", on_delete=models.CASCADE, related_name="factors"
    )
    order = models.PositiveSmallIntegerField("thứ tự")
    code = models.SlugField("mã yếu tố", max_length=80)
    name = models.CharField("tên yếu tố", max_length=300)
    wording = models.CharField("nguồn câu chữ", max_length=20, choices=Wording.choices)

    class Meta:
        verbose_name = "yếu tố"
        verbose_name_plural = "yếu tố"
        ordering = ["questionnaire", "order"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="surveys_factor_code_uniq"),
            models.UniqueConstraint(fields=["questionnaire", "order"], name="surveys_factor_order_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class Question(models.Model):
    """Tiêu chí: one criterion of a factor, answered on the questionnaire's scale."""

    factor = models.ForeignKey(Factor, verbose_name="yếu tố", on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField("thứ tự")
    code = models.SlugField("mã tiêu chí", max_length=80)
    text = models.CharField("nội dung", max_length=500)
    required = models.BooleanField("bắt buộc trả lời", default=True)
    wording = models.CharField("nguồn câu chữ", max_length=20, choices=Wording.choices)

    class Meta:
        verbose_name = "tiêu chí"
        verbose_name_plural = "tiêu chí"
        ordering = ["factor__order", "order"]
        constraints = [models.UniqueConstraint(fields=["factor", "order"], name="surveys_question_order_uniq")]

    def __str__(self) -> str:
        return self.text


class Campaign(models.Model):
    """Đợt khảo sát: a period, a scope (agencies, fields, levels; empty = all) and a sample target."""

    code = models.SlugField("mã đợt", max_length=80, unique=True)
    name = models.CharField("tên đợt khảo sát", max_length=300)
    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name="bộ câu hỏi", on_delete=models.PROTECT, related_name="campaigns"
    )
    starts_on = models.DateField("từ ngày")
    ends_on = models.DateField("đến hết ngày")
    sample_target = models.PositiveIntegerField("cỡ mẫu dự kiến (số phiếu)")
    agencies = models.ManyToManyField("org.Agency", verbose_name="cơ quan được khảo sát", blank=True, related_name="+")
    fields = models.ManyToManyField("catalogue.Field", verbose_name="lĩnh vực", blank=True, related_name="+")
    levels = models.JSONField("cấp", default=list, blank=True)
    status = models.CharField("trạng thái", max_length=20, choices=CampaignStatus.choices, default=CampaignStatus.OPEN)
    created_at = models.DateTimeField("tạo lúc")

    class Meta:
        verbose_name = "đợt khảo sát"
        verbose_name_plural = "đợt khảo sát"
        ordering = ["-starts_on", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="surveys_campaign_period")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def level_labels(self) -> list[str]:
        return [Level(value).label for value in self.levels]


class Response(models.Model):
    """Phiếu khảo sát: one respondent's answers about one agency (and field / procedure) at one level."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="đợt khảo sát", on_delete=models.PROTECT, related_name="responses"
    )
    channel = models.CharField("hình thức", max_length=20, choices=ResponseChannel.choices)
    respondent_kind = models.CharField(
        "người trả lời", max_length=20, choices=RespondentKind.choices, default=RespondentKind.CITIZEN
    )
    agency = models.ForeignKey("org.Agency", verbose_name="cơ quan", on_delete=models.PROTECT, related_name="+")
    field = models.ForeignKey(
        "catalogue.Field", verbose_name="lĩnh vực", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    procedure = models.ForeignKey(
        "catalogue.Procedure",
        verbose_name="thủ tục",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    level = models.CharField("cấp", max_length=20, choices=Level.choices)
    comment = models.TextField("ý kiến, mong đợi", blank=True)
    submitted_at = models.DateTimeField("ghi nhận lúc", db_index=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="cán bộ nhập phiếu",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "phiếu khảo sát"
        verbose_name_plural = "phiếu khảo sát"
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["campaign", "submitted_at"], name="surveys_response_campaign_idx")]

    def __str__(self) -> str:
        return f"Phiếu #{self.pk} — {self.campaign}"


class Answer(models.Model):
    """One criterion's answer on the scale. An optional criterion left blank has no row."""

    response = models.ForeignKey(Response, verbose_name="phiếu", on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, verbose_name="tiêu chí", on_delete=models.PROTECT, related_name="+")
    value = models.PositiveSmallIntegerField("mức trả lời")

    class Meta:
        verbose_name = "câu trả lời"
        verbose_name_plural = "câu trả lời"
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="surveys_answer_once")]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.value}"
