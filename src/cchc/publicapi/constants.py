"""Scopes and error codes of the public API for partner systems (issue 17 item 8, docs/api-public.md)."""

from __future__ import annotations

from enum import StrEnum

from cchc.common.errors import DomainError

API_VERSION = "1"  # the version in the path (/api/public/v1/); a breaking change is a new path
SUPPORTED_VERSIONS = ("v1",)


class Scope(StrEnum):
    """What a partner system may read; each client is granted some of them (``cchc publicapi client create``)."""

    CATALOGUE_READ = "catalogue:read"
    DOSSIERS_STATUS = "dossiers:status"
    OPENDATA_READ = "opendata:read"

    @property
    def label(self) -> str:
        return SCOPE_LABELS[self]


SCOPE_LABELS = {
    Scope.CATALOGUE_READ: "Đọc danh mục thủ tục hành chính",
    Scope.DOSSIERS_STATUS: "Tra cứu tình trạng hồ sơ (mã hồ sơ và số điện thoại hoặc số định danh của người nộp)",
    Scope.OPENDATA_READ: "Đọc dữ liệu mở",
}


class PublicApiErrorCode(StrEnum):
    TOKEN_MISSING = "publicapi.token_missing"
    TOKEN_INVALID = "publicapi.token_invalid"
    INSUFFICIENT_SCOPE = "publicapi.insufficient_scope"
    INVALID_CLIENT = "publicapi.invalid_client"
    INVALID_SCOPE = "publicapi.invalid_scope"
    INVALID_GRANT = "publicapi.invalid_grant"
    UNAUTHORIZED_CLIENT = "publicapi.unauthorized_client"
    UNSUPPORTED_GRANT_TYPE = "publicapi.unsupported_grant_type"
    INVALID_REQUEST = "publicapi.invalid_request"
    INVALID_PARAMETER = "publicapi.invalid_parameter"
    NOT_FOUND = "publicapi.not_found"
    UNSUPPORTED_VERSION = "publicapi.unsupported_version"
    DOSSIER_NOT_FOUND = "publicapi.dossier_not_found"
    TOO_MANY_LOOKUPS = "publicapi.too_many_lookups"
    TOO_MANY_TOKEN_FAILURES = "publicapi.too_many_token_failures"
    UNKNOWN_SCOPE = "publicapi.unknown_scope"  # the command line: a scope that does not exist
    CLIENT_NOT_FOUND = "publicapi.client_not_found"  # the command line: revoking an unknown client


class PublicApiError(DomainError[PublicApiErrorCode]):
    """A refused request of a partner system: nothing was changed."""

    codes = PublicApiErrorCode
    statuses = {
        PublicApiErrorCode.TOKEN_MISSING: 401,
        PublicApiErrorCode.TOKEN_INVALID: 401,
        PublicApiErrorCode.INSUFFICIENT_SCOPE: 403,
        PublicApiErrorCode.INVALID_CLIENT: 401,
        PublicApiErrorCode.INVALID_SCOPE: 400,
        PublicApiErrorCode.INVALID_GRANT: 400,
        PublicApiErrorCode.UNAUTHORIZED_CLIENT: 400,
        PublicApiErrorCode.UNSUPPORTED_GRANT_TYPE: 400,
        PublicApiErrorCode.INVALID_REQUEST: 400,
        PublicApiErrorCode.INVALID_PARAMETER: 400,
        PublicApiErrorCode.NOT_FOUND: 404,
        PublicApiErrorCode.UNSUPPORTED_VERSION: 404,
        PublicApiErrorCode.DOSSIER_NOT_FOUND: 404,
        PublicApiErrorCode.TOO_MANY_LOOKUPS: 429,
        PublicApiErrorCode.TOO_MANY_TOKEN_FAILURES: 429,
        PublicApiErrorCode.UNKNOWN_SCOPE: 400,
        PublicApiErrorCode.CLIENT_NOT_FOUND: 404,
    }
