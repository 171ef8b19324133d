"""Who may see a dossier and who may act on it: the one policy of every adapter (the executor, the
console, the staff API, the documents, the citizen portal).

"May act" reads the transition table (``cchc.dossiers.transitions``): an officer may take an action
when they hold, on the day, one of the transition's grants (a role at the receiving desk, the competent
agency or the open step's agency; ``cchc.accounts`` memberships of the one-stop area).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from cchc.accounts.constants import Role
from cchc.dossiers.transitions import Transition, Where

if TYPE_CHECKING:
    from cchc.dossiers.models import Dossier

Required = list[tuple[int, frozenset[Role]]]
"""(agency id, roles): an officer holding any one of the roles at the paired agency may act."""


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
