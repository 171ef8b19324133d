import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from cchc.audit.models import AuditEvent
from cchc.audit.services import audit_record
from cchc.audit.tests.conftest import AT


@pytest.fixture
def admin_client_with_event(client, group):
    admin = User.objects.create_superuser(username="root", password="x-Secret-123")
    event = audit_record(actor=admin, action="group.rename", target=group, before={"a": 1}, after={"a": 2}, at=AT)
    client.force_login(admin)
    return client, event


def test_admin_lists_and_shows_events_read_only(admin_client_with_event):
    client, event = admin_client_with_event

    listing = client.get(reverse("admin:audit_auditevent_changelist"))
    detail = client.get(reverse("admin:audit_auditevent_change", args=[event.pk]))

    assert listing.status_code == 200
    assert "group.rename" in listing.content.decode()
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()


def test_admin_refuses_add_edit_and_delete(admin_client_with_event):
    client, event = admin_client_with_event

    add = client.get(reverse("admin:audit_auditevent_add"))
    edit = client.post(reverse("admin:audit_auditevent_change", args=[event.pk]), {"action": "x"})
    delete = client.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"})

    assert add.status_code == 403
    assert edit.status_code == 403
    assert delete.status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).action == "group.rename"
