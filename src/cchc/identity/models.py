"""The citizen (or organisation) accounts known from electronic identity sign-ins, and the attempt log."""

from __future__ import annotations

from django.db import models

from cchc.dossiers.constants import ApplicantKind, IdentityLevel
from cchc.identity.constants import Outcome


class Citizen(models.Model):
    """A person or organisation as the identity provider last described them (one row per issuer and
    subject). Not a Django user: no password, no staff membership, no admin; see the app's docstring."""

    issuer = models.CharField("hệ thống định danh (issuer)", max_length=300)
    subject = models.CharField("mã tài khoản tại hệ thống định danh (sub)", max_length=255)
    kind = models.CharField("loại tài khoản", max_length=20, choices=ApplicantKind.choices)
    id_number = models.CharField("số định danh cá nhân", max_length=12, db_index=True)
    full_name = models.CharField("họ và tên", max_length=300)
    birth_date = models.DateField("ngày sinh", null=True, blank=True)
    level = models.CharField("mức độ định danh", max_length=20, choices=IdentityLevel.choices)
    tax_code = models.CharField("mã số thuế tổ chức", max_length=14, blank=True, db_index=True)
    organisation_name = models.CharField("tên tổ chức", max_length=300, blank=True)
    first_signed_in_at = models.DateTimeField("đăng nhập lần đầu")
    last_signed_in_at = models.DateTimeField("đăng nhập gần nhất")

    class Meta:
        verbose_name = "tài khoản định danh điện tử"
        verbose_name_plural = "tài khoản định danh điện tử"
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="identity_citizen_subject_uniq")]

    def __str__(self) -> str:
        return self.applicant_name

    @property
    def is_organisation(self) -> bool:
        return self.kind == ApplicantKind.ORGANISATION

    # what the portal's application form takes from the identity (locked there)
    @property
    def applicant_kind(self) -> str:
        return str(self.kind)

    @property
    def applicant_name(self) -> str:
        return self.organisation_name if self.is_organisation else self.full_name

    @property
    def applicant_id_number(self) -> str:
        return self.tax_code if self.is_organisation else self.id_number

    @property
    def identity_level(self) -> str:
        return str(self.level)


class SignInAttempt(models.Model):
    """One sign-in attempt through the identity provider: its outcome, never a token."""

    at = models.DateTimeField("lúc", db_index=True)
    outcome = models.CharField("kết quả", max_length=30, choices=Outcome.choices)
    citizen = models.ForeignKey(
        Citizen, verbose_name="tài khoản", null=True, blank=True, on_delete=models.PROTECT, related_name="attempts"
    )
    ip_address = models.GenericIPAddressField("địa chỉ IP", null=True, blank=True)
    detail = models.CharField("chi tiết kỹ thuật", max_length=500, blank=True)

    class Meta:
        verbose_name = "lượt đăng nhập định danh điện tử"
        verbose_name_plural = "lượt đăng nhập định danh điện tử"
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.outcome}"
