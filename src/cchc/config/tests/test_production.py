"""The production settings refuse DEBUG, SQLite and the development secret."""

import os
import subprocess
import sys

import pytest

GOOD_SECRET = "k" * 50
POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"


def _load_production(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL"}}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import cchc.config.production"],
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SECRET_KEY": GOOD_SECRET, "DATABASE_URL": POSTGRES}, "DEBUG must be off"),
        ({"DEBUG": "0", "DATABASE_URL": POSTGRES}, "SECRET_KEY"),
        ({"DEBUG": "0", "SECRET_KEY": "short", "DATABASE_URL": POSTGRES}, "SECRET_KEY"),
        ({"DEBUG": "0", "SECRET_KEY": GOOD_SECRET}, "SQLite is not allowed"),
    ],
)
def test_production_refuses_unsafe_configuration(env, message):
    result = _load_production(**env)

    assert result.returncode != 0
    assert message in result.stderr


def test_production_starts_with_debug_off_a_secret_and_postgresql():
    result = _load_production(DEBUG="0", SECRET_KEY=GOOD_SECRET, DATABASE_URL=POSTGRES)

    assert result.returncode == 0, result.stderr
