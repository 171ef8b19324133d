"""Rollups of the indicator engine: per-dossier facts and pre-aggregated counters (see :mod:`.rollups`).

Nothing here is a record of its own: every row is derived from the dossier tables and can be rebuilt
from them (``cchc indicators rebuild``). Foreign keys carry no database constraint, so the tables can
be truncated and reloaded set-based without touching the dossiers.
"""

from __future__ import annotations

from django.db import models


class Grain(models.TextChoices):
    DAY = "d", "Ngày"
    MONTH = "m", "Tháng"
    YEAR = "y", "Năm"


def _fk(model: str, name: str, *, index: bool = False) -> models.ForeignKey:  # type: ignore[type-arg]
    return models.ForeignKey(
        model,
        verbose_name=name,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=index,
        related_name="+",
    )


class DossierFact(models.Model):
    """One received dossier, as the indicators see it now (``selectors.dossier_facts``), with its
    moments cut to Vietnam days."""

    dossier = models.OneToOneField(
        "dossiers.Dossier",
        verbose_name="hồ sơ",
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    agency = _fk("org.Agency", "cơ quan có thẩm quyền")
    procedure = _fk("catalogue.Procedure", "thủ tục")
    field = _fk("catalogue.Field", "lĩnh vực")
    received_at = models.DateTimeField("tiếp nhận lúc", db_index=True)
    received_day = models.DateField("ngày tiếp nhận")
    end_at = models.DateTimeField("kết thúc xử lý lúc", null=True, db_index=True)
    end_day = models.DateField("ngày kết thúc xử lý", null=True)
    stop_at = models.DateTimeField("hết đúng hạn lúc", null=True, db_index=True)  # max(received, min(end, due))
    stop_day = models.DateField("ngày hết đúng hạn", null=True)
    le1 = models.BooleanField("không quá một lần bổ sung")
    online = models.BooleanField("nộp trực tuyến")
    upload = models.BooleanField("có thành phần số hóa")
    reused = models.BooleanField("có thành phần tái sử dụng")
    synced = models.BooleanField("đã đồng bộ lên Cổng DVCQG", default=False)  # a DossierSync row (1.4)
    # the applicant signed in with an electronic identity account (Dossier.applicant_identity, 4.5b)
    identified = models.BooleanField("người nộp xác thực định danh điện tử", default=False)
    # a component holding a file: uploaded, reused or digitised at the counter (4.2)
    digitised = models.BooleanField("có thành phần đã số hóa", default=False)
    # an electronic result in the signed state (dossiers.ResultDocument «Đã ký số»; 4.1, 4.2)
    result_signed = models.BooleanField("có kết quả điện tử đã ký số", default=False)
    fee = models.BooleanField("có phí, lệ phí")
    paid_online = models.BooleanField("thanh toán trực tuyến")
    dissatisfied = models.BooleanField("không hài lòng")
    processed = models.BooleanField("đã xử lý xong")
    end_on_time = models.BooleanField("kết thúc đúng hạn")  # le1 and (no due or end <= due)
    elapsed_us = models.BigIntegerField("xử lý (micro giây)")  # processed - received, when processed
    paused_us = models.BigIntegerField("tạm dừng bổ sung (micro giây)")  # supplements resumed <= processed

    class Meta:
        verbose_name = "dữ kiện hồ sơ (chỉ số)"
        verbose_name_plural = "dữ kiện hồ sơ (chỉ số)"

    def __str__(self) -> str:
        return f"Dữ kiện hồ sơ #{self.pk}"


class PaymentFact(models.Model):
    """One payment through the online gateway, with its dossier's agency, procedure and field."""

    payment = models.OneToOneField(
        "dossiers.Payment",
        verbose_name="thanh toán",
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    dossier = _fk("dossiers.Dossier", "hồ sơ", index=True)
    agency = _fk("org.Agency", "cơ quan có thẩm quyền")
    procedure = _fk("catalogue.Procedure", "thủ tục")
    field = _fk("catalogue.Field", "lĩnh vực")
    paid_at = models.DateTimeField("thanh toán lúc", db_index=True)
    paid_day = models.DateField("ngày thanh toán")

    class Meta:
        verbose_name = "dữ kiện thanh toán trực tuyến"
        verbose_name_plural = "dữ kiện thanh toán trực tuyến"

    def __str__(self) -> str:
        return f"Thanh toán trực tuyến #{self.pk}"


ROLLUP_COUNTERS = (
    # by received day
    "received",
    "received_online",
    "received_upload",
    "received_reused",
    "received_synced",
    "received_identified",
    "received_digitised_result",
    "received_fee",
    "received_fee_paid",
    "received_le1",
    "completed",
    "completed_result",
    "completed_elapsed_us",
    "completed_paused_us",
    # by end-of-processing day
    "ended",
    "ended_on_time",
    "ended_satisfied",
    # by the day a dossier with at most one supplement stops being "in process on time"
    "stopped_le1",
    # by paid day (payments through the online gateway)
    "paid_online",
)


class RollupCounters(models.Model):
    """The counters both rollup tables keep (:data:`ROLLUP_COUNTERS`)."""

    received = models.BigIntegerField(default=0)
    received_online = models.BigIntegerField(default=0)
    received_upload = models.BigIntegerField(default=0)
    received_reused = models.BigIntegerField(default=0)
    received_synced = models.BigIntegerField(default=0)
    received_identified = models.BigIntegerField(default=0)
    received_digitised_result = models.BigIntegerField(default=0)  # 4.2: digitised component and signed result
    received_fee = models.BigIntegerField(default=0)
    received_fee_paid = models.BigIntegerField(default=0)
    received_le1 = models.BigIntegerField(default=0)
    completed = models.BigIntegerField(default=0)
    completed_result = models.BigIntegerField(default=0)  # 4.1: processed with a signed electronic result
    completed_elapsed_us = models.BigIntegerField(default=0)
    completed_paused_us = models.BigIntegerField(default=0)
    ended = models.BigIntegerField(default=0)
    ended_on_time = models.BigIntegerField(default=0)
    ended_satisfied = models.BigIntegerField(default=0)
    stopped_le1 = models.BigIntegerField(default=0)
    paid_online = models.BigIntegerField(default=0)

    class Meta:
        abstract = True


class IndicatorRollup(RollupCounters):
    """Counters of one (grain, bucket, competent agency, procedure, field): sums of :class:`DossierFact`
    and :class:`PaymentFact` rows whose moment falls in the bucket (a Vietnam day, month or year)."""

    grain = models.CharField("độ chi tiết", max_length=1, choices=Grain.choices)
    bucket = models.DateField("ngày đầu kỳ")
    agency = _fk("org.Agency", "cơ quan có thẩm quyền")
    procedure = _fk("catalogue.Procedure", "thủ tục")
    field = _fk("catalogue.Field", "lĩnh vực")

    class Meta:
        verbose_name = "số liệu tổng hợp chỉ số"
        verbose_name_plural = "số liệu tổng hợp chỉ số"
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "bucket", "agency", "procedure", "field"], name="indicator_rollup_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_grain_display()} {self.bucket:%d/%m/%Y}: cơ quan {self.agency_id}, TTHC {self.procedure_id}"


class AgencyRollup(RollupCounters):
    """The counters of :class:`IndicatorRollup` summed over procedures and fields, per (grain, bucket,
    competent agency): what the province and any scope of agencies read (a few rows per agency and
    bucket, whatever the number of dossiers). Kept in the same statements as :class:`IndicatorRollup`."""

    grain = models.CharField("độ chi tiết", max_length=1, choices=Grain.choices)
    bucket = models.DateField("ngày đầu kỳ")
    agency = _fk("org.Agency", "cơ quan có thẩm quyền")

    class Meta:
        verbose_name = "số liệu tổng hợp theo cơ quan"
        verbose_name_plural = "số liệu tổng hợp theo cơ quan"
        constraints = [models.UniqueConstraint(fields=["grain", "bucket", "agency"], name="agency_rollup_key")]

    def __str__(self) -> str:
        return f"{self.get_grain_display()} {self.bucket:%d/%m/%Y}: cơ quan {self.agency_id}"


class RollupState(models.Model):
    """The one row saying up to which audit event the rollups are up to date (the catch-up's watermark)
    and which outbox event they applied last (the subscriber's mark, for the dashboards' freshness)."""

    last_sequence = models.BigIntegerField("sự kiện nhật ký cuối đã áp dụng", default=0)
    rebuilt_at = models.DateTimeField("dựng lại lúc", null=True)
    refreshed_at = models.DateTimeField("cập nhật lúc", null=True)
    # the highest outbox event id the rollups include (applied, or read by a rebuild or a catch-up)
    applied_event_id = models.BigIntegerField("sự kiện outbox cuối đã áp dụng", default=0)

    class Meta:
        verbose_name = "trạng thái số liệu tổng hợp"
        verbose_name_plural = "trạng thái số liệu tổng hợp"

    def __str__(self) -> str:
        return f"Số liệu tổng hợp đến sự kiện #{self.last_sequence}"
