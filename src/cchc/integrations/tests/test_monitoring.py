"""The connections' monitoring page: per partner the backlog, the oldest undelivered event, the dead
letters with their replay button, the error rates of the last hour and 24 hours and the latest calls;
staff only; replay by POST with CSRF. The calls are real HTTP to the national simulator."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.utils import timezone

from cchc.integrations.client import PartnerClient
from cchc.integrations.constants import IntegrationError, Outcome, Partner
from cchc.integrations.models import Attempt
from cchc.integrations.selectors import integrations_status
from cchc.integrations.tests.simulator import NationalSimulator
from cchc.outbox import registry
from cchc.outbox.dispatch import fan_out, outbox_drain
from cchc.outbox.models import Delivery, DeliveryStatus, OutboxEvent
from cchc.outbox.services import outbox_emit

pytestmark = pytest.mark.django_db

PAGE = "/lien-thong/"
REPLAY = "/lien-thong/gui-lai/"
TOPIC = "test.dossier_sync"


@pytest.fixture(autouse=True)
def isolated_registry() -> Iterator[None]:
    """Only this test's stand-in subscribers (the apps' own ones would act on the test's events)."""
    saved = dict(registry._subscribers)
    registry._subscribers.clear()
    yield
    registry._subscribers.clear()
    registry._subscribers.update(saved)


def stand_in_adapter(name: str = "integrations.dvcqg", partner: str = "dvcqg") -> None:
    """A partner subscriber as the adapters are written: it calls the partner through the client (real
    HTTP to the simulator) and returns the retryable failures to the outbox (a rejection is on record
    in the attempt log and not retried)."""

    def handle(events: list[OutboxEvent]) -> dict[int, str]:
        failures: dict[int, str] = {}
        for event in events:
            try:
                PartnerClient(partner).call(
                    "KhongCoDichVuNay", {"data": [event.payload]}, subject=event.stream, event_id=event.pk
                )
            except IntegrationError as exc:
                if exc.retryable:
                    failures[event.pk] = f"[{exc.code}] {exc.message}"
        return failures

    registry.register(name, topics={TOPIC}, batch=True)(handle)


def emit(n: int) -> OutboxEvent:
    return outbox_emit(topic=TOPIC, stream=f"dossier:{n}", payload={"n": n}, occurred_at=timezone.now())


def dead_letters(sim: NationalSimulator, settings: Any, count: int = 2) -> list[Delivery]:
    """``count`` deliveries to the portal's subscriber dead after the portal answered HTTP 500, and one
    more pending: the page's and the command's material."""
    settings.CCHC_OUTBOX_MAX_ATTEMPTS = 1
    stand_in_adapter()
    sim.control(mode="error")
    for n in range(count):
        emit(n)
    outbox_drain(only=["integrations.dvcqg"])
    sim.heal()
    emit(99)
    fan_out(at=timezone.now())
    dead = list(Delivery.objects.filter(status=DeliveryStatus.DEAD).order_by("pk"))
    assert len(dead) == count
    return dead


def staff(username: str, *perms: str, is_staff: bool = True) -> User:
    user = User.objects.create_user(username=username, password="x-Secret-123", is_staff=is_staff)
    for perm in perms:
        app, codename = perm.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app, codename=codename))
    return User.objects.get(pk=user.pk)  # permissions cache cleared


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_page_shows_each_partner_and_replays_a_dead_letter(
    national_simulator: NationalSimulator, settings: Any, client: Client, django_assert_max_num_queries: Any
) -> None:
    # given two dead letters of the portal's subscriber (HTTP 500 from the portal) and one pending
    dead = dead_letters(national_simulator, settings)
    admin = User.objects.create_superuser(username="quantri", password="x-Secret-123")
    client.force_login(admin)

    # when the administrator opens the page (a fixed number of queries)
    with django_assert_max_num_queries(20):
        response = client.get(PAGE)

    # then every partner is there, with the portal's backlog, dead letters, rates and errors
    assert response.status_code == 200
    page = text(response)
    for partner in Partner:
        assert partner.label in page
    portal = page[page.index('id="he-thong-dvcqg"') : page.index('id="he-thong-csdl_tthc"')]
    assert "<dt>Tồn đọng chờ gửi</dt><dd>1 " in portal
    assert "<dt>Thư chết</dt><dd>2</dd>" in portal
    assert "<dt>Tỉ lệ lỗi 1 giờ qua</dt><dd>100,0 % (2/2 lần gọi)</dd>" in portal
    assert "integration.partner_error" in portal
    assert f'name="delivery" value="{dead[0].pk}"' in portal
    assert 'name="csrfmiddlewaretoken"' in portal
    procedures = page[page.index('id="he-thong-csdl_tthc"') : page.index('id="he-thong-pakn"')]
    assert "Không gửi qua hàng đợi" in procedures
    assert 'href="/lien-thong/" aria-current="page"' in page  # the staff navigation's link

    # when the administrator replays the first one (the portal is back)
    response = client.post(REPLAY, {"partner": "dvcqg", "delivery": str(dead[0].pk)})
    assert response.status_code == 302
    assert response["Location"] == PAGE
    assert Delivery.objects.get(pk=dead[0].pk).status == DeliveryStatus.PENDING
    assert Delivery.objects.get(pk=dead[1].pk).status == DeliveryStatus.DEAD
    assert f"Đã đưa lần chuyển số {dead[0].pk} về hàng chờ gửi." in text(client.get(PAGE))
    # then the dispatcher sends it again, once, with the same idempotency key
    outbox_drain(only=["integrations.dvcqg"])
    assert Delivery.objects.get(pk=dead[0].pk).status == DeliveryStatus.DELIVERED
    keys = list(Attempt.objects.filter(event_id=dead[0].event_id).values_list("idempotency_key", flat=True))
    assert len(keys) == 2
    assert len(set(keys)) == 1

    # and "replay all" of the partner takes the rest
    response = client.post(REPLAY, {"partner": "dvcqg"})
    assert response.status_code == 302
    assert not Delivery.objects.filter(status=DeliveryStatus.DEAD).exists()
    assert "Đã đưa 1 thư chết của Cổng Dịch vụ công quốc gia (đồng bộ hồ sơ) về hàng chờ gửi." in text(client.get(PAGE))


def test_rates_over_the_hour_and_the_day(national_simulator: NationalSimulator) -> None:
    # given two failed calls now (real HTTP) and an older successful one 3 hours ago
    national_simulator.control(mode="error")
    for n in range(2):
        with pytest.raises(IntegrationError):
            PartnerClient("pakn").call("KhongCoDichVuNay", {}, subject=f"feedback:{n}")
    now = timezone.now()
    Attempt.objects.create(
        partner=Partner.PAKN, operation="GuiPhanAnh", started_at=now - timedelta(hours=3), outcome=Outcome.OK
    )
    Attempt.objects.create(
        partner=Partner.PAKN, operation="GuiPhanAnh", started_at=now - timedelta(hours=30), outcome=Outcome.ERROR
    )
    # then the last hour counts the two failures, the last 24 hours three calls; older ones are out
    pakn = next(p for p in integrations_status(at=timezone.now()).partners if p.partner == Partner.PAKN)
    assert (pakn.failed_hour, pakn.calls_hour, pakn.failed_day, pakn.calls_day) == (2, 2, 2, 3)
    assert pakn.error_rate_day == pytest.approx(2 / 3)
    assert [a.outcome for a in pakn.attempts[:2]] == [Outcome.ERROR, Outcome.ERROR]
    dvcqg = next(p for p in integrations_status(at=timezone.now()).partners if p.partner == Partner.DVCQG)
    assert (dvcqg.calls_day, dvcqg.error_rate_hour, dvcqg.pending, dvcqg.oldest_undelivered_s) == (0, None, 0, None)


def test_only_administrators_see_the_page_and_replay(
    national_simulator: NationalSimulator, settings: Any, client: Client
) -> None:
    dead = dead_letters(national_simulator, settings, count=1)[0]
    # anonymous: to the staff login
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"] == "/mot-cua/dang-nhap/?next=/lien-thong/"
    assert client.post(REPLAY, {"delivery": str(dead.pk)}).status_code == 302
    # an officer without the outbox's permissions: refused, no link in the navigation
    client.force_login(staff("canbo"))
    response = client.get(PAGE)
    assert response.status_code == 403
    assert "dành cho quản trị viên hệ thống" in text(response)
    assert client.post(REPLAY, {"delivery": str(dead.pk)}).status_code == 403
    assert 'href="/lien-thong/"' not in text(client.get("/chi-so/"))
    # permissions without staff status: refused
    client.force_login(staff("khongphaistaff", "outbox.view_delivery", "outbox.change_delivery", is_staff=False))
    assert client.get(PAGE).status_code == 403
    # a viewer: the page without replay buttons, and a replay refused
    client.force_login(staff("xem", "outbox.view_delivery"))
    page = text(client.get(PAGE))
    assert "Thư chết (đã hết số lần thử)" in page
    assert 'name="delivery"' not in page
    assert 'href="/lien-thong/"' in page
    assert client.post(REPLAY, {"delivery": str(dead.pk)}).status_code == 403
    assert Delivery.objects.get(pk=dead.pk).status == DeliveryStatus.DEAD
    # the replay is a POST: a GET is refused and changes nothing
    client.force_login(staff("vanhanh", "outbox.view_delivery", "outbox.change_delivery"))
    assert client.get(REPLAY, {"delivery": str(dead.pk)}).status_code == 405
    assert Delivery.objects.get(pk=dead.pk).status == DeliveryStatus.DEAD


def test_a_replay_without_the_csrf_token_is_refused(national_simulator: NationalSimulator, settings: Any) -> None:
    dead = dead_letters(national_simulator, settings, count=1)[0]
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.create_superuser(username="quantri", password="x-Secret-123"))
    assert client.post(REPLAY, {"delivery": str(dead.pk)}).status_code == 403
    assert Delivery.objects.get(pk=dead.pk).status == DeliveryStatus.DEAD


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"delivery": "abc"}, "outbox.invalid_input"),
        ({"delivery": "999999"}, "outbox.delivery_not_found"),
        ({"partner": "khong-co"}, "Không có hệ thống «khong-co»"),
        ({"partner": "pakn", "delivery": "DEAD"}, "không phải của Hệ thống tiếp nhận"),
        ({"delivery": "OTHER"}, "không phải của các hệ thống quốc gia"),
        ({"delivery": "PENDING"}, "outbox.not_dead"),
    ],
)
def test_bad_replays_are_shown_with_their_code_and_change_nothing(
    national_simulator: NationalSimulator, settings: Any, client: Client, data: dict[str, str], fragment: str
) -> None:
    dead = dead_letters(national_simulator, settings, count=1)[0]
    registry.register("other.sink", topics={TOPIC})(lambda event: None)
    other = emit(7)
    fan_out(at=timezone.now())
    other_delivery = Delivery.objects.get(event=other, subscriber="other.sink")
    Delivery.objects.filter(pk=other_delivery.pk).update(status=DeliveryStatus.DEAD)
    pending = Delivery.objects.filter(subscriber="integrations.dvcqg", status=DeliveryStatus.PENDING).first()
    assert pending is not None
    ids = {"DEAD": dead.pk, "OTHER": other_delivery.pk, "PENDING": pending.pk}
    data = {k: str(ids.get(v, v)) for k, v in data.items()}
    before = list(Delivery.objects.order_by("pk").values_list("pk", "status", "replay_count"))
    client.force_login(User.objects.create_superuser(username="quantri", password="x-Secret-123"))

    response = client.post(REPLAY, data)

    assert response.status_code == 302
    assert fragment in text(client.get(PAGE))
    assert list(Delivery.objects.order_by("pk").values_list("pk", "status", "replay_count")) == before
