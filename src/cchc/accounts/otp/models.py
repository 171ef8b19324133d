"""Recovery codes (mã dự phòng): a django-otp device whose tokens are single-use codes stored hashed.

django-otp's own static device keeps its tokens in clear; here only the SHA-256 of each code is stored
(a code has 80 random bits, so an unsalted fast hash is enough: it cannot be guessed from its hash), and
the codes are shown once, when they are made (``services.recovery_codes_new``).
"""

from __future__ import annotations

import hashlib

from django.db import models
from django.utils import timezone
from django_otp.models import Device


def code_hash(code: str) -> str:
    """The stored form of a recovery code (spaces, dashes and case ignored)."""
    normal = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normal.encode()).hexdigest()


class RecoveryCodeDevice(Device):
    """Bộ mã dự phòng của một cán bộ: used when the authenticator app is lost; each code works once."""

    class Meta(Device.Meta):
        verbose_name = "bộ mã dự phòng"
        verbose_name_plural = "bộ mã dự phòng"

    def verify_token(self, token: str) -> bool:
        if not token:
            return False
        # concurrency: one UPDATE marks the code used only if it was unused: two uses at once, one wins
        used = self.codes.filter(code_hash=code_hash(str(token)), used_at__isnull=True).update(used_at=timezone.now())
        return used == 1

    def remaining(self) -> int:
        return self.codes.filter(used_at__isnull=True).count()


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField("băm của mã", max_length=64)
    used_at = models.DateTimeField("dùng lúc", null=True, blank=True)

    class Meta:
        verbose_name = "mã dự phòng"
        verbose_name_plural = "mã dự phòng"
        constraints = [models.UniqueConstraint(fields=["device", "code_hash"], name="accounts_otp_code_uniq")]

    def __str__(self) -> str:
        return f"mã dự phòng {self.pk} ({'đã dùng' if self.used_at else 'chưa dùng'})"
