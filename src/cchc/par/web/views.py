"""Pages of the PAR Index (/par-index/): rounds, an agency's scoring sheet, appraisal, results.

Staff only (login). An officer sees and self-scores the assessments of the agencies they act for
today; the appraising agency's staff (Sở Nội vụ) see every assessment of its rounds and appraise;
results are shown to the appraiser while provisional and to all staff once published. Each POST
calls one service; a refusal (``ParError``) re-renders the page with its Vietnamese message and
HTTP 400 (bad input), 403 (not permitted) or 409 (wrong state), and changes nothing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cchc.common.params import ParamError, parse_decimal
from cchc.par import selectors as sel
from cchc.par import services
from cchc.par.constants import AssessmentStatus, Method, ParError, ParErrorCode, RoundStatus
from cchc.par.exports import ranking_csv, ranking_xlsx
from cchc.par.models import Assessment, AssessmentRound, Evidence, IndexSet, Score
from cchc.par.uploads import ACCEPT, ALLOWED_TEXT


def _viewer(request: HttpRequest) -> sel.Viewer:
    return sel.viewer_for(user=request.user, on=timezone.localdate())  # type: ignore[arg-type]


def _round(pk: int) -> AssessmentRound:
    try:
        return sel.round_get(pk=pk)
    except AssessmentRound.DoesNotExist:
        raise Http404 from None


def _assessment(pk: int, agency_id: int, viewer: sel.Viewer) -> Assessment:
    try:
        assessment = sel.assessment_get(round_id=pk, agency_id=agency_id)
    except Assessment.DoesNotExist:
        raise Http404 from None
    if not viewer.may_see_assessment(assessment):
        raise Http404
    return assessment


def _assessment_url(assessment: Assessment, anchor: str = "") -> str:
    url = reverse("par_web:assessment", kwargs={"pk": assessment.round_id, "agency_id": assessment.agency_id})
    return f"{url}#{anchor}" if anchor else url


def anchor(code: str) -> str:
    return "tc-" + code.replace(".", "-")


def _points(text: str, code: str, label: str = "Điểm") -> Decimal | None:
    text = (text or "").strip().replace(" ", "").replace(",", ".")
    if not text:
        return None
    if not any(ch.isdigit() for ch in text):
        raise ParError(ParErrorCode.INVALID_INPUT, f"{label} tiêu chí {code} «{text}» không phải là một số.")
    try:  # finite, no exponent, within what a points column (6 digits) can hold
        return parse_decimal(text, low=Decimal(-9999), high=Decimal(9999), places=6, label=f"{label} tiêu chí {code}")
    except ParamError as exc:
        raise ParError(ParErrorCode.INVALID_INPUT, exc.message) from None


# --- lists -----------------------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Rounds (with counts), the viewer's own assessments, the index sets."""
    viewer = _viewer(request)
    rounds = list(sel.round_list())
    mine = list(sel.assessment_list_for_agencies(agency_ids=viewer.agency_ids).order_by("-round__year", "agency__name"))
    return render(
        request,
        "par/home.html",
        {
            "rounds": [(r, viewer.appraises(r) or viewer.superuser, viewer.may_see_results(r)) for r in rounds],
            "mine": mine,
            "index_sets": sel.index_set_list(),
        },
    )


@login_required
def index_set_detail(request: HttpRequest, code: str) -> HttpResponse:
    index_set = get_object_or_404(IndexSet, code=code)
    return render(
        request,
        "par/index_set.html",
        {"index_set": index_set, "nodes": sel.criteria_tree(index_set=index_set), "Method": Method},
    )


@login_required
def round_detail(request: HttpRequest, pk: int, *, error: ParError | None = None) -> HttpResponse:
    """The round: every agency's assessment for the appraiser; one's own agencies otherwise."""
    viewer = _viewer(request)
    round_ = _round(pk)
    appraiser = viewer.appraises(round_) or viewer.superuser
    results = sel.round_results(round_=round_)
    rows = [*results.ranked, *results.not_submitted]
    if not appraiser:
        rows = [r for r in rows if viewer.acts_for(r.assessment.agency_id)]
    rows.sort(key=lambda r: r.agency_name)
    status = error.http_status if error else 200
    return render(
        request,
        "par/round.html",
        {
            "round": round_,
            "rows": rows,
            "appraiser": viewer.appraises(round_),
            "see_all": appraiser,
            "may_see_results": viewer.may_see_results(round_),
            "error": error,
        },
        status=status,
    )


def _round_action(request: HttpRequest, pk: int, action: Any, done: str) -> HttpResponse:
    round_ = _round(pk)
    try:
        action(round=round_, actor=request.user, at=timezone.now())
    except ParError as exc:
        return round_detail(request, pk, error=exc)
    messages.success(request, done)
    return HttpResponseRedirect(reverse("par_web:round", kwargs={"pk": pk}))


@require_POST
@login_required
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _round_action(request, pk, services.round_close_self_assessment, "Đã đóng phần tự đánh giá của đợt.")


@require_POST
@login_required
def round_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _round_action(request, pk, services.round_finalise, "Đã công bố kết quả đợt đánh giá.")


# --- the assessment --------------------------------------------------------------------------------


@login_required
def assessment_detail(
    request: HttpRequest,
    pk: int,
    agency_id: int,
    *,
    error: ParError | None = None,
    error_score: int | None = None,
    posted: dict[str, str] | None = None,
) -> HttpResponse:
    """One agency's sheet: every criterion with its self-score, evidence and appraisal, the forms the
    viewer may use, and the totals per field (table and chart).

    performance: fixed queries: memberships, the assessment, the tree, the scores with evidence, the
    totals (fields and scores).
    """
    viewer = _viewer(request)
    assessment = _assessment(pk, agency_id, viewer)
    round_ = assessment.round
    now = timezone.now()
    self_open = round_.status == RoundStatus.OPEN and timezone.localdate(now) <= round_.self_deadline
    may_self = viewer.acts_for(assessment.agency_id) and assessment.status == AssessmentStatus.DRAFT and self_open
    may_appraise = (
        viewer.appraises(round_)
        and assessment.status == AssessmentStatus.SUBMITTED
        and round_.status != RoundStatus.FINALISED
    )
    rows = sel.assessment_sheet(assessment=assessment)
    result = sel.assessment_result(assessment=assessment)
    missing_self = sum(1 for r in rows if r.score and r.node.method == Method.SELF and r.score.self_points is None)
    status = error.http_status if error else 200
    return render(
        request,
        "par/assessment.html",
        {
            "assessment": assessment,
            "round": round_,
            "rows": rows,
            "result": result,
            "chart": sel.chart_fields(result),
            "may_self": may_self,
            "may_appraise": may_appraise,
            "self_open": self_open,
            "missing_self": missing_self,
            "acts_for": viewer.acts_for(assessment.agency_id),
            "error": error,
            "error_score": error_score,
            "posted": posted or {},
            "accept": ACCEPT,
            "allowed_text": ALLOWED_TEXT,
            "Method": Method,
        },
        status=status,
    )


def _score(score_id: int, viewer: sel.Viewer) -> Score:
    score = get_object_or_404(Score.objects.select_related("criterion", "assessment", "assessment__round"), pk=score_id)
    if not viewer.may_see_assessment(score.assessment):
        raise Http404
    return score


def _score_action(request: HttpRequest, score_id: int, run: Any, done: str) -> HttpResponse:
    viewer = _viewer(request)
    score = _score(score_id, viewer)
    assessment = score.assessment
    try:
        run(score)
    except ParError as exc:
        return assessment_detail(
            request,
            assessment.round_id,
            assessment.agency_id,
            error=exc,
            error_score=score.pk,
            posted={k: request.POST.get(k, "") for k in request.POST if k != "csrfmiddlewaretoken"},
        )
    messages.success(request, done.format(code=score.criterion.code))
    return HttpResponseRedirect(_assessment_url(assessment, anchor(score.criterion.code)))


@require_POST
@login_required
def score_self(request: HttpRequest, score_id: int) -> HttpResponse:
    def run(score: Score) -> None:
        services.score_self(
            score=score,
            points=_points(request.POST.get("points", ""), score.criterion.code),
            comment=request.POST.get("comment", ""),
            files=request.FILES.getlist("evidence"),
            actor=request.user,  # type: ignore[arg-type]
            at=timezone.now(),
        )

    return _score_action(request, score_id, run, "Đã lưu điểm tự đánh giá tiêu chí {code}.")


@require_POST
@login_required
def score_appraise(request: HttpRequest, score_id: int) -> HttpResponse:
    def run(score: Score) -> None:
        services.score_appraise(
            score=score,
            points=_points(request.POST.get("points", ""), score.criterion.code, "Điểm thẩm định"),
            reason=request.POST.get("reason", ""),
            actor=request.user,  # type: ignore[arg-type]
            at=timezone.now(),
        )

    return _score_action(request, score_id, run, "Đã lưu điểm thẩm định tiêu chí {code}.")


@require_POST
@login_required
def score_survey(request: HttpRequest, score_id: int) -> HttpResponse:
    def run(score: Score) -> None:
        services.score_record_survey(
            score=score,
            percent=_points(request.POST.get("percent", ""), score.criterion.code, "Tỷ lệ hài lòng"),
            source=request.POST.get("source", ""),
            actor=request.user,  # type: ignore[arg-type]
            at=timezone.now(),
        )

    return _score_action(request, score_id, run, "Đã ghi kết quả điều tra xã hội học tiêu chí {code}.")


def _assessment_action(request: HttpRequest, pk: int, agency_id: int, run: Any, done: Any) -> HttpResponse:
    viewer = _viewer(request)
    assessment = _assessment(pk, agency_id, viewer)
    try:
        outcome = run(assessment=assessment, actor=request.user, at=timezone.now())
    except ParError as exc:
        return assessment_detail(request, pk, agency_id, error=exc)
    messages.success(request, done(outcome) if callable(done) else done)
    return HttpResponseRedirect(_assessment_url(assessment))


@require_POST
@login_required
def assessment_submit(request: HttpRequest, pk: int, agency_id: int) -> HttpResponse:
    return _assessment_action(
        request, pk, agency_id, services.assessment_submit, "Đã nộp bản tự đánh giá cho cơ quan thẩm định."
    )


@require_POST
@login_required
def assessment_compute(request: HttpRequest, pk: int, agency_id: int) -> HttpResponse:
    def done(values: list[services.LinkedValue]) -> str:
        filled = sum(1 for v in values if v.points is not None)
        return f"Đã lấy số liệu cho {filled}/{len(values)} tiêu chí tính từ dữ liệu hệ thống."

    return _assessment_action(request, pk, agency_id, services.assessment_compute_linked, done)


@require_POST
@login_required
def assessment_finalise(request: HttpRequest, pk: int, agency_id: int) -> HttpResponse:
    return _assessment_action(request, pk, agency_id, services.assessment_finalise, "Đã kết thúc thẩm định.")


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    viewer = _viewer(request)
    evidence = get_object_or_404(Evidence.objects.select_related("score__assessment__round"), pk=pk)
    if not viewer.may_see_assessment(evidence.score.assessment):
        raise Http404
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )


# --- results ---------------------------------------------------------------------------------------


def _results(request: HttpRequest, pk: int) -> sel.RoundResults:
    viewer = _viewer(request)
    round_ = _round(pk)
    if not viewer.may_see_results(round_):
        raise Http404
    return sel.round_results(round_=round_)


@login_required
def results(request: HttpRequest, pk: int) -> HttpResponse:
    """Ranking (grade, self vs appraised, per field), chart and table, export links.

    performance: fixed queries whatever the number of agencies (see ``round_results``)."""
    found = _results(request, pk)
    return render(
        request,
        "par/results.html",
        {"results": found, "round": found.round, "chart": sel.chart_ranking(found)},
    )


def _filename(results: sel.RoundResults, ext: str) -> str:
    return f"chi-so-cchc-{results.round.year}-{results.round.index_set.code}.{ext}"


@login_required
def results_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    found = _results(request, pk)
    response = HttpResponse(
        ranking_xlsx(found), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(found, "xlsx")}"'
    return response


@login_required
def results_csv(request: HttpRequest, pk: int) -> HttpResponse:
    found = _results(request, pk)
    response = HttpResponse(ranking_csv(found), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(found, "csv")}"'
    return response
