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
    (``actor=None``). ``preconditions``: named checks, each with its legal basis in its docstring, run
    by the executor after the authorisation (filled in by ``cchc.dossiers.executor``'s table).
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
        ),
        # legal: form 03 (TT 03/2025); also a dossier sent back for completion before reception
        Transition(
            A.REFUSE,
            sources=frozenset(),
            before_reception=frozenset({S.NEW, S.SUPPLEMENT_REQUESTED}),
            target=S.REFUSED,
            officers=(DESK,),
            event=DossierEvent.REFUSED,
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
        ),
        Transition(
            A.RESUBMIT_SUPPLEMENT,
            sources=frozenset({S.SUPPLEMENT_REQUESTED}),
            before_reception=frozenset({S.SUPPLEMENT_REQUESTED}),
            target=None,  # back to the status it was paused from ("Mới đăng ký" before reception)
            officers=(DESK,),
            applicant=True,
            event=DossierEvent.SUPPLEMENT_RECEIVED,
        ),
        # legal: form 06 (process-control sheet): any role at the open step's agency hands it over
        Transition(
            A.COMPLETE_STEP,
            sources=_PROCESSING,
            before_reception=frozenset(),
            target=S.IN_PROCESS,
            officers=(STEP_HOLDER,),
            event=DossierEvent.STEP_COMPLETED,
        ),
        Transition(
            A.REQUEST_FINANCIAL_OBLIGATION,
            sources=_PROCESSING,
            before_reception=frozenset(),
            target=S.FINANCIAL_OBLIGATION_REQUESTED,
            officers=(DECIDER, DESK),
            event=DossierEvent.FINANCIAL_OBLIGATION_REQUESTED,
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
        ),
        Transition(
            A.WITHDRAW,
            sources=frozenset({S.RECEIVED, S.IN_PROCESS, S.SUPPLEMENT_REQUESTED, S.FINANCIAL_OBLIGATION_REQUESTED}),
            before_reception=frozenset({S.NEW, S.SUPPLEMENT_REQUESTED}),
            target=S.WITHDRAWN,
            officers=(DESK,),
            applicant=True,
            event=DossierEvent.WITHDRAWN,
        ),
        # legal: form 05 (TT 03/2025) is for a dossier under processing: never before reception
        Transition(
            A.STOP,
            sources=frozenset({S.RECEIVED, S.IN_PROCESS, S.SUPPLEMENT_REQUESTED, S.FINANCIAL_OBLIGATION_REQUESTED}),
            before_reception=frozenset(),
            target=S.STOPPED,
            officers=(DECIDER,),
            event=DossierEvent.STOPPED,
        ),
        # legal: form 04 (TT 03/2025); NĐ 61/2018 Điều 19 as amended
        Transition(
            A.APOLOGISE_EXTEND,
            sources=frozenset({S.RECEIVED, S.IN_PROCESS, S.FINANCIAL_OBLIGATION_REQUESTED}),
            before_reception=frozenset(),
            target=None,  # the status does not change; the appointment does
            officers=(DECIDER,),
            event=DossierEvent.EXTENDED,
        ),
        Transition(
            A.MARK_PROCESSED,
            sources=_PROCESSING,
            before_reception=frozenset(),
            target=S.PROCESSED,
            officers=(DECIDER, STEP_OFFICER),
            event=DossierEvent.RESULT_READY,
        ),
        Transition(
            A.RETURN_RESULT,
            sources=frozenset({S.PROCESSED}),
            before_reception=frozenset(),
            target=S.RETURNED,
            officers=(CASHIER,),
            event=DossierEvent.RETURNED,
        ),
    )
}

del S, A


def transition(action: str) -> Transition:
    """The table's entry for ``action`` (a ValueError for an unknown action)."""
    return TABLE[Action(action)]


def actions_from(status: str, *, received: bool) -> frozenset[Action]:
    """The actions the table allows from ``status`` (a received dossier, or one not yet received)."""
    return frozenset(a for a, t in TABLE.items() if t.allowed_from(status, received=received))
