"""Pages of the second factor: the verification after the password login, the enrolment of an
authenticator app (QR code) and the recovery codes. Thin: parse, call one service, render."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from cchc.accounts.otp.constants import OtpError, OtpErrorCode
from cchc.accounts.otp.forms import TokenForm
from cchc.accounts.otp.middleware import has_confirmed_device
from cchc.accounts.otp.models import RecoveryCodeDevice
from cchc.accounts.otp.services import otp_verify, recovery_codes_new, totp_device_pending, totp_enrol_confirm

LOGIN_URL = "dossiers_web:login"
_CODES_KEY = "cchc_otp_new_codes"


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _refusal(request: HttpRequest, template: str, context: dict[str, Any], exc: OtpError) -> HttpResponse:
    if exc.code == OtpErrorCode.LOCKED:
        logout(request)  # the half-open session ends; axes' middleware answers with its lockout page
        context["form"].add_error(None, settings.AXES_COOLOFF_MESSAGE)
    else:
        context["form"].add_error("token", exc.message)
    context["error_code"] = exc.code.value
    return render(request, template, context, status=exc.http_status)


@login_required(login_url=LOGIN_URL)
def verify(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if user.is_verified():
        return HttpResponseRedirect(_next(request))
    if not has_confirmed_device(user):
        return HttpResponseRedirect(f"{reverse('otp:enrol')}?next={_next(request)}")
    form = TokenForm(request.POST or None)
    context: dict[str, Any] = {"form": form, "next": _next(request)}
    if request.method == "POST" and form.is_valid():
        try:
            otp_verify(request=request, user=user, token=form.cleaned_data["token"])
        except OtpError as exc:
            return _refusal(request, "accounts/otp/verify.html", context, exc)
        return HttpResponseRedirect(context["next"])
    return render(request, "accounts/otp/verify.html", context, status=400 if form.errors else 200)


@login_required(login_url=LOGIN_URL)
def enrol(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator. Refused (sent to the verification) to a session not yet verified of a
    user who already has one: a stolen password must not be enough to enrol another phone."""
    user: Any = request.user
    if has_confirmed_device(user) and not user.is_verified():
        return HttpResponseRedirect(f"{reverse('otp:verify')}?next={_next(request)}")
    device = totp_device_pending(user)
    form = TokenForm(request.POST or None)
    import segno

    context: dict[str, Any] = {
        "form": form,
        "next": _next(request),
        "qr_svg": segno.make(device.config_url, error="m").svg_inline(scale=4, border=2),
        "secret": device.config_url.split("secret=", 1)[1].split("&", 1)[0],
    }
    if request.method == "POST" and form.is_valid():
        try:
            codes = totp_enrol_confirm(request=request, user=user, device=device, token=form.cleaned_data["token"])
        except OtpError as exc:
            return _refusal(request, "accounts/otp/enrol.html", context, exc)
        request.session[_CODES_KEY] = codes
        return HttpResponseRedirect(f"{reverse('otp:recovery')}?next={context['next']}")
    return render(request, "accounts/otp/enrol.html", context, status=400 if form.errors else 200)


@login_required(login_url=LOGIN_URL)
def recovery(request: HttpRequest) -> HttpResponse:
    """The recovery codes just made (shown once, then gone from the session), or a button to make new
    ones (only in a verified session)."""
    user: Any = request.user
    if not user.is_verified():
        return HttpResponseRedirect(f"{reverse('otp:verify')}?next={request.path}")
    if request.method == "POST":
        request.session[_CODES_KEY] = recovery_codes_new(user=user)
        return HttpResponseRedirect(request.path)
    codes = request.session.pop(_CODES_KEY, None)
    device = RecoveryCodeDevice.objects.filter(user=user).first()
    context = {"codes": codes, "remaining": device.remaining() if device else 0, "next": _next(request)}
    response = render(request, "accounts/otp/recovery.html", context)
    response["Cache-Control"] = "no-store"
    return response
