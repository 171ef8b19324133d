"""Procedure catalogue: procedures (thủ tục hành chính), their published versions and internal procedures.

A procedure is identified by its national code (mã TTHC). Its content (time, fees, documents,
steps, competent agencies) lives in numbered versions: a draft is edited, publishing it makes it the
version in force from ``published_at`` and retires the one before at the same moment. Published and
retired versions are never changed again, so a dossier keeps the version it was filed under
(``cchc.catalogue.selectors.procedure_version_current``).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from cchc.catalogue.constants import (
    PROCEDURE_CODE_PATTERN,
    CodeStatus,
    FeeKind,
    ServiceType,
    StaffRole,
    StepResponsible,
    TimeUnit,
    VersionStatus,
)
from cchc.catalogue.text import processing_time_text, statutory_hours
from cchc.common.text import fold
from cchc.org.constants import AgencyKind, Level


class Field(models.Model):
    """Lĩnh vực: the field a procedure belongs to (hộ tịch, cư trú, xây dựng ...), with its code."""

    code = models.CharField("mã lĩnh vực", max_length=40, unique=True)
    name = models.CharField("tên lĩnh vực", max_length=200)
    search_key = models.CharField(max_length=250, editable=False, db_index=True)

    class Meta:
        verbose_name = "lĩnh vực"
        verbose_name_plural = "lĩnh vực"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_key = fold(f"{self.code} {self.name}")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Procedure(models.Model):
    """Thủ tục hành chính, keyed on its national code; name and field mirror the version in force."""

    code = models.CharField(
        "mã thủ tục",
        max_length=30,
        unique=True,
        validators=[
            RegexValidator(PROCEDURE_CODE_PATTERN, "Mã thủ tục không đúng dạng (ví dụ 1.001193 hoặc 1.000948.H34).")
        ],
    )
    code_status = models.CharField(
        "tình trạng mã", max_length=20, choices=CodeStatus.choices, default=CodeStatus.CONFIRMED
    )
    code_source = models.CharField("nguồn đối chiếu mã", max_length=500, blank=True)
    name = models.CharField("tên thủ tục", max_length=500)
    field = models.ForeignKey(Field, verbose_name="lĩnh vực", on_delete=models.PROTECT, related_name="procedures")
    search_key = models.CharField(max_length=800, editable=False, db_index=True)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)

    class Meta:
        verbose_name = "thủ tục hành chính"
        verbose_name_plural = "thủ tục hành chính"
        ordering = ["field__name", "name"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_key = fold(f"{self.code} {self.name}")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class ProcedureVersion(models.Model):
    """One version of a procedure's content. Only drafts may change; a published one is frozen.

    ``content_hash`` is the hash of the canonical JSON form (see ``cchc.catalogue.spec``), so importing
    the same content again publishes nothing.
    """

    procedure = models.ForeignKey(Procedure, verbose_name="thủ tục", on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("phiên bản")
    status = models.CharField("trạng thái", max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    published_at = models.DateTimeField("công bố lúc", null=True, blank=True)
    retired_at = models.DateTimeField("hết hiệu lực lúc", null=True, blank=True)
    name = models.CharField("tên thủ tục", max_length=500)
    field = models.ForeignKey(Field, verbose_name="lĩnh vực", on_delete=models.PROTECT, related_name="+")
    levels = models.JSONField("cấp thực hiện", default=list)
    applicant_types = models.JSONField("đối tượng thực hiện", default=list)
    service_type = models.CharField("mức độ dịch vụ công", max_length=20, choices=ServiceType.choices)
    processing_time = models.PositiveIntegerField("thời hạn giải quyết", validators=[MinValueValidator(1)])
    processing_time_unit = models.CharField(
        "đơn vị thời hạn", max_length=20, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAYS
    )
    # legal: NĐ 23/2015/NĐ-CP Điều 7 khoản 1, a same-day request received after 15:00 is due the next
    # working day; only a same-day procedure has one (None: always the same working day)
    processing_time_cutoff = models.TimeField("giờ chốt tiếp nhận trong ngày", null=True, blank=True)
    processing_time_note = models.CharField("ghi chú thời hạn", max_length=500, blank=True)
    result_document_type = models.SlugField("mã loại giấy tờ kết quả", max_length=80)
    result_document_name = models.CharField("kết quả thực hiện", max_length=500)
    # how long the result stays valid once issued (None: the catalogue does not say; kept without an end in
    # the applicant's data store); its end is the stored copy's valid_until, which the reuse offer reads
    result_valid_months = models.PositiveSmallIntegerField(
        "thời hạn sử dụng của kết quả (tháng)", null=True, blank=True
    )
    legal_basis = models.JSONField("căn cứ pháp lý", default=list)
    content_hash = models.CharField(max_length=64, editable=False, blank=True)
    note = models.TextField("ghi chú", blank=True)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)

    class Meta:
        verbose_name = "phiên bản thủ tục"
        verbose_name_plural = "phiên bản thủ tục"
        ordering = ["procedure__code", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="catalogue_version_number_uniq"),
            models.UniqueConstraint(
                fields=["procedure"], condition=Q(status="published"), name="catalogue_one_published_version"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False), name="catalogue_published_has_date"
            ),
            models.CheckConstraint(
                condition=Q(retired_at__isnull=True) | Q(retired_at__gte=models.F("published_at")),
                name="catalogue_retired_after_published",
            ),
            models.CheckConstraint(
                condition=Q(processing_time_cutoff__isnull=True) | Q(processing_time_unit="same_day"),
                name="catalogue_cutoff_only_same_day",
                violation_error_message="Giờ chốt tiếp nhận chỉ dùng cho thủ tục giải quyết trong ngày.",
            ),
            models.CheckConstraint(
                condition=~Q(processing_time_unit="same_day") | Q(processing_time=1),
                name="catalogue_same_day_is_one",
                violation_error_message="Thủ tục giải quyết trong ngày có thời hạn là 1 (một ngày làm việc).",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number} ({self.get_status_display()})"

    @property
    def statutory_hours(self) -> Decimal:
        """The statutory processing time in working hours, the bound of the internal steps."""
        return statutory_hours(self.processing_time, self.processing_time_unit)

    @property
    def processing_time_display(self) -> str:
        """As form 01 and the pages print it: "5 ngày làm việc", "Trong ngày (...)", "15 ngày"."""
        return processing_time_text(self.processing_time, self.processing_time_unit, self.processing_time_cutoff)

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT


class CompetentAgency(models.Model):
    """Cơ quan có thẩm quyền: a named agency, or, for procedures every commune handles, a level and kind.

    Exactly one of ``agency`` and ``agency_kind`` is set. ``level`` is the level of that agency.
    """

    version = models.ForeignKey(
        ProcedureVersion, verbose_name="phiên bản", on_delete=models.CASCADE, related_name="competent_agencies"
    )
    order = models.PositiveSmallIntegerField("thứ tự", default=1)
    agency = models.ForeignKey(
        "org.Agency", verbose_name="cơ quan", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField("cấp", max_length=20, choices=Level.choices)
    agency_kind = models.CharField(
        "loại cơ quan (mọi cơ quan cùng cấp)", max_length=30, choices=AgencyKind.choices, blank=True
    )
    note = models.CharField("ghi chú", max_length=500, blank=True)

    class Meta:
        verbose_name = "cơ quan có thẩm quyền"
        verbose_name_plural = "cơ quan có thẩm quyền"
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="catalogue_competent_order_uniq"),
            models.CheckConstraint(
                condition=(Q(agency__isnull=False) & Q(agency_kind="")) | (Q(agency__isnull=True) & ~Q(agency_kind="")),
                name="catalogue_competent_agency_or_kind",
            ),
        ]

    def __str__(self) -> str:
        if self.agency_id:
            return str(self.agency)
        return f"{self.get_agency_kind_display()} {self.get_level_display().lower()}"


class ProcedureStep(models.Model):
    """One step of the internal procedure (quy trình nội bộ) with its duration in working hours.

    legal: the sum of step durations may not exceed the statutory time (NĐ 118/2025, the internal
    procedure published with the procedure); checked when a version is saved or published.
    """

    version = models.ForeignKey(
        ProcedureVersion, verbose_name="phiên bản", on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveSmallIntegerField("bước")
    name = models.CharField("nội dung công việc", max_length=500)
    responsible = models.CharField("đơn vị thực hiện", max_length=20, choices=StepResponsible.choices)
    agency = models.ForeignKey(
        "org.Agency",
        verbose_name="cơ quan (liên thông)",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    responsible_label = models.CharField("ghi rõ đơn vị", max_length=300, blank=True)
    staff_role = models.CharField("vai trò", max_length=20, choices=StaffRole.choices)
    duration_hours = models.DecimalField(
        "thời gian (giờ làm việc)", max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal("0.25"))]
    )
    is_inter_agency = models.BooleanField("liên thông", default=False)

    class Meta:
        verbose_name = "bước xử lý"
        verbose_name_plural = "quy trình nội bộ"
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="catalogue_step_order_uniq"),
            models.CheckConstraint(
                condition=(Q(responsible="agency") & Q(agency__isnull=False))
                | (~Q(responsible="agency") & Q(agency__isnull=True)),
                name="catalogue_step_agency_when_named",
            ),
        ]

    def __str__(self) -> str:
        return f"Bước {self.order}: {self.name}"


class RequiredDocument(models.Model):
    """Thành phần hồ sơ. ``document_type_code`` names the kind of paper so that a stored one can be reused
    instead of being asked for again (once-only; TT 01/2023/TT-VPCP Điều 24, kho dữ liệu điện tử)."""

    version = models.ForeignKey(
        ProcedureVersion, verbose_name="phiên bản", on_delete=models.CASCADE, related_name="documents"
    )
    order = models.PositiveSmallIntegerField("thứ tự")
    name = models.CharField("tên giấy tờ", max_length=500)
    mandatory = models.BooleanField("bắt buộc", default=True)
    copies = models.PositiveSmallIntegerField("số bản", default=1)
    form_template = models.CharField("mẫu đơn, tờ khai", max_length=300, blank=True)
    document_type_code = models.SlugField("mã loại giấy tờ", max_length=80)
    note = models.CharField("ghi chú", max_length=500, blank=True)

    class Meta:
        verbose_name = "thành phần hồ sơ"
        verbose_name_plural = "thành phần hồ sơ"
        ordering = ["version", "order"]
        constraints = [models.UniqueConstraint(fields=["version", "order"], name="catalogue_document_order_uniq")]

    def __str__(self) -> str:
        return self.name


class FeeItem(models.Model):
    """Phí or lệ phí: one amount, or a table of amounts by case (``amount_table``), with exemptions."""

    version = models.ForeignKey(
        ProcedureVersion, verbose_name="phiên bản", on_delete=models.CASCADE, related_name="fees"
    )
    order = models.PositiveSmallIntegerField("thứ tự")
    kind = models.CharField("loại", max_length=10, choices=FeeKind.choices)
    name = models.CharField("tên khoản thu", max_length=300)
    amount = models.DecimalField("mức thu (đồng)", max_digits=14, decimal_places=0, null=True, blank=True)
    amount_table = models.JSONField("biểu mức thu", default=list, blank=True)
    description = models.CharField("mô tả", max_length=500, blank=True)
    exemptions = models.CharField("miễn, giảm", max_length=500, blank=True)
    legal_basis = models.CharField("căn cứ", max_length=300, blank=True)

    class Meta:
        verbose_name = "phí, lệ phí"
        verbose_name_plural = "phí, lệ phí"
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="catalogue_fee_order_uniq"),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="catalogue_fee_amount_nonneg"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProcedurePublication(models.Model):
    """A publication of a procedure as the national procedure database (CSDL quốc gia về TTHC) records it:
    the publication decision (quyết định công bố), the latest effective date of the legal bases it
    publishes, and the day it was made public (công khai) on the national database.

    One row per procedure and decision; written by the national import (``cchc.integrations``), read by
    indicators 1.1 and 1.2 of QĐ 766/QĐ-TTg. These are facts about the publication, not the procedure's
    content: they are not versioned with it (a later "công khai" of the same decision updates its row),
    and a procedure not yet in force locally (a draft) still has its publications counted.

    legal: Điều 15 NĐ 63/2010/NĐ-CP (sửa đổi bởi NĐ 48/2013/NĐ-CP và NĐ 92/2017/NĐ-CP): the decision is
    issued at the latest 5 working days (province; 20 for a ministry) before the legal basis takes
    effect, and made public on the national database within 5 working days of its signature.
    """

    procedure = models.ForeignKey(
        Procedure, verbose_name="thủ tục", on_delete=models.CASCADE, related_name="publications"
    )
    decision_number = models.CharField("số, ký hiệu quyết định công bố", max_length=100)
    decision_date = models.DateField("ngày ban hành quyết định công bố")
    decision_issuer = models.CharField("cơ quan ban hành", max_length=300, blank=True)
    legal_basis_effective_date = models.DateField(
        "ngày có hiệu lực muộn nhất của căn cứ pháp lý", null=True, blank=True
    )
    public_date = models.DateField("ngày công khai trên CSDL quốc gia", null=True, blank=True)
    version = models.ForeignKey(
        ProcedureVersion,
        verbose_name="phiên bản ghi nhận",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField("ghi nhận lúc")
    updated_at = models.DateTimeField("cập nhật lúc")

    class Meta:
        verbose_name = "công bố thủ tục (CSDL quốc gia)"
        verbose_name_plural = "công bố thủ tục (CSDL quốc gia)"
        ordering = ["procedure", "decision_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "decision_number"], name="catalogue_publication_decision_uniq"
            ),
        ]
        indexes = [models.Index(fields=["decision_date"], name="catalogue_publication_date_idx")]

    def __str__(self) -> str:
        return f"{self.procedure.code}: {self.decision_number} ngày {self.decision_date:%d/%m/%Y}"
