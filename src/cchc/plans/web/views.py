"""Pages of the yearly plans: the year's plans, one agency's plan, an assignment with its actions,
the overdue list.

Reading is public, like the program pages (a plan is a public administrative document); acting
needs a login. Each POST calls exactly one service; a refused operation (``PlanError``) re-renders the
assignment page with its Vietnamese message (HTTP 403 when the user may not act, 409 for a step
the assignment's state does not allow, 400 for bad input) and changes nothing. Every page costs a
fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cchc.common.params import id_or_none, year_or_none
from cchc.plans import services
from cchc.plans.constants import PlanError, ProgressStatus, SourceKind
from cchc.plans.models import Assignment, AssignmentEvidence, Plan
from cchc.plans.selectors import (
    abilities_for,
    assignment_get,
    assignment_list,
    coordinated_by,
    evidence_get,
    overdue_list,
    plan_agencies,
    plan_get,
    plan_summaries,
    plan_years,
    status_counts,
)
from cchc.plans.web import forms as f

LIST_LIMIT = 300
OVERDUE_PAGE_SIZE = 50

STATUS_COLOURS = {
    ProgressStatus.NOT_STARTED.value: "#8a94a6",
    ProgressStatus.IN_PROGRESS.value: "#0b5cab",
    ProgressStatus.SUBMITTED.value: "#b26b00",
    ProgressStatus.DONE.value: "#1e7b34",
    ProgressStatus.OVERDUE.value: "#b42318",
    ProgressStatus.DROPPED.value: "#5b2a86",
}


def _status_rows(counts: dict[str, int]) -> list[dict[str, Any]]:
    total = sum(counts.values()) or 1
    return [
        {
            "value": s.value,
            "label": s.label,
            "count": counts.get(s.value, 0),
            "share": round(100 * counts.get(s.value, 0) / total, 1),
            "colour": STATUS_COLOURS[s.value],
        }
        for s in ProgressStatus
    ]


def plan_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    years = plan_years()
    if not years:
        return render(request, "plans/empty.html", {"year": today.year})
    default_year = today.year if today.year in years else years[0]
    data = request.GET.copy()
    data.setdefault("nam", str(default_year))
    year_raw = data.get("nam", "")
    parsed = year_or_none(year_raw)
    year = parsed if parsed is not None and parsed in years else default_year
    agencies = list(plan_agencies(year=year).values_list("pk", "name"))
    form = f.PlanFilterForm(data, years=years, agencies=agencies)
    form.is_valid()
    agency_id = form.cleaned_data.get("co_quan") if "co_quan" in form.cleaned_data else None
    status = form.cleaned_data.get("trang_thai", "") if "trang_thai" in form.cleaned_data else ""
    rows = plan_summaries(year=year, today=today, agency_id=agency_id, status=status)
    counts = status_counts(assignment_list(today=today, year=year, agency_id=agency_id), today=today)
    listed = (
        list(assignment_list(today=today, year=year, agency_id=agency_id, status=status)[:LIST_LIMIT]) if status else []
    )
    return render(
        request,
        "plans/plan_list.html",
        {
            "year": year,
            "years": years,
            "form": form,
            "rows": rows,
            "status_rows": _status_rows(counts),
            "total": sum(counts.values()),
            "chart": {"name": f"Năm {year}", "data": [r for r in _status_rows(counts) if r["count"]]},
            "status": status,
            "status_label": ProgressStatus(status).label if status else "",
            "listed": listed,
            "limit": LIST_LIMIT,
            "filtered": bool(agency_id or status),
            "today": today,
        },
    )


def agency_plan(request: HttpRequest, year: int, agency_id: int) -> HttpResponse:
    today = timezone.localdate()
    try:
        plan = plan_get(year=year, agency_id=agency_id)
    except Plan.DoesNotExist as exc:
        raise Http404("Không có kế hoạch của cơ quan này trong năm đã chọn.") from exc
    items = list(assignment_list(today=today, year=year, agency_id=agency_id))
    counts = {s.value: 0 for s in ProgressStatus}
    for item in items:
        counts[item.progress] += 1  # type: ignore[attr-defined]
    mean = round(sum(i.percent for i in items) / len(items), 1) if items else 0
    return render(
        request,
        "plans/agency_plan.html",
        {
            "plan": plan,
            "tasks": [i for i in items if i.source_kind == SourceKind.APPENDIX_TASK],
            "duties": [i for i in items if i.source_kind == SourceKind.DUTY],
            "coordinated": list(coordinated_by(agency_id=agency_id, year=year, today=today)[:LIST_LIMIT]),
            "status_rows": _status_rows(counts),
            "total": len(items),
            "mean": mean,
            "chart": {"name": plan.agency.name, "data": [r for r in _status_rows(counts) if r["count"]]},
            "today": today,
        },
    )


def overdue(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    raw = request.GET.get("co_quan", "")
    agency_id = id_or_none(raw)
    # a long list is paged (Django's get_page: a page number that is not one gives the first or last page)
    page = Paginator(overdue_list(today=today, agency_id=agency_id), OVERDUE_PAGE_SIZE).get_page(
        request.GET.get("trang")
    )
    return render(
        request,
        "plans/overdue.html",
        {
            "rows": list(page.object_list),
            "page": page,
            "page_query": f"co_quan={agency_id}&" if agency_id is not None else "",
            "today": today,
        },
    )


# --- the assignment page and its actions ------------------------------------------------------------


def _forms(data: dict[str, forms.Form] | None = None) -> dict[str, forms.Form]:
    blank: dict[str, forms.Form] = {
        "progress_form": f.ProgressForm(prefix="td"),
        "evidence_form": f.EvidenceForm(prefix="mc"),
        "submit_form": f.SubmitForm(prefix="ht"),
        "accept_form": f.AcceptForm(prefix="xn"),
        "return_form": f.ReasonForm(prefix="tl"),
        "drop_form": f.ReasonForm(prefix="dg"),
        "due_form": f.DueForm(prefix="th"),
        "comment_form": f.CommentForm(prefix="yk"),
    }
    blank.update(data or {})
    return blank


def _detail(
    request: HttpRequest, pk: int, *, status: int = 200, error: str = "", bound: dict[str, forms.Form] | None = None
) -> HttpResponse:
    today = timezone.localdate()
    try:
        assignment = assignment_get(assignment_id=pk, today=today)
    except Assignment.DoesNotExist as exc:
        raise Http404("Không tìm thấy nhiệm vụ.") from exc
    can = abilities_for(user=request.user, assignment=assignment, on=today)  # type: ignore[arg-type]
    context = {
        "a": assignment,
        "can": can,
        "error": error,
        "today": today,
        "progress_label": ProgressStatus(assignment.progress).label,  # type: ignore[attr-defined]
        "open": assignment.status in ("not_started", "in_progress"),
        **_forms(bound),
    }
    return render(request, "plans/assignment_detail.html", context, status=status)


def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, pk)


Action = tuple[str, type[forms.Form], str, Callable[..., object], str]

# slug -> (form key, form class, prefix, call(assignment, user, cleaned, at), success message)
ACTIONS: dict[str, Action] = {
    "tien-do": (
        "progress_form",
        f.ProgressForm,
        "td",
        lambda a, u, c, at: services.assignment_progress_update(
            assignment=a, user=u, percent=c["percent"], note=c["note"], at=at
        ),
        "Đã cập nhật tiến độ.",
    ),
    "minh-chung": (
        "evidence_form",
        f.EvidenceForm,
        "mc",
        lambda a, u, c, at: services.assignment_evidence_add(
            assignment=a, user=u, file=c["file"], description=c["description"], at=at
        ),
        "Đã đính kèm tài liệu minh chứng.",
    ),
    "bao-cao-hoan-thanh": (
        "submit_form",
        f.SubmitForm,
        "ht",
        lambda a, u, c, at: services.assignment_submit(assignment=a, user=u, note=c["note"], at=at),
        "Đã báo cáo hoàn thành; chờ Sở Nội vụ xác nhận.",
    ),
    "xac-nhan": (
        "accept_form",
        f.AcceptForm,
        "xn",
        lambda a, u, c, at: services.assignment_accept(assignment=a, user=u, note=c["note"], at=at),
        "Đã xác nhận hoàn thành nhiệm vụ.",
    ),
    "tra-lai": (
        "return_form",
        f.ReasonForm,
        "tl",
        lambda a, u, c, at: services.assignment_return(assignment=a, user=u, reason=c["reason"], at=at),
        "Đã trả lại báo cáo hoàn thành cho cơ quan chủ trì.",
    ),
    "dung": (
        "drop_form",
        f.ReasonForm,
        "dg",
        lambda a, u, c, at: services.assignment_drop(assignment=a, user=u, reason=c["reason"], at=at),
        "Đã dừng thực hiện nhiệm vụ.",
    ),
    "thoi-han": (
        "due_form",
        f.DueForm,
        "th",
        lambda a, u, c, at: services.assignment_due_set(
            assignment=a, user=u, due_on=c["due_on"], reason=c["reason"], at=at
        ),
        "Đã điều chỉnh thời hạn.",
    ),
    "y-kien": (
        "comment_form",
        f.CommentForm,
        "yk",
        lambda a, u, c, at: services.assignment_comment(assignment=a, user=u, body=c["body"], at=at),
        "Đã gửi ý kiến.",
    ),
}


@login_required
@require_POST
def assignment_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404("Không có thao tác này.")
    key, form_class, prefix, call, success = ACTIONS[action]
    assignment = Assignment.objects.filter(pk=pk).first()
    if assignment is None:
        raise Http404("Không tìm thấy nhiệm vụ.")
    form = form_class(request.POST, request.FILES, prefix=prefix)
    if not form.is_valid():
        return _detail(request, pk, status=400, bound={key: form})
    try:
        call(assignment, request.user, form.cleaned_data, timezone.now())
    except PlanError as exc:
        return _detail(request, pk, status=exc.http_status, error=exc.message, bound={key: form})
    messages.success(request, success)
    return HttpResponseRedirect(reverse("plans_web:assignment_detail", args=[pk]))


@login_required
def evidence_download(request: HttpRequest, pk: int, evidence_id: int) -> FileResponse:
    today = timezone.localdate()
    try:
        evidence = evidence_get(assignment_id=pk, evidence_id=evidence_id)
    except AssignmentEvidence.DoesNotExist as exc:
        raise Http404("Không tìm thấy tài liệu.") from exc
    can = abilities_for(user=request.user, assignment=evidence.assignment, on=today)  # type: ignore[arg-type]
    if not (can.lead or can.coordinator or can.comment):
        raise Http404("Không tìm thấy tài liệu.")
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
