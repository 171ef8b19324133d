"""Fixtures of the documents tests: dossiers with each history, built through the real services
(the ``world`` fixture and drivers come from ``cchc/dossiers/tests/conftest.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from io import BytesIO

import pytest
from django.core.cache import cache
from pypdf import PdfReader

from cchc.dossiers import services as s
from cchc.dossiers.constants import DossierStatus
from cchc.dossiers.models import Dossier
from cchc.dossiers.tests.conftest import AT, VN, World, to_status
from cchc.org.models import Signatory
from cchc.org.services import MERGER_DAY

A5 = (419.53, 595.28)  # points
A4 = (595.28, 841.89)
A4_LANDSCAPE = (841.89, 595.28)


def read_pdf(content: bytes) -> PdfReader:
    assert content.startswith(b"%PDF-")
    return PdfReader(BytesIO(content))


def pdf_text(content: bytes) -> str:
    """The text of every page, with runs of white space folded to one space."""
    reader = read_pdf(content)
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def page_size(content: bytes) -> tuple[float, float]:
    box = read_pdf(content).pages[0].mediabox
    return (round(float(box.width), 2), round(float(box.height), 2))


def extended(w: World) -> Dossier:
    """A dossier in process with an apology and a new appointment (form 04)."""
    dossier = to_status(w, DossierStatus.IN_PROCESS)
    s.dossier_apologise_extend(
        dossier=dossier,
        actor=w.leader,
        at=AT + timedelta(days=3),
        new_due_at=datetime(2026, 1, 20, 16, 30, tzinfo=VN),
        reason="Cần xác minh thông tin tại cơ quan công an.",
    )
    dossier.refresh_from_db()
    return dossier


@pytest.fixture(autouse=True)
def signatories(request: pytest.FixtureRequest) -> list[Signatory]:
    """The officers who sign the letters of Sở Tư pháp and of UBND phường Nha Trang (a deputy each)."""
    if "world" not in request.fixturenames:
        return []
    w: World = request.getfixturevalue("world")
    return [
        Signatory.objects.create(
            agency=w.justice,
            full_name="Trần Văn Bình",
            position="Phó Giám đốc",
            head_position="Giám đốc",
            valid_from=MERGER_DAY,
        ),
        Signatory.objects.create(
            agency=w.nha_trang,
            full_name="Lê Thị Hoa",
            position="Phó Chủ tịch",
            head_position="Chủ tịch",
            valid_from=MERGER_DAY,
        ),
    ]


@pytest.fixture
def returned(world: World) -> Dossier:
    return to_status(world, DossierStatus.RETURNED)


@pytest.fixture(autouse=True)
def _fresh_lookup_throttle() -> Iterator[None]:
    """The look-up throttle counts in the cache: each test starts with no failed look-ups."""
    cache.clear()
    yield
    cache.clear()
