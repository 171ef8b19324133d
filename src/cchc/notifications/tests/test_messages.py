"""Each topic's message, received by a real SMTP server (aiosmtpd) with the right Vietnamese subject and
body (the dossier's code, the look-up link, the agency); channels, idempotency and failures."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from cchc.common.tests.ports import closed_port
from cchc.dossiers.events import DossierEvent
from cchc.dossiers.models import Dossier
from cchc.dossiers.selectors import dossier_submission_reference
from cchc.dossiers.tests.conftest import AT, CITIZEN, World, receive, submit
from cchc.notifications.constants import NotificationError, NotificationErrorCode, Status, Topic
from cchc.notifications.models import MessageTemplate, Notification
from cchc.notifications.selectors import notifications_of_dossier
from cchc.notifications.services import notification_handle_event
from cchc.notifications.tests.conftest import SITE, dossier_event_saved
from cchc.notifications.tests.smtp import SMTPRecorder
from cchc.org.selectors import one_stop_desk_on
from cchc.outbox.registry import subscriber

LINK = SITE + "/dich-vu-cong/tra-cuu/"
MINE = SITE + "/dich-vu-cong/ho-so-cua-toi/"  # "Hồ sơ của tôi", for an applicant who signs in (issue 15)
LATER = AT + timedelta(hours=2)

# topic -> (details, the subject's start, words the body must hold)
CASES: dict[DossierEvent, tuple[dict[str, Any], str, list[str]]] = {
    DossierEvent.RECEIVED: ({}, "Tiếp nhận hồ sơ {code}: hẹn trả kết quả", ["Ngày hẹn trả kết quả: {due}"]),
    DossierEvent.SUPPLEMENT_REQUESTED: (
        {"reason": "Bổ sung bản sao giấy khai sinh", "before_reception": False},
        "Hồ sơ {code} cần bổ sung",
        ["Nội dung cần bổ sung: Bổ sung bản sao giấy khai sinh"],
    ),
    DossierEvent.FINANCIAL_OBLIGATION_REQUESTED: (
        {"due": "200000", "paid": "0"},
        "Hồ sơ {code}: thông báo nộp phí, lệ phí",
        ["Số tiền phải nộp: 200.000 đồng."],
    ),
    DossierEvent.EXTENDED: (
        {
            "reason": "Cần xác minh tại địa phương khác",
            "previous_due_at": "2026-01-12T16:30:00+07:00",
            "new_due_at": "2026-01-19T16:30:00+07:00",
        },
        "Xin lỗi và hẹn lại ngày trả kết quả hồ sơ {code}",
        [
            "chân thành xin lỗi",
            "Lý do: Cần xác minh tại địa phương khác",
            "16:30 ngày 19/01/2026",
            "16:30 ngày 12/01/2026",
        ],
    ),
    DossierEvent.RESULT_READY: ({}, "Hồ sơ {code} đã có kết quả", ["đã có kết quả"]),
    DossierEvent.RETURNED: ({}, "Đã trả kết quả hồ sơ {code}", ["đánh giá mức độ hài lòng"]),
    DossierEvent.STOPPED: (
        {"reason": "Người nộp đề nghị dừng"},
        "Dừng giải quyết hồ sơ {code}",
        ["Lý do: Người nộp đề nghị dừng"],
    ),
}


def _desk(w: World) -> str:
    return one_stop_desk_on(w.centre, on=AT.date()).full_name


def test_the_subscriber_is_registered_for_the_topics() -> None:
    registered = subscriber("notifications")
    assert registered is not None
    assert registered.handle is notification_handle_event
    assert registered.wants("dossier.received")
    assert registered.wants("feedback.answered")
    assert not registered.wants("dossier.rated")
    assert not registered.wants("dossier.step_completed")


@pytest.mark.parametrize("topic", list(CASES), ids=lambda t: t.value)
def test_each_topic_is_received_in_vietnamese(world: World, smtp_server: SMTPRecorder, topic: DossierEvent) -> None:
    details, subject, words = CASES[topic]
    dossier = receive(world)
    assert dossier.notify_channels == ["email"]  # the default when an address is given
    notification_handle_event(dossier_event_saved(topic, dossier, at=LATER, details=details))

    (message,) = smtp_server.wait_for(1)
    due = dossier.due_at.astimezone(AT.tzinfo).strftime("%H:%M ngày %d/%m/%Y")
    assert message["To"] == CITIZEN.email
    assert str(message["Subject"]).startswith(subject.format(code=dossier.code, due=due))
    body = message.get_content()
    assert f"Kính gửi {CITIZEN.name}," in body
    assert dossier.code in body
    assert LINK in body
    assert MINE in body
    assert _desk(world) in body
    assert "Cấp Phiếu lý lịch tư pháp" in body
    for word in words:
        assert word.format(due=due) in body
    row = Notification.objects.get(dossier=dossier)
    assert (row.status, row.channel, row.recipient) == (Status.SENT, "email", CITIZEN.email)
    assert row.subject == str(message["Subject"])
    assert row.body.strip() == body.strip()
    assert row.sent_at is not None
    assert row.provider_id == str(message["Message-ID"]).strip()  # a long header is folded


@pytest.mark.parametrize(
    ("topic", "details", "subject", "words"),
    [
        (DossierEvent.SUBMITTED, {}, "Đã nhận hồ sơ nộp trực tuyến {ref}", ["số tham chiếu {ref}"]),
        (
            DossierEvent.REFUSED,
            {"reason": "Không thuộc thẩm quyền"},
            "Hồ sơ {ref} không được tiếp nhận",
            ["Lý do: Không thuộc thẩm quyền"],
        ),
        (
            DossierEvent.WITHDRAWN,
            {"reason": "Tôi nộp nhầm thủ tục"},
            "Hồ sơ {ref} đã được rút",
            ["Lý do: Tôi nộp nhầm thủ tục"],
        ),
        (
            DossierEvent.SUPPLEMENT_REQUESTED,
            {"reason": "Bổ sung bản chụp căn cước", "before_reception": True},
            "Hồ sơ {ref} cần bổ sung",
            ["Nội dung cần bổ sung: Bổ sung bản chụp căn cước"],
        ),
    ],
    ids=["submitted", "refused", "withdrawn", "supplement-before-reception"],
)
def test_before_reception_the_submission_reference_stands_for_the_code(
    world: World,
    smtp_server: SMTPRecorder,
    topic: DossierEvent,
    details: dict[str, Any],
    subject: str,
    words: list[str],
) -> None:
    dossier = submit(world)
    ref = dossier_submission_reference(dossier)
    notification_handle_event(dossier_event_saved(topic, dossier, at=LATER, details=details))
    (message,) = smtp_server.wait_for(1)
    assert message["Subject"] == subject.format(ref=ref)
    body = message.get_content()
    assert LINK in body
    assert _desk(world) in body
    for word in words:
        assert word.format(ref=ref) in body


def test_a_counter_submission_sends_no_submission_message(world: World, smtp_server: SMTPRecorder) -> None:
    dossier = receive(world)  # at the counter: the receipt is the first message
    notification_handle_event(dossier_event_saved(DossierEvent.SUBMITTED, dossier, at=AT))
    assert smtp_server.messages == []
    assert not Notification.objects.exists()


def test_no_channel_chosen_sends_nothing(world: World, smtp_server: SMTPRecorder) -> None:
    dossier = receive(world)
    Dossier.objects.filter(pk=dossier.pk).update(notify_channels=[])
    notification_handle_event(dossier_event_saved(DossierEvent.RECEIVED, dossier, at=LATER))
    assert smtp_server.messages == []
    assert not Notification.objects.exists()


def test_topics_without_a_message_send_nothing(world: World, smtp_server: SMTPRecorder) -> None:
    dossier = receive(world)
    notification_handle_event(dossier_event_saved(DossierEvent.STEP_COMPLETED, dossier, at=LATER))
    notification_handle_event(dossier_event_saved(DossierEvent.RATED, dossier, at=LATER, details={"level": "good"}))
    assert smtp_server.messages == []


def test_each_chosen_channel_gets_its_message(
    world: World, smtp_server: SMTPRecorder, settings: Any, tmp_path: Path
) -> None:
    settings.CCHC_NOTIFY_LOG_FILE = str(tmp_path / "sms.jsonl")
    dossier = receive(world)
    Dossier.objects.filter(pk=dossier.pk).update(notify_channels=["sms", "email", "zalo"])
    event = dossier_event_saved(DossierEvent.RECEIVED, dossier, at=LATER)
    notification_handle_event(event)

    assert len(smtp_server.wait_for(1)) == 1
    lines = (tmp_path / "sms.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    assert all(CITIZEN.phone in line and dossier.code in line and "đã tiếp nhận hồ sơ" in line for line in lines)
    rows = {n.channel: n for n in Notification.objects.filter(dossier=dossier)}
    assert set(rows) == {"email", "sms", "zalo"}
    assert {n.key for n in rows.values()} == {f"{event.pk}:email", f"{event.pk}:sms", f"{event.pk}:zalo"}
    assert rows["sms"].recipient == CITIZEN.phone
    assert rows["sms"].provider_id.startswith("log-")


def test_a_second_delivery_sends_nothing_again(world: World, smtp_server: SMTPRecorder) -> None:
    dossier = receive(world)
    event = dossier_event_saved(DossierEvent.RECEIVED, dossier, at=LATER)
    notification_handle_event(event)
    smtp_server.wait_for(1)
    notification_handle_event(event)
    notification_handle_event(event)
    assert len(smtp_server.messages) == 1
    (row,) = notifications_of_dossier(dossier_id=dossier.pk)
    assert (row.key, row.attempts) == (f"{event.pk}:email", 1)


def test_a_failed_send_raises_then_the_retry_sends_once(world: World, smtp_server: SMTPRecorder, settings: Any) -> None:
    dossier = receive(world)
    event = dossier_event_saved(DossierEvent.RESULT_READY, dossier, at=LATER)
    with closed_port() as port:
        settings.EMAIL_PORT = port  # nothing listens there: the SMTP server is "down"
        with pytest.raises(NotificationError) as caught:
            notification_handle_event(event)
    assert caught.value.code == NotificationErrorCode.SEND_FAILED
    assert "Không gửi được thư điện tử" in caught.value.message
    row = Notification.objects.get(dossier=dossier)
    assert (row.status, row.attempts) == (Status.FAILED, 1)
    assert "Không gửi được" in row.error

    settings.EMAIL_PORT = smtp_server.port  # back up: the dispatcher's retry sends it
    notification_handle_event(event)
    smtp_server.wait_for(1)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.error) == (Status.SENT, 2, "")
    notification_handle_event(event)  # a later redelivery: already sent
    assert len(smtp_server.messages) == 1


def test_a_broken_template_at_send_time_fails_clearly(world: World, smtp_server: SMTPRecorder) -> None:
    # an edit that bypassed the admin's check (the admin refuses it, see test_admin)
    MessageTemplate.objects.filter(topic=Topic.RECEIPT, channel="email").update(body="{% if %}")
    dossier = receive(world)
    with pytest.raises(NotificationError) as caught:
        notification_handle_event(dossier_event_saved(DossierEvent.RECEIVED, dossier, at=LATER))
    assert caught.value.code == NotificationErrorCode.TEMPLATE_INVALID
    assert "Mẫu thông báo «Tiếp nhận hồ sơ, hẹn trả kết quả» không hiển thị được" in caught.value.message
    assert smtp_server.messages == []
    assert Notification.objects.get(dossier=dossier).status == Status.FAILED


def test_a_template_switched_off_sends_nothing_and_a_deleted_one_falls_back(
    world: World, smtp_server: SMTPRecorder
) -> None:
    MessageTemplate.objects.filter(topic=Topic.RESULT_READY, channel="email").update(active=False)
    dossier = receive(world)
    notification_handle_event(dossier_event_saved(DossierEvent.RESULT_READY, dossier, at=LATER))
    assert smtp_server.messages == []
    MessageTemplate.objects.filter(topic=Topic.RETURNED).delete()
    notification_handle_event(dossier_event_saved(DossierEvent.RETURNED, dossier, at=LATER))
    (message,) = smtp_server.wait_for(1)
    assert message["Subject"] == f"Đã trả kết quả hồ sơ {dossier.code}"


def test_the_defaults_are_seeded_for_every_topic_and_channel(db: None) -> None:
    assert MessageTemplate.objects.count() == len(Topic) * 3
    assert not MessageTemplate.objects.filter(channel="email", subject="").exists()


@pytest.mark.parametrize(
    ("details", "line"),
    [
        ({"due": "200000", "paid": "50000"}, "Số tiền phải nộp: 150.000 đồng (tổng 200.000 đồng, đã nộp 50.000 đồng)."),
        ({}, "Số tiền phải nộp: 200.000 đồng."),  # not in the event: the dossier's fee lines
    ],
    ids=["partly-paid", "from-the-fee-lines"],
)
def test_the_amount_still_to_pay(world: World, smtp_server: SMTPRecorder, details: dict[str, Any], line: str) -> None:
    dossier = receive(world)
    topic = DossierEvent.FINANCIAL_OBLIGATION_REQUESTED
    notification_handle_event(dossier_event_saved(topic, dossier, at=LATER, details=details))
    (message,) = smtp_server.wait_for(1)
    assert line in message.get_content()


def test_a_reason_missing_from_the_event_is_read_from_the_dossier(world: World, smtp_server: SMTPRecorder) -> None:
    from cchc.dossiers import services as s

    dossier = receive(world)
    s.dossier_request_supplement(dossier=dossier, actor=world.reception, at=LATER, reason="Bổ sung tờ khai có chữ ký")
    notification_handle_event(dossier_event_saved(DossierEvent.SUPPLEMENT_REQUESTED, dossier, at=LATER, details={}))
    (message,) = smtp_server.wait_for(1)
    assert "Nội dung cần bổ sung: Bổ sung tờ khai có chữ ký" in message.get_content()
