"""A feedback's answer: the outbox event is written in the answer's transaction, and the author is told
by e-mail (a real SMTP server), or by SMS when they gave no address."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from cchc.dossiers.tests.conftest import AT
from cchc.feedback import services as s
from cchc.feedback.constants import Classification
from cchc.feedback.models import Feedback
from cchc.feedback.tests.conftest import ANSWER, CITIZEN, SUBJECT, FeedbackWorld, file
from cchc.notifications.models import Notification
from cchc.notifications.services import notification_handle_event
from cchc.notifications.tests.conftest import SITE
from cchc.notifications.tests.smtp import SMTPRecorder
from cchc.outbox.models import OutboxEvent


def _answered(fw: FeedbackWorld, **kwargs: Any) -> Feedback:
    fb = file(fw, **kwargs)
    fb = s.feedback_assign(
        feedback=fb, actor=fw.officer, classification=Classification.REGULATION, at=AT + timedelta(hours=1)
    )
    return s.feedback_answer(feedback=fb, actor=fw.officer, answer=ANSWER, at=AT + timedelta(days=1))


def test_the_answer_writes_its_event(fw: FeedbackWorld) -> None:
    fb = _answered(fw)
    event = OutboxEvent.objects.get(topic="feedback.answered")
    assert event.stream == f"feedback:{fb.pk}"
    assert event.payload == {
        "feedback_id": fb.pk,
        "code": fb.code,
        "agency_id": fw.justice.pk,
        "at": (AT + timedelta(days=1)).isoformat(),
    }
    assert event.occurred_at == AT + timedelta(days=1)


def test_a_refused_answer_writes_no_event(fw: FeedbackWorld) -> None:
    fb = file(fw)
    try:
        s.feedback_answer(feedback=fb, actor=fw.outsider, answer=ANSWER, at=AT + timedelta(days=1))
    except Exception:  # noqa: BLE001 (any refusal)
        pass
    assert not OutboxEvent.objects.filter(topic="feedback.answered").exists()


def test_the_author_receives_the_answer_by_email(fw: FeedbackWorld, smtp_server: SMTPRecorder) -> None:
    fb = _answered(fw)
    event = OutboxEvent.objects.get(topic="feedback.answered")
    notification_handle_event(event)
    notification_handle_event(event)  # a second delivery: nothing again

    (message,) = smtp_server.wait_for(1)
    assert message["To"] == CITIZEN.email
    assert message["Subject"] == f"Trả lời phản ánh, kiến nghị {fb.code}"
    body = message.get_content()
    assert f"Kính gửi {CITIZEN.name}," in body
    assert ANSWER in body
    assert SUBJECT in body
    assert "Sở Tư pháp" in body
    assert SITE + "/phan-anh/tra-cuu/" in body
    row = Notification.objects.get(feedback=fb)
    assert row.dossier_id is None
    assert row.status == "sent"
    assert row.channel == "email"


def test_without_an_address_the_author_gets_an_sms(
    fw: FeedbackWorld, smtp_server: SMTPRecorder, settings: Any, tmp_path: Path
) -> None:
    settings.CCHC_NOTIFY_LOG_FILE = str(tmp_path / "sms.jsonl")
    fb = _answered(fw, submitter=s.Submitter(name=CITIZEN.name, phone=CITIZEN.phone, email=""))
    notification_handle_event(OutboxEvent.objects.get(topic="feedback.answered"))
    assert smtp_server.messages == []
    text = (tmp_path / "sms.jsonl").read_text(encoding="utf-8")
    assert fb.code in text
    assert "đã có kết quả xử lý" in text
    assert Notification.objects.get(feedback=fb).channel == "sms"
