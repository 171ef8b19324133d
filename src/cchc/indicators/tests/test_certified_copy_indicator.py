"""QĐ 766 ELECTRONIC_CERTIFIED_COPY (issue 16 item 6) from the catalogue in force: units offering the
electronic certified copy from originals over units with authority to certify copies (the communes'
People's Committees holding the certification procedure). Province, one commune offering it, one not."""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from cchc.catalogue.constants import CERTIFIED_COPY_TYPE, ELECTRONIC_CERTIFIED_COPY_TYPE
from cchc.catalogue.services import catalogue_import
from cchc.dossiers.tests.conftest import NHA_TRANG, PUBLISHED, World
from cchc.dossiers.tests.test_certified_copy import COPY_PROCEDURE
from cchc.indicators.compute import indicators_compute
from cchc.indicators.constants import Source, Status
from cchc.indicators.definitions import BY_CODE
from cchc.indicators.scopes import Scope
from cchc.indicators.tests.test_compute import CLOSE, JANUARY
from cchc.org.constants import AgencyKind, Level
from cchc.org.models import Agency

CODE = "ELECTRONIC_CERTIFIED_COPY"


def _catalogue() -> dict[str, Any]:
    paper = deepcopy(COPY_PROCEDURE)
    paper.update(
        code="2.000815",
        code_status="secondary",
        name="Chứng thực bản sao từ bản chính",
        service_type="truc_tiep",
        result={"document_type": CERTIFIED_COPY_TYPE, "name": "Bản sao được chứng thực từ bản chính"},
    )
    electronic = deepcopy(COPY_PROCEDURE)
    electronic["competent_agencies"] = [{"agency": NHA_TRANG}]  # offered by one commune only
    assert electronic["result"]["document_type"] == ELECTRONIC_CERTIFIED_COPY_TYPE
    return {
        "format": "cchc-catalogue",
        "format_version": 1,
        "fields": [{"code": "HOTICH", "name": "Hộ tịch"}],
        "procedures": [paper, electronic],
    }


def test_units_offering_the_electronic_certified_copy_over_certifying_units(world: World) -> None:
    assert BY_CODE[CODE].source == Source.CATALOGUE
    assert BY_CODE[CODE].has_data
    empty = indicators_compute(period=JANUARY, at=CLOSE).results[CODE]
    assert (empty.status, empty.denominator) == (Status.EMPTY, 0)  # no certifying unit: N/A, not 0

    catalogue_import(data=_catalogue(), at=PUBLISHED)
    communes = Agency.objects.valid_on(CLOSE.date()).filter(kind=AgencyKind.PEOPLES_COMMITTEE, level=Level.COMMUNE)
    province = indicators_compute(period=JANUARY, at=CLOSE).results[CODE]
    assert (province.status, province.numerator, province.denominator) == (Status.COMPUTED, 1, communes.count())

    offering = indicators_compute(period=JANUARY, scope=Scope(agency=NHA_TRANG), at=CLOSE).results[CODE]
    assert (offering.numerator, offering.denominator, offering.score) == (1, 1, 2)
    other = communes.exclude(code=NHA_TRANG).order_by("code").first()
    assert other is not None
    not_offering = indicators_compute(period=JANUARY, scope=Scope(agency=other.code), at=CLOSE).results[CODE]
    assert (not_offering.numerator, not_offering.denominator, not_offering.score) == (0, 1, 0)
