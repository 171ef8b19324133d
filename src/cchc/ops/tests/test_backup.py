"""``cchc backup`` / ``cchc restore`` (issue 17 item 6): a round trip into an empty deployment compares every
table's rows, every file and the audit chain's head; a tampered backup and a non-empty target are refused."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from cchc.audit.models import AuditEvent
from cchc.audit.services import audit_record

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _admin() -> psycopg.Connection:
    s = connection.settings_dict
    return psycopg.connect(
        host=s.get("HOST") or None,
        port=s.get("PORT") or None,
        user=s.get("USER") or None,
        dbname="postgres",
        autocommit=True,
    )


@pytest.fixture
def empty_database():
    """A fresh, empty database (as `createdb` makes it), dropped after the test."""
    if connection.vendor != "postgresql":
        pytest.skip("backup and restore are PostgreSQL's")
    names: list[str] = []

    def make() -> str:
        name = f"{connection.settings_dict['NAME']}_restore_{len(names)}"
        with _admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
        names.append(name)
        return name

    yield make
    with _admin() as admin:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _restore(source: Path, database: str, media: Path) -> subprocess.CompletedProcess[str]:
    s = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{database}",
        "CCHC_MEDIA_ROOT": str(media),
        "DJANGO_SETTINGS_MODULE": "cchc.config.settings",
    }
    return subprocess.run(
        [sys.executable, "-m", "cchc", "restore", str(source)], env=env, capture_output=True, text=True, check=False
    )


def _count(database: str, sql: str) -> int:
    s = connection.settings_dict
    with psycopg.connect(host=s["HOST"] or None, port=s["PORT"] or None, user=s["USER"], dbname=database) as conn:
        return int(conn.execute(sql).fetchone()[0])  # type: ignore[index]


def test_a_backup_restores_into_an_empty_deployment_with_its_rows_files_and_chain(
    tmp_path: Path, settings, empty_database, capsys
) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    officer = User.objects.create_user("sao-luu", first_name="Nguyễn Thị Lưu")
    for n in range(3):
        audit_record(actor=None, action="ops.test", target=officer, before=None, after={"n": n}, at=timezone.now())
    default_storage.save("results/12/Giấy phép xây dựng.pdf", ContentFile(b"%PDF-1.7 ket qua"))
    default_storage.save("records/a/b/scan.png", ContentFile(b"\x89PNG anh"))

    call_command("backup", output=str(tmp_path / "out"))
    printed = capsys.readouterr().out
    (backup,) = (tmp_path / "out").iterdir()
    manifest = json.loads((backup / "manifest.json").read_text(encoding="utf-8"))
    head = AuditEvent.objects.order_by("-sequence").first()
    assert head is not None
    assert manifest["anchor"] == {"sequence": head.sequence, "hash": head.hash}
    assert f"{head.sequence}:{head.hash}" in printed
    assert set(manifest["files"]) == {"results/12/Giấy phép xây dựng.pdf", "records/a/b/scan.png"}
    assert manifest["tables"]["auth_user"] == 1

    target, media = empty_database(), tmp_path / "restored-media"
    done = _restore(backup, target, media)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Đã khôi phục và kiểm tra" in done.stdout
    assert (media / "results/12/Giấy phép xây dựng.pdf").read_bytes() == b"%PDF-1.7 ket qua"
    assert _count(target, "SELECT count(*) FROM audit_auditevent") == AuditEvent.objects.count()
    assert _count(target, "SELECT count(*) FROM auth_user WHERE first_name = 'Nguyễn Thị Lưu'") == 1

    # the same deployment again: not empty, refused, nothing changed
    again = _restore(backup, target, media)
    assert again.returncode != 0
    assert "đã có bảng" in again.stderr

    # a file of the backup altered: the restore says so
    (backup / "files/records/a/b/scan.png").write_bytes(b"sua")
    tampered = _restore(backup, empty_database(), tmp_path / "media-3")
    assert tampered.returncode != 0
    assert "bị sửa: records/a/b/scan.png" in tampered.stderr
