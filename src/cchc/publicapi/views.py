"""The public API for partner systems, version 1 (``/api/public/v1/``; issue 17 item 8, docs/api-public.md).

Reads only, each behind one OAuth2 scope: the procedure catalogue (``catalogue:read``), a dossier's
status by its code and the applicant's phone or ID number (``dossiers:status``, the portal's look-up
rules), the open datasets (``opendata:read``). Tokens come from the client-credentials grant at
``oauth/token/``. Every refusal is ``{"code", "message"}`` with a stable code and a Vietnamese message
(:class:`~cchc.publicapi.constants.PublicApiError`, rendered by :func:`cchc.common.api.exception_handler`).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from oauth2_provider.views import TokenView as OAuthTokenView
from rest_framework import exceptions, serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser, FormParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cchc.catalogue.models import Procedure, ProcedureVersion
from cchc.catalogue.selectors import procedure_get, procedure_search, procedure_version_published
from cchc.catalogue.text import processing_time_text
from cchc.common.api import JSONParser
from cchc.common.throttle import FailureThrottle, client_address
from cchc.dossiers.lookups import LOOKUP_WINDOW
from cchc.dossiers.selectors import dossier_lookup_public
from cchc.opendata.constants import LICENCE
from cchc.opendata.models import Dataset, Resource
from cchc.opendata.selectors import dataset_get, dataset_list, dataset_search, resource_get, resource_records
from cchc.publicapi import serializers as s
from cchc.publicapi.auth import HasScope, PartnerTokenAuthentication
from cchc.publicapi.constants import API_VERSION, SUPPORTED_VERSIONS, PublicApiError, PublicApiErrorCode, Scope
from cchc.publicapi.schema import errors
from cchc.publicapi.selectors import dossier_status_public

_NUL = "\x00"


class JSONOnly(BaseContentNegotiation):
    """The API speaks JSON only, whatever the Accept header asks."""

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> Any:
        for parser in parsers:
            if request.content_type.split(";")[0].strip().lower() == parser.media_type:
                return parser
        return None

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> Any:
        first = next(iter(renderers))
        return first, first.media_type


class PublicApiView(APIView):
    authentication_classes = [PartnerTokenAuthentication]
    permission_classes = [HasScope]
    parser_classes = [JSONParser]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JSONOnly
    throttle_classes: list[Any] = []
    required_scope: Scope

    def handle_exception(self, exc: Exception) -> Response:
        # DRF's own refusals, in Vietnamese (their codes stay DRF's: method_not_allowed, unsupported_media_type)
        if isinstance(exc, exceptions.MethodNotAllowed):
            exc = exceptions.MethodNotAllowed(
                self.request.method or "",
                detail=f"Phương thức «{self.request.method}» không được hỗ trợ ở địa chỉ này.",
            )
        elif isinstance(exc, exceptions.UnsupportedMediaType):
            wanted = ", ".join(p.media_type for p in self.get_parsers())
            exc = exceptions.UnsupportedMediaType(
                self.request.content_type, detail=f"Kiểu nội dung không được hỗ trợ; gửi {wanted}."
            )
        response = super().handle_exception(exc)
        if response.status_code == 401 and "WWW-Authenticate" not in response:
            response["WWW-Authenticate"] = PartnerTokenAuthentication().authenticate_header(self.request)
        response["API-Version"] = API_VERSION
        return response

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        response["API-Version"] = API_VERSION
        response["Cache-Control"] = "no-store"
        return response


def _valid(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    """``data`` checked by ``serializer_class``; invalid: 400 ``publicapi.invalid_parameter`` naming the
    first offending parameter."""
    if data is None or not hasattr(data, "get"):
        raise PublicApiError(PublicApiErrorCode.INVALID_PARAMETER, "Dữ liệu gửi lên phải là một đối tượng JSON.")
    if isinstance(data, QueryDict):
        # a plain dict: DRF would read an empty query parameter (``?page=``) as absent, not as invalid
        data = {key: data[key] for key in data}
    serializer = serializer_class(data=data)
    if serializer.is_valid():
        return dict(serializer.validated_data)
    problems = serializer.errors
    if not isinstance(problems, dict) or not problems:
        raise PublicApiError(PublicApiErrorCode.INVALID_PARAMETER, "Dữ liệu gửi lên phải là một đối tượng JSON.")
    key, messages = next(iter(problems.items()))
    first = messages[0] if isinstance(messages, list) and messages else messages
    where = "" if key == "non_field_errors" else f"{key}: "
    raise PublicApiError(PublicApiErrorCode.INVALID_PARAMETER, f"{where}{first}")


def _int_messages(name: str, low: int, high: int) -> Any:
    text = f"{name} phải là số nguyên từ {low} đến {high}."
    return {"invalid": text, "min_value": text, "max_value": text, "max_string_length": text}


_QUERY_MESSAGES: Any = {
    "max_length": "Từ khóa tối đa 200 ký tự.",
    "invalid": "Từ khóa phải là một chuỗi ký tự.",
    "null_characters_not_allowed": "Từ khóa chứa ký tự không hợp lệ.",
    "surrogate_characters_not_allowed": "Từ khóa chứa ký tự không hợp lệ.",
}

# --- catalogue --------------------------------------------------------------------------------------------


class ProcedureQuery(serializers.Serializer):
    q = s.StrictCharField(
        required=False,
        allow_blank=True,
        max_length=200,
        trim_whitespace=True,
        help_text="Tìm theo mã, tên, lĩnh vực; gõ không dấu được («giay phep xay dung»).",
        error_messages=_QUERY_MESSAGES,
    )
    page = serializers.IntegerField(
        required=False, default=1, min_value=1, max_value=100000, error_messages=_int_messages("page", 1, 100000)
    )
    page_size = serializers.IntegerField(
        required=False, default=20, min_value=1, max_value=100, error_messages=_int_messages("page_size", 1, 100)
    )


def _procedure_summary(procedure: Procedure) -> dict[str, Any]:
    return {
        "code": procedure.code,
        "name": procedure.name,
        "field": {"code": procedure.field.code, "name": procedure.field.name},
    }


class ProcedureListView(PublicApiView):
    required_scope = Scope.CATALOGUE_READ

    @extend_schema(
        operation_id="procedures_list",
        summary="Danh sách thủ tục hành chính đang có hiệu lực",
        parameters=[ProcedureQuery],
        responses={200: s.ProcedurePageSerializer, **errors(400, 401, 403)},
        tags=["Danh mục thủ tục"],
    )
    def get(self, request: Request) -> Response:
        query = _valid(ProcedureQuery, request.query_params)
        found = procedure_search(text=query.get("q", ""))
        page, size = query["page"], query["page_size"]
        rows = list(found[(page - 1) * size : page * size])
        return Response(
            {"count": found.count(), "page": page, "page_size": size, "results": [_procedure_summary(p) for p in rows]}
        )


def _procedure_detail(version: ProcedureVersion) -> dict[str, Any]:
    procedure = version.procedure
    return {
        "code": procedure.code,
        "name": version.name,
        "field": {"code": version.field.code, "name": version.field.name},
        "version": version.number,
        "published_at": version.published_at,
        "levels": list(version.levels),
        "applicant_types": list(version.applicant_types),
        "service_type": version.service_type,
        "processing_time": processing_time_text(
            version.processing_time, version.processing_time_unit, version.processing_time_cutoff
        ),
        "result": version.result_document_name,
        "legal_basis": [str(x) for x in version.legal_basis],
        "competent_agencies": [
            {
                "agency": item.agency.name if item.agency is not None else "",
                "level": item.level,
                "kind": item.agency_kind,
                "note": item.note,
            }
            for item in version.competent_agencies.all()
        ],
        "steps": [
            {"order": step.order, "name": step.name, "duration_hours": str(step.duration_hours)}
            for step in version.steps.all()
        ],
        "documents": [
            {
                "name": d.name,
                "mandatory": d.mandatory,
                "copies": d.copies,
                "form_template": d.form_template,
                "note": d.note,
            }
            for d in version.documents.all()
        ],
        "fees": [
            {
                "kind": fee.kind,
                "name": fee.name,
                "amount": int(fee.amount) if fee.amount is not None else None,
                "table": [{"label": str(r["label"]), "amount": int(r["amount"])} for r in fee.amount_table],
                "description": fee.description,
                "exemptions": fee.exemptions,
                "legal_basis": fee.legal_basis,
            }
            for fee in version.fees.all()
        ],
    }


class ProcedureDetailView(PublicApiView):
    required_scope = Scope.CATALOGUE_READ

    @extend_schema(
        operation_id="procedures_retrieve",
        summary="Một thủ tục: phiên bản đang có hiệu lực (thành phần hồ sơ, phí, thời hạn, nơi thực hiện)",
        parameters=[OpenApiParameter("code", str, OpenApiParameter.PATH, description="Mã thủ tục, ví dụ 1.001234.")],
        responses={200: s.ProcedureSerializer, **errors(401, 403, 404)},
        tags=["Danh mục thủ tục"],
    )
    def get(self, request: Request, code: str) -> Response:
        missing = PublicApiError(
            PublicApiErrorCode.NOT_FOUND, f"Không tìm thấy thủ tục «{code[:80]}» đang có hiệu lực."
        )
        if _NUL in code:
            raise missing
        try:
            procedure = procedure_get(code=code)
        except Procedure.DoesNotExist:
            raise missing from None
        version = procedure_version_published(procedure=procedure)
        if version is None:
            raise missing
        return Response(_procedure_detail(version))


# --- dossier status ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartnerFailureThrottle(FailureThrottle):
    """The portal's budget of failed look-ups (:mod:`cchc.dossiers.lookups`), counted per partner client
    rather than per address: one partner system asks for many applicants."""

    def _key(self, request: HttpRequest) -> str:
        token = getattr(request, "auth", None)
        client = token.application.client_id if token is not None else client_address(request)
        return f"{self.prefix}:{client}"


def _lookups() -> PartnerFailureThrottle:
    return PartnerFailureThrottle("publicapi-lookup", settings.CCHC_PUBLICAPI_LOOKUP_LIMIT, LOOKUP_WINDOW)


class DossierStatusView(PublicApiView):
    """The portal's look-up (``/dich-vu-cong/tra-cuu/``) for a partner: the same selector
    (:func:`cchc.dossiers.selectors.dossier_lookup_public`), so the same rules: the dossier code or the
    submission reference ``TT-…`` plus the phone or ID number given when filing; one answer for an unknown
    code and a wrong second factor; failed attempts limited. POST, so that the applicant's phone or ID
    number never appears in an address (and in access logs). Reads only: nothing is written."""

    required_scope = Scope.DOSSIERS_STATUS

    @extend_schema(
        operation_id="dossier_status",
        summary="Tình trạng một hồ sơ (mã hồ sơ và số điện thoại hoặc số định danh của người nộp)",
        description=(
            "Cùng quy tắc với trang tra cứu của Cổng dịch vụ công: mã hồ sơ (hoặc mã nộp trực tuyến TT-…) cùng số "
            "điện thoại hoặc số định danh đã khai khi nộp; mã không tồn tại và sai thông tin xác thực nhận cùng "
            "một câu trả lời (404); số lần tra cứu không thành công của mỗi hệ thống đối tác có giới hạn (429). "
            "Không trả thông tin cá nhân của người nộp, tên cán bộ, giấy tờ, phí."
        ),
        request=s.LookupSerializer,
        responses={
            200: s.DossierStatusSerializer,
            **errors(400, 401, 403, 413, 415, 429),
            404: OpenApiResponse(
                s.ErrorSerializer,
                description="Không có hồ sơ với mã và thông tin xác thực này (mã không tồn tại hoặc sai số điện "
                "thoại, số định danh: cùng một câu trả lời).",
            ),
        },
        tags=["Hồ sơ"],
    )
    def post(self, request: Request) -> Response:
        lookups = _lookups()
        if lookups.blocked(request):
            raise PublicApiError(
                PublicApiErrorCode.TOO_MANY_LOOKUPS,
                f"Hệ thống đã tra cứu không thành công quá nhiều lần. Vui lòng thử lại sau {LOOKUP_WINDOW // 60} phút.",
            )
        data = _valid(s.LookupSerializer, request.data if isinstance(request.data, dict) else None)
        dossier = dossier_lookup_public(reference=data["reference"], factor=data["factor"])
        if dossier is None:
            lookups.failed(request)
            raise PublicApiError(
                PublicApiErrorCode.DOSSIER_NOT_FOUND,
                "Không tìm thấy hồ sơ với mã và thông tin xác thực đã gửi. Kiểm tra lại mã hồ sơ và số điện "
                "thoại hoặc số định danh đã khai khi nộp.",
            )
        return Response(dossier_status_public(dossier))


# --- open data --------------------------------------------------------------------------------------------


def _resource(resource: Resource, dataset: Dataset, base: str) -> dict[str, Any]:
    from django.urls import reverse

    return {
        "id": str(resource.pk),
        "month": resource.month,
        "format": resource.format,
        "name": resource.name,
        "media_type": resource.media_type,
        "byte_size": resource.byte_size,
        "sha256": resource.checksum,
        "row_count": resource.row_count,
        "temporal_start": resource.temporal_start,
        "temporal_end": resource.temporal_end,
        "url": base.rstrip("/") + reverse("opendata:download", args=[dataset.name, resource.pk]),
    }


def _dataset(dataset: Dataset, base: str) -> dict[str, Any]:
    return {
        "name": dataset.name,
        "title": dataset.title,
        "notes": dataset.notes,
        "keywords": [str(k) for k in dataset.keywords],
        "theme": dataset.theme,
        "frequency": dataset.frequency,
        "licence": LICENCE.ID,
        "issued": dataset.issued,
        "modified": dataset.modified,
        "resources": [_resource(r, dataset, base) for r in dataset.resources.all()],
    }


class DatasetQuery(serializers.Serializer):
    q = s.StrictCharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Tìm theo tên, mô tả, từ khóa (không dấu được).",
        error_messages=_QUERY_MESSAGES,
    )


class DatasetListView(PublicApiView):
    required_scope = Scope.OPENDATA_READ

    @extend_schema(
        operation_id="datasets_list",
        summary="Các bộ dữ liệu mở và tệp của từng tháng",
        parameters=[DatasetQuery],
        responses={200: s.DatasetListSerializer, **errors(400, 401, 403)},
        tags=["Dữ liệu mở"],
    )
    def get(self, request: Request) -> Response:
        query = _valid(DatasetQuery, request.query_params)
        q = query.get("q", "")
        found = dataset_search(q=q) if q else list(dataset_list())
        base = request.build_absolute_uri("/")
        return Response({"count": len(found), "results": [_dataset(d, base) for d in found]})


class DatasetDetailView(PublicApiView):
    required_scope = Scope.OPENDATA_READ

    @extend_schema(
        operation_id="datasets_retrieve",
        summary="Một bộ dữ liệu mở",
        parameters=[OpenApiParameter("name", str, OpenApiParameter.PATH, description="Mã bộ dữ liệu.")],
        responses={200: s.DatasetSerializer, **errors(401, 403, 404)},
        tags=["Dữ liệu mở"],
    )
    def get(self, request: Request, name: str) -> Response:
        if _NUL in name:
            raise PublicApiError(PublicApiErrorCode.NOT_FOUND, "Không tìm thấy bộ dữ liệu.")
        return Response(_dataset(dataset_get(name=name), request.build_absolute_uri("/")))


class RecordQuery(serializers.Serializer):
    limit = serializers.IntegerField(
        required=False, default=100, min_value=1, max_value=1000, error_messages=_int_messages("limit", 1, 1000)
    )
    offset = serializers.IntegerField(
        required=False,
        default=0,
        min_value=0,
        max_value=10_000_000,
        error_messages=_int_messages("offset", 0, 10_000_000),
    )


class RecordListView(PublicApiView):
    required_scope = Scope.OPENDATA_READ

    @extend_schema(
        operation_id="resource_records",
        summary="Các dòng của một tệp dữ liệu mở (phân trang)",
        parameters=[
            OpenApiParameter("resource_id", str, OpenApiParameter.PATH, description="Mã tệp (UUID)."),
            RecordQuery,
        ],
        responses={200: s.RecordPageSerializer, **errors(400, 401, 403, 404)},
        tags=["Dữ liệu mở"],
    )
    def get(self, request: Request, resource_id: str) -> Response:
        query = _valid(RecordQuery, request.query_params)
        resource = resource_get(resource_id=resource_id.replace(_NUL, ""))
        records = resource_records(resource)
        limit, offset = query["limit"], query["offset"]
        return Response(
            {
                "resource_id": str(resource.pk),
                "fields": resource.fields,
                "total": len(records),
                "limit": limit,
                "offset": offset,
                "records": records[offset : offset + limit],
            }
        )


# --- tokens and what is not found -------------------------------------------------------------------------

_TOKEN_ERRORS = {
    "invalid_client": (
        PublicApiErrorCode.INVALID_CLIENT,
        "Xác thực hệ thống đối tác không thành công: sai client_id hoặc client_secret, hoặc client đã bị thu hồi.",
    ),
    "invalid_scope": (
        PublicApiErrorCode.INVALID_SCOPE,
        "Phạm vi yêu cầu không có hoặc chưa được cấp cho hệ thống này.",
    ),
    "invalid_grant": (PublicApiErrorCode.INVALID_GRANT, "Yêu cầu cấp mã truy cập không hợp lệ."),
    "unauthorized_client": (
        PublicApiErrorCode.UNAUTHORIZED_CLIENT,
        "Hệ thống này không được dùng luồng client credentials.",
    ),
    "unsupported_grant_type": (
        PublicApiErrorCode.UNSUPPORTED_GRANT_TYPE,
        "Chỉ hỗ trợ grant_type=client_credentials.",
    ),
    "too_many_failures": (
        PublicApiErrorCode.TOO_MANY_TOKEN_FAILURES,
        f"Xác thực không thành công quá nhiều lần từ địa chỉ này. Vui lòng thử lại sau {LOOKUP_WINDOW // 60} phút.",
    ),
}
_INVALID_REQUEST = (
    PublicApiErrorCode.INVALID_REQUEST,
    "Yêu cầu cấp mã truy cập không hợp lệ: gửi grant_type=client_credentials (application/x-www-form-urlencoded) "
    "và thông tin client qua HTTP Basic hoặc client_id, client_secret.",
)


def _basic_credentials(request: HttpRequest) -> str:
    header = str(request.META.get("HTTP_AUTHORIZATION", ""))
    kind, _, value = header.partition(" ")
    if kind.lower() != "basic":
        return ""
    try:
        return base64.b64decode(value.strip()).decode("utf-8", "replace")
    except (ValueError, binascii.Error):
        return ""


def _has_nul(values: Any, *more: str) -> bool:
    return any(_NUL in str(v) for v in [*values, *more])


def _token_failures() -> FailureThrottle:
    """Failed client authentications per client address: after ``CCHC_PUBLICAPI_TOKEN_FAILURE_LIMIT`` within
    15 minutes the endpoint answers 429 until the window ends, so a client secret cannot be guessed by trying
    (OWASP ASVS 4.0 V2.2.1, anti-automation). Counted per address, not per client_id: a guesser tries many."""
    return FailureThrottle("publicapi-token", settings.CCHC_PUBLICAPI_TOKEN_FAILURE_LIMIT, LOOKUP_WINDOW)


def _token_error(error: str, status: int, headers: dict[str, str] | None = None) -> JsonResponse:
    code, message = _TOKEN_ERRORS.get(error, _INVALID_REQUEST)
    response = JsonResponse({"error": error, "code": str(code), "message": message}, status=status)
    for key, value in (headers or {}).items():
        if key.lower() != "content-type":
            response[key] = value
    response["Cache-Control"] = "no-store"
    response["API-Version"] = API_VERSION
    return response


class TokenView(PublicApiView):
    """RFC 6749 §4.4 (client credentials) through django-oauth-toolkit; its errors keep RFC 6749's
    ``error`` field and add the platform's ``code`` and a Vietnamese ``message``. Other grant types are
    refused before django-oauth-toolkit sees them (the platform issues no user tokens here)."""

    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []
    parser_classes = [FormParser]

    @extend_schema(
        operation_id="token",
        summary="Lấy mã truy cập (OAuth2 client credentials)",
        description=(
            "Gửi grant_type=client_credentials; thông tin client qua HTTP Basic (khuyến nghị) hoặc client_id, "
            "client_secret trong nội dung. Mã truy cập có hiệu lực expires_in giây."
        ),
        request={"application/x-www-form-urlencoded": s.TokenRequestSerializer},
        responses={
            200: s.TokenSerializer,
            400: OpenApiResponse(s.TokenErrorSerializer, description="Yêu cầu không hợp lệ (RFC 6749 §5.2)."),
            401: OpenApiResponse(s.TokenErrorSerializer, description="Sai client_id hoặc client_secret."),
            429: OpenApiResponse(
                s.TokenErrorSerializer,
                description="Xác thực không thành công quá nhiều lần từ một địa chỉ trong 15 phút; thử lại sau.",
            ),
            **errors(413, 415),
        },
        auth=[],
        tags=["Xác thực"],
    )
    def post(self, request: Request) -> HttpResponse:
        raw = request._request
        failures = _token_failures()
        if failures.blocked(raw):
            return _token_error("too_many_failures", 429, {"Retry-After": str(failures.window)})
        grant = request.data.get("grant_type", "") if hasattr(request.data, "get") else ""
        if not grant:
            return _token_error("invalid_request", 400)
        if grant != "client_credentials":
            return _token_error("unsupported_grant_type", 400)
        if _has_nul(request.data.values(), _basic_credentials(raw)):
            # no client has such an id or secret (and PostgreSQL refuses the character in a query)
            failures.failed(raw)
            return _token_error("invalid_client", 401)
        url, headers, body, status = OAuthTokenView().create_token_response(raw)
        if status == 200:
            response = HttpResponse(body, status=200, content_type="application/json")
            response["Cache-Control"] = "no-store"
            response["API-Version"] = API_VERSION
            return response
        try:
            error = str(json.loads(body).get("error", "invalid_request"))
        except (ValueError, AttributeError):
            error = "invalid_request"
        if error == "invalid_client":
            failures.failed(raw)
        return _token_error(error, status, headers)


def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Any other address under /api/public/: a JSON 404 (a version the platform does not serve says so)."""
    version = request.path.removeprefix("/api/public/").split("/", 1)[0]
    if version and version not in SUPPORTED_VERSIONS:
        code = PublicApiErrorCode.UNSUPPORTED_VERSION
        message = f"Phiên bản API «{version[:20]}» không có. Các phiên bản hiện có: {', '.join(SUPPORTED_VERSIONS)}."
    else:
        code = PublicApiErrorCode.NOT_FOUND
        message = "Không có địa chỉ này trong API công khai. Xem /api/public/v1/docs/."
    response = JsonResponse({"code": str(code), "message": message}, status=404)
    response["API-Version"] = API_VERSION
    return response
