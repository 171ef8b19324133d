"""The executor (issue 13 item 2): every transition writes exactly one audit event and its outbox event
(topic, stream ``dossier:<id>``, status and sync code, the details of ``TOPIC_DETAILS``); a refusal at
any point — wrong status, missing role, failing precondition — writes nothing, neither audit event nor
outbox row."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from decimal import Decimal

import pytest

from cchc.audit.models import AuditEvent
from cchc.dossiers import services as s
from cchc.dossiers import transitions
from cchc.dossiers.constants import Action, DossierError, DossierErrorCode, DossierStatus, PaymentChannel
from cchc.dossiers.events import SCHEMA_VERSION, TOPIC_DETAILS, DossierEvent
from cchc.dossiers.models import Dossier
from cchc.dossiers.tests.conftest import (
    AT,
    CITIZEN,
    World,
    perform,
    receive,
    returned_with_signed_result,
    submit,
    to_status,
)
from cchc.outbox.models import OutboxEvent

LATER = AT + timedelta(hours=3)


def _counts() -> tuple[int, int]:
    return AuditEvent.objects.count(), OutboxEvent.objects.count()


def _allowed_status(action: Action) -> DossierStatus:
    entry = transitions.TABLE[action]
    for status in DossierStatus:
        if entry.allowed_from(status, received=status != DossierStatus.NEW):
            return status
    raise AssertionError(action)


def _disallowed_status(action: Action) -> DossierStatus:
    entry = transitions.TABLE[action]
    return next(st for st in DossierStatus if not entry.allowed_from(st, received=st != DossierStatus.NEW))


def _check_event(event: OutboxEvent, dossier: Dossier, topic: DossierEvent, action: str) -> None:
    dossier.refresh_from_db()
    assert event.topic == topic.value
    assert event.schema_version == SCHEMA_VERSION
    assert event.stream == f"dossier:{dossier.pk}"
    payload = event.payload
    assert payload["dossier_id"] == dossier.pk
    assert payload["action"] == action
    assert payload["status"] == dossier.status
    assert payload["sync_code"] == DossierStatus(dossier.status).sync_code
    assert payload["code"] == (dossier.code or "")
    assert set(payload["details"]) == set(TOPIC_DETAILS[topic])


@pytest.mark.parametrize("action", list(Action))
def test_every_transition_writes_one_audit_event_and_its_outbox_event(
    world: World, action: Action, request: pytest.FixtureRequest
) -> None:
    if action == Action.REVOKE_RESULT:  # a signed result must have been returned
        request.getfixturevalue("certificates")
        dossier = returned_with_signed_result(world, LATER)
    elif action == Action.RETURN_RESULT:  # the fee must be paid first
        dossier = to_status(world, DossierStatus.PROCESSED)
        s.dossier_record_payment(
            dossier=dossier,
            actor=world.reception,
            at=LATER - timedelta(minutes=1),
            amount=Decimal(200000),
            channel=PaymentChannel.COUNTER,
            receipt_number="BL-1",
        )
    else:
        dossier = to_status(world, _allowed_status(action))
    dossier.refresh_from_db()
    status_before = dossier.status
    audits, events = _counts()

    perform(world, action, dossier, LATER)

    assert _counts() == (audits + 1, events + 1)
    event = OutboxEvent.objects.latest("id")
    _check_event(event, dossier, transitions.TABLE[action].event, action.value)
    assert event.payload["status_before"] == status_before
    assert AuditEvent.objects.latest("sequence").action == f"dossier.{action.value}"


def test_submission_reception_at_the_counter_and_rating_go_out_the_same_way(world: World) -> None:
    audits, events = _counts()
    online = submit(world)
    assert _counts() == (audits + 1, events + 1)
    _check_event(OutboxEvent.objects.latest("id"), online, DossierEvent.SUBMITTED, "submit")

    counter = receive(world)
    assert _counts() == (audits + 2, events + 2)
    event = OutboxEvent.objects.latest("id")
    _check_event(event, counter, DossierEvent.RECEIVED, "receive")
    assert event.payload["status_before"] is None

    returned = to_status(world, DossierStatus.RETURNED)
    audits, events = _counts()
    s.dossier_rate(dossier=returned, level="very_satisfied", criteria={}, comment="", at=LATER + timedelta(days=1))
    assert _counts() == (audits + 1, events + 1)
    event = OutboxEvent.objects.latest("id")
    _check_event(event, returned, DossierEvent.RATED, "rate")
    assert event.payload["details"] == {"level": "very_satisfied"}


@pytest.mark.parametrize("action", list(Action))
def test_a_transition_refused_for_its_status_writes_nothing(world: World, action: Action) -> None:
    dossier = to_status(world, _disallowed_status(action))
    before = _counts()

    with pytest.raises(DossierError) as refused:
        perform(world, action, dossier, LATER)

    assert refused.value.code == DossierErrorCode.INVALID_TRANSITION
    assert _counts() == before


@pytest.mark.parametrize("action", [a for a in Action if a not in (Action.RESUBMIT_SUPPLEMENT, Action.WITHDRAW)])
def test_a_transition_refused_for_the_actors_roles_writes_nothing(world: World, action: Action) -> None:
    dossier = to_status(world, _allowed_status(action))
    nobody = dataclasses.replace(world, reception=world.outsider, specialist=world.outsider, leader=world.outsider)
    before = _counts()

    with pytest.raises(DossierError) as refused:
        perform(nobody, action, dossier, LATER)

    assert refused.value.code == DossierErrorCode.NOT_PERMITTED
    assert "Tài khoản không được phân công" in refused.value.message
    assert _counts() == before


def test_a_failing_precondition_writes_nothing(world: World) -> None:
    processed = to_status(world, DossierStatus.PROCESSED)
    received = receive(world)
    before = _counts()

    refusals = [
        (lambda: s.dossier_return_result(dossier=processed, actor=world.reception, at=LATER), "fees_unpaid"),
        (lambda: s.dossier_stop(dossier=received, actor=world.leader, at=LATER, reason=" "), "invalid_input"),
        (
            lambda: s.dossier_receive_counter(
                procedure=world.province_procedure,
                applicant=dataclasses.replace(CITIZEN, id_number="12"),
                receiving_agency=world.centre,
                competent_agency=world.justice,
                actor=world.reception,
                at=LATER,
            ),
            "invalid_input",
        ),
        (lambda: s.dossier_rate(dossier=received, level="x", criteria={}, comment="", at=LATER), "invalid_transition"),
    ]
    for call, code in refusals:
        with pytest.raises(DossierError) as refused:
            call()
        assert refused.value.code.endswith(code)
    assert _counts() == before


def test_the_table_names_a_mutation_for_every_action_and_documents_every_precondition() -> None:
    for action, entry in transitions.TABLE.items():
        assert entry.mutate is not None, action
        for check in (*entry.guards, *entry.preconditions):
            assert (check.__doc__ or "").strip(), check


def _pay_online(dossier: Dossier, amount: int, receipt: str) -> None:
    s.dossier_record_payment(
        dossier=dossier,
        actor=None,
        at=LATER,
        amount=Decimal(amount),
        channel=PaymentChannel.ONLINE_GATEWAY,
        receipt_number=receipt,
    )


def test_an_online_payment_is_applied_only_to_what_is_owed(world: World) -> None:
    """``online_payment_within_owed``: the gateway's payment of more than is owed now (paid meanwhile at
    the counter) is refused with its own code, nothing written; the desk's record is not limited."""
    dossier = to_status(world, DossierStatus.FINANCIAL_OBLIGATION_REQUESTED)  # 200,000 đồng due
    s.dossier_record_payment(
        dossier=dossier,
        actor=world.reception,
        at=LATER,
        amount=Decimal(150000),
        channel=PaymentChannel.COUNTER,
        receipt_number="TM-1",
    )
    before = _counts()

    with pytest.raises(DossierError) as refused:
        _pay_online(dossier, 200000, "GW-9")

    assert refused.value.code == DossierErrorCode.PAYMENT_EXCEEDS_OWED
    assert "50.000 đồng" in refused.value.message
    assert _counts() == before
    _pay_online(dossier, 50000, "GW-10")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.IN_PROCESS


def test_a_refusal_inside_a_callers_transaction_leaves_it_usable(world: World) -> None:
    """No savepoint around a transition (``executor.run``): its refusals come before its first write
    and leave the caller's transaction as it was; the caller goes on writing in it (the IPN: the order
    kept paid, its refund requested)."""
    from django.db import transaction

    dossier = to_status(world, DossierStatus.RETURNED)
    with transaction.atomic():
        with pytest.raises(DossierError):
            _pay_online(dossier, 1000, "GW-LATE")
        Dossier.objects.filter(pk=dossier.pk).update(applicant_email="sau@example.vn")  # still usable
    assert Dossier.objects.get(pk=dossier.pk).applicant_email == "sau@example.vn"
