"""Send the answers of feedback received from the national system back to it: the outbox subscriber
``integrations.pakn`` on ``feedback.answered``.

For each event, the feedback answered: one that came from the national system (``national_id`` set) is
answered there with ``TraLoiPAKN`` (the answer, its time, the answering agency, our code), the
delivery's idempotency key sent along so a second delivery of the same event (at least once) answers
nothing twice; any other feedback is ignored. Failures go back to the outbox (a batch handler's
``{event id: error}``) rather than being raised, so the attempt log of a failed call is kept; the outbox
retries them with backoff, then dead-letters them. Once the national system cannot be reached, the
rest of the batch is not tried (each would wait for the time limit) and fails with it.

Legal basis: Nghị định 20/2008/NĐ-CP (amended by NĐ 92/2017/NĐ-CP): the handling result is sent to
the feedback's author; for feedback received through the national system, through that system. The
protocol is inferred (``cchc.integrations.national_feedback.protocol``).
"""

from __future__ import annotations

from typing import Any

from cchc.feedback.constants import EVENT_ANSWERED
from cchc.feedback.models import Feedback
from cchc.integrations.client import PartnerClient, partner_max_attempts
from cchc.integrations.constants import IntegrationError, IntegrationErrorCode, Partner
from cchc.integrations.national_feedback.protocol import ANSWER_SERVICE, date_format
from cchc.outbox.registry import register

SUBSCRIBER = "integrations.pakn"


def answer_payload(feedback: Feedback, key: str) -> dict[str, Any]:
    """The ``TraLoiPAKN`` request of an answered feedback."""
    assert feedback.answered_at is not None
    return {
        "data": {
            "MaPAKN": feedback.national_id,
            "NoiDungTraLoi": feedback.answer,
            "NgayTraLoi": date_format(feedback.answered_at),
            "MaDonViTraLoi": feedback.agency.code,
            "TenDonViTraLoi": feedback.agency.name,
            "MaPhanAnhTinh": feedback.code,
        },
        "idempotencyKey": key,
    }


def answers_send(events: list[Any]) -> dict[int, str] | None:
    """The batch handler (see the module): ``None`` when every event is done, else the failures."""
    wanted = {event.pk: event.payload.get("feedback_id") for event in events}
    rows = Feedback.objects.select_related("agency").in_bulk([pk for pk in wanted.values() if pk is not None])
    client = PartnerClient(Partner.PAKN)
    failures: dict[int, str] = {}
    unreachable: IntegrationError | None = None
    for event in events:
        feedback = rows.get(wanted[event.pk])
        if feedback is None or not feedback.national_id or feedback.answered_at is None:
            continue  # not from the national system (or gone): nothing to send
        if unreachable is not None:
            failures[event.pk] = f"{unreachable.code}: chưa gửi, {unreachable.message}"
            continue
        try:
            client.call(
                ANSWER_SERVICE,
                answer_payload(feedback, event.idempotency_key),
                idempotency_key=event.idempotency_key,
                subject=f"feedback:{feedback.pk}",
                event_id=event.pk,
            )
        except IntegrationError as exc:
            failures[event.pk] = f"{exc.code}: {exc.message}"
            if exc.code in (IntegrationErrorCode.UNREACHABLE, IntegrationErrorCode.NOT_CONFIGURED):
                unreachable = exc
    return failures or None


def register_answers_subscriber() -> None:
    """Register ``integrations.pakn`` with the outbox (``cchc.integrations.subscribers`` does it at start
    when the national feedback system's URL is set; the tests call it)."""
    register(SUBSCRIBER, topics={EVENT_ANSWERED}, batch=True, max_attempts=partner_max_attempts())(answers_send)
