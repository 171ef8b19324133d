"""Backup and restore of a deployment (issue 17 item 6): the database, the files and the audit chain's head.

A backup is a directory ``cchc-backup-<yyyyMMdd-HHmmss>/`` holding

- ``database.dump``: ``pg_dump --format=custom`` of the whole database, taken in an exported snapshot;
- ``files/``: every file of the default storage (uploads, results, the data store; local disk or S3 alike,
  through Django's storage API), under its storage name;
- ``manifest.json``: when, which database server, the row count of every table **in the same snapshot as the
  dump** (so they match it exactly even while the site keeps writing), every file's size and SHA-256, the
  latest migration of each app, and the audit anchor written just before the snapshot (the chain's head:
  sequence and hash), which is also printed for a copy kept outside the system.

A restore goes into an empty deployment (a database without tables, an empty storage): ``pg_restore``, the
files copied back and checked against their hashes, then three checks — every table's row count equals the
manifest's, every file is back with its hash, and the audit chain verifies (with the deployment's
``CCHC_AUDIT_KEYS``: keep them with the backup's keeper, never inside the backup) up to the anchor of the
backup. Any difference fails the restore with the list of differences.

Files written after the snapshot may be in ``files/`` without a row pointing at them (harmless); a file
deleted between the snapshot and the copy is reported missing, and the backup fails rather than keep a
dump whose files are incomplete. PostgreSQL only (production refuses SQLite; the demo's SQLite file is
copied with any file tool).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.files.base import File
from django.core.files.storage import Storage, default_storage
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1
CHUNK = 1 << 20


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is Vietnamese, for the operator."""


@dataclass
class RestoreReport:
    tables: int = 0
    rows: int = 0
    files: int = 0
    anchor: str = ""
    differences: list[str] = field(default_factory=list)


def _require_postgresql() -> None:
    if connection.vendor != "postgresql":
        raise BackupError("Sao lưu, khôi phục chỉ dùng với PostgreSQL (DATABASE_URL=postgres://…).")


def _libpq_env() -> dict[str, str]:
    """The environment that points pg_dump / pg_restore at this deployment's database."""
    s = connection.settings_dict
    env = dict(os.environ)
    for key, value in {
        "PGHOST": s.get("HOST") or "",
        "PGPORT": str(s.get("PORT") or ""),
        "PGUSER": s.get("USER") or "",
        "PGPASSWORD": s.get("PASSWORD") or "",
        "PGDATABASE": s["NAME"],
    }.items():
        if value:
            env[key] = value
    return env


def _tables(cursor: Any) -> list[str]:
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename",
    )
    return [row[0] for row in cursor.fetchall()]


def _counts(cursor: Any) -> dict[str, int]:
    counts = {}
    for table in _tables(cursor):
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 (names from the catalogue)
        counts[table] = int(cursor.fetchone()[0])
    return counts


def storage_files(storage: Storage, directory: str = "") -> Iterator[str]:
    """Every file name of ``storage`` (recursively), in a stable order."""
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{directory}/{name}" if directory else name
    for sub in sorted(directories):
        yield from storage_files(storage, f"{directory}/{sub}" if directory else sub)


def _copy_out(storage: Storage, name: str, target: Path) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    target.parent.mkdir(parents=True, exist_ok=True)
    with storage.open(name, "rb") as source, target.open("wb") as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return size, digest.hexdigest()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def backup_create(*, output: Path, at: datetime | None = None, say: Callable[[str], None] = lambda _: None) -> Path:
    """Write a backup directory under ``output`` and return its path (see the module)."""
    from cchc.audit.services import audit_anchor_create

    _require_postgresql()
    at = at or timezone.now()
    target = output / f"cchc-backup-{timezone.localtime(at):%Y%m%d-%H%M%S}"
    if target.exists():
        raise BackupError(f"Thư mục {target} đã có: chọn thư mục khác.")
    target.mkdir(parents=True)
    anchor = audit_anchor_create(at=at)  # committed before the snapshot: the dump holds it
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "created_at": at.isoformat(),
        "anchor": {"sequence": anchor.sequence, "hash": anchor.hash} if anchor else None,
        "migrations": dict(
            MigrationRecorder.Migration.objects.order_by("app", "id").values_list("app", "name")  # last wins
        ),
    }
    # One snapshot for the counts and the dump: a REPEATABLE READ transaction exports it, pg_dump uses it.
    connection.ensure_connection()
    manifest["server"] = connection.pg_version  # type: ignore[attr-defined]
    connection.close()
    import psycopg

    s = connection.settings_dict
    with psycopg.connect(
        host=s.get("HOST") or None,
        port=s.get("PORT") or None,
        user=s.get("USER") or None,
        password=s.get("PASSWORD") or None,
        dbname=s["NAME"],
    ) as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]  # type: ignore[index]
        with conn.cursor() as cursor:
            manifest["tables"] = _counts(cursor)
        say(f"Sao lưu cơ sở dữ liệu ({len(manifest['tables'])} bảng, ảnh chụp {snapshot})…")
        dump = subprocess.run(
            ["pg_dump", "--format=custom", f"--snapshot={snapshot}", "--file", str(target / "database.dump")],
            env=_libpq_env(),
            capture_output=True,
            text=True,
            check=False,
        )
        conn.rollback()
    if dump.returncode != 0:
        raise BackupError(f"pg_dump không thành công: {dump.stderr.strip()[:500]}")
    say("Sao lưu tệp…")
    files: dict[str, dict[str, Any]] = {}
    for name in storage_files(default_storage):
        try:
            size, digest = _copy_out(default_storage, name, target / "files" / name)
        except FileNotFoundError as exc:
            raise BackupError(f"Tệp {name} biến mất trong lúc sao lưu: hãy chạy lại.") from exc
        files[name] = {"size": size, "sha256": digest}
    manifest["files"] = files
    (target / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return target


def _database_empty() -> bool:
    with connection.cursor() as cursor:
        return not _tables(cursor)


def backup_restore(*, source: Path, say: Callable[[str], None] = lambda _: None) -> RestoreReport:
    """Restore the backup directory ``source`` into this (empty) deployment and check it (see the module)."""
    from cchc.audit.services import audit_verify

    _require_postgresql()
    manifest_path = source / "manifest.json"
    if not manifest_path.exists() or not (source / "database.dump").exists():
        raise BackupError(f"{source} không phải bản sao lưu của cchc backup (thiếu manifest.json hoặc database.dump).")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Bản sao lưu dạng {manifest.get('format')!r}: phiên bản này đọc dạng {FORMAT}.")
    if not _database_empty():
        raise BackupError(
            "Cơ sở dữ liệu đích đã có bảng: chỉ khôi phục vào một hệ thống trống (tạo cơ sở dữ liệu mới bằng "
            "createdb, không chạy migrate)."
        )
    if any(True for _ in storage_files(default_storage)):
        raise BackupError("Kho tệp đích đã có tệp: chỉ khôi phục vào một kho trống.")
    say("Khôi phục cơ sở dữ liệu…")
    connection.close()
    restore = subprocess.run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--dbname",
            connection.settings_dict["NAME"],
            str(source / "database.dump"),
        ],
        env=_libpq_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if restore.returncode != 0:
        raise BackupError(f"pg_restore không thành công: {restore.stderr.strip()[:500]}")
    say("Khôi phục tệp…")
    report = RestoreReport()
    for name, meta in manifest["files"].items():
        path = source / "files" / name
        if not path.exists():
            report.differences.append(f"thiếu tệp trong bản sao lưu: {name}")
            continue
        if _sha256(path) != meta["sha256"]:
            report.differences.append(f"tệp trong bản sao lưu bị sửa: {name}")
            continue
        with path.open("rb") as handle:
            saved = default_storage.save(name, File(handle))
        if saved != name:
            report.differences.append(f"tệp {name} được lưu dưới tên {saved}")
        report.files += 1
    say("Kiểm tra…")
    with connection.cursor() as cursor:
        counts = _counts(cursor)
    for table, expected in manifest["tables"].items():
        if counts.get(table) != expected:
            report.differences.append(f"bảng {table}: {counts.get(table)} dòng, bản sao lưu có {expected}")
    report.tables, report.rows = len(counts), sum(counts.values())
    anchor = manifest.get("anchor")
    whole = audit_verify()  # every event, and the anchors stored in the chain's own table
    if not whole.ok:
        report.differences.append(f"chuỗi nhật ký không toàn vẹn: {whole.reason}")
    if anchor:
        report.anchor = f"{anchor['sequence']}:{anchor['hash']}"
        at_anchor = audit_verify(since=(anchor["sequence"], anchor["hash"]))  # the head the backup recorded
        if not at_anchor.ok:
            report.differences.append(f"chuỗi nhật ký không khớp mốc của bản sao lưu: {at_anchor.reason}")
    if report.differences:
        raise BackupError("Khôi phục xong nhưng không khớp bản sao lưu:\n- " + "\n- ".join(report.differences))
    return report


def remove_partial(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
