"""Issue 16 items 3-5 through the staff API: once-only reuse at counter reception (``POST /api/reception/``
with ``reused``, the look-up ``GET /api/reception/offers/`` logging each document shown) and marking a held
document not acceptable (``POST /api/dossiers/{code}/documents/{order}/reject/``): the console's checks,
error codes and policy, a Vietnamese 4xx for every bad input, nothing written on a refusal."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from cchc.accounts.otp.testing import login_verified
from cchc.audit.models import AuditEvent
from cchc.common.tests.files import media_root  # noqa: F401
from cchc.dossiers.constants import DocumentSource, DossierErrorCode
from cchc.dossiers.models import Dossier, DossierDocument
from cchc.dossiers.tests.conftest import CITIZEN, World
from cchc.dossiers.tests.test_counter_reuse import OTHER_PERSON, counter, keep
from cchc.records.models import StoredDocument, StoredDocumentAccess
from cchc.records.services import stored_document_reject, stored_document_withdraw

pytestmark = pytest.mark.django_db

RECEPTION = "/api/reception/"
OFFERS = "/api/reception/offers/"
VIETNAMESE = set("ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹáàãéèíìóòõúùýĐ")


def api(user: Any) -> APIClient:
    return login_verified(APIClient(), user)  # bodies go as JSON (format="json"): lists of objects


def body(w: World, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "procedure": "9.000101",
        "receiving_agency": w.centre.pk,
        "competent_agency": w.justice.pk,
        "applicant_name": CITIZEN.name,
        "applicant_id_number": CITIZEN.id_number,
        "applicant_phone": CITIZEN.phone,
        "documents": [],
        "reused": [],
    }
    values.update(changes)
    return values


def refused(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content.decode()[:500]
    data = response.json()
    assert data["code"] == code
    assert set(data["message"]) & VIETNAMESE, data["message"]  # a Vietnamese message, with its diacritics
    return dict(data)


# --- the look-up ------------------------------------------------------------------------------------------


def test_offers_list_the_applicants_usable_documents_and_log_each_one_shown(world: World, media_root: Path) -> None:  # noqa: F811
    stored = keep()
    keep(owner=OTHER_PERSON, name="Giấy tờ của người khác")
    client = api(world.reception)

    data = client.get(OFFERS, {"procedure": "9.000101", "applicant_id_number": CITIZEN.id_number}).json()

    assert data["applicant_id_number"] == CITIZEN.id_number
    [offer] = data["offers"]
    assert (offer["order"], offer["mandatory"]) == (1, True)
    assert offer["stored_document"]["id"] == stored.pk
    assert (offer["stored_document"]["name"], offer["stored_document"]["source"]) == ("Tờ khai đã số hóa", "digitised")
    access = StoredDocumentAccess.objects.get()
    assert (access.document_id, access.user_id, access.dossier_id) == (stored.pk, world.reception.pk, None)
    # nobody else's, nothing unusable: another person has none
    assert client.get(OFFERS, {"procedure": "9.000101", "applicant_id_number": "079190000000"}).json()["offers"] == []
    assert StoredDocumentAccess.objects.count() == 1


@pytest.mark.parametrize(
    ("who", "query", "status", "code"),
    [
        ("outsider", {"procedure": "9.000101", "applicant_id_number": CITIZEN.id_number}, 403, "dossier.not_permitted"),
        (
            "specialist",
            {"procedure": "9.000101", "applicant_id_number": CITIZEN.id_number},
            403,
            "dossier.not_permitted",
        ),
        ("reception", {"procedure": "9.000101", "applicant_id_number": "12345"}, 400, "dossier.invalid_input"),
        ("reception", {"applicant_id_number": CITIZEN.id_number}, 400, "dossier.invalid_input"),
        ("reception", {"procedure": "0.000000", "applicant_id_number": CITIZEN.id_number}, 404, "dossier.not_found"),
    ],
)
def test_offers_refusals(
    world: World,
    media_root: Path,  # noqa: F811
    who: str,
    query: dict[str, str],
    status: int,
    code: str,
) -> None:
    keep()
    refused(api(getattr(world, who)).get(OFFERS, query), status, code)
    assert not StoredDocumentAccess.objects.exists()  # nothing shown, nothing logged


# --- reception with reuse ---------------------------------------------------------------------------------


def test_the_desk_receives_a_paper_dossier_reusing_a_stored_document(world: World, media_root: Path) -> None:  # noqa: F811
    stored = keep()

    response = api(world.reception).post(
        RECEPTION, body(world, reused=[{"order": 1, "stored_document": stored.pk}]), format="json"
    )

    assert response.status_code == 201, response.content.decode()[:800]
    data = response.json()
    dossier = Dossier.objects.get()
    assert data["message"].startswith(f"Đã tiếp nhận hồ sơ {dossier.code}. Hẹn trả kết quả:")
    assert (data["dossier"]["code"], data["dossier"]["status"], data["dossier"]["channel"]) == (
        dossier.code,
        "received",
        "in_person",
    )
    [document] = data["dossier"]["documents"]
    assert (document["order"], document["source"], document["stored_document"]["id"]) == (1, "reused", stored.pk)
    assert document["stored_document"]["not_accepted"] is False
    row = DossierDocument.objects.get(dossier=dossier)
    assert (row.source, row.stored_document_id, row.sha256, bool(row.file)) == (
        DocumentSource.REUSED,
        stored.pk,
        stored.sha256,
        False,
    )
    event = AuditEvent.objects.get(action="dossier.receive", target_id=str(dossier.pk))
    assert event.actor_id == world.reception.pk
    assert event.after["details"]["documents"] == [{"name": row.name, "reused": stored.pk, "sha256": stored.sha256}]


def test_the_desk_receives_the_paper_itself_through_the_api(world: World) -> None:
    response = api(world.reception).post(
        RECEPTION, body(world, documents=[{"order": 1, "copies": 2}], channel="postal"), format="json"
    )
    assert response.status_code == 201, response.content.decode()[:800]
    row = DossierDocument.objects.get()
    assert (row.source, row.copies, row.stored_document_id, row.dossier.channel) == ("paper", 2, None, "postal")


@pytest.mark.parametrize("case", ["other_person", "withdrawn", "not_accepted", "expired", "wrong_type", "superseded"])
def test_a_stored_document_not_usable_is_refused_and_nothing_written(
    world: World,
    media_root: Path,  # noqa: F811
    case: str,
) -> None:
    today = timezone.localdate()
    stored = keep()
    if case == "other_person":
        stored = keep(owner=OTHER_PERSON)
    elif case == "withdrawn":
        stored_document_withdraw(stored, at=timezone.now(), reason="Thu hồi", actor=world.reception)
    elif case == "not_accepted":
        stored_document_reject(stored, actor=world.specialist, at=timezone.now(), reason="Giả mạo")
    elif case == "expired":
        stored = keep(valid_until=today - timedelta(days=1))
    elif case == "wrong_type":
        stored = keep(document_type_code="giay-khai-sinh", name="Giấy khai sinh")
    elif case == "superseded":
        keep(name="Tờ khai mới hơn")
    audit = AuditEvent.objects.count()

    response = api(world.reception).post(
        RECEPTION, body(world, reused=[{"order": 1, "stored_document": stored.pk}]), format="json"
    )

    refused(response, 409, DossierErrorCode.STORED_DOCUMENT_NOT_USABLE)
    assert not Dossier.objects.exists()
    assert AuditEvent.objects.count() == audit


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"procedure": 9}, "procedure"),
        ({"receiving_agency": "trung-tam"}, "receiving_agency"),
        ({"receiving_agency": 10**18}, "receiving_agency"),
        ({"competent_agency": None}, "competent_agency"),
        ({"applicant_name": ["a"]}, "applicant_name"),
        ({"applicant_kind": "robot"}, "applicant_kind"),
        ({"channel": "online"}, "channel"),
        ({"notify_channels": "email"}, "notify_channels"),
        ({"notify_channels": ["fax"]}, "notify_channels.0"),
        ({"documents": [{"order": 99}]}, "documents.0.order"),
        ({"documents": [{"order": 1, "copies": 0}]}, "documents.0.copies"),
        ({"documents": ["1"]}, "documents.0.non_field_errors"),
        ({"reused": {"1": 5}}, "reused"),
        ({"reused": [{"order": 1}]}, "reused.0.stored_document"),
        ({"reused": [{"order": 1, "stored_document": "abc"}]}, "reused.0.stored_document"),
        ({"reused": [{"order": 1, "stored_document": 1}, {"order": 1, "stored_document": 2}]}, "reused"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(world: World, changes: dict[str, Any], field: str) -> None:
    data = refused(
        api(world.reception).post(RECEPTION, body(world, **changes), format="json"), 400, "dossier.invalid_input"
    )
    assert field in data["errors"], data["errors"]
    assert all(set(m) & VIETNAMESE for messages in data["errors"].values() for m in messages), data["errors"]
    assert not Dossier.objects.exists()


@pytest.mark.parametrize(
    ("who", "changes", "status", "code"),
    [
        ("outsider", {}, 403, "dossier.not_permitted"),
        ("specialist", {}, 403, "dossier.not_permitted"),  # no reception role anywhere
        ("commune_officer", {}, 403, "dossier.not_permitted"),  # a desk, but not the centre's
        ("reception", {"procedure": "0.000000"}, 404, "dossier.not_found"),
        ("reception", {"reused": [{"order": 7, "stored_document": 1}]}, 400, "dossier.invalid_input"),
        ("reception", {"documents": []}, 400, "dossier.documents_missing"),
        ("reception", {"applicant_id_number": ""}, 400, "dossier.invalid_input"),
        ("reception", {"competent_agency": "nha_trang"}, 409, "dossier.agency_not_competent"),
    ],
)
def test_refusals_of_the_reception(world: World, who: str, changes: dict[str, Any], status: int, code: str) -> None:
    if changes.get("competent_agency") == "nha_trang":
        changes = {"competent_agency": world.nha_trang.pk}  # not competent for this procedure
    refused(api(getattr(world, who)).post(RECEPTION, body(world, **changes), format="json"), status, code)
    assert not Dossier.objects.exists()


def test_a_body_that_is_no_object_is_refused(world: World) -> None:
    client = api(world.reception)
    refused(client.post(RECEPTION, ["a"], format="json"), 400, "dossier.invalid_body")
    response = client.post(RECEPTION, "{nope", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


# --- marking a held document not acceptable ---------------------------------------------------------------


def reject_url(dossier: Dossier, order: Any = 1) -> str:
    return f"/api/dossiers/{dossier.code}/documents/{order}/reject/"


def test_staff_mark_a_reused_document_not_acceptable_through_the_api(world: World, media_root: Path) -> None:  # noqa: F811
    stored = keep()
    dossier = counter(world, {1: stored.pk})
    client = api(world.specialist)  # the competent agency's specialist may ask for a supplement

    refused(api(world.outsider).post(reject_url(dossier), {"reason": "x"}), 403, "dossier.not_permitted")
    refused(api(world.commune_officer).post(reject_url(dossier), {"reason": "x"}), 403, "dossier.not_permitted")
    refused(client.post(reject_url(dossier), {"reason": "   "}), 400, "dossier.invalid_input")
    refused(client.post(reject_url(dossier), {"reason": "x" * 501}), 400, "dossier.invalid_input")
    assert "reason" in refused(client.post(reject_url(dossier), {}), 400, "dossier.invalid_input")["errors"]
    refused(client.post(reject_url(dossier), ["lý do"], format="json"), 400, "dossier.invalid_body")
    refused(client.post(reject_url(dossier, "abc"), {"reason": "x"}), 404, "dossier.not_found")
    refused(client.post(reject_url(dossier, 99999), {"reason": "x"}), 404, "dossier.not_found")
    refused(client.post(reject_url(dossier, 2), {"reason": "x"}), 409, "dossier.document_not_digitisable")
    stored.refresh_from_db()
    assert stored.withdrawn_at is None
    assert not AuditEvent.objects.filter(action="records.reject").exists()

    response = client.post(reject_url(dossier), {"reason": "Ảnh chụp mờ, không đọc được số định danh"})

    assert response.status_code == 200, response.content.decode()[:500]
    assert response.json()["message"].startswith("Đã đánh dấu giấy tờ không được chấp nhận")
    [document] = response.json()["dossier"]["documents"]
    assert document["stored_document"]["not_accepted"] is True
    assert document["stored_document"]["not_accepted_reason"] == "Ảnh chụp mờ, không đọc được số định danh"
    stored.refresh_from_db()
    assert (stored.rejected_by_id, stored.withdrawn_reason) == (
        world.specialist.pk,
        "Ảnh chụp mờ, không đọc được số định danh",
    )
    event = AuditEvent.objects.get(action="records.reject")
    assert (event.actor_id, event.after["dossier"]) == (world.specialist.pk, dossier.code)
    refused(client.post(reject_url(dossier), {"reason": "Lần nữa"}), 409, "dossier.stored_document_not_usable")
    # no longer offered at the counter
    offers = api(world.reception).get(OFFERS, {"procedure": "9.000101", "applicant_id_number": CITIZEN.id_number})
    assert offers.json()["offers"] == []
    assert StoredDocument.objects.get().pk == stored.pk


def test_the_schema_documents_the_reception_and_the_rejection(tmp_path: Path) -> None:
    import json

    from django.core.management import call_command

    out = tmp_path / "schema.json"
    call_command("spectacular", "--format", "openapi-json", "--file", str(out))
    schema = json.loads(out.read_text(encoding="utf-8"))
    paths, components = schema["paths"], schema["components"]["schemas"]
    assert set(paths["/api/reception/"]["post"]["responses"]) >= {"201", "400", "403", "404", "409"}
    assert {"procedure", "applicant_id_number"} <= {
        p["name"] for p in paths["/api/reception/offers/"]["get"]["parameters"]
    }
    assert "/api/dossiers/{code}/documents/{order}/reject/" in paths
    required = set(components["CounterReceptionBody"]["required"])
    assert required == {"procedure", "receiving_agency", "competent_agency", "applicant_name", "applicant_id_number"}
    assert "reused" in components["CounterReceptionBody"]["properties"]
    assert "documents" in components["DossierDetail"]["properties"]
