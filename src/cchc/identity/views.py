"""The pages of the electronic identity sign-in and "Hồ sơ của tôi", under /dich-vu-cong/.

- ``dinh-danh/``: what signing in gives, and the button;
- ``dinh-danh/dang-nhap/``: mozilla-django-oidc's authentication request (state, nonce, PKCE S256 kept in
  the session), after checking the provider answers (a clear message, not the browser's error, if down);
- ``dinh-danh/xac-thuc/``: the callback: the state must be one this session issued and not yet used,
  then the code is exchanged and the ID token checked (:mod:`cchc.identity.oidc`); any refusal shows its
  Vietnamese message and code, leaves nobody signed in and is recorded;
- ``dinh-danh/dang-xuat/`` (POST): sign out;
- ``ho-so-cua-toi/``: the signed-in account's dossiers and feedback.
"""

from __future__ import annotations

from typing import Any

import requests
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from cchc.identity.constants import Outcome, SignInRefused
from cchc.identity.models import Citizen
from cchc.identity.oidc import CitizenOIDCBackend
from cchc.identity.selectors import citizen_dossiers, citizen_feedback
from cchc.identity.services import citizen_refused, citizen_sign_out, citizen_signed_in


def _citizen(request: HttpRequest) -> Citizen | None:
    citizen = getattr(request, "citizen", None)
    return citizen if isinstance(citizen, Citizen) else None


def _refused(request: HttpRequest, refusal: SignInRefused) -> HttpResponse:
    citizen_refused(request, refusal)
    return render(
        request,
        "identity/sign_in.html",
        {"error": refusal.message, "code": refusal.outcome, "next": ""},
        status=refusal.http_status,
    )


def sign_in_page(request: HttpRequest) -> HttpResponse:
    return render(request, "identity/sign_in.html", {"next": request.GET.get("next", "")})


class SignInStart(OIDCAuthenticationRequestView):
    """The authentication request, once the provider's keys answer within ``OIDC_PROBE_TIMEOUT_S``."""

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            answer = requests.get(settings.OIDC_OP_JWKS_ENDPOINT, timeout=getattr(settings, "OIDC_PROBE_TIMEOUT_S", 3))
            answer.raise_for_status()
        except requests.RequestException as exc:
            return _refused(request, SignInRefused(Outcome.PROVIDER_UNAVAILABLE, f"{type(exc).__name__}: {exc}"))
        return super().get(request)


class SignInCallback(OIDCAuthenticationCallbackView):
    """The provider sends the browser back here with ``code`` and ``state`` (or ``error``)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        states: dict[str, Any] = request.session.get("oidc_states") or {}
        state = request.GET.get("state", "")
        entry = states.pop(state, None) if state else None
        request.session["oidc_states"] = states  # a state is used once, whatever comes next
        if request.GET.get("error"):
            detail = f"{request.GET.get('error', '')[:100]}: {request.GET.get('error_description', '')[:300]}"
            return _refused(request, SignInRefused(Outcome.PROVIDER_ERROR, detail))
        if not isinstance(entry, dict) or not request.GET.get("code"):
            return _refused(request, SignInRefused(Outcome.STATE_INVALID, "state unknown or already used"))
        try:
            citizen = CitizenOIDCBackend().sign_in(
                request, nonce=str(entry.get("nonce") or ""), code_verifier=entry.get("code_verifier")
            )
        except SignInRefused as refusal:
            return _refused(request, refusal)
        citizen_signed_in(request, citizen)
        return HttpResponseRedirect(request.session.pop("oidc_login_next", None) or reverse("identity:mine"))


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    citizen_sign_out(request)
    return HttpResponseRedirect(reverse("portal:search"))


def mine(request: HttpRequest) -> HttpResponse:
    """Hồ sơ của tôi: only for a citizen signed in through the identity provider."""
    citizen = _citizen(request)
    if citizen is None:
        return HttpResponseRedirect(reverse("identity:sign_in") + "?next=" + reverse("identity:mine"))
    return render(
        request,
        "identity/mine.html",
        {
            "citizen": citizen,
            "rows": citizen_dossiers(citizen),
            "feedback": list(citizen_feedback(citizen)),
            "stored": _stored_rows(citizen),
        },
    )


def _stored_rows(citizen: Citizen) -> list[dict[str, Any]]:
    """«Kho dữ liệu của tôi» (NĐ 45/2020/NĐ-CP Điều 25): the citizen's stored documents with their validity;
    only their own uploaded copies can be deleted (``cchc.records.services.stored_document_withdraw``)."""
    from django.utils import timezone

    from cchc.records.constants import StoredSource
    from cchc.records.selectors import owned_by

    today = timezone.localdate()
    rows = []
    for d in owned_by(citizen.applicant_id_number):
        if d.rejected_by_id is not None:  # issue 16 item 5: staff marked it, with the reason
            state = f"Không được chấp nhận: {d.withdrawn_reason}"
        elif d.superseded_by_id is not None:
            state = "Đã có bản mới hơn"
        elif d.valid_until is not None and d.valid_until < today:
            state = "Hết hiệu lực"
        else:
            state = "Còn hiệu lực" + (f" đến {d.valid_until:%d/%m/%Y}" if d.valid_until else " (không thời hạn)")
        rows.append(
            {"doc": d, "state": state, "deletable": d.source == StoredSource.UPLOADED and d.withdrawn_at is None}
        )
    return rows


def store_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Download one of the signed-in citizen's stored documents; every download is logged
    (``StoredDocumentAccess``). Another person's document: 404 (``records.not_found``)."""
    from django.http import FileResponse
    from django.utils import timezone

    from cchc.records.selectors import owned_document
    from cchc.records.services import stored_document_access_log

    citizen = _citizen(request)
    if citizen is None:
        return HttpResponseRedirect(reverse("identity:sign_in") + "?next=" + reverse("identity:mine"))
    document = owned_document(pk, owner_id_number=citizen.applicant_id_number)
    stored_document_access_log(document, at=timezone.now(), citizen_id_number=citizen.applicant_id_number)
    extension = document.file.name.rsplit(".", 1)[-1]
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=f"giay-to-{document.pk}.{extension}",
        content_type=document.content_type,
    )


@require_POST
def store_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """The signed-in citizen deletes their own uploaded copy (the rule: ``stored_document_withdraw``)."""
    from django.utils import timezone

    from cchc.records.selectors import owned_document
    from cchc.records.services import stored_document_withdraw

    citizen = _citizen(request)
    if citizen is None:
        return HttpResponseRedirect(reverse("identity:sign_in") + "?next=" + reverse("identity:mine"))
    document = owned_document(pk, owner_id_number=citizen.applicant_id_number)
    stored_document_withdraw(document, at=timezone.now(), reason="", by_owner=citizen.applicant_id_number)
    return HttpResponseRedirect(reverse("identity:mine") + "#kho-du-lieu")
