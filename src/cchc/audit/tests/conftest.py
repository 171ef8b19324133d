"""Fixtures of the audit tests: targets are auth groups and users (the audit layer sits below org)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, User

VN = ZoneInfo("Asia/Ho_Chi_Minh")
AT = datetime(2025, 4, 26, 8, 30, tzinfo=VN)  # a swapped working Saturday


@pytest.fixture
def group(db: None) -> Group:
    return Group.objects.create(name="Bộ phận một cửa")


@pytest.fixture
def officer(db: None) -> User:
    return User.objects.create_user(username="tiepnhan01", password="x-Secret-123")
