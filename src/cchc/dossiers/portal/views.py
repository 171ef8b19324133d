"""The citizen portal (Cổng dịch vụ công), under /dich-vu-cong/: find a procedure, read what it needs,
file it online with the documents as files, look the dossier up, rate it once the result is returned.

No login yet (citizen login arrives later): an applicant proves a dossier is theirs by its code (or
the submission reference ``TT-…``) and the phone or ID number given when filing; the session then
remembers the dossiers looked up or filed from this browser. Uploaded files are never served here.
Each POST calls one service; a refusal re-renders the page with the Vietnamese message and changes
nothing (HTTP 400 for malformed input, 413 too large, 415 wrong type, 409 otherwise).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cchc.catalogue.constants import ServiceType
from cchc.catalogue.models import Procedure, ProcedureVersion
from cchc.catalogue.selectors import (
    field_list,
    procedure_get,
    procedure_search,
    procedure_version_current,
    procedure_version_current_shared,
)
from cchc.common.uploads import StorageError, max_bytes, size_text
from cchc.dossiers import policies, services
from cchc.dossiers.addresses import address_resolution, commune_suggestion, hint_context, resolution_view
from cchc.dossiers.constants import (
    Action,
    Channel,
    DossierError,
    DossierErrorCode,
    DossierStatus,
    RatingCriterion,
    RatingLevel,
    StepStatus,
)
from cchc.dossiers.lookups import ADDRESS_LOOKUPS, LOOKUPS
from cchc.dossiers.models import Dossier, DossierRating
from cchc.dossiers.portal import forms as f
from cchc.dossiers.results.selectors import result_current_signed, result_last_issued
from cchc.dossiers.selectors import (
    competent_agency_candidates,
    dossier_get_public,
    dossier_lookup_public_id,
    dossier_public_milestones,
    dossier_submission_reference,
    portal_desks,
)
from cchc.dossiers.web.presenters import money
from cchc.org.constants import AgencyKind, Level
from cchc.org.models import Agency

PAGE_SIZE = 20
SESSION_FILED = "portal_filed"  # dossiers filed from this browser (the confirmation page)
SESSION_SEEN = "portal_seen"  # dossiers looked up (or filed) from this browser (the status page)


def _remember(request: HttpRequest, key: str, pk: int) -> None:
    known = [int(x) for x in request.session.get(key, []) if isinstance(x, int)]
    if pk not in known:
        known = (known + [pk])[-50:]
    request.session[key] = known


def _knows(request: HttpRequest, key: str, pk: int) -> bool:
    return pk in request.session.get(key, [])


def _when(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return timezone.localtime(moment).strftime("%H:%M ngày %d/%m/%Y")


# --- procedures -------------------------------------------------------------------------------------


def search(request: HttpRequest) -> HttpResponse:
    """Published procedures, searched without regard to diacritics or case, by name, code or field."""
    form = f.SearchForm(request.GET or None, fields=field_list())
    text = ""
    field = None
    if form.is_valid():
        text = form.cleaned_data["q"] or ""
        field = form.cleaned_data["linhvuc"]
    results = procedure_search(text=text)
    if field is not None:
        results = results.filter(field=field)
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("trang"))
    query = request.GET.copy()
    query.pop("trang", None)
    return render(
        request,
        "portal/search.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "searched": bool(text or field),
        },
        status=200 if form.is_bound is False or form.is_valid() else 400,
    )


def _version(code: str, *, shared: bool = False) -> tuple[Procedure, ProcedureVersion]:
    """The procedure and its version in force now (``shared``: the process's copy, for a read-only page)."""
    current = procedure_version_current_shared if shared else procedure_version_current
    try:
        procedure = procedure_get(code=code)
        return procedure, current(procedure=procedure, at=timezone.now())
    except (Procedure.DoesNotExist, ProcedureVersion.DoesNotExist) as exc:
        raise Http404("Không tìm thấy thủ tục đang áp dụng.") from exc


def _fee_rows(version: ProcedureVersion) -> list[dict[str, Any]]:
    rows = []
    for fee in version.fees.all():
        table = [
            {"label": row.get("label", ""), "amount": money(row.get("amount"))}
            for row in fee.amount_table or []
            if isinstance(row, dict)
        ]
        rows.append({"fee": fee, "amount": money(fee.amount), "table": table})
    return rows


def procedure(request: HttpRequest, code: str) -> HttpResponse:
    """What the procedure needs: documents, fees, time, where to submit, legal basis."""
    procedure, version = _version(code, shared=True)
    return render(
        request,
        "portal/procedure.html",
        {
            "procedure": procedure,
            "version": version,
            "fees": _fee_rows(version),
            "online": version.service_type != ServiceType.IN_PERSON,
        },
    )


# --- online application -----------------------------------------------------------------------------


class SignedIn(Protocol):
    """The electronic identity signed in on this browser (issue 15; ``request.citizen``, set by
    cchc.identity's middleware): what the application form takes from it."""

    applicant_kind: str
    applicant_name: str
    applicant_id_number: str
    identity_level: str


def _signed_in(request: HttpRequest) -> SignedIn | None:
    return getattr(request, "citizen", None)


def _locked(citizen: SignedIn | None) -> dict[str, str] | None:
    if citizen is None:
        return None
    return {
        "applicant_kind": citizen.applicant_kind,
        "applicant_name": citizen.applicant_name,
        "applicant_id_number": citizen.applicant_id_number,
    }


def _application_form(
    version: ProcedureVersion, data: Any = None, files: Any = None, citizen: SignedIn | None = None
) -> tuple[f.ApplicationForm, list[Agency]]:
    """The form with the version's documents and the agencies to choose from (and the competent candidates)."""
    today = timezone.localdate()
    competent = list(competent_agency_candidates(version=version, on=today))
    commune_only = bool(competent) and all(
        a.level == Level.COMMUNE and a.kind == AgencyKind.PEOPLES_COMMITTEE for a in competent
    )
    form = f.ApplicationForm(
        data,
        files,
        documents=list(version.documents.all()),
        commune_only=commune_only,
        competent=competent,
        desks=portal_desks(on=today),
        locked=_locked(citizen),
        offers=_offers(version, citizen, today),
        address_url=f"{reverse('portal:address')}?thu-tuc={version.procedure.code}",
    )
    return form, competent


# the control characters a person cannot type (NUL, escapes): refused as malformed input
_CONTROL = {chr(c) for c in range(32)} - {"\t"}


def address(request: HttpRequest) -> HttpResponse:
    """The htmx fragment under the address field of the portal's and the counter's forms: the unit in force
    today that the address as typed belongs to (``?applicant_address=…``), the candidate units of an old
    commune that was divided (listed for a person to choose; never guessed), or a clear message; with
    ``thu-tuc=<procedure>`` handled at commune level, the commune's people's committee suggested. On the
    portal (``commune`` sent and still empty) the commune list is sent again with the suggestion preselected
    (htmx out-of-band); the person can change it. Reads only; anonymous look-ups are rate-limited per
    client address (``lookups.ADDRESS_LOOKUPS``). Malformed input: 400, code ``dossier.invalid_input``."""
    context: dict[str, Any] = {}
    # a signed-in officer at the counter is not counted: a whole office may share one client address
    counted = not request.user.is_authenticated
    if counted and ADDRESS_LOOKUPS.blocked(request):
        context["error"] = "Bạn đã tra cứu địa chỉ quá nhiều lần. Vui lòng thử lại sau một phút."
        return render(request, "portal/_address_unit.html", context, status=429)
    if counted:
        ADDRESS_LOOKUPS.failed(request)  # every look-up counts (a rate, not a failure budget)
    text = request.GET.get("applicant_address", "")
    code = request.GET.get("thu-tuc", "")
    if len(text) > 500 or len(code) > 60 or any(ch in _CONTROL for ch in text + code):
        context["error"] = "Địa chỉ không hợp lệ (tối đa 500 ký tự, không có ký tự điều khiển)."
        context["error_code"] = str(DossierErrorCode.INVALID_INPUT)
        return render(request, "portal/_address_unit.html", context, status=400)
    if not text.strip():
        return render(request, "portal/_address_unit.html", context)
    found = address_resolution(text)
    context["address"] = resolution_view(found)
    if code and found.status != "unknown":
        try:
            version: ProcedureVersion | None = _version(code)[1]
        except Http404:
            version = None
        if version is not None:
            competent = list(competent_agency_candidates(version=version, on=timezone.localdate()))
            suggestion = commune_suggestion(found, competent)
            context["suggested"] = suggestion.agencies
            single = suggestion.single
            online = version.service_type != ServiceType.IN_PERSON
            if single is not None and online and request.GET.get("commune") == "":
                form = _application_form(version)[0]
                if form.commune_only:
                    form.fields["commune"].initial = single.pk
                    form.fields["commune"].widget.attrs["hx-swap-oob"] = "true"
                    context["commune_field"] = form["commune"]
    return render(request, "portal/_address_unit.html", context)


def _offers(version: ProcedureVersion, citizen: SignedIn | None, today: Any) -> dict[str, Any]:
    """Once-only (TT 01/2023/TT-VPCP Điều 24): the signed-in citizen's usable stored documents for the
    version's document types (one indexed query); nobody's for an applicant not signed in."""
    if citizen is None:
        return {}
    from cchc.records.selectors import reusable_for

    codes = [d.document_type_code for d in version.documents.all()]
    return reusable_for(owner_id_number=citizen.applicant_id_number, type_codes=codes, on=today)


def apply(request: HttpRequest, code: str) -> HttpResponse:
    """The online application form; on success the confirmation with the submission reference."""
    # the form's page reads the process's copy of the version; a submission reads the version itself
    procedure, version = _version(code, shared=request.method == "GET")
    context: dict[str, Any] = {"procedure": procedure, "version": version, "limit": size_text(max_bytes())}
    if version.service_type == ServiceType.IN_PERSON:
        return render(
            request,
            "portal/apply.html",
            {**context, "unavailable": True},
            status=409 if request.method == "POST" else 200,
        )
    posted = request.method == "POST"
    citizen = _signed_in(request)
    form, candidates = _application_form(
        version, request.POST if posted else None, request.FILES if posted else None, citizen
    )
    context["form"] = form
    context["citizen"] = citizen
    if not posted:
        return render(request, "portal/apply.html", context)
    context.update(hint_context(str(request.POST.get("applicant_address", ""))[:500], candidates))
    if not form.is_valid():
        return render(request, "portal/apply.html", context, status=400)
    receiving, competent = form.agencies()
    if competent is None:
        competent = candidates[0] if candidates else None
    if competent is not None and competent.level == Level.COMMUNE:
        receiving = competent  # a commune decides what its own desk receives
    data = form.cleaned_data
    try:
        if competent is None or receiving is None:
            raise DossierError(
                DossierErrorCode.AGENCY_NOT_COMPETENT,
                "Hiện không có cơ quan có thẩm quyền tiếp nhận thủ tục này trực tuyến. "
                "Vui lòng liên hệ bộ phận một cửa.",
            )
        dossier = services.dossier_apply_online(
            procedure=procedure,
            applicant=services.Applicant(
                kind=data["applicant_kind"],
                name=data["applicant_name"],
                id_number=data["applicant_id_number"],
                phone=data["applicant_phone"],
                email=data["applicant_email"],
                address=data["applicant_address"],
                notify_channels=tuple(data["notify_channels"]),
                identity=citizen.identity_level if citizen is not None else "",
            ),
            receiving_agency=receiving,
            competent_agency=competent,
            files=form.files_by_order(),
            reused=form.reused_by_order(),
            reuser_id_number=citizen.applicant_id_number if citizen is not None else "",
            at=timezone.now(),
        )
    except (DossierError, StorageError) as exc:  # a full file store: shown by the form
        return render(
            request,
            "portal/apply.html",
            {**context, "error": exc.message, "error_code": str(exc.code)},
            status=exc.http_status,
        )
    _remember(request, SESSION_FILED, dossier.pk)
    _remember(request, SESSION_SEEN, dossier.pk)
    return HttpResponseRedirect(reverse("portal:submitted", kwargs={"pk": dossier.pk}))


def submitted(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirmation, shown only in the browser that filed the dossier."""
    if not _knows(request, SESSION_FILED, pk):
        raise Http404("Không tìm thấy hồ sơ.")
    dossier = dossier_get_public(pk=pk)
    return render(
        request,
        "portal/submitted.html",
        {
            "dossier": dossier,
            "reference": dossier_submission_reference(dossier),
            "submitted_at": _when(dossier.submitted_at),
        },
    )


# --- status lookup and rating ------------------------------------------------------------------------


def lookup(request: HttpRequest) -> HttpResponse:
    """Look a dossier up by code (or TT- reference) and phone or ID number; the same answer for an
    unknown code and a wrong second factor. Failed attempts are limited per client address."""
    form = f.LookupForm(request.POST if request.method == "POST" else None)
    if request.method != "POST":
        return render(request, "portal/lookup.html", {"form": form})
    if LOOKUPS.blocked(request):
        error = "Bạn đã tra cứu không thành công quá nhiều lần. Vui lòng thử lại sau 15 phút."
        return render(request, "portal/lookup.html", {"form": form, "error": error}, status=429)
    if not form.is_valid():
        return render(request, "portal/lookup.html", {"form": form}, status=400)
    pk = dossier_lookup_public_id(reference=form.cleaned_data["reference"], factor=form.cleaned_data["factor"])
    if pk is None:
        LOOKUPS.failed(request)
        error = (
            "Không tìm thấy hồ sơ với mã và thông tin xác thực đã nhập. Vui lòng kiểm tra lại mã hồ sơ và "
            "số điện thoại hoặc số định danh đã khai khi nộp."
        )
        return render(request, "portal/lookup.html", {"form": form, "error": error}, status=404)
    _remember(request, SESSION_SEEN, pk)
    return HttpResponseRedirect(reverse("portal:status", kwargs={"pk": pk}))


def _supplement_form(dossier: Dossier, data: Any = None, files: Any = None) -> f.SupplementForm | None:
    """The supplement form while the applicant may hand one in online (the policy's
    ``applicant_actions``: the dossier waits for it, before or after reception), else ``None``."""
    if Action.RESUBMIT_SUPPLEMENT not in policies.applicant_actions(dossier):
        return None
    documents = list(dossier.procedure_version.documents.all())
    return f.SupplementForm(data, files, documents=documents, prefix="bo-sung")


def _status_page(
    request: HttpRequest,
    dossier: Dossier,
    *,
    form: f.RatingForm | None = None,
    error: str = "",
    status: int = 200,
    supplement_form: f.SupplementForm | None = None,
    supplement_error: str = "",
) -> HttpResponse:
    try:
        rating: DossierRating | None = dossier.rating
    except DossierRating.DoesNotExist:
        rating = None
    lines = list(dossier.fee_lines.all())
    due = sum((line.amount for line in lines if line.amount is not None), Decimal(0))
    paid = sum((p.amount for p in dossier.payments.all()), Decimal(0))
    can_rate = dossier.status == DossierStatus.RETURNED and rating is None
    # issue 15 part 4: online payment (cchc.payments) where the applicant may pay and every fee is fixed
    pay_online = (
        Action.RECORD_PAYMENT in policies.applicant_actions(dossier)
        and all(line.amount is not None for line in lines)
        and due > paid
    )
    steps = [
        {"name": s.name, "agency": s.agency.name, "state": StepStatus(s.status).label, "status": s.status}
        for s in dossier.steps.all()
    ]
    return render(
        request,
        "portal/status.html",
        {
            "dossier": dossier,
            "version": dossier.procedure_version,
            "reference": dossier_submission_reference(dossier) if dossier.channel == Channel.ONLINE else "",
            "status_label": DossierStatus(dossier.status).label,
            "due_at": _when(dossier.due_at),
            # the appointment before the apology letter (form 04), shown beside the new one
            "first_due_at": _when(dossier.statutory_due_at) if dossier.statutory_due_at != dossier.due_at else "",
            "events": dossier_public_milestones(dossier),
            "steps": steps,
            "fee_lines": [{"name": line.name, "amount": money(line.amount)} for line in lines],
            "fees_due": money(due),
            "fees_paid": money(paid),
            "pay_online": money(due - paid) if pay_online else "",
            "documents": [{"d": d, "size": size_text(d.size) if d.size else ""} for d in dossier.documents.all()],
            # issue 16: the signed electronic result, once returned (a revoked one: its state, no download)
            "signed_result": result_last_issued(dossier) if policies.applicant_may_download_result(dossier) else None,
            "rating": rating,
            "rating_criteria": _rating_rows(rating),
            "form": form if form is not None else (f.RatingForm() if can_rate else None),
            "error": error,
            "supplement_form": supplement_form if supplement_form is not None else _supplement_form(dossier),
            "supplement_request": next((x for x in dossier.supplements.all() if x.resumed_at is None), None),
            "supplement_error": supplement_error,
            "limit": size_text(max_bytes()),
        },
        status=status,
    )


def _rating_rows(rating: DossierRating | None) -> list[tuple[str, str]]:
    if rating is None or not isinstance(rating.criteria, dict):
        return []
    return [
        (c.label, RatingLevel(rating.criteria[c.value]).label)
        for c in RatingCriterion
        if rating.criteria.get(c.value) in RatingLevel.values
    ]


def _seen(request: HttpRequest, pk: int) -> Dossier | None:
    """A dossier this browser looked up or filed, or (issue 15) one of the signed-in identity's own."""
    citizen = _signed_in(request)
    if not _knows(request, SESSION_SEEN, pk) and citizen is None:
        return None
    try:
        dossier = dossier_get_public(pk=pk)
    except Dossier.DoesNotExist:
        return None
    if _knows(request, SESSION_SEEN, pk) or (
        citizen is not None
        and dossier.applicant_kind == citizen.applicant_kind
        and dossier.applicant_id_number == citizen.applicant_id_number
    ):
        return dossier
    return None


def result_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The signed electronic result, for whoever may see the dossier's status page, once the policy
    allows the applicant to have it (``policies.applicant_may_download_result``)."""
    dossier = _seen(request, pk)
    if dossier is None:
        return HttpResponseRedirect(reverse("portal:lookup"))
    result = result_current_signed(dossier) if policies.applicant_may_download_result(dossier) else None
    if result is None:
        raise Http404("Hồ sơ chưa có kết quả điện tử đã ký số để tải về.")
    response = FileResponse(
        result.signed.open("rb"),
        as_attachment=True,
        filename=f"ket-qua-{dossier.code or dossier.pk}.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


def dossier_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The status of a dossier this browser looked up (otherwise back to the lookup form)."""
    dossier = _seen(request, pk)
    if dossier is None:
        return HttpResponseRedirect(reverse("portal:lookup"))
    return _status_page(request, dossier)


@require_POST
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _seen(request, pk)
    if dossier is None:
        return HttpResponseRedirect(reverse("portal:lookup"))
    form = f.RatingForm(request.POST)
    if not form.is_valid():
        return _status_page(request, dossier, form=form, status=400)
    try:
        services.dossier_rate(
            dossier=dossier,
            level=form.cleaned_data["level"],
            criteria=form.criteria(),
            comment=form.cleaned_data["comment"],
            at=timezone.now(),
        )
    except DossierError as exc:
        dossier = dossier_get_public(pk=pk)
        return _status_page(request, dossier, form=None, error=exc.message, status=exc.http_status)
    messages.success(request, "Cảm ơn bạn đã đánh giá. Ý kiến của bạn giúp cơ quan phục vụ tốt hơn.")
    return HttpResponseRedirect(reverse("portal:status", kwargs={"pk": pk}))


@require_POST
def supplement(request: HttpRequest, pk: int) -> HttpResponse:
    """The applicant hands in the supplement asked of them (form 02), with the files it names.

    Asked before reception, the dossier goes back to the desk's queue as "Mới đăng ký" (no clock ran);
    asked during processing, the clock resumes (``dossier_resubmit_supplement``).
    """
    dossier = _seen(request, pk)
    if dossier is None:
        return HttpResponseRedirect(reverse("portal:lookup"))
    form = _supplement_form(dossier, request.POST, request.FILES)
    if form is None:
        error = "Hồ sơ hiện không có yêu cầu bổ sung nào đang chờ."
        return _status_page(request, dossier, supplement_error=error, status=409)
    if not form.is_valid():
        return _status_page(request, dossier, supplement_form=form, status=400)
    try:
        services.dossier_resubmit_supplement(
            dossier=dossier, actor=None, at=timezone.now(), files=form.files_by_order()
        )
    except (DossierError, StorageError) as exc:  # a full file store: shown by the form
        dossier = dossier_get_public(pk=pk)
        return _status_page(request, dossier, supplement_error=exc.message, status=exc.http_status)
    received = dossier.received_at is not None
    messages.success(
        request,
        "Đã nộp bổ sung hồ sơ; thời gian giải quyết được tính tiếp."
        if received
        else "Đã nộp bổ sung hồ sơ; hồ sơ được chuyển lại bộ phận một cửa để tiếp nhận.",
    )
    return HttpResponseRedirect(reverse("portal:status", kwargs={"pk": pk}))
