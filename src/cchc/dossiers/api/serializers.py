"""JSON shapes of the dossier API (read side): queue rows, the dossier with its steps and hand-overs.

Serializers only read what the selectors already joined; they never query (a list costs the same for
one row or fifty). The action bodies (write side) are at the end.
"""

from __future__ import annotations

import re
from typing import Any

from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from cchc.common.params import BIGINT_MAX
from cchc.dossiers.constants import Action, AddressStatus, ApplicantKind, Channel, NotifyChannel, ResultTemplate
from cchc.dossiers.models import Dossier, DossierDocument, DossierStep, Handover
from cchc.dossiers.selectors import dossier_submission_reference
from cchc.dossiers.web.presenters import person


class AgencyRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    username = serializers.CharField(source="get_username")
    name = serializers.SerializerMethodField()

    def get_name(self, obj: Any) -> str:
        return person(obj)


class ProcedureRefSerializer(serializers.Serializer):
    code = serializers.CharField(source="procedure.code")
    name = serializers.CharField()
    version = serializers.IntegerField(source="number")


class ActiveStepSerializer(serializers.Serializer):
    name = serializers.CharField(source="active_step_name")
    deadline = serializers.DateTimeField(source="active_step_deadline", allow_null=True)
    assignee_id = serializers.IntegerField(source="active_step_assignee_id", allow_null=True)


class DossierListItemSerializer(serializers.ModelSerializer):
    """One row of a work queue."""

    status_label = serializers.CharField(source="get_status_display")
    procedure = ProcedureRefSerializer(source="procedure_version")
    receiving_agency = AgencyRefSerializer()
    competent_agency = AgencyRefSerializer()
    active_step = serializers.SerializerMethodField()
    remaining_working_seconds = serializers.SerializerMethodField(
        help_text="Thời gian làm việc còn lại đến hẹn trả (giây; âm khi quá hạn; null khi đồng hồ không chạy)."
    )
    url = serializers.SerializerMethodField()

    class Meta:
        model = Dossier
        fields = [
            "code",
            "status",
            "status_label",
            "sync_code",
            "procedure",
            "applicant_name",
            "receiving_agency",
            "competent_agency",
            "submitted_at",
            "received_at",
            "due_at",
            "is_late",
            "active_step",
            "remaining_working_seconds",
            "url",
        ]

    @extend_schema_field(ActiveStepSerializer(allow_null=True))
    def get_active_step(self, obj: Dossier) -> dict[str, Any] | None:
        if not getattr(obj, "active_step_name", None):
            return None
        return ActiveStepSerializer(obj).data

    def get_remaining_working_seconds(self, obj: Dossier) -> int | None:
        calendars = self.context.get("calendars")
        at = self.context.get("at")
        if calendars is None or at is None:
            return None
        seconds: int | None = calendars.remaining(obj, at).seconds
        return seconds

    def get_url(self, obj: Dossier) -> str:
        request = self.context.get("request")
        path = f"/api/dossiers/{obj.code or dossier_submission_reference(obj)}/"
        return request.build_absolute_uri(path) if request else path


class StepSerializer(serializers.ModelSerializer):
    agency = AgencyRefSerializer()
    assignee = UserRefSerializer(allow_null=True)

    class Meta:
        model = DossierStep
        fields = [
            "order",
            "name",
            "agency",
            "staff_role",
            "is_inter_agency",
            "duration_hours",
            "deadline",
            "status",
            "assignee",
            "started_at",
            "completed_at",
        ]


class HandoverSerializer(serializers.ModelSerializer):
    step_order = serializers.IntegerField(source="step.order")
    step_name = serializers.CharField(source="step.name")
    giver = UserRefSerializer()
    giver_agency = AgencyRefSerializer()
    receiver = UserRefSerializer(allow_null=True)
    receiver_agency = AgencyRefSerializer(allow_null=True)

    class Meta:
        model = Handover
        fields = [
            "step_order",
            "step_name",
            "giver",
            "giver_agency",
            "receiver",
            "receiver_agency",
            "at",
            "deadline",
            "outcome",
            "note",
        ]


class StoredRefSerializer(serializers.Serializer):
    """The copy of the applicant's data store a component stands on (issue 16: digitised, reused, or an
    accepted upload)."""

    id = serializers.IntegerField()
    digitisation_code = serializers.CharField(help_text="Mã kết quả số hóa (trống khi không số hóa tại quầy).")
    source = serializers.CharField(help_text="digitised | result | uploaded")  # type: ignore[assignment]  # a field named «source»
    valid_until = serializers.DateField(allow_null=True)
    not_accepted = serializers.SerializerMethodField(help_text="Cán bộ đã đánh dấu «không được chấp nhận».")
    not_accepted_reason = serializers.SerializerMethodField()

    def get_not_accepted(self, obj: Any) -> bool:
        return obj.rejected_by_id is not None

    def get_not_accepted_reason(self, obj: Any) -> str:
        return str(obj.withdrawn_reason) if obj.rejected_by_id is not None else ""


class DocumentSerializer(serializers.ModelSerializer):
    """One component of the dossier (the ``order`` names it in ``/documents/{order}/reject/``)."""

    source_label = serializers.CharField(source="get_source_display")
    stored_document = StoredRefSerializer(allow_null=True)

    class Meta:
        model = DossierDocument
        fields = [
            "order",
            "name",
            "document_type_code",
            "source",
            "source_label",
            "copies",
            "sha256",
            "stored_document",
        ]


class UnitRefSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Mã đơn vị hành chính (mã đã công bố, từ 1/7/2025).")
    name = serializers.CharField()


class ApplicantUnitSerializer(serializers.Serializer):
    """The unit in force today that the applicant's address as written belongs to (issue 18 item 3)."""

    status = serializers.ChoiceField(
        source="applicant_address_status",
        choices=AddressStatus.choices,
        help_text="resolved: đã xác định đơn vị; ambiguous: xã cũ bị chia, nhiều đơn vị có thể (candidates), cần "
        "người chọn; unknown: không nhận ra; rỗng: chưa xác định (không có địa chỉ, hoặc hồ sơ cũ chưa chạy "
        "«cchc dossiers addresses»).",
    )
    status_label = serializers.CharField(source="get_applicant_address_status_display")
    code = serializers.CharField(
        source="applicant_unit_code", allow_blank=True, help_text="Mã đơn vị hiện nay; rỗng khi chưa xác định."
    )
    name = serializers.CharField(source="applicant_unit_name", allow_blank=True)
    candidates = UnitRefSerializer(
        source="applicant_unit_candidates", many=True, help_text="Các đơn vị có thể khi status là ambiguous."
    )


class DossierDetailSerializer(DossierListItemSerializer):
    """The dossier with its applicant, steps, hand-overs (form 06) and the actions this officer may take."""

    steps = serializers.SerializerMethodField()
    handovers = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField(help_text="Thành phần hồ sơ, theo thứ tự.")
    applicant_unit = ApplicantUnitSerializer(
        source="*",
        read_only=True,
        help_text="Đơn vị hành chính hiện nay của địa chỉ người nộp (applicant_address giữ nguyên như đã ghi).",
    )
    allowed_actions = serializers.SerializerMethodField(
        help_text="Thao tác cán bộ này được thực hiện lúc này (POST /api/dossiers/{code}/actions/{action}/)."
    )

    class Meta(DossierListItemSerializer.Meta):
        fields = [
            *DossierListItemSerializer.Meta.fields,
            "channel",
            "applicant_kind",
            "applicant_id_number",
            "applicant_phone",
            "applicant_email",
            "applicant_address",
            "applicant_unit",
            "original_due_at",
            "statutory_due_at",
            "processed_at",
            "returned_at",
            "ended_at",
            "end_reason",
            "supplement_count",
            "steps",
            "handovers",
            "documents",
            "allowed_actions",
        ]

    @extend_schema_field(StepSerializer(many=True))
    def get_steps(self, obj: Dossier) -> Any:
        return StepSerializer(self.context["steps"], many=True).data

    @extend_schema_field(HandoverSerializer(many=True))
    def get_handovers(self, obj: Dossier) -> Any:
        return HandoverSerializer(self.context["handovers"], many=True).data

    @extend_schema_field(DocumentSerializer(many=True))
    def get_documents(self, obj: Dossier) -> Any:
        return DocumentSerializer(self.context["documents"], many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Action.choices)))
    def get_allowed_actions(self, obj: Dossier) -> list[str]:
        return [str(action) for action in self.context["allowed_actions"]]


class ActionResultSerializer(serializers.Serializer):
    message = serializers.CharField()
    dossier = DossierDetailSerializer()


# The error envelope of cchc.common.api, for the schema only (a field named "errors" would shadow
# Serializer.errors on a declared class).
ErrorSerializer = inline_serializer(
    name="DossierApiError",
    fields={
        "code": serializers.CharField(help_text="Mã lỗi ổn định, ví dụ dossier.invalid_transition."),
        "message": serializers.CharField(help_text="Thông báo tiếng Việt."),
        "errors": serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            required=False,
            help_text="Lỗi theo từng trường (chỉ khi dữ liệu gửi lên không hợp lệ).",
        ),
    },
)


# --- action bodies (write side) ------------------------------------------------------------------------
# Each action's JSON body is checked here for shape and types (an object; strings are strings, numbers
# are numbers; lengths bounded); the console's form then checks the content with its own messages, and
# the service the lifecycle. A body that is a string, a list or a number is refused before any of it.

_INTEGER_TEXT = re.compile(r"-?[0-9]{1,19}")


def _messages(label: str) -> dict[str, Any]:
    return {
        "required": f"Vui lòng nhập {label}.",
        "null": f"Vui lòng nhập {label}.",
        "invalid": f"{label[:1].upper()}{label[1:]} phải là một chuỗi ký tự.",
        "max_length": f"{label[:1].upper()}{label[1:]} dài tối đa {{max_length}} ký tự.",
    }


class TextField(serializers.CharField):
    """A JSON string, and only a string (DRF's CharField would store ``["a", "b"]`` of a form's list
    as text; it also turns numbers into strings)."""

    def __init__(self, *, label: str, max_length: int, required: bool = True, **kwargs: Any) -> None:
        super().__init__(
            required=required,
            allow_blank=True,  # a blank required text gets the form's message
            trim_whitespace=False,
            max_length=max_length,
            error_messages=_messages(label),
            **kwargs,
        )

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


class WholeNumberField(serializers.IntegerField):
    """A JSON integer, or a string of ASCII digits (form posts): never a boolean, a list or ``1e3``."""

    def __init__(self, *, label: str, required: bool = True, **kwargs: Any) -> None:
        messages: dict[str, Any] = {
            "required": f"Vui lòng nhập {label}.",
            "null": f"Vui lòng nhập {label}.",
            "invalid": f"{label[:1].upper()}{label[1:]} phải là số nguyên.",
            "max_value": f"{label[:1].upper()}{label[1:]} quá lớn.",
            "min_value": f"{label[:1].upper()}{label[1:]} quá nhỏ.",
            "max_string_length": f"{label[:1].upper()}{label[1:]} quá dài.",
        }
        kwargs.setdefault("min_value", -(10**15))
        kwargs.setdefault("max_value", 10**15)
        super().__init__(required=required, error_messages=messages, **kwargs)

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("invalid")
        if isinstance(data, str) and not _INTEGER_TEXT.fullmatch(data.strip()):
            self.fail("invalid")
        return int(super().to_internal_value(data))


class ActionBodySerializer(serializers.Serializer):
    """An action without fields (receive, resubmit_supplement): an object, possibly empty."""

    def form_data(self) -> dict[str, str]:
        """The validated body as the console's form reads a post (every value a string)."""
        return {name: "" if value is None else str(value) for name, value in self.validated_data.items()}

    def form_files(self) -> dict[str, Any]:
        """The files of the body as the console's form reads an upload (none for most actions)."""
        return {}


class ReasonBodySerializer(ActionBodySerializer):
    """refuse, stop, revoke_result."""

    reason = TextField(label="lý do", max_length=2000)


class SupplementBodySerializer(ActionBodySerializer):
    reason = TextField(label="giấy tờ, nội dung cần bổ sung", max_length=2000)


class WithdrawBodySerializer(ActionBodySerializer):
    reason = TextField(label="lý do rút hồ sơ", max_length=2000, required=False)


class AttachResultBodySerializer(ActionBodySerializer):
    """attach_result: the result's title and its PDF, base64-encoded (issue 16); or, instead of the PDF, a
    ``template`` (giay-phep, giay-chung-nhan, van-ban-tra-loi) with its ``content`` and ``valid_until``."""

    title = TextField(label="tên kết quả", max_length=300, required=False)
    pdf_base64 = serializers.CharField(
        label="tệp PDF (base64)", max_length=28_000_000, trim_whitespace=True, required=False
    )
    template = serializers.ChoiceField(label="mẫu kết quả", choices=ResultTemplate.choices, required=False)
    content = TextField(label="nội dung (khi tạo từ mẫu)", max_length=20000, required=False)
    valid_until = serializers.DateField(label="hiệu lực đến", required=False)
    # the electronic certified copy (issue 16 item 6): the id of the component digitised from the original
    # instead of a title and a file (the console's CertifyCopyForm for such a dossier)
    document = serializers.IntegerField(label="bản chính đã số hóa", required=False, min_value=1)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "document" in attrs:
            return attrs
        if not attrs.get("title"):
            raise serializers.ValidationError(
                {"title": "Cần tên kết quả (hoặc mã thành phần bản chính đã số hóa khi chứng thực bản sao)."}
            )
        if bool(attrs.get("pdf_base64")) == bool(attrs.get("template")):
            raise serializers.ValidationError(
                {"pdf_base64": "Gửi một trong hai: tệp PDF (pdf_base64) hoặc mẫu kết quả (template) kèm nội dung."}
            )
        return attrs

    def validate_pdf_base64(self, value: str) -> bytes:
        import base64
        import binascii

        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise serializers.ValidationError("Tệp PDF phải được mã hóa base64.") from None

    def form_data(self) -> dict[str, str]:
        got = self.validated_data
        valid_until = got.get("valid_until")
        found = {
            "title": str(got.get("title", "")),
            "template": str(got.get("template") or ""),
            "content": str(got.get("content") or ""),
            "valid_until": valid_until.isoformat() if valid_until else "",
        }
        if "document" in got:
            found["document"] = str(got["document"])
        return found

    def form_files(self) -> dict[str, Any]:
        from django.core.files.uploadedfile import SimpleUploadedFile

        data = self.validated_data.get("pdf_base64")
        if not data:
            return {}
        return {"file": SimpleUploadedFile("ket-qua.pdf", data, content_type="application/pdf")}


class DigitiseBodySerializer(ActionBodySerializer):
    """digitise_document: the paper component's id, its scan (PDF, JPEG or PNG) base64-encoded, its data
    (issue 16 item 3)."""

    document = serializers.IntegerField(label="thành phần hồ sơ (id)")
    scan_base64 = serializers.CharField(label="tệp bản quét (base64)", max_length=28_000_000, trim_whitespace=True)
    issuing_body = TextField(label="cơ quan cấp", max_length=300, required=False)
    issued_on = serializers.DateField(label="ngày cấp", required=False)
    valid_until = serializers.DateField(label="hiệu lực đến", required=False)
    owner_id_number = TextField(label="số định danh / mã số thuế của người được cấp", max_length=14, required=False)

    def validate_scan_base64(self, value: str) -> bytes:
        import base64
        import binascii

        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise serializers.ValidationError("Tệp bản quét không phải chuỗi base64 hợp lệ.") from None

    def form_data(self) -> dict[str, str]:
        return {
            name: "" if value is None else str(value)
            for name, value in self.validated_data.items()
            if name != "scan_base64"
        }

    def form_files(self) -> dict[str, Any]:
        from django.core.files.uploadedfile import SimpleUploadedFile

        return {"file": SimpleUploadedFile("ban-quet", self.validated_data["scan_base64"])}


class RecordPaperBodySerializer(ActionBodySerializer):
    """record_paper: the catalogue line's id (``required_document``) or the name of an extra paper, and
    the number of copies handed in at the counter."""

    required_document = serializers.IntegerField(label="thành phần theo danh mục (id)", required=False)
    name = TextField(label="tên giấy tờ", max_length=500, required=False)
    copies = serializers.IntegerField(label="số bản", min_value=1, max_value=20, required=False)


class ReturnBodySerializer(ActionBodySerializer):
    note = TextField(label="ghi chú", max_length=500, required=False)


class MarkProcessedBodySerializer(ActionBodySerializer):
    receiver = WholeNumberField(
        label="người nhận",
        required=False,
        allow_null=True,
        min_value=1,
        max_value=BIGINT_MAX,
        help_text="Mã người dùng.",
    )


class HandoverBodySerializer(MarkProcessedBodySerializer):
    note = TextField(label="ghi chú bàn giao", max_length=500, required=False)


class FinancialObligationBodySerializer(ActionBodySerializer):
    """``amount_<thứ tự khoản phí>``: the amount (đồng) of each fee line the catalogue left to the case."""

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        values = dict(super().to_internal_value(data))
        errors: dict[str, list[str]] = {}
        for name in data:
            if not re.fullmatch(r"amount_[0-9]{1,4}", str(name)):
                continue
            field = WholeNumberField(label="số tiền")
            try:
                values[name] = field.run_validation(data[name])
            except serializers.ValidationError as exc:
                errors[name] = [str(item) for item in exc.detail]  # type: ignore[union-attr]
        if errors:
            raise serializers.ValidationError(errors)
        return values


class PaymentBodySerializer(ActionBodySerializer):
    amount = WholeNumberField(label="số tiền", help_text="Số tiền (đồng).")
    channel = TextField(label="hình thức nộp", max_length=20, help_text="counter | bank_transfer")
    receipt_number = TextField(label="số biên lai", max_length=60)


class ExtendBodySerializer(ActionBodySerializer):
    new_due_at = TextField(label="thời hạn mới", max_length=40, help_text="Ngày giờ, dạng 2026-01-31T16:00.")
    reason = TextField(label="lý do chậm trễ", max_length=2000)


ACTION_BODIES: dict[Action, type[ActionBodySerializer]] = {
    Action.RECEIVE: ActionBodySerializer,
    Action.REFUSE: ReasonBodySerializer,
    Action.REQUEST_SUPPLEMENT: SupplementBodySerializer,
    Action.RESUBMIT_SUPPLEMENT: ActionBodySerializer,
    Action.COMPLETE_STEP: HandoverBodySerializer,
    Action.REQUEST_FINANCIAL_OBLIGATION: FinancialObligationBodySerializer,
    Action.RECORD_PAYMENT: PaymentBodySerializer,
    Action.WITHDRAW: WithdrawBodySerializer,
    Action.STOP: ReasonBodySerializer,
    Action.APOLOGISE_EXTEND: ExtendBodySerializer,
    Action.MARK_PROCESSED: MarkProcessedBodySerializer,
    Action.RETURN_RESULT: ReturnBodySerializer,
    Action.ATTACH_RESULT: AttachResultBodySerializer,
    Action.DIGITISE_DOCUMENT: DigitiseBodySerializer,
    Action.RECORD_PAPER: RecordPaperBodySerializer,
    Action.REVOKE_RESULT: ReasonBodySerializer,
}


def action_body(action: Action) -> type[ActionBodySerializer]:
    """The body serializer of ``action`` (an action added later without one takes any object)."""
    return ACTION_BODIES.get(action, ActionBodySerializer)


# --- counter reception and once-only reuse (issue 16 items 3-5) --------------------------------------------


def _whole(label: str, *, maximum: int, required: bool = True) -> WholeNumberField:
    return WholeNumberField(label=label, required=required, min_value=1, max_value=maximum)


def _choice(label: str, choices: Any, *, required: bool = True, **kwargs: Any) -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=choices,
        required=required,
        error_messages={
            "required": f"Vui lòng chọn {label}.",
            "null": f"Vui lòng chọn {label}.",
            "invalid_choice": f"{label[:1].upper()}{label[1:]} không hợp lệ: «{{input}}».",
        },
        **kwargs,
    )


def _list(child: Any, label: str, *, max_length: int) -> serializers.ListField:
    return serializers.ListField(
        child=child,
        required=False,
        max_length=max_length,
        error_messages={
            "not_a_list": f"{label[:1].upper()}{label[1:]} phải là một danh sách.",
            "max_length": f"{label[:1].upper()}{label[1:]} có tối đa {{max_length}} mục.",
            "null": f"{label[:1].upper()}{label[1:]} phải là một danh sách.",
        },
    )


class _ObjectSerializer(serializers.Serializer):
    """A nested JSON object (its own Vietnamese message when it is not one)."""

    default_error_messages = {"invalid": "Mỗi mục phải là một đối tượng JSON."}


class PaperLineSerializer(_ObjectSerializer):
    order = _whole("thứ tự thành phần trong danh mục", maximum=32767)
    copies = _whole("số bản", maximum=99, required=False)


class ReusedLineSerializer(_ObjectSerializer):
    order = _whole("thứ tự thành phần trong danh mục", maximum=32767)
    stored_document = _whole("giấy tờ trong kho dữ liệu (id)", maximum=BIGINT_MAX)


def _unique_orders(items: list[dict[str, Any]], what: str) -> None:
    orders = [item["order"] for item in items]
    if len(orders) != len(set(orders)):
        raise serializers.ValidationError(f"Mỗi thành phần chỉ ghi một lần trong {what}.")


class CounterReceptionBodySerializer(serializers.Serializer):
    """A paper dossier received at the counter (the console's «Tiếp nhận hồ sơ giấy»): the procedure, the
    desk, the competent agency, the applicant, the papers handed in (catalogue ``order``, ``copies``) and the
    documents of the applicant's data store used instead of a paper (``reused``: catalogue ``order`` and the
    stored document's id from ``/api/reception/offers/``)."""

    procedure = TextField(label="mã thủ tục", max_length=40)
    receiving_agency = _whole("nơi tiếp nhận", maximum=BIGINT_MAX)
    competent_agency = _whole("cơ quan có thẩm quyền giải quyết", maximum=BIGINT_MAX)
    channel = _choice(
        "kênh nộp",
        [(c.value, c.label) for c in (Channel.IN_PERSON, Channel.POSTAL)],
        required=False,
        default=Channel.IN_PERSON.value,
    )
    applicant_kind = _choice("loại người nộp", ApplicantKind.choices, required=False, default=ApplicantKind.CITIZEN)
    applicant_name = TextField(label="họ và tên người nộp", max_length=300)
    applicant_id_number = TextField(label="số định danh hoặc mã số", max_length=30)
    applicant_phone = TextField(label="số điện thoại", max_length=20, required=False)
    applicant_email = TextField(label="thư điện tử", max_length=254, required=False)
    applicant_address = TextField(label="địa chỉ", max_length=500, required=False)
    notify_channels = _list(_choice("kênh nhận thông báo", NotifyChannel.choices), "kênh nhận thông báo", max_length=3)
    documents = _list(PaperLineSerializer(), "danh sách giấy tờ nộp tại quầy", max_length=200)
    reused = _list(ReusedLineSerializer(), "danh sách giấy tờ dùng lại từ kho dữ liệu", max_length=200)

    def validate_documents(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        _unique_orders(value, "giấy tờ nộp tại quầy")
        return value

    def validate_reused(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        _unique_orders(value, "giấy tờ dùng lại")
        return value


class OfferedDocumentSerializer(serializers.Serializer):
    """A document of the applicant's data store that may be used instead of a paper."""

    id = serializers.IntegerField()
    document_type_code = serializers.CharField()
    name = serializers.CharField()
    issuing_body = serializers.CharField()
    issued_on = serializers.DateField(allow_null=True)
    valid_until = serializers.DateField(allow_null=True, help_text="Trống: không thời hạn.")
    source = serializers.CharField(help_text="digitised | result | uploaded")  # type: ignore[assignment]  # a field named «source»
    created_at = serializers.DateTimeField()


class ReuseOfferSerializer(serializers.Serializer):
    order = serializers.IntegerField(help_text="Thứ tự thành phần trong danh mục của thủ tục.")
    name = serializers.CharField(help_text="Tên thành phần hồ sơ.")
    mandatory = serializers.BooleanField()
    stored_document = OfferedDocumentSerializer()


class ReuseOffersSerializer(serializers.Serializer):
    procedure = serializers.CharField()
    applicant_id_number = serializers.CharField()
    offers = ReuseOfferSerializer(many=True)


class ReceptionResultSerializer(serializers.Serializer):
    message = serializers.CharField()
    dossier = DossierDetailSerializer()
