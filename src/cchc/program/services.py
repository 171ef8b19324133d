"""Writes of the program register: importing a program decision.

``program_import`` reads a decision with its program (see :mod:`cchc.program.importer.parser`)
and writes it as structured data in one transaction. It is idempotent and updates in place:
rows are matched on natural keys (area number, objective order, target code, task number ...),
only rows whose values changed are saved (so django-simple-history records real changes only),
rows that disappeared from the text are deleted, and each distinct text is kept as a
``ProgramRevision`` with its sha256, unplaced lines and change summary.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from django.conf import settings
from django.db import models, transaction

from cchc.common.text import fold
from cchc.org.models import AdministrativeUnit, Agency, AgencyGroup
from cchc.org.selectors import AgencyNameIndex
from cchc.program.constants import AgencyRole, Comparator, ImportError_
from cchc.program.importer.agencies import AgencyMention
from cchc.program.importer.areas import infer_areas
from cchc.program.importer.errors import Finding, ProgramImportError
from cchc.program.importer.parser import ParsedProgram, parse_program
from cchc.program.models import (
    AgencyRef,
    AppendixTask,
    AreaTask,
    Duty,
    DutyGroup,
    FundingClause,
    Objective,
    Program,
    ProgramRevision,
    ReformArea,
    Solution,
    Target,
    TimelinePhase,
)

M = TypeVar("M", bound=models.Model)


@dataclass
class ImportResult:
    """What an import did; ``unchanged`` means nothing at all was written."""

    program: Program
    source_name: str
    created: bool = False
    unchanged: bool = False
    revision: ProgramRevision | None = None
    counts: dict[str, int] = field(default_factory=dict)
    changes: dict[str, dict[str, int]] = field(default_factory=dict)
    unplaced: list[str] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def _bump(self, label: str, what: str) -> None:
        self.changes.setdefault(label, {"created": 0, "updated": 0, "deleted": 0})[what] += 1

    @property
    def changed(self) -> bool:
        return any(any(v.values()) for v in self.changes.values()) or self.created

    def summary_lines(self) -> list[str]:
        program = self.program
        if self.unchanged:
            state = "không thay đổi (văn bản đã nhập trước đây)"
        elif self.created:
            state = "đã nhập mới"
        else:
            state = "đã cập nhật"
        lines = [f"{program.title} ({program.number}, {program.issued_on:%d/%m/%Y}): {state}."]
        c = self.counts
        lines.append(
            f"  {c.get('areas', 0)} nội dung cải cách, {c.get('objectives', 0)} mục tiêu, "
            f"{c.get('targets', 0)} chỉ tiêu, "
            f"{c.get('area_tasks', 0)} nhiệm vụ theo nội dung, {c.get('solutions', 0)} giải pháp, "
            f"{c.get('funding', 0)} điều khoản kinh phí, {c.get('duty_groups', 0)} nhóm trách nhiệm "
            f"({c.get('duties', 0)} nhiệm vụ), {c.get('tasks', 0)} nhiệm vụ phụ lục, "
            f"{c.get('agency_refs', 0)} lượt cơ quan."
        )
        for label, stats in sorted(self.changes.items()):
            if any(stats.values()):
                lines.append(f"  {label}: {stats['created']} mới, {stats['updated']} sửa, {stats['deleted']} xóa")
        lines.extend(self._target_lines())
        lines.append(f"  Tên cơ quan chưa xác định: {len(self.unresolved)}")
        lines.extend(f"    {item}" for item in self.unresolved)
        lines.append(f"  Dòng chưa xếp được: {len(self.unplaced)}")
        lines.extend(f"    {item}" for item in self.unplaced)
        if self.warnings:
            lines.append(f"  Cảnh báo: {len(self.warnings)}")
            lines.extend(f"    {item}" for item in self.warnings)
        return lines

    def _target_lines(self) -> list[str]:
        """Each target with its milestone year and the line it was read from ("file:line"), so
        that a reader can check the year against the text."""
        if self.program.pk is None:
            return []
        targets = list(
            self.program.targets.select_related("area").order_by(
                "area__number", "milestone_year", "source_line", "code"
            )
        )
        lines = [f"  Chỉ tiêu (mã, năm, dòng nguồn): {len(targets)}"]
        for target in targets:
            where = f"{self.source_name}:{target.source_line}" if target.source_line else self.source_name
            level = f" ({_LEVEL_LABEL[target.gov_level]})" if target.gov_level in _LEVEL_LABEL else ""
            lines.append(
                f"    {target.code}: năm {target.milestone_year}, {where}: "
                f"{_value_text(target)}{level} — {_shorten(target.metric, 80)}"
            )
        return lines


_LEVEL_LABEL = {"province": "cấp tỉnh", "district": "cấp huyện", "commune": "cấp xã"}


def _value_text(target: Target) -> str:
    """ "≥ 97,5 %", "giảm 20 %": the number in the Vietnamese format (decimal comma)."""
    number = format(target.value.normalize(), "f")
    if "." in number:
        number = number.rstrip("0").rstrip(".")
    amount = f"{number.replace('.', ',')} {target.unit}".strip()
    prefix = {
        Comparator.AT_LEAST.value: "≥",
        Comparator.EQUAL.value: "=",
        Comparator.AT_MOST.value: "≤",
        Comparator.REDUCE_BY.value: "giảm",
        Comparator.INCREASE_BY.value: "tăng",
    }.get(target.comparator, target.comparator)
    return f"{prefix} {amount}"


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- decoding --------------------------------------------------------------------------------


def _decode(source: str | bytes) -> str:
    """UTF-8 text or a refusal; a file cut inside a multi-byte character counts as truncated."""
    if isinstance(source, str):
        text = source
    else:
        try:
            text = source.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            if exc.start >= len(source) - 3 and exc.reason == "unexpected end of data":
                raise ProgramImportError(
                    ImportError_.TRUNCATED, "Tệp bị cắt giữa một ký tự UTF-8 ở cuối tệp (văn bản bị cắt cụt)."
                ) from None
            raise ProgramImportError(
                ImportError_.NOT_TEXT,
                f"Tệp không phải văn bản UTF-8 (byte không hợp lệ ở vị trí {exc.start}).",
            ) from None
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    if "\x00" in text or (text and controls / len(text) > 0.001):
        raise ProgramImportError(ImportError_.NOT_TEXT, "Tệp chứa ký tự điều khiển/nhị phân, không phải văn bản.")
    return text


# --- syncing rows by natural key -------------------------------------------------------------


def _sync(
    result: ImportResult,
    label: str,
    existing: Iterable[M],
    key: Callable[[M], Any],
    wanted: dict[Any, dict[str, Any]],
    make: Callable[[dict[str, Any]], M],
) -> dict[Any, M]:
    """Create, update (only when a value differs) and delete rows so they match ``wanted``."""
    current = {key(obj): obj for obj in existing}
    out: dict[Any, M] = {}
    for wanted_key, values in wanted.items():
        obj = current.pop(wanted_key, None)
        if obj is None:
            obj = make(values)
            obj.save()
            result._bump(label, "created")
        else:
            changed = [name for name, value in values.items() if getattr(obj, name) != value]
            if changed:
                for name in changed:
                    setattr(obj, name, values[name])
                obj.save()
                result._bump(label, "updated")
        out[wanted_key] = obj
    for obj in current.values():
        obj.delete()
        result._bump(label, "deleted")
    return out


class _Resolver:
    """Agency names of one text resolved on its issue date, with the unresolved ones reported."""

    def __init__(self, *, on: date, source_name: str, in_scope: bool) -> None:
        # Names are only resolved for the province this installation serves: "Sở Nội vụ" in a
        # Phú Yên program is not Khánh Hòa's Sở Nội vụ.
        self.index = AgencyNameIndex.build(on=on) if in_scope else None
        self.source_name = source_name
        self.unresolved: list[str] = []

    def resolve(self, name: str) -> Agency | AgencyGroup | None:
        return self.index.resolve(name) if self.index is not None else None

    def known(self, name: str) -> bool:
        return self.resolve(name) is not None

    def ref_values(self, mention: AgencyMention) -> dict[str, Any]:
        found = self.resolve(mention.name)
        if found is None:
            self.unresolved.append(f"{self.source_name}:{mention.line}: không xác định được cơ quan “{mention.name}”")
        return {
            "text": mention.name[:500],
            "agency_id": found.pk if isinstance(found, Agency) else None,
            "group_id": found.pk if isinstance(found, AgencyGroup) else None,
            "qualifier": mention.qualifier[:200],
            "note": mention.note,
            "source_line": mention.line,
        }


def _unit_for(issuer_name: str, on: date) -> AdministrativeUnit | None:
    """The province named by the issuer ("Ủy ban nhân dân tỉnh Khánh Hòa" -> tỉnh Khánh Hòa)."""
    key = fold(issuer_name)
    for head in ("uy ban nhan dan ", "ubnd "):
        key = key.removeprefix(head)
    return AdministrativeUnit.objects.valid_on(on).filter(search_key=key).first()


def _parse(text: str, *, source_name: str) -> tuple[ParsedProgram, _Resolver, AdministrativeUnit | None]:
    first = parse_program(text)  # validates the document and gives its date and issuer
    unit = _unit_for(first.issuer_name, first.issued_on)
    in_scope = unit is not None and unit.code == settings.CCHC_PROVINCE_CODE
    resolver = _Resolver(on=first.issued_on, source_name=source_name, in_scope=in_scope)
    parsed = parse_program(text, known=resolver.known)
    if not in_scope:
        parsed.findings.append(
            Finding(
                line=0,
                text=f"“{parsed.issuer_name}” ngoài địa bàn của danh mục cơ quan (mã tỉnh "
                f"{settings.CCHC_PROVINCE_CODE}): tên cơ quan được giữ nguyên văn, không liên kết danh mục.",
                kind="scope",
            )
        )
    return parsed, resolver, unit


@transaction.atomic
def program_import(*, source: str | bytes, source_name: str, at: datetime) -> ImportResult:
    """Import (or re-import) a CCHC program decision into the register.

    Rule: a program is identified by its number, issuer and issue date (Nghị định 30/2020/NĐ-CP,
    Phụ lục I: số, ký hiệu + tên cơ quan ban hành + ngày ban hành identify an administrative
    document). The same text imported twice changes nothing; a revised text updates the rows in
    place by natural key and adds a ``ProgramRevision``; a document that is not UTF-8 text, is not
    a program, or is truncated raises :class:`ProgramImportError` and writes nothing.
    Invariant: every non-empty line is either placed in the register or reported as unplaced.
    """
    text = _decode(source)
    parsed, resolver, unit = _parse(text, source_name=source_name)
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()

    program = (
        Program.objects.select_for_update()  # concurrency: one import of a program at a time
        .filter(number=parsed.number, issuer_name=parsed.issuer_name, issued_on=parsed.issued_on)
        .first()
    )
    result = ImportResult(program=program or Program(), source_name=source_name)
    issuer = resolver.resolve(parsed.issuer_name)
    program_values: dict[str, Any] = {
        "number": parsed.number,
        "issued_on": parsed.issued_on,
        "issuer_name": parsed.issuer_name,
        "issuer_id": issuer.pk if isinstance(issuer, Agency) else None,
        "unit_id": unit.pk if unit is not None else None,
        "place": parsed.place,
        "title": parsed.title[:500],
        "decision_title": parsed.decision_title[:500],
        "period_start": parsed.period_start,
        "period_end": parsed.period_end,
        "signer_name": parsed.signer_name,
        "signer_title": parsed.signer_title,
        "signing_authority": parsed.signing_authority,
        "legal_bases": parsed.legal_bases,
        "decision_articles": parsed.decision_articles,
        "preamble": parsed.preamble,
        "general_objective": parsed.general_objective,
        "focus": parsed.focus,
        "closing": parsed.closing,
        "tasks_intro": parsed.tasks_intro,
        "appendix_title": parsed.appendix_title[:500],
        "appendix_columns": parsed.appendix_columns,
        "source_sha256": sha,
    }
    if program is None:
        program = Program(**program_values, imported_at=at)
        program.save()
        result.created = True
        result.program = program
    else:
        changed = [name for name, value in program_values.items() if getattr(program, name) != value]
        if changed:
            for name in changed:
                setattr(program, name, program_values[name])
            program.imported_at = at
            program.save()
            result._bump("chương trình", "updated")

    _write_body(program, parsed, resolver, result)

    result.unplaced = [f.located(source_name) for f in parsed.unplaced]
    result.unresolved = resolver.unresolved
    result.warnings = [f.located(source_name) for f in parsed.findings if f.kind != "unplaced"]
    result.counts = _counts(program)
    if not program.revisions.filter(sha256=sha).exists():
        summary = {label: stats for label, stats in result.changes.items() if any(stats.values())}
        result.revision = ProgramRevision.objects.create(
            program=program,
            sha256=sha,
            source_name=source_name,
            source_text=text,
            imported_at=at,
            unplaced_lines=result.unplaced,
            summary={"created": result.created, "changes": summary, "counts": result.counts},
        )
        if program.imported_at != at:
            program.imported_at = at
            program.save(update_fields=["imported_at"])
    result.unchanged = not result.changed and result.revision is None
    return result


def _write_body(program: Program, parsed: ParsedProgram, resolver: _Resolver, result: ImportResult) -> None:
    areas = _sync(
        result,
        "nội dung cải cách",
        program.areas.all(),
        lambda a: a.number,
        {
            a.number: {"number": a.number, "name": a.name[:300], "objective": a.objective, "source_line": a.line}
            for a in parsed.areas
        },
        lambda v: ReformArea(program=program, **v),
    )
    objectives: dict[tuple[int, int], Objective] = {}
    for parsed_area in parsed.areas:
        area = areas[parsed_area.number]
        objectives.update(
            {
                (parsed_area.number, order): obj
                for order, obj in _sync(
                    result,
                    "mục tiêu",
                    area.objectives.all(),
                    lambda o: o.order,
                    {
                        o.order: {
                            "order": o.order,
                            "milestone_year": o.milestone_year,
                            "text": o.text,
                            "is_quantitative": bool(o.targets),
                            "source_line": o.line,
                        }
                        for o in parsed_area.objectives
                    },
                    lambda v, area=area: Objective(area=area, **v),  # type: ignore[misc]
                ).items()
            }
        )
        _sync(
            result,
            "nhiệm vụ theo nội dung",
            area.tasks.all(),
            lambda t: t.order,
            {t.order: {"order": t.order, "text": t.text, "source_line": t.line} for t in parsed_area.tasks},
            lambda v, area=area: AreaTask(area=area, **v),  # type: ignore[misc]
        )
    _sync(
        result,
        "chỉ tiêu",
        program.targets.all(),
        lambda t: t.code,
        {
            t.code: {
                "code": t.code,
                "area_id": areas[t.area_number].pk,
                "objective_id": objectives[(t.area_number, t.objective_order)].pk,
                "order": t.order,
                "metric": t.spec.metric,
                "comparator": t.spec.comparator,
                "value": t.spec.value,
                "unit": t.spec.unit,
                "milestone_year": t.spec.milestone_year or parsed.period_end,
                "baseline_text": t.spec.baseline_text[:200],
                "baseline_year_start": t.spec.baseline_year_start,
                "baseline_year_end": t.spec.baseline_year_end,
                "fields": t.spec.fields,
                "gov_level": t.spec.gov_level,
                "qualifiers": t.spec.qualifiers,
                "source_text": t.spec.source_text,
                "source_line": t.line,
            }
            for t in parsed.targets
        },
        lambda v: Target(program=program, **v),
    )
    _sync(
        result,
        "giải pháp",
        program.solutions.all(),
        lambda s: s.number,
        {s.order: {"number": s.order, "text": s.text, "source_line": s.line} for s in parsed.solutions},
        lambda v: Solution(program=program, **v),
    )
    _sync(
        result,
        "kinh phí",
        program.funding_clauses.all(),
        lambda s: s.number,
        {s.order: {"number": s.order, "text": s.text, "source_line": s.line} for s in parsed.funding},
        lambda v: FundingClause(program=program, **v),
    )
    groups = _sync(
        result,
        "nhóm trách nhiệm",
        program.duty_groups.all(),
        lambda g: g.number,
        {g.number: {"number": g.number, "heading": g.heading, "source_line": g.line} for g in parsed.duty_groups},
        lambda v: DutyGroup(program=program, **v),
    )
    for parsed_group in parsed.duty_groups:
        group = groups[parsed_group.number]
        _sync(
            result,
            "nhiệm vụ được phân công",
            group.duties.all(),
            lambda d: d.order,
            {
                d.order: {"order": d.order, "letter": d.letter, "text": d.text, "source_line": d.line}
                for d in parsed_group.duties
            },
            lambda v, group=group: Duty(group=group, **v),  # type: ignore[misc]
        )
        _sync_refs(
            result,
            group.agency_refs.all(),
            [(AgencyRole.RESPONSIBLE.value, m) for m in parsed_group.agencies],
            resolver,
            lambda v, group=group: AgencyRef(duty_group=group, **v),  # type: ignore[misc]
        )

    inferred = infer_areas(
        {
            a.number: " ".join([a.name, a.objective, *(o.text for o in a.objectives), *(t.text for t in a.tasks)])
            for a in parsed.areas
        },
        {t.number: f"{t.title} {t.outputs}" for t in parsed.tasks},
        name_weight={a.number: a.name for a in parsed.areas},
    )
    existing_tasks = {t.number: t for t in program.appendix_tasks.all()}
    wanted_tasks: dict[int, dict[str, Any]] = {}
    for t in parsed.tasks:
        values: dict[str, Any] = {
            "number": t.number,
            "title": t.title,
            "outputs": t.outputs,
            "lead_text": t.lead_text,
            "coordinate_text": t.coordinate_text,
            "timeline_text": t.timeline.text,
            "timeline_kind": t.timeline.kind,
            "start_year": t.timeline.start_year,
            "end_year": t.timeline.end_year,
            "recurring": t.timeline.recurring,
            "open_ended": t.timeline.open_ended,
            "depends_on": t.timeline.depends_on[:200],
            "source_line": t.line,
        }
        current = existing_tasks.get(t.number)
        if current is not None and not current.area_inferred and current.area_id is not None:
            pass  # an area set by hand in the admin is kept
        else:
            area_number = inferred.get(t.number)
            values["area_id"] = areas[area_number].pk if area_number in areas else None
            values["area_inferred"] = area_number in areas
        wanted_tasks[t.number] = values
    tasks = _sync(
        result,
        "nhiệm vụ phụ lục",
        existing_tasks.values(),
        lambda t: t.number,
        wanted_tasks,
        lambda v: AppendixTask(program=program, **v),
    )
    for parsed_task in parsed.tasks:
        task = tasks[parsed_task.number]
        _sync(
            result,
            "giai đoạn",
            task.phases.all(),
            lambda p: p.order,
            {
                order: {"order": order, "start_year": p.start_year, "end_year": p.end_year, "text": p.text}
                for order, p in enumerate(parsed_task.timeline.phases, start=1)
            },
            lambda v, task=task: TimelinePhase(task=task, **v),  # type: ignore[misc]
        )
        _sync_refs(
            result,
            task.agency_refs.all(),
            [(AgencyRole.LEAD.value, m) for m in parsed_task.leads]
            + [(AgencyRole.COORDINATE.value, m) for m in parsed_task.coordinates],
            resolver,
            lambda v, task=task: AgencyRef(task=task, **v),  # type: ignore[misc]
        )


def _sync_refs(
    result: ImportResult,
    existing: Iterable[AgencyRef],
    mentions: list[tuple[str, AgencyMention]],
    resolver: _Resolver,
    make: Callable[[dict[str, Any]], AgencyRef],
) -> None:
    wanted: dict[tuple[str, int], dict[str, Any]] = {}
    per_role: dict[str, int] = {}
    for role, mention in mentions:
        per_role[role] = per_role.get(role, 0) + 1
        wanted[(role, per_role[role])] = {"role": role, "order": per_role[role], **resolver.ref_values(mention)}
    _sync(result, "cơ quan được giao", existing, lambda r: (r.role, r.order), wanted, make)


def _counts(program: Program) -> dict[str, int]:
    return {
        "areas": program.areas.count(),
        "objectives": Objective.objects.filter(area__program=program).count(),
        "targets": program.targets.count(),
        "area_tasks": AreaTask.objects.filter(area__program=program).count(),
        "solutions": program.solutions.count(),
        "funding": program.funding_clauses.count(),
        "duty_groups": program.duty_groups.count(),
        "duties": Duty.objects.filter(group__program=program).count(),
        "tasks": program.appendix_tasks.count(),
        "agency_refs": AgencyRef.objects.filter(
            models.Q(task__program=program) | models.Q(duty_group__program=program)
        ).count(),
    }


__all__ = ["ImportResult", "ProgramImportError", "Finding", "program_import"]
