"""The dossier lifecycle as data: one :class:`Transition` per action.

Each entry says from which statuses the action is allowed (for a received dossier, and for one not yet
received), where it leads (the national sync code 1-10 of the resulting status), who may act (a role at
the receiving desk, the competent agency or the open step's agency; the applicant online), the audit
event and the domain event it emits (``cchc.dossiers.events``). The executor
(``cchc.dossiers.executor``) runs every transition from this table; the policy
(``cchc.dossiers.policies``), the console's buttons, the staff API, the documents, the citizen portal
and the simulator read it. Nothing else decides what is allowed.

Legal basis: Nghị định 118/2025/NĐ-CP (the one-stop-shop mechanism), Thông tư 03/2025/TT-VPCP (forms
01-07); the statuses are the national portal's ``TrangThaiHoSo`` (domain-vn §2.5).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from cchc.accounts.constants import Role
from cchc.dossiers.constants import Action, DossierStatus
from cchc.dossiers.events import DossierEvent
from cchc.dossiers.lifecycle import mutations as M
from cchc.dossiers.lifecycle import preconditions as P

S = DossierStatus
A = Action


class Where(StrEnum):
    """The agency at which an officer's role counts for a transition."""

    RECEIVING = "receiving"  # the dossier's receiving desk (bộ phận một cửa)
    COMPETENT = "competent"  # the agency competent to decide (cơ quan có thẩm quyền)
    STEP = "step"  # the agency of the open (active) processing step


@dataclass(frozen=True)
class Grant:
    """One of the roles ``roles`` at the agency ``where``."""

    where: Where
    roles: frozenset[Role]


def _grant(where: Where, *roles: Role) -> Grant:
    return Grant(where, frozenset(roles or Role))


DESK = _grant(Where.RECEIVING, Role.RECEPTION)
CASHIER = _grant(Where.RECEIVING, Role.RECEPTION, Role.CLERK)
DECIDER = _grant(Where.COMPETENT, Role.SPECIALIST, Role.LEADER)
LEADER = _grant(Where.COMPETENT, Role.LEADER)  # the competent agency's leader: decisions on issued results
STEP_HOLDER = _grant(Where.STEP)  # any role at the open step's agency
STEP_OFFICER = _grant(Where.STEP, Role.SPECIALIST, Role.LEADER)


@dataclass(frozen=True)
class Transition:
    """One action of the lifecycle.

    ``sources``: statuses of a received dossier from which the action is allowed; ``before_reception``:
    those of a dossier not yet received (no code, no clock). ``target``: the status it leads to; None
    when it returns to the status the dossier was paused from (``resume_status``) or keeps the status.
    ``officers``: any one of these grants allows an officer; ``officers_before_reception`` replaces them
    for a dossier not yet received (None: the same). ``applicant``: the applicant may act online
    (``actor=None``), when ``applicant_when`` (a check of the call) allows it. ``preconditions``: named
    checks (``cchc.dossiers.lifecycle.preconditions``), each with its legal basis in its docstring, run
    by the executor after the authorisation; ``guards``: the same, run before it (the authorisation
    depends on them). ``mutate``: what the action changes (``cchc.dossiers.lifecycle.mutations``).
    ``reads_steps`` / ``reads_fees`` / ``reads_results``: the executor reads the open steps / what is
    still owed / the last electronic result not signed with the lock (one round trip on PostgreSQL).
    """

    action: Action
    sources: frozenset[DossierStatus]
    before_reception: frozenset[DossierStatus]
    target: DossierStatus | None
    officers: tuple[Grant, ...]
    event: DossierEvent
    officers_before_reception: tuple[Grant, ...] | None = None
    applicant: bool = False
    preconditions: tuple[Callable[..., Any], ...] = field(default=())
    guards: tuple[Callable[..., Any], ...] = field(default=())
    mutate: Callable[..., Any] | None = None
    applicant_when: Callable[..., bool] | None = None
    reads_steps: bool = False
    reads_fees: bool = False
    reads_results: bool = False

    @property
    def audit_action(self) -> str:
        return f"dossier.{self.action.value}"

    @property
    def sync_code(self) -> int | None:
        return self.target.sync_code if self.target is not None else None

    def allowed_from(self, status: str, *, received: bool) -> bool:
        return DossierStatus(status) in (self.sources if received else self.before_reception)

    def grants(self, *, received: bool) -> tuple[Grant, ...]:
        if not received and self.officers_before_reception is not None:
            return self.officers_before_reception
        return self.officers


_PROCESSING = frozenset({S.RECEIVED, S.IN_PROCESS})

TABLE: dict[Action, Transition] = {
    t.action: t
    for t in (
        Transition(
            A.RECEIVE,
            sources=frozenset(),
            before_reception=frozenset({S.NEW}),
            target=S.RECEIVED,
            officers=(DESK,),
            event=DossierEvent.RECEIVED,
            preconditions=(P.at_not_before_submission,),
            mutate=M.receive,
        ),
        # legal: form 03 (TT 03/2025); also a dossier sent back for completion before reception
        Transition(
            A.REFUSE,
            sources=frozenset(),
            before_reception=frozenset({S.NEW, S.SUPPLEMENT_REQUESTED}),
            target=S.REFUSED,
            officers=(DESK,),
            event=DossierEvent.REFUSED,
            preconditions=(P.refusal_reason_given,),
            mutate=M.refuse,
        ),
        # legal: form 02 (TT 03/2025); before reception only the desk asks (NĐ 118/2025 Điều 16)
        Transition(
            A.REQUEST_SUPPLEMENT,
            sources=_PROCESSING,
            before_reception=frozenset({S.NEW}),
            target=S.SUPPLEMENT_REQUESTED,
            officers=(DECIDER, DESK),
            officers_before_reception=(DESK,),
            event=DossierEvent.SUPPLEMENT_REQUESTED,
            preconditions=(P.at_not_before_submission_before_reception, P.supplement_reason_given),
            mutate=M.request_supplement,
        ),
        Transition(
            A.RESUBMIT_SUPPLEMENT,
            sources=frozenset({S.SUPPLEMENT_REQUESTED}),
            before_reception=frozenset({S.SUPPLEMENT_REQUESTED}),
            target=None,  # back to the status it was paused from ("Mới đăng ký" before reception)
            officers=(DESK,),
            applicant=True,
            event=DossierEvent.SUPPLEMENT_RECEIVED,
            preconditions=(P.supplement_not_before_request,),
            mutate=M.resubmit_supplement,
            reads_steps=True,
        ),
        # legal: form 06 (process-control sheet): any role at the open step's agency hands it over
        Transition(
            A.COMPLETE_STEP,
            sources=_PROCESSING,
            before_reception=frozenset(),
            target=S.IN_PROCESS,
            officers=(STEP_HOLDER,),
            event=DossierEvent.STEP_COMPLETED,
            guards=(P.an_active_step_exists,),
            preconditions=(P.receiver_member_of_next_steps_agency, P.handover_not_before_step_start),
            mutate=M.complete_step,
            reads_steps=True,
        ),
        Transition(
            A.REQUEST_FINANCIAL_OBLIGATION,
            sources=_PROCESSING,
            before_reception=frozenset(),
            target=S.FINANCIAL_OBLIGATION_REQUESTED,
            officers=(DECIDER, DESK),
            event=DossierEvent.FINANCIAL_OBLIGATION_REQUESTED,
            preconditions=(P.fees_determined, P.something_left_to_pay),
            mutate=M.request_financial_obligation,
        ),
        # the applicant pays online through the gateway (actor None, channel online_gateway only)
        Transition(
            A.RECORD_PAYMENT,
            sources=frozenset({S.RECEIVED, S.IN_PROCESS, S.FINANCIAL_OBLIGATION_REQUESTED, S.PROCESSED}),
            before_reception=frozenset(),
            target=None,  # full payment of a requested obligation returns to the paused status
            officers=(CASHIER,),
            applicant=True,
            event=DossierEvent.PAYMENT_RECORDED,
            applicant_when=P.online_payment_by_gateway,
            preconditions=(P.payment_valid, P.receipt_not_recorded_twice, P.online_payment_within_owed),
            mutate=M.record_payment,
            reads_fees=True,
        ),
        Transition(
            A.WITHDRAW,
            sources=frozenset({S.RECEIVED, S.IN_PROCESS, S.SUPPLEMENT_REQUESTED, S.FINANCIAL_OBLIGATION_REQUESTED}),
            before_reception=frozenset({S.NEW, S.SUPPLEMENT_REQUESTED}),
            target=S.WITHDRAWN,
            officers=(DESK,),
            applicant=True,
            event=DossierEvent.WITHDRAWN,
            mutate=M.withdraw,
        ),
        # legal: form 05 (TT 03/2025) is for a dossier under processing: never before reception
        Transition(
            A.STOP,
            sources=frozenset({S.RECEIVED, S.IN_PROCESS, S.SUPPLEMENT_REQUESTED, S.FINANCIAL_OBLIGATION_REQUESTED}),
            before_reception=frozenset(),
            target=S.STOPPED,
            officers=(DECIDER,),
            event=DossierEvent.STOPPED,
            preconditions=(P.stop_reason_given,),
            mutate=M.stop,
        ),
        # legal: form 04 (TT 03/2025); NĐ 61/2018 Điều 19 as amended
        Transition(
            A.APOLOGISE_EXTEND,
            sources=frozenset({S.RECEIVED, S.IN_PROCESS, S.FINANCIAL_OBLIGATION_REQUESTED}),
            before_reception=frozenset(),
            target=None,  # the status does not change; the appointment does
            officers=(DECIDER,),
            event=DossierEvent.EXTENDED,
            preconditions=(
                P.apology_reason_given,
                P.extension_not_repeated,
                P.extension_not_too_late,
                P.extension_later,
            ),
            mutate=M.apologise_extend,
        ),
        Transition(
            A.MARK_PROCESSED,
            sources=_PROCESSING,
            before_reception=frozenset(),
            target=S.PROCESSED,
            officers=(DECIDER, STEP_OFFICER),
            event=DossierEvent.RESULT_READY,
            preconditions=(P.receiver_member_of_next_steps_agency, P.handover_not_before_step_start),
            mutate=M.mark_processed,
            reads_steps=True,
        ),
        Transition(
            A.RETURN_RESULT,
            sources=frozenset({S.PROCESSED}),
            before_reception=frozenset(),
            target=S.RETURNED,
            officers=(CASHIER,),
            event=DossierEvent.RETURNED,
            preconditions=(P.nothing_left_to_pay, P.result_signed_if_attached),
            mutate=M.return_result,
            reads_steps=True,
            reads_fees=True,
            reads_results=True,
        ),
        # legal: the competent agency issues the result as an electronic document signed with its digital
        # signature (NĐ 23/2025/NĐ-CP; Luật Giao dịch điện tử 2023 Điều 22-23); signed after the commit by
        # the outbox subscriber dossiers.results.sign (issue 16 item 1); the status does not change. The
        # electronic certified copy (item 6, NĐ 23/2015 and NĐ 45/2020) is this action given the digitised
        # original (``certify_document``): result_file_valid then checks it (P.copy_certifiable) and the
        # mutation numbers it in the certification register (cchc.dossiers.results.certified)
        Transition(
            A.ATTACH_RESULT,
            sources=frozenset({S.RECEIVED, S.IN_PROCESS, S.PROCESSED}),
            before_reception=frozenset(),
            target=None,
            officers=(DECIDER,),
            event=DossierEvent.RESULT_ATTACHED,
            preconditions=(P.result_file_valid,),
            mutate=M.attach_result,
        ),
        # legal: TT 01/2023/TT-VPCP Điều 4-5: the receiving desk digitises a paper component (copy, extract,
        # issue the digitisation result code, store it in the applicant's data store); the status does not change
        Transition(
            A.DIGITISE_DOCUMENT,
            sources=frozenset({S.RECEIVED, S.IN_PROCESS}),
            before_reception=frozenset(),
            target=None,
            officers=(DESK,),
            event=DossierEvent.DOCUMENT_DIGITISED,
            preconditions=(P.document_digitisable,),
            mutate=M.digitise_document,
        ),
        # legal: NĐ 118/2025/NĐ-CP (the desk receives the dossier's components, on paper or online, at any
        # point of processing: the original of a paper shown at the counter, a paper handed in later) and
        # TT 01/2023/TT-VPCP Điều 4-5 (the desk digitises the paper components it receives): the desk records
        # a paper component handed in at the counter, even on an online dossier (which has none from its
        # submission), so that DIGITISE_DOCUMENT can then digitise it; the status does not change
        Transition(
            A.RECORD_PAPER,
            sources=frozenset({S.RECEIVED, S.IN_PROCESS}),
            before_reception=frozenset(),
            target=None,
            officers=(DESK,),
            event=DossierEvent.PAPER_RECORDED,
            preconditions=(P.paper_recordable,),
            mutate=M.record_paper,
        ),
        # legal: the agency that issued a result revokes it, on the grounds the procedure's own law sets (e.g.
        # Luật Xây dựng 2014 Điều 101, Luật Đất đai 2024 Điều 152): a decision of the agency, so its leader
        # (the head or the deputy in charge, who signs for it) and only after the result was returned;
        # before, the agency replaces it by attaching another (precondition result_revocable); the status
        # does not change (the national statuses have no "revoked"); the copy in the applicant's data store
        # is withdrawn (NĐ 45/2020 Điều 25)
        Transition(
            A.REVOKE_RESULT,
            sources=frozenset({S.RETURNED}),
            before_reception=frozenset(),
            target=None,
            officers=(LEADER,),
            event=DossierEvent.RESULT_REVOKED,
            preconditions=(P.result_revocable,),
            mutate=M.revoke_result,
        ),
    )
}


@dataclass(frozen=True)
class Special:
    """A documented special entry: a step of the lifecycle that is not an :class:`Action` of the table,
    run by the same executor so that its audit event and outbox event go out the same way.

    ``submit`` (the applicant files online: a new dossier "Mới đăng ký"), ``receive_counter`` (the desk
    creates and receives a paper dossier at once: officers ``DESK``; its event is ``dossier.received``
    with ``status_before`` null) and ``rate`` (the applicant rates a returned dossier, QĐ 766 indicator
    5.4: ``sources`` RETURNED, no officer).
    """

    name: str
    event: DossierEvent
    sources: frozenset[DossierStatus] = frozenset()
    officers: tuple[Grant, ...] = ()
    audit_name: str = ""

    @property
    def audit_action(self) -> str:
        return f"dossier.{self.audit_name or self.name}"


SUBMIT = Special("submit", DossierEvent.SUBMITTED)
RECEIVE_COUNTER = Special("receive", DossierEvent.RECEIVED, officers=(DESK,))
RATE = Special("rate", DossierEvent.RATED, sources=frozenset({S.RETURNED}))

del S, A


def transition(action: str) -> Transition:
    """The table's entry for ``action`` (a ValueError for an unknown action)."""
    return TABLE[Action(action)]


def actions_from(status: str, *, received: bool) -> frozenset[Action]:
    """The actions the table allows from ``status`` (a received dossier, or one not yet received)."""
    return frozenset(a for a, t in TABLE.items() if t.allowed_from(status, received=received))
