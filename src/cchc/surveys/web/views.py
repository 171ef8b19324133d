"""Survey pages: the public questionnaire (/khao-sat/<đợt>/), staff entry of paper forms, campaigns with their
results, and the satisfaction results by agency / field / level with a CSV download. Thin: parse, authorise,
call one selector or service, render."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cchc.catalogue.models import Field
from cchc.common.spreadsheets import csv_writer
from cchc.surveys.constants import CampaignStatus, GroupBy, ResponseChannel
from cchc.surveys.errors import SurveyError
from cchc.surveys.export import summary_rows
from cchc.surveys.models import Campaign
from cchc.surveys.selectors import (
    campaign_agency_choices,
    campaign_get,
    campaign_list,
    campaign_results,
    response_list_for_campaign,
    satisfaction_summary,
)
from cchc.surveys.services import campaign_accepts, campaign_close, campaign_create, response_submit
from cchc.surveys.web.access import SurveyAccess, survey_access
from cchc.surveys.web.forms import CampaignForm, ResponseForm, SummaryFilterForm

VN = ZoneInfo("Asia/Ho_Chi_Minh")
LOGIN_URL = "dossiers_web:login"
CHART_DETAIL_MAX = 15


def staff_login_required(view: Any) -> Any:
    return login_required(view, login_url=LOGIN_URL)


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "surveys/forbidden.html", {"message": message}, status=403)


def _campaign(code: str) -> Campaign:
    try:
        return campaign_get(code=code)
    except Campaign.DoesNotExist:
        raise Http404("Không có đợt khảo sát này.") from None


def _fields(campaign: Campaign) -> QuerySet[Field]:
    scope = [f.pk for f in campaign.fields.all()]
    qs = Field.objects.order_by("name")
    return qs.filter(pk__in=scope) if scope else qs


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def _submit(request: HttpRequest, form: ResponseForm, campaign: Campaign, channel: str) -> tuple[bool, str, int]:
    """Validate the form, then the service; map the service's per-question problems back onto the form.
    Answers (saved, the message shown above the form, the page's status)."""
    if not form.is_valid():
        return False, "", 400
    data = form.cleaned_data
    try:
        response_submit(
            campaign=campaign,
            channel=channel,
            agency=data["agency"],
            field=data.get("field"),
            answers=form.answers(),
            respondent_kind=data["respondent_kind"],
            comment=data.get("comment", ""),
            actor=request.user if channel == ResponseChannel.PAPER else None,  # type: ignore[arg-type]
            at=timezone.now(),
        )
    except SurveyError as exc:
        if not exc.problems:
            return False, exc.message, exc.http_status
        for key, message in exc.problems.items():
            name = form.question_field(key) or (key if key in form.fields else None)
            form.add_error(name, message)
        return False, "", exc.http_status
    return True, "", 200


# --- public ---------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def public_form(request: HttpRequest, code: str) -> HttpResponse:
    """The respondent's questionnaire, one page, phone-first. Nothing is stored until every required
    criterion has an answer."""
    campaign = _campaign(code)
    now = timezone.now()
    refusal = campaign_accepts(campaign=campaign, channel=ResponseChannel.ONLINE, at=now)
    agencies = campaign_agency_choices(campaign=campaign, on=timezone.localdate(now))
    form = ResponseForm(
        request.POST if request.method == "POST" and not refusal else None,
        campaign=campaign,
        agencies=agencies,
        fields=_fields(campaign),
    )
    error, status = refusal, 400 if refusal and request.method == "POST" else 200
    if request.method == "POST" and not refusal:
        ok, error, status = _submit(request, form, campaign, ResponseChannel.ONLINE)
        if ok:
            return redirect("surveys_web:thanks", code=campaign.code)
    return render(
        request,
        "surveys/public_form.html",
        {"campaign": campaign, "form": None if refusal else form, "error": error, "closed": bool(refusal)},
        status=status,
    )


def thanks(request: HttpRequest, code: str) -> HttpResponse:
    campaign = _campaign(code)
    return render(request, "surveys/thanks.html", {"campaign": campaign})


# --- staff ----------------------------------------------------------------------------------------


def _access(request: HttpRequest) -> SurveyAccess:
    return survey_access(request.user, timezone.localdate())


@staff_login_required
def campaign_index(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    if not access.any:
        return _forbidden(request, "Tài khoản chưa được phân công tại cơ quan nào nên không xem được khảo sát.")
    campaigns = list(campaign_list())
    return render(request, "surveys/campaign_list.html", {"campaigns": campaigns, "can_manage": access.everything})


@staff_login_required
@require_http_methods(["GET", "POST"])
def campaign_new(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    if not access.everything:
        return _forbidden(request, "Chỉ Sở Nội vụ tạo đợt khảo sát.")
    today = timezone.localdate()
    form = CampaignForm(request.POST or None, on=today)
    error = ""
    status = 200  # an invalid form too (pinned by the tests); a refusal of the service answers its status
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = campaign_create(
                code=data["code"],
                name=data["name"],
                questionnaire=data["questionnaire"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                sample_target=data["sample_target"],
                agencies=data["agencies"],
                fields=data["fields_scope"],
                levels=data["levels"],
                actor=request.user,  # type: ignore[arg-type]
                at=timezone.now(),
            )
        except SurveyError as exc:
            for key, message in exc.problems.items():
                form.add_error(key if key in form.fields else None, message)
            error = "" if exc.problems else exc.message
            status = exc.http_status
        else:
            messages.success(request, f"Đã tạo đợt khảo sát «{campaign.name}».")
            return redirect("surveys_web:campaign_detail", code=campaign.code)
    return render(request, "surveys/campaign_form.html", {"form": form, "error": error}, status=status)


@staff_login_required
def campaign_detail(request: HttpRequest, code: str) -> HttpResponse:
    access = _access(request)
    if not access.any:
        return _forbidden(request, "Tài khoản chưa được phân công tại cơ quan nào nên không xem được khảo sát.")
    campaign = _campaign(code)
    if request.method == "POST" and request.POST.get("action") == "close":
        if not access.everything:
            return _forbidden(request, "Chỉ Sở Nội vụ kết thúc đợt khảo sát.")
        try:
            campaign_close(campaign=campaign, actor=request.user, at=timezone.now())  # type: ignore[arg-type]
        except SurveyError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Đã kết thúc đợt khảo sát; không nhận thêm phiếu.")
        return redirect("surveys_web:campaign_detail", code=campaign.code)
    results = campaign_results(campaign=campaign)
    chart = {
        "labels": [f.name for f in results.factors],
        "values": [_pct(f.share) for f in results.factors],
        "name": "Tỷ lệ hài lòng (%)",
    }
    count = getattr(campaign, "response_count", results.respondents)
    return render(
        request,
        "surveys/campaign_detail.html",
        {
            "campaign": campaign,
            "results": results,
            "count": count,
            "progress": min(100, round(100 * count / campaign.sample_target)) if campaign.sample_target else 0,
            "chart": chart,
            "latest": response_list_for_campaign(campaign=campaign, limit=10),
            "public_url": request.build_absolute_uri(reverse("surveys_web:public_form", args=[campaign.code])),
            "can_manage": access.everything,
            "is_open": campaign.status == CampaignStatus.OPEN,
        },
    )


@staff_login_required
@require_http_methods(["GET", "POST"])
def staff_entry(request: HttpRequest, code: str) -> HttpResponse:
    """Staff type in a paper questionnaire; Sở Nội vụ for any agency in scope, others for their own."""
    access = _access(request)
    if not access.any:
        return _forbidden(request, "Tài khoản chưa được phân công tại cơ quan nào nên không nhập được phiếu.")
    campaign = _campaign(code)
    now = timezone.now()
    refusal = campaign_accepts(campaign=campaign, channel=ResponseChannel.PAPER, at=now)
    agencies = campaign_agency_choices(campaign=campaign, on=timezone.localdate(now))
    if not access.everything:
        agencies = agencies.filter(pk__in=access.agency_ids)
    form = ResponseForm(
        request.POST if request.method == "POST" and not refusal else None,
        campaign=campaign,
        agencies=agencies,
        fields=_fields(campaign),
    )
    form.fields["agency"].label = "Cơ quan được đánh giá (ghi trên phiếu)"
    error, status = refusal, 400 if refusal and request.method == "POST" else 200
    if request.method == "POST" and not refusal:
        ok, error, status = _submit(request, form, campaign, ResponseChannel.PAPER)
        if ok:
            messages.success(request, "Đã ghi nhận phiếu. Nhập phiếu tiếp theo.")
            return redirect("surveys_web:staff_entry", code=campaign.code)
    return render(
        request,
        "surveys/staff_entry.html",
        {"campaign": campaign, "form": None if refusal else form, "error": error},
        status=status,
    )


def _default_period(today: date) -> tuple[date, date]:
    return date(today.year, 1, 1), today


@staff_login_required
def results(request: HttpRequest) -> HttpResponse:
    """Satisfaction by agency / field / level over a period, as chart, table and CSV (``?format=csv``)."""
    access = _access(request)
    if not access.any:
        return _forbidden(request, "Tài khoản chưa được phân công tại cơ quan nào nên không xem được kết quả.")
    today = timezone.localdate()
    start_day, end_day = _default_period(today)
    params = request.GET.copy()
    params.setdefault("tu", start_day.isoformat())
    params.setdefault("den", end_day.isoformat())
    params.setdefault("theo", GroupBy.AGENCY.value)
    form = SummaryFilterForm(params)
    summary = None
    if form.is_valid():
        data = form.cleaned_data
        start = datetime.combine(data["tu"], time(0), tzinfo=VN)
        end = datetime.combine(data["den"] + timedelta(days=1), time(0), tzinfo=VN)
        summary = satisfaction_summary(start=start, end=end, by=data["theo"], campaign=data.get("dot"))
        if request.GET.get("format") == "csv":
            buffer = io.StringIO()
            buffer.write("\ufeff")  # Excel reads UTF-8 with a BOM
            csv_writer(buffer).writerows(summary_rows(summary))
            response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
            name = f"hai-long-{data['theo']}-{data['tu']:%Y%m%d}-{data['den']:%Y%m%d}.csv"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
    chart = None
    if summary is not None:
        series = [
            ("Đánh giá hồ sơ (không «Không hài lòng»)", [_pct(r.ratings.not_dissatisfied_share) for r in summary.rows]),
            ("Khảo sát (Hài lòng + Rất hài lòng)", [_pct(r.survey.index) for r in summary.rows]),
            ("Chỉ số chung", [_pct(r.combined) for r in summary.rows]),
        ]
        if len(summary.rows) > CHART_DETAIL_MAX:  # many groups: one bar each keeps the chart readable
            series = series[-1:]
        chart = {"labels": [row.label for row in summary.rows], "series": [{"name": n, "values": v} for n, v in series]}
    return render(
        request,
        "surveys/results.html",
        {
            "form": form,
            "summary": summary,
            "chart": chart,
            "csv_query": f"{params.urlencode()}&format=csv",
            "by_label": GroupBy(form.cleaned_data["theo"]).label if summary is not None else "",
        },
        status=200 if form.is_valid() else 400,
    )
