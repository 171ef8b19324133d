"""Shared fixtures of the web tests: the real Khánh Hòa registry and the real QĐ 4831 seed import.

``seeded`` loads once per test module inside an outer transaction that is rolled back at the end,
so each test (``db``) runs in a savepoint on top of it. Browser tests (``live_server`` needs
committed rows) use ``seeded_committed`` instead, which loads inside the transactional test.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.db import transaction

from cchc.program.models import Program

SEED = Path(__file__).resolve().parents[2] / "data" / "qd-4831-2021-khanh-hoa.txt"
IMPORTED_AT = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


def load_seed() -> Program:
    """Load the agency registry and import the founding decision through the real services."""
    from cchc.org.services import org_load_khanh_hoa
    from cchc.program.services import program_import

    org_load_khanh_hoa()
    program_import(source=SEED.read_bytes(), source_name=SEED.name, at=IMPORTED_AT)
    return Program.objects.get(number="4831/QĐ-UBND")


@pytest.fixture(scope="module")
def seeded_module(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[int]:
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        with transaction.atomic():
            program = load_seed()
            yield program.pk
            transaction.set_rollback(True)


@pytest.fixture
def seeded(seeded_module: int, db: None) -> Program:
    """The imported QĐ 4831 program (with the registry loaded), for ordinary view tests."""
    return Program.objects.get(pk=seeded_module)


@pytest.fixture
def seeded_committed(transactional_db: None) -> Program:
    """The same data committed, for the live server of the browser tests."""
    return load_seed()
