"""Staff memberships: which user acts for which agency, in which area and role, over which period.

A membership says what it is for (``area``: one-stop shop, PAR Index, plans, reports, feedback,
surveys); each area's permission checks read only its own memberships.

A membership is valid on day D when ``valid_from <= D < valid_to`` (an empty ``valid_to`` is
open-ended), the same half-open convention as the agency registry. Memberships are granted and
revoked only through ``cchc.accounts.services`` (each change is an audit event); a revoked
membership keeps its row with ``valid_to`` set, so past assignments stay answerable.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from cchc.accounts.constants import Area, Role
from cchc.org.models import Agency, ValidityPeriod, ValidityQuerySet


class MembershipQuerySet(ValidityQuerySet):
    pass


class AgencyMembership(ValidityPeriod):
    """Phân công cán bộ: a user's role at an agency, in one area, over ``[valid_from, valid_to)``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="tài khoản", on_delete=models.CASCADE, related_name="memberships"
    )
    agency = models.ForeignKey(Agency, verbose_name="cơ quan", on_delete=models.PROTECT, related_name="memberships")
    area = models.CharField("lĩnh vực", max_length=20, choices=Area.choices)
    role = models.CharField("vai trò", max_length=20, choices=Role.choices)
    valid_from = models.DateField("hiệu lực từ")
    note = models.CharField("căn cứ phân công", max_length=300, blank=True)

    objects = MembershipQuerySet.as_manager()  # type: ignore[misc]  # re-declared so the ORM types see the fields

    class Meta:
        verbose_name = "phân công cán bộ"
        verbose_name_plural = "phân công cán bộ"
        ordering = ["user_id", "agency_id", "area", "role", "valid_from"]
        indexes = [models.Index(fields=["user", "valid_from"], name="accounts_membership_user_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "area", "role", "valid_from"],
                name="accounts_membership_user_agency_area_role_from_uniq",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="accounts_membership_validity_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_area_display()} — {self.get_role_display()} — {self.agency}"
