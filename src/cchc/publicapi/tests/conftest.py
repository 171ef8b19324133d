"""Fixtures of the public API's tests: the world of ``world.py``, loaded once per module, rolled back after."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings

from .world import World, build_world


@pytest.fixture(scope="module")
def world_module(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        with django_db_blocker.unblock(), transaction.atomic():
            yield build_world()
            transaction.set_rollback(True)


@pytest.fixture
def api_world(world_module: World, db: None) -> Iterator[World]:
    cache.clear()  # the look-up budgets
    yield world_module
    cache.clear()
