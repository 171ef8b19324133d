"""The connections' monitoring page: per national system, the backlog, the oldest undelivered event,
the dead letters with a "Gửi lại" button, the error rate over the last hour and 24 hours, the latest
calls with their errors (:func:`cchc.integrations.selectors.integrations_status`).

Access, as the outbox's admin (the same deliveries): an active superuser, or a staff account with the
permission to view deliveries (``outbox.view_delivery``) to see the page and to change them
(``outbox.change_delivery``) to replay. Replaying is a POST with the CSRF token (a GET writes nothing)
through :mod:`cchc.integrations.replay`; a refusal is shown on the page with its code, never a 500.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from cchc.common.numbers import vi_number
from cchc.integrations.constants import IntegrationError
from cchc.integrations.display import age, rate
from cchc.integrations.replay import dead_letter_replay, dead_letters_replay, partner_parse
from cchc.integrations.selectors import integrations_status
from cchc.outbox.constants import OutboxError

VN = ZoneInfo("Asia/Ho_Chi_Minh")
LOGIN_URL = "dossiers_web:login"


def may_view(user: Any) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return bool(user.is_superuser or (user.is_staff and user.has_perm("outbox.view_delivery")))


def may_replay(user: Any) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return bool(user.is_superuser or (user.is_staff and user.has_perm("outbox.change_delivery")))


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    context = {"status": 403, "message": message, "code": "integration.forbidden"}
    return render(request, "common/refusal.html", context, status=403)


@require_GET
@login_required(login_url=LOGIN_URL)
def status(request: HttpRequest) -> HttpResponse:
    if not may_view(request.user):
        return _forbidden(request, "Trang theo dõi liên thông dành cho quản trị viên hệ thống.")
    now = timezone.now()
    data = integrations_status(at=now)
    partners = [
        {
            "p": p,
            "pending": vi_number(p.pending),
            "retrying": vi_number(p.retrying),
            "dead": vi_number(p.dead),
            "oldest": age(p.oldest_undelivered_s),
            "rate_hour": rate(p.failed_hour, p.calls_hour),
            "rate_day": rate(p.failed_day, p.calls_day),
            "alert": bool(p.dead) or (p.calls_hour > 0 and p.failed_hour * 2 >= p.calls_hour),
        }
        for p in data.partners
    ]
    context = {"at": now.astimezone(VN), "partners": partners, "may_replay": may_replay(request.user)}
    return render(request, "integrations/status.html", context)


@require_POST
@login_required(login_url=LOGIN_URL)
def replay(request: HttpRequest) -> HttpResponse:
    if not may_replay(request.user):
        return _forbidden(request, "Chỉ quản trị viên có quyền gửi lại mới gửi lại được thư chết.")
    at = timezone.now()
    try:
        partner = partner_parse(request.POST.get("partner") or None)
        delivery = request.POST.get("delivery")
        if delivery:
            done = dead_letter_replay(delivery_id=delivery, at=at, partner=partner)
            messages.success(request, f"Đã đưa lần chuyển số {done.pk} về hàng chờ gửi.")
        else:
            count = dead_letters_replay(at=at, partner=partner)
            whose = f" của {partner.label}" if partner is not None else ""
            messages.success(request, f"Đã đưa {vi_number(count)} thư chết{whose} về hàng chờ gửi.")
    except (IntegrationError, OutboxError) as exc:
        messages.error(request, f"{exc.message} (mã lỗi {exc.code})")
    return HttpResponseRedirect(reverse("integrations_web:status"))
