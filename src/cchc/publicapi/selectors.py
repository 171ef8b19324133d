"""Reads of the public API: partner clients, and the public view of a dossier's status.

Nothing here writes. The catalogue, the dossier look-up and the open data are read through their own
apps' selectors (``cchc.catalogue.selectors``, ``cchc.dossiers.selectors.dossier_lookup_public``,
``cchc.opendata.selectors``): the public API adds no rule of its own on what exists or who may see it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from cchc.dossiers.constants import DossierStatus
from cchc.dossiers.models import Dossier
from cchc.dossiers.selectors import dossier_public_milestones, dossier_submission_reference
from cchc.publicapi.constants import Scope
from cchc.publicapi.models import PartnerClient


def partner_list() -> QuerySet[PartnerClient]:
    return PartnerClient.objects.select_related("application").order_by("organisation", "pk")


def partner_granted(partner: PartnerClient | None) -> list[str]:
    """The scopes ``partner`` holds now (none once revoked, none without a partner record)."""
    if partner is None or partner.revoked_at is not None:
        return []
    known = {str(scope) for scope in Scope}
    return [scope for scope in partner.scope_list if scope in known]


def partner_scopes(*, application: Any) -> list[str]:
    """The scopes ``application`` was granted (none once revoked, or for an application that is not a
    partner's)."""
    return partner_granted(PartnerClient.objects.filter(application=application).first())


def dossier_status_public(dossier: Dossier) -> dict[str, Any]:
    """What a partner learns of a dossier it looked up: what the portal's status page shows the applicant
    about its progress (status, appointment, milestones), without the applicant's personal data, the
    officers, the documents or the fees."""
    version = dossier.procedure_version
    return {
        "code": dossier.code,
        "reference": dossier_submission_reference(dossier) if dossier.channel == "online" else "",
        "procedure": {"code": version.procedure.code, "name": version.name},
        "agency": dossier.receiving_agency.name if dossier.receiving_agency_id else "",
        "status": dossier.status,
        "status_label": DossierStatus(dossier.status).label,
        "channel": dossier.channel,
        "submitted_at": dossier.submitted_at,
        "received_at": dossier.received_at,
        "due_at": dossier.due_at,
        "processed_at": dossier.processed_at,
        "returned_at": dossier.returned_at,
        "ended_at": dossier.ended_at,
        "milestones": dossier_public_milestones(dossier),
    }
