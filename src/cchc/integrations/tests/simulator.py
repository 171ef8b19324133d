"""The national simulator as a real subprocess for any test (imported by ``src/conftest.py``).

``national_simulator`` gives a :class:`NationalSimulator` started once per session, reset before each
test, with ``settings.CCHC_PARTNERS`` pointing every partner at it; ``sim.control(mode="error", rate=0.1)``
makes it misbehave, ``sim.data("dossiers")`` reads what it stored.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

USERNAME, PASSWORD = "cchc", "mat-khau-kiem-thu"


class NationalSimulator:
    def __init__(self, base: str, process: subprocess.Popen[str] | None = None) -> None:
        self.base = base
        self.process = process

    def _request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.base + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read().decode("utf-8"))

    def control(self, **settings: Any) -> dict[str, Any]:
        return self._request("POST", "/_control", {"mode": "ok", **settings})

    def heal(self) -> None:
        self.control(mode="ok")

    def reset(self) -> None:
        self.heal()
        self._request("POST", "/_reset", {})

    def stats(self) -> dict[str, Any]:
        return self._request("GET", "/_stats")

    def data(self, name: str, **query: Any) -> Any:
        from urllib.parse import urlencode

        return self._request("GET", f"/_data/{name}" + (f"?{urlencode(query)}" if query else ""))

    def partners(self) -> dict[str, dict[str, Any]]:
        """``CCHC_PARTNERS`` pointing every partner at this simulator."""
        config = {"url": self.base, "username": USERNAME, "password": PASSWORD, "timeout_s": 2.0}
        return {partner: dict(config) for partner in ("dvcqg", "csdl_tthc", "pakn")}


def start_simulator(*extra: str) -> NationalSimulator:
    """Start ``cchc simulator national`` on a free port (its storage in memory); stop it with ``.process``."""
    src = str(Path(__file__).resolve().parents[3])
    env = {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}
    process = subprocess.Popen(
        [sys.executable, "-m", "cchc", "simulator", "national", "--port", "0", "--db", ":memory:",
         "--username", USERNAME, "--password", PASSWORD, *extra],
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    )  # fmt: skip
    assert process.stdout is not None
    line = process.stdout.readline()
    if "listening on" not in line:
        process.kill()
        raise RuntimeError(f"the national simulator did not start: {line!r}")
    return NationalSimulator(line.strip().rsplit(" ", 1)[1], process)


def stop_simulator(sim: NationalSimulator) -> None:
    if sim.process is not None:
        sim.process.terminate()
        try:
            sim.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            sim.process.kill()
            sim.process.wait()


@pytest.fixture(scope="session")
def national_simulator_process() -> Iterator[NationalSimulator]:
    sim = start_simulator()
    try:
        yield sim
    finally:
        stop_simulator(sim)


@pytest.fixture
def national_simulator(national_simulator_process: NationalSimulator, settings: Any) -> NationalSimulator:
    national_simulator_process.reset()
    settings.CCHC_PARTNERS = national_simulator_process.partners()
    return national_simulator_process
