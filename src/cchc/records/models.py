"""The data store (kho quản lý dữ liệu điện tử của tổ chức, cá nhân): documents kept for their owner and
reused by later dossiers (once-only).

legal: Nghị định 45/2020/NĐ-CP Điều 25; Thông tư 01/2023/TT-VPCP Điều 4-5 (digitisation result) and Điều 24.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from cchc.records.constants import OwnerKind, StoredSource


def _stored_path(instance: StoredDocument, filename: str) -> str:
    return f"records/{instance.owner_id_number[-3:]}/{filename}"


class DigitisationSequence(models.Model):
    """The last digitisation number given under one prefix (an agency's code) on one day (Vietnam time).

    concurrency: the next number is taken with one ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``
    (``cchc.records.services.digitisation_code_next``), which locks this row until the caller's
    transaction ends: numbers are unique and gapless when several desks digitise at once.
    """

    prefix = models.CharField("mã cơ quan", max_length=60)
    day = models.DateField("ngày")
    last_value = models.PositiveIntegerField("số cuối cùng", default=0)

    class Meta:
        verbose_name = "số thứ tự số hóa trong ngày"
        verbose_name_plural = "số thứ tự số hóa trong ngày"
        constraints = [models.UniqueConstraint(fields=["prefix", "day"], name="records_sequence_prefix_day_uniq")]

    def __str__(self) -> str:
        return f"{self.prefix} {self.day:%d/%m/%Y}: {self.last_value}"


class StoredDocument(models.Model):
    """One document in a person's or an organisation's data store.

    ``owner_id_number``: the 12-digit personal identification number, or an organisation's tax code;
    ``document_type_code``: the catalogue's ``RequiredDocument.document_type_code``, the key of once-only;
    ``valid_until`` empty: no end of validity. ``source_dossier_id`` / ``source_dossier_code``: plain values
    (the store sits below the one-stop-shop and does not point into it). ``withdrawn_at``: the citizen
    deleted their copy, or staff marked it not acceptable (``withdrawn_reason``); ``superseded_by``: a newer
    copy of the same document type replaced it. Neither is offered for reuse again.
    """

    owner_id_number = models.CharField("số định danh / mã số thuế của chủ sở hữu", max_length=14, db_index=True)
    owner_kind = models.CharField("loại chủ sở hữu", max_length=15, choices=OwnerKind.choices)
    document_type_code = models.SlugField("mã loại giấy tờ", max_length=80)
    name = models.CharField("tên giấy tờ", max_length=500)
    issuing_body = models.CharField("cơ quan cấp", max_length=300, blank=True)
    issued_on = models.DateField("ngày cấp", null=True, blank=True)
    valid_until = models.DateField("hiệu lực đến", null=True, blank=True)
    file = models.FileField("tệp", upload_to=_stored_path, max_length=200)
    sha256 = models.CharField("mã băm SHA-256", max_length=64)
    size = models.PositiveIntegerField("kích thước (byte)")
    content_type = models.CharField("kiểu nội dung", max_length=100)
    source = models.CharField("nguồn", max_length=10, choices=StoredSource.choices)
    digitisation_code = models.CharField("mã kết quả số hóa", max_length=80, blank=True)
    source_dossier_id = models.BigIntegerField("hồ sơ nguồn (id)", null=True, blank=True)
    source_dossier_code = models.CharField("mã hồ sơ nguồn", max_length=60, blank=True)
    created_at = models.DateTimeField("tạo lúc")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người tạo",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField("thu hồi lúc", null=True, blank=True)
    withdrawn_reason = models.CharField("lý do thu hồi", max_length=500, blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="cán bộ đánh dấu không được chấp nhận",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    superseded_by = models.ForeignKey(
        "self", verbose_name="được thay bằng", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "giấy tờ trong kho dữ liệu"
        verbose_name_plural = "giấy tờ trong kho dữ liệu"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["owner_id_number", "document_type_code"],
                name="records_reuse_idx",
                condition=Q(withdrawn_at__isnull=True, superseded_by__isnull=True),
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["digitisation_code"], name="records_digitisation_code_uniq", condition=~Q(digitisation_code="")
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.owner_id_number})"


class StoredDocumentAccess(models.Model):
    """One opening or download of a stored document: who (a staff user, or a citizen's id number), when,
    and why (the dossier it was opened for, if any). legal: Luật Bảo vệ dữ liệu cá nhân 2025 / NĐ 13/2023
    Điều 27 (the controller records the processing of personal data)."""

    document = models.ForeignKey(StoredDocument, verbose_name="giấy tờ", on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField("lúc")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="cán bộ",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    citizen_id_number = models.CharField("số định danh của công dân", max_length=14, blank=True)
    dossier_id = models.BigIntegerField("vì hồ sơ (id)", null=True, blank=True)

    class Meta:
        verbose_name = "lượt truy cập kho dữ liệu"
        verbose_name_plural = "lượt truy cập kho dữ liệu"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.document_id} {self.at:%d/%m/%Y %H:%M}"
