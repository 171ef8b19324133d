"""Fixtures of the plan tests: the real Khánh Hòa registry, the real QĐ 4831 import, the 2026 plans
generated from it, and officers at a lead agency, at Sở Nội vụ and at an unrelated agency.

``plans`` loads once per test module inside an outer transaction rolled back at the end (each test
runs in a savepoint on top of it); browser tests build the same world committed (``build_plans``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from cchc.accounts.constants import Area, Role
from cchc.accounts.services import membership_grant
from cchc.org.models import Agency
from cchc.plans.models import Assignment
from cchc.plans.services import plan_generate
from cchc.program.models import Program
from cchc.program.tests.web.conftest import load_seed

User = get_user_model()
GENERATED_AT = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)  # 08:00 in Hà Nội time, Monday 5/1/2026
AT = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
MERGER_DAY = date(2025, 7, 1)
PASSWORD = "x-Secret-123"


@dataclass
class PlanWorld:
    program: Program
    justice: Agency  # Sở Tư pháp (lead of appendix tasks 1 and 13)
    home: Agency  # Sở Nội vụ
    finance: Agency  # Sở Tài chính
    officer: Any  # specialist at Sở Tư pháp
    reviewer: Any  # specialist at Sở Nội vụ
    outsider: Any  # specialist at Sở Tài chính
    nobody: Any  # no membership


def agency_now(code: str, on: date = date(2026, 1, 5)) -> Agency:
    return Agency.objects.valid_on(on).get(code=code)


def build_plans() -> PlanWorld:
    program = load_seed()
    plan_generate(year=2026, at=GENERATED_AT)
    justice, home, finance = agency_now("so-tu-phap"), agency_now("so-noi-vu"), agency_now("so-tai-chinh")
    users = {}
    for name, agency, email in [
        ("canbo.stp", justice, "canbo.stp@khanhhoa.gov.vn"),
        ("canbo.snv", home, "canbo.snv@khanhhoa.gov.vn"),
        ("canbo.stc", finance, "canbo.stc@khanhhoa.gov.vn"),
        ("nguoingoai", None, ""),
    ]:
        user = User.objects.create_user(username=name, password=PASSWORD, email=email)
        users[name] = user
        if agency is not None:
            membership_grant(
                user=user,
                agency=agency,
                area=Area.PLANS,
                role=Role.SPECIALIST,
                valid_from=MERGER_DAY,
                actor=None,
                at=GENERATED_AT,
            )
    return PlanWorld(
        program=program,
        justice=justice,
        home=home,
        finance=finance,
        officer=users["canbo.stp"],
        reviewer=users["canbo.snv"],
        outsider=users["canbo.stc"],
        nobody=users["nguoingoai"],
    )


@pytest.fixture(scope="module")
def plans_module(django_db_setup: None, django_db_blocker: Any) -> Iterator[PlanWorld]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_plans()
        transaction.set_rollback(True)


@pytest.fixture
def plans(plans_module: PlanWorld, db: None) -> PlanWorld:
    return plans_module


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root


def task_item(w: PlanWorld, number: int, agency: Agency | None = None, year: int = 2026) -> Assignment:
    """The lead agency's assignment for appendix task ``number``."""
    return Assignment.objects.get(year=year, lead_agency=agency or w.justice, source_key=f"t{w.program.pk}-{number}")


def pdf_bytes() -> bytes:
    from cchc.plans.demo import demo_pdf

    return demo_pdf("Bao cao ket qua")
