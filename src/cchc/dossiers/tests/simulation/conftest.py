"""Fixtures of the simulator tests: the real registry and the demo catalogue published on 1/7/2025."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PUBLISHED = datetime(2025, 7, 1, 0, 0, tzinfo=VN)


@pytest.fixture(scope="module")
def catalogue_module(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    from cchc.catalogue.services import catalogue_import_demo
    from cchc.org.services import org_load_khanh_hoa

    with django_db_blocker.unblock(), transaction.atomic():
        org_load_khanh_hoa()
        catalogue_import_demo(at=PUBLISHED)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def catalogue(catalogue_module: None, db: None) -> None:
    """The Khánh Hòa registry and the demo catalogue (loaded once per module, rolled back after)."""


@pytest.fixture(autouse=True)
def simulation_media(settings: Any, tmp_path: Any) -> None:
    """The services path writes scans, uploads and signed results (issue 16): under the test's own
    directory, never var/media; no signing certificates unless a test creates them."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.CCHC_SIGNING_DIR = tmp_path / "signing"
    settings.CCHC_SIGNING_TRUST_ROOTS = []
