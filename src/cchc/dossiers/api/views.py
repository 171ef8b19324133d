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

from cchc.common.errors import DomainError
from cchc.common.params import id_or_none
from cchc.dossiers import policies
from cchc.dossiers.api.serializers import (
    ACTION_BODIES,
    ActionResultSerializer,
    DossierDetailSerializer,
    DossierListItemSerializer,
    ErrorSerializer,
    action_body,
)
from cchc.dossiers.constants import Action, Channel, DossierError, DossierErrorCode, StepStatus
from cchc.dossiers.models import Dossier, DossierStep
from cchc.dossiers.policies import Grants
from cchc.dossiers.selectors import Queue, dossier_list_for_officer, dossier_pk_from_reference, dossier_queryset
from cchc.dossiers.web.actions import action_form, action_perform
from cchc.dossiers.web.presenters import CalendarCache, allowed_actions

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
    context = {
        "request": request,
        "steps": steps,
        "handovers": handovers,
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
