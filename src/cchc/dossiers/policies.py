"""Who may see a dossier and who may act on it: the one policy of every adapter (the executor, the
console, the staff API, the documents, the citizen portal).

"May act" reads the transition table (``cchc.dossiers.transitions``): an officer may take an action
when the table allows it from the dossier's status and they hold, on the day, one of the transition's
grants (a role at the receiving desk, the competent agency or the open step's agency). Only
memberships of the one-stop area count (``Area.ONE_STOP``, Nghị định 118/2025/NĐ-CP Điều 8-10), and
only those valid on the day at agencies valid on the day (``cchc.accounts.selectors``: an expired or
a future membership gives nothing).

"May see": an officer sees a dossier when they act on the day, in any role, for its receiving
agency, its competent agency or the agency of any of its steps (past, open or pending). The agency
where the applicant was helped (``assisted_at``) is not one of them: it gives no right to the
dossier's pages, API or forms.

Superusers (the system's administrators) see every dossier — its page, its API detail and its PDF
forms — as they already see every dossier in the read-only admin; they act only through the
memberships they hold, like any officer (a transition records who acted for which agency, so an
account without a role there takes none: the executor checks the same grants). Anonymous and
inactive users see nothing and may do nothing.

The applicant (no account; the citizen portal) may take the table's ``applicant=True`` actions the
status allows (:func:`applicant_actions`).

Nothing here writes. The executor checks the grants again under the row lock; the adapters use this
module to decide what to show (buttons, the API's ``allowed_actions``, the forms) and why an action is
unavailable (:func:`action_states`: the status or the role blocks it, and who can unblock it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from cchc.accounts.constants import Area, Role
from cchc.accounts.selectors import membership_list_valid_on
from cchc.dossiers.constants import WAITING_APPLICANT_STATUSES, Action, DossierStatus, StepStatus
from cchc.dossiers.transitions import TABLE, Transition, Where, actions_from

if TYPE_CHECKING:
    from cchc.dossiers.models import Dossier, DossierStep

Required = list[tuple[int, frozenset[Role]]]
"""(agency id, roles): an officer holding any one of the roles at the paired agency may act."""

ROLE_ORDER: tuple[Role, ...] = tuple(Role)


def agency_for(where: Where, dossier: Dossier, *, step_agency_id: int | None) -> int | None:
    if where == Where.RECEIVING:
        return dossier.receiving_agency_id
    if where == Where.COMPETENT:
        return dossier.competent_agency_id
    return step_agency_id


def required_grants(transition: Transition, dossier: Dossier, *, step_agency_id: int | None) -> Required:
    """The (agency, roles) pairs that allow an officer to take ``transition`` on ``dossier`` now; a
    grant at the open step's agency counts only while a step is open."""
    required: Required = []
    for grant in transition.grants(received=dossier.received_at is not None):
        agency_id = agency_for(grant.where, dossier, step_agency_id=step_agency_id)
        if agency_id is not None:
            required.append((agency_id, grant.roles))
    return required


def holds_any(pairs: Iterable[tuple[int, str]], required: Required) -> bool:
    """``pairs`` (agency id, role value) held by the officer satisfy one of ``required``."""
    held = set(pairs)
    return any((agency_id, role.value) in held for agency_id, roles in required for role in roles)


# --- who the user is, on a day ------------------------------------------------------------------------


@dataclass(frozen=True)
class Grants:
    """What a user holds on a day: the (agency id, role value) pairs of their one-stop memberships valid
    that day, and whether they are an active superuser. Read once per request by :func:`grants_of`."""

    pairs: frozenset[tuple[int, str]] = frozenset()
    superuser: bool = False

    @property
    def agency_ids(self) -> frozenset[int]:
        return frozenset(agency_id for agency_id, _ in self.pairs)

    def has(self, agency_id: int | None, *roles: Role) -> bool:
        return agency_id is not None and any((agency_id, role.value) in self.pairs for role in roles)


NOBODY = Grants()


def grants_of(user: Any, *, on: date) -> Grants:
    """The grants of ``user`` on ``on``: memberships of the one-stop area valid on the day at agencies
    valid on the day (one query); nothing for an anonymous or inactive user."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return NOBODY
    rows = membership_list_valid_on(on=on, area=Area.ONE_STOP, user=user).order_by().values_list("agency_id", "role")
    return Grants(frozenset((int(agency_id), str(role)) for agency_id, role in rows), bool(user.is_superuser))


def _grants(who: Grants | Any, on: date | None) -> Grants:
    if isinstance(who, Grants):
        return who
    if on is None:
        raise TypeError("on= is required when a user (not Grants) is given")
    return grants_of(who, on=on)


# --- may see ------------------------------------------------------------------------------------------


def may_see(
    who: Grants | Any, dossier: Dossier, *, on: date | None = None, steps: Iterable[DossierStep] | None = None
) -> bool:
    """Whether ``who`` (a user, with ``on``, or their :class:`Grants`) may see ``dossier``: a superuser,
    or an officer acting on the day for its receiving agency, its competent agency or the agency of
    any of its steps (``steps`` when the caller read them; else one query)."""
    grants = _grants(who, on)
    if grants.superuser:
        return True
    ids = grants.agency_ids
    if not ids:
        return False
    if dossier.receiving_agency_id in ids or dossier.competent_agency_id in ids:
        return True
    if steps is None:
        return dossier.steps.filter(agency_id__in=ids).exists()
    return any(step.agency_id in ids for step in steps)


def may_see_agency(who: Grants | Any, agency_id: int, *, on: date | None = None) -> bool:
    """Whether ``who`` may read an agency's records (its dossier register): a superuser, or an officer
    acting for the agency on the day in the one-stop area."""
    grants = _grants(who, on)
    return grants.superuser or agency_id in grants.agency_ids


# --- may do -------------------------------------------------------------------------------------------


def active_step_of(steps: Iterable[DossierStep]) -> DossierStep | None:
    """The open (active) step among ``steps``."""
    return next((step for step in steps if step.status == StepStatus.ACTIVE), None)


def required_for(action: Action, dossier: Dossier, active_step: DossierStep | None) -> Required:
    """:func:`required_grants` of ``action``'s transition, with the open step's agency."""
    return required_grants(
        TABLE[action], dossier, step_agency_id=active_step.agency_id if active_step is not None else None
    )


def role_allows(grants: Grants, action: Action, dossier: Dossier, active_step: DossierStep | None) -> bool:
    """The officer holds one of ``action``'s grants on this dossier (whatever its status)."""
    return holds_any(grants.pairs, required_for(action, dossier, active_step))


def status_allows(action: Action, dossier: Dossier) -> bool:
    """The transition table allows ``action`` from the dossier's status."""
    return TABLE[action].allowed_from(dossier.status, received=dossier.received_at is not None)


def may_do(
    who: Grants | Any,
    action: Action,
    dossier: Dossier,
    *,
    active_step: DossierStep | None,
    on: date | None = None,
) -> bool:
    """Whether ``who`` may take ``action`` on ``dossier`` now: the status allows it and they hold one of
    its grants (the preconditions, such as fees paid, are the executor's)."""
    grants = _grants(who, on)
    return status_allows(action, dossier) and role_allows(grants, action, dossier, active_step)


def may_reject_stored_document(
    who: Grants | Any, dossier: Dossier, *, active_step: DossierStep | None, on: date | None = None
) -> bool:
    """Whether ``who`` may mark a document of the data store used by ``dossier`` (reused or digitised) as not
    acceptable (issue 16 item 5): the officers who may ask the applicant for a supplement of this dossier now
    (``REQUEST_SUPPLEMENT``'s statuses and grants in the transition table: the desk before reception; the
    desk or the competent agency's specialist or leader while processing), since what follows is asking
    for the paper again. legal: NĐ 118/2025/NĐ-CP Điều 16 (who checks the dossier's composition), TT
    01/2023/TT-VPCP Điều 24. To widen or narrow it, change this rule only (the console and the tests read it)."""
    return may_do(who, Action.REQUEST_SUPPLEMENT, dossier, active_step=active_step, on=on)


def available_actions(grants: Grants, dossier: Dossier, active_step: DossierStep | None) -> list[Action]:
    """The actions this officer may take now, in the table's order."""
    return [action for action in TABLE if may_do(grants, action, dossier, active_step=active_step)]


def applicant_actions(dossier: Dossier) -> frozenset[Action]:
    """The actions the applicant may take online now (no account: ``actor=None``): the table's
    ``applicant=True`` entries the dossier's status allows."""
    allowed = actions_from(dossier.status, received=dossier.received_at is not None)
    return frozenset(action for action in allowed if TABLE[action].applicant)


def applicant_may_download_result(dossier: Dossier) -> bool:
    """The applicant downloads the signed electronic result once the result is returned ("Đã trả kết
    quả"): until then the desk has not handed it over (NĐ 118/2025: the result is returned after the fees
    and charges are paid; Luật Phí và lệ phí 2015 Điều 3). Which result: the signed one in force
    (``cchc.dossiers.results.selectors.result_current_signed``); a result revoked by the competent agency's
    leader (the action ``revoke_result``, granted to ``Role.LEADER`` at the competent agency in the table) is
    never handed over as valid: the applicant's page shows it «Đã thu hồi» with the date and the reason,
    without the download (``result_last_issued``)."""
    return dossier.status == DossierStatus.RETURNED


# --- why an action is unavailable, and who can unblock it -------------------------------------------


class Block(StrEnum):
    STATUS = "status"  # the table does not allow the action from the dossier's status
    ROLE = "role"  # the officer holds none of the action's grants
    NO_STEP = "no_step"  # the action is taken at the open step's agency and no step is open


@dataclass(frozen=True)
class Holder:
    """Officers holding one of ``roles`` at the agency ``where`` (``agency_id``) of the dossier."""

    where: Where
    agency_id: int
    roles: tuple[Role, ...]


@dataclass(frozen=True)
class Unblock:
    """An action that takes the dossier (in the fewest transitions) to a status allowing the blocked one,
    with the officers who may take it and whether the applicant may take it online."""

    action: Action
    holders: tuple[Holder, ...]
    applicant: bool


@dataclass(frozen=True)
class ActionState:
    """One action for one officer: available now, or why not (``block``) and who can act.

    ``holders``: who may take the action itself (for a role block). ``unblock``: for a status block,
    the next action(s) that make it possible (empty when nothing will: the dossier ended, or it is past
    that point). ``waiting``: the officer holds the role and someone else must act first.
    """

    action: Action
    available: bool
    block: Block | None = None
    holders: tuple[Holder, ...] = ()
    unblock: tuple[Unblock, ...] = ()
    waiting: bool = False


def holders(action: Action, dossier: Dossier, active_step: DossierStep | None) -> tuple[Holder, ...]:
    """Who may take ``action`` on ``dossier``: the table's grants at this dossier's agencies (a grant at
    the open step's agency only while a step is open), roles in their declared order."""
    step_agency_id = active_step.agency_id if active_step is not None else None
    result = []
    for grant in TABLE[action].grants(received=dossier.received_at is not None):
        agency_id = agency_for(grant.where, dossier, step_agency_id=step_agency_id)
        if agency_id is not None:
            result.append(Holder(grant.where, agency_id, tuple(role for role in ROLE_ORDER if role in grant.roles)))
    return tuple(result)


_MAX_DEPTH = 6


def _moves(status: DossierStatus, received: bool, resume: DossierStatus) -> list[tuple[Action, DossierStatus, bool]]:
    """The transitions that move the lifecycle forward from ``status``: each (action, status after,
    received after). Left out: those that keep the status, and requests to the applicant (a supplement,
    a financial obligation), which never unblock anything. ``resume``: the status a wait for the
    applicant returns to."""
    moves = []
    for action, t in TABLE.items():
        if not t.allowed_from(status, received=received):
            continue
        if t.target is None:
            # what the applicant does while the dossier waits for them (the supplement, the payment)
            # takes it back to the paused status; any other untargeted transition keeps the status
            if not (t.applicant and status in WAITING_APPLICANT_STATUSES):
                continue
            after = resume
        else:
            after = t.target
        if after == status or after in WAITING_APPLICANT_STATUSES:
            continue
        moves.append((action, after, received or after == DossierStatus.RECEIVED))
    return moves


def unblockers(action: Action, dossier: Dossier) -> list[Action]:
    """The first actions of the shortest forward paths (:func:`_moves`) from the dossier's status to a
    status from which the table allows ``action``; empty when there is none."""
    received = dossier.received_at is not None
    status = DossierStatus(dossier.status)
    target = TABLE[action]

    def resume_of(state: DossierStatus, got: bool) -> DossierStatus:
        if not got:
            return DossierStatus.NEW
        if state == status and dossier.resume_status:
            return DossierStatus(dossier.resume_status)
        return DossierStatus.IN_PROCESS

    frontier: dict[tuple[DossierStatus, bool], set[Action]] = {}
    for first, after, got in _moves(status, received, resume_of(status, received)):
        frontier.setdefault((after, got), set()).add(first)
    visited = {(status, received)}
    for _ in range(_MAX_DEPTH):
        found = {
            first
            for (state, got), firsts in frontier.items()
            if target.allowed_from(state, received=got)
            for first in firsts
        }
        if found:
            return [a for a in TABLE if a in found]
        visited |= frontier.keys()
        following: dict[tuple[DossierStatus, bool], set[Action]] = {}
        for (state, got), firsts in frontier.items():
            for _, after, got_after in _moves(state, got, resume_of(state, got)):
                if (after, got_after) not in visited:
                    following.setdefault((after, got_after), set()).update(firsts)
        if not following:
            break
        frontier = following
    return []


def action_state(grants: Grants, action: Action, dossier: Dossier, active_step: DossierStep | None) -> ActionState:
    """:class:`ActionState` of ``action`` for the officer holding ``grants``."""
    role_ok = role_allows(grants, action, dossier, active_step)
    if not status_allows(action, dossier):
        unblock = tuple(
            Unblock(first, holders(first, dossier, active_step), TABLE[first].applicant)
            for first in unblockers(action, dossier)
        )
        return ActionState(action, False, Block.STATUS, unblock=unblock, waiting=bool(unblock) and role_ok)
    if role_ok:
        return ActionState(action, True)
    grants_needed = TABLE[action].grants(received=dossier.received_at is not None)
    if active_step is None and grants_needed and all(g.where == Where.STEP for g in grants_needed):
        return ActionState(action, False, Block.NO_STEP)
    return ActionState(action, False, Block.ROLE, holders=holders(action, dossier, active_step))


def action_states(grants: Grants, dossier: Dossier, active_step: DossierStep | None) -> dict[Action, ActionState]:
    """Every action of the table for this officer and dossier, in the table's order: available now, or
    why not (the status or the role blocks it) and who can act or unblock it."""
    return {action: action_state(grants, action, dossier, active_step) for action in TABLE}
