"""The data of the public API's tests, loaded once per module and rolled back: the Khánh Hòa registry, a
two-procedure catalogue, one dossier received at the counter and one filed online, and one open dataset
with a month of rows (written as ``cchc.opendata.services.opendata_publish`` writes them)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from cchc.dossiers.models import Dossier

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PUBLISHED = datetime(2025, 12, 1, 8, 0, tzinfo=VN)
AT = datetime(2026, 1, 5, 8, 0, tzinfo=VN)
CENTRE = "trung-tam-dich-vu-hanh-chinh-cong-truc-tuyen"
JUSTICE = "so-tu-phap"

_STEPS = [
    {"name": "Tiếp nhận hồ sơ", "responsible": "receiving", "staff_role": "reception", "duration_hours": 4},
    {"name": "Thẩm định, tra cứu", "responsible": "competent", "staff_role": "specialist", "duration_hours": 24},
    {"name": "Trả kết quả", "responsible": "receiving", "staff_role": "clerk", "duration_hours": 4},
]


def _procedure(code: str, name: str) -> dict[str, Any]:
    return {
        "code": code,
        "code_status": "demo",
        "name": name,
        "field": "LLTP",
        "levels": ["province"],
        "competent_agencies": [{"agency": JUSTICE}],
        "applicant_types": ["citizen"],
        "service_type": "toan_trinh",
        "processing_time": {"value": 5, "unit": "days"},
        "result": {"document_type": "phieu-ly-lich-tu-phap", "name": "Phiếu lý lịch tư pháp"},
        "legal_basis": ["Luật Lý lịch tư pháp số 28/2009/QH12"],
        "documents": [{"name": "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", "document_type": "to-khai-lltp"}],
        "fees": [{"kind": "phi", "name": "Phí cung cấp thông tin lý lịch tư pháp", "amount": 200000}],
        "steps": _STEPS,
    }


CATALOGUE = {
    "format": "cchc-catalogue",
    "format_version": 1,
    "fields": [{"code": "LLTP", "name": "Lý lịch tư pháp"}],
    "procedures": [
        _procedure("9.000101", "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam"),
        _procedure("9.000103", "Cấp Phiếu lý lịch tư pháp cho người nước ngoài"),
    ],
}


@dataclass(frozen=True)
class World:
    received: Dossier  # has a code
    online: Dossier  # filed online, not yet received: found by its TT- reference


def _open_data() -> None:
    from cchc.opendata.models import Dataset, Resource

    rows = [{"thang": "2025-12", "ma_thu_tuc": f"9.0001{i:02d}", "so_ho_so": i} for i in range(25)]
    content = json.dumps({"du_lieu": rows}, ensure_ascii=False).encode()
    name = default_storage.save("du-lieu-mo/ho-so/2025-12.json", ContentFile(content))
    dataset = Dataset.objects.create(
        name="ho-so-thu-tuc-hanh-chinh",
        title="Hồ sơ thủ tục hành chính theo tháng",
        notes="Số hồ sơ tiếp nhận, giải quyết theo thủ tục.",
        keywords=["hồ sơ", "thủ tục hành chính"],
        theme="Cải cách hành chính",
        licence_id="CC-BY-4.0",
        issued=AT,
        modified=AT,
    )
    Resource.objects.create(
        dataset=dataset,
        month="2025-12",
        format="JSON",
        name="Hồ sơ tháng 12/2025 (JSON)",
        media_type="application/json",
        storage_name=name,
        byte_size=len(content),
        checksum=hashlib.sha256(content).hexdigest(),
        fields=[
            {"id": "thang", "type": "text", "label": "Tháng"},
            {"id": "ma_thu_tuc", "type": "text", "label": "Mã thủ tục"},
            {"id": "so_ho_so", "type": "int", "label": "Số hồ sơ"},
        ],
        row_count=len(rows),
        temporal_start=date(2025, 12, 1),
        temporal_end=date(2025, 12, 31),
        issued=AT,
        modified=AT,
    )


def build_world() -> World:
    from cchc.accounts.constants import Area, Role
    from cchc.accounts.services import membership_grant
    from cchc.catalogue.models import Procedure
    from cchc.catalogue.services import catalogue_import
    from cchc.dossiers import services
    from cchc.dossiers.lifecycle.applicants import Applicant
    from cchc.org.models import Agency
    from cchc.org.services import org_load_khanh_hoa

    org_load_khanh_hoa()
    catalogue_import(data=CATALOGUE, at=PUBLISHED)
    agencies = {a.code: a for a in Agency.objects.valid_on(AT.date()).filter(code__in=[CENTRE, JUSTICE])}
    officer = User.objects.create_user(username="tiepnhan", password="x-Secret-123")
    membership_grant(
        user=officer, agency=agencies[CENTRE], area=Area.ONE_STOP, role=Role.RECEPTION,
        valid_from=date(2025, 7, 1), actor=None, at=PUBLISHED,
    )  # fmt: skip
    procedure = Procedure.objects.get(code="9.000101")
    citizen = Applicant(
        kind="citizen",
        name="Nguyễn Thị Lan",
        id_number="056190001234",
        phone="0905123456",
        email="lan@example.vn",
        address="Phường Nha Trang, Khánh Hòa",
    )
    common = {"procedure": procedure, "applicant": citizen, "receiving_agency": agencies[CENTRE],
              "competent_agency": agencies[JUSTICE], "at": AT}  # fmt: skip
    received = services.dossier_receive_counter(actor=officer, **common)
    online = services.dossier_submit_online(**common)
    _open_data()
    return World(received=received, online=online)
