"""PDF and XLSX downloads of the one-stop-shop forms: thin views over ``documents.selectors``.

Who may download: whoever may see the dossier's page (the policy, ``cchc.dossiers.policies.may_see``:
an officer who acts today for its receiving or competent agency or the agency of one of its steps; a
superuser) or, for the register, an officer who acts today for the agency itself, or a superuser. A
form of a dossier the user may not see answers exactly as a form of a dossier that does not exist
(404, same body), and each such answer counts against the budget of failed dossier look-ups
(``dossiers.lookups.LOOKUPS``):
the addresses cannot be used to learn which codes exist.
"""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET

from cchc.common.params import parse_date
from cchc.dossiers import policies
from cchc.dossiers.documents.constants import DocumentError
from cchc.dossiers.documents.selectors import (
    dossier_form_filename,
    dossier_form_pdf,
    dossier_register_filename,
    dossier_register_pdf,
    dossier_register_xlsx,
)
from cchc.dossiers.lookups import LOOKUPS
from cchc.dossiers.models import Dossier
from cchc.org.models import Agency

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _forbidden() -> HttpResponse:
    return HttpResponse("Bạn không có quyền tải văn bản này.", status=403, content_type="text/plain; charset=utf-8")


def _attachment(content: bytes, content_type: str, filename: str, *, inline: bool = False) -> HttpResponse:
    """``inline`` PDFs open in the browser's viewer for printing; ``?tai-ve=1`` downloads them instead."""
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def _inline(request: HttpRequest) -> bool:
    return not request.GET.get("tai-ve")


def _not_found() -> HttpResponse:
    """The answer for an unknown dossier and for a dossier that is not the user's: the same status and body."""
    return HttpResponse(
        "Không tìm thấy hồ sơ, hoặc bạn không có quyền xem hồ sơ này.",
        status=404,
        content_type="text/plain; charset=utf-8",
    )


def _throttled() -> HttpResponse:
    return HttpResponse(
        "Bạn đã tra cứu không thành công quá nhiều lần. Vui lòng thử lại sau 15 phút.",
        status=429,
        content_type="text/plain; charset=utf-8",
    )


def _form_response(request: HttpRequest, dossier: Dossier | None, form: int) -> HttpResponse:
    if LOOKUPS.blocked(request):
        return _throttled()
    if dossier is None or not policies.may_see(request.user, dossier, on=timezone.localdate()):
        LOOKUPS.failed(request)
        return _not_found()
    try:
        content = dossier_form_pdf(dossier=dossier, form=form, actor=request.user)
    except DocumentError as error:
        return HttpResponse(error.message, status=error.http_status, content_type="text/plain; charset=utf-8")
    return _attachment(content, PDF, dossier_form_filename(dossier=dossier, form=form), inline=_inline(request))


@require_GET
def dossier_form(request: HttpRequest, code: str, form: str) -> HttpResponse:
    """``/ho-so/<code>/mau-<nn>.pdf``: form nn (01-06) of the dossier."""
    dossier = Dossier.objects.exclude(code="").filter(code=code).first()
    return _form_response(request, dossier, int(form))


@require_GET
def dossier_form_by_pk(request: HttpRequest, pk: int, form: str) -> HttpResponse:
    """``/ho-so/id/<pk>/mau-<nn>.pdf``: for a dossier that never got a code (refused at reception: form 03)."""
    dossier = Dossier.objects.filter(pk=pk).first()
    return _form_response(request, dossier, int(form))


def _parse_day(value: str | None, default: date) -> date:
    return default if not value else parse_date(value)


@require_GET
def dossier_register(request: HttpRequest, agency_id: int, ext: str) -> HttpResponse:
    """``/so-theo-doi/<agency_id>.xlsx|.pdf?tu=YYYY-MM-DD&den=YYYY-MM-DD`` (default: this month so far)."""
    agency = get_object_or_404(Agency, pk=agency_id)
    if not policies.may_see_agency(request.user, agency.pk, on=timezone.localdate()):
        return _forbidden()
    today = timezone.localdate()
    try:
        start = _parse_day(request.GET.get("tu"), today.replace(day=1))
        end = _parse_day(request.GET.get("den"), today)
    except ValueError:
        message = "Ngày không hợp lệ: dùng dạng YYYY-MM-DD cho tham số «tu» và «den»."
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
    try:
        if ext == "xlsx":
            content, content_type = dossier_register_xlsx(agency=agency, start=start, end=end), XLSX
        else:
            content, content_type = dossier_register_pdf(agency=agency, start=start, end=end), PDF
    except DocumentError as error:
        return HttpResponse(error.message, status=error.http_status, content_type="text/plain; charset=utf-8")
    filename = dossier_register_filename(agency=agency, start=start, end=end, ext=ext)
    return _attachment(content, content_type, filename, inline=ext == "pdf" and _inline(request))
