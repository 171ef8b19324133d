"""The simulator's bulk path numbers dossiers as the services do when the receiving agency has an
electronic identifier (``cchc.dossiers.codes``): the same codes either way."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction

from cchc.dossiers.models import Dossier
from cchc.org.identifiers import identifiers_flush, identifiers_import

from .test_simulation import simulate

CENTRE = "trung-tam-dich-vu-hanh-chinh-cong-truc-tuyen"
IDENTIFIERS = (
    "ma_co_quan,ma_dinh_danh,hieu_luc_tu,het_hieu_luc_tu,van_ban\n"
    f"{CENTRE},999.00.11.X99,01/07/2025,,MINH HỌA - không phải văn bản thật\n"
)


@pytest.fixture(autouse=True)
def _fresh_identifiers() -> Iterator[None]:
    identifiers_flush()
    yield
    identifiers_flush()


def test_the_bulk_path_uses_the_identifier_as_the_services_do(catalogue: None) -> None:
    identifiers_import(text=IDENTIFIERS)
    with transaction.atomic():
        assert simulate(seed=14).failures == []
        services = sorted(Dossier.objects.exclude(code="").values_list("applicant_id_number", "code"))
        transaction.set_rollback(True)
    simulate(seed=14, bulk=True)
    bulk = sorted(Dossier.objects.exclude(code="").values_list("applicant_id_number", "code"))

    assert bulk == services
    assert any(code.startswith("999.00.11.X99-") for _, code in services)
    assert any(not code.startswith("999.") for _, code in services)  # the communes keep their unit code
