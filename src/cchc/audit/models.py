"""The append-only audit trail: one hash-chained event per audited write.

Each event records who did what to which record, when, with the record's state before and after,
and the request it came from. Event N stores the HMAC-SHA256, under a key kept outside the database
(``key_id`` names it: cchc.audit.keys), of its own canonical serialisation plus the hash of event N-1
(event 1 chains to a fixed genesis value), so changing, removing or reordering any stored event breaks
the chain from that point on, and recomputing the later hashes needs the key (see ``audit_verify``).

Events are written only by ``cchc.audit.services.audit_record``; the model refuses updates and
deletes, from an instance or a queryset.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models

from cchc.audit.canonical import chain_hash, utc_iso


class AppendOnlyError(Exception):
    """An attempt to change or delete a recorded audit event.

    Not a :class:`cchc.common.errors.DomainError`: no user request can ask for it, only code that
    tries to rewrite the trail, so it is an integrity error (a defect to fix, answered as a server
    error and logged), never a refusal shown with a status.
    """

    code = "audit_append_only"

    def __init__(self, message: str = "Nhật ký kiểm toán chỉ được ghi thêm, không được sửa hoặc xóa.") -> None:
        super().__init__(message)


class UnknownAuditKey(Exception):
    """An event names a key that is not in CCHC_AUDIT_KEYS.

    Not a :class:`cchc.common.errors.DomainError`: a fault of the deployment's configuration (the key
    ring), not a refusal of what a user asked.
    """

    code = "audit_unknown_key"

    def __init__(self, key_id: str) -> None:
        super().__init__(f"Khóa nhật ký «{key_id}» không có trong CCHC_AUDIT_KEYS.")
        self.key_id = key_id


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError()

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError()

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise AppendOnlyError()

    def for_target(self, target: models.Model) -> AuditEventQuerySet:
        return self.filter(target_type=ContentType.objects.get_for_model(target), target_id=str(target.pk))


class AuditEvent(models.Model):
    """Sự kiện nhật ký kiểm toán: one audited write, chained by hash to the one before."""

    sequence = models.PositiveBigIntegerField("số thứ tự", unique=True, editable=False)
    at = models.DateTimeField("thời điểm", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người thực hiện",
        null=True,
        blank=True,
        # an account that acted is deactivated, never deleted: its events must keep pointing at it
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    actor_label = models.CharField("người thực hiện (tên)", max_length=150)
    action = models.CharField("hành động", max_length=100)
    target_type = models.ForeignKey(
        ContentType, verbose_name="loại đối tượng", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    target_id = models.CharField("mã đối tượng", max_length=64)
    target_label = models.CharField("đối tượng", max_length=300)
    before = models.JSONField("trước", null=True, blank=True)
    after = models.JSONField("sau", null=True, blank=True)
    request_id = models.CharField("mã yêu cầu", max_length=128, blank=True)
    # performance: the hashes are not indexed. Random 64-character keys make every append touch a
    # random page of each index (and of its pattern-ops twin): at millions of events that was most of
    # the cost of an audited write. The chain's integrity rests on the append lock, the unique
    # ``sequence`` (no two events at one position) and ``audit_verify`` (each link recomputed).
    prev_hash = models.CharField("mã băm sự kiện trước", max_length=64, editable=False)
    hash = models.CharField("mã băm", max_length=64, editable=False)
    # the id of the HMAC key of ``hash`` (cchc.audit.keys); empty: an unkeyed event written before the chain
    # was keyed, accepted only up to CCHC_AUDIT_UNKEYED_UNTIL
    key_id = models.CharField("mã khóa", max_length=32, blank=True, default="", editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "sự kiện nhật ký"
        verbose_name_plural = "nhật ký kiểm toán"
        ordering = ["sequence"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "sequence"], name="audit_event_target_idx"),
            models.Index(fields=["action"], name="audit_event_action_idx"),
            models.Index(fields=["request_id"], name="audit_event_request_idx"),
        ]
        constraints = [models.CheckConstraint(condition=models.Q(sequence__gte=1), name="audit_event_sequence_gte_1")]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.target_label}"

    # --- append-only -------------------------------------------------------------------------

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding or kwargs.get("force_update"):
            raise AppendOnlyError()
        if not self.hash or self.hash != self.compute_hash():
            raise AppendOnlyError("Sự kiện nhật ký chỉ được ghi qua audit_record (mã băm không khớp chuỗi).")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError()

    # --- the chain ---------------------------------------------------------------------------

    def hash_payload(self) -> dict[str, Any]:
        """The fields the hash covers; the target type by natural key (ids differ between databases)."""
        ct = ContentType.objects.get_for_id(self.target_type_id)
        return {
            "sequence": self.sequence,
            "at": utc_iso(self.at),
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "target_type": f"{ct.app_label}.{ct.model}",
            "target_id": self.target_id,
            "target_label": self.target_label,
            "before": self.before,
            "after": self.after,
            "request_id": self.request_id,
        }

    def compute_hash(self) -> str:
        """The event's hash under the key it names (cchc.audit.keys); a key that is not configured raises
        :class:`UnknownAuditKey`."""
        from cchc.audit.keys import key_for

        if not self.key_id:
            return chain_hash(self.hash_payload(), self.prev_hash)
        key = key_for(self.key_id)
        if key is None:
            raise UnknownAuditKey(self.key_id)
        return chain_hash(self.hash_payload(), self.prev_hash, key.secret)

    @property
    def changed_fields(self) -> list[str]:
        """Keys whose value differs between ``before`` and ``after`` (for the admin and timelines)."""
        before = self.before if isinstance(self.before, dict) else {}
        after = self.after if isinstance(self.after, dict) else {}
        return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


class AuditAnchor(models.Model):
    """Mốc nhật ký: the chain's head (sequence and hash) at a moment, written by ``cchc audit anchor``.

    The command prints the same line for a copy kept outside the database (a letter, another system):
    whoever rewrites the chain cannot change that copy, and ``cchc audit verify --anchor SEQ:HASH``
    compares the chain with it; ``--since-anchor`` verifies from the latest stored one.
    """

    sequence = models.PositiveBigIntegerField("số thứ tự sự kiện")
    hash = models.CharField("mã băm", max_length=64)
    at = models.DateTimeField("thời điểm")

    class Meta:
        verbose_name = "mốc nhật ký"
        verbose_name_plural = "mốc nhật ký"
        ordering = ["-sequence", "-at"]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.hash}"
