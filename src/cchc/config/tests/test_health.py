"""/healthz and /readyz (issue 17 item 1, cchc.config.health): JSON, never a 500, a failing dependency
makes the machine unready (503), background lag is reported without making it unready."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from cchc.outbox.models import OutboxEvent

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_touching_anything(client: Client, django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_reports_each_check(client: Client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ready"
    assert set(body["checks"]) == {"database", "cache", "storage", "worker"}
    assert body["checks"]["worker"]["lagging"] is False


def test_an_upload_directory_that_cannot_be_made_makes_the_machine_unready(client: Client, tmp_path) -> None:
    (tmp_path / "a-file").write_text("x")  # a file where the directory should be (root may write anywhere)
    with override_settings(MEDIA_ROOT=str(tmp_path / "a-file" / "media")):
        response = client.get("/readyz")
    assert response.status_code == 503
    storage = response.json()["checks"]["storage"]
    assert storage["ok"] is False
    assert "not writable" in storage["error"]


def test_a_cache_that_does_not_answer_makes_the_machine_unready(client: Client) -> None:
    closed = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    with override_settings(CACHES=closed):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"]["ok"] is False
    assert response.json()["checks"]["database"]["ok"] is True


def test_an_old_event_waiting_for_the_dispatcher_is_reported_as_lag(client: Client, settings) -> None:
    settings.CCHC_READY_MAX_LAG_S = 60
    event = OutboxEvent.objects.create(
        topic="kiem.tra", stream="kiem-tra:1", payload={}, occurred_at=timezone.now(), fanned_out=False
    )
    OutboxEvent.objects.filter(pk=event.pk).update(created_at=timezone.now() - timedelta(minutes=10))
    response = client.get("/readyz")
    assert response.status_code == 200  # the web tier still accepts dossiers: the outbox keeps them
    worker = response.json()["checks"]["worker"]
    assert worker["lagging"] is True
    assert 590 <= worker["outbox_s"] <= 700
