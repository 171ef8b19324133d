"""A partner system registered for the public API: its OAuth2 client and the scopes it was granted."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class PartnerClient(models.Model):
    """One partner system (an OAuth2 client of the client-credentials grant) and what it may read.

    The secret is stored hashed by django-oauth-toolkit; it is shown once, when the client is created.
    """

    application = models.OneToOneField(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL,
        verbose_name="ứng dụng OAuth2",
        on_delete=models.CASCADE,
        related_name="partner",
    )
    organisation = models.CharField("tổ chức, hệ thống đối tác", max_length=255)
    scopes = models.CharField("phạm vi được cấp", max_length=255, help_text="Cách nhau bởi dấu cách.")
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    revoked_at = models.DateTimeField("thu hồi lúc", null=True, blank=True)

    class Meta:
        verbose_name = "hệ thống đối tác"
        verbose_name_plural = "hệ thống đối tác (API công khai)"
        ordering = ["organisation", "pk"]

    def __str__(self) -> str:
        return self.organisation

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()
