"""The dossier's domain events: topics and payload (schema version 1), written to the outbox by the
transition executor in the transition's own transaction (``cchc.outbox``).

Subscribers (notifications to the applicant, the indicator rollups, later the national portal's sync)
read only this payload and, where they need more, the dossier by its id. A change of the payload's
shape that removes or renames a key raises :data:`SCHEMA_VERSION`; adding a key does not.

Payload, version 1 (every topic)::

    {
      "dossier_id": 123, "code": "000.00.00.H00-260107-0001" | "",
      "action": "receive",                 # the Action (or "submit", "rate")
      "status": "received", "sync_code": 2, # after the transition (TrangThaiHoSo 1-10)
      "status_before": "new" | null,
      "at": "2026-01-07T08:30:00+07:00",   # the transition's moment, Vietnam time, ISO 8601
      "actor_id": 7 | null,                 # null: the applicant (online) or the payment gateway
      "channel": "online", "receiving_agency_id": 1, "competent_agency_id": 2,
      "due_at": ISO | null, "statutory_due_at": ISO | null,
      "details": {...}                      # per topic, see TOPIC_DETAILS
    }
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from cchc.dossiers.codes import VN_TZ
from cchc.dossiers.constants import DossierStatus
from cchc.outbox.services import outbox_event_new

if TYPE_CHECKING:
    from cchc.dossiers.models import Dossier
    from cchc.outbox.models import OutboxEvent

SCHEMA_VERSION = 1


class DossierEvent(StrEnum):
    SUBMITTED = "dossier.submitted"
    RECEIVED = "dossier.received"
    REFUSED = "dossier.refused"
    SUPPLEMENT_REQUESTED = "dossier.supplement_requested"
    SUPPLEMENT_RECEIVED = "dossier.supplement_received"
    STEP_COMPLETED = "dossier.step_completed"
    FINANCIAL_OBLIGATION_REQUESTED = "dossier.financial_obligation_requested"
    PAYMENT_RECORDED = "dossier.payment_recorded"
    WITHDRAWN = "dossier.withdrawn"
    STOPPED = "dossier.stopped"
    EXTENDED = "dossier.extended"
    RESULT_READY = "dossier.result_ready"
    RETURNED = "dossier.returned"
    RATED = "dossier.rated"
    RESULT_ATTACHED = "dossier.result_attached"
    DOCUMENT_DIGITISED = "dossier.document_digitised"
    PAPER_RECORDED = "dossier.paper_recorded"
    RESULT_REVOKED = "dossier.result_revoked"
    # not a transition: written by the signing subscriber (dossiers.results.services.result_sign) when an
    # attached result is signed, so that the readers of "a signed electronic result" (the indicator
    # rollups, QĐ 766 4.1/4.2; the national portal's result link) follow it
    RESULT_SIGNED = "dossier.result_signed"


# The keys of "details" per topic (all values JSON: amounts as strings of whole đồng, moments ISO).
TOPIC_DETAILS: dict[DossierEvent, tuple[str, ...]] = {
    DossierEvent.SUBMITTED: (),
    DossierEvent.RECEIVED: (),
    DossierEvent.REFUSED: ("reason",),
    DossierEvent.SUPPLEMENT_REQUESTED: ("reason", "before_reception"),
    DossierEvent.SUPPLEMENT_RECEIVED: ("paused_seconds",),
    DossierEvent.STEP_COMPLETED: ("step", "outcome"),
    DossierEvent.FINANCIAL_OBLIGATION_REQUESTED: ("due", "paid"),
    DossierEvent.PAYMENT_RECORDED: ("amount", "channel", "receipt_number", "paid"),
    DossierEvent.WITHDRAWN: ("reason",),
    DossierEvent.STOPPED: ("reason",),
    DossierEvent.EXTENDED: ("reason", "previous_due_at", "new_due_at"),
    DossierEvent.RESULT_READY: (),
    DossierEvent.RETURNED: (),
    DossierEvent.RATED: ("level",),
    DossierEvent.RESULT_ATTACHED: ("title",),
    DossierEvent.DOCUMENT_DIGITISED: ("document", "digitisation_code"),
    DossierEvent.PAPER_RECORDED: ("order", "name", "copies"),
    DossierEvent.RESULT_REVOKED: ("title", "reason"),
    DossierEvent.RESULT_SIGNED: ("title", "signer"),
}


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(VN_TZ).isoformat() if moment is not None else None


def _json(value: Any) -> Any:
    if isinstance(value, datetime):
        return _iso(value)
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)  # Decimal amounts, enum members


def dossier_event(
    topic: DossierEvent,
    dossier: Dossier,
    *,
    action: str,
    status_before: str | None,
    at: datetime,
    actor_id: int | None,
    details: dict[str, Any] | None = None,
) -> OutboxEvent:
    """The outbox event of a transition of ``dossier`` (its state after the transition; not saved:
    the executor inserts it with the transition's writes). Stream: ``dossier:<id>``."""
    assert dossier.pk is not None
    status = DossierStatus(dossier.status)
    payload = {
        "dossier_id": dossier.pk,
        "code": dossier.code or "",
        "action": action,
        "status": status.value,
        "sync_code": status.sync_code,
        "status_before": status_before,
        "at": _iso(at),
        "actor_id": actor_id,
        "channel": dossier.channel,
        "receiving_agency_id": dossier.receiving_agency_id,
        "competent_agency_id": dossier.competent_agency_id,
        "due_at": _iso(dossier.due_at),
        "statutory_due_at": _iso(dossier.statutory_due_at),
        "details": _json(details or {}),
    }
    return outbox_event_new(
        topic=topic.value,
        stream=f"dossier:{dossier.pk}",
        payload=payload,
        occurred_at=at,
        schema_version=SCHEMA_VERSION,
    )
