"""Subscribers of the outbox, registered by name (as Open Forms registers its plugins).

An app registers its subscribers in its ``AppConfig.ready()``::

    from cchc.outbox.registry import register

    @register("notifications", topics={"dossier.received", ...})
    def notify(event: OutboxEvent) -> None: ...

A subscriber's name is stable: deliveries, idempotency keys (``"<event id>:<name>"``) and dead letters
refer to it. A handler raises to fail (the event is retried with backoff, then dead-lettered); it must
tolerate a second delivery of the same event (at-least-once), for example by recording the key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cchc.outbox.models import OutboxEvent

Handler = Callable[["OutboxEvent"], None]


@dataclass(frozen=True)
class Subscriber:
    name: str
    handle: Handler
    topics: frozenset[str] | None  # None: every topic

    def wants(self, topic: str) -> bool:
        return self.topics is None or topic in self.topics


_subscribers: dict[str, Subscriber] = {}


def register(name: str, *, topics: Iterable[str] | None = None) -> Callable[[Handler], Handler]:
    """Register ``handler`` under ``name`` for ``topics`` (all when None). Registering a name twice
    replaces the handler (module reloads); two different apps must not share a name."""

    def decorator(handler: Handler) -> Handler:
        _subscribers[name] = Subscriber(name, handler, frozenset(topics) if topics is not None else None)
        return handler

    return decorator


def unregister(name: str) -> None:
    _subscribers.pop(name, None)


def subscribers() -> list[Subscriber]:
    """The registered subscribers, by name."""
    return [_subscribers[name] for name in sorted(_subscribers)]


def subscriber(name: str) -> Subscriber | None:
    return _subscribers.get(name)
