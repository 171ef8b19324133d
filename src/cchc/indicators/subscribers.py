"""The indicator rollups as an outbox subscriber (issue 13 §6): ``indicators.rollups``.

Every dossier event (:class:`cchc.dossiers.events.DossierEvent`, all of them) names its dossier in
``payload["dossier_id"]``; the handler recomputes that dossier's facts and counter contributions
(:func:`cchc.indicators.rollups.rollups_apply`), so the dashboards read rollups that the writes keep
up to date instead of bringing them up to date themselves (a read never writes).

Feedback (PAKN) counts too: a feedback about a dossier makes it dissatisfied (F766 5.4) unless it is
refused as inadmissible, so filing one (``feedback_submit`` with a dossier code) and refusing one
(``feedback_reject``) write :data:`FEEDBACK_TOPICS` (``cchc.feedback.constants.EVENT_SUBMITTED`` and
``EVENT_REJECTED``) with ``payload["dossier_id"]``. The audit-trail catch-up (``cchc indicators
refresh``, ``rollups_refresh_task``) remains for writes that emit no event (SQL copies, old data).

The national portal's acknowledgement counts too (F766 1.4, ``DOSSIER_SYNC``): the portal adapter writes
``cchc.integrations.models.DossierSync`` after the dossier's own event was delivered, so it writes
:data:`SYNC_TOPICS` (``integrations.dossier_synced`` with ``payload["dossier_id"]``) when it records an
acknowledgement, and the dossier is recomputed.

How the applicant was identified (F766 4.5b, ``DossierFact.identified``, issue 15) needs no topic of its
own: ``Dossier.applicant_identity`` is written with the dossier by the submission or counter reception
and never changes after, so the dossier's own events (its reception above all, which makes the fact)
carry it.

The electronic result (F766 4.1, 4.2: ``DossierFact.result_signed``) counts once signed. The signing is not
a transition: the subscriber ``dossiers.results.sign`` writes ``dossier.result_signed``
(``DossierEvent.RESULT_SIGNED``, one of the dossier topics above) in the signing's transaction, so the
dossier is recomputed after its result is signed whatever the order in which the attach event reached the
two subscribers. A component digitised at the counter comes with ``dossier.document_digitised``.

Delivery is at least once: the handler recomputes from the current state, so a second delivery, or an
older event delivered after a newer one, changes nothing more (no idempotency key to record).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from cchc.dossiers.events import DossierEvent
from cchc.indicators.rollups import Freshness, rollups_apply, rollups_freshness
from cchc.integrations.national_portal.payload import SYNCED_TOPIC

if TYPE_CHECKING:
    from cchc.outbox.models import OutboxEvent

SUBSCRIBER = "indicators.rollups"
FEEDBACK_TOPICS = ("feedback.submitted", "feedback.rejected")
SYNC_TOPICS = (SYNCED_TOPIC,)
TOPICS = frozenset({*(topic.value for topic in DossierEvent), *FEEDBACK_TOPICS, *SYNC_TOPICS})


def _dossier_id(event: OutboxEvent) -> int | None:
    payload = event.payload if isinstance(event.payload, dict) else {}
    value = payload.get("dossier_id")
    return int(value) if value is not None else None


def rollups_on_event(event: OutboxEvent) -> None:
    """Handler of ``indicators.rollups``: the event's dossier recomputed (nothing when it names none)."""
    rollups_on_events([event])


def rollups_on_events(events: Iterable[OutboxEvent]) -> None:
    """A batch of events at once: their dossiers recomputed in one pass (one lock, a few statements
    per 500 dossiers), the mark moved to the highest event id; for a dispatcher that delivers batches."""
    events = list(events)
    ids = {pk for pk in map(_dossier_id, events) if pk is not None}
    marks = [event.pk for event in events if event.pk is not None]
    rollups_apply(ids, event_id=max(marks) if marks else None)


def subscriber_freshness() -> Freshness:
    """How far behind this subscriber is: the events of its topics after the last one applied."""
    return rollups_freshness(topics=TOPICS)


def subscriber_register() -> None:
    """Register the handler (``IndicatorsConfig.ready``)."""
    from cchc.outbox.registry import register

    register(SUBSCRIBER, topics=TOPICS, batch=True)(rollups_on_events)
