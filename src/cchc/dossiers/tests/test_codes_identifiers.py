"""The dossier code with the receiving agency's electronic identifier (TT 01/2018/TT-VPCP Điều 19,
QĐ 20/2020/QĐ-TTg) and without one (the area code fallback); the daily sequence per unit part."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.test import Client

from cchc.dossiers.codes import receiving_unit_code
from cchc.dossiers.tests.conftest import AT, CITIZEN, receive, receive_commune
from cchc.org.identifiers import identifiers_flush, identifiers_import

CENTRE = "trung-tam-dich-vu-hanh-chinh-cong-truc-tuyen"
HEADER = "ma_co_quan,ma_dinh_danh,hieu_luc_tu,het_hieu_luc_tu,van_ban\n"
BEFORE_AND_AFTER = HEADER + f"{CENTRE},999.00.01.X99,,01/07/2025,QĐ 1\n{CENTRE},999.00.11.X99,01/07/2025,,QĐ 2\n"


@pytest.fixture(autouse=True)
def _fresh_identifiers():
    identifiers_flush()
    cache.clear()  # the portal's lookup rate limit
    yield
    identifiers_flush()
    cache.clear()


def test_without_an_identifier_the_code_starts_with_the_area_code(world):
    assert receive(world).code == "56-260105-0001"


def test_with_an_identifier_the_code_starts_with_it_and_has_its_own_sequence(world):
    # given one dossier numbered under the area code, then the centre's identifiers imported
    assert receive(world, AT).code == "56-260105-0001"
    identifiers_import(text=BEFORE_AND_AFTER)
    # when the centre receives two more that day, and the commune one
    first = receive(world, AT + timedelta(minutes=5))
    second = receive(world, AT + timedelta(minutes=10))
    commune = receive_commune(world, AT + timedelta(minutes=15))
    next_day = receive(world, AT + timedelta(days=1))
    # then the centre's codes start with its identifier valid that day, numbered from 1 again
    assert [first.code, second.code, next_day.code] == [
        "999.00.11.X99-260105-0001",
        "999.00.11.X99-260105-0002",
        "999.00.11.X99-260106-0001",
    ]
    # and an agency without an identifier keeps the fallback
    assert commune.code == "22366-260105-0001"


def test_the_unit_part_follows_the_identifier_valid_on_the_reception_day(world):
    identifiers_import(text=BEFORE_AND_AFTER)
    assert receiving_unit_code(world.centre, day=date(2025, 6, 30)) == "999.00.01.X99"
    assert receiving_unit_code(world.centre, day=date(2025, 7, 1)) == "999.00.11.X99"
    assert receiving_unit_code(world.centre) == "56"  # no day: the area code (the desk check)
    assert receiving_unit_code(world.nha_trang, day=date(2025, 7, 1)) == "22366"


def test_the_portal_finds_a_dossier_by_a_code_with_dots(client: Client, world):
    identifiers_import(text=BEFORE_AND_AFTER)
    dossier = receive(world)
    assert dossier.code == "999.00.11.X99-260105-0001"

    response = client.post("/dich-vu-cong/tra-cuu/", {"reference": dossier.code, "factor": CITIZEN.phone})

    assert response.status_code == 302
    assert response["Location"] == f"/dich-vu-cong/ho-so/{dossier.pk}/"
    staff = Client()
    staff.force_login(world.reception)
    assert staff.get(f"/mot-cua/ho-so/{dossier.code}/").status_code == 200
