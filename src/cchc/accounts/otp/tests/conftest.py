"""Fixtures of the second-factor tests: the Khánh Hòa registry and officers with one-stop memberships
(built here with the accounts services: the accounts layer does not import the dossiers' fixtures)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.db import transaction

from cchc.accounts.constants import Area, Role
from cchc.accounts.services import membership_grant
from cchc.org.models import Agency

PASSWORD = "x-Secret-123"
AT = datetime(2025, 12, 1, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@dataclass
class World:
    justice: Agency
    leader: User  # Lãnh đạo phê duyệt at Sở Tư pháp: needs the second factor
    commune_officer: User  # reception and leader at a commune
    specialist: User
    reception: User
    outsider: User  # no membership


def _build() -> World:
    from cchc.org.services import org_load_khanh_hoa

    org_load_khanh_hoa()
    justice = Agency.objects.valid_on(date(2026, 1, 5)).get(code="so-tu-phap")
    commune = Agency.objects.valid_on(date(2026, 1, 5)).get(code="ubnd-22366")
    users = {
        n: User.objects.create_user(username=n, password=PASSWORD)
        for n in ["lanhdao", "canboxa", "chuyenvien", "tiepnhan", "nguoingoai"]
    }
    grants: list[tuple[str, Agency, Role]] = [
        ("lanhdao", justice, Role.LEADER),
        ("canboxa", commune, Role.RECEPTION),
        ("canboxa", commune, Role.LEADER),
        ("chuyenvien", justice, Role.SPECIALIST),
        ("tiepnhan", justice, Role.RECEPTION),
    ]
    for name, agency, role in grants:
        membership_grant(
            user=users[name],
            agency=agency,
            area=Area.ONE_STOP,
            role=role,
            valid_from=date(2025, 7, 1),
            actor=None,
            at=AT,
        )
    return World(
        justice, users["lanhdao"], users["canboxa"], users["chuyenvien"], users["tiepnhan"], users["nguoingoai"]
    )


@pytest.fixture(scope="module")
def world_module(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build()
        transaction.set_rollback(True)


@pytest.fixture
def world(world_module: World, db: None) -> World:
    return world_module
