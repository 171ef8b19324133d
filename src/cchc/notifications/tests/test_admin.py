"""Templates edited in the admin: a broken template, or one naming an unknown variable, is refused with a
Vietnamese message and nothing saved; a good edit is what the next message says. The messages sent are
listed read-only, searchable by dossier code."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cchc.notifications.constants import Topic
from cchc.notifications.models import MessageTemplate, Notification
from cchc.notifications.rendering import template_check

pytestmark = pytest.mark.django_db


def _post(client: Client, template: MessageTemplate, **changes: Any) -> Any:
    data = {
        "topic": template.topic,
        "channel": template.channel,
        "subject": template.subject,
        "body": template.body,
        "active": "on",
    }
    data.update(changes)
    return client.post(reverse("admin:notifications_messagetemplate_change", args=[template.pk]), data)


@pytest.mark.parametrize(
    ("field", "source", "words"),
    [
        ("body", "Hồ sơ {{ ma_ho_so }} {% if %}", "Nội dung: mẫu sai cú pháp"),
        ("body", "Hồ sơ {{ ma_ho_so }} {% endif %}", "Nội dung: mẫu sai cú pháp"),
        ("subject", "Hồ sơ {{ ma_ho_so|khong_co }}", "Tiêu đề: mẫu sai cú pháp"),
        ("body", "Hồ sơ {% load static %}", "Nội dung: mẫu sai cú pháp"),
        ("body", "Hồ sơ {{ ma_hs }} của {{ ho_ten }}", "biến không có trong thông báo này: {{ ho_ten }}, {{ ma_hs }}"),
        ("body", "{% debug %}", "debug"),
        ("body", "{% include 'base.html' %}", "Nội dung: mẫu không hiển thị được"),
        ("body", "   ", "Nội dung"),
    ],
)
def test_a_broken_template_is_refused_in_vietnamese(admin_client: Client, field: str, source: str, words: str) -> None:
    template = MessageTemplate.objects.get(topic=Topic.RECEIPT, channel="email")
    before = (template.subject, template.body)
    response = _post(admin_client, template, **{field: source})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Mẫu thông báo có lỗi, chưa được lưu." in text or "Trường này là bắt buộc" in text
    if source.strip():
        assert words.replace("'", "&#x27;") in text.replace("&quot;", '"') or words in text
    template.refresh_from_db()
    assert (template.subject, template.body) == before


def test_a_good_edit_is_saved(admin_client: Client) -> None:
    template = MessageTemplate.objects.get(topic=Topic.RECEIPT, channel="sms")
    response = _post(admin_client, template, body="Đã nhận hồ sơ {{ ma_ho_so }}, hẹn {{ han_tra_ket_qua }}.")
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.body == "Đã nhận hồ sơ {{ ma_ho_so }}, hẹn {{ han_tra_ket_qua }}."


def test_the_change_page_lists_the_variables(admin_client: Client) -> None:
    template = MessageTemplate.objects.get(topic=Topic.EXTENSION, channel="email")
    response = admin_client.get(reverse("admin:notifications_messagetemplate_change", args=[template.pk]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "{{ han_moi }}" in text
    assert "{{ lien_ket_tra_cuu }}" in text


def test_every_default_template_passes_the_check(db: None) -> None:
    for template in MessageTemplate.objects.all():
        assert template_check(topic=template.topic, subject=template.subject, body=template.body) == [], template


def test_the_messages_sent_are_listed_read_only(admin_client: Client) -> None:
    url = reverse("admin:notifications_notification_changelist")
    response = admin_client.get(url, {"q": "56-260105-0001"})
    assert response.status_code == 200
    assert admin_client.get(reverse("admin:notifications_notification_add")).status_code == 403
    assert not Notification.objects.exists()


def test_reset_templates_restores_the_defaults(db: None) -> None:
    from django.core.management import call_command

    from cchc.notifications.services import templates_reset

    MessageTemplate.objects.filter(topic=Topic.RECEIPT, channel="sms").delete()
    MessageTemplate.objects.filter(topic=Topic.RETURNED, channel="email").update(body="Đã trả {{ ma_ho_so }}.")
    assert templates_reset() == (1, 0)
    assert MessageTemplate.objects.get(topic=Topic.RETURNED, channel="email").body == "Đã trả {{ ma_ho_so }}."
    call_command("notifications", "reset-templates", "--force")
    assert "đánh giá mức độ hài lòng" in MessageTemplate.objects.get(topic=Topic.RETURNED, channel="email").body
