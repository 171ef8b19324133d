"""«Kho dữ liệu của tôi» shows a document staff marked not acceptable (issue 16 item 5): marked, with the
reason, still downloadable by its owner (their own data), no longer deletable nor offered for reuse."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from cchc.common.tests.files import media_root, pdf_bytes  # noqa: F401
from cchc.identity.constants import SESSION_KEY
from cchc.identity.models import Citizen
from cchc.records.constants import StoredSource
from cchc.records.selectors import reusable_for
from cchc.records.services import stored_document_reject, stored_document_store

MINE = "/dich-vu-cong/ho-so-cua-toi/"
HONG = "056190004321"


def test_the_owner_sees_the_document_marked_not_acceptable_with_the_reason(db: None, media_root: Path) -> None:  # noqa: F811
    at = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)
    stored = stored_document_store(
        owner_id_number=HONG,
        document_type_code="anh-the",
        name="Ảnh thẻ 4x6",
        data=pdf_bytes(),
        content_type="application/pdf",
        extension="pdf",
        source=StoredSource.UPLOADED,
        at=at,
    )
    officer = User.objects.create_user(username="tiepnhan", password="x-Secret-123")
    stored_document_reject(
        stored, actor=officer, at=at, reason="Ảnh không rõ mặt", dossier_code="000.00.01.H01-260105-0001"
    )
    now = timezone.now()
    citizen = Citizen.objects.create(
        issuer="https://vneid.example",
        subject="hong",
        kind="citizen",
        id_number=HONG,
        full_name="Trần Thị Hồng",
        level="vneid_2",
        first_signed_in_at=now,
        last_signed_in_at=now,
    )
    client = Client()
    session = client.session
    session[SESSION_KEY] = citizen.pk
    session.save()

    page = re.sub(r"\s+", " ", client.get(MINE).content.decode())
    assert "Ảnh thẻ 4x6" in page
    assert "Không được chấp nhận: Ảnh không rõ mặt" in page
    assert f"kho-du-lieu/{stored.pk}/xoa/" not in page  # not deletable any more
    assert client.get(f"{MINE}kho-du-lieu/{stored.pk}/").status_code == 200  # still theirs to read
    assert reusable_for(owner_id_number=HONG, type_codes=["anh-the"], on=at.date()) == {}
