"""Pages of the program's targets: the list by reform area and a target's page (chart, figures,
manual values). Views parse the request and hand the selectors' objects to the templates."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from cchc.common.params import ParamError, id_or_none
from cchc.common.replica import replica_view
from cchc.indicators.exports import Cell, Row, Table, table_export
from cchc.indicators.maps import CommuneMap, commune_committees, commune_map
from cchc.indicators.periods import VN_TZ
from cchc.org.constants import UnitsDataError
from cchc.program.constants import MeasureKind, TargetStatus, TargetValueError
from cchc.program.models import Program, Target, TargetValue
from cchc.program.targets.selectors import (
    TargetProgress,
    program_for_targets,
    target_commune_values,
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


EXPORT_FORMATS = ("csv", "xlsx")
EXPORT_HEADERS = [
    "Nội dung cải cách",
    "Mã chỉ tiêu",
    "Chỉ tiêu",
    "Mục tiêu",
    "Năm mốc",
    "Cấp",
    "Số liệu (%)",
    "Năm số liệu",
    "Tình trạng",
    "Lý do",
    "Cách đo",
]


def _year_choices(program: Program, now_year: int) -> list[int]:
    """The years a visitor may look at: the program's first year to this year (newest first)."""
    return list(range(now_year, min(program.period_start, now_year) - 1, -1))


def _as_of(raw: str, *, program: Program, now: datetime) -> tuple[int, datetime]:
    """``?nam=YYYY``: the figures as they stood at the end of that year (this year: up to now)."""
    this_year = now.astimezone(VN_TZ).year
    if not raw:
        return this_year, now
    years = _year_choices(program, this_year)
    if not (raw.isdigit() and len(raw) == 4 and int(raw) in years):
        raise ParamError(f"Năm «{raw[:20]}» không hợp lệ; chọn một năm từ {years[-1]} đến {years[0]}.")
    year = int(raw)
    if year == this_year:
        return year, now
    return year, datetime(year + 1, 1, 1, tzinfo=VN_TZ) - timedelta(microseconds=1)


def _export_table(rows: list[TargetProgress], year: int) -> Table:
    """The list as one table (what the page shows, one row per target) for CSV / XLSX."""
    table = Table(key=f"chi-tieu-{year}", title=f"Chỉ tiêu năm {year}", headers=EXPORT_HEADERS)
    for p in rows:
        current = p.current
        table.rows.append(
            Row(
                [
                    Cell.of(f"{p.target.area.number}. {p.target.area.name}"),
                    Cell.of(p.code),
                    Cell.of(p.target.metric),
                    Cell.of(p.goal),
                    Cell.of(p.target.milestone_year),
                    Cell.of(p.level_label),
                    Cell.of(current.value if current is not None else None),
                    Cell.of(current.year if current is not None else None),
                    Cell.of(str(p.status.label)),
                    Cell.of(p.status_reason),
                    Cell.of(str(p.series.get_kind_display()) if p.series is not None else "Chưa liên kết"),
                ]
            )
        )
    return table


@replica_view
def target_list(request: HttpRequest) -> HttpResponse:
    """``/chi-tieu/``: the targets by reform area with their figure, status and its reason.

    ``?nam=YYYY`` shows the figures as they stood at the end of that year; ``?dinh-dang=csv|xlsx``
    downloads the same rows. A bad parameter gets a Vietnamese message (HTTP 400), nothing else.
    """
    program = _program(request)
    if program is None:
        return render(request, "program/empty.html")
    now = timezone.now()
    fmt = request.GET.get("dinh-dang", "")
    try:
        year, at = _as_of(request.GET.get("nam", ""), program=program, now=now)
        if fmt and fmt not in EXPORT_FORMATS:
            raise ParamError(f"Định dạng tệp xuất «{fmt[:20]}» không hợp lệ; dùng «csv» hoặc «xlsx».")
    except ParamError as exc:
        years = _year_choices(program, now.astimezone(VN_TZ).year)
        context = {"program": program, "error": exc.message, "years": years}
        return render(request, "program/target_list.html", context, status=exc.http_status)
    rows = target_progress_list(program=program, at=at)
    if fmt:
        return table_export(_export_table(rows, year), fmt=fmt, stem="chi-tieu")
    areas: dict[int, tuple[Any, list[TargetProgress]]] = {}
    for row in rows:
        areas.setdefault(row.target.area.number, (row.target.area, []))[1].append(row)
    counts = Counter(row.status for row in rows)
    this_year = now.astimezone(VN_TZ).year
    query = f"nam={year}&" if year != this_year else ""
    return render(
        request,
        "program/target_list.html",
        {
            "program": program,
            "areas": list(areas.values()),
            "count": len(rows),
            "status_counts": [(s, s.label, counts.get(s, 0)) for s in TargetStatus],
            "at": at.astimezone(VN_TZ),
            "year": year,
            "years": _year_choices(program, this_year),
            "past": year != this_year,
            "export_query": query,
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


def _communes(progress: TargetProgress, at: datetime) -> CommuneMap | None:
    """The target's figure in each commune on the province's map (indicator series only)."""
    series = progress.series
    if series is None or series.kind != MeasureKind.INDICATOR:
        return None
    try:
        committees = commune_committees(settings.CCHC_PROVINCE_CODE, at.astimezone(VN_TZ).date())
    except UnitsDataError:
        return None
    year, values = target_commune_values(progress=progress, agencies=[a.code for a in committees.values()], at=at)
    if year is None:
        return None
    return commune_map(
        key="ban-do-xa",
        title=f"{series.name} — năm {year}",
        value_label="Giá trị (%)",
        values=values,
        committees=committees,
    )


@replica_view
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
        status = 400
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
                error, status = exc.message, exc.http_status
            else:
                url = reverse("program_web:target_detail", args=[code])
                return HttpResponseRedirect(f"{url}?da_luu=1#lich-su")
    dossiers_link = ""
    if series is not None and series.kind == MeasureKind.INDICATOR and not series.field_names and progress.current:
        dossiers_link = f"{INDICATOR_DOSSIERS_PATH}?chi-tieu={series.measure_code}&phan=num&ky={progress.current.year}"
    communes = _communes(progress, at)
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
            "communes": communes,
            "communes_table": communes.table() if communes is not None else None,
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
