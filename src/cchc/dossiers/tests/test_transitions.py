"""The transition table, exhaustively: every disallowed (status, action) pair is refused by its service
with ``dossier.invalid_transition`` and changes nothing; every allowed pair gets past the table."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cchc.audit.models import AuditEvent
from cchc.dossiers.constants import (
    SYNC_CODES,
    Action,
    DossierError,
    DossierErrorCode,
    DossierStatus,
)
from cchc.dossiers.models import Dossier, DossierStep, FeeLine, Handover, Payment, SupplementRequest
from cchc.dossiers.tests.conftest import AT, World, perform, to_status, waiting_before_reception
from cchc.dossiers.transitions import actions_from


def allowed_from(status: DossierStatus) -> frozenset[Action]:
    """The table's actions from ``status`` as the test dossiers reach it (received, except "Mới đăng ký")."""
    return actions_from(status, received=status != DossierStatus.NEW)


def is_allowed(status: str, action: str, *, received: bool = True) -> bool:
    return Action(action) in actions_from(status, received=received and status != DossierStatus.NEW)


# Allowed by the table but refused by a rule for the arguments ``perform`` passes.
BUSINESS_REFUSALS = {
    # the 200,000 đồng fee is unpaid
    (DossierStatus.PROCESSED, Action.RETURN_RESULT): DossierErrorCode.FEES_UNPAID,
    # a returned dossier without a signed electronic result (paper result): nothing to revoke
    (DossierStatus.RETURNED, Action.REVOKE_RESULT): DossierErrorCode.RESULT_NOT_REVOCABLE,
}

PAIRS = [(status, action) for status in DossierStatus for action in Action]
DISALLOWED = [(st, ac) for st, ac in PAIRS if ac not in allowed_from(st)]
ALLOWED = [(st, ac) for st, ac in PAIRS if ac in allowed_from(st)]


def _state(dossier: Dossier) -> tuple[object, ...]:
    """Everything a refused transition must leave untouched."""
    row = Dossier.objects.filter(pk=dossier.pk).values().get()
    return (
        row,
        list(DossierStep.objects.filter(dossier=dossier).values()),
        Handover.objects.filter(dossier=dossier).count(),
        SupplementRequest.objects.filter(dossier=dossier).count(),
        list(FeeLine.objects.filter(dossier=dossier).values()),
        Payment.objects.filter(dossier=dossier).count(),
        AuditEvent.objects.count(),
    )


def test_sync_codes_are_one_to_ten_in_the_portal_order() -> None:
    assert [SYNC_CODES[s] for s in DossierStatus] == list(range(1, 11))
    assert DossierStatus.NEW.sync_code == 1
    assert DossierStatus.SUPPLEMENT_REQUESTED.sync_code == 5
    assert DossierStatus.RETURNED.sync_code == 10
    assert DossierStatus.from_sync_code(8) == DossierStatus.STOPPED
    with pytest.raises(ValueError, match="11"):
        DossierStatus.from_sync_code(11)


def test_table_has_a_row_for_every_status_and_terminal_rows_are_empty() -> None:
    for status in (DossierStatus.REFUSED, DossierStatus.WITHDRAWN, DossierStatus.STOPPED):
        assert allowed_from(status) == frozenset()
    # a returned dossier keeps its status; only its issued result may be revoked (issue 16)
    assert allowed_from(DossierStatus.RETURNED) == {Action.REVOKE_RESULT}
    assert sum(is_allowed(st, ac) for st, ac in PAIRS) == len(ALLOWED)
    assert not is_allowed("new", "return_result")
    assert is_allowed("processed", "return_result")


@pytest.mark.parametrize(("status", "action"), DISALLOWED, ids=[f"{s.value}-{a.value}" for s, a in DISALLOWED])
def test_every_disallowed_pair_is_refused_and_changes_nothing(
    world: World, status: DossierStatus, action: Action
) -> None:
    dossier = to_status(world, status)
    assert dossier.status == status
    before = _state(dossier)

    with pytest.raises(DossierError) as refused:
        perform(world, action, dossier, AT + timedelta(hours=3))

    assert refused.value.code == DossierErrorCode.INVALID_TRANSITION
    assert f"«{status.label}»" in refused.value.message
    assert _state(dossier) == before


@pytest.mark.parametrize(("status", "action"), ALLOWED, ids=[f"{s.value}-{a.value}" for s, a in ALLOWED])
def test_every_allowed_pair_passes_the_table(world: World, status: DossierStatus, action: Action) -> None:
    dossier = to_status(world, status)
    events = AuditEvent.objects.count()
    refusal: DossierError | None = None
    try:
        perform(world, action, dossier, AT + timedelta(hours=3))
    except DossierError as exc:
        refusal = exc
    if (status, action) in BUSINESS_REFUSALS:
        # refused for a business reason, never by the table; and nothing was written
        assert refusal is not None
        assert refusal.code == BUSINESS_REFUSALS[(status, action)]
        assert AuditEvent.objects.count() == events
    else:
        assert refusal is None, refusal
        assert AuditEvent.objects.count() == events + 1
        assert AuditEvent.objects.order_by("-sequence").first().action == f"dossier.{action.value}"  # type: ignore[union-attr]


# Before reception: an online dossier waiting for the supplement the desk asked (no clock, no code).
WAITING = DossierStatus.SUPPLEMENT_REQUESTED
EARLY_ALLOWED = sorted(actions_from(WAITING, received=False))
EARLY_DISALLOWED = [a for a in Action if a not in actions_from(WAITING, received=False)]


def test_before_reception_the_desk_may_ask_for_a_supplement_and_nothing_else_new() -> None:
    assert actions_from("new", received=False) == {
        Action.RECEIVE,
        Action.REFUSE,
        Action.WITHDRAW,
        Action.REQUEST_SUPPLEMENT,
    }
    assert is_allowed("new", "request_supplement")
    assert set(EARLY_ALLOWED) == {Action.RESUBMIT_SUPPLEMENT, Action.WITHDRAW, Action.REFUSE}
    assert not is_allowed("supplement_requested", "stop", received=False)
    assert is_allowed("supplement_requested", "stop", received=True)


@pytest.mark.parametrize("action", EARLY_DISALLOWED, ids=[a.value for a in EARLY_DISALLOWED])
def test_before_reception_every_disallowed_action_is_refused_and_changes_nothing(world: World, action: Action) -> None:
    dossier = waiting_before_reception(world)
    before = _state(dossier)
    with pytest.raises(DossierError) as refused:
        perform(world, action, dossier, AT + timedelta(hours=3))
    assert refused.value.code == DossierErrorCode.INVALID_TRANSITION
    assert _state(dossier) == before


@pytest.mark.parametrize("action", EARLY_ALLOWED, ids=[a.value for a in EARLY_ALLOWED])
def test_before_reception_every_allowed_action_passes(world: World, action: Action) -> None:
    dossier = waiting_before_reception(world)
    events = AuditEvent.objects.count()
    perform(world, action, dossier, AT + timedelta(hours=3))
    assert AuditEvent.objects.order_by("-sequence").first().action == f"dossier.{action.value}"  # type: ignore[union-attr]
    assert AuditEvent.objects.count() == events + 1
