"""Fixtures of the notification tests: the dossier tests' world, the feedback tests' world, the SMS/Zalo
simulator as a real subprocess, and a helper that writes a dossier event and delivers it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from cchc.dossiers.events import DossierEvent, dossier_event
from cchc.dossiers.models import Dossier
from cchc.dossiers.tests.conftest import world, world_module  # noqa: F401
from cchc.feedback.tests.conftest import fw, fworld_module  # noqa: F401
from cchc.outbox.models import OutboxEvent

SITE = "https://dichvucong.khanhhoa.example"


@pytest.fixture(autouse=True)
def _site(settings: Any) -> None:
    settings.CCHC_SITE_URL = SITE + "/"
    settings.CCHC_SMS_GATEWAY_URL = ""
    settings.CCHC_ZALO_GATEWAY_URL = ""


def dossier_event_saved(
    topic: DossierEvent, dossier: Dossier, *, at: datetime, details: dict[str, Any] | None = None
) -> OutboxEvent:
    """The event of ``topic`` for ``dossier`` as the executor writes it (saved, so it has an id)."""
    dossier.refresh_from_db()
    event = dossier_event(
        topic, dossier, action=topic.value.split(".")[1], status_before=None, at=at, actor_id=None, details=details
    )
    event.save()
    return event


class Simulator:
    """The shipped SMS/Zalo simulator, running as a subprocess (``cchc notifications sms-simulator``)."""

    def __init__(self, base: str, token: str) -> None:
        self.base = base
        self.url = base + "/messages"
        self.token = token

    def _call(self, method: str, path: str, data: Any = None) -> Any:
        body = json.dumps(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, method=method)
        request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.loads(response.read())

    def messages(self) -> list[dict[str, Any]]:
        return list(self._call("GET", "/messages"))

    def control(self, **data: Any) -> Any:
        return self._call("POST", "/_control", data)

    def reset(self) -> None:
        self.control(fail=None)
        self._call("DELETE", "/messages")


@pytest.fixture(scope="session")
def sms_simulator_process() -> Iterator[Simulator]:
    src = str(Path(__file__).resolve().parents[3])
    env = {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}
    process = subprocess.Popen(
        [sys.executable, "-m", "cchc", "notifications", "sms-simulator", "--port", "0", "--token", "bi-mat"],
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert "http://" in line, f"the simulator did not start: {line!r}"
        base = line.strip().rsplit(" ", 1)[1].removesuffix("/messages")
        yield Simulator(base, "bi-mat")
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def sms_simulator(sms_simulator_process: Simulator) -> Simulator:
    sms_simulator_process.reset()
    return sms_simulator_process
