"""Public pages of the program register: overview, appendix task list, task page, agency page.

Views parse the request, call selectors and hand presenter objects to the template; each page
costs a fixed number of queries.
"""

from __future__ import annotations

from datetime import date

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from cchc.common.params import id_or_none
from cchc.common.replica import replica_view
from cchc.org.constants import Confidence
from cchc.org.models import Agency
from cchc.org.selectors import AgencySuccessorOn, agency_get, agency_successions_map
from cchc.program.models import AppendixTask, Program
from cchc.program.selectors import (
    agency_scope,
    appendix_task_get,
    appendix_task_list,
    appendix_tasks_for_agency,
    duty_groups_for_agency,
    program_get_latest,
    program_get_overview,
    program_list,
)
from cchc.program.web.forms import TaskFilterForm
from cchc.program.web.presenters import AreaView, milestone_years, target_rows, task_view


def _successors_now(agencies: list[Agency], today: date) -> dict[int, list[AgencySuccessorOn]]:
    """Who carries, today, the duties of each agency that no longer exists as that record."""
    gone = [agency for agency in {a.pk: a for a in agencies}.values() if not agency.is_valid_on(today)]
    return {pk: [s for s in found if s.agency.pk != pk] for pk, found in agency_successions_map(gone, today).items()}


@replica_view
def program_overview(request: HttpRequest, program_id: int | None = None) -> HttpResponse:
    if program_id is None:
        latest = program_get_latest()
        if latest is None:
            return render(request, "program/empty.html")
        program_id = latest.pk
    try:
        program = program_get_overview(program_id=program_id)
    except Program.DoesNotExist as exc:
        raise Http404("Không tìm thấy chương trình.") from exc
    areas = [AreaView(area=area, targets=list(area.targets.all())) for area in program.areas.all()]
    years = milestone_years(t for item in areas for t in item.targets)
    for item in areas:
        item.target_rows = [(row, row.cells(years)) for row in target_rows(item.targets)]
        item.other_objectives = [o for o in item.area.objectives.all() if not o.is_quantitative]
    return render(
        request,
        "program/overview.html",
        {
            "program": program,
            "areas": areas,
            "years": years,
            "duty_groups": program.duty_groups.all(),
            "programs": program_list(),
        },
    )


def _program_from_query(request: HttpRequest) -> Program | None:
    raw = request.GET.get("chuong_trinh", "")
    programs = Program.objects.prefetch_related("areas")
    if raw:
        program_id = id_or_none(raw)
        if program_id is None:
            raise Http404("Không tìm thấy chương trình.")
        try:
            return programs.get(pk=program_id)
        except Program.DoesNotExist as exc:
            raise Http404("Không tìm thấy chương trình.") from exc
    return programs.order_by("-issued_on", "-pk").first()


@replica_view
def task_list(request: HttpRequest) -> HttpResponse:
    program = _program_from_query(request)
    if program is None:
        return render(request, "program/empty.html")
    form = TaskFilterForm(request.GET or None, program=program)
    filters = form.filters()
    today = timezone.localdate()
    scope = agency_scope(agency=filters.agency, include_groups=not filters.direct_only) if filters.agency else None
    tasks = list(appendix_task_list(program=program, on=today, filters=filters, scope=scope))
    rows = [task_view(task, scope=scope) for task in tasks]
    return render(
        request,
        "program/task_list.html",
        {"program": program, "form": form, "filters": filters, "rows": rows, "count": len(rows), "today": today},
    )


@replica_view
def task_detail(request: HttpRequest, program_id: int, number: int) -> HttpResponse:
    today = timezone.localdate()
    try:
        task: AppendixTask = appendix_task_get(program_id=program_id, number=number, on=today)
    except AppendixTask.DoesNotExist as exc:
        raise Http404("Không tìm thấy nhiệm vụ.") from exc
    agencies = [ref.agency for ref in task.agency_refs.all() if ref.agency is not None]
    view = task_view(task, successors=_successors_now(agencies, today))
    return render(request, "program/task_detail.html", {"view": view, "task": task, "today": today})


@replica_view
def agency_detail(request: HttpRequest, agency_id: int) -> HttpResponse:
    today = timezone.localdate()
    try:
        agency = agency_get(agency_id=agency_id)
    except Agency.DoesNotExist as exc:
        raise Http404("Không tìm thấy cơ quan.") from exc
    scope = agency_scope(agency=agency, include_groups=True, include_predecessors=True)
    predecessors = list(scope.predecessors)
    tasks = [task_view(t, scope=scope) for t in appendix_tasks_for_agency(scope=scope, on=today)]
    latest = program_get_latest()
    program_day = latest.issued_on if latest else None
    named_then = [a for a in [agency, *predecessors] if a.is_valid_on(program_day)] if program_day else []
    return render(
        request,
        "program/agency_detail.html",
        {
            "agency": agency,
            "today": today,
            "is_current": agency.is_valid_on(today),
            "predecessors": predecessors,
            "successors": _successors_now([agency], today).get(agency.pk, []),
            "groups": scope.groups,
            "tasks": tasks,
            "direct_tasks": [t for t in tasks if any(not m.via_group for m in t.matches)],
            "group_tasks": [t for t in tasks if all(m.via_group for m in t.matches)],
            "duty_groups": duty_groups_for_agency(scope=scope),
            "program_day": program_day,
            "named_then": named_then,
            "needs_review": agency.confidence != Confidence.CONFIRMED or bool(agency.review_note),
        },
    )
