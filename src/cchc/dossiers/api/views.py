"""REST API of the staff console: the work queues, one dossier, and its actions.

Same rules as the console (``cchc.dossiers.web``), from the one policy (``cchc.dossiers.policies``):
session login; an officer reads and acts on only the dossiers of the agencies they act for today
(NĐ 118/2025), a superuser reads every dossier and acts only through their memberships; each action
is parsed by the console's form and performed by its one service. Errors use the envelope of
``cchc.common.api`` (``{"code", "message"}``, plus ``errors`` per field for 400): a refusal is a
``DossierError`` (or, for this API's own codes, a ``DomainError``) answered with the status
``DossierError.statuses`` declares for its code — a transition the lifecycle refuses 409, a missing
role 403, malformed input 400 — and in every one of these cases nothing was changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cchc.accounts.constants import Area, Role
from cchc.accounts.selectors import user_agencies
from cchc.catalogue.models import Procedure, ProcedureVersion
from cchc.catalogue.selectors import procedure_version_current
from cchc.common.errors import DomainError
from cchc.common.params import id_or_none
from cchc.dossiers import policies, services
from cchc.dossiers.api.serializers import (
    ACTION_BODIES,
    ActionResultSerializer,
    CounterReceptionBodySerializer,
    DossierDetailSerializer,
    DossierListItemSerializer,
    ErrorSerializer,
    ReasonBodySerializer,
    ReceptionResultSerializer,
    ReuseOffersSerializer,
    action_body,
)
from cchc.dossiers.constants import Action, Channel, DossierError, DossierErrorCode, StepStatus
from cchc.dossiers.models import Dossier, DossierStep
from cchc.dossiers.policies import Grants
from cchc.dossiers.selectors import Queue, dossier_list_for_officer, dossier_pk_from_reference, dossier_queryset
from cchc.dossiers.web.actions import action_form, action_perform, when
from cchc.dossiers.web.presenters import CalendarCache, allowed_actions
from cchc.org.models import Agency

# API names of the queues (?queue=...) -> the selector's queue.
API_QUEUES: dict[str, Queue] = {
    "mine": "mine",
    "agency": "agency",
    "due_today": "due_today",
    "overdue": "overdue",
    "waiting": "waiting_applicant",
}
UNKNOWN_ACTION = "dossier.unknown_action"
INVALID_PAGE = "dossier.invalid_page"  # ?page= not a positive number (400) or past the last page (404)
INVALID_BODY = "dossier.invalid_body"  # the body is not a JSON object (a string, a list, a number)


def _error(code: str, message: str, status: int, errors: dict[str, list[str]] | None = None) -> Response:
    body: dict[str, Any] = {"code": code, "message": message}
    if errors is not None:
        body["errors"] = errors
    return Response(body, status=status)


def _load(*, code: str, user: Any, on: Any) -> tuple[Dossier, list[DossierStep], Grants]:
    """The dossier with its steps: 404 when no dossier has ``code``, 403 when it is not one of the
    officer's agencies' dossiers (the policy's ``may_see``, as in the console)."""
    dossier = dossier_queryset().filter(code=code).first() if code else None
    if dossier is None and (pk := dossier_pk_from_reference(code)) is not None:
        # an online dossier not yet received has no code: its submission reference (TT-…) names it
        dossier = dossier_queryset().filter(pk=pk, channel=Channel.ONLINE).first()
    if dossier is None:
        raise DossierError(DossierErrorCode.NOT_FOUND, "Không tìm thấy hồ sơ.")
    steps = list(dossier.steps.select_related("agency", "assignee").order_by("order"))
    grants = policies.grants_of(user, on=on)
    if not policies.may_see(grants, dossier, steps=steps):
        raise DossierError(DossierErrorCode.NOT_PERMITTED, "Hồ sơ không thuộc cơ quan bạn được phân công.")
    return dossier, steps, grants


def _detail_data(request: Request, dossier: Dossier, steps: list[DossierStep], grants: Grants) -> Any:
    now = timezone.now()
    active = next((s for s in steps if s.status == StepStatus.ACTIVE), None)
    handovers = list(
        dossier.handovers.select_related("step", "giver", "receiver", "giver_agency", "receiver_agency").order_by(
            "at", "pk"
        )
    )
    documents = list(dossier.documents.select_related("stored_document").order_by("order"))
    context = {
        "request": request,
        "steps": steps,
        "handovers": handovers,
        "documents": documents,
        "allowed_actions": allowed_actions(dossier, active, grants),
        "calendars": CalendarCache([dossier]),
        "at": now,
    }
    return DossierDetailSerializer(dossier, context=context).data


_ERRORS = {
    400: OpenApiResponse(
        ErrorSerializer,
        description="Dữ liệu không hợp lệ: mã dossier.invalid_input (lỗi theo trường trong errors), "
        "dossier.invalid_body (nội dung không phải đối tượng JSON), parse_error (JSON hỏng hoặc lồng quá sâu).",
    ),
    403: OpenApiResponse(ErrorSerializer, description="Chưa đăng nhập, hoặc hồ sơ/thao tác ngoài phân công."),
    404: OpenApiResponse(ErrorSerializer, description="Không có hồ sơ (hoặc thao tác) này."),
}


class QueuePagination(PageNumberPagination):
    page_size = 50

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any] | None:
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and raw not in self.last_page_strings and id_or_none(raw) is None:
            raise DomainError(INVALID_PAGE, "Số trang phải là số nguyên dương.", 400)
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound:
            raise DomainError(INVALID_PAGE, "Không có trang này.", 404) from None


class DossierListView(ListAPIView):  # type: ignore[type-arg]
    """Hàng đợi hồ sơ của cán bộ: chỉ hồ sơ của các cơ quan cán bộ được phân công hôm nay, gấp nhất trước."""

    authentication_classes = [SessionAuthentication]
    permission_classes = [IsAuthenticated]
    serializer_class = DossierListItemSerializer
    pagination_class = QueuePagination

    def get_queryset(self) -> QuerySet[Dossier]:
        name = self.request.query_params.get("queue", "mine")
        if name not in API_QUEUES:
            raise DossierError(
                DossierErrorCode.INVALID_INPUT,
                "Hàng đợi không hợp lệ; chọn một trong: " + ", ".join(API_QUEUES) + ".",
            )
        now = timezone.now()
        user: Any = self.request.user
        return dossier_list_for_officer(user=user, on=timezone.localdate(now), queue=API_QUEUES[name], at=now)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None
        context = {**self.get_serializer_context(), "calendars": CalendarCache(page), "at": timezone.now()}
        return self.get_paginated_response(DossierListItemSerializer(page, many=True, context=context).data)

    @extend_schema(
        operation_id="dossier_queue",
        parameters=[
            OpenApiParameter(
                "queue",
                OpenApiTypes.STR,
                enum=[*API_QUEUES],
                default="mine",
                description="mine: việc của tôi; agency: hồ sơ của cơ quan; due_today: đến hạn hôm nay; "
                "overdue: quá hạn; waiting: chờ người nộp (bổ sung, nghĩa vụ tài chính).",
            )
        ],
        responses={
            200: DossierListItemSerializer(many=True),
            400: _ERRORS[400],
            403: _ERRORS[403],
            404: OpenApiResponse(ErrorSerializer, description="Không có trang này (mã dossier.invalid_page)."),
        },
        tags=["dossiers"],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class DossierDetailView(APIView):
    """Một hồ sơ: người nộp, các bước xử lý, phiếu kiểm soát quá trình (bàn giao), thao tác được phép."""

    authentication_classes = [SessionAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="dossier_retrieve",
        responses={200: DossierDetailSerializer, 403: _ERRORS[403], 404: _ERRORS[404]},
        tags=["dossiers"],
    )
    def get(self, request: Request, code: str) -> Response:
        dossier, steps, grants = _load(code=code, user=request.user, on=timezone.localdate())
        return Response(_detail_data(request, dossier, steps, grants))


class DossierActionView(APIView):
    """Thực hiện một thao tác trên hồ sơ (cùng biểu mẫu và kiểm tra như bàn làm việc một cửa)."""

    authentication_classes = [SessionAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="dossier_action",
        parameters=[
            OpenApiParameter("action", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(Action.values)),
        ],
        description=(
            "Trường theo thao tác: refuse, stop: reason (bắt buộc); request_supplement: reason (bắt buộc; "
            "hồ sơ trực tuyến chưa tiếp nhận gọi theo mã nộp TT-…: yêu cầu hoàn thiện trước khi tiếp nhận, "
            "chưa tính thời hạn); "
            "withdraw: reason; complete_step: receiver (mã người dùng), note; mark_processed: receiver; "
            "request_financial_obligation: amount_<thứ tự khoản phí> cho khoản chưa xác định số tiền; "
            "record_payment: amount, channel (counter | bank_transfer), receipt_number; "
            "apologise_extend: new_due_at (ISO 8601), reason; return_result: note; receive, "
            "resubmit_supplement: không có trường."
        ),
        request=PolymorphicProxySerializer(
            component_name="DossierActionBody",
            serializers={str(action): body for action, body in ACTION_BODIES.items()},
            resource_type_field_name=None,
        ),
        responses={
            200: ActionResultSerializer,
            **_ERRORS,
            409: OpenApiResponse(
                ErrorSerializer,
                description="Trạng thái hồ sơ không cho phép thao tác (mã dossier.invalid_transition, …); "
                "hồ sơ không bị thay đổi.",
            ),
        },
        tags=["dossiers"],
    )
    def post(self, request: Request, code: str, action: str) -> Response:
        if action not in Action.values:
            raise DomainError(UNKNOWN_ACTION, "Không có thao tác này.", 404)
        chosen = Action(action)
        now = timezone.now()
        today = timezone.localdate(now)
        dossier, steps, grants = _load(code=code, user=request.user, on=today)
        if not isinstance(request.data, Mapping):
            raise DomainError(
                INVALID_BODY, "Nội dung gửi lên phải là một đối tượng JSON; hồ sơ không bị thay đổi.", 400
            )
        body = action_body(chosen)(data=request.data)
        if not body.is_valid():
            errors = {name: [str(e) for e in items] for name, items in body.errors.items()}
            return _error(DossierErrorCode.INVALID_INPUT, "Dữ liệu không hợp lệ; hồ sơ không bị thay đổi.", 400, errors)
        form = action_form(chosen, dossier, steps, today, data=body.form_data(), files=body.form_files())
        if not form.is_valid():
            errors = {name: [str(e["message"]) for e in items] for name, items in form.errors.get_json_data().items()}
            return _error(DossierErrorCode.INVALID_INPUT, "Dữ liệu không hợp lệ; hồ sơ không bị thay đổi.", 400, errors)
        message = action_perform(chosen, form, dossier=dossier, actor=request.user, at=now)  # refusal: common.api
        dossier, steps, grants = _load(code=dossier.code or code, user=request.user, on=today)
        return Response({"message": message, "dossier": _detail_data(request, dossier, steps, grants)})


# --- counter reception, once-only reuse, documents not accepted (issue 16 items 3-5) ----------------------


def _field_errors(errors: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested errors as ``{"field" | "field.0.sub": [messages]}`` (the envelope's ``errors``)."""
    found: dict[str, list[str]] = {}
    if isinstance(errors, Mapping):
        for name, value in errors.items():
            found.update(_field_errors(value, f"{prefix}.{name}" if prefix else str(name)))
    elif isinstance(errors, list) and errors and all(not isinstance(e, Mapping | list) for e in errors):
        found[prefix or "non_field_errors"] = [str(e) for e in errors]
    elif isinstance(errors, list):
        for index, value in enumerate(errors):
            found.update(_field_errors(value, f"{prefix}.{index}" if prefix else str(index)))
    elif errors:
        found[prefix or "non_field_errors"] = [str(errors)]
    return found


def _body(request: Request) -> Mapping[str, Any]:
    if not isinstance(request.data, Mapping):
        raise DomainError(INVALID_BODY, "Nội dung gửi lên phải là một đối tượng JSON; không có gì bị thay đổi.", 400)
    return request.data


def _invalid(errors: Any) -> Response:
    return _error(
        DossierErrorCode.INVALID_INPUT, "Dữ liệu không hợp lệ; không có gì bị thay đổi.", 400, _field_errors(errors)
    )


def _receiving_desks(user: Any, on: Any) -> QuerySet[Any]:
    """The receiving desks (bộ phận một cửa) where ``user`` holds the reception role today: the counter's
    reception form and its data-store look-up are theirs only (as in the console)."""
    return user_agencies(user=user, on=on, area=Area.ONE_STOP, role=Role.RECEPTION)


def _current_version(code: str, at: Any) -> ProcedureVersion:
    try:
        return procedure_version_current(procedure=Procedure.objects.get(code=code), at=at)
    except (Procedure.DoesNotExist, ProcedureVersion.DoesNotExist):
        raise DossierError(DossierErrorCode.NOT_FOUND, "Không tìm thấy thủ tục đang áp dụng có mã này.") from None


_NOT_AT_A_DESK = "Chỉ cán bộ tiếp nhận của bộ phận một cửa mới tiếp nhận hồ sơ tại quầy."


class ReceptionOffersView(APIView):
    """Giấy tờ trong kho dữ liệu của người nộp dùng được thay bản giấy khi tiếp nhận tại quầy (chỉ cung cấp
    một lần: Thông tư 01/2023/TT-VPCP Điều 24); mỗi giấy tờ hiện ra được ghi nhật ký truy cập."""

    authentication_classes = [SessionAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="reception_offers",
        description=(
            "Giấy tờ còn hiệu lực trong kho dữ liệu của người có số định danh cá nhân (12 chữ số) hoặc mã số "
            "thuế của tổ chức applicant_id_number, cho các thành phần hồ sơ của thủ tục procedure (phiên bản "
            "đang áp dụng): bản mới nhất của mỗi loại giấy tờ, chưa thu hồi, chưa bị thay, chưa hết hạn, chưa "
            "bị đánh dấu không được chấp nhận. Chỉ cán bộ tiếp nhận của bộ phận một cửa. Mỗi giấy tờ trả về "
            "được ghi vào nhật ký truy cập kho dữ liệu (ai, lúc nào)."
        ),
        parameters=[
            OpenApiParameter("procedure", OpenApiTypes.STR, required=True, description="Mã thủ tục, ví dụ 1.001234."),
            OpenApiParameter(
                "applicant_id_number", OpenApiTypes.STR, required=True, description="Số định danh hoặc mã số thuế."
            ),
        ],
        responses={
            200: ReuseOffersSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Thiếu mã thủ tục, số định danh không hợp lệ."),
            403: OpenApiResponse(ErrorSerializer, description="Không phải cán bộ tiếp nhận của bộ phận một cửa."),
            404: OpenApiResponse(ErrorSerializer, description="Không có thủ tục đang áp dụng có mã này."),
        },
        tags=["reception"],
    )
    def get(self, request: Request) -> Response:
        from cchc.records.constants import RecordsError
        from cchc.records.services import owner_kind_of

        now = timezone.now()
        if not _receiving_desks(request.user, timezone.localdate(now)).exists():
            raise DossierError(DossierErrorCode.NOT_PERMITTED, _NOT_AT_A_DESK)
        code = request.query_params.get("procedure", "").strip()[:40]
        id_number = request.query_params.get("applicant_id_number", "").strip()[:30]
        errors: dict[str, list[str]] = {}
        if not code:
            errors["procedure"] = ["Vui lòng nhập mã thủ tục."]
        try:
            owner_kind_of(id_number)
        except RecordsError as exc:
            errors["applicant_id_number"] = [exc.message]
        if errors:
            return _error(DossierErrorCode.INVALID_INPUT, "Dữ liệu không hợp lệ.", 400, errors)
        lines = list(_current_version(code, now).documents.order_by("order"))
        user: Any = request.user
        held = services.counter_reuse_offers(
            type_codes=[line.document_type_code for line in lines], id_number=id_number, officer=user, at=now
        )
        offers = [
            {"order": line.order, "name": line.name, "mandatory": line.mandatory, "stored_document": stored}
            for line in lines
            if (stored := held.get(line.document_type_code)) is not None
        ]
        data = {"procedure": code, "applicant_id_number": id_number, "offers": offers}
        return Response(ReuseOffersSerializer(data).data)


class CounterReceptionView(APIView):
    """Tiếp nhận hồ sơ giấy tại quầy (tạo và tiếp nhận cùng lúc), như biểu mẫu tiếp nhận của bàn làm việc
    một cửa; giấy tờ trong kho dữ liệu của người nộp dùng thay bản giấy (``reused``)."""

    authentication_classes = [SessionAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="reception_receive",
        description=(
            "Hồ sơ nộp trực tiếp hoặc qua bưu chính được tạo và tiếp nhận cùng lúc (NĐ 118/2025/NĐ-CP; phiếu "
            "01 TT 03/2025/TT-VPCP). documents: giấy tờ nộp tại quầy theo thứ tự trong danh mục của thủ tục "
            "(order, copies); reused: giấy tờ lấy từ kho dữ liệu của người nộp thay bản giấy (order, "
            "stored_document: id từ GET /api/reception/offers/). Mọi thành phần bắt buộc phải có (bản giấy "
            "hoặc giấy tờ dùng lại; thiếu: dossier.documents_missing). Giấy tờ dùng lại phải của người nộp "
            "(applicant_id_number), đúng loại giấy tờ của thành phần, còn hiệu lực, chưa thu hồi, chưa bị "
            "thay, chưa bị đánh dấu không được chấp nhận (dossier.stored_document_not_usable, 409). Bị từ "
            "chối thì không ghi gì."
        ),
        request=CounterReceptionBodySerializer,
        responses={
            201: ReceptionResultSerializer,
            **_ERRORS,
            404: OpenApiResponse(ErrorSerializer, description="Không có thủ tục đang áp dụng có mã này."),
            409: OpenApiResponse(
                ErrorSerializer,
                description="Giấy tờ dùng lại không dùng được (dossier.stored_document_not_usable), thiếu "
                "thành phần (dossier.documents_missing) hoặc lỗi khác của vòng đời; không có gì bị ghi.",
            ),
        },
        tags=["reception"],
    )
    def post(self, request: Request) -> Response:
        now = timezone.now()
        today = timezone.localdate(now)
        user: Any = request.user
        desks = _receiving_desks(user, today)
        if not desks.exists():
            raise DossierError(DossierErrorCode.NOT_PERMITTED, _NOT_AT_A_DESK)
        body = CounterReceptionBodySerializer(data=_body(request))
        if not body.is_valid():
            return _invalid(body.errors)
        data = body.validated_data
        version = _current_version(data["procedure"], now)
        lines = {line.order: line for line in version.documents.all()}
        errors: dict[str, list[str]] = {}
        agencies = {a.pk: a for a in Agency.objects.filter(pk__in=[data["receiving_agency"], data["competent_agency"]])}
        for name in ("receiving_agency", "competent_agency"):
            if data[name] not in agencies:
                errors[name] = ["Không có cơ quan có mã này."]
        for index, item in enumerate(data.get("documents", [])):
            if item["order"] not in lines:
                errors[f"documents.{index}.order"] = [f"Thủ tục không có thành phần số {item['order']} trong danh mục."]
        if errors:
            return _error(DossierErrorCode.INVALID_INPUT, "Dữ liệu không hợp lệ; không có gì bị thay đổi.", 400, errors)
        applicant = services.Applicant(
            kind=data["applicant_kind"],
            name=data["applicant_name"],
            id_number=data["applicant_id_number"],
            phone=data.get("applicant_phone", ""),
            email=data.get("applicant_email", ""),
            address=data.get("applicant_address", ""),
            notify_channels=tuple(data.get("notify_channels", [])),
        )
        papers = [
            services.PaperDocument(
                required_document_id=lines[item["order"]].pk, copies=item.get("copies") or lines[item["order"]].copies
            )
            for item in data.get("documents", [])
        ]
        dossier = services.dossier_receive_counter(  # refusals: DossierError, answered by cchc.common.api
            procedure=version.procedure,
            applicant=applicant,
            receiving_agency=agencies[data["receiving_agency"]],
            competent_agency=agencies[data["competent_agency"]],
            actor=user,
            at=now,
            channel=Channel(data["channel"]),
            documents=papers,
            reused={item["order"]: item["stored_document"] for item in data.get("reused", [])},
        )
        assert dossier.due_at is not None
        message = f"Đã tiếp nhận hồ sơ {dossier.code}. Hẹn trả kết quả: {when(dossier.due_at)}."
        dossier, steps, grants = _load(code=dossier.code, user=user, on=today)
        return Response({"message": message, "dossier": _detail_data(request, dossier, steps, grants)}, status=201)


class DocumentRejectView(APIView):
    """Đánh dấu giấy tờ trong kho dữ liệu mà một thành phần hồ sơ dựa vào là «không được chấp nhận», kèm lý do."""

    authentication_classes = [SessionAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="dossier_document_reject",
        description=(
            "Giấy tờ trong kho dữ liệu của thành phần số order (dùng lại, số hóa tại quầy, hoặc tệp nộp trực "
            "tuyến đã tiếp nhận) không còn được đề nghị dùng lại; chủ sở hữu thấy giấy tờ đánh dấu «Không được "
            "chấp nhận» kèm lý do (TT 01/2023/TT-VPCP Điều 24). Ai được làm: cán bộ được yêu cầu bổ sung hồ sơ "
            "này lúc này (policies.may_reject_stored_document). Hồ sơ không đổi trạng thái; tiếp theo yêu cầu "
            "bổ sung (thao tác request_supplement). Lỗi: thành phần không có bản trong kho "
            "(dossier.document_not_digitisable, 409), lý do trống hoặc quá 500 ký tự (dossier.invalid_input, "
            "400), giấy tờ đã bị thu hồi hoặc đã đánh dấu (dossier.stored_document_not_usable, 409)."
        ),
        request=ReasonBodySerializer,
        responses={
            200: ActionResultSerializer,
            **_ERRORS,
            409: OpenApiResponse(ErrorSerializer, description="Thành phần không có bản trong kho, hoặc đã đánh dấu."),
        },
        parameters=[OpenApiParameter("order", OpenApiTypes.INT, OpenApiParameter.PATH)],
        tags=["dossiers"],
    )
    def post(self, request: Request, code: str, order: str) -> Response:
        now = timezone.now()
        today = timezone.localdate(now)
        dossier, steps, grants = _load(code=code, user=request.user, on=today)
        number = id_or_none(order)
        if number is None or number > 32767:  # DossierDocument.order is a small integer
            raise DossierError(DossierErrorCode.NOT_FOUND, "Hồ sơ không có thành phần này.")
        body = ReasonBodySerializer(data=_body(request))
        if not body.is_valid():
            return _invalid(body.errors)
        user: Any = request.user
        services.dossier_document_reject(
            dossier=dossier, order=number, actor=user, at=now, reason=body.validated_data["reason"]
        )
        message = (
            "Đã đánh dấu giấy tờ không được chấp nhận; giấy tờ không còn được đề nghị dùng lại. "
            "Yêu cầu người nộp bổ sung bản giấy hoặc tệp (thao tác request_supplement)."
        )
        dossier, steps, grants = _load(code=dossier.code or code, user=user, on=today)
        return Response({"message": message, "dossier": _detail_data(request, dossier, steps, grants)})
