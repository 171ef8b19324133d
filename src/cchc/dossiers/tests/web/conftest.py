"""Fixtures of the console tests: the dossier tests' world (registry, two procedures, officers) is
inherited from ``cchc/dossiers/tests/conftest.py``; here, a client logged in as one of the officers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from cchc.accounts.otp.testing import login_verified


@pytest.fixture
def login(client: Client) -> Callable[[Any], Client]:
    """Log ``client`` in as the given user and return it (a leader with the second factor passed)."""

    def do(user: Any) -> Client:
        return login_verified(client, user)

    return do
