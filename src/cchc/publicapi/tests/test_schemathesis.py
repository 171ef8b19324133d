"""The public API against its own OpenAPI document (issue 17 item 8): schemathesis generates requests from
``/api/public/v1/schema/`` (data that fits it and data that does not), sends them to the platform's WSGI
application in this process with a partner's token, and runs every check it has on each answer: no
server error, only documented statuses, content types and headers, bodies that fit their schema, invalid
data refused, valid data accepted, an operation that needs a token refuses a request without one,
unsupported methods answered 405. Reproducible: derandomized, no example database."""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from cchc.publicapi.services import partner_client_create

from .test_api import ALL, token_for
from .world import World

pytestmark = pytest.mark.schemathesis

EXAMPLES = 1020  # cases generated (derandomized: always this many); the test asserts at least 1,000
SCHEMA = "/api/public/v1/schema/"


@contextmanager
def wsgi_app() -> Iterator[Any]:
    """The platform's WSGI application on the test's database connection: as Django's test client does,
    the connection is not closed at the end of each request (it holds the test's transaction). Django's
    test client reconnects the signal after each of its requests: enter this after using it."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def test_public_api_conforms_to_its_openapi_document(api_world: World) -> None:
    issued = partner_client_create(name="Hệ thống kiểm thử schemathesis", scopes=ALL)
    token = token_for(issued.client_id, issued.client_secret).json()["access_token"]
    with wsgi_app() as app:
        _fuzz(app, token)


def _fuzz(app: Any, token: str) -> None:
    schema = schemathesis.openapi.from_wsgi(SCHEMA, app)
    cases = st.one_of(schema.as_strategy(GenerationMode.POSITIVE), schema.as_strategy(GenerationMode.NEGATIVE))
    statuses: Counter[int] = Counter()
    operations: Counter[str] = Counter()

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases)
    def check(case: Any) -> None:
        response = case.call(headers={"Authorization": f"Bearer {token}"})
        statuses[response.status_code] += 1
        operations[f"{case.method} {case.path}"] += 1
        case.validate_response(response)  # every check schemathesis has; raises on the first failure

    started, cpu = time.monotonic(), time.process_time()
    check()
    elapsed, cpu = time.monotonic() - started, time.process_time() - cpu
    sent = sum(statuses.values())
    sys.stdout.write(
        f"\nschemathesis: {sent} cases in {elapsed:.1f} s ({cpu:.1f} s CPU); statuses {dict(sorted(statuses.items()))}"
    )
    sys.stdout.write("operations: " + ", ".join(f"{k} {v}" for k, v in sorted(operations.items())) + "\n")
    assert sent >= 1000
    assert not [status for status in statuses if status >= 500]
    assert len(operations) == 7  # every operation was exercised
