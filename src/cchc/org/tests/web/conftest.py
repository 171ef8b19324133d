"""The real agency registry, loaded once per module and rolled back afterwards."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction


@pytest.fixture(scope="module")
def registry_module(django_db_setup: None, django_db_blocker) -> Iterator[None]:
    from cchc.org.services import org_load_khanh_hoa

    with django_db_blocker.unblock(), transaction.atomic():
        org_load_khanh_hoa()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def registry(registry_module: None, db: None) -> None:
    """The Khánh Hòa units and agencies as ``cchc org load`` writes them."""
