"""Fixtures of the catalogue tests: the agency registry, a minimal procedure, the demo catalogue."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from cchc.catalogue.services import catalogue_import_demo
from cchc.org.services import org_load_khanh_hoa

VN = ZoneInfo("Asia/Ho_Chi_Minh")
AT = datetime(2026, 1, 5, 8, 0, tzinfo=VN)  # a Monday after the 1/7/2025 reorganisation
LATER = AT + timedelta(days=30)

BASE_PROCEDURE: dict[str, Any] = {
    "code": "1.001193",
    "code_status": "secondary",
    "name": "Thủ tục đăng ký khai sinh",
    "field": "HOTICH",
    "levels": ["commune"],
    "competent_agencies": [{"level": "commune", "kind": "ubnd"}],
    "applicant_types": ["citizen"],
    "service_type": "toan_trinh",
    "processing_time": {"value": 1, "unit": "days"},
    "result": {"document_type": "giay-khai-sinh", "name": "Giấy khai sinh"},
    "legal_basis": ["Luật Hộ tịch số 60/2014/QH13"],
    "documents": [
        {
            "name": "Tờ khai đăng ký khai sinh",
            "document_type": "to-khai-dang-ky-khai-sinh",
            "form_template": "Mẫu TT 04",
        },
        {"name": "Giấy chứng sinh", "document_type": "giay-chung-sinh"},
    ],
    "fees": [{"kind": "le_phi", "name": "Lệ phí đăng ký khai sinh", "table": [{"label": "Đúng hạn", "amount": 0}]}],
    "steps": [
        {"name": "Tiếp nhận", "responsible": "receiving", "staff_role": "reception", "duration_hours": 1},
        {"name": "Thẩm định", "responsible": "competent", "staff_role": "specialist", "duration_hours": 5},
        {"name": "Ký duyệt", "responsible": "competent", "staff_role": "leader", "duration_hours": 1.5},
        {"name": "Trả kết quả", "responsible": "receiving", "staff_role": "clerk", "duration_hours": 0.5},
    ],
}


def procedure_data(**changes: Any) -> dict[str, Any]:
    """A valid procedure object (deep copy) with top-level keys replaced."""
    data = copy.deepcopy(BASE_PROCEDURE)
    data.update(changes)
    return data


def catalogue_data(*procedures: dict[str, Any]) -> dict[str, Any]:
    return {
        "format": "cchc-catalogue",
        "format_version": 1,
        "fields": [{"code": "HOTICH", "name": "Hộ tịch"}, {"code": "CUTRU", "name": "Cư trú"}],
        "procedures": list(procedures) or [procedure_data()],
    }


@pytest.fixture
def registry(db: None) -> None:
    """The shipped Khánh Hòa agency registry, loaded through the org service."""
    org_load_khanh_hoa()


@pytest.fixture
def demo(registry: None) -> None:
    """The shipped demo catalogue, imported at ``AT``."""
    catalogue_import_demo(at=AT)
