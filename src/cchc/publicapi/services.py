"""Registering and revoking partner systems of the public API (the command line's writes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import AccessToken, get_application_model

from cchc.publicapi.constants import PublicApiError, PublicApiErrorCode, Scope
from cchc.publicapi.models import PartnerClient


@dataclass(frozen=True)
class IssuedClient:
    partner: PartnerClient
    client_id: str
    client_secret: str  # shown once: only its hash is stored


def _scopes(scopes: list[str]) -> list[str]:
    known = [str(scope) for scope in Scope]
    wanted = [item for raw in scopes for item in raw.replace(",", " ").split()]
    unknown = [item for item in wanted if item not in known]
    if unknown:
        raise PublicApiError(
            PublicApiErrorCode.UNKNOWN_SCOPE,
            f"Phạm vi không có: {', '.join(unknown)}. Các phạm vi: {', '.join(known)}.",
        )
    if not wanted:
        raise PublicApiError(PublicApiErrorCode.UNKNOWN_SCOPE, f"Cần ít nhất một phạm vi: {', '.join(known)}.")
    return [scope for scope in known if scope in wanted]


@transaction.atomic
def partner_client_create(*, name: str, scopes: list[str]) -> IssuedClient:
    """A new OAuth2 client (confidential, client-credentials grant) for the partner system ``name``, granted
    ``scopes``. The secret is returned once; the database keeps only its hash (django-oauth-toolkit)."""
    granted = _scopes(scopes)
    name = " ".join(name.split())
    if not name:
        raise PublicApiError(PublicApiErrorCode.INVALID_PARAMETER, "Cần tên hệ thống đối tác (--name).")
    Application = get_application_model()
    secret = generate_client_secret()
    application = Application.objects.create(
        name=name[:255],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret=secret,
        hash_client_secret=True,
        redirect_uris="",
        skip_authorization=True,
    )
    partner = PartnerClient.objects.create(application=application, organisation=name[:255], scopes=" ".join(granted))
    return IssuedClient(partner=partner, client_id=application.client_id, client_secret=secret)


@transaction.atomic
def partner_client_revoke(*, client_id: str, at: datetime | None = None) -> PartnerClient:
    """Stop a partner system: no new token, and its tokens stop working now (they are deleted)."""
    partner = PartnerClient.objects.select_related("application").filter(application__client_id=client_id).first()
    if partner is None:
        raise PublicApiError(
            PublicApiErrorCode.CLIENT_NOT_FOUND, f"Không có hệ thống đối tác với client_id «{client_id}»."
        )
    partner.revoked_at = at or timezone.now()
    partner.save(update_fields=["revoked_at"])
    # a secret nobody knows: the client no longer authenticates (invalid_client)
    application = partner.application
    application.client_secret = generate_client_secret()
    application.save(update_fields=["client_secret"])
    AccessToken.objects.filter(application=partner.application).delete()
    return partner
