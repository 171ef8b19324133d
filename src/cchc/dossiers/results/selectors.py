"""Reads of electronic results (never write)."""

from __future__ import annotations

from django.db.models import QuerySet

from cchc.dossiers.constants import ResultStatus
from cchc.dossiers.models import Dossier, ResultDocument


def result_get_by_token(token: str) -> ResultDocument | None:
    """The result whose verification token is ``token`` (with its dossier and agency), or None."""
    if not token or len(token) > 43:
        return None
    return ResultDocument.objects.select_related("dossier", "agency").filter(token=token).first()


def result_list_for_dossier(dossier: Dossier) -> QuerySet[ResultDocument]:
    """Every result of ``dossier``, in the order they were attached."""
    return ResultDocument.objects.filter(dossier=dossier).select_related("agency").order_by("attached_at", "pk")


def result_current_signed(dossier: Dossier) -> ResultDocument | None:
    """The signed result in force (the last one signed and neither replaced nor revoked), or None."""
    return (
        ResultDocument.objects.filter(dossier=dossier, status=ResultStatus.SIGNED)
        .select_related("agency")
        .order_by("-attached_at", "-pk")
        .first()
    )


def result_last_issued(dossier: Dossier) -> ResultDocument | None:
    """The last result the agency issued and did not replace: signed (in force) or revoked, or None. The
    applicant's page shows it with its state (a revoked one without the download)."""
    return (
        ResultDocument.objects.filter(dossier=dossier, status__in=[ResultStatus.SIGNED, ResultStatus.REVOKED])
        .select_related("agency")
        .order_by("-attached_at", "-pk")
        .first()
    )
