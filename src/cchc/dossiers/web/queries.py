"""Reads the console needs beyond ``cchc.dossiers.selectors`` (candidates to move there).

- online dossiers waiting for reception ("Mới đăng ký", no code yet) at the officer's desks;
- the agencies that may decide a procedure version (named ones, or every agency of a level and kind).
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Q, QuerySet

from cchc.accounts.constants import Role
from cchc.accounts.selectors import membership_list_valid_on
from cchc.catalogue.models import ProcedureVersion
from cchc.dossiers.constants import DossierStatus
from cchc.dossiers.models import Dossier
from cchc.dossiers.selectors import dossier_queryset
from cchc.org.models import Agency


def dossier_list_new_for_reception(*, user: AbstractBaseUser, on: date) -> QuerySet[Dossier]:
    """Online dossiers ("Mới đăng ký") filed to a desk where ``user`` is a reception officer on ``on``,
    oldest first (they are received in the order they came in)."""
    desks = membership_list_valid_on(on=on, user=user, role=Role.RECEPTION).values("agency_id")
    return (
        dossier_queryset()
        .filter(status=DossierStatus.NEW, receiving_agency_id__in=desks)
        .order_by("submitted_at", "pk")
    )


def competent_agency_candidates(*, version: ProcedureVersion, on: date) -> QuerySet[Agency]:
    """Agencies valid on ``on`` that the version names, or that are of a level and kind it names."""
    condition = Q(pk__in=[])
    for row in version.competent_agencies.all():
        if row.agency_id:
            condition |= Q(pk=row.agency_id)
        else:
            condition |= Q(level=row.level, kind=row.agency_kind)
    return Agency.objects.valid_on(on).filter(condition).order_by("name", "pk")
