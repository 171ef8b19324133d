"""Writes of the procedure catalogue: drafts, publication, JSON import.

Rules kept here:

- Only a draft changes. Publishing freezes it, records ``published_at`` and retires the version in
  force at that same moment, so "the version in force at t" is always exactly one version
  (the 766 index and every dossier rely on it).
- The internal procedure must fit the statutory time: the step durations add up to no more than
  the processing time (working days × 8 working hours). Refused with
  ``catalogue.steps_exceed_statutory_time`` and nothing saved.
- Competent agencies reference agencies of the registry valid on the publication day; a commune
  procedure names the level and kind instead (every commune UBND handles it).
- Import is idempotent: a procedure whose content hash equals the version in force is left alone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from cchc.catalogue.constants import CatalogueErrorCode, StepResponsible, TimeUnit, VersionStatus
from cchc.catalogue.errors import CatalogueError
from cchc.catalogue.models import (
    CompetentAgency,
    FeeItem,
    Field,
    Procedure,
    ProcedureStep,
    ProcedureVersion,
    RequiredDocument,
)
from cchc.catalogue.selectors import procedure_version_queryset, version_to_spec
from cchc.catalogue.spec import ProcedureSpec, check_step_durations, parse_catalogue
from cchc.org.models import Agency

DEMO_CATALOGUE = Path(__file__).resolve().parent / "data" / "demo-catalogue.json"


@dataclass
class ImportResult:
    """What an import did, procedure codes by outcome."""

    created: list[str] = field(default_factory=list)
    new_versions: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    fields_written: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.new_versions or self.fields_written)

    def summary_lines(self) -> list[str]:
        return [
            f"Thủ tục mới: {len(self.created)}",
            f"Thủ tục công bố phiên bản mới: {len(self.new_versions)}",
            f"Thủ tục không thay đổi: {len(self.unchanged)}",
            f"Lĩnh vực thêm hoặc đổi tên: {len(self.fields_written)}",
        ]


# --- fields -------------------------------------------------------------------------------------


@transaction.atomic
def field_upsert(*, code: str, name: str) -> tuple[Field, bool]:
    """Create a field (lĩnh vực) or rename it; returns the field and whether anything was written."""
    existing = Field.objects.select_for_update().filter(code=code).first()
    if existing is None:
        return Field.objects.create(code=code, name=name), True
    if existing.name == name:
        return existing, False
    existing.name = name
    existing.save()
    return existing, True


# --- drafts -------------------------------------------------------------------------------------


def _agency_on(code: str, *, at: datetime, procedure: str, where: str) -> Agency:
    day = timezone.localdate(at)
    agency = Agency.objects.valid_on(day).filter(code=code).first()
    if agency is None:
        raise CatalogueError(
            CatalogueErrorCode.UNKNOWN_AGENCY,
            f"Không có cơ quan mã «{code}» còn hiệu lực ngày {day:%d/%m/%Y} trong danh mục cơ quan.",
            procedure=procedure,
            field=where,
        )
    return agency


def _check_level_kind(level: str, kind: str, *, at: datetime, procedure: str, where: str) -> None:
    day = timezone.localdate(at)
    if not Agency.objects.valid_on(day).filter(level=level, kind=kind).exists():
        raise CatalogueError(
            CatalogueErrorCode.NO_COMPETENT_AGENCY,
            f"Không có cơ quan loại «{kind}» cấp «{level}» nào còn hiệu lực ngày {day:%d/%m/%Y}.",
            procedure=procedure,
            field=where,
        )


@transaction.atomic
def procedure_draft_save(*, spec: ProcedureSpec, at: datetime) -> ProcedureVersion:
    """Write ``spec`` as the draft version of its procedure (creating the procedure when new).

    An earlier draft of the same procedure is replaced; published and retired versions are not
    touched. Agency codes resolve to the registry's agencies valid on the day of ``at``.
    Raises ``CatalogueError`` (nothing saved) on an unknown field or agency or when the steps do not
    fit the statutory time.
    """
    field_obj = Field.objects.filter(code=spec.field).first()
    if field_obj is None:
        raise CatalogueError(
            CatalogueErrorCode.UNKNOWN_FIELD,
            f"Chưa có lĩnh vực mã «{spec.field}»; khai báo trong danh sách «fields».",
            procedure=spec.code,
            field="field",
        )
    check_step_durations(
        total_hours=sum((step.duration_hours for step in spec.steps), Decimal(0)),
        statutory_hours=spec.statutory_hours,
        time_display=spec.processing_time_display,
        procedure=spec.code,
    )
    competent: list[tuple[Agency | None, str, str, str]] = []
    for index, item in enumerate(spec.competent_agencies):
        where = f"competent_agencies[{index}]"
        if item.agency:
            agency = _agency_on(item.agency, at=at, procedure=spec.code, where=f"{where}.agency")
            competent.append((agency, agency.level, "", item.note))
        else:
            _check_level_kind(item.level, item.kind, at=at, procedure=spec.code, where=where)
            competent.append((None, item.level, item.kind, item.note))
    step_agencies = [
        _agency_on(step.agency, at=at, procedure=spec.code, where=f"steps[{index}].agency") if step.agency else None
        for index, step in enumerate(spec.steps)
    ]

    procedure, created = Procedure.objects.select_for_update().get_or_create(
        code=spec.code,
        defaults={
            "name": spec.name,
            "field": field_obj,
            "code_status": spec.code_status,
            "code_source": spec.code_source,
        },
    )
    if not created and (procedure.code_status, procedure.code_source) != (spec.code_status, spec.code_source):
        # The code's provenance is a fact about the code, not versioned content.
        procedure.code_status, procedure.code_source = spec.code_status, spec.code_source
        procedure.save(update_fields=["code_status", "code_source"])
    procedure.versions.filter(status=VersionStatus.DRAFT).delete()
    last = procedure.versions.aggregate(last=Max("number"))["last"] or 0
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=last + 1,
        status=VersionStatus.DRAFT,
        name=spec.name,
        field=field_obj,
        levels=list(spec.levels),
        applicant_types=list(spec.applicant_types),
        service_type=spec.service_type,
        processing_time=spec.processing_time,
        processing_time_unit=spec.processing_time_unit,
        processing_time_note=spec.processing_time_note,
        processing_time_cutoff=spec.processing_time_cutoff,
        result_document_type=spec.result_document_type,
        result_document_name=spec.result_document_name,
        result_valid_months=spec.result_valid_months,
        legal_basis=list(spec.legal_basis),
        content_hash=spec.content_hash(),
        note=spec.note,
    )
    CompetentAgency.objects.bulk_create(
        CompetentAgency(version=version, order=order, agency=agency, level=level, agency_kind=kind, note=note)
        for order, (agency, level, kind, note) in enumerate(competent, start=1)
    )
    ProcedureStep.objects.bulk_create(
        ProcedureStep(
            version=version,
            order=order,
            name=step.name,
            responsible=step.responsible,
            agency=agency,
            responsible_label=step.label,
            staff_role=step.staff_role,
            duration_hours=step.duration_hours,
            is_inter_agency=step.inter_agency,
        )
        for order, (step, agency) in enumerate(zip(spec.steps, step_agencies, strict=True), start=1)
    )
    RequiredDocument.objects.bulk_create(
        RequiredDocument(
            version=version,
            order=order,
            name=document.name,
            mandatory=document.mandatory,
            copies=document.copies,
            form_template=document.form_template,
            document_type_code=document.document_type,
            note=document.note,
        )
        for order, document in enumerate(spec.documents, start=1)
    )
    FeeItem.objects.bulk_create(
        FeeItem(
            version=version,
            order=order,
            kind=fee.kind,
            name=fee.name,
            amount=Decimal(fee.amount) if fee.amount is not None else None,
            amount_table=[{"label": label, "amount": amount} for label, amount in fee.table],
            description=fee.description,
            exemptions=fee.exemptions,
            legal_basis=fee.legal_basis,
        )
        for order, fee in enumerate(spec.fees, start=1)
    )
    return version


@transaction.atomic
def procedure_version_draft_from(*, version: ProcedureVersion, at: datetime) -> ProcedureVersion:
    """A new draft copied from ``version`` (usually the one in force), to be edited and published."""
    source = procedure_version_queryset().get(pk=version.pk)
    return procedure_draft_save(spec=version_to_spec(source), at=at)


def procedure_version_validate(*, version: ProcedureVersion) -> None:
    """Check a stored version before publication (drafts edited in the admin pass through here).

    Rules: at least one competent agency, at least one step, every step naming its agency when it
    is carried out by a named agency, and the step durations within the statutory time.
    """
    code = version.procedure.code
    if version.processing_time_cutoff is not None and version.processing_time_unit != TimeUnit.SAME_DAY:
        raise CatalogueError(
            CatalogueErrorCode.INVALID_INPUT,
            "Giờ chốt tiếp nhận chỉ dùng cho thủ tục giải quyết trong ngày.",
            procedure=code,
            field="processing_time.cutoff",
        )
    if version.processing_time_unit == TimeUnit.SAME_DAY and version.processing_time != 1:
        raise CatalogueError(
            CatalogueErrorCode.INVALID_INPUT,
            "Thủ tục giải quyết trong ngày có thời hạn là 1 (một ngày làm việc).",
            procedure=code,
            field="processing_time.value",
        )
    if not version.competent_agencies.exists():
        raise CatalogueError(
            CatalogueErrorCode.NO_COMPETENT_AGENCY, "Chưa khai báo cơ quan có thẩm quyền.", procedure=code
        )
    steps = list(version.steps.all())
    if not steps:
        raise CatalogueError(
            CatalogueErrorCode.NO_STEPS, "Chưa khai báo quy trình nội bộ (các bước xử lý).", procedure=code
        )
    for step in steps:
        if (step.responsible == StepResponsible.AGENCY) != (step.agency_id is not None):
            raise CatalogueError(
                CatalogueErrorCode.INVALID_INPUT,
                f"Bước {step.order}: ghi cơ quan khi và chỉ khi đơn vị thực hiện là cơ quan được chỉ định.",
                procedure=code,
                field=f"steps[{step.order - 1}].agency",
            )
    check_step_durations(
        total_hours=sum((step.duration_hours for step in steps), Decimal(0)),
        statutory_hours=version.statutory_hours,
        time_display=version.processing_time_display,
        procedure=code,
    )


@transaction.atomic
def procedure_version_publish(*, version: ProcedureVersion, at: datetime) -> ProcedureVersion:
    """Publish a draft: it is in force from ``at`` and the version in force until then is retired at ``at``.

    Legal basis: a procedure applies as published (công bố thủ tục hành chính, NĐ 63/2010/NĐ-CP as
    amended); a dossier is handled under the version in force when it was received.
    Invariants: published versions never change; at any moment at most one version is in force;
    publication moments of one procedure only move forward.
    """
    # concurrency: lock the procedure so two publications of one procedure run one after the other.
    procedure = Procedure.objects.select_for_update().get(pk=version.procedure_id)
    version = ProcedureVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != VersionStatus.DRAFT:
        raise CatalogueError(
            CatalogueErrorCode.VERSION_NOT_DRAFT,
            f"Phiên bản {version.number} đã công bố hoặc đã hết hiệu lực; không thể công bố lại hay sửa đổi.",
            procedure=procedure.code,
        )
    procedure_version_validate(version=version)
    current = procedure.versions.select_for_update().filter(status=VersionStatus.PUBLISHED).first()
    if current is not None:
        assert current.published_at is not None
        if at < current.published_at:
            raise CatalogueError(
                CatalogueErrorCode.PUBLISH_BEFORE_CURRENT,
                f"Thời điểm công bố phải sau thời điểm công bố phiên bản đang áp dụng "
                f"({timezone.localtime(current.published_at):%d/%m/%Y %H:%M}).",
                procedure=procedure.code,
            )
        current.status = VersionStatus.RETIRED
        current.retired_at = at
        current.save(update_fields=["status", "retired_at"])
    version.status = VersionStatus.PUBLISHED
    version.published_at = at
    # A draft edited in the admin changed after it was written; hash what is published.
    version.content_hash = version_to_spec(procedure_version_queryset().get(pk=version.pk)).content_hash()
    version.save(update_fields=["status", "published_at", "content_hash"])
    procedure.name = version.name
    procedure.field_id = version.field_id
    procedure.save(update_fields=["name", "field", "search_key"])
    return version


# --- import -------------------------------------------------------------------------------------


@transaction.atomic
def catalogue_import(*, data: Any, at: datetime, source: str = "") -> ImportResult:
    """Import a catalogue document: fields are upserted, each changed procedure gets a new published version.

    idempotency: a procedure whose canonical content hash equals the version in force is left alone,
    so the same file imported twice changes nothing. Invalid input is refused with the file, the
    procedure and the field in the message, and the whole import is rolled back.
    """
    catalogue = parse_catalogue(data, source=source)
    result = ImportResult()
    try:
        known = set(Field.objects.values_list("code", flat=True))
        declared = {item.code for item in catalogue.fields}
        for spec in catalogue.procedures:
            if spec.field not in declared and spec.field not in known:
                raise CatalogueError(
                    CatalogueErrorCode.UNKNOWN_FIELD,
                    f"Lĩnh vực «{spec.field}» không có trong danh sách «fields» của tệp hay trong danh mục.",
                    procedure=spec.code,
                    field="field",
                )
        for item in catalogue.fields:
            _, written = field_upsert(code=item.code, name=item.name)
            if written:
                result.fields_written.append(item.code)
        current = {
            version.procedure.code: version
            for version in ProcedureVersion.objects.select_related("procedure").filter(
                procedure__code__in=[spec.code for spec in catalogue.procedures], status=VersionStatus.PUBLISHED
            )
        }
        for spec in catalogue.procedures:
            in_force = current.get(spec.code)
            if in_force is not None and in_force.content_hash == spec.content_hash():
                result.unchanged.append(spec.code)
                continue
            draft = procedure_draft_save(spec=spec, at=at)
            procedure_version_publish(version=draft, at=at)
            (result.new_versions if in_force is not None else result.created).append(spec.code)
    except CatalogueError as exc:
        raise exc.located(source=source) from None
    return result


def catalogue_import_file(*, path: Path, at: datetime) -> ImportResult:
    """Read a JSON file and import it (see ``catalogue_import``); unreadable JSON is refused with its position."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise CatalogueError(
            CatalogueErrorCode.INVALID_INPUT,
            f"Tệp không phải JSON hợp lệ (dòng {exc.lineno}, cột {exc.colno}): {exc.msg}.",
            source=str(path),
        ) from None
    except OSError as exc:
        raise CatalogueError(
            CatalogueErrorCode.INVALID_INPUT, f"Không đọc được tệp: {exc.strerror}.", source=str(path)
        ) from None
    return catalogue_import(data=data, at=at, source=str(path))


def catalogue_import_demo(*, at: datetime) -> ImportResult:
    """Import the shipped demo catalogue (``data/demo-catalogue.json``)."""
    return catalogue_import_file(path=DEMO_CATALOGUE, at=at)
