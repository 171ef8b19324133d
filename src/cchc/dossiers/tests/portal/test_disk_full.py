"""Issue 17 item 5, "the upload disk full → a clear error, nothing half-written", on a real full file system.

The media root is a tmpfs of 256 KiB mounted for the test (``mount -t tmpfs``: root, or ``sudo -n``), filled
until a few KiB are left; an online submission whose file does not fit then meets the kernel's own
``ENOSPC`` in the middle of Django's write. Without root and without password-less sudo the test is skipped
with that reason (a directory that merely refuses writes would not test the half-written file).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from cchc.audit.models import AuditEvent
from cchc.common.tests.files import pdf_bytes, stored_files, upload
from cchc.dossiers.models import Dossier, DossierDocument
from cchc.dossiers.tests.portal.test_views import APPLY, form_data
from cchc.outbox.models import OutboxEvent

SIZE_KIB = 256
LEFT_KIB = 24  # free space left before the submission: less than its file


def _privileged(*argv: str) -> subprocess.CompletedProcess[bytes]:
    command = list(argv) if os.geteuid() == 0 else ["sudo", "-n", *argv]
    if shutil.which(command[0]) is None:
        return subprocess.CompletedProcess(command, 127, b"", b"not found")
    return subprocess.run(command, capture_output=True, timeout=20, check=False)


@pytest.fixture
def small_disk(settings: Any, tmp_path: Path) -> Iterator[Path]:
    """A real 256 KiB tmpfs as MEDIA_ROOT, nearly full (a filler file holds all but LEFT_KIB)."""
    mount = tmp_path / "media-small"
    mount.mkdir()
    done = _privileged("mount", "-t", "tmpfs", "-o", f"size={SIZE_KIB}k", "tmpfs", str(mount))
    if done.returncode != 0:
        pytest.skip(f"mounting a tmpfs needs root or password-less sudo: {done.stderr.decode().strip()}")
    try:
        _privileged("chmod", "0777", str(mount))
        filler = mount / "filler.bin"
        free = shutil.disk_usage(mount).free
        filler.write_bytes(b"\0" * (free - LEFT_KIB * 1024))
        settings.MEDIA_ROOT = str(mount)
        yield mount
    finally:
        _privileged("umount", str(mount))


def counts() -> tuple[int, int, int, int]:
    return (
        Dossier.objects.count(),
        DossierDocument.objects.count(),
        AuditEvent.objects.count(),
        OutboxEvent.objects.count(),
    )


def test_a_full_upload_disk_is_a_clear_error_and_nothing_is_half_written(client: Client, world, small_disk: Path):
    content = pdf_bytes() + b"%" + b"0" * (96 * 1024) + b"\n%%EOF\n"  # a real PDF, padded past the free space
    before = counts()

    response = client.post(APPLY, form_data(world, doc_1=upload("to-khai.pdf", content)))

    page = response.content.decode()
    assert response.status_code == 507, page
    assert "Kho lưu trữ tệp đã hết chỗ trống nên chưa lưu được tệp đính kèm" in page
    assert "<code>storage.full</code>" in page
    assert counts() == before  # no dossier, component, audit event or outbox event
    assert [p.name for p in stored_files(small_disk)] == ["filler.bin"]  # the truncated file was removed

    # the operator frees space: the same submission goes through, without restarting anything
    (small_disk / "filler.bin").unlink()
    again = client.post(APPLY, form_data(world, doc_1=upload("to-khai.pdf", content)))
    assert again.status_code == 302
    dossier = Dossier.objects.get()
    stored = DossierDocument.objects.get(dossier=dossier)
    assert (small_disk / stored.file.name).read_bytes() == content
