"""Subscribers of the outbox, registered by name (as Open Forms registers its plugins).

An app registers its subscribers in its ``AppConfig.ready()``::

    from cchc.outbox.registry import register

    @register("notifications", topics={"dossier.received", ...})
    def notify(event: OutboxEvent) -> None: ...

A subscriber's name is stable: deliveries, idempotency keys (``"<event id>:<name>"``) and dead letters
refer to it. A handler raises to fail (the event is retried with backoff, then dead-lettered); it must
tolerate a second delivery of the same event (at-least-once), for example by recording the key.

The key: the dispatcher sets ``event.idempotency_key`` (``"<event id>:<name>"``) and ``event.attempt``
(1 on the first try) on the instance before each call; ``cchc.outbox.models.idempotency_key(id, name)``
computes the same string. A handler runs inside the dispatcher's transaction, in a savepoint: its own
database writes commit with the delivery's "delivered" mark, or roll back when it raises.

A subscriber may take a batch (``batch=True``): ``handler(events: list[OutboxEvent])`` is called with up
to a batch of events (at most one per stream) and returns ``None`` (all delivered) or a mapping
``{event id: error text}`` of those that failed; raising fails them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cchc.outbox.models import OutboxEvent

Handler = Callable[["OutboxEvent"], None]
BatchHandler = Callable[[list["OutboxEvent"]], Mapping[int, str] | None]


@dataclass(frozen=True)
class Subscriber:
    name: str
    handle: Handler | BatchHandler
    topics: frozenset[str] | None  # None: every topic
    batch: bool = False  # handle(list of events) instead of handle(event)
    max_attempts: int | None = None  # attempts before a delivery is dead; None: CCHC_OUTBOX_MAX_ATTEMPTS

    def wants(self, topic: str) -> bool:
        return self.topics is None or topic in self.topics


_subscribers: dict[str, Subscriber] = {}


def register(
    name: str, *, topics: Iterable[str] | None = None, batch: bool = False, max_attempts: int | None = None
) -> Callable[[Any], Any]:
    """Register ``handler`` under ``name`` for ``topics`` (all when None). Registering a name twice
    replaces the handler (module reloads); two different apps must not share a name. ``batch``: the
    handler takes a list of events (see the module's docstring). ``max_attempts``: this subscriber's
    attempts before a delivery is dead, when it differs from ``CCHC_OUTBOX_MAX_ATTEMPTS`` (a partner
    system whose outages may last hours keeps retrying longer than an e-mail relay)."""
    if max_attempts is not None and max_attempts < 1:
        raise ValueError(f"subscriber {name!r}: max_attempts must be at least 1")
    if not name or len(name) > 64 or ":" in name:
        raise ValueError(f"subscriber name {name!r}: 1-64 characters, no ':' (it is part of the idempotency key)")

    def decorator(handler: Any) -> Any:
        _subscribers[name] = Subscriber(
            name, handler, frozenset(topics) if topics is not None else None, batch, max_attempts
        )
        return handler

    return decorator


def unregister(name: str) -> None:
    _subscribers.pop(name, None)


def subscribers() -> list[Subscriber]:
    """The registered subscribers, by name."""
    return [_subscribers[name] for name in sorted(_subscribers)]


def subscriber(name: str) -> Subscriber | None:
    return _subscribers.get(name)
