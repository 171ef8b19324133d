"""Turn register records into what the pages print (Vietnamese wording, number format).

Pure functions over already-loaded objects: no queries here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from cchc.common.text import fold_words
from cchc.org.constants import Level
from cchc.org.models import Agency
from cchc.org.selectors import AgencySuccessorOn
from cchc.program.constants import AgencyRole, Comparator, TimelineKind, TimelineStatus
from cchc.program.models import AgencyRef, AppendixTask, Objective, ReformArea, Target
from cchc.program.selectors import AgencyScope


def number_vi(value: Decimal | int | float) -> str:
    """Vietnamese number: decimal comma, no trailing zeros (90.000 -> "90", 12.50 -> "12,5")."""
    text = format(Decimal(value).normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _baseline(target: Target) -> str:
    if target.baseline_text:
        return target.baseline_text
    start, end = target.baseline_year_start, target.baseline_year_end
    if start and end and end != start:
        return f"so với giai đoạn {start}-{end}"
    if start:
        return f"so với năm {start}"
    return ""


def target_value_text(target: Target) -> str:
    """ "≥ 90 %", "= 100 %", "≤ 5 %", "giảm 10 % so với năm 2025"."""
    amount = f"{number_vi(target.value)} {target.unit}".strip()
    match target.comparator:
        case Comparator.AT_LEAST:
            return f"≥ {amount}"
        case Comparator.EQUAL:
            return f"= {amount}"
        case Comparator.AT_MOST:
            return f"≤ {amount}"
        case Comparator.REDUCE_BY:
            return " ".join(part for part in ("giảm", amount, _baseline(target)) if part)
        case Comparator.INCREASE_BY:
            return " ".join(part for part in ("tăng", amount, _baseline(target)) if part)
    return amount


def target_qualifier_texts(target: Target) -> list[str]:
    """Level, field and other conditions of a target, worded for a reader."""
    texts: list[str] = []
    if target.gov_level:
        label = dict(Level.choices).get(target.gov_level, target.gov_level)
        texts.append(str(label))
    if target.fields:
        texts.append("lĩnh vực " + ", ".join(str(f) for f in target.fields))
    texts.extend(str(q) for q in target.qualifiers or [])
    return texts


@dataclass
class TargetRow:
    """One metric with its value at each milestone year (2025, 2030)."""

    metric: str
    qualifiers: list[str]
    values: dict[int, str] = field(default_factory=dict)
    codes: list[str] = field(default_factory=list)

    def cells(self, years: Sequence[int]) -> list[tuple[int, str]]:
        """(year, value text) for each milestone year; "" where the metric has no value that year."""
        return [(year, self.values.get(year, "")) for year in years]


def target_rows(targets: Iterable[Target]) -> list[TargetRow]:
    """Pair the same metric across milestones: one row, one column per milestone year.

    Metrics are matched on their folded wording plus level, fields and qualifiers; a metric
    worded differently at 2030 gets its own row rather than a wrong pairing.
    """
    rows: dict[tuple[object, ...], TargetRow] = {}
    for target in targets:
        key: tuple[object, ...] = (
            fold_words(target.metric),
            target.gov_level,
            tuple(target.fields or []),
            tuple(target.qualifiers or []),
        )
        row = rows.get(key)
        if row is not None and target.milestone_year in row.values:
            key = (*key, target.pk)  # a second target with the same wording at the same milestone
            row = None
        if row is None:
            row = rows.setdefault(key, TargetRow(metric=target.metric, qualifiers=target_qualifier_texts(target)))
        row.values[target.milestone_year] = target_value_text(target)
        row.codes.append(target.code)
    return list(rows.values())


def milestone_years(targets: Iterable[Target]) -> list[int]:
    return sorted({t.milestone_year for t in targets})


@dataclass
class AreaView:
    """A reform area on the overview: its targets paired by milestone, its other objectives."""

    area: ReformArea
    targets: list[Target]
    target_rows: list[tuple[TargetRow, list[tuple[int, str]]]] = field(default_factory=list)
    other_objectives: list[Objective] = field(default_factory=list)


# --- tasks ----------------------------------------------------------------------------------------

STATUS_CSS = {
    TimelineStatus.UPCOMING.value: "status-upcoming",
    TimelineStatus.ACTIVE.value: "status-active",
    TimelineStatus.ENDED.value: "status-ended",
    TimelineStatus.CONTINUOUS.value: "status-continuous",
    TimelineStatus.EXTERNAL.value: "status-external",
}


def status_label(value: str) -> str:
    return str(dict(TimelineStatus.choices).get(value, value))


def timeline_summary(task: AppendixTask) -> str:
    """The structured timeline in words: "2021-2025", "Từ năm 2021 và các năm tiếp theo" ..."""
    kind = task.timeline_kind
    if kind == TimelineKind.RANGE:
        if task.start_year and task.end_year and task.end_year != task.start_year:
            text = f"{task.start_year}-{task.end_year}"
        else:
            text = f"Năm {task.start_year or task.end_year}"
        return text + (" và các năm tiếp theo" if task.open_ended else "") + (", hằng năm" if task.recurring else "")
    if kind == TimelineKind.ONGOING_FROM:
        return f"Từ năm {task.start_year} và các năm tiếp theo"
    if kind == TimelineKind.PHASED:
        phases = list(task.phases.all())
        if phases:
            return "; ".join(f"{p.start_year}-{p.end_year}" for p in phases)
        return f"{task.start_year}-{task.end_year}"
    if kind == TimelineKind.CENTRAL_SCHEDULE:
        return f"Theo tiến độ, hướng dẫn của {task.depends_on}" if task.depends_on else "Theo tiến độ Trung ương"
    if kind == TimelineKind.ROADMAP:
        return "Theo lộ trình được phê duyệt"
    return "Không ghi thời gian"


@dataclass
class RefView:
    """An agency reference as shown: its text, what it resolved to, how it concerns a filter."""

    ref: AgencyRef
    matched: bool = False
    via_group: bool = False
    successors: list[AgencySuccessorOn] = field(default_factory=list)

    @property
    def agency(self) -> Agency | None:
        return self.ref.agency

    @property
    def label(self) -> str:
        if self.ref.agency is not None:
            return self.ref.agency.name
        if self.ref.group is not None:
            return self.ref.group.name
        return self.ref.text


@dataclass
class TaskView:
    task: AppendixTask
    leads: list[RefView]
    coordinators: list[RefView]

    @property
    def status(self) -> str:
        return str(getattr(self.task, "timeline_status", ""))

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    @property
    def status_css(self) -> str:
        return STATUS_CSS.get(self.status, "")

    @property
    def timeline(self) -> str:
        return timeline_summary(self.task)

    @property
    def matches(self) -> list[RefView]:
        return [r for r in [*self.leads, *self.coordinators] if r.matched]


def task_view(
    task: AppendixTask,
    *,
    scope: AgencyScope | None = None,
    successors: dict[int, list[AgencySuccessorOn]] | None = None,
) -> TaskView:
    """Split a task's (prefetched) references into lead and coordinating, marking those in ``scope``."""
    leads: list[RefView] = []
    coordinators: list[RefView] = []
    for ref in task.agency_refs.all():
        view = RefView(ref=ref)
        if scope is not None:
            if ref.agency_id is not None and ref.agency_id in scope.agency_ids:
                view.matched = True
            elif ref.group_id is not None and ref.group_id in scope.group_ids:
                view.matched = view.via_group = True
        if successors is not None and ref.agency_id is not None:
            view.successors = successors.get(ref.agency_id, [])
        (leads if ref.role == AgencyRole.LEAD else coordinators).append(view)
    return TaskView(task=task, leads=leads, coordinators=coordinators)
