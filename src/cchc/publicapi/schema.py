"""The public API's OpenAPI description: its own document (``/api/public/v1/schema/``), apart from the
platform's internal API (``/api/schema/``), with the OAuth2 client-credentials scheme declared."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse

from cchc.publicapi.constants import SCOPE_LABELS
from cchc.publicapi.serializers import ErrorSerializer

SECURITY_NAME = "partnerOAuth2"
TOKEN_URL = "/api/public/v1/oauth/token/"
PUBLIC_PREFIX = "/api/public/"

SETTINGS: dict[str, Any] = {
    "TITLE": "API công khai CCHC Khánh Hòa cho hệ thống đối tác",
    "DESCRIPTION": (
        "Danh mục thủ tục hành chính, tra cứu tình trạng hồ sơ (theo cùng quy tắc của Cổng dịch vụ công) và "
        "dữ liệu mở, cho các hệ thống của đối tác. Xác thực: OAuth2, luồng client credentials (RFC 6749 §4.4); "
        "mỗi hệ thống được cấp một client với các phạm vi (scope) cần thiết. Mọi lỗi trả về "
        '{"code", "message"}: mã lỗi ổn định và thông báo tiếng Việt. Hướng dẫn: docs/api-public.md.'
    ),
    "VERSION": "1.0.0",
    "PREPROCESSING_HOOKS": [],
    "SCHEMA_PATH_PREFIX": "/api/public/v1",
    "SERVERS": [],
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "DossierStatusEnum": "cchc.dossiers.constants.DossierStatus",
        "ChannelEnum": "cchc.dossiers.constants.Channel",
    },
}


class PartnerOAuth2Scheme(OpenApiAuthenticationExtension):
    target_class = "cchc.publicapi.auth.PartnerTokenAuthentication"
    name = SECURITY_NAME

    def get_security_requirement(self, auto_schema: Any) -> dict[str, list[str]]:
        scope = getattr(auto_schema.view, "required_scope", None)
        return {self.name: [str(scope)] if scope else []}

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "oauth2",
            "description": "Mã truy cập lấy bằng luồng client credentials; gửi trong tiêu đề Authorization: Bearer.",
            "flows": {
                "clientCredentials": {
                    "tokenUrl": TOKEN_URL,
                    "scopes": {str(scope): label for scope, label in SCOPE_LABELS.items()},
                }
            },
        }


def exclude_public_endpoints(endpoints: list[tuple[str, str, str, Any]]) -> list[tuple[str, str, str, Any]]:
    """The internal API's schema (``/api/schema/``) leaves the public API out: it has its own document."""
    return [e for e in endpoints if not e[0].startswith(PUBLIC_PREFIX)]


def errors(*statuses: int) -> dict[int, OpenApiResponse]:
    """The error answers an operation documents: ``{"code", "message"}``."""
    descriptions = {
        400: "Dữ liệu gửi lên không hợp lệ.",
        401: "Thiếu mã truy cập, hoặc mã không hợp lệ, đã hết hạn, đã bị thu hồi.",
        403: "Mã truy cập không có phạm vi cần thiết.",
        404: "Không tìm thấy.",
        405: "Phương thức không được hỗ trợ.",
        413: "Dữ liệu gửi lên quá lớn.",
        415: "Kiểu nội dung không được hỗ trợ (chỉ application/json).",
        429: "Quá nhiều lần tra cứu không thành công; thử lại sau.",
    }
    return {status: OpenApiResponse(ErrorSerializer, description=descriptions[status]) for status in statuses}
