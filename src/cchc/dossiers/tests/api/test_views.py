"""The dossier REST API: queues scoped to the officer's agencies, the dossier, its actions and their refusals."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from cchc.accounts.otp.testing import login_verified
from cchc.audit.models import AuditEvent
from cchc.dossiers.constants import DossierStatus
from cchc.dossiers.models import Dossier, Handover, Payment
from cchc.dossiers.tests.conftest import AT, World, receive, submit, to_status

pytestmark = pytest.mark.django_db

LIST = "/api/dossiers/"


def detail_url(dossier: Dossier) -> str:
    return f"/api/dossiers/{dossier.code}/"


def action_url(dossier: Dossier, action: str) -> str:
    return f"/api/dossiers/{dossier.code}/actions/{action}/"


def api(user: Any) -> APIClient:
    return login_verified(APIClient(), user)  # a leader passes the second factor (issue 15 item 6)


def state(dossier: Dossier) -> tuple[Any, ...]:
    row = Dossier.objects.get(pk=dossier.pk)
    steps = tuple(row.steps.order_by("order").values_list("status", "assignee_id"))
    return row.status, row.due_at, row.code, row.ended_at, steps, Handover.objects.filter(dossier=row).count()


# --- queues ---------------------------------------------------------------------------------------------


def test_queue_lists_the_officers_dossiers_most_urgent_first(world: World):
    later = to_status(world, DossierStatus.IN_PROCESS, AT.replace(hour=10))
    sooner = to_status(world, DossierStatus.IN_PROCESS)
    waiting = to_status(world, DossierStatus.SUPPLEMENT_REQUESTED)

    body = api(world.specialist).get(LIST, {"queue": "mine"}).json()

    assert body["count"] == 2
    assert [row["code"] for row in body["results"]] == [sooner.code, later.code]
    row = body["results"][0]
    assert row["status"] == "in_process"
    assert row["status_label"] == "Đang xử lý"
    assert row["procedure"] == {"code": "9.000101", "name": "Cấp Phiếu lý lịch tư pháp", "version": 1}
    assert row["competent_agency"]["id"] == world.justice.pk
    assert row["active_step"]["name"] == "Thẩm định, tra cứu"
    assert row["active_step"]["assignee_id"] == world.specialist.pk
    assert row["remaining_working_seconds"] < 0  # appointments in January 2026: overdue today
    assert row["url"].endswith(f"/api/dossiers/{sooner.code}/")
    waiting_codes = [r["code"] for r in api(world.specialist).get(LIST, {"queue": "waiting"}).json()["results"]]
    assert waiting_codes == [waiting.code]


def test_queue_is_scoped_to_the_officers_agencies(world: World):
    to_status(world, DossierStatus.IN_PROCESS)

    assert api(world.reception).get(LIST, {"queue": "agency"}).json()["count"] == 1
    assert api(world.commune_officer).get(LIST, {"queue": "agency"}).json()["count"] == 0
    assert api(world.outsider).get(LIST, {"queue": "agency"}).json()["count"] == 0


def test_queue_costs_a_constant_number_of_queries(world: World, django_assert_num_queries):
    for _ in range(2):
        to_status(world, DossierStatus.IN_PROCESS)
    client = api(world.specialist)
    client.get(LIST, {"queue": "agency"})  # warm the calendar cache
    with django_assert_num_queries(5) as few:  # session, user, count, page, calendar version
        assert client.get(LIST, {"queue": "agency"}).json()["count"] == 2
    for _ in range(6):
        to_status(world, DossierStatus.IN_PROCESS)
        to_status(world, DossierStatus.FINANCIAL_OBLIGATION_REQUESTED)
    with django_assert_num_queries(len(few.captured_queries)):
        body = client.get(LIST, {"queue": "agency"}).json()
    assert body["count"] == 14
    assert len(body["results"]) == 14


def test_queue_pages_by_fifty(world: World):
    for minute in range(51):
        to_status(world, DossierStatus.RECEIVED, AT.replace(minute=minute))
    client = api(world.reception)
    first = client.get(LIST, {"queue": "agency"}).json()
    assert (first["count"], len(first["results"])) == (51, 50)
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1
    assert second["results"][0]["code"] not in {row["code"] for row in first["results"]}


def test_unknown_queue_is_400_with_a_stable_code(world: World):
    response = api(world.specialist).get(LIST, {"queue": "all"})
    assert response.status_code == 400
    assert response.json()["code"] == "dossier.invalid_input"
    assert "Hàng đợi không hợp lệ" in response.json()["message"]


def test_anonymous_requests_are_refused(world: World):
    dossier = to_status(world, DossierStatus.IN_PROCESS)
    before = state(dossier)
    assert APIClient().get(LIST).status_code == 403
    assert APIClient().get(detail_url(dossier)).status_code == 403
    response = APIClient().post(action_url(dossier, "stop"), {"reason": "x"}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "not_authenticated"
    assert state(dossier) == before


# --- one dossier ----------------------------------------------------------------------------------------


def test_detail_has_steps_handovers_and_the_allowed_actions(world: World, django_assert_max_num_queries):
    dossier = to_status(world, DossierStatus.IN_PROCESS)
    client = api(world.specialist)
    with django_assert_max_num_queries(9):
        response = client.get(detail_url(dossier))
    body = response.json()
    assert response.status_code == 200
    assert body["code"] == dossier.code
    assert body["applicant_name"] == "Nguyễn Thị Lan"
    assert [(s["order"], s["status"]) for s in body["steps"]] == [
        (1, "done"),
        (2, "active"),
        (3, "pending"),
        (4, "pending"),
    ]
    assert body["steps"][1]["assignee"]["username"] == "chuyenvien"
    assert body["steps"][1]["agency"]["name"] == world.justice.name
    (handover,) = body["handovers"]
    assert handover["step_name"] == "Tiếp nhận hồ sơ"
    assert handover["giver"]["username"] == "tiepnhan"
    assert handover["receiver"]["username"] == "chuyenvien"
    assert handover["giver_agency"]["id"] == world.centre.pk
    assert "complete_step" in body["allowed_actions"]
    assert "receive" not in body["allowed_actions"]


def test_another_agencys_dossier_is_403(world: World):
    dossier = to_status(world, DossierStatus.IN_PROCESS)
    response = api(world.commune_officer).get(detail_url(dossier))
    assert response.status_code == 403
    assert response.json() == {
        "code": "dossier.not_permitted",
        "message": "Hồ sơ không thuộc cơ quan bạn được phân công.",
    }


def test_unknown_dossier_is_404(world: World):
    response = api(world.specialist).get("/api/dossiers/56-000000-9999/")
    assert response.status_code == 404
    assert response.json()["code"] == "dossier.not_found"


# --- actions --------------------------------------------------------------------------------------------


def test_complete_step_hands_over_to_the_chosen_officer(world: World):
    dossier = to_status(world, DossierStatus.IN_PROCESS)
    response = api(world.specialist).post(
        action_url(dossier, "complete_step"), {"receiver": world.leader.pk, "note": "Đủ điều kiện"}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["message"].startswith("Đã chuyển bước «Thẩm định, tra cứu»")
    assert [s["status"] for s in body["dossier"]["steps"]] == ["done", "done", "active", "pending"]
    assert body["dossier"]["steps"][2]["assignee"]["id"] == world.leader.pk
    last = Handover.objects.filter(dossier=dossier).order_by("-pk").first()
    assert last is not None
    assert (last.receiver_id, last.note) == (world.leader.pk, "Đủ điều kiện")


def test_record_payment_with_form_fields(world: World):
    dossier = to_status(world, DossierStatus.PROCESSED)
    response = api(world.reception).post(
        action_url(dossier, "record_payment"),
        {"amount": 200000, "channel": "counter", "receipt_number": "BL-API-1"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["message"] == "Đã ghi nhận biên lai số BL-API-1."
    assert Payment.objects.get(dossier=dossier).amount == 200000


def test_invalid_transition_is_409_and_changes_nothing(world: World):
    dossier = to_status(world, DossierStatus.IN_PROCESS)
    before = state(dossier)
    events = AuditEvent.objects.count()

    response = api(world.reception).post(action_url(dossier, "receive"), {}, format="json")

    assert response.status_code == 409
    assert response.json() == {
        "code": "dossier.invalid_transition",
        "message": "Không thể tiếp nhận hồ sơ khi hồ sơ đang ở trạng thái «Đang xử lý».",
    }
    assert state(dossier) == before
    assert AuditEvent.objects.count() == events


def test_an_extension_after_the_deadline_or_a_second_one_is_409(world: World):
    # legal: NĐ 61/2018 Điều 19 as amended: before the deadline, and no more than once
    late = to_status(world, DossierStatus.IN_PROCESS)  # received in January 2026: past its deadline now
    before = state(late)
    body = {"new_due_at": (timezone.now() + timedelta(days=60)).isoformat(), "reason": "Chờ xác minh"}
    response = api(world.leader).post(action_url(late, "apologise_extend"), body, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "dossier.extension_too_late"
    assert "chậm nhất 1 ngày trước ngày hết hạn" in response.json()["message"]
    assert state(late) == before

    fresh = to_status(world, DossierStatus.IN_PROCESS, at=timezone.now())
    first = api(world.leader).post(action_url(fresh, "apologise_extend"), body, format="json")
    assert first.status_code == 200
    assert first.json()["dossier"]["statutory_due_at"] != first.json()["dossier"]["due_at"]
    again = {**body, "new_due_at": (timezone.now() + timedelta(days=90)).isoformat()}
    second = api(world.leader).post(action_url(fresh, "apologise_extend"), again, format="json")
    assert second.status_code == 409
    assert second.json()["code"] == "dossier.extension_repeated"


def test_a_supplement_before_reception_through_the_api_by_the_submission_reference(world: World):
    dossier = submit(world)
    reference = f"TT-{dossier.pk:06d}"
    url = f"/api/dossiers/{reference}/actions/request_supplement/"
    refused = api(world.specialist).post(url, {"reason": "Bổ sung"}, format="json")
    assert refused.status_code == 403  # only the receiving desk asks before reception
    response = api(world.reception).post(url, {"reason": "Bổ sung bản chụp căn cước"}, format="json")
    assert response.status_code == 200
    body = response.json()["dossier"]
    assert (body["status"], body["due_at"], body["supplement_count"]) == ("supplement_requested", None, 0)
    assert body["url"].endswith(f"/api/dossiers/{reference}/")
    assert "refuse" in body["allowed_actions"]
    assert "stop" not in body["allowed_actions"]
    again = api(world.reception).post(url, {"reason": "Lần nữa"}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "dossier.invalid_transition"


def test_return_before_processing_is_409(world: World):
    dossier = to_status(world, DossierStatus.IN_PROCESS)
    before = state(dossier)
    response = api(world.reception).post(action_url(dossier, "return_result"), {}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "dossier.invalid_transition"
    assert state(dossier) == before


def test_missing_reason_is_400_with_the_field_error(world: World):
    dossier = to_status(world, DossierStatus.IN_PROCESS)
    before = state(dossier)
    response = api(world.leader).post(action_url(dossier, "stop"), {"reason": ""}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "dossier.invalid_input"
    assert body["errors"] == {"reason": ["Vui lòng nhập lý do."]}
    assert state(dossier) == before


def test_bad_amount_is_400(world: World):
    dossier = to_status(world, DossierStatus.PROCESSED)
    response = api(world.reception).post(
        action_url(dossier, "record_payment"),
        {"amount": -5, "channel": "counter", "receipt_number": "BL-1"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["amount"] == ["Số tiền phải lớn hơn 0."]
    assert not Payment.objects.filter(dossier=dossier).exists()


def test_action_without_the_role_is_403_and_changes_nothing(world: World):
    dossier = to_status(world, DossierStatus.PROCESSED)
    response = api(world.specialist).post(
        action_url(dossier, "record_payment"),
        {"amount": 200000, "channel": "counter", "receipt_number": "BL-1"},
        format="json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "dossier.not_permitted"
    assert not Payment.objects.filter(dossier=dossier).exists()


def test_action_on_another_agencys_dossier_is_403_and_changes_nothing(world: World):
    dossier = to_status(world, DossierStatus.IN_PROCESS)
    before = state(dossier)
    response = api(world.commune_officer).post(action_url(dossier, "stop"), {"reason": "Dừng"}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "dossier.not_permitted"
    assert state(dossier) == before


def test_unknown_action_is_404_and_get_is_405(world: World):
    dossier = receive(world)
    client = api(world.reception)
    response = client.post(action_url(dossier, "approve"), {}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "dossier.unknown_action"
    assert client.get(action_url(dossier, "stop")).status_code == 405


def test_actions_need_the_csrf_token(world: World):
    dossier = to_status(world, DossierStatus.IN_PROCESS)
    before = state(dossier)
    client = login_verified(APIClient(enforce_csrf_checks=True), world.leader)
    response = client.post(action_url(dossier, "stop"), {"reason": "Dừng"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["message"]
    assert state(dossier) == before


# --- schema ---------------------------------------------------------------------------------------------


def test_openapi_schema_builds_without_warnings(tmp_path: Path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(out))
    text = out.read_text(encoding="utf-8")
    for path in ("/api/dossiers/:", "/api/dossiers/{code}/:", "/api/dossiers/{code}/actions/{action}/:"):
        assert path in text
    assert "DossierStatusEnum" in text
