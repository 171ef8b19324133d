"""The dossier lifecycle's services: one function per action of ``cchc.dossiers.transitions.TABLE``,
plus the submission (online, or created and received at the counter) and the rating.

Every service runs through the one executor (``cchc.dossiers.executor``), which:

- runs in one transaction and locks the dossier row first, so two officers acting at once take turns
  and the second sees the status the first left (exactly one wins);
- checks the locked status against the transition table and refuses with
  ``DossierError(dossier.invalid_transition)`` otherwise;
- checks that an officer acts for the relevant agency in a suitable role on the day of ``at``
  (``cchc.dossiers.policies``, ``cchc.accounts`` memberships); ``actor=None`` is the applicant
  (online) where the table allows it;
- runs the entry's preconditions (``cchc.dossiers.lifecycle.preconditions``), then its mutation
  (``cchc.dossiers.lifecycle.mutations``);
- writes exactly one audit event (``dossier.<action>``) with the state before and after, and the
  domain event to the outbox (``cchc.dossiers.events``), in the same transaction;
- changes nothing when it refuses (every check runs before the first write).

Legal basis: Nghị định 118/2025/NĐ-CP (one-stop-shop mechanism) and Thông tư 03/2025/TT-VPCP (forms
01-07); the lateness rules follow QĐ 766/QĐ-TTg as the national portal applies them (domain-vn §2.5,
``cchc.dossiers.rules``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser

from cchc.calendars.selectors import calendar_version_statement
from cchc.catalogue.models import Procedure
from cchc.dossiers import executor, transitions
from cchc.dossiers.codes import dossier_number_statement, receiving_unit_code, reception_day
from cchc.dossiers.constants import (
    Action,
    Channel,
    DossierError,
    DossierErrorCode,
    DossierStatus,
    PaymentChannel,
    RatingCriterion,
    RatingLevel,
)
from cchc.dossiers.executor_db import Reads, Writes
from cchc.dossiers.lifecycle.applicants import SNAPSHOT_FIELDS, Applicant, PaperDocument, check_at, invalid
from cchc.dossiers.lifecycle.catalogue import (
    NEXT_DOSSIER_ID_SQL,
    new_dossier,
    paper_documents_check,
    paper_documents_store,
    receive_writes,
    reuse_check,
    reused_store,
    uploads_check,
    uploads_store,
    version_statement,
)
from cchc.dossiers.models import Dossier, DossierDocument, DossierRating, Extension, Handover, Payment, ResultDocument
from cchc.dossiers.rules import EXTENSION_LEAD_DAYS, end_of_processing
from cchc.org.models import Agency
from cchc.records.models import StoredDocument

__all__ = [
    "EXTENSION_LEAD_DAYS",
    "SNAPSHOT_FIELDS",
    "Applicant",
    "PaperDocument",
    "end_of_processing",
]


# --- submission and reception -------------------------------------------------------------------


def dossier_submit_online(
    *,
    procedure: Procedure,
    applicant: Applicant,
    receiving_agency: Agency,
    competent_agency: Agency,
    at: datetime,
    assisted_at: Agency | None = None,
) -> Dossier:
    """An applicant files a dossier online: status "Mới đăng ký" (sync code 1), no code or clock yet.

    The version in force at ``at`` is kept for the dossier's whole life. The competent agency must be
    one the version names (or of its level and kind); the receiving desk may lie anywhere in the
    province (NĐ 118/2025: reception regardless of administrative boundary). Audit: ``dossier.submit``;
    outbox: ``dossier.submitted`` (``transitions.SUBMIT``).
    """
    return _submit(
        procedure=procedure,
        applicant=applicant,
        receiving_agency=receiving_agency,
        competent_agency=competent_agency,
        at=at,
        assisted_at=assisted_at,
        files=None,
    )


def _submit(
    *,
    procedure: Procedure,
    applicant: Applicant,
    receiving_agency: Agency,
    competent_agency: Agency,
    at: datetime,
    assisted_at: Agency | None,
    files: Mapping[int, Any] | None,
    reused: Mapping[int, int] | None = None,
    reuser_id_number: str = "",
) -> Dossier:
    def build(reads: Reads) -> Any:
        def then(rows: list[list[tuple[Any, ...]]]) -> executor.Context:
            dossier = new_dossier(
                procedure=procedure,
                applicant=applicant,
                channel=Channel.ONLINE,
                receiving_agency=receiving_agency,
                competent_agency=competent_agency,
                assisted_at=assisted_at,
                at=at,
            )
            ctx = executor.Context(
                transition=transitions.SUBMIT, dossier=dossier, actor=None, at=at, params={}, writes=Writes()
            )
            if files is not None:
                receiving_unit_code(receiving_agency)  # refuses (dossier.no_unit_code) a desk that gives no code
                chosen = reuse_check(dossier.procedure_version, reused or {}, owner_id_number=reuser_id_number, at=at)
                uploads = uploads_check(dossier.procedure_version, files, reused=(reused or {}).keys())

                def store(ctx: executor.Context) -> None:
                    documents = uploads_store(dossier, uploads, at=at, written=ctx.written, writes=ctx.writes)
                    documents += reused_store(dossier, chosen, at=at, writes=ctx.writes, first=len(uploads) + 1)
                    ctx.details = {"documents": documents}

                ctx.scratch["store"] = store
            dossier.save()
            return ctx

        return then

    return executor.create(transitions.SUBMIT, actor=None, at=at, build=build).dossier


def dossier_receive_counter(
    *,
    procedure: Procedure,
    applicant: Applicant,
    receiving_agency: Agency,
    competent_agency: Agency,
    actor: AbstractBaseUser,
    at: datetime,
    channel: Channel = Channel.IN_PERSON,
    assisted_at: Agency | None = None,
    documents: Iterable[PaperDocument] | None = None,
    reused: Mapping[int, int] | None = None,
) -> Dossier:
    """A reception officer receives a paper (in person or postal) dossier: created and received at once.

    Once-only at the counter (TT 01/2023/TT-VPCP Điều 24; issue 16 item 5): ``reused`` maps a catalogue
    document's order to a document of the applicant's data store (owner: ``applicant.id_number``) chosen
    instead of the paper; checked and recorded exactly as online (``catalogue.reuse_check`` /
    ``reused_store``: source ``reused``, pointing at the stored document, no file copied); a reused line
    counts as present in the checklist (a paper ticked for the same line is not recorded). Refused:
    ``dossier.stored_document_not_usable``, nothing written.

    legal: the receipt slip (form 01, TT 03/2025) carries the code and the appointment; a dossier is
    received only when its composition is complete (NĐ 118/2025 Điều 16-17). ``documents`` is the
    checklist the officer ticked: every mandatory catalogue document must be in it, and it is stored
    with the dossier. ``None`` (bulk and programmatic callers) records no checklist. The officer must
    hold the reception role at the receiving agency. Audit: one ``dossier.receive`` event; outbox:
    ``dossier.received`` with ``status_before`` null (``transitions.RECEIVE_COUNTER``).

    performance: every read of the reception in one round trip on PostgreSQL (with BEGIN): the
    officer's memberships, the version in force, the calendar version, the day's dossier number and
    the new dossier's id. The number is taken before the checks: a refusal rolls it back (gapless).
    """
    if channel == Channel.ONLINE:
        raise invalid("Hồ sơ trực tuyến được nộp qua cổng dịch vụ công rồi mới tiếp nhận.")
    check_at(at)
    day = reception_day(at)
    try:
        unit_code: str | None = receiving_unit_code(receiving_agency, day=day)
    except DossierError:
        unit_code = None  # refused below, in its turn (receive_writes)

    def build(reads: Reads) -> Any:
        version_at = reads.add(*version_statement(procedure, at))
        calendar_at = reads.add(*calendar_version_statement())
        number_at = reads.add_batched(*dossier_number_statement(unit_code=unit_code, day=day)) if unit_code else None
        id_at = reads.add_batched(NEXT_DOSSIER_ID_SQL, [])

        def then(rows: list[list[tuple[Any, ...]]]) -> executor.Context:
            dossier = new_dossier(
                procedure=procedure,
                applicant=applicant,
                channel=channel,
                receiving_agency=receiving_agency,
                competent_agency=competent_agency,
                assisted_at=assisted_at,
                at=at,
                version_rows=rows[version_at],
            )
            chosen = reuse_check(
                dossier.procedure_version, reused or {}, owner_id_number=dossier.applicant_id_number, at=at
            )
            reused_lines = {line.pk for line, _ in chosen}
            papers = (
                paper_documents_check(dossier.procedure_version, documents, reused=reused_lines)
                if documents is not None or chosen
                else None
            )
            if id_at is not None:
                dossier.pk = int(rows[id_at][0][0])
            ctx = executor.Context(
                transition=transitions.RECEIVE_COUNTER, dossier=dossier, actor=actor, at=at, params={}, writes=Writes()
            )
            receive_writes(
                dossier,
                actor=actor,
                at=at,
                writes=ctx.writes,
                number=int(rows[number_at][0][0]) if number_at is not None else None,
                calendar_version=int(rows[calendar_at][0][0]) if rows[calendar_at] else 0,
            )
            if papers is not None:
                paper_documents_store(dossier, papers, actor=actor, at=at, writes=ctx.writes)
                listed: list[dict[str, Any]] = [{"name": d.name, "copies": c} for d, c in papers]
                listed += reused_store(dossier, chosen, at=at, writes=ctx.writes, first=len(papers) + 1)
                ctx.details = {"documents": listed}
            return ctx

        return then

    stand_in = Dossier(receiving_agency=receiving_agency, competent_agency=competent_agency)
    ctx = executor.create(
        transitions.RECEIVE_COUNTER,
        actor=actor,
        at=at,
        build=build,
        agencies=[receiving_agency],
        stand_in=stand_in,
    )
    return ctx.dossier


def dossier_receive(*, dossier: Dossier, actor: AbstractBaseUser, at: datetime) -> Dossier:
    """Receive an online dossier ("Mới đăng ký" -> "Được tiếp nhận"): code, appointment, steps, fees.

    The statutory clock starts at ``at`` (next working moment when outside office hours).
    Audit: ``dossier.receive``.
    """
    return executor.run(
        Action.RECEIVE,
        dossier=dossier,
        actor=actor,
        at=at,
    )


def dossier_refuse(*, dossier: Dossier, actor: AbstractBaseUser, at: datetime, reason: str) -> Dossier:
    """Refuse to receive a dossier, with the reason (form 03, TT 03/2025); also one the desk sent back
    for completion before reception that the applicant did not complete. Audit: ``dossier.refuse``."""
    return executor.run(
        Action.REFUSE,
        dossier=dossier,
        actor=actor,
        at=at,
        reason=reason,
    )


def dossier_complete_step(
    *,
    dossier: Dossier,
    actor: AbstractBaseUser,
    at: datetime,
    receiver: AbstractBaseUser | None = None,
    note: str = "",
) -> Handover:
    """Complete the active step and hand the dossier to the next one (form 06 line); status "Đang xử lý".

    The giver must act for the step's agency; the receiver, when named, must act for the next step's
    agency (the hand-over is then assigned to them). The outcome compares ``at`` with the step's
    deadline. Audit: ``dossier.complete_step``.
    """
    return executor.run(
        Action.COMPLETE_STEP,
        dossier=dossier,
        actor=actor,
        at=at,
        receiver=receiver,
        note=note,
    )


def dossier_request_supplement(*, dossier: Dossier, actor: AbstractBaseUser, at: datetime, reason: str) -> Dossier:
    """Ask the applicant to supplement the dossier (form 02): the clock pauses until they resubmit.

    legal (QĐ 766 as applied by the national portal): a second supplement request on the same dossier
    makes it late, whatever the dates ("request supplements only once").

    Before reception (an online dossier "Mới đăng ký"): only the receiving desk asks (NĐ 118/2025
    Điều 16: the desk asks for the missing or incomplete documents; form 02 of TT 03/2025). No clock
    runs yet, so nothing pauses and the request is not one of processing (``supplement_count`` and
    the indicators ignore it); completed, the dossier returns to the desk's queue as "Mới đăng ký".
    Audit: ``dossier.request_supplement``.
    """
    return executor.run(
        Action.REQUEST_SUPPLEMENT,
        dossier=dossier,
        actor=actor,
        at=at,
        reason=reason,
    )


def dossier_resubmit_supplement(
    *, dossier: Dossier, actor: AbstractBaseUser | None, at: datetime, files: Mapping[int, Any] | None = None
) -> Dossier:
    """The applicant hands in the supplement: the clock resumes and every open deadline moves.

    The paused working time (request -> resubmission, office hours only) is added to the appointment
    and to the deadlines of the steps not yet done. ``actor=None``: the applicant online; otherwise a
    reception officer of the receiving agency. ``files`` (catalogue document order -> file, checked
    by content as at submission) are added to the dossier's components. A supplement asked before
    reception pauses nothing (no clock ran) and returns the dossier to "Mới đăng ký", back in the
    desk's queue. Audit: ``dossier.resubmit_supplement``.
    """
    return executor.run(
        Action.RESUBMIT_SUPPLEMENT,
        dossier=dossier,
        actor=actor,
        at=at,
        files=files,
    )


def dossier_request_financial_obligation(
    *,
    dossier: Dossier,
    actor: AbstractBaseUser,
    at: datetime,
    amounts: Mapping[int, Decimal] | None = None,
) -> Dossier:
    """Ask the applicant to pay the dossier's fees ("Yêu cầu thực hiện nghĩa vụ tài chính", sync code 6).

    ``amounts`` fixes fee lines (by their order) whose amount depends on the case. Refused while a line
    is still undetermined or when nothing remains to pay. Full payment returns the dossier to the
    status it left. Audit: ``dossier.request_financial_obligation``.
    """
    return executor.run(
        Action.REQUEST_FINANCIAL_OBLIGATION,
        dossier=dossier,
        actor=actor,
        at=at,
        amounts=amounts,
    )


def dossier_record_payment(
    *,
    dossier: Dossier,
    actor: AbstractBaseUser | None,
    at: datetime,
    amount: Decimal,
    channel: PaymentChannel,
    receipt_number: str,
    joined: Sequence[executor.Joined] = (),
) -> Payment:
    """Record a payment towards the dossier's fees; paying in full ends a financial-obligation request.

    ``actor=None`` only for the online gateway (its callback, ``cchc.payments``); a counter or bank
    payment is recorded by a reception officer or clerk of the receiving agency. A receipt number is
    recorded once per dossier (idempotency: a repeated gateway callback is refused, not doubled).
    ``joined``: the caller's own rows written with the payment (the gateway's order and callback log).
    Audit: ``dossier.record_payment``.
    """
    channel = PaymentChannel(channel)
    return executor.run(
        Action.RECORD_PAYMENT,
        dossier=dossier,
        actor=actor,
        at=at,
        joined=joined,
        amount=amount,
        channel=channel,
        receipt_number=receipt_number,
    )


def dossier_apologise_extend(
    *, dossier: Dossier, actor: AbstractBaseUser, at: datetime, new_due_at: datetime, reason: str
) -> Extension:
    """Apologise and give the applicant one new, later appointment (form 04, TT 03/2025/TT-VPCP).

    legal: NĐ 61/2018/NĐ-CP Điều 19 khoản 1 điểm c, as amended by NĐ 107/2021/NĐ-CP and carried into
    NĐ 118/2025/NĐ-CP: the competent agency of a dossier that will be late sends the applicant an
    apology with the reason and a new appointment, at the latest :data:`EXTENSION_LEAD_DAYS` day before
    the deadline's day (else ``dossier.extension_too_late``), and the appointment is given again no
    more than once (else ``dossier.extension_repeated``). The new appointment must be later than the
    statutory one (``dossier.extension_not_later``).

    Invariant: the extension never makes a late dossier on time. ``due_at`` (the appointment the
    applicant holds, the work queues' order) takes the new date; ``statutory_due_at``, against which
    QĐ 766 and ``is_late`` judge lateness, does not move; ``original_due_at`` (form 01) stays.
    Audit: ``dossier.apologise_extend``.
    """
    check_at(new_due_at)
    return executor.run(
        Action.APOLOGISE_EXTEND,
        dossier=dossier,
        actor=actor,
        at=at,
        new_due_at=new_due_at,
        reason=reason,
    )


def dossier_mark_processed(
    *, dossier: Dossier, actor: AbstractBaseUser, at: datetime, receiver: AbstractBaseUser | None = None
) -> Dossier:
    """The result is ready ("Đã xử lý xong", sync code 9): the end of processing for the national index.

    The active step is handed over to the next one (usually the return of the result at the desk).
    ``is_late`` is set when ``at`` is after the appointment in force or after a second supplement
    request (QĐ 766). Audit: ``dossier.mark_processed``.
    """
    return executor.run(
        Action.MARK_PROCESSED,
        dossier=dossier,
        actor=actor,
        at=at,
        receiver=receiver,
    )


def dossier_return_result(*, dossier: Dossier, actor: AbstractBaseUser, at: datetime, note: str = "") -> Dossier:
    """Hand the result to the applicant ("Đã trả kết quả", sync code 10).

    Refused while the fees fixed on the dossier are not paid in full, and while an electronic result
    attached to it waits for its digital signature (``dossier.result_not_signed``). The active step is closed with a
    hand-over to the applicant; steps never reached are marked as not carried out.
    Audit: ``dossier.return_result``.
    """
    return executor.run(
        Action.RETURN_RESULT,
        dossier=dossier,
        actor=actor,
        at=at,
        note=note,
    )


def dossier_attach_result(
    *,
    dossier: Dossier,
    actor: AbstractBaseUser,
    at: datetime,
    title: str,
    file: Any = None,
    template: str = "",
    content: str = "",
    valid_until: date | None = None,
) -> ResultDocument:
    """The competent agency attaches the electronic result (a PDF: ``file``, an uploaded file or bytes)
    of a dossier under processing or processed; it waits for the agency's digital signature, made after
    the commit by the outbox subscriber ``dossiers.results.sign`` (issue 16 item 1). A result attached
    earlier and not yet returned is replaced. The status does not change.

    Instead of a file, ``template`` (``ResultTemplate``: giay-phep, giay-chung-nhan, van-ban-tra-loi) with
    ``content`` (and ``valid_until``) generates the PDF (``cchc.dossiers.results.drafting``), numbered in the
    competent agency's register; then it goes on exactly as an uploaded one.

    Refused (nothing stored, no number taken) when the file is not a PDF, is encrypted or cannot be read
    (``dossier.result_file_rejected``), a template without content or with a bad validity
    (``dossier.invalid_input``), no signatory recorded for the agency
    (``dossier.result_template_unavailable``). Audit: ``dossier.attach_result``.
    """
    return executor.run(
        Action.ATTACH_RESULT,
        dossier=dossier,
        actor=actor,
        at=at,
        title=title,
        file=file,
        template=template,
        content=content,
        valid_until=valid_until,
    )


def dossier_revoke_result(
    *, dossier: Dossier, actor: AbstractBaseUser, at: datetime, reason: str, result: int | None = None
) -> ResultDocument:
    """The competent agency's leader revokes a signed electronic result of a returned dossier (``result``:
    its id; by default the one in force), with a reason printed on the verification page; its copy in the
    applicant's data store is withdrawn (issue 16). The dossier's status does not change.

    Refused, nothing written: no reason (``dossier.invalid_input``), no signed result in force
    (``dossier.result_not_revocable``). Audit: ``dossier.revoke_result``; outbox ``dossier.result_revoked``.
    """
    return executor.run(Action.REVOKE_RESULT, dossier=dossier, actor=actor, at=at, reason=reason, result=result)


def dossier_certify_copy(
    *, dossier: Dossier, actor: AbstractBaseUser, at: datetime, document: int, name: str = ""
) -> ResultDocument:
    """The competent agency (the commune's People's Committee) issues the electronic certified copy of the
    original that the desk digitised as component ``document`` (its id): the same ``attach_result`` action
    as any electronic result, the PDF being the scan followed by the certification page with the next
    number of the agency's certification register of the year (``cchc.dossiers.results.certified``: legal
    basis, who certifies). It is signed after the commit by ``dossiers.results.sign`` and kept in the
    applicant's data store. The status does not change. ``name``: the paper's own name as read on the
    original (printed in the certification statement; empty: the component's name). A certified copy
    replaces no earlier result: each is an entry of the register.

    Refused, nothing written (``dossier.copy_not_certifiable``): a dossier of another procedure, a component
    of another dossier or not digitised, a scan that cannot be read. Audit: ``dossier.attach_result`` (its
    details carry the certification number).
    """
    return executor.run(
        Action.ATTACH_RESULT, dossier=dossier, actor=actor, at=at, title=name, file=None, certify_document=document
    )


def dossier_digitise_document(
    *,
    dossier: Dossier,
    actor: AbstractBaseUser,
    at: datetime,
    document: int,
    file: Any,
    issuing_body: str = "",
    issued_on: date | None = None,
    valid_until: date | None = None,
    owner_id_number: str = "",
) -> StoredDocument:
    """The receiving desk digitises the paper component ``document`` (its id) of a received dossier: the scan
    ``file`` (PDF, JPEG or PNG by content) is stored in the data store of the person it concerns
    (``owner_id_number``, by default the applicant's) with a digitisation result code, and linked from the
    component (TT 01/2023/TT-VPCP Điều 4-5). The status does not change.

    Refused, nothing written: a component of another dossier, not a paper, already digitised
    (``dossier.document_not_digitisable``); a scan of another type (``dossier.upload_type_not_allowed``), too
    large (``dossier.upload_too_large``), a bad date or owner (``dossier.invalid_input``).
    Audit: ``dossier.digitise_document``; outbox ``dossier.document_digitised``.
    """
    return executor.run(
        Action.DIGITISE_DOCUMENT,
        dossier=dossier,
        actor=actor,
        at=at,
        document=document,
        file=file,
        issuing_body=issuing_body,
        issued_on=issued_on,
        valid_until=valid_until,
        owner_id_number=owner_id_number,
    )


def dossier_record_paper(
    *,
    dossier: Dossier,
    actor: AbstractBaseUser,
    at: datetime,
    required_document: int | None = None,
    name: str = "",
    copies: int = 1,
) -> DossierDocument:
    """The receiving desk records a paper the applicant hands in at the counter for a component of a received
    dossier (``required_document``: the catalogue line's id; or ``name`` for an extra paper), e.g. the
    original of an identity paper shown at the counter for an online dossier, which has no paper component
    otherwise. The paper becomes a component (source ``paper``) that ``dossier_digitise_document`` then
    digitises (NĐ 118/2025/NĐ-CP; TT 01/2023/TT-VPCP Điều 4-5). The status does not change.

    Refused, nothing written: a line of another procedure, no line and no name, copies not 1-20
    (``dossier.invalid_input``); the same paper recorded and not yet digitised
    (``dossier.paper_already_recorded``). Audit: ``dossier.record_paper``; outbox ``dossier.paper_recorded``.
    """
    return executor.run(
        Action.RECORD_PAPER,
        dossier=dossier,
        actor=actor,
        at=at,
        required_document=required_document,
        name=name,
        copies=copies,
    )


def counter_reuse_offers(
    *, type_codes: Iterable[str], id_number: str, officer: AbstractBaseUser, at: datetime
) -> dict[str, StoredDocument]:
    """Once-only at the counter (TT 01/2023/TT-VPCP Điều 24; issue 16 item 5): the usable stored documents of
    the person whose id number (or tax code) the receiving officer typed, for the procedure's document types
    ``type_codes``, keyed by type (the same ``records.selectors.reusable_for`` as online). Each document shown
    to the officer is logged (``StoredDocumentAccess``: who, when; NĐ 13/2023/NĐ-CP Điều 27), as any opening
    of the store: the one write of this look-up. An id number that is no personal identification number nor
    tax code: nothing (no look-up). Who may look up is the caller's check (an officer of a receiving desk:
    the console's reception form and ``/api/reception/offers/``)."""
    from cchc.records.constants import RecordsError
    from cchc.records.selectors import reusable_for
    from cchc.records.services import owner_kind_of, stored_document_access_log

    id_number = (id_number or "").strip()
    try:
        owner_kind_of(id_number)
    except RecordsError:
        return {}
    offers = reusable_for(owner_id_number=id_number, type_codes=type_codes, on=reception_day(at))
    for stored in offers.values():
        stored_document_access_log(stored, at=at, user=officer)
    return offers


def dossier_document_reject(
    *, dossier: Dossier, order: int, actor: AbstractBaseUser, at: datetime, reason: str
) -> StoredDocument:
    """An officer marks the stored document behind the component ``order`` of ``dossier`` (reused from the
    data store, digitised, or an accepted upload) as not acceptable, with a reason (issue 16 item 5).

    Who: :func:`cchc.dossiers.policies.may_reject_stored_document` (``dossier.not_permitted`` otherwise).
    What changes: the stored document only (``records.services.stored_document_reject``: withdrawn from
    reuse, the reason shown to its owner, audited ``records.reject`` with the dossier's code). The dossier
    row does not change, so this is no transition: the component keeps pointing at the copy it was received
    with (the record of what was handed in) and is shown «Không được chấp nhận» with the reason; the paper
    or file it now needs is asked for by the one way a dossier asks for it, ``REQUEST_SUPPLEMENT`` (form 02,
    the console offers it next). Refused, nothing written: a component without a stored copy
    (``dossier.document_not_digitisable``), no reason (``dossier.invalid_input``), already marked
    (``dossier.stored_document_not_usable``).
    """
    from cchc.dossiers import policies
    from cchc.dossiers.models import DossierDocument, DossierStep
    from cchc.records.constants import RecordsError, RecordsErrorCode
    from cchc.records.services import stored_document_reject

    steps = list(DossierStep.objects.filter(dossier_id=dossier.pk))
    if not policies.may_reject_stored_document(
        actor, dossier, active_step=policies.active_step_of(steps), on=reception_day(at)
    ):
        raise DossierError(
            DossierErrorCode.NOT_PERMITTED,
            "Chỉ cán bộ được yêu cầu bổ sung hồ sơ này mới đánh dấu giấy tờ không được chấp nhận.",
        )
    document = (
        DossierDocument.objects.select_related("stored_document").filter(dossier_id=dossier.pk, order=order).first()
    )
    if document is None or document.stored_document is None:
        raise DossierError(DossierErrorCode.DOCUMENT_NOT_DIGITISABLE, "Thành phần này không có bản trong kho dữ liệu.")
    try:
        return stored_document_reject(
            document.stored_document, actor=actor, at=at, reason=reason, dossier_code=dossier.code or str(dossier.pk)
        )
    except RecordsError as exc:
        code = DossierErrorCode.INVALID_INPUT
        if exc.code == RecordsErrorCode.NOT_USABLE:
            code = DossierErrorCode.STORED_DOCUMENT_NOT_USABLE
        raise DossierError(code, exc.message) from None


def dossier_withdraw(*, dossier: Dossier, actor: AbstractBaseUser | None, at: datetime, reason: str = "") -> Dossier:
    """The applicant withdraws the dossier ("Công dân yêu cầu rút hồ sơ", sync code 7).

    ``actor=None``: the applicant online; otherwise a reception officer records the written request.
    Withdrawal counts as the end of processing for the national index. Audit: ``dossier.withdraw``.
    """
    return executor.run(
        Action.WITHDRAW,
        dossier=dossier,
        actor=actor,
        at=at,
        reason=reason,
    )


def dossier_stop(*, dossier: Dossier, actor: AbstractBaseUser, at: datetime, reason: str) -> Dossier:
    """Stop processing, with the reason ("Dừng xử lý", form 05 of TT 03/2025, sync code 8).

    Only the competent agency's specialist or leader stops a dossier; lateness is judged as at any end
    (QĐ 766), at :func:`end_of_processing`: a dossier stopped while waiting for a supplement the
    applicant never brought ended when the supplement was requested, not when it was stopped.
    Audit: ``dossier.stop``.
    """
    return executor.run(
        Action.STOP,
        dossier=dossier,
        actor=actor,
        at=at,
        reason=reason,
    )


# --- citizen portal -----------------------------------------------------------------------------


def dossier_apply_online(
    *,
    procedure: Procedure,
    applicant: Applicant,
    receiving_agency: Agency,
    competent_agency: Agency,
    files: Mapping[int, Any],
    at: datetime,
    assisted_at: Agency | None = None,
    reused: Mapping[int, int] | None = None,
    reuser_id_number: str = "",
) -> Dossier:
    """An applicant files a dossier online with its components as files: "Mới đăng ký", no code yet.

    Once-only (TT 01/2023/TT-VPCP Điều 24; issue 16 item 5): ``reused`` maps a catalogue document's order to
    a document of the data store chosen instead of a file; only for a citizen signed in with their electronic
    identity (``reuser_id_number``: their id number, the stored documents' owner); each must be of the
    line's document type and usable (``dossier.stored_document_not_usable``). The component is recorded with
    source ``reused`` pointing at the stored document (no file copied).

    ``files`` maps the catalogue document's order to the uploaded file. Every mandatory component must be
    there (``dossier.documents_missing``); each file is checked by its content (PDF, JPEG, PNG, .docx),
    its size (``CCHC_UPLOAD_MAX_BYTES``) and hashed before anything is written. Until citizen login
    arrives the applicant gives ID number, phone and email (both required online). The receiving desk
    must be able to give a dossier code later (it has an administrative unit).

    legal: NĐ 45/2020/NĐ-CP (administrative procedures by electronic means) Điều 9-11; reception
    regardless of boundary within the province (NĐ 118/2025). Audit: one ``dossier.submit`` event whose
    details list the documents (name, file name, size, SHA-256); outbox: ``dossier.submitted``.

    Storage: files are written last, inside the transaction; if the service fails after writing, they
    are deleted (the executor). If a caller's outer transaction rolls back after this returns, the
    written files stay as unreferenced orphans under ``dossiers/<id>/`` (content-addressed names, never
    served).
    """
    if not applicant.email.strip():
        raise invalid("Hồ sơ nộp trực tuyến cần địa chỉ thư điện tử để nhận thông báo.")
    return _submit(
        procedure=procedure,
        applicant=applicant,
        receiving_agency=receiving_agency,
        competent_agency=competent_agency,
        at=at,
        assisted_at=assisted_at,
        files=files,
        reused=reused if reuser_id_number else None,
        reuser_id_number=reuser_id_number,
    )


def _not_returned(dossier: Dossier) -> DossierError:
    return DossierError(
        DossierErrorCode.INVALID_TRANSITION,
        "Chỉ đánh giá được sau khi hồ sơ đã trả kết quả "
        f"(trạng thái hiện tại: «{DossierStatus(dossier.status).label}»).",
    )


def _rated_once(ctx: executor.Context) -> None:
    """legal: QĐ 766 indicator 5.4 counts one rating per dossier."""
    if DossierRating.objects.filter(dossier_id=ctx.dossier.pk).exists():
        raise DossierError(
            DossierErrorCode.ALREADY_RATED, "Hồ sơ này đã được đánh giá; mỗi hồ sơ chỉ đánh giá một lần."
        )


def _rating_valid(ctx: executor.Context) -> None:
    """The levels and criteria are those of QĐ 766 (RatingLevel, RatingCriterion); a comment of at most
    2,000 characters; not before the result was returned."""
    p = ctx.params
    if p["level"] not in RatingLevel.values:
        raise invalid("Vui lòng chọn mức độ hài lòng chung.")
    for key, value in p["criteria"].items():
        if key not in RatingCriterion.values or value not in RatingLevel.values:
            raise invalid("Đánh giá theo tiêu chí không hợp lệ.")
    p["comment"] = p["comment"].strip()
    if len(p["comment"]) > 2000:
        raise invalid("Ý kiến góp ý tối đa 2.000 ký tự.")
    if ctx.dossier.returned_at is not None and ctx.at < ctx.dossier.returned_at:
        raise invalid("Thời điểm đánh giá không được trước thời điểm trả kết quả.")


def _rate(ctx: executor.Context) -> None:
    p = ctx.params
    ordered = {c.value: p["criteria"][c.value] for c in RatingCriterion if c.value in p["criteria"]}
    rating = DossierRating(
        dossier=ctx.dossier, level=p["level"], criteria=ordered, comment=p["comment"], rated_at=ctx.at
    )
    ctx.writes.insert(rating)
    ctx.details = {"level": p["level"], "criteria": ordered, "comment": p["comment"]}
    ctx.event_details = {"level": p["level"]}
    ctx.result = rating


def dossier_rate(
    *, dossier: Dossier, level: str, criteria: Mapping[str, str], comment: str, at: datetime
) -> DossierRating:
    """The applicant rates the handling of the dossier, once, after the result was returned.

    ``level`` and each value of ``criteria`` is a :class:`RatingLevel`; the keys are
    :class:`RatingCriterion` values (any subset). legal: QĐ 766/QĐ-TTg, indicator 5.4 (a "không hài
    lòng" counts the dossier as dissatisfied). Refused before "Đã trả kết quả"
    (``dossier.invalid_transition``) and a second time (``dossier.already_rated``).
    Audit: ``dossier.rate``; outbox: ``dossier.rated`` (``transitions.RATE``).
    """
    return executor.run_special(  # type: ignore[no-any-return]
        transitions.RATE,
        dossier=dossier,
        at=at,
        refuse_status=_not_returned,
        preconditions=(_rated_once, _rating_valid),
        mutate=_rate,
        level=level,
        criteria=dict(criteria),
        comment=comment,
    )
