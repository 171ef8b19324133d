"""Writes every form to $CCHC_DOCS_PREVIEW (when set) so a person can look at the PNGs."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from cchc.dossiers.constants import DossierStatus
from cchc.dossiers.documents.selectors import dossier_form_pdf, dossier_register_pdf, dossier_register_xlsx
from cchc.dossiers.tests.conftest import World, receive_commune, to_status
from cchc.dossiers.tests.documents.conftest import extended

OUT = os.environ.get("CCHC_DOCS_PREVIEW")


@pytest.mark.skipif(not OUT, reason="preview only")
def test_write_previews(world: World) -> None:
    out = Path(OUT or ".")
    out.mkdir(parents=True, exist_ok=True)
    returned = to_status(world, DossierStatus.RETURNED)
    (out / "f01.pdf").write_bytes(dossier_form_pdf(dossier=returned, form=1))
    (out / "f06.pdf").write_bytes(dossier_form_pdf(dossier=returned, form=6))
    (out / "f01-xa.pdf").write_bytes(dossier_form_pdf(dossier=receive_commune(world), form=1))
    (out / "f02.pdf").write_bytes(
        dossier_form_pdf(dossier=to_status(world, DossierStatus.SUPPLEMENT_REQUESTED), form=2)
    )
    (out / "f03.pdf").write_bytes(dossier_form_pdf(dossier=to_status(world, DossierStatus.REFUSED), form=3))
    (out / "f04.pdf").write_bytes(dossier_form_pdf(dossier=extended(world), form=4))
    (out / "f05.pdf").write_bytes(dossier_form_pdf(dossier=to_status(world, DossierStatus.STOPPED), form=5))
    (out / "f07.pdf").write_bytes(
        dossier_register_pdf(agency=world.centre, start=date(2026, 1, 1), end=date(2026, 1, 31))
    )
    (out / "f07.xlsx").write_bytes(
        dossier_register_xlsx(agency=world.centre, start=date(2026, 1, 1), end=date(2026, 1, 31))
    )
