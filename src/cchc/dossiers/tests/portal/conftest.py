"""Fixtures of the portal tests: uploads go to a temporary MEDIA_ROOT (``cchc.common.tests.files``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cchc.common.tests.files import media_root, pdf_bytes  # noqa: F401 (media_root: an autouse fixture)


@pytest.fixture
def pdf() -> bytes:
    return pdf_bytes()


BUILDING_PERMIT = "1.013225"  # Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ (commune level)


def import_building_permit() -> Any:
    """The demo catalogue's building-permit procedure (3 mandatory documents, 1 optional, a 75.000 đ fee)."""
    import json

    from cchc.catalogue.models import Procedure
    from cchc.catalogue.services import catalogue_import
    from cchc.dossiers.tests.conftest import PUBLISHED

    path = Path(__file__).resolve().parents[3] / "catalogue" / "data" / "demo-catalogue.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    spec = next(p for p in data["procedures"] if p["code"] == BUILDING_PERMIT)
    fields = [f for f in data["fields"] if f["code"] == spec["field"]]
    catalogue_import(
        data={
            "format": data["format"],
            "format_version": data["format_version"],
            "fields": fields,
            "procedures": [spec],
        },
        at=PUBLISHED,
    )
    return Procedure.objects.get(code=BUILDING_PERMIT)


@pytest.fixture
def building(world: Any) -> Any:
    return import_building_permit()
