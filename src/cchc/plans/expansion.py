"""What a year's plans should hold: the program's tasks and duties expanded to today's agencies.

Pure reads (no writes): ``plan_generate`` in ``services`` compares this with what is stored.

Rules (Quyết định 4831/QĐ-UBND Khánh Hòa, 24/12/2021: mục V "Phân công trách nhiệm" and the Phụ lục
"Một số nhiệm vụ, đề án cải cách hành chính trọng tâm"):

* an appendix task is in year Y when its timeline covers Y, by the program register's own rule
  (``cchc.program.selectors.appendix_task_list`` with ``TaskFilters(year=Y)``): a range task in each
  year of its range, an ongoing task ("Năm 2021 và các năm tiếp theo") every year from its start,
  also after the program's last year (carried forward), a phased task in the years of its phases;
* tasks whose time follows the central schedule, an approved roadmap or is not given are carried
  every year of the program's period (they have no year of their own, and no end);
* each section V duty is a standing duty: in every year of the program's period, for each agency
  the duty group addresses. Groups that only *request* ("Đề nghị các cấp ủy Đảng, ...") are left out:
  the provincial People's Committee assigns work to state agencies, it asks Party and mass
  organisations to take part;
* the agency that carries a 2021 reference in year Y is found through the registry's succession
  graph on the *bearer day* ``max(1 January Y, today)``: a plan for this or a past year goes to the
  agencies in office today (they report on it), a plan for a later year to those valid then. A
  named agency goes to its main successors; successors that took over only part of its functions
  are listed as coordinating agencies. A collective reference ("Các sở, ngành, địa phương") is
  expanded as written on the program's date and each member followed to the bearer day.
* due date: the last working day on or before 31 December of Y (the decision sets time in whole
  years, so a phase or a range ending in Y ends with Y too).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch

from cchc.calendars.selectors import working_calendar
from cchc.common.text import fold
from cchc.org.models import Agency, AgencyGroup
from cchc.org.selectors import AgencySuccessorOn, agency_group_members, agency_successions_map
from cchc.plans.constants import SourceKind
from cchc.program.constants import AgencyRole
from cchc.program.models import AgencyRef, AppendixTask, Duty, DutyGroup, Program, TimelinePhase
from cchc.program.selectors import TaskFilters, appendix_task_list

REQUEST_ONLY_PREFIX = fold("Đề nghị")


@dataclass
class PlannedItem:
    """One assignment as the program makes it for ``lead`` in the year."""

    key: str
    lead: Agency
    kind: SourceKind
    program: Program
    number_label: str
    title: str
    task: AppendixTask | None = None
    duty: Duty | None = None
    phase: TimelinePhase | None = None
    outputs: str = ""
    timeline_text: str = ""
    coordinate_text: str = ""
    coordinating: dict[int, Agency] = field(default_factory=dict)
    coordinating_groups: dict[int, AgencyGroup] = field(default_factory=dict)
    origin_agency: Agency | None = None
    origin_ref: AgencyRef | None = None
    origin_text: str = ""
    role_note: str = ""

    @property
    def area_id(self) -> int | None:
        return self.task.area_id if self.task is not None else None


def bearer_day(*, year: int, today: date) -> date:
    """The day on which a year's assignments are given to the agencies then in office."""
    return max(date(year, 1, 1), today)


def due_date(*, year: int) -> date:
    """The last working day on or before 31 December of ``year`` (provincial calendar)."""
    calendar = working_calendar()
    day = date(year, 12, 31)
    for _ in range(31):
        if calendar.is_working_day(day):
            return day
        day = date.fromordinal(day.toordinal() - 1)
    return date(year, 12, 31)


def _phase_of(task: AppendixTask, year: int) -> TimelinePhase | None:
    for phase in task.phases.all():
        if phase.start_year <= year <= phase.end_year:
            return phase
    return None


def _tasks_in_year(program: Program, year: int) -> list[AppendixTask]:
    on = date(year, 1, 1)
    tasks = list(appendix_task_list(program=program, on=on, filters=TaskFilters(year=year)))
    if program.period_start <= year <= program.period_end:
        tasks += list(appendix_task_list(program=program, on=on, filters=TaskFilters(year_not_fixed=True)))
    return sorted(tasks, key=lambda t: t.number)


def _duty_groups(program: Program) -> list[DutyGroup]:
    groups = (
        DutyGroup.objects.filter(program=program)
        .prefetch_related(
            Prefetch("duties", queryset=Duty.objects.order_by("order")),
            Prefetch("agency_refs", queryset=AgencyRef.objects.select_related("agency", "group").order_by("order")),
        )
        .order_by("number")
    )
    return [g for g in groups if not fold(g.heading).startswith(REQUEST_ONLY_PREFIX)]


class _Bearers:
    """Resolves 2021 references to the agencies in office on the bearer day, in bulk."""

    def __init__(self, *, refs: Iterable[AgencyRef], as_of: date, on: date) -> None:
        self.as_of = as_of
        self.on = on
        self.members: dict[int, list[Agency]] = {}
        olds: dict[int, Agency] = {}
        for ref in refs:
            if ref.agency is not None:
                olds[ref.agency.pk] = ref.agency
            elif ref.group is not None and ref.group.pk not in self.members:
                self.members[ref.group.pk] = list(agency_group_members(ref.group, on=as_of))
                olds.update((a.pk, a) for a in self.members[ref.group.pk])
        self.walks: dict[int, list[AgencySuccessorOn]] = agency_successions_map(olds.values(), on)

    def leads(self, ref: AgencyRef) -> list[tuple[Agency, Agency, list[Agency]]]:
        """(bearer, 2021 agency, partial successors) for a reference naming who carries the work."""
        found: list[tuple[Agency, Agency, list[Agency]]] = []
        if ref.agency is not None:
            walk = self.walks.get(ref.agency.pk, [])
            main = [s.node for s in walk if not s.partial] or [s.node for s in walk]
            partial = [s.node for s in walk if s.partial and s.node not in main]
            found += [(agency, ref.agency, partial) for agency in main]
        elif ref.group is not None:
            seen: set[int] = set()
            for member in self.members.get(ref.group.pk, []):
                for successor in self.walks.get(member.pk, []):
                    if successor.node.pk not in seen:
                        seen.add(successor.node.pk)
                        found.append((successor.node, member, []))
        return found

    def agencies(self, ref: AgencyRef) -> list[Agency]:
        """Every agency in office that carries a named agency's part (main and partial successors)."""
        if ref.agency is None:
            return []
        return [s.node for s in self.walks.get(ref.agency.pk, [])]


def _origin_text(ref: AgencyRef, old: Agency) -> str:
    if ref.group is not None:
        return f"{ref.text} ({old.name})"
    return ref.text


def _add(items: dict[tuple[int, str], PlannedItem], item: PlannedItem) -> None:
    existing = items.get((item.lead.pk, item.key))
    if existing is None:
        items[(item.lead.pk, item.key)] = item
    elif item.origin_text and item.origin_text not in existing.origin_text:
        existing.origin_text = f"{existing.origin_text}; {item.origin_text}"


def _task_items(program: Program, year: int, today: date, items: dict[tuple[int, str], PlannedItem]) -> None:
    tasks = _tasks_in_year(program, year)
    refs = [ref for task in tasks for ref in task.agency_refs.all()]
    bearers = _Bearers(refs=refs, as_of=program.issued_on, on=bearer_day(year=year, today=today))
    for task in tasks:
        task_refs = list(task.agency_refs.all())
        coordinating: dict[int, Agency] = {}
        groups: dict[int, AgencyGroup] = {}
        for ref in task_refs:
            if ref.role != AgencyRole.COORDINATE:
                continue
            coordinating.update((a.pk, a) for a in bearers.agencies(ref))
            if ref.group is not None:
                groups[ref.group.pk] = ref.group
        phase = _phase_of(task, year)
        for ref in task_refs:
            if ref.role != AgencyRole.LEAD:
                continue
            for lead, old, partial in bearers.leads(ref):
                others = {**coordinating, **{a.pk: a for a in partial}}
                others.pop(lead.pk, None)
                _add(
                    items,
                    PlannedItem(
                        key=f"t{program.pk}-{task.number}",
                        lead=lead,
                        kind=SourceKind.APPENDIX_TASK,
                        program=program,
                        number_label=f"NV {task.number}",
                        title=task.title,
                        task=task,
                        phase=phase,
                        outputs=task.outputs,
                        timeline_text=task.timeline_text or task.get_timeline_kind_display(),
                        coordinate_text=task.coordinate_text,
                        coordinating=others,
                        coordinating_groups=dict(groups),
                        origin_agency=old,
                        origin_ref=ref,
                        origin_text=_origin_text(ref, old),
                        role_note=ref.note,
                    ),
                )


def _duty_items(program: Program, year: int, today: date, items: dict[tuple[int, str], PlannedItem]) -> None:
    if not program.period_start <= year <= program.period_end:
        return
    duty_groups = _duty_groups(program)
    refs = [ref for group in duty_groups for ref in group.agency_refs.all()]
    bearers = _Bearers(refs=refs, as_of=program.issued_on, on=bearer_day(year=year, today=today))
    timeline = f"Hằng năm, giai đoạn {program.period_start}-{program.period_end}"
    for group in duty_groups:
        for ref in group.agency_refs.all():
            for lead, old, partial in bearers.leads(ref):
                for duty in group.duties.all():
                    letter = f".{duty.letter}" if duty.letter else ""
                    _add(
                        items,
                        PlannedItem(
                            key=f"d{program.pk}-{group.number}-{duty.order}",
                            lead=lead,
                            kind=SourceKind.DUTY,
                            program=program,
                            number_label=f"V.{group.number}{letter}",
                            title=duty.text,
                            duty=duty,
                            timeline_text=timeline,
                            coordinating={a.pk: a for a in partial if a.pk != lead.pk},
                            origin_agency=old,
                            origin_ref=ref,
                            origin_text=_origin_text(ref, old),
                        ),
                    )


def planned_items(*, year: int, today: date) -> list[PlannedItem]:
    """Every assignment the programs make for ``year``, for the agencies that carry them (see module doc)."""
    items: dict[tuple[int, str], PlannedItem] = {}
    for program in Program.objects.filter(period_start__lte=year).order_by("issued_on", "pk"):
        _task_items(program, year, today, items)
        _duty_items(program, year, today, items)
    return list(items.values())
