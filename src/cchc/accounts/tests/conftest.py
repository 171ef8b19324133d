"""Fixtures of the accounts tests: the real Khánh Hòa registry (loaded once per module) and officers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.db import transaction

from cchc.org.models import Agency

VN = ZoneInfo("Asia/Ho_Chi_Minh")
AT = datetime(2025, 8, 4, 9, 0, tzinfo=VN)
MERGER_DAY = date(2025, 7, 1)


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


def agency(code: str, on: date = MERGER_DAY) -> Agency:
    return Agency.objects.valid_on(on).get(code=code)


@pytest.fixture
def justice(registry: None) -> Agency:
    """Sở Tư pháp as it stands from 1/7/2025."""
    return agency("so-tu-phap")


@pytest.fixture
def justice_before_merger(registry: None) -> Agency:
    """Sở Tư pháp of the old Khánh Hòa, valid until 30/6/2025."""
    return agency("so-tu-phap", date(2025, 6, 30))


@pytest.fixture
def nha_trang(registry: None) -> Agency:
    """UBND phường Nha Trang, a commune-level unit formed on 1/7/2025."""
    return agency("ubnd-22366")


@pytest.fixture
def officer(db: None) -> User:
    return User.objects.create_user(username="chuyenvien01", password="x-Secret-123")


@pytest.fixture
def manager(db: None) -> User:
    return User.objects.create_user(username="quantri01", password="x-Secret-123")
