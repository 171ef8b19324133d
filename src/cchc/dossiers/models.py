"""Dossiers (hồ sơ thủ tục hành chính) of the one-stop-shop and everything recorded on them.

A dossier keeps for ever the procedure version it was filed under. Three agencies are kept apart
(Nghị định 118/2025/NĐ-CP: a dossier may be received regardless of administrative boundary within
the province): where the applicant was helped (``assisted_at``), where it was formally received
(``receiving_agency``, whose unit code starts the dossier code) and the agency competent to decide
(``competent_agency``). Rows are written only by ``cchc.dossiers.services``.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from cchc.catalogue.constants import FeeKind, StaffRole
from cchc.dossiers.constants import (
    AddressStatus,
    ApplicantKind,
    Channel,
    DocumentSource,
    DossierStatus,
    HandoverOutcome,
    IdentityLevel,
    PaymentChannel,
    RatingLevel,
    ResultStatus,
    ResultTemplate,
    StepStatus,
)


class DossierSequence(models.Model):
    """The last dossier number given at one receiving unit on one day (Vietnam time).

    concurrency: the reception transaction takes the next number with one ``INSERT ... ON CONFLICT DO
    UPDATE ... RETURNING`` (``cchc.dossiers.codes.dossier_code_next``), which locks this row until it
    commits, so numbers are unique and gapless even when several desks receive at once.
    """

    unit_code = models.CharField("mã đơn vị tiếp nhận", max_length=40)
    day = models.DateField("ngày tiếp nhận")
    last_value = models.PositiveIntegerField("số cuối cùng", default=0)

    class Meta:
        verbose_name = "số thứ tự hồ sơ trong ngày"
        verbose_name_plural = "số thứ tự hồ sơ trong ngày"
        constraints = [models.UniqueConstraint(fields=["unit_code", "day"], name="dossiers_sequence_unit_day_uniq")]

    def __str__(self) -> str:
        return f"{self.unit_code} {self.day:%d/%m/%Y}: {self.last_value}"


class Dossier(models.Model):
    """Hồ sơ thủ tục hành chính."""

    code = models.CharField("mã hồ sơ", max_length=60, blank=True)
    procedure_version = models.ForeignKey(
        "catalogue.ProcedureVersion", verbose_name="phiên bản thủ tục", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("trạng thái", max_length=40, choices=DossierStatus.choices)
    channel = models.CharField("kênh nộp", max_length=20, choices=Channel.choices)

    applicant_kind = models.CharField("loại người nộp", max_length=20, choices=ApplicantKind.choices)
    applicant_name = models.CharField("tên người nộp / tổ chức", max_length=300)
    applicant_id_number = models.CharField("số định danh / mã số", max_length=30)
    applicant_phone = models.CharField("số điện thoại", max_length=20, blank=True)
    applicant_email = models.EmailField("thư điện tử", blank=True)
    applicant_address = models.CharField("địa chỉ", max_length=500, blank=True)
    # issue 18 item 3: the unit in force today that the address as written (kept unchanged above) belongs to,
    # resolved at creation (``lifecycle.applicants.address_fields``) for the installation's province. A code and
    # a name, not a key: creation stays free of reads (two round trips, test_services_round_trips), and the
    # published code is the resolver's (the registry may still hold a draft code: ``dossiers.addresses``).
    applicant_unit_code = models.CharField("mã đơn vị hành chính hiện nay", max_length=10, blank=True)
    applicant_unit_name = models.CharField("đơn vị hành chính hiện nay", max_length=200, blank=True)
    applicant_address_status = models.CharField(
        "kết quả xác định đơn vị", max_length=20, choices=AddressStatus.choices, blank=True, default=""
    )
    applicant_unit_candidates = models.JSONField(
        "các đơn vị có thể",
        default=list,
        blank=True,
        help_text="Khi địa chỉ ở xã cũ bị chia: các đơn vị nhận (mã, tên), để người chọn; không đoán.",
    )
    applicant_identity = models.CharField(
        "xác thực định danh", max_length=20, choices=IdentityLevel.choices, blank=True, default=""
    )
    notify_channels = models.JSONField(
        "kênh nhận thông báo",
        default=list,
        blank=True,
        help_text="Các kênh người nộp chọn để nhận thông báo (email, sms, zalo); rỗng: không gửi.",
    )

    assisted_at = models.ForeignKey(
        "org.Agency",
        verbose_name="nơi hướng dẫn, hỗ trợ",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # performance: no single-column index on the two agencies: the composite queue indexes below lead
    # with them (every index is paid on every write of this hot table).
    receiving_agency = models.ForeignKey(
        "org.Agency",
        verbose_name="nơi tiếp nhận",
        on_delete=models.PROTECT,
        related_name="dossiers_received",
        db_index=False,
    )
    competent_agency = models.ForeignKey(
        "org.Agency",
        verbose_name="cơ quan có thẩm quyền",
        on_delete=models.PROTECT,
        related_name="dossiers_decided",
        db_index=False,
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người tiếp nhận",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    submitted_at = models.DateTimeField("nộp lúc")
    received_at = models.DateTimeField("tiếp nhận lúc", null=True, blank=True)
    # legal: three appointments are kept apart (NĐ 61/2018/NĐ-CP Điều 19 khoản 1 điểm c, as amended by
    # NĐ 107/2021/NĐ-CP; carried into NĐ 118/2025/NĐ-CP). ``due_at`` is the appointment the applicant
    # holds now (the work queues' order): moved by the applicant's supplement time and by the one
    # apology letter (form 04). ``statutory_due_at`` is the appointment by the statutory processing
    # time, moved only by the supplement time: QĐ 766 (2.1, 5.4), ``is_late`` and the register judge
    # lateness against it, so an extension never makes a late dossier on time. ``original_due_at`` is
    # the one written on the receipt slip (form 01), never moved.
    due_at = models.DateTimeField("hẹn trả kết quả", null=True, blank=True)
    original_due_at = models.DateTimeField("hẹn trả ban đầu (ghi trên giấy tiếp nhận)", null=True, blank=True)
    statutory_due_at = models.DateTimeField("hạn giải quyết theo quy định (tính trễ hạn)", null=True, blank=True)
    processed_at = models.DateTimeField("xử lý xong lúc", null=True, blank=True)
    returned_at = models.DateTimeField("trả kết quả lúc", null=True, blank=True)
    ended_at = models.DateTimeField("kết thúc lúc", null=True, blank=True)
    end_reason = models.TextField("lý do (từ chối, rút, dừng)", blank=True)

    supplement_count = models.PositiveSmallIntegerField("số lần yêu cầu bổ sung", default=0)
    paused_seconds = models.PositiveIntegerField("thời gian tạm dừng (giây làm việc)", default=0)
    resume_status = models.CharField(
        "trạng thái khi tiếp tục", max_length=40, choices=DossierStatus.choices, blank=True
    )
    is_late = models.BooleanField("trễ hạn", default=False)

    class Meta:
        verbose_name = "hồ sơ"
        verbose_name_plural = "hồ sơ"
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="dossiers_dossier_code_uniq"),
            # a dossier has its code from reception on; before it: new, refused, withdrawn, or waiting for
            # a supplement the desk asked before reception
            models.CheckConstraint(
                condition=Q(status="new")
                | Q(status="refused")
                | Q(status="withdrawn")
                | Q(status="supplement_requested", received_at__isnull=True)
                | ~Q(code=""),
                name="dossiers_received_has_code",
            ),
        ]
        indexes = [
            models.Index(fields=["receiving_agency", "status", "due_at"], name="dossiers_receiving_due_idx"),
            models.Index(fields=["competent_agency", "status", "due_at"], name="dossiers_competent_due_idx"),
            # The work queues' order (appointment, code): a page of an open queue reads this index in
            # order and stops after the page instead of sorting every open dossier of the agencies.
            models.Index(
                fields=["due_at", "code", "id"],
                condition=Q(
                    status__in=[
                        "received",
                        "in_process",
                        "supplement_requested",
                        "financial_obligation_requested",
                        "processed",
                    ]
                ),
                name="dossiers_open_due_idx",
            ),
            # Online dossiers waiting at a reception desk ("Mới đăng ký"): the desk's queue and its count.
            models.Index(
                fields=["receiving_agency", "submitted_at"], condition=Q(status="new"), name="dossiers_new_desk_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.code or f"Hồ sơ #{self.pk} (chưa tiếp nhận)"

    @property
    def sync_code(self) -> int:
        return DossierStatus(self.status).sync_code


class DossierStep(models.Model):
    """One step of the dossier's internal procedure, copied from the version, with its deadline."""

    # performance: the unique (dossier, order) and the queue indexes cover the foreign keys; steps are
    # only ever looked up through their dossier or as open steps of an agency / an assignee.
    dossier = models.ForeignKey(
        Dossier, verbose_name="hồ sơ", on_delete=models.CASCADE, related_name="steps", db_index=False
    )
    order = models.PositiveSmallIntegerField("bước")
    name = models.CharField("nội dung công việc", max_length=500)
    agency = models.ForeignKey(
        "org.Agency", verbose_name="cơ quan thực hiện", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    staff_role = models.CharField("vai trò", max_length=20, choices=StaffRole.choices)
    duration_hours = models.DecimalField("thời gian (giờ làm việc)", max_digits=6, decimal_places=2)
    is_inter_agency = models.BooleanField("liên thông", default=False)
    deadline = models.DateTimeField("hạn hoàn thành")
    status = models.CharField("trạng thái", max_length=20, choices=StepStatus.choices, default=StepStatus.PENDING)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người thực hiện",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    started_at = models.DateTimeField("bắt đầu lúc", null=True, blank=True)
    completed_at = models.DateTimeField("hoàn thành lúc", null=True, blank=True)

    class Meta:
        verbose_name = "bước xử lý hồ sơ"
        verbose_name_plural = "các bước xử lý hồ sơ"
        ordering = ["dossier", "order"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "order"], name="dossiers_step_order_uniq"),
            models.UniqueConstraint(fields=["dossier"], condition=Q(status="active"), name="dossiers_one_active_step"),
        ]
        indexes = [
            models.Index(fields=["assignee", "status"], name="dossiers_step_assignee_idx"),
            # The work queues ask "does this dossier have an open step at my agency?".
            models.Index(
                fields=["agency", "dossier"],
                condition=Q(status__in=["active", "pending"]),
                name="dossiers_step_open_agency_idx",
            ),
            # "Mine": the active steps assigned to an officer, read from the index alone.
            models.Index(
                fields=["assignee", "agency", "dossier"],
                condition=Q(status="active"),
                name="dossiers_step_active_mine_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Bước {self.order}: {self.name}"


class Handover(models.Model):
    """One hand-over between steps: a line of the process-control sheet (form 06, TT 03/2025)."""

    # performance: hand-overs are read only through their dossier (the process-control sheet), so only
    # ``dossier`` is indexed; accounts and agencies are deactivated or ended, never deleted.
    dossier = models.ForeignKey(Dossier, verbose_name="hồ sơ", on_delete=models.CASCADE, related_name="handovers")
    step = models.ForeignKey(
        DossierStep, verbose_name="bước bàn giao", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    giver = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người giao", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    giver_agency = models.ForeignKey(
        "org.Agency", verbose_name="cơ quan giao", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    receiver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người nhận",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    receiver_agency = models.ForeignKey(
        "org.Agency",
        verbose_name="cơ quan nhận",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    at = models.DateTimeField("thời điểm bàn giao")
    deadline = models.DateTimeField("hạn của bước")
    outcome = models.CharField("kết quả", max_length=10, choices=HandoverOutcome.choices)
    note = models.CharField("ghi chú", max_length=500, blank=True)

    class Meta:
        verbose_name = "bàn giao"
        verbose_name_plural = "phiếu kiểm soát quá trình (bàn giao)"
        ordering = ["dossier", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.dossier} — {self.step.name} ({self.get_outcome_display()})"


class SupplementRequest(models.Model):
    """Yêu cầu bổ sung (form 02): pauses the clock from ``requested_at`` until ``resumed_at``; asked
    before reception (``before_reception``) it only holds the online dossier until it is completed."""

    dossier = models.ForeignKey(Dossier, verbose_name="hồ sơ", on_delete=models.CASCADE, related_name="supplements")
    requested_at = models.DateTimeField("yêu cầu lúc")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người yêu cầu", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField("nội dung cần bổ sung")
    resumed_at = models.DateTimeField("nộp bổ sung lúc", null=True, blank=True)
    paused_seconds = models.PositiveIntegerField("thời gian tạm dừng (giây làm việc)", default=0)
    # asked before reception (the clock had not started): never counted as a supplement request of
    # processing (QĐ 766: "more than one makes it late") nor as paused time (2.2)
    before_reception = models.BooleanField("yêu cầu trước khi tiếp nhận", default=False)

    class Meta:
        verbose_name = "yêu cầu bổ sung"
        verbose_name_plural = "yêu cầu bổ sung"
        ordering = ["dossier", "requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"], condition=Q(resumed_at__isnull=True), name="dossiers_one_open_supplement"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier}: {self.requested_at:%d/%m/%Y %H:%M}"


class Extension(models.Model):
    """Văn bản xin lỗi và đề nghị gia hạn (form 04): a new, later appointment with the reason."""

    dossier = models.ForeignKey(Dossier, verbose_name="hồ sơ", on_delete=models.CASCADE, related_name="extensions")
    at = models.DateTimeField("lập lúc")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người lập", on_delete=models.PROTECT, related_name="+"
    )
    previous_due_at = models.DateTimeField("hẹn trả trước đó")
    new_due_at = models.DateTimeField("hẹn trả mới")
    reason = models.TextField("lý do")

    class Meta:
        verbose_name = "xin lỗi và gia hạn"
        verbose_name_plural = "xin lỗi và gia hạn"
        ordering = ["dossier", "at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(new_due_at__gt=models.F("previous_due_at")), name="dossiers_extension_later"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier}: {self.new_due_at:%d/%m/%Y %H:%M}"


class FeeLine(models.Model):
    """A fee (phí or lệ phí) of the dossier, copied from the version's fee items at reception.

    ``amount`` is empty while it depends on the case (a table of amounts); the officer fixes it when
    requesting the financial obligation.
    """

    dossier = models.ForeignKey(
        Dossier, verbose_name="hồ sơ", on_delete=models.CASCADE, related_name="fee_lines", db_index=False
    )  # the unique (dossier, order) covers it
    order = models.PositiveSmallIntegerField("thứ tự")
    kind = models.CharField("loại", max_length=10, choices=FeeKind.choices)
    name = models.CharField("tên khoản thu", max_length=300)
    amount = models.DecimalField("số tiền (đồng)", max_digits=14, decimal_places=0, null=True, blank=True)

    class Meta:
        verbose_name = "khoản phí, lệ phí"
        verbose_name_plural = "phí, lệ phí của hồ sơ"
        ordering = ["dossier", "order"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "order"], name="dossiers_fee_line_order_uniq"),
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gte=0), name="dossiers_fee_nonneg"),
        ]

    def __str__(self) -> str:
        return self.name


class Payment(models.Model):
    """A payment towards the dossier's fees (the gateway itself comes later; its records land here)."""

    dossier = models.ForeignKey(Dossier, verbose_name="hồ sơ", on_delete=models.CASCADE, related_name="payments")
    amount = models.DecimalField("số tiền (đồng)", max_digits=14, decimal_places=0)
    channel = models.CharField("hình thức", max_length=20, choices=PaymentChannel.choices)
    paid_at = models.DateTimeField("thanh toán lúc")
    receipt_number = models.CharField("số biên lai", max_length=60)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người ghi nhận",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "thanh toán"
        verbose_name_plural = "thanh toán"
        ordering = ["dossier", "paid_at"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "receipt_number"], name="dossiers_payment_receipt_uniq"),
            models.CheckConstraint(condition=Q(amount__gt=Decimal(0)), name="dossiers_payment_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_number}: {self.amount}"


def _document_path(instance: DossierDocument, filename: str) -> str:
    # the stored name never comes from the applicant: dossier id + content hash + the sniffed extension
    return f"dossiers/{instance.dossier_id}/{instance.sha256[:16]}{instance.extension}"


class DossierDocument(models.Model):
    """A component of the dossier (thành phần hồ sơ): an uploaded file, a paper checked at the counter,
    or a document reused from the data store (once-only: TT 01/2023/TT-VPCP Điều 24).

    ``required_document`` ties it to the catalogue line it answers (empty for an extra paper);
    ``content_type`` is what the file's content says it is, never the name the applicant gave.
    """

    dossier = models.ForeignKey(Dossier, verbose_name="hồ sơ", on_delete=models.CASCADE, related_name="documents")
    required_document = models.ForeignKey(
        "catalogue.RequiredDocument",
        verbose_name="thành phần theo danh mục",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    order = models.PositiveSmallIntegerField("thứ tự")
    name = models.CharField("tên giấy tờ", max_length=500)
    document_type_code = models.SlugField("mã loại giấy tờ", max_length=80, blank=True)
    source = models.CharField("hình thức", max_length=10, choices=DocumentSource.choices)
    copies = models.PositiveSmallIntegerField("số bản", default=1)
    file = models.FileField("tệp", upload_to=_document_path, max_length=200, blank=True)
    original_name = models.CharField("tên tệp gốc", max_length=255, blank=True)
    content_type = models.CharField("kiểu nội dung", max_length=100, blank=True)
    extension = models.CharField("phần mở rộng", max_length=10, blank=True)
    size = models.PositiveIntegerField("kích thước (byte)", default=0)
    sha256 = models.CharField("mã băm SHA-256", max_length=64, blank=True)
    recorded_at = models.DateTimeField("ghi nhận lúc")
    # the copy in the data store: digitised at reception (TT 01/2023/TT-VPCP Điều 4-5) or reused (Điều 24)
    stored_document = models.ForeignKey(
        "records.StoredDocument",
        verbose_name="bản trong kho dữ liệu",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người ghi nhận",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "thành phần hồ sơ đã nộp"
        verbose_name_plural = "thành phần hồ sơ đã nộp"
        ordering = ["dossier", "order"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "order"], name="dossiers_document_order_uniq"),
            models.CheckConstraint(
                condition=~Q(source="upload") | (~Q(sha256="") & Q(size__gt=0)),
                name="dossiers_document_upload_has_file",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DossierRating(models.Model):
    """The applicant's rating once the result is returned (one per dossier).

    legal: QĐ 766/QĐ-TTg indicator 5.4 counts a "không hài lòng" as a dissatisfied dossier.
    """

    dossier = models.OneToOneField(Dossier, verbose_name="hồ sơ", on_delete=models.CASCADE, related_name="rating")
    level = models.CharField("mức độ hài lòng", max_length=20, choices=RatingLevel.choices)
    criteria = models.JSONField("đánh giá theo tiêu chí", default=dict, blank=True)
    comment = models.TextField("ý kiến", blank=True)
    rated_at = models.DateTimeField("đánh giá lúc", db_index=True)

    class Meta:
        verbose_name = "đánh giá hài lòng"
        verbose_name_plural = "đánh giá hài lòng"
        ordering = ["-rated_at"]

    def __str__(self) -> str:
        return f"{self.dossier}: {self.get_level_display()}"

    @property
    def dissatisfied(self) -> bool:
        return self.level == RatingLevel.DISSATISFIED


def _result_path(instance: ResultDocument, filename: str) -> str:
    # never a name from the uploader: dossier id + the result's random token (+ "-ky-so" when signed)
    return f"results/{instance.dossier_id}/{filename}"


class ResultDocument(models.Model):
    """An electronic result of a dossier (kết quả giải quyết điện tử; issue 16 item 1): the PDF the
    competent agency attached, and the same PDF signed with the agency's digital signature by the outbox
    subscriber ``dossiers.results.sign``.

    legal: Nghị định 23/2025/NĐ-CP (chữ ký số chuyên dùng công vụ of the agency); Luật Giao dịch điện tử
    2023 Điều 22-23 (a signed electronic document has the effect of the agency's sealed paper); NĐ 118/2025
    (the result is returned through the one-stop desk, in electronic form where the procedure allows);
    NĐ 30/2020 Phụ lục I (the signature block). ``token``: the random part of the public verification
    address printed in the QR code (issue 16 item 2); ``signed_sha256``: the hash of the signed file the
    verification page checks the stored file against.
    """

    dossier = models.ForeignKey(Dossier, verbose_name="hồ sơ", on_delete=models.CASCADE, related_name="results")
    title = models.CharField("tên kết quả", max_length=300)
    status = models.CharField("trạng thái", max_length=10, choices=ResultStatus.choices, default=ResultStatus.PENDING)
    token = models.CharField("mã xác minh", max_length=43, unique=True)
    agency = models.ForeignKey("org.Agency", verbose_name="cơ quan ký", on_delete=models.PROTECT, related_name="+")
    original = models.FileField("tệp đính kèm", upload_to=_result_path, max_length=200)
    original_sha256 = models.CharField("mã băm SHA-256 tệp đính kèm", max_length=64)
    size = models.PositiveIntegerField("kích thước (byte)")
    attached_at = models.DateTimeField("đính kèm lúc")
    attached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người đính kèm", on_delete=models.PROTECT, related_name="+"
    )
    signed = models.FileField("tệp đã ký số", upload_to=_result_path, max_length=200, blank=True)
    signed_sha256 = models.CharField("mã băm SHA-256 tệp đã ký", max_length=64, blank=True)
    signed_at = models.DateTimeField("ký số lúc", null=True, blank=True)
    signer_name = models.CharField("ký bởi", max_length=300, blank=True)
    failure = models.CharField("lý do ký số không thành công", max_length=500, blank=True)
    ended_at = models.DateTimeField("thay thế / thu hồi lúc", null=True, blank=True)
    # generated from a template (issue 16 item 1): which one, and the number in the agency's register
    template = models.CharField("tạo từ mẫu", max_length=20, choices=ResultTemplate.choices, blank=True)
    number = models.CharField("số, ký hiệu", max_length=60, blank=True)
    # revoked by the competent agency's leader (the action revoke_result)
    revoked_reason = models.CharField("lý do thu hồi", max_length=1000, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người thu hồi",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    # an electronic certified copy (chứng thực bản sao điện tử từ bản chính): its number in the agency's
    # certification register of the year (số chứng thực, NĐ 23/2015/NĐ-CP; CertificationSequence)
    certification_number = models.PositiveIntegerField("số chứng thực", null=True, blank=True)
    certification_year = models.PositiveSmallIntegerField("năm của sổ chứng thực", null=True, blank=True)

    class Meta:
        verbose_name = "kết quả điện tử"
        verbose_name_plural = "kết quả điện tử"
        ordering = ["dossier", "attached_at", "pk"]
        indexes = [models.Index(fields=["dossier", "status"], name="dossiers_result_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="signed") | (~Q(signed_sha256="") & Q(signed_at__isnull=False)),
                name="dossiers_result_signed_has_hash",
            ),
            models.UniqueConstraint(
                fields=["agency", "certification_year", "certification_number"],
                condition=Q(certification_number__isnull=False),
                name="dossiers_result_certification_uniq",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier}: {self.title}"


class CertificationSequence(models.Model):
    """The last number an agency gave in its certification register (sổ chứng thực bản sao) of a year.

    legal: Nghị định 23/2015/NĐ-CP (as amended) and Thông tư 01/2020/TT-BTP: every certification is
    recorded in the register with its certification number (số chứng thực), numbered in sequence within the
    year. Chosen here: one register per agency per calendar year (Vietnam time), numbers from 1 without
    gaps, shared by every electronic certified copy of the agency (the paper certifications of the desk are
    kept in their own paper book, outside this platform). To number per book instead (a new book when one
    is full), add the book to the key and to :func:`cchc.dossiers.results.certified.certification_number_next`.

    concurrency: the next number is taken with one ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` (as
    ``cchc.records.models.DigitisationSequence``): the row stays locked until the certifying transaction
    ends, so two officers certifying at once get two consecutive numbers, and a rolled-back certification
    gives its number back.
    """

    agency = models.ForeignKey("org.Agency", verbose_name="cơ quan", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("năm")
    last_value = models.PositiveIntegerField("số cuối cùng", default=0)

    class Meta:
        verbose_name = "sổ chứng thực điện tử"
        verbose_name_plural = "sổ chứng thực điện tử"
        constraints = [models.UniqueConstraint(fields=["agency", "year"], name="dossiers_certification_sequence_uniq")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.year}: {self.last_value}"
