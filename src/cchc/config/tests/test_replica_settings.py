"""DATABASE_REPLICA_URL and CCHC_DB_PREPARED_STATEMENTS (issue 17 item 3): the settings made from the
environment, read in a child process as a deployment's are (no database is connected to)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from cchc.config.tests.test_production import GOOD, _load_production

PRIMARY = "postgres://cchc@10.0.0.21:5432/cchc"
REPLICA = "postgres://cchc_doc@10.0.0.22:5432/cchc"
PRINT = (
    "import json; from cchc.config import settings as s; "
    "print(json.dumps({'databases': s.DATABASES, 'routers': getattr(s, 'DATABASE_ROUTERS', []), "
    "'lag': s.CCHC_REPLICA_MAX_LAG_SECONDS, 'prepared': s.CCHC_DB_PREPARED_STATEMENTS}, default=str))"
)


def _settings(**env: str) -> dict:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "CCHC_DB_", "CCHC_REPLICA_"))}
    clean.update(env)
    done = subprocess.run([sys.executable, "-c", PRINT], env=clean, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_without_a_replica_there_is_one_database_and_no_router() -> None:
    s = _settings(DATABASE_URL=PRIMARY)

    assert list(s["databases"]) == ["default"]
    assert s["routers"] == []
    assert s["databases"]["default"]["CONN_HEALTH_CHECKS"] is True  # a database restart costs no later request
    assert s["databases"]["default"].get("DISABLE_SERVER_SIDE_CURSORS", False) is False


def test_a_replica_adds_an_alias_mirrored_in_tests_and_the_router() -> None:
    s = _settings(DATABASE_URL=PRIMARY, DATABASE_REPLICA_URL=REPLICA, CCHC_REPLICA_MAX_LAG_SECONDS="12.5")
    replica = s["databases"]["replica"]

    assert replica["HOST"] == "10.0.0.22"
    assert replica["USER"] == "cchc_doc"
    assert replica["TEST"] == {"MIRROR": "default"}  # never created nor migrated: the standby replays the primary
    assert replica["OPTIONS"]["options"] == "-c jit=off"  # the primary's connection options
    assert replica["CONN_HEALTH_CHECKS"] is True
    assert s["routers"] == ["cchc.common.dbrouter.ReplicaRouter"]
    assert s["lag"] == 12.5


def test_behind_a_transaction_pooler_session_state_is_off_on_both_aliases() -> None:
    s = _settings(DATABASE_URL=PRIMARY, DATABASE_REPLICA_URL=REPLICA, CCHC_DB_PREPARED_STATEMENTS="0")

    assert s["prepared"] is False
    assert s["databases"]["default"]["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert s["databases"]["replica"]["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert "prepare_threshold" not in s["databases"]["default"]["OPTIONS"]  # psycopg prepares nothing itself


def test_production_refuses_a_replica_that_is_not_postgresql() -> None:
    result = _load_production(**GOOD, DATABASE_REPLICA_URL="sqlite:////tmp/x.sqlite3")

    assert result.returncode != 0
    assert "DATABASE_REPLICA_URL must be a PostgreSQL standby" in result.stderr


def test_production_starts_with_a_replica() -> None:
    result = _load_production(**GOOD, DATABASE_REPLICA_URL=REPLICA)

    assert result.returncode == 0, result.stderr
