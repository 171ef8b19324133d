"""Work each round of the background loop does besides its own (``cchc outbox dispatch``, the
``dispatch_outbox`` task of ``cchc db_worker``).

An app that may not import the outbox (``cchc.audit`` and ``cchc.outbox`` are siblings) registers a
function here in its ``ready()`` instead, and the loop calls every registered function once per round
(today: ``audit.seal``, which gives committed unsealed audit events their place in the chain). A failing
function is logged and the round goes on: one chore never stops the deliveries.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

_chores: dict[str, Callable[[], object]] = {}


def register(name: str, chore: Callable[[], object]) -> None:
    """Run ``chore`` once per background round (registering a name again replaces its function)."""
    _chores[name] = chore


def run_chores() -> dict[str, object]:
    """Run every registered chore once; their results by name (None for one that failed, logged)."""
    results: dict[str, object] = {}
    for name, chore in list(_chores.items()):
        try:
            results[name] = chore()
        except Exception:  # a chore's failure is logged; the loop's own work goes on
            logger.exception("background chore %s failed", name)
            results[name] = None
    return results
