"""The program register as one JSON document (CLI ``cchc program export`` and ``/api/programs/<id>``).

The shape is described by ``docs/program-export.schema.json``. Agency references carry the
registry code and name of the agency (or group) as resolved on the program's date and, for
agencies, the codes of the agencies that carry its duties on ``as_of`` (today by default), so a
2021 assignment to "Sở Thông tin và Truyền thông" reads as "Sở Khoa học và Công nghệ" in 2026.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from cchc.org.models import Agency
from cchc.org.selectors import agency_successors_map
from cchc.program.models import (
    AgencyRef,
    AppendixTask,
    DutyGroup,
    Program,
    ReformArea,
    Target,
)

EXPORT_SCHEMA_VERSION = 1


def program_export_queryset() -> QuerySet[Program]:
    """Programs with everything the export reads, in a fixed number of queries."""
    refs = AgencyRef.objects.select_related("agency", "group").order_by("role", "order")
    return Program.objects.select_related("issuer", "unit").prefetch_related(
        "revisions",
        Prefetch(
            "areas",
            queryset=ReformArea.objects.prefetch_related("objectives__targets", "tasks", "targets").order_by("number"),
        ),
        "solutions",
        "funding_clauses",
        Prefetch(
            "duty_groups",
            queryset=DutyGroup.objects.prefetch_related("duties", Prefetch("agency_refs", queryset=refs)),
        ),
        Prefetch(
            "appendix_tasks",
            queryset=AppendixTask.objects.select_related("area").prefetch_related(
                "phases", Prefetch("agency_refs", queryset=refs)
            ),
        ),
    )


_ROLE_ORDER = {"lead": 0, "coordinate": 1, "responsible": 2}


def _refs(refs: list[AgencyRef], successors: dict[int, list[Agency]]) -> list[dict[str, Any]]:
    ordered = sorted(refs, key=lambda r: (_ROLE_ORDER.get(r.role, 9), r.order))
    return [_ref(r, successors) for r in ordered]


def _target_sort_key(target: Target) -> tuple[int, int, str]:
    """Reading order: milestone year, then the running number of the code ("a6-2025-3")."""
    tail = target.code.rsplit("-", 1)[-1]
    return (target.milestone_year, int(tail) if tail.isdigit() else 0, target.code)


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _ref(ref: AgencyRef, successors: dict[int, list[Agency]]) -> dict[str, Any]:
    agency = ref.agency
    group = ref.group
    return {
        "role": ref.role,
        "order": ref.order,
        "text": ref.text,
        "qualifier": ref.qualifier,
        "note": ref.note,
        "source_line": ref.source_line,
        "resolved": agency is not None or group is not None,
        "agency": {"code": agency.code, "name": agency.name} if agency else None,
        "group": {"code": group.code, "name": group.name} if group else None,
        "successors": [{"code": a.code, "name": a.name} for a in successors.get(agency.pk, [])] if agency else [],
    }


def _program_document(program: Program, *, as_of: date, successors: dict[int, list[Agency]]) -> dict[str, Any]:
    areas = []
    for area in program.areas.all():
        areas.append(
            {
                "number": area.number,
                "name": area.name,
                "objective": area.objective,
                "source_line": area.source_line,
                "objectives": [
                    {
                        "order": o.order,
                        "milestone_year": o.milestone_year,
                        "text": o.text,
                        "is_quantitative": o.is_quantitative,
                        "source_line": o.source_line,
                        "target_codes": [t.code for t in o.targets.all()],
                    }
                    for o in area.objectives.all()
                ],
                "targets": [
                    {
                        "code": t.code,
                        "metric": t.metric,
                        "comparator": t.comparator,
                        "value": _number(t.value),
                        "unit": t.unit,
                        "milestone_year": t.milestone_year,
                        "baseline": {
                            "text": t.baseline_text,
                            "year_start": t.baseline_year_start,
                            "year_end": t.baseline_year_end,
                        },
                        "fields": t.fields,
                        "gov_level": t.gov_level,
                        "qualifiers": t.qualifiers,
                        "source_text": t.source_text,
                        "source_line": t.source_line,
                    }
                    for t in sorted(area.targets.all(), key=_target_sort_key)
                ],
                "tasks": [{"order": t.order, "text": t.text, "source_line": t.source_line} for t in area.tasks.all()],
            }
        )
    return {
        "id": program.pk,
        "number": program.number,
        "issued_on": program.issued_on.isoformat(),
        "issuer_name": program.issuer_name,
        "issuer_code": program.issuer.code if program.issuer else None,
        "unit_code": program.unit.code if program.unit else None,
        "place": program.place,
        "title": program.title,
        "decision_title": program.decision_title,
        "period": {"start": program.period_start, "end": program.period_end},
        "signer": {
            "name": program.signer_name,
            "title": program.signer_title,
            "authority": program.signing_authority,
        },
        "legal_bases": program.legal_bases,
        "decision_articles": program.decision_articles,
        "preamble": program.preamble,
        "general_objective": program.general_objective,
        "focus": program.focus,
        "tasks_intro": program.tasks_intro,
        "closing": program.closing,
        "source_sha256": program.source_sha256,
        "imported_at": program.imported_at.isoformat(),
        "revisions": [
            {
                "sha256": r.sha256,
                "source_name": r.source_name,
                "imported_at": r.imported_at.isoformat(),
                "unplaced_lines": r.unplaced_lines,
                "summary": r.summary,
            }
            for r in program.revisions.all()
        ],
        "areas": areas,
        "solutions": [
            {"number": s.number, "text": s.text, "source_line": s.source_line} for s in program.solutions.all()
        ],
        "funding": [
            {"number": f.number, "text": f.text, "source_line": f.source_line} for f in program.funding_clauses.all()
        ],
        "duty_groups": [
            {
                "number": g.number,
                "heading": g.heading,
                "source_line": g.source_line,
                "agencies": _refs(list(g.agency_refs.all()), successors),
                "duties": [
                    {"order": d.order, "letter": d.letter, "text": d.text, "source_line": d.source_line}
                    for d in g.duties.all()
                ],
            }
            for g in program.duty_groups.all()
        ],
        "appendix": {
            "title": program.appendix_title,
            "columns": program.appendix_columns,
            "tasks": [
                {
                    "number": t.number,
                    "title": t.title,
                    "outputs": t.outputs,
                    "lead_text": t.lead_text,
                    "coordinate_text": t.coordinate_text,
                    "area": {"number": t.area.number, "inferred": t.area_inferred} if t.area else None,
                    "source_line": t.source_line,
                    "timeline": {
                        "text": t.timeline_text,
                        "kind": t.timeline_kind,
                        "start_year": t.start_year,
                        "end_year": t.end_year,
                        "recurring": t.recurring,
                        "open_ended": t.open_ended,
                        "depends_on": t.depends_on,
                        "phases": [
                            {"order": p.order, "start_year": p.start_year, "end_year": p.end_year, "text": p.text}
                            for p in t.phases.all()
                        ],
                    },
                    "agencies": _refs(list(t.agency_refs.all()), successors),
                }
                for t in program.appendix_tasks.all()
            ],
        },
    }


def program_export(programs: QuerySet[Program] | list[Program], *, as_of: date | None = None) -> dict[str, Any]:
    """The export document for the given programs (load them with :func:`program_export_queryset`)."""
    as_of = as_of or timezone.localdate()
    programs = list(programs)
    agencies: dict[int, Agency] = {}
    for program in programs:
        for group in program.duty_groups.all():
            agencies.update({r.agency.pk: r.agency for r in group.agency_refs.all() if r.agency})
        for task in program.appendix_tasks.all():
            agencies.update({r.agency.pk: r.agency for r in task.agency_refs.all() if r.agency})
    successors = agency_successors_map(agencies.values(), as_of)
    return {
        "schema_version": EXPORT_SCHEMA_VERSION,
        "as_of": as_of.isoformat(),
        "programs": [_program_document(p, as_of=as_of, successors=successors) for p in programs],
    }
