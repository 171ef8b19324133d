import uuid

from django.contrib.auth.models import Group
from django.http import HttpResponse
from django.test import RequestFactory

from cchc.audit.middleware import RequestIdMiddleware, current_request_id
from cchc.audit.services import audit_record
from cchc.audit.tests.conftest import AT


def _serve(header=None, view=None):
    seen = {}

    def default_view(request):
        seen["inside"] = current_request_id()
        seen["attr"] = request.request_id
        return HttpResponse("ok")

    middleware = RequestIdMiddleware(view or default_view)
    headers = {"HTTP_X_REQUEST_ID": header} if header is not None else {}
    response = middleware(RequestFactory().get("/", **headers))
    return response, seen


def test_supplied_request_id_is_kept_for_the_request_and_echoed():
    response, seen = _serve("abc-123")

    assert response["X-Request-ID"] == "abc-123"
    assert seen == {"inside": "abc-123", "attr": "abc-123"}
    assert current_request_id() == ""


def test_missing_request_id_gets_a_uuid4():
    response, seen = _serve()

    assert uuid.UUID(response["X-Request-ID"]).version == 4
    assert seen["inside"] == response["X-Request-ID"]


def test_unsafe_request_id_is_replaced():
    response, _ = _serve("bad id\r\nX-Injected: 1")

    assert response["X-Request-ID"] != "bad id\r\nX-Injected: 1"
    assert uuid.UUID(response["X-Request-ID"])


def test_events_recorded_during_a_request_carry_its_id(db):
    group = Group.objects.create(name="Một cửa")

    def view(request):
        event = audit_record(actor=None, action="group.touch", target=group, before=None, after={}, at=AT)
        return HttpResponse(event.request_id)

    response, _ = _serve("req-777", view=view)

    assert response.content == b"req-777"


def test_the_id_is_cleared_even_when_the_view_fails():
    def view(request):
        raise RuntimeError("boom")

    try:
        _serve("req-err", view=view)
    except RuntimeError:
        pass

    assert current_request_id() == ""


def test_middleware_in_the_stack_answers_with_the_request_id(client, settings):
    settings.MIDDLEWARE = ["cchc.audit.middleware.RequestIdMiddleware", *settings.MIDDLEWARE]

    response = client.get("/admin/login/", headers={"X-Request-ID": "stack-1"})

    assert response.status_code == 200
    assert response["X-Request-ID"] == "stack-1"
