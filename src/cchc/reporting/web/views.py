"""Report pages under /bao-cao/: periods, an agency's report form, Sở Nội vụ's review and compliance view,
the consolidated report editor and its downloads.

Staff log in through the one-stop-shop console's login. An officer writes the reports of the agencies
they act for today; Sở Nội vụ staff (and superusers) see every report, return or accept them and edit
the consolidated report. Each POST calls one service; a refusal re-renders the page with the Vietnamese
message and changes nothing (400 bad input, 403 not permitted, 409 wrong state or closed period).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cchc.common.replica import replica_view
from cchc.org.models import Agency
from cchc.reporting import services
from cchc.reporting.constants import (
    EDITABLE_STATUSES,
    UNDER_REVIEW_STATUSES,
    ReportError,
)
from cchc.reporting.documents.generate import FORMATS, province_report_file
from cchc.reporting.models import AgencyReport, ReportPeriod
from cchc.reporting.selectors import (
    ReportScope,
    agency_figures,
    agency_report_find,
    agency_report_queryset,
    compliance_for_period,
    period_list,
    province_report_get,
    report_scope,
)
from cchc.reporting.web import forms as f

LOGIN_URL = reverse_lazy("dossiers_web:login")


def _when(moment: Any) -> str:
    return "" if moment is None else timezone.localtime(moment).strftime("%H:%M ngày %d/%m/%Y")


def _actor(request: HttpRequest) -> Any:
    """The logged-in officer (the views require a login)."""
    return request.user


def _scope(request: HttpRequest) -> ReportScope:
    return report_scope(user=_actor(request), on=timezone.localdate())


def _period(key: str) -> ReportPeriod:
    try:
        return ReportPeriod.objects.get(key=key)
    except ReportPeriod.DoesNotExist:
        raise Http404("Không có kỳ báo cáo này.") from None


@login_required(login_url=LOGIN_URL)
@replica_view
def period_list_view(request: HttpRequest) -> HttpResponse:
    """``/bao-cao/``: the periods with their deadlines; Sở Nội vụ may open a new one."""
    scope = _scope(request)
    periods = list(period_list())
    mine: dict[int, list[AgencyReport]] = {}
    if scope.agency_ids:
        for report in AgencyReport.objects.filter(agency_id__in=sorted(scope.agency_ids)).select_related("agency"):
            mine.setdefault(report.period_id, []).append(report)
    today = timezone.localdate()
    rows = [{"period": p, "mine": mine.get(p.pk, []), "open": p.is_open_on(today)} for p in periods]
    form = f.OpenPeriodForm()
    error = ""
    status = 200
    if request.method == "POST" and scope.reviewer:
        form = f.OpenPeriodForm(request.POST)
        if form.is_valid():
            try:
                period = services.report_period_open(
                    key=form.cleaned_data["key"],
                    due_on=form.cleaned_data["due_on"],
                    closes_on=form.cleaned_data["closes_on"],
                    actor=_actor(request),
                    at=timezone.now(),
                )
            except ReportError as err:
                error, status = err.message, err.http_status
            else:
                messages.success(request, f"Đã mở kỳ báo cáo {period.label}.")
                return HttpResponseRedirect(reverse("reporting_web:period", args=[period.key]))
        else:
            status = 400
    return render(
        request,
        "reporting/period_list.html",
        {"rows": rows, "scope": scope, "form": form, "error": error},
        status=status,
    )


@login_required(login_url=LOGIN_URL)
@replica_view
def period_detail(request: HttpRequest, key: str) -> HttpResponse:
    """``/bao-cao/<kỳ>/``: the officer's own reports of the period; for Sở Nội vụ the compliance view
    (every agency on time / late / not sent, with a chart) and the reports waiting for review."""
    period = _period(key)
    scope = _scope(request)
    if scope.empty:
        raise Http404
    now = timezone.now()
    own = []
    for agency in Agency.objects.filter(pk__in=sorted(scope.agency_ids)).order_by("name"):
        own.append({"agency": agency, "report": agency_report_find(period=period, agency=agency)})
    context: dict[str, Any] = {"period": period, "scope": scope, "own": own, "closed": period.is_closed(now)}
    if scope.reviewer:
        compliance = compliance_for_period(period=period, at=now)
        context["compliance"] = compliance
        context["chart"] = compliance.chart()
        context["province_report"] = province_report_get(period=period)
    return render(request, "reporting/period_detail.html", context)


def _report_context(request: HttpRequest, period: ReportPeriod, agency: Agency, scope: ReportScope) -> dict[str, Any]:
    report = agency_report_queryset().filter(period=period, agency=agency).first()
    context: dict[str, Any] = {
        "period": period,
        "agency": agency,
        "report": report,
        "scope": scope,
        "closed": period.is_closed(timezone.now()),
        "may_write": scope.may_write(agency.pk),
    }
    if report is None:
        return context
    editable = report.status in EDITABLE_STATUSES and context["may_write"]
    context.update(
        editable=editable,
        reviewable=scope.reviewer and report.status in UNDER_REVIEW_STATUSES,
        submitted_at=_when(report.submitted_at),
        first_submitted_at=_when(report.first_submitted_at),
        returned_at=_when(report.returned_at),
        accepted_at=_when(report.accepted_at),
    )
    if editable:
        context["form"] = f.AgencyReportForm(report=report)
        context["figures"] = agency_figures(
            agency=agency, period=period, at=timezone.now(), manual=list(report.manual_figures.all())
        )
    else:
        context["figures"] = report.figures
    if context["reviewable"]:
        context["return_form"] = f.ReturnForm()
    return context


@login_required(login_url=LOGIN_URL)
@require_http_methods(["GET", "POST"])
@replica_view
def agency_report(request: HttpRequest, key: str, agency_id: int) -> HttpResponse:
    """``/bao-cao/<kỳ>/co-quan/<id>/``: the agency's report. POST ``action``: ``start``, ``save`` or
    ``submit`` (the form's content is saved and sent in one step)."""
    period = _period(key)
    agency = get_object_or_404(Agency, pk=agency_id)
    scope = _scope(request)
    if not scope.may_see(agency.pk) and not scope.superuser:
        raise Http404
    if request.method == "GET":
        return render(request, "reporting/agency_report.html", _report_context(request, period, agency, scope))
    action = request.POST.get("action", "")
    now = timezone.now()
    here = reverse("reporting_web:agency_report", args=[period.key, agency.pk])
    try:
        if action == "start":
            services.agency_report_start(period=period, agency=agency, actor=_actor(request), at=now)
            messages.success(request, "Đã lập dự thảo báo cáo; nhập nội dung từng lĩnh vực rồi lưu hoặc gửi.")
            return HttpResponseRedirect(here)
        report = agency_report_find(period=period, agency=agency)
        if report is None or action not in ("save", "submit"):
            raise Http404
        form = f.AgencyReportForm(request.POST, report=report)
        if not form.is_valid():
            context = _report_context(request, period, agency, scope)
            context["form"] = form
            return render(request, "reporting/agency_report.html", context, status=400)
        if action == "save":
            services.agency_report_save(report=report, content=form.content(), actor=_actor(request), at=now)
            messages.success(request, "Đã lưu dự thảo báo cáo.")
        else:
            report = services.agency_report_submit(report=report, content=form.content(), actor=_actor(request), at=now)
            timeliness = report.get_timeliness_display().lower()
            messages.success(request, f"Đã gửi báo cáo đến Sở Nội vụ lúc {_when(report.submitted_at)} ({timeliness}).")
        return HttpResponseRedirect(here)
    except ReportError as error:
        context = _report_context(request, period, agency, scope)
        context["error"] = error.message
        if "form" in context and action in ("save", "submit"):
            context["form"] = f.AgencyReportForm(request.POST, report=context["report"])
            context["form"].is_valid()
        return render(request, "reporting/agency_report.html", context, status=error.http_status)


@login_required(login_url=LOGIN_URL)
@require_POST
def agency_report_review(request: HttpRequest, key: str, agency_id: int) -> HttpResponse:
    """POST ``action`` = ``accept`` or ``return`` (with ``reason``): Sở Nội vụ's decision."""
    period = _period(key)
    agency = get_object_or_404(Agency, pk=agency_id)
    scope = _scope(request)
    report = agency_report_find(period=period, agency=agency)
    if report is None or not scope.may_see(agency.pk):
        raise Http404
    now = timezone.now()
    action = request.POST.get("action", "")
    try:
        if action == "accept":
            services.agency_report_accept(report=report, actor=_actor(request), at=now)
            messages.success(request, f"Đã tiếp nhận báo cáo của {agency.name}.")
        elif action == "return":
            form = f.ReturnForm(request.POST)
            if not form.is_valid():
                context = _report_context(request, period, agency, scope)
                context["return_form"] = form
                return render(request, "reporting/agency_report.html", context, status=400)
            services.agency_report_return(
                report=report, reason=form.cleaned_data["reason"], actor=_actor(request), at=now
            )
            messages.success(request, f"Đã trả lại báo cáo của {agency.name}.")
        else:
            raise Http404
    except ReportError as error:
        context = _report_context(request, period, agency, scope)
        context["error"] = error.message
        return render(request, "reporting/agency_report.html", context, status=error.http_status)
    return HttpResponseRedirect(reverse("reporting_web:agency_report", args=[period.key, agency.pk]))


def _province_context(period: ReportPeriod, report: Any) -> dict[str, Any]:
    context: dict[str, Any] = {"period": period, "report": report, "formats": FORMATS}
    if report is not None:
        context["issued_at"] = _when(report.issued_at)
        context["figures_at"] = _when(report.figures_at)
        if not report.is_issued:
            context["form"] = f.ProvinceReportForm(report=report)
            context["issue_form"] = f.IssueForm()
    return context


@login_required(login_url=LOGIN_URL)
@require_http_methods(["GET", "POST"])
@replica_view
def province_report(request: HttpRequest, key: str) -> HttpResponse:
    """``/bao-cao/<kỳ>/tong-hop/``: the consolidated report editor (Sở Nội vụ). POST ``action``:
    ``prepare`` (draft / re-draft from the accepted reports), ``save``, ``issue``."""
    period = _period(key)
    scope = _scope(request)
    if not scope.reviewer:
        raise Http404
    report = province_report_get(period=period)
    if request.method == "GET":
        return render(request, "reporting/province_report.html", _province_context(period, report))
    action = request.POST.get("action", "")
    now = timezone.now()
    here = reverse("reporting_web:province_report", args=[period.key])
    try:
        if action == "prepare":
            services.province_report_prepare(period=period, actor=_actor(request), at=now)
            messages.success(request, "Đã tổng hợp dự thảo từ các báo cáo đã tiếp nhận và số liệu mới nhất.")
            return HttpResponseRedirect(here)
        if report is None:
            raise Http404
        if action == "save":
            form = f.ProvinceReportForm(request.POST, report=report)
            if not form.is_valid():
                context = _province_context(period, report)
                context["form"] = form
                return render(request, "reporting/province_report.html", context, status=400)
            services.province_report_update(report=report, content=form.content(), actor=_actor(request), at=now)
            messages.success(request, "Đã lưu dự thảo báo cáo tổng hợp.")
        elif action == "issue":
            issue = f.IssueForm(request.POST)
            if not issue.is_valid():
                context = _province_context(period, report)
                context["issue_form"] = issue
                return render(request, "reporting/province_report.html", context, status=400)
            report = services.province_report_issue(
                report=report,
                number=issue.cleaned_data["number"],
                issued_on=issue.cleaned_data["issued_on"],
                actor=_actor(request),
                at=now,
            )
            messages.success(request, f"Đã ban hành báo cáo số {report.number:02d}/BC-UBND.")
        else:
            raise Http404
    except ReportError as error:
        context = _province_context(period, province_report_get(period=period))
        context["error"] = error.message
        return render(request, "reporting/province_report.html", context, status=error.http_status)
    return HttpResponseRedirect(here)


@login_required(login_url=LOGIN_URL)
@replica_view
def province_report_download(request: HttpRequest, key: str, ext: str) -> HttpResponse:
    """``/bao-cao/<kỳ>/tong-hop/bao-cao.<docx|xlsx|pdf>``."""
    period = _period(key)
    if not _scope(request).reviewer or ext not in FORMATS:
        raise Http404
    report = province_report_get(period=period)
    if report is None:
        raise Http404
    generated = province_report_file(report=report, ext=ext)
    response = HttpResponse(generated.content, content_type=generated.content_type)
    response["Content-Disposition"] = f'attachment; filename="{generated.filename}"'
    return response
