"""Fixtures of the feedback tests: the dossier tests' world (the real Khánh Hòa registry, two procedures,
officers with memberships) plus an officer of Văn phòng UBND tỉnh (the TTHC control unit), and helpers
that file feedback and drive it through the services."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import transaction

from cchc.accounts.constants import Area, Role
from cchc.dossiers.tests.conftest import AT, MERGER_DAY, World, _grant, build_world, receive
from cchc.feedback import services as s
from cchc.feedback.constants import Classification
from cchc.feedback.models import Feedback
from cchc.org.models import Agency

CITIZEN = s.Submitter(name="Trần Văn Bình", phone="0905 123 456", email="binh@example.vn")
SUBJECT = "Thời gian cấp Phiếu lý lịch tư pháp quá dài"
CONTENT = "Tôi nộp hồ sơ cấp Phiếu lý lịch tư pháp đã quá hẹn trả nhưng chưa nhận được kết quả, đề nghị kiểm tra."
ANSWER = "Sở Tư pháp đã kiểm tra, hồ sơ chậm do phải xác minh; kết quả đã được trả và Sở xin lỗi ông."


@dataclass
class FeedbackWorld:
    base: World
    control_unit: Agency  # Văn phòng UBND tỉnh, the province's TTHC control unit (handles all feedback)
    control_officer: User  # its specialist: sees and handles every agency's feedback

    @property
    def justice(self) -> Agency:
        return self.base.justice

    @property
    def nha_trang(self) -> Agency:
        return self.base.nha_trang

    @property
    def officer(self) -> User:
        """Specialist at Sở Tư pháp."""
        return self.base.specialist

    @property
    def outsider(self) -> User:
        return self.base.outsider


def build_feedback_world() -> FeedbackWorld:
    from cchc.accounts.services import membership_grant

    base = build_world()
    control_unit = Agency.objects.valid_on(AT.date()).get(code="van-phong-ubnd")
    officer = User.objects.create_user(username="vpubnd", password="x-Secret-123", first_name="Đặng Ngọc")
    membership_grant(
        user=officer,
        agency=control_unit,
        area=Area.FEEDBACK,
        role=Role.SPECIALIST,
        valid_from=MERGER_DAY,
        actor=None,
        at=AT,
    )
    # the dossier world's officers also handle their agencies' feedback: a membership for that area
    _grant(base.specialist, base.justice, Role.SPECIALIST, area=Area.FEEDBACK)
    _grant(base.leader, base.justice, Role.LEADER, area=Area.FEEDBACK)
    _grant(base.commune_officer, base.nha_trang, Role.LEADER, area=Area.FEEDBACK)
    return FeedbackWorld(base=base, control_unit=control_unit, control_officer=officer)


@pytest.fixture(scope="module")
def fworld_module(django_db_setup: None, django_db_blocker: Any) -> Iterator[FeedbackWorld]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_feedback_world()
        transaction.set_rollback(True)


@pytest.fixture
def fw(fworld_module: FeedbackWorld, db: None) -> FeedbackWorld:
    """The registry, the officers and the TTHC control unit (loaded once per module, rolled back after each module)."""
    return fworld_module


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def file(fw: FeedbackWorld, at: datetime = AT, **kwargs: Any) -> Feedback:
    """A feedback about Sở Tư pháp filed by the test citizen at ``at``."""
    args: dict[str, Any] = {
        "submitter": CITIZEN,
        "subject": SUBJECT,
        "content": CONTENT,
        "agency": fw.justice,
        "at": at,
    }
    args.update(kwargs)
    return s.feedback_submit(**args).feedback


def to_published(fw: FeedbackWorld, at: datetime = AT, **kwargs: Any) -> Feedback:
    """Filed at ``at``, assigned an hour later, answered the next day, published the day after."""
    fb = file(fw, at, **kwargs)
    fb = s.feedback_assign(
        feedback=fb, actor=fw.officer, classification=Classification.REGULATION, at=at + timedelta(hours=1)
    )
    fb = s.feedback_answer(feedback=fb, actor=fw.officer, answer=ANSWER, at=at + timedelta(days=1))
    return s.feedback_publish(feedback=fb, actor=fw.officer, at=at + timedelta(days=2))


def dossier_with_code(fw: FeedbackWorld) -> Any:
    return receive(fw.base)
