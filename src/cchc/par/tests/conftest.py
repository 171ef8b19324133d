"""Fixtures of the PAR tests: the dossier tests' world (real Khánh Hòa registry, two procedures,
officers) plus a Sở Nội vụ officer, a small index set and an open round of 2026."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from cchc.accounts.constants import Area, Role
from cchc.dossiers.tests.conftest import World, build_world
from cchc.dossiers.tests.conftest import _grant as grant
from cchc.org.models import Agency
from cchc.par import services as s
from cchc.par.importer import parse_index_data
from cchc.par.models import Assessment, AssessmentRound, IndexSet, Score

VN = ZoneInfo("Asia/Ho_Chi_Minh")
AT = datetime(2026, 1, 12, 9, 0, tzinfo=VN)
OPENED = date(2026, 1, 5)
DEADLINE = date(2026, 1, 31)
APPRAISAL_DEADLINE = date(2026, 2, 28)
FINANCE = "so-tai-chinh"


def small_set(**overrides: Any) -> dict[str, Any]:
    """A 10-point index: field 1 self-assessed (with sub-criteria), field 2 survey + computed."""
    data: dict[str, Any] = {
        "format": "cchc-par-index",
        "format_version": 1,
        "code": "thu-nghiem",
        "name": "Bộ chỉ số thử nghiệm",
        "year": 2026,
        "audience": "department",
        "legal_basis": "Thử nghiệm",
        "grades": {"tot": 90, "kha": 70, "trung_binh": 50},
        "max_points": 10,
        "fields": [
            {
                "code": "1",
                "name": "Chỉ đạo, điều hành",
                "max_points": 6,
                "criteria": [
                    {
                        "code": "1.1",
                        "name": "Kế hoạch CCHC",
                        "max_points": 4,
                        "sub_criteria": [
                            {"code": "1.1.1", "name": "Ban hành kế hoạch", "max_points": 1.5, "method": "self"},
                            {"code": "1.1.2", "name": "Hoàn thành kế hoạch", "max_points": 2.5},
                        ],
                    },
                    {"code": "1.2", "name": "Báo cáo định kỳ", "max_points": 2, "guidance": "Đủ, đúng hạn: 2."},
                ],
            },
            {
                "code": "2",
                "name": "Tác động",
                "max_points": 4,
                "criteria": [
                    {"code": "2.1", "name": "Hài lòng (SIPAS)", "max_points": 2, "method": "survey"},
                    {
                        "code": "2.2",
                        "name": "Giải quyết đúng hạn",
                        "max_points": 2,
                        "method": "computed",
                        "indicator": "PROGRESS_ON_TIME",
                    },
                ],
            },
        ],
    }
    data.update(overrides)
    return data


@dataclass
class ParWorld:
    w: World
    home_affairs: Agency
    finance: Agency
    appraiser: User  # officer at Sở Nội vụ
    finance_officer: User
    index_set: IndexSet
    round: AssessmentRound

    @property
    def justice(self) -> Agency:
        return self.w.justice

    @property
    def officer(self) -> User:
        """An officer of Sở Tư pháp (the specialist of the dossier world)."""
        return self.w.specialist

    def assessment(self, agency: Agency) -> Assessment:
        return Assessment.objects.get(round=self.round, agency=agency)

    def score(self, agency: Agency, code: str) -> Score:
        return Score.objects.select_related("criterion").get(
            assessment__round=self.round, assessment__agency=agency, criterion__code=code
        )


def build_par_world(
    *, at: datetime = AT, opened: date = OPENED, deadline: date = DEADLINE, appraisal: date = APPRAISAL_DEADLINE
) -> ParWorld:
    w = build_world()
    day = at.date()
    home_affairs = Agency.objects.valid_on(day).get(code="so-noi-vu")
    finance = Agency.objects.valid_on(day).get(code=FINANCE)
    appraiser = User.objects.create_user(username="noivu", password="x-Secret-123", first_name="Đặng Thị Mai")
    finance_officer = User.objects.create_user(username="taichinh", password="x-Secret-123")
    grant(appraiser, home_affairs, Role.SPECIALIST, area=Area.PAR)
    grant(finance_officer, finance, Role.SPECIALIST, area=Area.PAR)
    grant(w.specialist, w.justice, Role.SPECIALIST, area=Area.PAR)  # the officer of ParWorld
    index_set = s.index_set_import(spec=parse_index_data(small_set()), actor=None, at=at).index_set
    round_ = s.round_open(
        index_set=index_set,
        year=opened.year,
        opened_on=opened,
        self_deadline=deadline,
        appraisal_deadline=appraisal,
        agencies=[w.justice, finance],
        actor=appraiser,
        at=at,
    )
    return ParWorld(w, home_affairs, finance, appraiser, finance_officer, index_set, round_)


@pytest.fixture(scope="module")
def par_world_module(django_db_setup: None, django_db_blocker: Any) -> Iterator[ParWorld]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_par_world()
        transaction.set_rollback(True)


@pytest.fixture
def pw(par_world_module: ParWorld, db: None) -> ParWorld:
    """The registry, officers, the small index set and the open 2026 round (built once per module)."""
    return par_world_module


# --- files ------------------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def pdf_file(name: str = "ke-hoach.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def xlsx_file(name: str = "so-lieu.xlsx") -> SimpleUploadedFile:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Chỉ tiêu", "Kết quả"])  # type: ignore[union-attr]
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/octet-stream")


def fake_pdf(name: str = "bao-cao.pdf") -> SimpleUploadedFile:
    """An HTML page renamed .pdf: refused by content."""
    return SimpleUploadedFile(name, b"<html><script>alert(1)</script></html>", content_type="application/pdf")


def self_score_all(pw: ParWorld, agency: Agency, user: User, points: dict[str, str]) -> None:
    from decimal import Decimal

    for code, value in points.items():
        s.score_self(score=pw.score(agency, code), points=Decimal(value), comment="", actor=user, at=AT)
