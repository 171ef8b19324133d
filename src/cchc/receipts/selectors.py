"""Reading receipts."""

from __future__ import annotations

from django.db.models import QuerySet

from cchc.receipts.models import Receipt


def receipt_get_by_code(code: str) -> Receipt | None:
    """The receipt of a verification code, with its series, or None."""
    if not code or len(code) > 32:
        return None
    return Receipt.objects.select_related("series").filter(code=code).first()


def receipt_list_for_dossier(dossier_id: int) -> QuerySet[Receipt]:
    return Receipt.objects.select_related("series").filter(dossier_id=dossier_id).order_by("issued_at", "pk")
