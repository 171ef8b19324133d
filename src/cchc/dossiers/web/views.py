"""The staff console (bàn làm việc một cửa): work queues, the dossier page with its actions, counter reception.

Every page needs a login; who sees a dossier (404 otherwise) and which actions they may take is the
policy's (``cchc.dossiers.policies``): an officer, the dossiers of the agencies they act for today; a
superuser sees every dossier and acts only through their memberships. Each POST calls exactly one
service; a refused operation (``DossierError``) re-renders the page with its Vietnamese message and
HTTP 409 (403 when the officer lacks the role, 400 for malformed input) and changes nothing (the
services check everything before writing).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_POST

from cchc.accounts.constants import Area, Role
from cchc.accounts.selectors import membership_list_valid_on, user_agencies
from cchc.audit.selectors import audit_events_for
from cchc.catalogue.models import Procedure, ProcedureVersion
from cchc.catalogue.selectors import procedure_search, procedure_version_current
from cchc.common.forms import ConsoleForm
from cchc.dossiers import policies, services
from cchc.dossiers.addresses import hint_context
from cchc.dossiers.constants import Action, DocumentSource, DossierError, StepStatus
from cchc.dossiers.models import Dossier, DossierDocument, DossierRating, DossierStep, ResultDocument
from cchc.dossiers.policies import Grants
from cchc.dossiers.results.selectors import result_list_for_dossier
from cchc.dossiers.selectors import (
    Queue,
    competent_agency_candidates,
    dossier_list_for_officer,
    dossier_list_new_for_reception,
    dossier_queryset,
    dossier_queue_counts,
)
from cchc.dossiers.web import forms as f
from cchc.dossiers.web.actions import action_form, action_perform, next_step, refusal_message
from cchc.dossiers.web.actions import when as _when
from cchc.dossiers.web.landing import staff_landing_url
from cchc.dossiers.web.presenters import (
    ACTION_SLUGS,
    ACTION_TITLES,
    ACTIONS_BY_SLUG,
    CalendarCache,
    action_states,
    blocked_groups,
    form_links,
    money,
    person,
    queue_row,
    timeline,
)

LOGIN_URL = reverse_lazy("dossiers_web:login")
PAGE_SIZE = 50

# Queues in the order of the tabs: URL slug -> (selector queue, or "new"; tab label).
QUEUE_TABS: dict[str, tuple[str, str]] = {
    "cua-toi": ("mine", "Việc của tôi"),
    "co-quan": ("agency", "Hồ sơ của cơ quan"),
    "den-han-hom-nay": ("due_today", "Đến hạn hôm nay"),
    "qua-han": ("overdue", "Quá hạn"),
    "cho-nguoi-nop": ("waiting_applicant", "Chờ người nộp"),
    "cho-tiep-nhan": ("new", "Chờ tiếp nhận (trực tuyến)"),
}


def staff_login_required(view: Any) -> Any:
    return login_required(view, login_url=LOGIN_URL)


class ConsoleLoginView(auth_views.LoginView):
    """The staff login; after it each officer lands on their own work (:mod:`cchc.dossiers.web.landing`)
    unless the address they came for (``?next=``) says otherwise."""

    template_name = "dossiers/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return staff_landing_url(self.request.user, timezone.localdate())


class ConsoleLogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("dossiers_web:login")  # type: ignore[assignment]


def dossier_url(dossier: Dossier) -> str:
    if dossier.code:
        return reverse("dossiers_web:dossier", kwargs={"code": dossier.code})
    return reverse("dossiers_web:dossier_new", kwargs={"pk": dossier.pk})


# --- queues -------------------------------------------------------------------------------------------


@staff_login_required
def queue(request: HttpRequest) -> HttpResponse:
    """The officer's work queues with their counts; the chosen one ordered by remaining working time.

    performance: a fixed number of queries whatever the table size: the memberships, the counts of
    every tab (one query), the page of the chosen queue, one calendar version look-up.
    """
    now = timezone.now()
    today = timezone.localdate(now)
    user: Any = request.user
    slug = request.GET.get("hang-doi", "cua-toi")
    if slug not in QUEUE_TABS:
        slug = "cua-toi"
    memberships = list(
        membership_list_valid_on(on=today, area=Area.ONE_STOP, user=user).order_by(
            "agency__level", "agency__name", "pk"
        )
    )
    agency_ids = sorted({m.agency_id for m in memberships})
    desk_ids = sorted({m.agency_id for m in memberships if m.role == Role.RECEPTION})
    counts = dossier_queue_counts(user=user, on=today, at=now, agency_ids=agency_ids, desk_ids=desk_ids)
    tabs = [
        {"slug": key, "label": label, "count": counts[name], "current": key == slug}
        for key, (name, label) in QUEUE_TABS.items()
    ]
    current = next(tab for tab in tabs if tab["current"])
    name = QUEUE_TABS[slug][0]
    if name == "new":
        queryset = dossier_list_new_for_reception(user=user, on=today, desk_ids=desk_ids)
    else:
        queue_name: Queue = name  # type: ignore[assignment]
        queryset = dossier_list_for_officer(user=user, on=today, queue=queue_name, at=now, agency_ids=agency_ids)
    page = list(queryset[:PAGE_SIZE])
    calendars = CalendarCache(page)
    rows = [queue_row(d, url=dossier_url(d), remaining=calendars.remaining(d, now)) for d in page]
    agencies = list({m.agency_id: m.agency for m in memberships}.values())
    return render(
        request,
        "dossiers/queue.html",
        {
            "tabs": tabs,
            "current": current,
            "rows": rows,
            "shown": len(rows),
            "agencies": agencies,
            "can_receive": bool(desk_ids),
            "now": now,
        },
    )


# --- the dossier page --------------------------------------------------------------------------------


def _load(
    *, code: str | None, pk: int | None, user: Any, on: date, coded_too: bool = False
) -> tuple[Dossier, list[DossierStep], Grants]:
    """The dossier with its steps, if the officer may see it; 404 otherwise (as if it did not exist).
    By ``pk`` only a dossier not yet received (no code), unless ``coded_too``: an action posted to the
    online dossier's address after another officer received it gets the refusal, not a 404."""
    try:
        if code is not None:
            dossier = dossier_queryset().get(code=code)
        else:
            dossier = dossier_queryset().get(pk=pk or 0, **({} if coded_too else {"code": ""}))
    except Dossier.DoesNotExist as exc:
        raise Http404("Không tìm thấy hồ sơ.") from exc
    steps = list(dossier.steps.select_related("agency", "assignee").order_by("order"))
    grants = policies.grants_of(user, on=on)
    if not policies.may_see(grants, dossier, steps=steps):
        raise Http404("Không tìm thấy hồ sơ.")
    return dossier, steps, grants


def _make_form(
    action: Action, dossier: Dossier, steps: list[DossierStep], on: date, data: Any = None, files: Any = None
) -> ConsoleForm:
    return action_form(action, dossier, steps, on, data=data, prefix=ACTION_SLUGS[action], files=files)


def _detail(
    request: HttpRequest,
    *,
    dossier: Dossier,
    steps: list[DossierStep],
    grants: Grants,
    now: datetime,
    bound: ConsoleForm | None = None,
    bound_action: Action | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate(now)
    active = next((s for s in steps if s.status == StepStatus.ACTIVE), None)
    following = next_step(steps)
    fee_lines = list(dossier.fee_lines.order_by("order"))
    payments = list(dossier.payments.select_related("recorded_by").order_by("paid_at", "pk"))
    due = sum((line.amount for line in fee_lines if line.amount is not None), Decimal(0))
    paid = sum((p.amount for p in payments), Decimal(0))
    documents = list(dossier.documents.select_related("stored_document").order_by("order"))
    papers_left = sum(1 for d in documents if d.source == DocumentSource.PAPER and d.stored_document_id is None)
    states = action_states(
        dossier,
        active,
        grants,
        unpaid=due - paid if due else Decimal(0),
        papers_left=papers_left,
        fees_undetermined=any(line.amount is None for line in fee_lines),
    )
    warnings = {state.action: state.warning for state in states if state.warning}
    blocked = [state for state in states if not state.available]
    actions = [state.action for state in states if state.available]
    if bound_action is not None and bound_action not in actions:
        actions.insert(0, bound_action)
    action_forms = [
        {
            "action": action,
            "slug": ACTION_SLUGS[action],
            "title": ACTION_TITLES[action],
            "form": bound
            if action == bound_action and bound is not None
            else _make_form(action, dossier, steps, today),
            "open": action == bound_action,
            "danger": action in (Action.REFUSE, Action.STOP, Action.WITHDRAW),
            "warning": warnings.get(action, ""),
        }
        for action in actions
    ]
    for entry in action_forms:  # a form may name its action for the dossier (the certified copy's attach_result)
        entry["title"] = getattr(entry["form"], "action_title", "") or entry["title"]
    handovers = list(
        dossier.handovers.select_related("step", "giver", "receiver", "giver_agency", "receiver_agency").order_by(
            "at", "pk"
        )
    )
    events = list(audit_events_for(target=dossier))
    users: dict[Any, Any] = {h.receiver_id: h.receiver for h in handovers if h.receiver is not None}
    users.update({s.assignee_id: s.assignee for s in steps if s.assignee is not None})
    supplements = list(dossier.supplements.select_related("requested_by").order_by("requested_at"))
    extensions = list(dossier.extensions.select_related("actor").order_by("at"))
    return render(
        request,
        "dossiers/dossier_detail.html",
        {
            "dossier": dossier,
            "version": dossier.procedure_version,
            "steps": [{"step": step, "assignee": person(step.assignee)} for step in steps],
            "active": active,
            "following": following,
            "handovers": [{"h": h, "giver": person(h.giver), "receiver": person(h.receiver)} for h in handovers],
            "timeline": timeline(events, users),
            "fee_lines": [{"line": line, "amount": money(line.amount)} for line in fee_lines],
            "payments": [{"p": p, "amount": money(p.amount)} for p in payments],
            "fees_due": money(due),
            "fees_paid": money(paid),
            "fees_undetermined": any(line.amount is None for line in fee_lines),
            "supplements": [{"s": item, "by": person(item.requested_by)} for item in supplements],
            "extensions": extensions,
            "documents": documents,
            # issue 16 item 5: who may mark a stored copy not acceptable (dossiers.policies)
            "may_reject": policies.may_reject_stored_document(grants, dossier, active_step=active),
            "results": list(result_list_for_dossier(dossier)),  # issue 16: electronic results
            "rating": DossierRating.objects.filter(dossier=dossier).first(),
            "remaining": CalendarCache().remaining(dossier, now),
            "action_forms": action_forms,
            "waiting": [state for state in blocked if state.waiting],
            "blocked": blocked_groups(state for state in blocked if not state.waiting),
            "error": error,
            "bound": bound,
            "form_links": form_links(dossier, has_supplement=bool(supplements), has_extension=bool(extensions)),
            "received_by": person(dossier.received_by) if dossier.received_by_id else "",
            "dossier_url": dossier_url(dossier),
        },
        status=status,
    )


@staff_login_required
def dossier_detail(request: HttpRequest, code: str | None = None, pk: int | None = None) -> HttpResponse:
    now = timezone.now()
    dossier, steps, grants = _load(code=code, pk=pk, user=request.user, on=timezone.localdate(now))
    return _detail(request, dossier=dossier, steps=steps, grants=grants, now=now)


@staff_login_required
def dossier_document(request: HttpRequest, pk: int, order: int) -> HttpResponseBase:
    """Download a component: only staff who may see the dossier; never served from a public URL. A component
    digitised or reused from the data store serves the stored copy, and the access is logged (who, when, for
    which dossier: ``StoredDocumentAccess``); the rule: officers open a stored document only through a dossier
    they may see that uses it (NĐ 45/2020/NĐ-CP Điều 25; issue 16 item 7)."""
    dossier, _, _ = _load(code=None, pk=pk, user=request.user, on=timezone.localdate(), coded_too=True)
    document = get_object_or_404(
        DossierDocument.objects.select_related("stored_document"), dossier=dossier, order=order
    )
    if document.stored_document is not None:
        from cchc.records.services import stored_document_access_log

        stored = document.stored_document
        officer = request.user
        assert isinstance(officer, AbstractBaseUser)  # staff_login_required
        stored_document_access_log(stored, at=timezone.now(), user=officer, dossier_id=dossier.pk)
        return FileResponse(
            stored.file.open("rb"),
            as_attachment=True,
            filename=f"{dossier.code or dossier.pk}-{document.order}.{stored.file.name.rsplit('.', 1)[-1]}",
            content_type=stored.content_type,
        )
    if not document.file:
        raise Http404("Thành phần này không có tệp đính kèm.")
    extension = document.extension or ""
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=f"{dossier.code or dossier.pk}-{document.order}{extension}",
        content_type=document.content_type or "application/octet-stream",
    )


@require_POST
@staff_login_required
def dossier_document_reject(request: HttpRequest, pk: int, order: int) -> HttpResponse:
    """Mark the stored copy behind a component not acceptable, with a reason (issue 16 item 5; the rule and who
    may: ``services.dossier_document_reject``). A refusal re-renders the dossier's page with its message."""
    now = timezone.now()
    today = timezone.localdate(now)
    dossier, steps, grants = _load(code=None, pk=pk, user=request.user, on=today, coded_too=True)
    officer = request.user
    assert isinstance(officer, AbstractBaseUser)  # staff_login_required
    try:
        services.dossier_document_reject(
            dossier=dossier, order=order, actor=officer, at=now, reason=request.POST.get("reason", "")[:2000]
        )
    except DossierError as exc:
        return _detail(
            request, dossier=dossier, steps=steps, grants=grants, now=now, error=exc.message, status=exc.http_status
        )
    messages.success(
        request,
        "Đã đánh dấu giấy tờ không được chấp nhận; giấy tờ không còn được đề nghị dùng lại. "
        "Yêu cầu người nộp bổ sung bản giấy hoặc tệp (thao tác «Yêu cầu bổ sung hồ sơ»).",
    )
    return HttpResponseRedirect(dossier_url(dossier) + "#thanh-phan")


@staff_login_required
def dossier_result(request: HttpRequest, pk: int, result: int) -> HttpResponseBase:
    """Download an electronic result (the signed PDF; ``?ban=goc`` the file as attached): only staff who
    may see the dossier (issue 16)."""
    dossier, _, _ = _load(code=None, pk=pk, user=request.user, on=timezone.localdate(), coded_too=True)
    row = get_object_or_404(ResultDocument, dossier=dossier, pk=result)
    original = request.GET.get("ban") == "goc"
    stored = row.original if original or not row.signed else row.signed
    suffix = "" if stored is row.signed else "-chua-ky"
    return FileResponse(
        stored.open("rb"),
        as_attachment=True,
        filename=f"ket-qua-{dossier.code or dossier.pk}-{row.pk}{suffix}.pdf",
        content_type="application/pdf",
    )


@require_POST
@staff_login_required
def dossier_action(request: HttpRequest, slug: str, code: str | None = None, pk: int | None = None) -> HttpResponse:
    action = ACTIONS_BY_SLUG.get(slug)
    if action is None:
        raise Http404("Không có thao tác này.")
    now = timezone.now()
    today = timezone.localdate(now)
    dossier, steps, grants = _load(code=code, pk=pk, user=request.user, on=today, coded_too=True)
    form = _make_form(action, dossier, steps, today, data=request.POST, files=request.FILES)
    context: dict[str, Any] = {"dossier": dossier, "steps": steps, "grants": grants, "now": now}
    if not form.is_valid():
        return _detail(request, **context, bound=form, bound_action=action, status=400)
    try:
        message = action_perform(action, form, dossier=dossier, actor=request.user, at=now)
    except DossierError as exc:
        dossier, steps, grants = _load(code=code, pk=pk, user=request.user, on=today, coded_too=True)
        context = {"dossier": dossier, "steps": steps, "grants": grants, "now": now}
        return _detail(
            request,
            **context,
            bound=form,
            bound_action=action,
            # posted to the online dossier's address (opened before it had a code): the loser of a race
            error=refusal_message(action, dossier, exc) if pk is not None else exc.message,
            status=exc.http_status,
        )
    messages.success(request, message)
    dossier.refresh_from_db(fields=["code"])
    return HttpResponseRedirect(dossier_url(dossier))


# --- counter reception --------------------------------------------------------------------------------


@staff_login_required
def counter_reception(request: HttpRequest) -> HttpResponse:
    """Receive a paper dossier at the desk: pick the procedure, the agency, the applicant, the checklist."""
    now = timezone.now()
    today = timezone.localdate(now)
    user: Any = request.user
    desks = user_agencies(user=user, on=today, area=Area.ONE_STOP, role=Role.RECEPTION)
    if not desks.exists():
        return render(request, "dossiers/reception_forbidden.html", status=403)
    code = request.GET.get("thu-tuc", "")
    search = f.ProcedureSearchForm(request.GET or None)
    if not code:
        results = []
        if search.is_valid() and search.cleaned_data["q"]:
            results = list(procedure_search(text=search.cleaned_data["q"])[:30])
        return render(
            request,
            "dossiers/reception_search.html",
            {"search": search, "results": results, "searched": bool(search.is_valid() and search.cleaned_data["q"])},
        )
    try:
        procedure = Procedure.objects.select_related("field").get(code=code)
        version = procedure_version_current(procedure=procedure, at=now)
    except (Procedure.DoesNotExist, ProcedureVersion.DoesNotExist) as exc:
        raise Http404("Không tìm thấy thủ tục đang áp dụng.") from exc
    candidates = list(competent_agency_candidates(version=version, on=today))
    desk_ids = {d.pk for d in desks}
    own = [a for a in candidates if a.pk in desk_ids]
    documents = list(version.documents.all())
    id_number = request.POST.get("applicant_id_number", "") if request.method == "POST" else ""
    form = f.CounterReceptionForm(
        request.POST if request.method == "POST" else None,
        receiving=desks,
        competent=candidates,
        documents=documents,
        offers=_counter_offers(documents, id_number, user=user, at=now),
        offers_url=f"{reverse('dossiers_web:reception_offers')}?thu-tuc={procedure.code}",
        address_url=f"{reverse('portal:address')}?thu-tuc={procedure.code}",
        initial={"competent_agency": own[0].pk} if own else None,
    )
    error = ""
    status = 200
    posted = request.method == "POST"
    if posted:
        if form.is_valid():
            data = form.cleaned_data
            applicant = services.Applicant(
                kind=data["applicant_kind"],
                name=data["applicant_name"],
                id_number=data["applicant_id_number"],
                phone=data["applicant_phone"],
                email=data["applicant_email"],
                address=data["applicant_address"],
                notify_channels=tuple(data["notify_channels"]),
            )
            try:
                dossier = services.dossier_receive_counter(
                    procedure=procedure,
                    applicant=applicant,
                    receiving_agency=data["receiving_agency"],
                    competent_agency=data["competent_agency"],
                    actor=user,
                    at=now,
                    documents=form.paper_documents(),
                    reused=form.reused_by_order(),
                )
            except DossierError as exc:
                error = exc.message
                status = exc.http_status
            else:
                assert dossier.due_at is not None
                messages.success(
                    request,
                    f"Đã tiếp nhận hồ sơ {dossier.code}. Hẹn trả kết quả: {_when(dossier.due_at)}.",
                )
                return HttpResponseRedirect(dossier_url(dossier))
        else:
            status = 400
    return render(
        request,
        "dossiers/reception_form.html",
        {
            "procedure": procedure,
            "version": version,
            "form": form,
            "error": error,
            "looked_up": _owner_valid(id_number),
            **(hint_context(str(request.POST.get("applicant_address", ""))[:500], candidates) if posted else {}),
        },
        status=status,
    )


def _owner_valid(id_number: str) -> bool:
    from cchc.records.constants import RecordsError
    from cchc.records.services import owner_kind_of

    try:
        owner_kind_of(id_number)
    except RecordsError:
        return False
    return True


def _counter_offers(documents: list[Any], id_number: str, *, user: Any, at: datetime) -> dict[str, Any]:
    """The applicant's stored documents offered at the counter, each shown one logged
    (``services.counter_reuse_offers``, as ``/api/reception/offers/``)."""
    return services.counter_reuse_offers(
        type_codes=[d.document_type_code for d in documents], id_number=id_number, officer=user, at=at
    )


@staff_login_required
def counter_offers(request: HttpRequest) -> HttpResponse:
    """The htmx fragment of the counter reception form: the data store's documents offered for the id number
    typed (``?thu-tuc=<procedure>&applicant_id_number=<số>``); only an officer of a receiving desk."""
    now = timezone.now()
    user: Any = request.user
    desks = user_agencies(user=user, on=timezone.localdate(now), area=Area.ONE_STOP, role=Role.RECEPTION)
    if not desks.exists():
        return render(request, "dossiers/reception_forbidden.html", status=403)
    try:
        procedure = Procedure.objects.get(code=request.GET.get("thu-tuc", ""))
        version = procedure_version_current(procedure=procedure, at=now)
    except (Procedure.DoesNotExist, ProcedureVersion.DoesNotExist) as exc:
        raise Http404("Không tìm thấy thủ tục đang áp dụng.") from exc
    documents = list(version.documents.all())
    id_number = request.GET.get("applicant_id_number", "")[:30]
    form = f.CounterReceptionForm(
        receiving=desks,
        competent=[],
        documents=documents,
        offers=_counter_offers(documents, id_number, user=user, at=now),
    )
    return render(
        request, "dossiers/_reception_offers.html", {"form": form, "looked_up": _owner_valid(id_number.strip())}
    )
