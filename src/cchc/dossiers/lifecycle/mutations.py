"""The transitions' mutations: what each action changes, as writes of the executor's batch
(``ctx.writes``: sent with the audit event and the outbox row in the transaction's last round trip).

Each sets the locked dossier's new state (through the shared rules, ``cchc.dossiers.rules``), queues its
rows, and fills ``ctx.details`` (the audit event's details), ``ctx.event_details`` (the outbox event's,
``cchc.dossiers.events.TOPIC_DETAILS``) and ``ctx.result`` (what the service returns; the dossier by
default). They run after every check: nothing here refuses.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Max

from cchc.calendars.selectors import working_calendar
from cchc.dossiers import rules
from cchc.dossiers.constants import DossierStatus, PaymentChannel, ResultStatus, StepStatus
from cchc.dossiers.executor_db import Writes
from cchc.dossiers.lifecycle.catalogue import receive_writes, uploads_store
from cchc.dossiers.models import (
    Dossier,
    DossierDocument,
    DossierStep,
    Extension,
    Handover,
    Payment,
    ResultDocument,
    SupplementRequest,
)

if TYPE_CHECKING:
    from cchc.dossiers.executor import Context

_CLOSE_OPEN_STEPS_SQL = (
    f'UPDATE "{DossierStep._meta.db_table}" SET "status" = %s WHERE "dossier_id" = %s AND "status" IN (%s, %s)'
)
_SKIP_PENDING_SQL = f'UPDATE "{DossierStep._meta.db_table}" SET "status" = %s WHERE "dossier_id" = %s AND "status" = %s'


def hand_over(
    *,
    dossier: Dossier,
    step: DossierStep,
    next_step: DossierStep | None,
    giver: AbstractBaseUser,
    receiver: AbstractBaseUser | None,
    at: Any,
    note: str,
    writes: Writes,
) -> Handover:
    """Complete ``step`` and start ``next_step``, the first pending one (assigned to ``receiver``), or
    none when the result goes to the applicant; record the hand-over (form 06 line)."""
    step.status = StepStatus.DONE
    step.completed_at = at
    writes.update(step, ["status", "completed_at"])
    if next_step is not None:
        next_step.status = StepStatus.ACTIVE
        next_step.started_at = at
        next_step.assignee_id = receiver.pk if receiver is not None else None
        writes.update(next_step, ["status", "started_at", "assignee"])
    handover = Handover(
        dossier=dossier,
        step=step,
        giver_id=giver.pk,
        giver_agency_id=step.agency_id,
        receiver_id=receiver.pk if receiver is not None and next_step is not None else None,
        receiver_agency_id=next_step.agency_id if next_step is not None else None,
        at=at,
        deadline=step.deadline,
        outcome=rules.handover_outcome(at, step.deadline),
        note=note[:500],
    )
    writes.insert(handover)
    return handover


def _close_open_steps(ctx: Context) -> None:
    ctx.writes.statement(
        _CLOSE_OPEN_STEPS_SQL,
        [StepStatus.SKIPPED.value, ctx.dossier.pk, StepStatus.ACTIVE.value, StepStatus.PENDING.value],
    )


def receive(ctx: Context) -> None:
    """Give the code, set the appointment, copy the steps and fees (``catalogue.receive_writes``); the
    files of an identified applicant go to their data store (:func:`uploads_to_store`)."""
    assert ctx.actor is not None
    receive_writes(ctx.dossier, actor=ctx.actor, at=ctx.at, writes=ctx.writes)
    stored = uploads_to_store(ctx)
    if stored:
        ctx.details = {"stored": stored}


def uploads_to_store(ctx: Context, *, documents: list[DossierDocument] | None = None) -> list[dict[str, Any]]:
    """The components an identified applicant uploaded online, accepted by the reception, go to their data
    store (``cchc.records``, source ``uploaded``, the component's document type), each component then
    pointing at its stored copy. ``documents``: the supplement's new components, handed in after reception
    (RESUBMIT_SUPPLEMENT: their rows are still queued in ``ctx.writes``, so the link to the stored copy is
    set on the row before it is sent); None: the dossier's uploaded components not yet stored (RECEIVE).
    The same rules for both: the same owner, document type, source and source dossier.

    legal: Nghị định 45/2020/NĐ-CP Điều 25 (the electronic dossier accepted by the agency is kept in the data
    store of the person it concerns) and Thông tư 01/2023/TT-VPCP Điều 24 (reused by later dossiers). Only a
    dossier filed online by an applicant signed in with their electronic identity (``applicant_identity``
    set): only then is the id number known to be theirs, so a typed-in number never fills another person's
    store. Files without a document type are stored as ``giay-to-khac`` (never offered for a typed line).

    Where: inside the RECEIVE transition's own transaction (not an outbox subscriber): the component and its
    stored copy are written or rolled back together, the stored files are deleted by the executor if the
    transaction fails (``ctx.written``), and RECEIVE runs once per dossier ("Mới đăng ký" only) and skips a
    component already linked: never lost, never duplicated.
    """
    from cchc.common.uploads import field_file_read
    from cchc.dossiers.constants import Channel, DocumentSource, IdentityLevel
    from cchc.records.constants import RecordsError, StoredSource
    from cchc.records.services import owner_kind_of, stored_document_store

    d = ctx.dossier
    if d.channel != Channel.ONLINE or d.applicant_identity == IdentityLevel.NONE:
        return []
    try:
        owner_kind_of(d.applicant_id_number)
    except RecordsError:
        return []
    if documents is None:
        rows = DossierDocument.objects.filter(
            dossier_id=d.pk, source=DocumentSource.UPLOAD, stored_document__isnull=True
        ).exclude(file="")
        documents = list(rows.order_by("order"))
    listed = []
    for document in documents:
        data = field_file_read(document.file, document.name)  # gone from the store: storage.missing, no change
        stored = stored_document_store(
            owner_id_number=d.applicant_id_number,
            document_type_code=document.document_type_code or "giay-to-khac",
            name=document.name,
            data=data,
            content_type=document.content_type or "application/octet-stream",
            extension=(document.extension or ".bin").lstrip("."),
            source=StoredSource.UPLOADED,
            at=ctx.at,
            actor=ctx.actor,
            source_dossier_id=d.pk,
            source_dossier_code=d.code,
        )
        ctx.written.append(stored.file.name)
        document.stored_document = stored
        if document.pk is not None:  # a queued insert (a supplement's row) is sent with the link already set
            ctx.writes.update(document, ["stored_document"])
        listed.append({"document": document.name, "stored": stored.pk, "sha256": stored.sha256})
    return listed


def refuse(ctx: Context) -> None:
    d = ctx.dossier
    d.status, d.ended_at, d.end_reason = DossierStatus.REFUSED, ctx.at, ctx.params["reason"]
    ctx.writes.update(d, ["status", "ended_at", "end_reason"])
    ctx.event_details = {"reason": d.end_reason}


def request_supplement(ctx: Context) -> None:
    d, at = ctx.dossier, ctx.at
    before_reception = d.status == DossierStatus.NEW
    reason = ctx.params["reason"]
    assert ctx.actor is not None
    ctx.writes.insert(
        SupplementRequest(
            dossier=d, requested_at=at, requested_by_id=ctx.actor.pk, reason=reason, before_reception=before_reception
        )
    )
    rules.supplement_requested(d, before_reception=before_reception)
    ctx.writes.update(d, ["status", "resume_status", "supplement_count", "is_late"])
    ctx.details = {"reason": reason}
    if before_reception:
        ctx.details["before_reception"] = True
    ctx.event_details = {"reason": reason, "before_reception": before_reception}


def resubmit_supplement(ctx: Context) -> None:
    d, at = ctx.dossier, ctx.at
    request: SupplementRequest = ctx.scratch["request"]
    paused = 0
    calendar = working_calendar(agency=d.competent_agency)
    if not request.before_reception:
        paused = calendar.working_seconds_between(request.requested_at, at)
    request.resumed_at = at
    request.paused_seconds = paused
    ctx.writes.update(request, ["resumed_at", "paused_seconds"])
    open_steps = [s for s in (ctx.active, *ctx.pending_steps) if s is not None]
    rules.supplement_resumed(d, paused=paused, calendar=calendar, open_steps=open_steps)
    if paused and d.due_at is not None:
        for step in open_steps:
            ctx.writes.update(step, ["deadline"])
    ctx.writes.update(d, ["status", "resume_status", "paused_seconds", "due_at", "statutory_due_at"])
    ctx.details = {"paused": paused}
    ctx.event_details = {"paused_seconds": paused}
    uploads = ctx.scratch["uploads"]
    if uploads:
        first = (d.documents.aggregate(n=Max("order"))["n"] or 0) + 1
        rows: list[DossierDocument] = []
        ctx.details["documents"] = uploads_store(
            d, uploads, at=at, written=ctx.written, first=first, writes=ctx.writes, rows_out=rows
        )
        if not request.before_reception:  # before reception they go to the store at RECEIVE, if accepted
            stored = uploads_to_store(ctx, documents=rows)
            if stored:
                ctx.details["stored"] = stored


def complete_step(ctx: Context) -> None:
    d, step = ctx.dossier, ctx.active
    assert step is not None
    assert ctx.actor is not None
    handover = hand_over(
        dossier=d,
        step=step,
        next_step=ctx.next_pending,
        giver=ctx.actor,
        receiver=ctx.params.get("receiver"),
        at=ctx.at,
        note=ctx.params.get("note", ""),
        writes=ctx.writes,
    )
    if d.status != DossierStatus.IN_PROCESS:
        d.status = DossierStatus.IN_PROCESS
        ctx.writes.update(d, ["status"])
    ctx.details = {"step": step.order, "outcome": handover.outcome, "receiver_id": handover.receiver_id}
    ctx.event_details = {"step": step.order, "outcome": handover.outcome}
    ctx.result = handover


def request_financial_obligation(ctx: Context) -> None:
    d = ctx.dossier
    lines = ctx.scratch["lines"]
    for order, amount in (ctx.params.get("amounts") or {}).items():
        lines[order].amount = amount
        ctx.writes.update(lines[order], ["amount"])
    rules.obligation_requested(d)
    ctx.writes.update(d, ["status", "resume_status"])
    ctx.details = {"due": ctx.scratch["due"], "paid": ctx.scratch["paid"]}
    ctx.event_details = dict(ctx.details)


def record_payment(ctx: Context) -> None:
    from cchc.dossiers.lifecycle.preconditions import _paid

    d, p = ctx.dossier, ctx.params
    channel = PaymentChannel(p["channel"])
    paid_before = _paid(ctx)
    payment = Payment(
        dossier=d,
        amount=p["amount"],
        channel=channel,
        paid_at=ctx.at,
        receipt_number=p["receipt_number"],
        recorded_by_id=ctx.actor.pk if ctx.actor is not None else None,
    )
    ctx.writes.insert(payment)
    paid = paid_before + p["amount"]
    if ctx.paid is not None:  # read with the lock (``reads_fees`` on PostgreSQL)
        due = ctx.due or Decimal(0)
    else:
        due = sum((a for a in d.fee_lines.order_by().values_list("amount", flat=True) if a is not None), Decimal(0))
    if rules.payment_recorded(d, due=due, paid=paid):
        ctx.writes.update(d, ["status", "resume_status"])
    ctx.details = {"amount": p["amount"], "channel": channel.value, "receipt_number": p["receipt_number"], "paid": paid}
    ctx.event_details = dict(ctx.details)
    ctx.result = payment


def apologise_extend(ctx: Context) -> None:
    d = ctx.dossier
    assert ctx.actor is not None
    assert d.due_at is not None
    extension = Extension(
        dossier=d,
        at=ctx.at,
        actor_id=ctx.actor.pk,
        previous_due_at=d.due_at,
        new_due_at=ctx.params["new_due_at"],
        reason=ctx.params["reason"],
    )
    ctx.writes.insert(extension)
    d.due_at = extension.new_due_at
    ctx.writes.update(d, ["due_at"])
    ctx.details = {"reason": extension.reason}
    ctx.event_details = {
        "reason": extension.reason,
        "previous_due_at": extension.previous_due_at,
        "new_due_at": extension.new_due_at,
    }
    ctx.result = extension


def mark_processed(ctx: Context) -> None:
    d, step = ctx.dossier, ctx.active
    if step is not None and ctx.next_pending is not None:
        assert ctx.actor is not None
        hand_over(
            dossier=d,
            step=step,
            next_step=ctx.next_pending,
            giver=ctx.actor,
            receiver=ctx.params.get("receiver"),
            at=ctx.at,
            note="Đã xử lý xong",
            writes=ctx.writes,
        )
    d.status = DossierStatus.PROCESSED
    d.processed_at = ctx.at
    d.is_late = rules.late_at_end(d, ctx.at)
    ctx.writes.update(d, ["status", "processed_at", "is_late"])


def return_result(ctx: Context) -> None:
    d, step = ctx.dossier, ctx.active
    if step is not None:
        assert ctx.actor is not None
        hand_over(
            dossier=d,
            step=step,
            next_step=None,
            giver=ctx.actor,
            receiver=None,
            at=ctx.at,
            note=ctx.params.get("note", ""),
            writes=ctx.writes,
        )
    if ctx.pending:  # steps never reached: not carried out (the ones read with the lock)
        ctx.writes.statement(_SKIP_PENDING_SQL, [StepStatus.SKIPPED.value, d.pk, StepStatus.PENDING.value])
    d.status = DossierStatus.RETURNED
    d.returned_at = ctx.at
    ctx.writes.update(d, ["status", "returned_at"])


def withdraw(ctx: Context) -> None:
    d = ctx.dossier
    _close_open_steps(ctx)
    d.status, d.ended_at, d.end_reason = DossierStatus.WITHDRAWN, ctx.at, str(ctx.params.get("reason", "")).strip()
    ctx.writes.update(d, ["status", "ended_at", "end_reason"])
    ctx.event_details = {"reason": d.end_reason}


def stop(ctx: Context) -> None:
    d = ctx.dossier
    waiting = d.supplements.filter(resumed_at__isnull=True).values_list("requested_at", flat=True).first()
    _close_open_steps(ctx)
    d.status, d.ended_at, d.end_reason = DossierStatus.STOPPED, ctx.at, ctx.params["reason"]
    d.is_late = rules.late_at_end(d, rules.end_of_processing(ctx.at, waiting_since=waiting))
    ctx.writes.update(d, ["status", "ended_at", "end_reason", "is_late"])
    ctx.event_details = {"reason": d.end_reason}


_REPLACE_RESULTS_SQL = (
    f'UPDATE "{ResultDocument._meta.db_table}" SET "status" = %s, "ended_at" = %s '
    'WHERE "dossier_id" = %s AND "status" IN (%s, %s, %s)'
)


def attach_result(ctx: Context) -> None:
    """Store the result PDF (through Django's storage API) as a new :class:`ResultDocument` waiting for
    its signature, with a random verification token; the results attached before it and not yet returned
    are replaced (not by an electronic certified copy, see :func:`_certified_copy`). The outbox subscriber
    ``dossiers.results.sign`` signs it after the commit."""
    import secrets

    from django.core.files.base import ContentFile

    d = ctx.dossier
    assert ctx.actor is not None
    token = secrets.token_urlsafe(24)
    template, number = "", ""
    certification = year = None
    if "result_draft" in ctx.scratch:
        template, number = _result_generate(ctx, token)
    if "certify" in ctx.scratch:
        certification, year = _certified_copy(ctx)
    data: bytes = ctx.scratch["result_pdf"]
    # a certified copy replaces nothing: each is an entry of the certification register, valid on its own
    # (one request may ask for copies of several originals, or several copies of one)
    if certification is None:
        ctx.writes.statement(
            _REPLACE_RESULTS_SQL,
            [
                ResultStatus.REPLACED.value,
                ctx.at,
                d.pk,
                ResultStatus.PENDING.value,
                ResultStatus.SIGNED.value,
                ResultStatus.FAILED.value,
            ],
        )
    row = ResultDocument(
        dossier=d,
        title=ctx.params["title"],
        status=ResultStatus.PENDING,
        token=token,
        agency_id=d.competent_agency_id,
        original_sha256=ctx.scratch["result_sha256"],
        size=len(data),
        attached_at=ctx.at,
        attached_by_id=ctx.actor.pk,
        template=template,
        number=number,
        certification_number=certification,
        certification_year=year,
    )
    row.original.save(f"{token}.pdf", ContentFile(data), save=False)
    ctx.written.append(row.original.name)
    ctx.writes.insert(row)
    ctx.details = {"title": row.title, "sha256": row.original_sha256, "size": row.size}
    if template:
        ctx.details.update(template=template, number=number)
    if certification is not None:
        ctx.details["certification_number"] = f"{certification}/{year}"
    ctx.event_details = {"title": row.title}
    ctx.result = row


def _result_generate(ctx: Context, token: str) -> tuple[str, str]:
    """Number the result in the competent agency's register (NĐ 30/2020 Điều 15) and render it from its
    template (``cchc.dossiers.results.drafting``); the bytes go on as an uploaded PDF's would."""
    import hashlib

    from cchc.dossiers.results.drafting import TYPE_CODES, result_render
    from cchc.org.selectors import signature_lines
    from cchc.org.services import document_register_issue

    d = ctx.dossier
    draft, signatory, day = ctx.scratch["result_draft"]
    agency = d.competent_agency
    lines = signature_lines(agency=agency, position=signatory.position, head_position=signatory.head_position)
    entry = document_register_issue(
        agency=agency,
        on=day,
        type_code=TYPE_CODES[draft.template],
        subject=draft.title,
        signer_name=signatory.full_name,
        signer_title="\n".join(lines),
        reference=f"ket-qua:{token}",
        actor=ctx.actor,
        at=ctx.at,
    )
    data = result_render(
        dossier=d, draft=draft, number=entry.number_text, on=day, signer_lines=lines, signer_name=entry.signer_name
    )
    ctx.scratch["result_pdf"] = data
    ctx.scratch["result_sha256"] = hashlib.sha256(data).hexdigest()
    return draft.template.value, entry.number_text


def revoke_result(ctx: Context) -> None:
    """Mark the result revoked (when, by whom, why) and withdraw its copy from the applicant's data store
    (``cchc.records``: no longer offered for reuse; the file is kept). The dossier's status does not change."""
    from cchc.records.models import StoredDocument
    from cchc.records.services import stored_document_withdraw

    assert ctx.actor is not None
    result: ResultDocument = ctx.scratch["revoked"]
    reason = ctx.params["reason"]
    result.status, result.ended_at = ResultStatus.REVOKED, ctx.at
    result.revoked_reason, result.revoked_by_id = reason, ctx.actor.pk
    ctx.writes.update(result, ["status", "ended_at", "revoked_reason", "revoked_by"])
    kept = StoredDocument.objects.filter(
        source_dossier_id=ctx.dossier.pk, sha256=result.signed_sha256, withdrawn_at__isnull=True
    ).first()
    if kept is not None:
        stored_document_withdraw(
            kept, at=ctx.at, reason=f"Kết quả bị thu hồi: {reason}"[:500], actor=ctx.actor, audited_by_caller=True
        )
    ctx.details = {
        "result": result.pk,
        "title": result.title,
        "reason": reason,
        "store_withdrawn": kept.pk if kept is not None else None,
    }
    ctx.event_details = {"title": result.title, "reason": reason}
    ctx.result = result


def _certified_copy(ctx: Context) -> tuple[int, int]:
    """An electronic certified copy (``cchc.dossiers.results.certified``): take the next number of the
    competent agency's certification register of the year (locked until the commit: gapless), lay out the
    scan and the certification page, and hand the PDF to :func:`attach_result` like an uploaded result."""
    import hashlib

    from cchc.dossiers.results.certified import Statement, certification_number_next, certified_copy_pdf

    assert ctx.actor is not None
    scan, content_type, name = ctx.scratch["certify"]
    number, year = certification_number_next(agency_id=ctx.dossier.competent_agency_id, at=ctx.at)
    officer = ctx.actor.get_full_name() if hasattr(ctx.actor, "get_full_name") else ""
    data = certified_copy_pdf(
        dossier=ctx.dossier,
        scan=scan,
        content_type=content_type,
        statement=Statement(
            number=number, year=year, at=ctx.at, document=name, officer=officer or ctx.actor.get_username()
        ),
    )
    ctx.scratch["result_pdf"] = data
    ctx.scratch["result_sha256"] = hashlib.sha256(data).hexdigest()
    return number, year


def digitise_document(ctx: Context) -> None:
    """Issue the digitisation result code (prefix: the receiving unit's code, the dossier code's own), store
    the scan in the data store of the person it concerns (``cchc.records``, source ``digitised``) and link it
    from the component. The stored file is deleted if the transaction fails."""
    from cchc.dossiers.codes import receiving_unit_code, reception_day
    from cchc.records.constants import StoredSource
    from cchc.records.services import digitisation_code_next, stored_document_store

    d = ctx.dossier
    data, checked, document, owner = ctx.scratch["scan"]
    prefix = receiving_unit_code(d.receiving_agency, day=reception_day(ctx.at))
    code = digitisation_code_next(prefix=prefix, at=ctx.at)
    stored = stored_document_store(
        owner_id_number=owner,
        document_type_code=document.document_type_code or "giay-to-khac",
        name=document.name,
        data=data,
        content_type=checked.content_type,
        extension=checked.extension.lstrip("."),
        source=StoredSource.DIGITISED,
        at=ctx.at,
        actor=ctx.actor,
        issuing_body=str(ctx.params.get("issuing_body") or ""),
        issued_on=ctx.params.get("issued_on"),
        valid_until=ctx.params.get("valid_until"),
        digitisation_code=code,
        source_dossier_id=d.pk,
        source_dossier_code=d.code,
    )
    ctx.written.append(stored.file.name)
    document.stored_document = stored
    ctx.writes.update(document, ["stored_document"])
    ctx.details = {"document": document.name, "digitisation_code": code, "sha256": stored.sha256}
    ctx.event_details = {"document": document.pk, "digitisation_code": code}
    ctx.result = stored


def record_paper(ctx: Context) -> None:
    """Add the paper handed in at the counter as a component of the dossier (source ``paper``, next order,
    recorded by the desk officer), ready to be digitised (``digitise_document``)."""
    from cchc.dossiers.constants import DocumentSource
    from cchc.dossiers.models import DossierDocument

    line, name, copies = ctx.scratch["paper"]
    last = DossierDocument.objects.filter(dossier_id=ctx.dossier.pk).aggregate(m=Max("order"))["m"] or 0
    document = DossierDocument(
        dossier=ctx.dossier,
        required_document=line,
        order=last + 1,
        name=name,
        document_type_code=line.document_type_code if line is not None else "",
        source=DocumentSource.PAPER,
        copies=copies,
        recorded_at=ctx.at,
        recorded_by_id=ctx.actor.pk if ctx.actor is not None else None,
    )
    ctx.writes.insert(document)
    ctx.details = {"document": name, "order": document.order, "copies": copies}
    ctx.event_details = {"order": document.order, "name": name, "copies": copies}
    ctx.result = document
