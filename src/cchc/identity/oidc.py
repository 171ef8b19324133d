"""The relying party's OIDC backend: mozilla-django-oidc's token exchange (with the PKCE verifier), made
stricter and mapped to citizen accounts instead of Django users.

Checks of the ID token (OpenID Connect Core 1.0 §3.1.3.7): signed RS256 by a key of the provider's JWKS
(found by ``kid``), issuer = ``OIDC_OP_ISSUER``, audience = our client id, ``exp``/``iat``/``sub`` present
and ``exp`` not past (``OIDC_LEEWAY_S`` of clock skew), nonce = the one stored with the state. The
userinfo answer must name the same ``sub``; the ID token's claims win over userinfo's.
Every failure raises :class:`SignInRefused` with a stable code; no exception of requests or PyJWT escapes.
"""

from __future__ import annotations

from typing import Any

import jwt
import requests
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from cchc.identity.claims import identity_from_claims
from cchc.identity.constants import Outcome, SignInRefused
from cchc.identity.models import Citizen


def _unavailable(exc: Exception) -> SignInRefused:
    return SignInRefused(Outcome.PROVIDER_UNAVAILABLE, f"{type(exc).__name__}: {exc}")


class CitizenOIDCBackend(OIDCAuthenticationBackend):
    """Not listed in AUTHENTICATION_BACKENDS: called only by the identity callback view, so no staff
    login can ever go through it and it never yields a Django user."""

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        nonce = kwargs.get("nonce")
        if not token:
            raise SignInRefused(Outcome.TOKEN_INVALID, "no id_token in the token response")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise SignInRefused(Outcome.TOKEN_INVALID, f"not a JWT: {exc}") from exc
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SignInRefused(Outcome.SIGNATURE_INVALID, f"alg {header.get('alg')!r}")
        try:
            key = self.retrieve_matching_jwk(token)
        except SuspiciousOperation as exc:
            raise SignInRefused(Outcome.SIGNATURE_INVALID, f"no key {header.get('kid')!r} in the JWKS") from exc
        except (requests.RequestException, ValueError) as exc:
            raise _unavailable(exc) from exc
        try:
            payload: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=self.get_settings("OIDC_OP_ISSUER"),
                leeway=self.get_settings("OIDC_LEEWAY_S", 30),
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise SignInRefused(Outcome.TOKEN_EXPIRED, str(exc)) from exc
        except (jwt.InvalidSignatureError, jwt.DecodeError) as exc:
            raise SignInRefused(Outcome.SIGNATURE_INVALID, str(exc)) from exc
        except jwt.PyJWTError as exc:
            raise SignInRefused(Outcome.TOKEN_INVALID, str(exc)) from exc
        if not nonce or payload.get("nonce") != nonce:
            raise SignInRefused(Outcome.NONCE_MISMATCH, "nonce differs from the one sent")
        return payload

    def get_token(self, payload: dict[str, Any]) -> dict[str, Any]:
        try:
            answer: dict[str, Any] = super().get_token(payload)
        except requests.HTTPError as exc:
            status = exc.response.status_code if exc.response is not None else 0
            if status >= 500 or status == 429:
                raise _unavailable(exc) from exc
            raise SignInRefused(Outcome.TOKEN_REJECTED, str(exc)[:500]) from exc
        except (requests.RequestException, ValueError) as exc:
            raise _unavailable(exc) from exc
        return answer

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> dict[str, Any]:
        if not self.OIDC_OP_USER_ENDPOINT:
            return {}
        try:
            info = super().get_userinfo(access_token, id_token, payload)
        except (requests.RequestException, ValueError) as exc:
            raise _unavailable(exc) from exc
        if not isinstance(info, dict):
            raise SignInRefused(Outcome.CLAIMS_INVALID, "userinfo is not an object")
        return info

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Citizen:
        info = self.get_userinfo(access_token, id_token, payload)
        if info and info.get("sub") != payload.get("sub"):
            raise SignInRefused(Outcome.CLAIMS_INVALID, "userinfo sub differs from the ID token's")
        identity = identity_from_claims({**info, **payload}, getattr(settings, "CCHC_OIDC_CLAIMS", None))
        now = timezone.now()
        values = {
            "kind": identity.kind,
            "id_number": identity.id_number,
            "full_name": identity.full_name,
            "birth_date": identity.birth_date,
            "level": identity.level,
            "tax_code": identity.tax_code,
            "organisation_name": identity.organisation_name,
            "last_signed_in_at": now,
        }
        with transaction.atomic():
            citizen, _ = Citizen.objects.update_or_create(
                issuer=str(payload["iss"]),
                subject=identity.subject,
                defaults=values,
                create_defaults={**values, "first_signed_in_at": now},
            )
        return citizen

    def sign_in(self, request: Any, *, nonce: str, code_verifier: str | None) -> Citizen:
        """Exchange the callback's code (with the PKCE verifier) and return the citizen account, or raise
        :class:`SignInRefused`."""
        citizen = self.authenticate(request, nonce=nonce, code_verifier=code_verifier)
        if not isinstance(citizen, Citizen):
            raise SignInRefused(Outcome.TOKEN_REJECTED, "no code in the callback")
        return citizen
