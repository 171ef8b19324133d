"""The payment pages and the gateway's endpoints, under /thanh-toan/.

- ``POST ho-so/<id>/``: start paying a dossier's fees (the browser must have looked the dossier up in
  the portal); the order is created, then a page sends the browser on to the gateway.
- ``GET vnpay/ket-qua/``: the return URL: shows the order's state as recorded (the IPN decides it).
- ``GET vnpay/ipn/``: the IPN, server to server: JSON ``{"RspCode", "Message"}``, never a 500.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from cchc.common.numbers import vi_number
from cchc.dossiers.models import Dossier
from cchc.payments import services
from cchc.payments.constants import OrderStatus, PaymentError, RspCode
from cchc.payments.gateways import gateway
from cchc.payments.gateways.base import MalformedCallback, SignatureInvalid
from cchc.payments.models import PaymentOrder

# The citizen portal's session list of the dossiers this browser looked up or filed
# (cchc.dossiers.portal.views.SESSION_SEEN; test_views pins that both say the same).
PORTAL_SEEN = "portal_seen"

CANCELLED_CODES = {"24"}


def _client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "127.0.0.1")


def _refusal(request: HttpRequest, exc: PaymentError) -> HttpResponse:
    return render(
        request,
        "common/refusal.html",
        {"message": exc.message, "code": exc.code, "status": exc.http_status},
        status=exc.http_status,
    )


@require_POST
def start(request: HttpRequest, pk: int) -> HttpResponse:
    """Create (or reuse) the dossier's pending order, then send the browser to the gateway."""
    if pk not in request.session.get(PORTAL_SEEN, []):
        return HttpResponseRedirect(reverse("portal:lookup"))
    dossier = Dossier.objects.filter(pk=pk).first()
    if dossier is None:
        return HttpResponseRedirect(reverse("portal:lookup"))
    try:
        order = services.order_start(dossier=dossier, client_ip=_client_ip(request), at=timezone.now())
    except PaymentError as exc:
        return _refusal(request, exc)
    return_url = request.build_absolute_uri(reverse("payments:return"))
    # Not a redirect: the portal page's Content-Security-Policy (form-action 'self') forbids a form
    # submission to end on another origin; a page that moves on by itself (meta refresh) and by a
    # link is a plain navigation the policy does not govern.
    return render(
        request,
        "payments/redirect.html",
        {
            "order": order,
            "gateway_url": services.order_payment_url(order=order, return_url=return_url),
            "amount": vi_number(int(order.amount)),
            "expires_at": timezone.localtime(order.expires_at).strftime("%H:%M ngày %d/%m/%Y"),
        },
    )


@never_cache
@require_GET
def gateway_return(request: HttpRequest) -> HttpResponse:
    """Where the gateway sends the browser back: the order's state as recorded (only the IPN or the
    transaction query settle it; what the browser carries is shown as the gateway's word, nothing more)."""
    params: dict[str, str] = {k: str(v) for k, v in request.GET.items()}
    try:
        outcome = gateway().verify_callback(params)
    except (SignatureInvalid, MalformedCallback):
        return render(
            request,
            "payments/return.html",
            {"invalid": True},
            status=400,
        )
    order = PaymentOrder.objects.select_related("dossier").filter(txn_ref=outcome.txn_ref).first()
    if order is None:
        return render(request, "payments/return.html", {"missing": True}, status=404)
    cancelled = order.status != OrderStatus.PAID and outcome.response_code in CANCELLED_CODES
    return render(
        request,
        "payments/return.html",
        {
            "order": order,
            "status_label": OrderStatus(order.status).label,
            "paid": order.status == OrderStatus.PAID,
            "pending": order.status == OrderStatus.PENDING,
            "gateway_said_success": outcome.success,
            "cancelled": cancelled,
            "response_code": outcome.response_code,
            "known": order.dossier_id in request.session.get(PORTAL_SEEN, []),
        },
    )


@csrf_exempt
@never_cache
def ipn(request: HttpRequest) -> HttpResponse:
    """The gateway's IPN (GET, server to server). Always 200 with the protocol's JSON answer."""
    gw = gateway()
    try:
        params: dict[str, str] = {k: str(v) for k, v in request.GET.items()}
        handled = services.ipn_handle(params=params, remote_addr=_client_ip(request), at=timezone.now(), gw=gw)
        code = handled.code
    except Exception:  # noqa: BLE001  the protocol's 99 (the failure is in the log when it could be written)
        code = RspCode.UNKNOWN_ERROR
    return JsonResponse(gw.ipn_answer(code))
