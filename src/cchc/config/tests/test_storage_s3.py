"""Files in an S3-compatible bucket (issue 17 item 2): with ``CCHC_STORAGE_URL=s3://…`` every file the
platform keeps — an online submission's component, a digitised paper component, a result and its signed
copy — is written to the bucket through Django's storage API and read back from it by the views that check
who may see it; nothing lands on the local disk and no object is public.

The bucket is served by moto's S3 server (``moto_server``), a real HTTP S3 API started as a separate
process on a free port: django-storages and boto3 talk to it exactly as to a provider's endpoint.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cchc.accounts.otp.testing import login_verified
from cchc.common.tests.files import media_root, pdf_bytes, stored_files, upload  # noqa: F401
from cchc.common.tests.ports import START_ATTEMPTS, closed_port, free_port
from cchc.config.env import storage_url_settings
from cchc.dossiers.constants import DossierStatus
from cchc.dossiers.models import Dossier, DossierDocument, ResultDocument
from cchc.dossiers.tests.conftest import (  # noqa: F401 (the one-stop-shop's fixtures)
    World,
    certificates,
    returned_with_signed_result,
    world,
    world_module,
)
from cchc.dossiers.tests.test_digitise import counter, digitise
from cchc.signing.tests.pdfs import result_pdf

BUCKET = "cchc-ho-so"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "cchc-test", "AWS_SECRET_ACCESS_KEY": "cchc-test-secret"}


def _start_moto() -> tuple[subprocess.Popen[bytes], int]:
    """moto_server on a free port, answering; another port if another process took that one first (ports.py)."""
    for _ in range(START_ATTEMPTS):
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while server.poll() is None and time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            except OSError:
                time.sleep(0.05)
                continue
            if server.poll() is None:  # it is moto that answers, not another worker's server
                return server, port
        server.kill()
        server.wait(timeout=10)
    raise RuntimeError("moto_server did not start")


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server in its own process, the test bucket created, the credentials in the environment."""
    import boto3

    server, port = _start_moto()
    endpoint = f"http://127.0.0.1:{port}"
    saved = {name: os.environ.get(name) for name in CREDENTIALS}
    os.environ.update(CREDENTIALS)
    try:
        boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(Bucket=BUCKET)
        yield endpoint
    finally:
        server.terminate()
        server.wait(timeout=10)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture
def bucket(s3_endpoint: str, settings: Any) -> Any:
    """The default storage is the bucket (as CCHC_STORAGE_URL selects it); returns a boto3 client on it that
    checks the objects independently of the application."""
    import boto3

    url = f"s3://{BUCKET}/cchc?endpoint_url={s3_endpoint}&region=us-east-1&addressing_style=path"
    settings.STORAGES = {**settings.STORAGES, "default": storage_url_settings(url)}
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    yield client
    listed = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    for item in listed:
        client.delete_object(Bucket=BUCKET, Key=item["Key"])


def _object(client: Any, name: str) -> bytes:
    """The object's bytes, read straight from the S3 API; and it grants nothing to anyone but its owner."""
    grants = client.get_object_acl(Bucket=BUCKET, Key=f"cchc/{name}")["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]
    assert all(g["Grantee"].get("URI") is None for g in grants)  # no AllUsers / AuthenticatedUsers group
    return bytes(client.get_object(Bucket=BUCKET, Key=f"cchc/{name}")["Body"].read())


def _download(response: Any) -> bytes:
    assert response.status_code == 200, response
    return b"".join(response.streaming_content)


def test_an_online_submission_and_a_digitised_component_go_to_the_bucket_and_back(
    world: World,  # noqa: F811
    bucket: Any,
    media_root: Path,  # noqa: F811
) -> None:
    from cchc.dossiers.tests.portal.test_views import APPLY, form_data

    content = pdf_bytes() + b"%online"
    response = Client().post(APPLY, form_data(world, doc_1=upload("to-khai.pdf", content)))
    online = Dossier.objects.get(channel="online")
    component = online.documents.get()
    assert response.status_code == 302
    assert _object(bucket, component.file.name) == content

    paper = counter(world)
    scanned = DossierDocument.objects.get(dossier=paper)
    stored = digitise(world, paper, scanned.pk)
    assert _object(bucket, stored.file.name) == pdf_bytes()

    officer = login_verified(Client(), world.reception)
    assert _download(officer.get(f"/mot-cua/tep/{online.pk}/{component.order}/")) == content
    assert _download(officer.get(f"/mot-cua/tep/{paper.pk}/{scanned.order}/")) == pdf_bytes()
    assert login_verified(Client(), world.outsider).get(f"/mot-cua/tep/{paper.pk}/{scanned.order}/").status_code == 404
    assert stored_files(media_root) == []  # nothing on the local disk


def test_a_result_signed_by_the_outbox_subscriber_is_kept_in_the_bucket_and_verified_from_it(
    world: World,  # noqa: F811
    certificates: Path,  # noqa: F811
    bucket: Any,
    media_root: Path,  # noqa: F811
) -> None:
    from cchc.dossiers.portal.views import SESSION_SEEN

    dossier = returned_with_signed_result(world, timezone.now() - timedelta(minutes=1))
    result = ResultDocument.objects.get(dossier=dossier)
    assert dossier.status == DossierStatus.RETURNED
    assert _object(bucket, result.original.name) == result_pdf()
    signed = _object(bucket, result.signed.name)
    assert signed.startswith(b"%PDF")
    assert signed != result_pdf()

    officer = login_verified(Client(), world.reception)
    applicant = Client()
    session = applicant.session
    session[SESSION_SEEN] = [dossier.pk]
    session.save()
    assert _download(officer.get(f"/mot-cua/ket-qua/{dossier.pk}/{result.pk}/")) == signed
    assert _download(applicant.get(f"/dich-vu-cong/ho-so/{dossier.pk}/ket-qua.pdf")) == signed
    page = Client().get(f"/xac-minh/{result.token}/").content.decode()
    assert "Kết quả hợp lệ: chữ ký số đúng, nội dung không bị thay đổi." in page
    assert stored_files(media_root) == []


def test_a_store_that_does_not_answer_refuses_the_submission_in_vietnamese_and_changes_nothing(
    world: World,  # noqa: F811
    s3_endpoint: str,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No 500 when the bucket is unreachable: a 503 page in Vietnamese, no dossier, no audit event."""
    from cchc.audit.models import AuditEvent
    from cchc.dossiers.tests.portal.test_views import APPLY, form_data

    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")  # no retries against a closed port
    before = (Dossier.objects.count(), DossierDocument.objects.count(), AuditEvent.objects.count())
    with closed_port() as port:
        dead = f"s3://{BUCKET}?endpoint_url=http://127.0.0.1:{port}&region=us-east-1&addressing_style=path"
        settings.STORAGES = {**settings.STORAGES, "default": storage_url_settings(dead)}

        response = Client().post(APPLY, form_data(world))

    assert response.status_code == 503
    assert "Kho lưu trữ tệp tạm thời không truy cập được" in response.content.decode()
    assert "storage.unavailable" in response.content.decode()
    assert (Dossier.objects.count(), DossierDocument.objects.count(), AuditEvent.objects.count()) == before


def test_the_storage_url_selects_the_directory_or_a_private_bucket() -> None:
    assert storage_url_settings("") == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert storage_url_settings("file://")["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert storage_url_settings("s3://ho-so/cchc/?endpoint_url=https://s3.example.vn&region=hn-1") == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "ho-so",
            "location": "cchc",
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
            "max_memory_size": 2_621_440,
            "endpoint_url": "https://s3.example.vn",
            "region_name": "hn-1",
        },
    }


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("s3://AKIA:bi-mat@ho-so", "không ghi khóa truy cập trong địa chỉ"),
        ("gs://ho-so", "cần dạng s3://tên-bucket"),
        ("s3://", "cần dạng s3://tên-bucket"),
    ],
)
def test_a_bad_storage_url_is_refused_in_vietnamese(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        storage_url_settings(url)
