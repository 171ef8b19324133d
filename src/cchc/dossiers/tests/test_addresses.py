"""Issue 18 item 3: the dossier keeps the address as written and the unit in force today it belongs to, on every
creation path (portal, counter, staff API); the forms' address fragment (htmx) shows the unit and suggests the
commune; the pages and the API show it; ``cchc dossiers addresses`` resolves the addresses already stored."""

from __future__ import annotations

import re
from dataclasses import replace
from io import StringIO
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from cchc.accounts.otp.testing import login_verified
from cchc.common.tests.files import pdf_bytes, upload
from cchc.dossiers import services as s
from cchc.dossiers.lookups import ADDRESS_LIMIT
from cchc.dossiers.models import Dossier
from cchc.dossiers.tests.conftest import AT, CITIZEN, World
from cchc.org.models import Agency

pytestmark = pytest.mark.django_db

OLD = "Thị trấn Vạn Giã, huyện Vạn Ninh"  # Khánh Hòa before 1/7/2025: now Xã Vạn Ninh (NQ 1667/NQ-UBTVQH15)
DIVIDED = "Phường Đông Hải, thành phố Phan Rang - Tháp Chàm"  # divided: Phường Đông Hải and Xã Phước Dinh
NOWHERE = "Số 5 đường Không Tên"
FRAGMENT = "/dich-vu-cong/dia-chi/"


@pytest.fixture(autouse=True)
def _clear_cache() -> Any:
    cache.clear()  # the address look-ups' rate limit lives in the cache
    yield
    cache.clear()


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def resolved(dossier: Dossier) -> tuple[str, str, str, list[dict[str, str]]]:
    dossier.refresh_from_db()
    return (
        dossier.applicant_address_status,
        dossier.applicant_unit_code,
        dossier.applicant_unit_name,
        dossier.applicant_unit_candidates,
    )


def ubnd(name: str) -> Agency:
    return Agency.objects.valid_on(AT.date()).get(kind="ubnd", unit__name=name, unit__valid_to__isnull=True)


# --- the services: one place for every path ------------------------------------------------------------


def test_an_old_address_is_kept_as_written_beside_the_unit_in_force_today(world: World) -> None:
    dossier = s.dossier_receive_counter(
        procedure=world.province_procedure,
        applicant=replace(CITIZEN, address=f"12 Hùng Vương,  {OLD}"),
        receiving_agency=world.centre,
        competent_agency=world.justice,
        actor=world.reception,
        at=AT,
    )
    assert resolved(dossier) == ("resolved", "22489", "Xã Vạn Ninh", [])
    assert dossier.applicant_address == f"12 Hùng Vương, {OLD}"  # as written (spaces folded), never rewritten


def test_an_address_in_a_divided_commune_stays_unresolved_with_its_candidates(world: World) -> None:
    dossier = s.dossier_submit_online(
        procedure=world.province_procedure,
        applicant=replace(CITIZEN, address=DIVIDED),
        receiving_agency=world.centre,
        competent_agency=world.justice,
        at=AT,
    )
    assert resolved(dossier) == (
        "ambiguous",
        "",
        "",
        [{"code": "22779", "name": "Phường Đông Hải"}, {"code": "22903", "name": "Xã Phước Dinh"}],
    )


@pytest.mark.parametrize(("address", "status"), [(NOWHERE, "unknown"), ("", "")])
def test_an_unknown_address_and_no_address(world: World, address: str, status: str) -> None:
    dossier = s.dossier_submit_online(
        procedure=world.province_procedure,
        applicant=replace(CITIZEN, address=address),
        receiving_agency=world.centre,
        competent_agency=world.justice,
        at=AT,
    )
    assert resolved(dossier) == (status, "", "", [])
    assert dossier.applicant_address == address


def test_a_misconfigured_province_never_stops_a_dossier(world: World, settings: Any) -> None:
    settings.CCHC_PROVINCE_CODE = "99"
    dossier = s.dossier_submit_online(
        procedure=world.province_procedure,
        applicant=replace(CITIZEN, address=OLD),
        receiving_agency=world.centre,
        competent_agency=world.justice,
        at=AT,
    )
    assert resolved(dossier)[0] == "unknown"


# --- the adapters: portal, counter, staff API ----------------------------------------------------------


def test_the_portal_application_resolves_the_address_and_the_status_page_shows_it(client: Client, world: World) -> None:
    data = {
        "applicant_kind": "citizen",
        "applicant_name": "Phạm Thị Hồng",
        "applicant_id_number": "056190004321",
        "applicant_phone": "0905111222",
        "applicant_email": "hong@example.vn",
        "applicant_address": OLD,
        "notify_channels": "email",
        "receiving_agency": str(world.centre.pk),
        "doc_1": upload("to-khai.pdf", pdf_bytes()),
    }
    response = client.post("/dich-vu-cong/thu-tuc/9.000101/nop-truc-tuyen/", data)
    assert response.status_code == 302, text(response)[:2000]
    dossier = Dossier.objects.get(applicant_name="Phạm Thị Hồng")
    assert resolved(dossier)[:3] == ("resolved", "22489", "Xã Vạn Ninh")
    page = text(client.get(f"/dich-vu-cong/ho-so/{dossier.pk}/"))
    assert f"<dt>Địa chỉ (như đã ghi)</dt><dd>{OLD}</dd>" in page
    assert 'Xã Vạn Ninh <span class="muted">(mã 22489, từ 1/7/2025)</span>' in page


def test_the_portal_form_sent_back_shows_the_unit_without_javascript(client: Client, world: World) -> None:
    response = client.post("/dich-vu-cong/thu-tuc/9.000102/nop-truc-tuyen/", {"applicant_address": OLD})
    assert response.status_code == 400
    page = text(response)
    assert 'id="dia-chi-don-vi" class="address-unit" aria-live="polite"' in page
    assert "Thuộc xã Vạn Ninh, tỉnh Khánh Hòa (từ 1/7/2025)." in page
    assert "Gợi ý nơi giải quyết theo địa chỉ: <strong>Ủy ban nhân dân xã Vạn Ninh</strong>" in page
    assert 'hx-get="/dich-vu-cong/dia-chi/?thu-tuc=9.000102"' in page


def test_the_counter_resolves_the_address_and_the_dossier_page_shows_it(world: World) -> None:
    client = login_verified(Client(), world.reception)
    data = {
        "receiving_agency": str(world.centre.pk),
        "competent_agency": str(world.justice.pk),
        "applicant_kind": "citizen",
        "applicant_name": "Lê Văn Tâm",
        "applicant_id_number": "056090001111",
        "applicant_address": DIVIDED,
        "doc_1": "on",
        "copies_1": "1",
    }
    form = text(client.get("/mot-cua/tiep-nhan/?thu-tuc=9.000101"))
    assert 'hx-get="/dich-vu-cong/dia-chi/?thu-tuc=9.000101"' in form
    response = client.post("/mot-cua/tiep-nhan/?thu-tuc=9.000101", data)
    assert response.status_code == 302
    dossier = Dossier.objects.get(applicant_name="Lê Văn Tâm")
    assert resolved(dossier)[0] == "ambiguous"
    page = text(client.get(response["Location"]))
    assert f"<dd>{DIVIDED}</dd>" in page
    assert "đã bị chia cho Phường Đông Hải; Xã Phước Dinh. Cần người chọn." in page


def test_the_staff_api_resolves_the_address_and_exposes_the_unit(world: World) -> None:
    client = login_verified(APIClient(), world.reception)
    body = {
        "procedure": "9.000101",
        "receiving_agency": world.centre.pk,
        "competent_agency": world.justice.pk,
        "applicant_name": CITIZEN.name,
        "applicant_id_number": CITIZEN.id_number,
        "applicant_address": OLD,
        "documents": [{"order": 1}],
    }
    response = client.post("/api/reception/", body, format="json")
    assert response.status_code == 201, response.content.decode()[:500]
    dossier = response.json()["dossier"]
    assert dossier["applicant_address"] == OLD
    assert dossier["applicant_unit"] == {
        "status": "resolved",
        "status_label": "Đã xác định đơn vị",
        "code": "22489",
        "name": "Xã Vạn Ninh",
        "candidates": [],
    }


def test_the_schema_documents_the_applicants_unit(tmp_path: Any) -> None:
    import json

    out = tmp_path / "schema.json"
    call_command("spectacular", "--format", "openapi-json", "--file", str(out))
    components = json.loads(out.read_text(encoding="utf-8"))["components"]["schemas"]
    assert "applicant_unit" in components["DossierDetail"]["properties"]
    unit = components["ApplicantUnit"]["properties"]
    assert {"status", "status_label", "code", "name", "candidates"} <= set(unit)
    assert "ambiguous" in json.dumps(components)


# --- the fragment (htmx) ------------------------------------------------------------------------------


def no_writes(queries: CaptureQueriesContext) -> bool:
    verbs = ("INSERT", "UPDATE", "DELETE")
    return not [q for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(verbs)]


def test_the_fragment_shows_the_unit_today_and_preselects_the_commune(client: Client, world: World) -> None:
    vn = ubnd("Xã Vạn Ninh")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(FRAGMENT, {"applicant_address": OLD, "thu-tuc": "9.000102", "commune": ""})
    assert response.status_code == 200
    page = text(response)
    assert "Thuộc xã Vạn Ninh, tỉnh Khánh Hòa (từ 1/7/2025)." in page
    assert "(trước 1/7/2025) nay là Xã Vạn Ninh" in page
    # the commune list again (out of band), the suggestion preselected; the person can change it
    assert 'hx-swap-oob="true"' in page
    assert re.search(rf'<option value="{vn.pk}" selected>Ủy ban nhân dân xã Vạn Ninh</option>', page)
    assert no_writes(queries)
    # a commune already chosen is not overridden; the counter (no commune sent) gets the hint only
    for params in ({"commune": str(world.nha_trang.pk)}, {}):
        page = text(client.get(FRAGMENT, {"applicant_address": OLD, "thu-tuc": "9.000102", **params}))
        assert "Gợi ý nơi giải quyết theo địa chỉ: <strong>Ủy ban nhân dân xã Vạn Ninh</strong>" in page
        assert "hx-swap-oob" not in page


def test_the_fragment_lists_the_candidates_of_a_divided_commune_and_chooses_none(client: Client, world: World) -> None:
    page = text(client.get(FRAGMENT, {"applicant_address": DIVIDED, "thu-tuc": "9.000102", "commune": ""}))
    assert "<li>Phường Đông Hải</li><li>Xã Phước Dinh</li>" in page
    assert "cần người chọn" in page
    # both communes' committees suggested (the registry keeps Đông Hải's draft code 22780: matched all the same)
    assert "Ủy ban nhân dân phường Đông Hải" in page
    assert "Ủy ban nhân dân xã Phước Dinh" in page
    assert "hx-swap-oob" not in page
    assert "selected" not in page


def test_the_fragment_says_clearly_when_the_address_is_not_understood(client: Client, world: World) -> None:
    page = text(client.get(FRAGMENT, {"applicant_address": NOWHERE}))
    assert "Không nhận ra xã, phường (cũ hoặc mới) trong địa chỉ" in page
    other = text(client.get(FRAGMENT, {"applicant_address": "Phường Sài Gòn, Thành phố Hồ Chí Minh"}))
    assert "không thuộc Tỉnh Khánh Hòa" in other
    assert text(client.get(FRAGMENT)).strip() == ""  # nothing typed: nothing said


@pytest.mark.parametrize(
    "params",
    [
        {"applicant_address": "x" * 501},
        {"applicant_address": "Vạn Giã\x00"},
        {"applicant_address": OLD, "thu-tuc": "9" * 61},
    ],
)
def test_bad_input_to_the_fragment_is_a_400_with_its_code(client: Client, world: World, params: dict[str, str]) -> None:
    count = Dossier.objects.count()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(FRAGMENT, params)
    assert response.status_code == 400
    assert 'data-error-code="dossier.invalid_input"' in text(response)
    assert "Địa chỉ không hợp lệ" in text(response)
    assert no_writes(queries)
    assert Dossier.objects.count() == count


def test_an_unknown_procedure_in_the_fragment_gives_the_hint_without_a_suggestion(client: Client, world: World) -> None:
    response = client.get(FRAGMENT, {"applicant_address": OLD, "thu-tuc": "khong-co", "commune": ""})
    assert response.status_code == 200
    assert "Thuộc xã Vạn Ninh" in text(response)
    assert "Gợi ý" not in text(response)


def test_the_fragment_is_rate_limited_per_client_address(client: Client, world: World) -> None:
    for _ in range(ADDRESS_LIMIT):
        assert client.get(FRAGMENT, {"applicant_address": "Vạn Ninh"}).status_code == 200
    response = client.get(FRAGMENT, {"applicant_address": OLD})
    assert response.status_code == 429
    assert "quá nhiều lần" in text(response)
    # an officer signed in at the counter (a whole office behind one address) is not counted
    assert login_verified(client, world.reception).get(FRAGMENT, {"applicant_address": OLD}).status_code == 200


# --- cchc dossiers addresses ------------------------------------------------------------------------------


def test_the_command_resolves_stored_addresses_only_where_missing_and_again_writes_nothing(world: World) -> None:
    made = []
    for address in (OLD, DIVIDED, NOWHERE, ""):
        made.append(
            s.dossier_submit_online(
                procedure=world.province_procedure,
                applicant=replace(CITIZEN, address=address),
                receiving_agency=world.centre,
                competent_agency=world.justice,
                at=AT,
            )
        )
    pks = [d.pk for d in made]
    # dossiers filed before the resolver: nothing resolved yet
    Dossier.objects.filter(pk__in=pks).update(
        applicant_address_status="", applicant_unit_code="", applicant_unit_name="", applicant_unit_candidates=[]
    )
    out = StringIO()
    call_command("dossiers", "addresses", "--only-missing", "--batch", "2", stdout=out, verbosity=0)
    assert "Đã đọc 3 hồ sơ có địa chỉ, cập nhật 3 hồ sơ (không sửa địa chỉ đã ghi)." in out.getvalue()
    assert "Đã xác định đơn vị: 1" in out.getvalue()
    assert "Nhiều đơn vị, cần người chọn: 1" in out.getvalue()
    assert [resolved(d)[:2] for d in made] == [("resolved", "22489"), ("ambiguous", ""), ("unknown", ""), ("", "")]
    assert [d.applicant_address for d in made] == [OLD, DIVIDED, NOWHERE, ""]

    again = StringIO()
    call_command("dossiers", "addresses", stdout=again, verbosity=0)
    assert "Đã đọc 3 hồ sơ có địa chỉ, cập nhật 0 hồ sơ" in again.getvalue()
    nothing = StringIO()
    call_command("dossiers", "addresses", "--only-missing", stdout=nothing, verbosity=0)
    assert "Đã đọc 0 hồ sơ có địa chỉ, cập nhật 0 hồ sơ" in nothing.getvalue()


def test_the_command_refuses_a_bad_batch(world: World) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--batch phải từ 1 đến 10.000"):
        call_command("dossiers", "addresses", "--batch", "0")
