"""Fixtures of the target tests: the dossier tests' world (registry, procedures, officers) and the
shipped program imported and linked through the services."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction

from cchc.accounts.constants import Area, Role
from cchc.accounts.services import membership_grant
from cchc.common.tests.files import media_root  # noqa: F401
from cchc.dossiers.tests.conftest import MERGER_DAY, PUBLISHED, World, build_world
from cchc.org.models import Agency
from cchc.program.models import Program
from cchc.program.services import program_import
from cchc.program.targets.services import target_links_sync
from cchc.program.tests.conftest import SEED_PATH

LINKED_AT = datetime(2026, 1, 2, 8, 0, tzinfo=UTC)


def build_program(world: World) -> tuple[Program, User]:
    """The seed program imported and linked, and an officer of Sở Nội vụ (today)."""
    program = program_import(source=SEED_PATH.read_bytes(), source_name=SEED_PATH.name, at=LINKED_AT).program
    target_links_sync(program=program, at=LINKED_AT)
    officer = User.objects.create_user(username="chuyenvien.snv", password="x-Secret-123")
    home = Agency.objects.valid_on(MERGER_DAY).get(code="so-noi-vu")
    membership_grant(
        user=officer,
        agency=home,
        area=Area.PLANS,
        role=Role.SPECIALIST,
        valid_from=MERGER_DAY,
        actor=None,
        at=PUBLISHED,
    )
    return program, officer


@pytest.fixture(scope="module")
def targets_module(django_db_setup: None, django_db_blocker: Any) -> Iterator[tuple[World, Program, User]]:
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        program, officer = build_program(world)
        yield world, program, officer
        transaction.set_rollback(True)


@pytest.fixture
def world(targets_module: tuple[World, Program, User], db: None) -> World:
    return targets_module[0]


@pytest.fixture
def program(targets_module: tuple[World, Program, User], db: None) -> Program:
    return targets_module[1]


@pytest.fixture
def snv_officer(targets_module: tuple[World, Program, User], db: None) -> User:
    return targets_module[2]
