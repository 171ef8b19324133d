"""Reads of the procedure catalogue: the version in force at a moment, search, export.

Every selector returns rows already joined, so a page that lists procedures or shows one version
with its steps, documents and fees runs a fixed number of queries.
"""

from __future__ import annotations

import threading
import uuid
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Case, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Value, When

from cchc.catalogue.constants import VersionStatus
from cchc.catalogue.models import CompetentAgency, Field, Procedure, ProcedureStep, ProcedureVersion
from cchc.catalogue.spec import (
    FORMAT_NAME,
    FORMAT_VERSION,
    CompetentAgencySpec,
    DocumentSpec,
    FeeSpec,
    ProcedureSpec,
    StepSpec,
)
from cchc.common.text import fold


def procedure_version_queryset() -> QuerySet[ProcedureVersion]:
    """Versions with their procedure, field, competent agencies, steps, documents and fees joined."""
    return ProcedureVersion.objects.select_related("procedure", "field").prefetch_related(
        Prefetch("competent_agencies", queryset=CompetentAgency.objects.select_related("agency").order_by("order")),
        Prefetch("steps", queryset=ProcedureStep.objects.select_related("agency").order_by("order")),
        "documents",
        "fees",
    )


def _in_force(
    queryset: QuerySet[ProcedureVersion], *, procedure: Procedure, at: datetime
) -> QuerySet[ProcedureVersion]:
    return queryset.filter(
        procedure=procedure, status__in=[VersionStatus.PUBLISHED, VersionStatus.RETIRED], published_at__lte=at
    ).filter(Q(retired_at__isnull=True) | Q(retired_at__gt=at))


def procedure_version_current(*, procedure: Procedure, at: datetime) -> ProcedureVersion:
    """The version of ``procedure`` in force at ``at``: published at or before it and not yet retired.

    A dossier filed at ``at`` keeps this version for its whole life, whatever is published later.
    Raises ``ProcedureVersion.DoesNotExist`` when no version was in force at that moment.
    """
    return _in_force(procedure_version_queryset(), procedure=procedure, at=at).get()


# --- the public pages' copy of the versions in force (issue 17 item 4) ----------------------------------
# The citizen portal's procedure page is the most requested page after the search; reading the version with
# its four related lists took five queries and most of the page's CPU. Each process keeps the versions it
# read, under the catalogue's *generation*: a token in the shared cache (Redis in production) that every
# change of a catalogue row or of an agency (whose names the pages show) replaces, at once and again when
# its transaction commits (a reader between the two cannot keep what it read before the commit). Which
# version is in force at a moment is still asked of the database each time (one query on one column), so a
# version published or retired for a later moment takes over exactly then. Read-only pages only: a write
# (filing a dossier) reads the version itself (procedure_version_current).
_GENERATION_KEY = "catalogue:generation"
_SHARED_MAX = 512
_shared: dict[tuple[int, str], ProcedureVersion] = {}
_shared_lock = threading.Lock()


def catalogue_cache_clear() -> None:
    """Forget the copies of every process (a new generation in the shared cache) and of this one."""
    cache.set(_GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    with _shared_lock:
        _shared.clear()


def catalogue_changed(**_: Any) -> None:
    """The receiver of the catalogue's and the agencies' saves and deletes (connected in the app's ready)."""
    catalogue_cache_clear()
    transaction.on_commit(catalogue_cache_clear)


def _generation() -> str:
    found = cache.get(_GENERATION_KEY)
    if found is None:
        cache.add(_GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        found = cache.get(_GENERATION_KEY)
    # a cache that keeps nothing: a token of its own each time, so nothing is reused
    return str(found) if found is not None else uuid.uuid4().hex


def procedure_version_current_shared(*, procedure: Procedure, at: datetime) -> ProcedureVersion:
    """:func:`procedure_version_current` for read-only pages: the same version, joined the same way, from
    this process's copy when the catalogue did not change since it was read. The object is shared between
    requests: never change it. Raises ``ProcedureVersion.DoesNotExist`` like the original."""
    pks = list(
        _in_force(ProcedureVersion.objects.order_by(), procedure=procedure, at=at).values_list("pk", flat=True)[:2]
    )
    if len(pks) != 1:
        return procedure_version_current(procedure=procedure, at=at)  # its DoesNotExist / MultipleObjectsReturned
    key = (pks[0], _generation())
    found = _shared.get(key)
    if found is None:
        found = procedure_version_queryset().get(pk=pks[0])
        with _shared_lock:
            if len(_shared) >= _SHARED_MAX:
                _shared.clear()
            _shared[key] = found
    return found


def procedure_version_published(*, procedure: Procedure) -> ProcedureVersion | None:
    """The version published now (the latest), joined; ``None`` when the procedure has only drafts."""
    return procedure_version_queryset().filter(procedure=procedure, status=VersionStatus.PUBLISHED).first()


def procedure_list_published() -> QuerySet[Procedure]:
    """Procedures that have a version in force, with their field."""
    published = ProcedureVersion.objects.filter(procedure=OuterRef("pk"), status=VersionStatus.PUBLISHED)
    return Procedure.objects.filter(Exists(published)).select_related("field").order_by("field__name", "name")


def procedure_get(*, code: str) -> Procedure:
    """A procedure by national code (raises ``Procedure.DoesNotExist``)."""
    return Procedure.objects.select_related("field").get(code=code)


def procedure_search(*, text: str) -> QuerySet[Procedure]:
    """Published procedures whose code, name or field match every word of ``text``, ignoring diacritics and case.

    "giay phep xay dung" finds "Cấp giấy phép xây dựng ..."; names containing the whole phrase come first.
    """
    query = fold(text)
    words = query.split()
    queryset = procedure_list_published()
    if not words:
        return queryset
    for word in words:
        queryset = queryset.filter(Q(search_key__contains=word) | Q(field__search_key__contains=word))
    return queryset.annotate(
        rank=Case(When(search_key__contains=query, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("rank", "name")


def field_list() -> QuerySet[Field]:
    return Field.objects.order_by("name")


def version_to_spec(version: ProcedureVersion) -> ProcedureSpec:
    """The JSON form (spec) of a stored version, the inverse of what ``procedure_draft_save`` writes."""
    procedure = version.procedure
    return ProcedureSpec(
        code=procedure.code,
        code_status=procedure.code_status,
        code_source=procedure.code_source,
        name=version.name,
        field=version.field.code,
        levels=tuple(version.levels),
        applicant_types=tuple(version.applicant_types),
        service_type=version.service_type,
        processing_time=version.processing_time,
        processing_time_unit=version.processing_time_unit,
        processing_time_note=version.processing_time_note,
        processing_time_cutoff=version.processing_time_cutoff,
        result_document_type=version.result_document_type,
        result_document_name=version.result_document_name,
        result_valid_months=version.result_valid_months,
        legal_basis=tuple(version.legal_basis),
        competent_agencies=tuple(
            CompetentAgencySpec(agency=item.agency.code, note=item.note)
            if item.agency is not None
            else CompetentAgencySpec(level=item.level, kind=item.agency_kind, note=item.note)
            for item in version.competent_agencies.all()
        ),
        steps=tuple(
            StepSpec(
                name=step.name,
                responsible=step.responsible,
                agency=step.agency.code if step.agency is not None else "",
                label=step.responsible_label,
                staff_role=step.staff_role,
                duration_hours=step.duration_hours,
                inter_agency=step.is_inter_agency,
            )
            for step in version.steps.all()
        ),
        documents=tuple(
            DocumentSpec(
                name=document.name,
                document_type=document.document_type_code,
                mandatory=document.mandatory,
                copies=document.copies,
                form_template=document.form_template,
                note=document.note,
            )
            for document in version.documents.all()
        ),
        fees=tuple(
            FeeSpec(
                kind=fee.kind,
                name=fee.name,
                amount=int(fee.amount) if fee.amount is not None else None,
                table=tuple((str(row["label"]), int(row["amount"])) for row in fee.amount_table),
                description=fee.description,
                exemptions=fee.exemptions,
                legal_basis=fee.legal_basis,
            )
            for fee in version.fees.all()
        ),
        note=version.note,
    )


def catalogue_export(*, at: datetime | None = None) -> dict[str, Any]:
    """The catalogue as JSON (``docs/catalogue.schema.json``): the version in force of every procedure.

    With ``at`` the versions in force at that moment, otherwise the published ones. Importing the result
    changes nothing; importing it into another database reproduces the same content. Each procedure
    carries read-only ``published`` metadata (version number and date) that the importer ignores.
    """
    versions = procedure_version_queryset().order_by("procedure__code")
    if at is None:
        versions = versions.filter(status=VersionStatus.PUBLISHED)
    else:
        versions = versions.filter(
            status__in=[VersionStatus.PUBLISHED, VersionStatus.RETIRED], published_at__lte=at
        ).filter(Q(retired_at__isnull=True) | Q(retired_at__gt=at))
    procedures = []
    used_fields: dict[str, Field] = {}
    for version in versions:
        item = version_to_spec(version).to_json()
        assert version.published_at is not None  # published and retired versions have a date (constraint)
        item["published"] = {"version": version.number, "published_at": version.published_at.isoformat()}
        procedures.append(item)
        used_fields[version.field.code] = version.field
    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "fields": [{"code": field.code, "name": field.name} for field in sorted(used_fields.values(), key=_code)],
        "procedures": procedures,
    }


def _code(field: Field) -> str:
    return field.code
