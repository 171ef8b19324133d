"""The outbox subscriber ``integrations.dvcqg``: the dossier events to the national portal (``DongBoHoSoMC``).

Basis: the service name, its envelope ``{"service": "DongBoHoSoMC", "isUpdating", "data": [items]}`` and
the per-item acknowledgements are inferred from public implementations of the portal's sync (domain-vn
§2.6; no official specification is public). The items are built by :mod:`.payload`.

- **One call per batch**: the outbox hands the handler up to ``CCHC_OUTBOX_BATCH`` events, at most one
  per dossier (``stream = dossier:<id>``), so a dossier's events reach the portal in their order and a
  batch never holds two of them. ``isUpdating`` is ``"true"`` when the portal already acknowledged one
  of the batch's dossiers, ``"false"`` when all are new to it (the simulator upserts either way).
- **Per-item acknowledgements** (``result``: ``[{"MaHoSo", "MaGiaoDich", "error_code", "message"}]``): an
  item acknowledged with ``error_code`` "0" is delivered and recorded in
  :class:`~cchc.integrations.models.DossierSync`; an item the portal rejects, or does not acknowledge, is
  returned to the outbox as failed with the portal's reason (retried with backoff, then a dead letter that
  holds the dossier's later events back until it is replayed or discarded).
- **Transport failures** (down, timeout, 5xx, a malformed answer, a refused session): every event of the
  batch failed, *returned* rather than raised, so that the handler's savepoint commits and the
  :class:`~cchc.integrations.models.Attempt` of the call stays on record.
- **Idempotency** (the outbox delivers at least once: a dispatcher killed after the call but before its
  commit delivers the batch again): every item carries ``MaGiaoDich``, the delivery's idempotency key,
  the same on every retry; the portal stores an item once per key and acknowledges a repeat. A duplicate
  acknowledgement in one answer, or an acknowledgement of an event older than the one recorded, changes
  nothing here.

Registered only when ``settings.CCHC_PARTNERS["dvcqg"]["url"]`` is set (:func:`subscriber_register_if_configured`,
from ``cchc.integrations.subscribers``): without a portal nothing is queued for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from cchc.dossiers.events import DossierEvent
from cchc.integrations.client import PartnerClient, partner_max_attempts
from cchc.integrations.constants import IntegrationError, IntegrationErrorCode, Outcome, Partner
from cchc.integrations.models import Attempt, DossierSync
from cchc.integrations.national_portal.payload import RESYNC_TOPIC, SUBSCRIBER, SYNCED_TOPIC, sync_items
from cchc.outbox.models import OutboxEvent
from cchc.outbox.services import outbox_event_new

SERVICE = "DongBoHoSoMC"
TOPICS = frozenset({*(topic.value for topic in DossierEvent), RESYNC_TOPIC})


def _acknowledged(answer: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The answer's acknowledgements by ``MaGiaoDich`` (a key acknowledged twice counts once; an
    acceptance wins over a rejection of the same key)."""
    acks: dict[str, dict[str, Any]] = {}
    result = answer.get("result")
    for ack in result if isinstance(result, list) else []:
        if not isinstance(ack, dict) or not ack.get("MaGiaoDich"):
            continue
        key = str(ack["MaGiaoDich"])
        if key not in acks or str(ack.get("error_code")) == "0":
            acks[key] = ack
    return acks


def dossiers_sync(events: Sequence[OutboxEvent]) -> dict[int, str] | None:
    """Handler of ``integrations.dvcqg``: send the batch's items in one ``DongBoHoSoMC`` call; the events
    that failed, with the reason (None: all delivered)."""
    items = sync_items(events)
    to_send = [(event, items[event.pk]) for event in events if items.get(event.pk) is not None]
    if not to_send:
        return None  # nothing the portal can key (no dossier code yet): delivered, nothing sent
    dossier_ids = [int(event.payload["dossier_id"]) for event, _ in to_send]
    known = set(DossierSync.objects.filter(dossier_id__in=dossier_ids).values_list("dossier_id", flat=True))
    body = {"isUpdating": "true" if known else "false", "data": [item for _, item in to_send]}
    first = to_send[0][0]
    subject = f"dossier:{first.payload['dossier_id']}" if len(to_send) == 1 else f"{len(to_send)} hồ sơ"
    called_at = timezone.now()
    try:
        answer = PartnerClient(Partner.DVCQG).call(
            SERVICE,
            body,
            idempotency_key=str(to_send[0][1]["MaGiaoDich"]) if len(to_send) == 1 else "",  # type: ignore[index]
            subject=subject,
            event_id=first.pk,
        )
    except IntegrationError as exc:
        # returned, not raised: the handler's savepoint commits and the attempt stays on record
        return {event.pk: f"{exc.code}: {exc.message}" for event, _ in to_send}
    acks = _acknowledged(answer)
    failures: dict[int, str] = {}
    accepted: list[tuple[OutboxEvent, dict[str, Any]]] = []
    for event, item in to_send:
        assert item is not None
        ack = acks.get(str(item["MaGiaoDich"]))
        if ack is None:
            failures[event.pk] = f"Cổng DVCQG không xác nhận hồ sơ {item['MaHoSo']} (giao dịch {item['MaGiaoDich']})."
        elif str(ack.get("error_code")) != "0":
            failures[event.pk] = (
                f"Cổng DVCQG từ chối hồ sơ {item['MaHoSo']} (mã lỗi {ack.get('error_code')}): {ack.get('message', '')}"
            )
        else:
            accepted.append((event, item))
    if failures:
        _mark_attempt(first.pk, called_at, failures, accepted=len(accepted))
    now = timezone.now()
    _record(accepted, at=now)
    _announce_first_syncs(accepted, known=known, at=now)
    return failures or None


def _announce_first_syncs(accepted: list[tuple[OutboxEvent, dict[str, Any]]], *, known: set[int], at: datetime) -> None:
    """An ``integrations.dossier_synced`` event for each dossier the portal acknowledged for the first time,
    on the dossier's stream, in the handler's transaction: the indicator rollups (QĐ 766 indicator 1.4,
    "hồ sơ đã đồng bộ") follow it, so the dashboards count the dossier as synced without waiting for its
    next transition. A redelivery finds the dossier known and announces nothing twice."""
    first: dict[int, OutboxEvent] = {}
    for event, _ in accepted:
        dossier_id = int(event.payload["dossier_id"])
        if dossier_id not in known:
            first.setdefault(dossier_id, event)
    if first:
        OutboxEvent.objects.bulk_create(
            [
                outbox_event_new(
                    topic=SYNCED_TOPIC,
                    stream=event.stream,
                    payload={"dossier_id": dossier_id, "event_id": event.pk},
                    occurred_at=at,
                )
                for dossier_id, event in first.items()
            ]
        )


def _mark_attempt(event_id: int, since: datetime, failures: dict[int, str], *, accepted: int) -> None:
    """The call's attempt says which items the portal refused (the envelope was accepted, so the client
    recorded it as a success): rejected when no item was accepted, with the reasons either way."""
    attempt = (
        Attempt.objects.filter(partner=Partner.DVCQG, started_at__gte=since, operation=SERVICE, event_id=event_id)
        .order_by("-pk")
        .first()
    )
    if attempt is None:
        return
    text = f"{len(failures)} hồ sơ bị từ chối, {accepted} được nhận. " + " | ".join(failures.values())
    attempt.error_code, attempt.error = str(IntegrationErrorCode.REJECTED), text[:2000]
    if not accepted:
        attempt.outcome = Outcome.REJECTED
    attempt.save(update_fields=["outcome", "error_code", "error"])


_TABLE = DossierSync._meta.db_table
_UPSERT = (
    f"INSERT INTO {_TABLE} (dossier_id, first_synced_at, synced_at, last_event_id, status_code, sent)"
    " {values} ON CONFLICT (dossier_id) DO UPDATE SET synced_at = excluded.synced_at,"
    " last_event_id = excluded.last_event_id, status_code = excluded.status_code,"
    f" sent = {_TABLE}.sent + 1 WHERE {_TABLE}.last_event_id < excluded.last_event_id"
)


def _record(accepted: list[tuple[OutboxEvent, dict[str, Any]]], *, at: datetime) -> None:
    """Upsert what the portal acknowledged, in one statement (PostgreSQL) or one prepared statement run per
    dossier (SQLite). # idempotency: an acknowledgement of an event not newer than the recorded one (a
    redelivery, a replay) moves nothing back and counts no send.

    # performance: Django's ``bulk_update`` builds a CASE expression per row and field: it cost more than
    # building and sending the items (1.7 s of 3.5 s for 600 events, measured)."""
    if not accepted:
        return
    rows = [(int(event.payload["dossier_id"]), event.pk, int(item["TrangThaiHoSo"])) for event, item in accepted]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                _UPSERT.format(
                    values="SELECT v.dossier_id, %s, %s, v.event_id, v.code, 1"
                    " FROM unnest(%s::bigint[], %s::bigint[], %s::int[]) AS v(dossier_id, event_id, code)"
                ),
                [at, at, [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]],
            )
        else:
            moment = connection.ops.adapt_datetimefield_value(at)
            cursor.executemany(
                _UPSERT.format(values="SELECT %s, %s, %s, %s, %s, 1 WHERE true"),
                [(dossier_id, moment, moment, event_id, code) for dossier_id, event_id, code in rows],
            )


def subscriber_register() -> None:
    """Register ``integrations.dvcqg`` with the outbox (the tests call it with a simulator running)."""
    from cchc.outbox.registry import register

    register(SUBSCRIBER, topics=TOPICS, batch=True, max_attempts=partner_max_attempts())(dossiers_sync)


def subscriber_register_if_configured() -> bool:
    """Register the subscriber when the portal's address is configured (``CCHC_PARTNERS["dvcqg"]["url"]``);
    whether it was."""
    config = (getattr(settings, "CCHC_PARTNERS", {}) or {}).get(Partner.DVCQG.value) or {}
    if not config.get("url"):
        return False
    subscriber_register()
    return True
