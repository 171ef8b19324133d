"""Pages of the program's targets: the list by reform area and a target's page (chart, figures,
manual values). Views parse the request and hand the selectors' objects to the templates."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from cchc.common.params import id_or_none
from cchc.indicators.periods import VN_TZ
from cchc.program.constants import MeasureKind, TargetStatus, TargetValueError
from cchc.program.models import Program, Target, TargetValue
from cchc.program.targets.selectors import (
    TargetProgress,
    program_for_targets,
    target_progress_get,
    target_progress_list,
    target_value_entry_agency,
)
from cchc.program.targets.services import target_value_record
from cchc.program.web.target_forms import TargetValueForm

# The dashboard's dossier list of an indicator (mounted by the indicators web app).
INDICATOR_DOSSIERS_PATH = "/chi-so/ho-so/"


def _program(request: HttpRequest) -> Program | None:
    raw = request.GET.get("chuong_trinh", "")
    program_id = id_or_none(raw)
    if raw and program_id is None:
        raise Http404("Không tìm thấy chương trình.")
    program = program_for_targets(program_id=program_id)
    if raw and program is None:
        raise Http404("Không tìm thấy chương trình.")
    return program


def target_list(request: HttpRequest) -> HttpResponse:
    program = _program(request)
    if program is None:
        return render(request, "program/empty.html")
    at = timezone.now()
    rows = target_progress_list(program=program, at=at)
    areas: dict[int, tuple[Any, list[TargetProgress]]] = {}
    for row in rows:
        areas.setdefault(row.target.area.number, (row.target.area, []))[1].append(row)
    counts = Counter(row.status for row in rows)
    return render(
        request,
        "program/target_list.html",
        {
            "program": program,
            "areas": list(areas.values()),
            "count": len(rows),
            "status_counts": [(s, s.label, counts.get(s, 0)) for s in TargetStatus],
            "at": at.astimezone(VN_TZ),
        },
    )


def _chart(progress: TargetProgress) -> dict[str, Any]:
    return {
        "years": [p.year for p in progress.points],
        "values": [None if p.value is None else float(p.value) for p in progress.points],
        "projection": [[year, float(value)] for year, value in progress.projection_points],
        "milestones": [{"year": m.year, "value": float(m.value), "label": m.label} for m in progress.milestones],
        "share": progress.share,
    }


def target_detail(request: HttpRequest, code: str) -> HttpResponse:
    program = _program(request)
    if program is None:
        raise Http404("Chưa có chương trình.")
    at = timezone.now()
    try:
        progress = target_progress_get(program=program, code=code, at=at)
    except Target.DoesNotExist as exc:
        raise Http404("Không tìm thấy chỉ tiêu.") from exc
    series = progress.series
    today = at.astimezone(VN_TZ).date()
    agency = None
    if series is not None and series.kind == MeasureKind.MANUAL:
        agency = target_value_entry_agency(user=request.user, series=series, on=today)  # type: ignore[arg-type]
    form = TargetValueForm(standing=progress.standing_values) if agency is not None else None
    error = ""
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('dossiers_web:login')}?next={request.path}")
        if series is None or agency is None:
            return render(request, "program/target_forbidden.html", {"progress": progress}, status=403)
        form = TargetValueForm(request.POST, request.FILES, standing=progress.standing_values)
        if form.is_valid():
            data = form.cleaned_data
            corrects = next((v for v in progress.values if v.pk == data["dinh_chinh"]), None)
            try:
                target_value_record(
                    series=series,
                    actor=request.user,  # type: ignore[arg-type]
                    period=data["ky"],
                    value=data["gia_tri"],
                    at=timezone.now(),
                    evidence=data["minh_chung"],
                    document_number=data["so_van_ban"],
                    note=data["ghi_chu"],
                    corrects=corrects,
                )
            except TargetValueError as exc:
                names = {"period": "ky", "value": "gia_tri", "evidence": "minh_chung", "note": "ghi_chu"}
                form.add_error(names.get(exc.field), exc.message)
                error = exc.message
            else:
                url = reverse("program_web:target_detail", args=[code])
                return HttpResponseRedirect(f"{url}?da_luu=1#lich-su")
        status = 400
    dossiers_link = ""
    if series is not None and series.kind == MeasureKind.INDICATOR and not series.field_names and progress.current:
        dossiers_link = f"{INDICATOR_DOSSIERS_PATH}?chi-tieu={series.measure_code}&phan=num&ky={progress.current.year}"
    return render(
        request,
        "program/target_detail.html",
        {
            "program": program,
            "progress": progress,
            "target": progress.target,
            "series": series,
            "chart": _chart(progress),
            "form": form,
            "error": error,
            "entry_agency": agency,
            "saved": request.GET.get("da_luu") == "1",
            "dossiers_link": dossiers_link,
            "show_history": progress.is_manual and request.user.is_authenticated,
            "at": at.astimezone(VN_TZ),
        },
        status=status,
    )


@login_required
def target_evidence(request: HttpRequest, code: str, value_id: int) -> FileResponse:
    """The evidence file of a manual value, for signed-in staff."""
    try:
        value = TargetValue.objects.select_related("series").get(pk=value_id, series__links__target_code=code)
    except TargetValue.DoesNotExist as exc:
        raise Http404("Không tìm thấy minh chứng.") from exc
    if not value.evidence:
        raise Http404("Số liệu này không có tệp minh chứng.")
    return FileResponse(
        value.evidence.open("rb"), as_attachment=True, filename=value.evidence_name, content_type=value.evidence_type
    )
