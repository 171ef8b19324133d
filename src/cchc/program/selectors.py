"""Reads of the program register for the public pages: overview, appendix task list and task page.

Every selector returns an already-joined queryset (or object) so a page costs a fixed number of
queries whatever the number of areas, targets or tasks.

Timeline rules (cột "Thời gian" of the appendix of QĐ 4831/QĐ-UBND Khánh Hòa, 24/12/2021):

* a task is *in* year Y when its timeline covers Y: a range ``start..end`` (a single year is
  ``start == end``), an ongoing task ("Năm 2021 và các năm tiếp theo") from its start year on, a
  phased task when one of its phases covers Y;
* tasks that follow the central schedule, an approved roadmap or give no time are not tied to
  years; the year filter lists them under a separate choice (``YEAR_NOT_FIXED``);
* the timeline status on a day compares the day's year with the timeline (granularity is the
  year, as in the decision): before the start -> upcoming; ongoing/open-ended after the start ->
  continuous; after the end -> ended; otherwise active; central schedule / roadmap -> external;
  no time given -> continuous (the decision sets no deadline).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from cchc.common.text import fold
from cchc.org.models import Agency, AgencyGroup, AgencySuccession
from cchc.org.selectors import agency_groups_containing
from cchc.program.constants import TimelineKind, TimelineStatus
from cchc.program.models import (
    AgencyRef,
    AppendixTask,
    AreaTask,
    Duty,
    DutyGroup,
    Objective,
    Program,
    ReformArea,
    Target,
    TimelinePhase,
)

YEAR_NOT_FIXED = "khac"
"""Year-filter choice for tasks whose time is set by the central level, a roadmap, or not given."""

NOT_FIXED_KINDS = (TimelineKind.CENTRAL_SCHEDULE, TimelineKind.ROADMAP, TimelineKind.UNSPECIFIED)


@dataclass(frozen=True)
class TaskFilters:
    """What the task list is narrowed to; empty values mean "no condition"."""

    agency: Agency | None = None
    direct_only: bool = False  # only tasks naming the agency itself, not through a group
    role: str = ""  # AgencyRole.LEAD / AgencyRole.COORDINATE or ""
    area_number: int | None = None
    year: int | None = None
    year_not_fixed: bool = False
    status: str = ""  # TimelineStatus value or ""
    text: str = ""


@dataclass(frozen=True)
class AgencyScope:
    """The agencies and groups through which a task or a duty can concern one agency."""

    agency_ids: frozenset[int]
    group_ids: frozenset[int]
    predecessors: tuple[Agency, ...] = ()
    groups: tuple[AgencyGroup, ...] = ()

    def ref_q(self) -> Q:
        return Q(agency_id__in=self.agency_ids) | Q(group_id__in=self.group_ids)


# --- programs ------------------------------------------------------------------------------------


def program_list() -> QuerySet[Program]:
    """All imported programs, newest decision first."""
    return Program.objects.order_by("-issued_on", "-pk")


def program_get_latest() -> Program | None:
    """The newest program, the one the home page shows."""
    return program_list().first()


def _ref_queryset() -> QuerySet[AgencyRef]:
    return AgencyRef.objects.select_related("agency", "group").order_by("role", "order", "pk")


def program_get_overview(*, program_id: int) -> Program:
    """A program with its areas (objectives, targets, area tasks, appendix tasks) and section V.

    Raises ``Program.DoesNotExist`` for an unknown id.
    """
    return (
        Program.objects.select_related("issuer")
        .prefetch_related(
            Prefetch(
                "areas",
                queryset=ReformArea.objects.order_by("number").prefetch_related(
                    Prefetch("objectives", queryset=Objective.objects.order_by("order")),
                    Prefetch("targets", queryset=Target.objects.order_by("milestone_year", "order")),
                    Prefetch("tasks", queryset=AreaTask.objects.order_by("order")),
                    Prefetch("appendix_tasks", queryset=AppendixTask.objects.order_by("number")),
                ),
            ),
            Prefetch(
                "duty_groups",
                queryset=DutyGroup.objects.order_by("number").prefetch_related(
                    Prefetch("duties", queryset=Duty.objects.order_by("order")),
                    Prefetch("agency_refs", queryset=_ref_queryset()),
                ),
            ),
        )
        .get(pk=program_id)
    )


def program_appendix_task_count(*, program: Program) -> int:
    return AppendixTask.objects.filter(program=program).count()


# --- agencies as the program names them ----------------------------------------------------------


def program_agencies_named(*, program: Program) -> QuerySet[Agency]:
    """Agencies named in the program's appendix tasks or section V headings, by name."""
    refs = AgencyRef.objects.filter(agency=OuterRef("pk")).filter(
        Q(task__program=program) | Q(duty_group__program=program)
    )
    return Agency.objects.filter(Exists(refs)).order_by("name", "pk")


def agency_predecessors(*, agency: Agency) -> list[Agency]:
    """Every agency whose duties passed, directly or through a chain, to this one (nearest first).

    Follows ``AgencySuccession`` edges backwards; the whole edge table is read once (it holds
    tens of rows) and walked in memory, so the cost does not grow with the chain.
    """
    edges = list(AgencySuccession.objects.select_related("predecessor").filter(successor__isnull=False))
    by_successor: dict[int, list[Agency]] = {}
    for edge in edges:
        if edge.successor_id is not None:
            by_successor.setdefault(edge.successor_id, []).append(edge.predecessor)
    found: list[Agency] = []
    seen = {agency.pk}
    frontier = [agency.pk]
    while frontier:
        next_frontier: list[int] = []
        for pk in frontier:
            for predecessor in by_successor.get(pk, []):
                if predecessor.pk not in seen:
                    seen.add(predecessor.pk)
                    found.append(predecessor)
                    next_frontier.append(predecessor.pk)
        frontier = next_frontier
    return found


def agency_scope(*, agency: Agency, include_groups: bool = True, include_predecessors: bool = False) -> AgencyScope:
    """The agency ids and group ids whose mention in a task concerns ``agency``.

    Groups are matched by the registry's own rule (``cchc.org.selectors.agency_groups_containing``).
    """
    predecessors = tuple(agency_predecessors(agency=agency)) if include_predecessors else ()
    groups = tuple(agency_groups_containing(agency=agency)) if include_groups else ()
    return AgencyScope(
        agency_ids=frozenset({agency.pk, *(p.pk for p in predecessors)}),
        group_ids=frozenset(g.pk for g in groups),
        predecessors=predecessors,
        groups=groups,
    )


# --- appendix tasks ------------------------------------------------------------------------------


def _with_timeline(qs: QuerySet[AppendixTask], *, on: date) -> QuerySet[AppendixTask]:
    """Annotate ``t_start``, ``t_end`` (phases fill a phased task's bounds) and ``timeline_status``."""
    year = on.year
    phase_min = TimelinePhase.objects.filter(task=OuterRef("pk")).values("task").annotate(m=Min("start_year"))
    phase_max = TimelinePhase.objects.filter(task=OuterRef("pk")).values("task").annotate(m=Max("end_year"))
    qs = qs.annotate(
        t_start=Coalesce(
            Subquery(phase_min.values("m")[:1], output_field=IntegerField()),
            F("start_year"),
            output_field=IntegerField(),
        ),
    ).annotate(
        t_end=Coalesce(
            Subquery(phase_max.values("m")[:1], output_field=IntegerField()),
            F("end_year"),
            output_field=IntegerField(),
        ),
    )
    open_ended = Q(timeline_kind=TimelineKind.ONGOING_FROM) | Q(open_ended=True)
    return qs.annotate(
        timeline_status=Case(
            When(
                timeline_kind__in=[TimelineKind.CENTRAL_SCHEDULE, TimelineKind.ROADMAP],
                then=Value(TimelineStatus.EXTERNAL.value),
            ),
            When(timeline_kind=TimelineKind.UNSPECIFIED, then=Value(TimelineStatus.CONTINUOUS.value)),
            When(t_start__gt=year, then=Value(TimelineStatus.UPCOMING.value)),
            When(open_ended, then=Value(TimelineStatus.CONTINUOUS.value)),
            When(t_end__lt=year, then=Value(TimelineStatus.ENDED.value)),
            When(t_end__isnull=True, t_start__lt=year, then=Value(TimelineStatus.ENDED.value)),
            default=Value(TimelineStatus.ACTIVE.value),
            output_field=CharField(),
        )
    )


def _year_q(year: int) -> Q:
    """Tasks whose timeline covers ``year`` (see the module docstring)."""
    phase_covers = TimelinePhase.objects.filter(task=OuterRef("pk"), start_year__lte=year, end_year__gte=year)
    any_phase = TimelinePhase.objects.filter(task=OuterRef("pk"))
    single_or_range = Q(t_start__lte=year) & (Q(t_end__gte=year) | Q(t_end__isnull=True, t_start=year))
    return (
        Q(timeline_kind=TimelineKind.RANGE, open_ended=False) & single_or_range
        | (Q(timeline_kind=TimelineKind.ONGOING_FROM) | Q(timeline_kind=TimelineKind.RANGE, open_ended=True))
        & Q(t_start__lte=year)
        | Q(timeline_kind=TimelineKind.PHASED)
        & (Exists(phase_covers) | ~Exists(any_phase) & Q(t_start__lte=year) & Q(t_end__gte=year))
    )


def _task_queryset(*, on: date) -> QuerySet[AppendixTask]:
    return _with_timeline(
        AppendixTask.objects.select_related("program", "area").prefetch_related(
            Prefetch("agency_refs", queryset=_ref_queryset()),
            Prefetch("phases", queryset=TimelinePhase.objects.order_by("order")),
        ),
        on=on,
    )


def appendix_task_list(
    *, program: Program, on: date, filters: TaskFilters | None = None, scope: AgencyScope | None = None
) -> QuerySet[AppendixTask]:
    """The program's appendix tasks narrowed by ``filters``, each annotated with its timeline status on ``on``.

    Agency: a task matches when the agency is named as lead or coordinating agency, or (unless
    ``direct_only``) when a collective group containing it is named ("Các sở, ngành, địa phương").
    ``scope`` may pass the agency's already computed scope (the page also uses it to mark rows).
    Text: diacritics and case are ignored (``search_key`` holds the folded title, outputs and
    agency cells), so "so noi vu" finds "Sở Nội vụ".
    """
    filters = filters or TaskFilters()
    qs = _task_queryset(on=on).filter(program=program)
    if filters.agency is not None:
        scope = scope or agency_scope(agency=filters.agency, include_groups=not filters.direct_only)
        refs = AgencyRef.objects.filter(task=OuterRef("pk")).filter(scope.ref_q())
        if filters.role:
            refs = refs.filter(role=filters.role)
        qs = qs.filter(Exists(refs))
    elif filters.role:
        qs = qs.filter(Exists(AgencyRef.objects.filter(task=OuterRef("pk"), role=filters.role)))
    if filters.area_number is not None:
        qs = qs.filter(area__number=filters.area_number)
    if filters.year_not_fixed:
        qs = qs.filter(timeline_kind__in=NOT_FIXED_KINDS)
    elif filters.year is not None:
        qs = qs.filter(_year_q(filters.year))
    if filters.status:
        qs = qs.filter(timeline_status=filters.status)  # type: ignore[misc]  # annotation above
    text = fold(filters.text)
    if text:
        qs = qs.filter(search_key__contains=text)
    return qs.order_by("number")


def appendix_task_get(*, program_id: int, number: int, on: date) -> AppendixTask:
    """One appendix task with its agencies, phases and timeline status; ``DoesNotExist`` if unknown."""
    return _task_queryset(on=on).get(program_id=program_id, number=number)


def appendix_tasks_for_agency(*, scope: AgencyScope, on: date) -> QuerySet[AppendixTask]:
    """Appendix tasks (all programs) naming an agency or group of ``scope`` as lead or coordinating.

    With the scope of ``agency_scope(agency=..., include_predecessors=True)`` these are the tasks
    the agency, one of its predecessors or a group containing it leads or coordinates.
    """
    refs = AgencyRef.objects.filter(task=OuterRef("pk")).filter(scope.ref_q())
    return _task_queryset(on=on).filter(Exists(refs)).order_by("-program__issued_on", "program_id", "number")


def duty_groups_for_agency(*, scope: AgencyScope) -> QuerySet[DutyGroup]:
    """Section V duty groups addressed to an agency or group of ``scope`` (see above)."""
    refs = AgencyRef.objects.filter(duty_group=OuterRef("pk")).filter(scope.ref_q())
    return (
        DutyGroup.objects.filter(Exists(refs))
        .select_related("program")
        .prefetch_related(
            Prefetch("duties", queryset=Duty.objects.order_by("order")),
            Prefetch("agency_refs", queryset=_ref_queryset()),
        )
        .order_by("-program__issued_on", "program_id", "number")
    )
