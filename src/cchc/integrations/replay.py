"""Replaying the connections' dead letters (the monitoring page's button, ``cchc integrations replay``).

A dead letter is an outbox delivery to a partner's subscriber that used up its attempts (docs/outbox.md);
replaying makes it pending again (``cchc.outbox.services``: the same idempotency key, so the partner
sees the same request again, never a second dossier). Only the integrations' subscribers are touched
here (:data:`cchc.integrations.selectors.SUBSCRIBERS`): the other subscribers' dead letters are the
outbox's own command's and admin's.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from cchc.integrations.constants import IntegrationError, IntegrationErrorCode, Partner
from cchc.integrations.selectors import integration_subscribers, partner_of_subscriber
from cchc.outbox.constants import OutboxError, OutboxErrorCode
from cchc.outbox.models import Delivery
from cchc.outbox.services import deliveries_replay_dead, delivery_replay


def partner_parse(value: str | None) -> Partner | None:
    """A partner named on a command line or in a form (``dvcqg``, ``csdl_tthc``, ``pakn``); ``None``
    for none; refused (``integration.bad_input``) when unknown."""
    if value is None or value == "":
        return None
    try:
        return Partner(value)
    except ValueError:
        names = ", ".join(p.value for p in Partner)
        raise IntegrationError(
            IntegrationErrorCode.BAD_INPUT, f"Không có hệ thống «{value}» (chọn một trong: {names})."
        ) from None


def dead_letter_replay(*, delivery_id: object, at: datetime, partner: Partner | None = None) -> Delivery:
    """Replay one dead letter of a partner's subscriber (of ``partner`` when given).

    Refused, nothing changed: a delivery of another subscriber (``integration.bad_input``); a delivery
    not found, not dead or already delivered (the outbox's codes, :func:`delivery_replay`)."""
    try:
        pk = int(str(delivery_id))
    except ValueError:
        pk = 0
    subscriber = Delivery.objects.filter(pk=pk).values_list("subscriber", flat=True).first() if pk > 0 else None
    if subscriber is not None:
        owner = partner_of_subscriber(subscriber)
        if owner is None or (partner is not None and owner != partner):
            whose = f"của {partner.label}" if partner is not None else "của các hệ thống quốc gia"
            raise IntegrationError(
                IntegrationErrorCode.BAD_INPUT,
                f"Lần chuyển số {pk} thuộc bên nhận «{subscriber}», không phải {whose}: không gửi lại ở đây.",
            )
    return delivery_replay(delivery_id=delivery_id, at=at)


@transaction.atomic
def dead_letters_replay(*, at: datetime, partner: Partner | None = None) -> int:
    """Replay every dead letter of the partners' subscribers (of ``partner`` when given); how many."""
    count = 0
    for name in integration_subscribers(partner):
        try:
            count += deliveries_replay_dead(subscriber=name, at=at)
        except OutboxError as exc:
            if exc.code != OutboxErrorCode.UNKNOWN_SUBSCRIBER:  # an adapter not registered: nothing dead
                raise
    return count
