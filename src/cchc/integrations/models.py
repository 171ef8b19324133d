"""What the connections record: every call to a partner (:class:`Attempt`) and, per dossier, what the
national portal has acknowledged (:class:`DossierSync`)."""

from __future__ import annotations

from django.db import models

from cchc.integrations.constants import Outcome, Partner

# What an attempt keeps of a request or an answer (characters): enough to read the error, bounded rows.
BODY_LIMIT = 20_000


class Attempt(models.Model):
    """One call to a partner: the request, the answer, how long it took and how it ended.

    Written by :class:`cchc.integrations.client.PartnerClient` after each call. An outbox handler's
    writes are kept only when it returns (``cchc.outbox``: a raising handler's savepoint is rolled
    back), so the adapters return their failures to the outbox instead of raising them, and the
    attempt of a failed call stays on record."""

    partner = models.CharField("hệ thống", max_length=20, choices=Partner.choices)
    operation = models.CharField("dịch vụ", max_length=64)  # the protocol's service name (DongBoHoSoMC …)
    idempotency_key = models.CharField("khóa chống trùng", max_length=128, blank=True)
    subject = models.CharField("đối tượng", max_length=128, blank=True)  # "dossier:12", "procedure:1.000123"
    event_id = models.BigIntegerField("sự kiện", null=True, blank=True)  # the outbox event, when one fed it
    started_at = models.DateTimeField("bắt đầu")
    duration_ms = models.PositiveIntegerField("thời gian (ms)", default=0)
    url = models.CharField("địa chỉ", max_length=500, blank=True)
    request_body = models.TextField("yêu cầu", blank=True)
    status_code = models.PositiveSmallIntegerField("mã HTTP", null=True, blank=True)
    response_body = models.TextField("trả lời", blank=True)
    outcome = models.CharField("kết quả", max_length=10, choices=Outcome.choices)
    error_code = models.CharField("mã lỗi", max_length=64, blank=True)
    error = models.TextField("lỗi", blank=True)

    class Meta:
        verbose_name = "lần gọi hệ thống quốc gia"
        verbose_name_plural = "nhật ký gọi hệ thống quốc gia"
        indexes = [
            models.Index(fields=["partner", "started_at"], name="integr_attempt_partner_idx"),
            models.Index(fields=["subject", "started_at"], name="integr_attempt_subject_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_partner_display()} · {self.operation} · {self.get_outcome_display()}"


class DossierSync(models.Model):
    """What the national portal holds of one dossier, as it acknowledged it: the fact QĐ 766 indicator
    1.4 (DOSSIER_SYNC) counts ("hồ sơ đã đồng bộ"). Written by the national portal adapter when the
    portal acknowledges an event of the dossier."""

    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="national_sync", verbose_name="hồ sơ"
    )
    first_synced_at = models.DateTimeField("đồng bộ lần đầu")
    synced_at = models.DateTimeField("đồng bộ gần nhất")
    last_event_id = models.BigIntegerField("sự kiện gần nhất đã đồng bộ")
    status_code = models.PositiveSmallIntegerField("TrangThaiHoSo đã đồng bộ")
    sent = models.PositiveIntegerField("số lần gửi thành công", default=0)

    class Meta:
        verbose_name = "đồng bộ hồ sơ lên Cổng DVCQG"
        verbose_name_plural = "đồng bộ hồ sơ lên Cổng DVCQG"

    def __str__(self) -> str:
        return f"{self.dossier_id} → {self.status_code}"
