"""Fixtures of the survey tests: the dossier tests' world (real Khánh Hòa registry, two procedures, officers),
the shipped questionnaire and one campaign, all made through the services."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User

from cchc.accounts.constants import Area, Role
from cchc.accounts.services import membership_grant
from cchc.dossiers.tests.conftest import AT, MERGER_DAY, PUBLISHED, World, _grant, world_module  # noqa: F401 (fixture)
from cchc.org.models import Agency
from cchc.surveys.models import Campaign, Question, Questionnaire
from cchc.surveys.services import SHIPPED_QUESTIONNAIRE, campaign_create, questionnaire_import

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CAMPAIGN_START = date(2026, 1, 1)
CAMPAIGN_END = date(2026, 3, 31)


@pytest.fixture
def world(world_module: World, db: None) -> World:  # noqa: F811 (wraps the imported module fixture)
    """The dossier tests' world (loaded once per module, rolled back after), whose Sở Tư pháp specialist
    and commune officer also enter survey forms for their agencies (a membership for the surveys area,
    rolled back after each test)."""
    _grant(world_module.specialist, world_module.justice, Role.SPECIALIST, area=Area.SURVEYS)
    _grant(world_module.commune_officer, world_module.nha_trang, Role.SPECIALIST, area=Area.SURVEYS)
    return world_module


def shipped_data() -> dict[str, Any]:
    return json.loads(SHIPPED_QUESTIONNAIRE.read_text(encoding="utf-8"))


def all_answers(questionnaire: Questionnaire, value: int = 5, *, optional: bool = True) -> dict[str, object]:
    """An answer for every criterion (optional ones too unless ``optional=False``)."""
    return {
        q.code: value for q in Question.objects.filter(factor__questionnaire=questionnaire) if optional or q.required
    }


@pytest.fixture
def questionnaire(world: World) -> Questionnaire:
    return questionnaire_import(data=shipped_data(), at=PUBLISHED).questionnaire


@pytest.fixture
def campaign(world: World, questionnaire: Questionnaire) -> Campaign:
    """Q1/2026, about Sở Tư pháp and UBND phường Nha Trang, 50 forms."""
    return campaign_create(
        code="quy-1-2026",
        name="Khảo sát quý I/2026",
        questionnaire=questionnaire,
        starts_on=CAMPAIGN_START,
        ends_on=CAMPAIGN_END,
        sample_target=50,
        agencies=[world.justice, world.nha_trang],
        actor=None,
        at=datetime(2025, 12, 20, 9, 0, tzinfo=VN),
    )


@pytest.fixture
def home_affairs_officer(world: World) -> User:
    """A specialist of Sở Nội vụ, which runs the measurement for the province."""
    user = User.objects.create_user(username="noivu", password="x-Secret-123")
    agency = Agency.objects.valid_on(AT.date()).get(code="so-noi-vu")
    membership_grant(
        user=user,
        agency=agency,
        area=Area.SURVEYS,
        role=Role.SPECIALIST,
        valid_from=MERGER_DAY,
        actor=None,
        at=PUBLISHED,
    )
    return user
