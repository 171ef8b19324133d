"""The dashboards' test world: the real Khánh Hòa registry, the demo catalogue published on 1/7/2025
and a quarter of simulated one-stop-shop traffic (fixed seed), loaded once per module."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from cchc.indicators.tests.conftest import apply_events

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PUBLISHED = datetime(2025, 7, 1, 0, 0, tzinfo=VN)
SEED = 11
COUNT = 90


def build_simulated() -> None:
    from cchc.catalogue.services import catalogue_import_demo
    from cchc.dossiers.simulation import dossiers_simulate
    from cchc.org.services import org_load_khanh_hoa

    org_load_khanh_hoa()
    catalogue_import_demo(at=PUBLISHED)
    dossiers_simulate(count=COUNT, start=date(2025, 7, 1), end=date(2025, 9, 30), seed=SEED)
    apply_events()


@pytest.fixture(scope="module")
def simulated_module(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[None]:
    from django.test import override_settings

    # the services path scans the counter papers and stores the uploads (issue 16): not in var/media
    media = override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media")))
    with media, django_db_blocker.unblock(), transaction.atomic():
        build_simulated()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def simulated(simulated_module: None, db: None) -> None:
    """Registry, demo catalogue and simulated Q3/2025 dossiers (rolled back after the module)."""
