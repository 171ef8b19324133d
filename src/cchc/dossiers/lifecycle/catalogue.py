"""What reception copies from the catalogue (the version in force, its competent agencies, steps,
fees and documents), the new dossier's checks, the reception's writes, and the documents an applicant
or an officer adds (uploaded files checked by content, the desk's paper checklist)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files import File
from django.db import connection

from cchc.calendars.selectors import working_calendar
from cchc.catalogue.constants import StepResponsible, VersionStatus
from cchc.catalogue.models import CompetentAgency, FeeItem, Procedure, ProcedureStep, ProcedureVersion, RequiredDocument
from cchc.common.uploads import CheckedUpload, field_file_save
from cchc.dossiers.addresses import address_fields
from cchc.dossiers.codes import dossier_code, dossier_code_next, receiving_unit_code, reception_day
from cchc.dossiers.constants import (
    Channel,
    DocumentSource,
    DossierError,
    DossierErrorCode,
    DossierStatus,
    StepStatus,
)
from cchc.dossiers.executor_db import Writes, from_row, select_sql
from cchc.dossiers.lifecycle.applicants import Applicant, PaperDocument, check_at, invalid
from cchc.dossiers.models import Dossier, DossierDocument, DossierStep, FeeLine
from cchc.dossiers.uploads import upload_check
from cchc.org.models import Agency

VERSION_IN_FORCE_SQL = select_sql(
    ProcedureVersion,
    "procedure_id = %s AND status IN (%s, %s) AND published_at <= %s AND (retired_at IS NULL OR retired_at > %s)",
)
NEXT_DOSSIER_ID_SQL = f"SELECT nextval(pg_get_serial_sequence('{Dossier._meta.db_table}', 'id'))"


@dataclass(frozen=True)
class Templates:
    """What reception copies from a version: its competent agencies, steps, fees and documents, in order."""

    competent: tuple[CompetentAgency, ...]
    steps: tuple[ProcedureStep, ...]
    fees: tuple[FeeItem, ...]
    documents: tuple[RequiredDocument, ...]


_cache: dict[tuple[int, datetime], Templates] = {}


def templates(version: ProcedureVersion) -> Templates:
    """The version's competent agencies, steps, fees and documents, kept per process.

    performance: only a version in force (published or retired) reaches here, and a published version
    is frozen (catalogue: only drafts change), so its rows never change once read; the key holds the
    creation moment so that a row id reused after a rolled-back transaction (SQLite) is a new entry.
    """
    assert version.status != VersionStatus.DRAFT  # drafts change: never cached
    key = (version.pk, version.created_at)
    cached = _cache.get(key)
    if cached is None:
        cached = Templates(
            competent=tuple(version.competent_agencies.order_by("order")),
            steps=tuple(version.steps.order_by("order")),
            fees=tuple(version.fees.order_by("order")),
            documents=tuple(version.documents.order_by("order")),
        )
        if len(_cache) >= 5000:
            _cache.clear()
        _cache[key] = cached
    return cached


def version_statement(procedure: Procedure, at: datetime) -> tuple[str, list[Any]]:
    """The read of :func:`version_for`, as ``(sql, params)`` for a batch of reads (``executor_db.Reads``)."""
    published = [VersionStatus.PUBLISHED.value, VersionStatus.RETIRED.value]
    moment = connection.ops.adapt_datetimefield_value(at)
    return VERSION_IN_FORCE_SQL, [procedure.pk, *published, moment, moment]


def version_for(procedure: Procedure, at: datetime, rows: list[tuple[Any, ...]] | None = None) -> ProcedureVersion:
    """The version in force at ``at``: the rule of ``catalogue.selectors.procedure_version_current``,
    without its joins (reception takes the steps and fees from :func:`_templates`). ``rows``: those of
    :func:`version_statement` when the caller already read them; by default read here."""
    if rows is None:
        sql, params = version_statement(procedure, at)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
    if not rows:
        raise DossierError(
            DossierErrorCode.VERSION_NOT_IN_FORCE,
            f"Thủ tục {procedure.code} không có phiên bản đang áp dụng vào thời điểm nộp hồ sơ.",
        )
    if len(rows) > 1:
        raise ProcedureVersion.MultipleObjectsReturned(f"{len(rows)} versions of {procedure.code} in force at {at}")
    version = from_row(ProcedureVersion, rows[0])
    version.procedure = procedure
    return version


def check_competent(version: ProcedureVersion, agency: Agency, at: datetime) -> None:
    """The agency must be valid on the day and listed (by name, or by level and kind) for the version."""
    day = reception_day(at)
    if not agency.is_valid_on(day):
        raise DossierError(
            DossierErrorCode.AGENCY_NOT_COMPETENT,
            f"{agency} không còn (hoặc chưa có) hiệu lực vào ngày {day:%d/%m/%Y}.",
        )
    for row in templates(version).competent:
        if row.agency_id == agency.pk or (
            not row.agency_id and row.agency_kind == agency.kind and row.level == agency.level
        ):
            return
    raise DossierError(
        DossierErrorCode.AGENCY_NOT_COMPETENT,
        f"{agency} không phải cơ quan có thẩm quyền giải quyết thủ tục «{version.name}».",
    )


def new_dossier(
    *,
    procedure: Procedure,
    applicant: Applicant,
    channel: Channel,
    receiving_agency: Agency,
    competent_agency: Agency,
    assisted_at: Agency | None,
    at: datetime,
    version_rows: list[tuple[Any, ...]] | None = None,
) -> Dossier:
    """The dossier to save (not saved), after the checks every new dossier passes, with the unit its
    applicant's address belongs to today (``dossiers.addresses``; no read of the database); ``version_rows``:
    the rows of :func:`version_statement` when the caller read them with its other reads."""
    check_at(at)
    applicant = applicant.validated(require_phone=channel == Channel.ONLINE)
    version = version_for(procedure, at, version_rows)
    check_competent(version, competent_agency, at)
    for agency in (receiving_agency, assisted_at):
        if agency is not None and not agency.is_valid_on(reception_day(at)):
            raise invalid(f"{agency} không còn (hoặc chưa có) hiệu lực vào ngày {reception_day(at):%d/%m/%Y}.")
    return Dossier(
        procedure_version=version,
        status=DossierStatus.NEW,
        channel=channel,
        **applicant.dossier_fields(),
        # issue 18 item 3: the unit in force today beside the address as written (every creation path: the
        # portal, the counter, the staff API)
        **address_fields(applicant.address),
        assisted_at=assisted_at,
        receiving_agency=receiving_agency,
        competent_agency=competent_agency,
        submitted_at=at,
    )


def receive_writes(
    dossier: Dossier,
    *,
    actor: AbstractBaseUser,
    at: datetime,
    writes: Writes,
    number: int | None = None,
    calendar_version: int | None = None,
) -> None:
    """Give the code, set the appointment; the dossier's row (inserted when new, else updated), its
    steps and fee lines copied from the version join ``writes`` (the caller sends them with the
    audit event). ``number`` and ``calendar_version``: the dossier number taken and the calendar
    version read by the caller (:func:`dossier_receive_counter`); by default both are read here.

    A new dossier needs its id before the writes are built (its steps and fee lines point to it):
    given by the caller (PostgreSQL: taken from the sequence with the reads) or by saving it now."""
    version = dossier.procedure_version
    day = reception_day(at)
    unit_code = receiving_unit_code(dossier.receiving_agency, day=day)
    if number is None:
        dossier.code = dossier_code_next(unit_code=unit_code, day=day)
    else:
        dossier.code = dossier_code(unit_code=unit_code, day=day, number=number)
    dossier.status = DossierStatus.RECEIVED
    dossier.received_at = at
    dossier.received_by_id = actor.pk
    calendar = working_calendar(agency=dossier.competent_agency, version=calendar_version)
    # legal: the appointment counts the statutory time in the procedure's unit from reception (working
    # days or hours, calendar days, or within the day with its cut-off: WorkingCalendar.add_time); a
    # dossier received outside working time counts from the next working moment.
    dossier.due_at = calendar.add_time(
        at,
        amount=version.processing_time,
        unit=version.processing_time_unit,
        cutoff=version.processing_time_cutoff,
    )
    dossier.original_due_at = dossier.statutory_due_at = dossier.due_at
    if not dossier._state.adding:
        writes.update(
            dossier, ["code", "status", "received_at", "received_by", "due_at", "original_due_at", "statutory_due_at"]
        )
    elif dossier.pk is not None:
        writes.insert(dossier)
    else:
        dossier.save()
    agencies = {
        StepResponsible.RECEIVING: dossier.receiving_agency_id,
        StepResponsible.COMPETENT: dossier.competent_agency_id,
    }
    deadline = at
    first = True
    for template in templates(version).steps:
        deadline = calendar.add_working_hours(deadline, template.duration_hours)
        writes.insert(
            DossierStep(
                dossier=dossier,
                order=template.order,
                name=template.name,
                agency_id=template.agency_id or agencies[StepResponsible(template.responsible)],
                staff_role=template.staff_role,
                duration_hours=template.duration_hours,
                is_inter_agency=template.is_inter_agency,
                deadline=deadline,
                status=StepStatus.ACTIVE if first else StepStatus.PENDING,
                assignee_id=actor.pk if first else None,
                started_at=at if first else None,
            )
        )
        first = False
    for item in templates(version).fees:
        amount = item.amount
        table_amounts = {row.get("amount") for row in item.amount_table or [] if isinstance(row, dict)}
        if amount is None and len(table_amounts) == 1:
            # a table with a single amount (e.g. 0 for every case) is no real choice
            amount = Decimal(str(next(iter(table_amounts))))
        writes.insert(FeeLine(dossier=dossier, order=item.order, kind=item.kind, name=item.name, amount=amount))


def mandatory_documents_check(absent: Iterable[RequiredDocument], message: str) -> None:
    """Refuse (``dossier.documents_missing``) when a mandatory catalogue document is among ``absent``;
    ``message`` gets the quoted names in place of ``{}``."""
    missing = [d.name for d in absent if d.mandatory]
    if missing:
        raise DossierError(DossierErrorCode.DOCUMENTS_MISSING, message.format("; ".join(f"«{n}»" for n in missing)))


def paper_documents_check(
    version: ProcedureVersion, documents: Iterable[PaperDocument] | None, *, reused: Iterable[int] = ()
) -> list[tuple[RequiredDocument, int]]:
    """The ticked checklist against the version's documents: known lines, sane copies, nothing mandatory
    missing. ``reused``: the lines (catalogue document ids) taken from the data store instead of a paper
    (once-only, TT 01/2023/TT-VPCP Điều 24): present, and a paper ticked for one of them is not recorded."""
    lines = {d.pk: d for d in templates(version).documents}
    from_store = set(reused)
    chosen: dict[int, int] = {}
    for paper in documents or ():
        if paper.required_document_id not in lines:
            raise invalid("Giấy tờ đã đánh dấu không thuộc thành phần hồ sơ của thủ tục này.")
        if not 1 <= paper.copies <= 99:
            raise invalid("Số bản của mỗi giấy tờ phải từ 1 đến 99.")
        if paper.required_document_id not in from_store:
            chosen[paper.required_document_id] = paper.copies
    mandatory_documents_check(
        [d for d in lines.values() if d.pk not in chosen and d.pk not in from_store],
        "Thiếu giấy tờ bắt buộc: {}. Chưa đủ thành phần hồ sơ thì chưa tiếp nhận.",
    )
    return sorted(((lines[pk], copies) for pk, copies in chosen.items()), key=lambda item: item[0].order)


def paper_documents_store(
    dossier: Dossier,
    papers: list[tuple[RequiredDocument, int]],
    *,
    actor: AbstractBaseUser,
    at: datetime,
    writes: Writes,
) -> None:
    for n, (document, copies) in enumerate(papers, start=1):
        writes.insert(
            DossierDocument(
                dossier=dossier,
                required_document=document,
                order=n,
                name=document.name,
                document_type_code=document.document_type_code,
                source=DocumentSource.PAPER,
                copies=copies,
                recorded_at=at,
                recorded_by_id=actor.pk,
            )
        )


def supplement_files_check(
    version: ProcedureVersion, files: Mapping[int, Any]
) -> list[tuple[RequiredDocument, CheckedUpload]]:
    """The files an applicant hands in with a supplement (by catalogue document order): known lines,
    each file's content, size and type checked; none is mandatory (the request says what is missing)."""
    lines = {d.order: d for d in templates(version).documents}
    present = {order: file for order, file in files.items() if file is not None}
    limit = int(getattr(settings, "CCHC_UPLOAD_MAX_FILES", 20))
    if len(present) > limit:
        raise invalid(f"Mỗi lần bổ sung đính kèm tối đa {limit} tệp.")
    if any(order not in lines for order in present):
        raise invalid("Tệp đính kèm không ứng với thành phần hồ sơ nào của thủ tục này.")
    return [(lines[order], upload_check(file=present[order], label=lines[order].name)) for order in sorted(present)]


def uploads_check(
    version: ProcedureVersion, files: Mapping[int, Any], *, reused: Iterable[int] = ()
) -> list[tuple[RequiredDocument, CheckedUpload]]:
    """The files (by catalogue document order) against the version's documents: known lines, every
    mandatory one present (a file, or a document reused from the data store: the orders ``reused``), each
    file's content, size and type checked (``cchc.dossiers.uploads``)."""
    lines = {d.order: d for d in templates(version).documents}
    files = {**{order: None for order in reused}, **files}
    limit = int(getattr(settings, "CCHC_UPLOAD_MAX_FILES", 20))
    present = {order: file for order, file in files.items() if file is not None}
    if len(present) > limit:
        raise invalid(f"Mỗi hồ sơ đính kèm tối đa {limit} tệp.")
    if any(order not in lines for order in present):
        raise invalid("Tệp đính kèm không ứng với thành phần hồ sơ nào của thủ tục này.")
    mandatory_documents_check(
        [d for d in lines.values() if d.order not in present and d.order not in set(reused)],
        "Thiếu thành phần hồ sơ bắt buộc: {}.",
    )
    return [(lines[order], upload_check(file=present[order], label=lines[order].name)) for order in sorted(present)]


def uploads_store(
    dossier: Dossier,
    uploads: list[tuple[RequiredDocument, CheckedUpload]],
    *,
    at: datetime,
    written: list[str],
    writes: Writes,
    first: int = 1,
    rows_out: list[DossierDocument] | None = None,
) -> list[dict[str, Any]]:
    """Write the checked files to storage (names from ``_document_path``, never the applicant's) and queue
    their rows in ``writes``, numbered from ``first``; append each stored name to ``written`` so the
    executor deletes them if the transaction fails. ``rows_out``: the queued rows are appended to it (the
    supplement then stores them in the applicant's data store, ``mutations.uploads_to_store``)."""
    rows = []
    for n, (document, upload) in enumerate(uploads, start=first):
        row = DossierDocument(
            dossier=dossier,
            required_document=document,
            order=n,
            name=document.name,
            document_type_code=document.document_type_code,
            source=DocumentSource.UPLOAD,
            copies=1,
            original_name=upload.original_name,
            content_type=upload.content_type,
            extension=upload.extension,
            size=upload.size,
            sha256=upload.sha256,
            recorded_at=at,
        )
        content = upload.file if isinstance(upload.file, File) else File(upload.file)
        written.append(field_file_save(row.file, upload.extension, content))
        rows.append(row)
        writes.insert(row)
    if rows_out is not None:
        rows_out.extend(rows)
    return [
        {"name": row.name, "file": row.original_name, "size": row.size, "sha256": row.sha256, "type": row.content_type}
        for row in rows
    ]


def reuse_check(
    version: ProcedureVersion, reused: Mapping[int, int], *, owner_id_number: str, at: datetime
) -> list[tuple[RequiredDocument, Any]]:
    """The stored documents chosen instead of uploads (catalogue document order -> stored document id),
    each checked: a line of this version, a document of the signed-in person online, or of the applicant whose
    id number the desk recorded at the counter (``owner_id_number``), of the line's document type, not
    withdrawn, not superseded, not expired on the day of ``at``.

    legal: Thông tư 01/2023/TT-VPCP Điều 24 and Nghị định 45/2020/NĐ-CP Điều 25 (a component already in
    the person's data store and still valid is not asked for again); NĐ 13/2023 (only the person's own data).
    Refused (``dossier.stored_document_not_usable``), nothing written."""
    from cchc.records.models import StoredDocument
    from cchc.records.selectors import usable

    if not reused:
        return []
    lines = {d.order: d for d in templates(version).documents}
    if any(order not in lines for order in reused):
        raise invalid("Giấy tờ dùng lại không ứng với thành phần hồ sơ nào của thủ tục này.")
    day = reception_day(at)
    found = {
        s.pk: s
        for s in StoredDocument.objects.filter(
            usable(on=day), pk__in=list(reused.values()), owner_id_number=owner_id_number
        )
    }
    chosen = []
    for order in sorted(reused):
        line, stored = lines[order], found.get(reused[order])
        if stored is None or stored.document_type_code != line.document_type_code:
            raise DossierError(
                DossierErrorCode.STORED_DOCUMENT_NOT_USABLE,
                f"Giấy tờ trong kho dữ liệu chọn cho «{line.name}» không dùng được (không phải của người nộp, "
                "đã hết hiệu lực, đã được thay thế, bị thu hồi hoặc không được chấp nhận). "
                "Vui lòng nộp bản giấy hoặc tải tệp lên.",
            )
        chosen.append((line, stored))
    return chosen


def reused_store(
    dossier: Dossier, chosen: list[tuple[RequiredDocument, Any]], *, at: datetime, writes: Writes, first: int
) -> list[dict[str, Any]]:
    """Queue the components reused from the data store (source ``reused``, pointing at the stored document;
    no file copied), numbered from ``first``."""
    rows = []
    for n, (line, stored) in enumerate(chosen, start=first):
        writes.insert(
            DossierDocument(
                dossier=dossier,
                required_document=line,
                order=n,
                name=line.name,
                document_type_code=line.document_type_code,
                source=DocumentSource.REUSED,
                copies=1,
                content_type=stored.content_type,
                size=stored.size,
                sha256=stored.sha256,
                stored_document_id=stored.pk,
                recorded_at=at,
            )
        )
        rows.append({"name": line.name, "reused": stored.pk, "sha256": stored.sha256})
    return rows
