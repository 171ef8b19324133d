"""SMS and Zalo through the HTTP gateway against the shipped simulator, run as a real subprocess
(``cchc notifications sms-simulator``): success, a 500 then a retry that succeeds, a timeout, a refusal,
the provider's de-duplication by reference, and the subscriber's retry after a failed delivery."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from cchc.dossiers.events import DossierEvent
from cchc.dossiers.models import Dossier
from cchc.dossiers.tests.conftest import AT, CITIZEN, World, receive
from cchc.notifications.constants import NotificationError, NotificationErrorCode, Status
from cchc.notifications.gateways import HttpGateway, LogGateway, gateway_for
from cchc.notifications.models import Notification
from cchc.notifications.services import notification_handle_event
from cchc.notifications.tests.conftest import Simulator, dossier_event_saved


def _gateway(sim: Simulator, **kwargs: Any) -> HttpGateway:
    options: dict[str, Any] = {"url": sim.url, "token": sim.token, "timeout": 2.0, "retries": 3, "backoff": 0.05}
    options.update(kwargs)
    return HttpGateway("sms", **options)


def test_a_message_reaches_the_provider(sms_simulator: Simulator) -> None:
    message_id = _gateway(sms_simulator).send("0905123456", "Hồ sơ 56-260105-0001 đã có kết quả.", reference="7:sms")
    assert message_id.startswith("sim-")
    (received,) = sms_simulator.messages()
    assert received == {
        "id": message_id,
        "channel": "sms",
        "to": "0905123456",
        "text": "Hồ sơ 56-260105-0001 đã có kết quả.",
        "reference": "7:sms",
    }


def test_a_500_is_retried_and_then_succeeds(sms_simulator: Simulator) -> None:
    sms_simulator.control(fail="500", times=2)
    message_id = _gateway(sms_simulator).send("0905123456", "Thử lại", reference="8:sms")
    assert message_id.startswith("sim-")
    assert [m["text"] for m in sms_simulator.messages()] == ["Thử lại"]


def test_a_provider_down_raises_a_clear_error_after_the_retries(sms_simulator: Simulator) -> None:
    sms_simulator.control(fail="500")
    with pytest.raises(NotificationError) as caught:
        _gateway(sms_simulator).send("0905123456", "Không tới", reference="9:sms")
    assert caught.value.code == NotificationErrorCode.GATEWAY_FAILED
    assert "sau 3 lần thử" in caught.value.message
    assert "HTTP 500" in caught.value.message
    assert sms_simulator.messages() == []


def test_a_timeout_is_retried_then_raises(sms_simulator: Simulator) -> None:
    sms_simulator.control(fail="timeout", delay=3)
    started = time.monotonic()
    with pytest.raises(NotificationError) as caught:
        _gateway(sms_simulator, timeout=0.3, retries=2).send("0905123456", "Chậm", reference="10:sms")
    assert "quá thời gian chờ" in caught.value.message
    assert "sau 2 lần thử" in caught.value.message
    assert time.monotonic() - started < 2.5  # two attempts of 0.3 s and one backoff, not the provider's 3 s


def test_a_wrong_token_is_refused_without_retrying(sms_simulator: Simulator) -> None:
    with pytest.raises(NotificationError) as caught:
        _gateway(sms_simulator, token="sai").send("0905123456", "Không tới")
    assert "HTTP 401" in caught.value.message
    assert "từ chối" in caught.value.message


def test_a_connection_refused_is_retried_then_raises() -> None:
    from cchc.common.tests.ports import closed_port

    with closed_port() as port, pytest.raises(NotificationError) as caught:
        HttpGateway("zalo", url=f"http://127.0.0.1:{port}/messages", retries=2, backoff=0.01).send(
            "0905123456", "Không tới"
        )
    assert "không kết nối được" in caught.value.message


def test_the_provider_answers_a_repeated_reference_with_the_first_id(sms_simulator: Simulator) -> None:
    gateway = _gateway(sms_simulator)
    first = gateway.send("0905123456", "Một lần", reference="11:sms")
    assert gateway.send("0905123456", "Một lần", reference="11:sms") == first
    assert len(sms_simulator.messages()) == 1


def test_the_gateway_is_chosen_by_the_settings(settings: Any, tmp_path: Path) -> None:
    settings.CCHC_SMS_GATEWAY_URL = ""
    settings.CCHC_NOTIFY_LOG_FILE = str(tmp_path / "tin-nhan.jsonl")
    gateway = gateway_for("sms")
    assert isinstance(gateway, LogGateway)
    gateway.send("0905123456", "Nhật ký", reference="1:sms")
    record = json.loads((tmp_path / "tin-nhan.jsonl").read_text(encoding="utf-8"))
    assert record["text"] == "Nhật ký"
    assert record["to"] == "0905123456"
    settings.CCHC_ZALO_GATEWAY_URL = "http://127.0.0.1:9/messages"
    settings.CCHC_ZALO_GATEWAY_TOKEN = "t"
    zalo = gateway_for("zalo")
    assert isinstance(zalo, HttpGateway)
    assert zalo.url.endswith("/messages")
    assert zalo.token == "t"


def test_the_subscriber_sends_sms_through_the_simulator_and_retries_after_a_failure(
    world: World, sms_simulator: Simulator, settings: Any
) -> None:
    settings.CCHC_SMS_GATEWAY_URL = sms_simulator.url
    settings.CCHC_SMS_GATEWAY_TOKEN = sms_simulator.token
    settings.CCHC_GATEWAY_RETRIES = 2
    settings.CCHC_GATEWAY_BACKOFF = 0.01
    dossier = receive(world)
    Dossier.objects.filter(pk=dossier.pk).update(notify_channels=["sms"])
    event = dossier_event_saved(DossierEvent.RECEIVED, dossier, at=AT + timedelta(hours=1))

    sms_simulator.control(fail="500", times=2)  # the whole first delivery fails
    with pytest.raises(NotificationError):
        notification_handle_event(event)
    row = Notification.objects.get(dossier=dossier)
    assert row.status == Status.FAILED
    assert "HTTP 500" in row.error

    notification_handle_event(event)  # the dispatcher's retry
    notification_handle_event(event)  # a redelivery after success: nothing again
    (received,) = sms_simulator.messages()
    assert received["to"] == CITIZEN.phone
    assert dossier.code in received["text"]
    assert received["reference"] == f"{event.pk}:sms"
    row.refresh_from_db()
    assert (row.status, row.provider_id, row.attempts) == (Status.SENT, received["id"], 2)
