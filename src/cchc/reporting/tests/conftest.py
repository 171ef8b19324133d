"""Fixtures of the report tests: the real registry, the QĐ 4831 program, the dossier test world (a
department and a commune with officers), a Sở Nội vụ reviewer and dossiers in 2025-Q4 so the figures
are not empty; helpers that fill and send a report through the services."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.db import transaction

from cchc.accounts.constants import Area, Role
from cchc.accounts.services import membership_grant
from cchc.dossiers.tests.conftest import MERGER_DAY, PUBLISHED, World, _grant, build_world, receive, submit
from cchc.indicators.tests.conftest import apply_events
from cchc.org.models import Agency
from cchc.program.models import Program
from cchc.program.services import program_import
from cchc.program.tests.conftest import SEED_PATH
from cchc.reporting import services as s
from cchc.reporting.models import AgencyReport, ReportPeriod

VN = ZoneInfo("Asia/Ho_Chi_Minh")
KEY = "2025-Q4"  # due 15/12/2025, closes 14/01/2026
BEFORE_DUE = datetime(2025, 12, 10, 9, 0, tzinfo=VN)
AFTER_DUE = datetime(2025, 12, 20, 9, 0, tzinfo=VN)
AFTER_CLOSE = datetime(2026, 1, 15, 8, 0, tzinfo=VN)
DOSSIER_DAY = datetime(2025, 12, 2, 8, 0, tzinfo=VN)  # the test catalogue is published on 1/12/2025
PASSWORD = "x-Secret-123"


@dataclass
class RWorld:
    base: World
    program: Program
    noi_vu: Agency
    reviewer: User  # Sở Nội vụ
    justice: Agency
    officer: User  # Sở Tư pháp (the dossier world's specialist)
    commune: Agency
    commune_officer: User
    outsider: User


def build_reporting_world() -> RWorld:
    base = build_world()
    program_import(source=SEED_PATH.read_text(encoding="utf-8"), source_name=SEED_PATH.name, at=PUBLISHED)
    noi_vu = Agency.objects.valid_on(MERGER_DAY).get(code="so-noi-vu")
    reviewer = User.objects.create_user(username="noivu", password=PASSWORD, first_name="Đặng Thị Ngọc")
    membership_grant(
        user=reviewer,
        agency=noi_vu,
        area=Area.REPORTS,
        role=Role.SPECIALIST,
        valid_from=MERGER_DAY,
        actor=None,
        at=PUBLISHED,
    )
    # the dossier world's officers also write their agencies' reports: a membership for that area
    _grant(base.specialist, base.justice, Role.SPECIALIST, area=Area.REPORTS)
    _grant(base.commune_officer, base.nha_trang, Role.LEADER, area=Area.REPORTS)
    for index in range(4):  # figures for 2025-Q4: Sở Tư pháp dossiers, online and at the counter
        moment = DOSSIER_DAY + timedelta(days=index)
        (submit if index % 2 else receive)(base, moment)
    apply_events()  # the rollups follow the dossier events (the outbox's subscriber), as a deployment's do
    return RWorld(
        base=base,
        program=Program.objects.get(),
        noi_vu=noi_vu,
        reviewer=reviewer,
        justice=base.justice,
        officer=base.specialist,
        commune=base.nha_trang,
        commune_officer=base.commune_officer,
        outsider=base.outsider,
    )


@pytest.fixture(scope="module")
def rworld_module(django_db_setup: None, django_db_blocker: Any) -> Iterator[RWorld]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_reporting_world()
        transaction.set_rollback(True)


@pytest.fixture
def rw(rworld_module: RWorld, db: None) -> RWorld:
    """The reporting world (built once per module, rolled back after)."""
    return rworld_module


@pytest.fixture
def period(rw: RWorld) -> ReportPeriod:
    return s.report_period_open(key=KEY, actor=rw.reviewer, at=PUBLISHED)


def filled(report: AgencyReport, tag: str = "") -> s.ReportContent:
    """Every area with its four texts (``tag`` makes them recognisable)."""
    sections = {
        section.area_id: s.SectionInput(
            work_done=f"Triển khai {section.area.name.lower()} {tag}".strip(),
            results=f"Kết quả {section.area.number} {tag}".strip(),
            difficulties=f"Khó khăn {section.area.number} {tag}".strip() if section.area.number == 2 else "",
            proposals=f"Đề xuất {section.area.number} {tag}".strip() if section.area.number == 6 else "",
        )
        for section in report.sections.select_related("area")
    }
    return s.ReportContent(sections=sections, general=f"Đánh giá chung {tag}".strip())


def sent_report(
    rw: RWorld, period: ReportPeriod, *, agency: Agency | None = None, at: datetime = BEFORE_DUE
) -> AgencyReport:
    agency = agency or rw.justice
    officer = rw.officer if agency == rw.justice else rw.commune_officer
    report = s.agency_report_start(period=period, agency=agency, actor=officer, at=at - timedelta(hours=2))
    return s.agency_report_submit(report=report, content=filled(report, agency.name), actor=officer, at=at)
