"""The shapes of the public API's answers and requests (they are its OpenAPI schema, docs/api-public.md)."""

from __future__ import annotations

from typing import Any

from django.core.validators import ProhibitNullCharactersValidator, RegexValidator
from rest_framework import serializers
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from cchc.dossiers.constants import Channel, DossierStatus

# No NUL: what PostgreSQL's text cannot hold and DRF refuses. Declared as the field's pattern so that the
# OpenAPI document says it (a client, and schemathesis, then know such a string is invalid). Lone surrogates
# (not UTF-8 either) are refused too, by a check the schema cannot state: a pattern naming them does not
# compile in JSON Schema validators built on Rust's regex (schemathesis' jsonschema-rs), which then ignore it.
NO_NUL = r"^[^\x00]*$"


def _no_surrogate(message: str) -> Any:
    def check(value: str) -> None:
        if any("\ud800" <= ch <= "\udfff" for ch in value):
            raise serializers.ValidationError(message, code="invalid")

    return check


class StrictCharField(serializers.CharField):
    """A string and only a string: DRF's ``CharField`` would take ``123`` or ``true`` as text. DRF's own
    NUL and surrogate checks (English messages, not in the schema) are replaced by checks with the
    field's Vietnamese message."""

    default_error_messages = {
        "invalid": "Phải là một chuỗi ký tự.",
        "null_characters_not_allowed": "Chuỗi chứa ký tự không hợp lệ.",
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        own = (ProhibitNullCharactersValidator, ProhibitSurrogateCharactersValidator)
        self.validators = [v for v in self.validators if not isinstance(v, own)]
        message = str(self.error_messages["null_characters_not_allowed"])
        self.validators.append(RegexValidator(NO_NUL, message=message))
        self.validators.append(_no_surrogate(message))

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


def _messages(name: str, max_length: int) -> Any:
    return {
        "required": f"Thiếu {name}.",
        "blank": f"Thiếu {name}.",
        "null": f"Thiếu {name}.",
        "max_length": f"{name[0].upper()}{name[1:]} tối đa {max_length} ký tự.",
        "null_characters_not_allowed": f"{name[0].upper()}{name[1:]} chứa ký tự không hợp lệ.",
        "surrogate_characters_not_allowed": f"{name[0].upper()}{name[1:]} chứa ký tự không hợp lệ.",
    }


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Mã lỗi ổn định, ví dụ publicapi.insufficient_scope.")
    message = serializers.CharField(help_text="Thông báo bằng tiếng Việt.")
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Lỗi theo từng tham số (khi dữ liệu gửi lên không hợp lệ).",
    )


class TokenErrorSerializer(ErrorSerializer):
    error = serializers.CharField(help_text="Mã lỗi theo RFC 6749 §5.2 (invalid_client, invalid_scope, ...).")


class TokenRequestSerializer(serializers.Serializer):
    grant_type = serializers.ChoiceField(choices=["client_credentials"])
    client_id = serializers.CharField(required=False, help_text="Hoặc gửi qua HTTP Basic (khuyến nghị).")
    client_secret = serializers.CharField(required=False, help_text="Hoặc gửi qua HTTP Basic (khuyến nghị).")
    scope = serializers.CharField(
        required=False, help_text="Các phạm vi cách nhau bởi dấu cách; bỏ trống: mọi phạm vi được cấp."
    )


class TokenSerializer(serializers.Serializer):
    access_token = serializers.CharField()
    token_type = serializers.ChoiceField(choices=["Bearer"])
    expires_in = serializers.IntegerField(help_text="Số giây mã truy cập còn hiệu lực.")
    scope = serializers.CharField()


class FieldRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class ProcedureSummarySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Mã thủ tục trên CSDL quốc gia về TTHC.")
    name = serializers.CharField()
    field = FieldRefSerializer()


class ProcedurePageSerializer(serializers.Serializer):
    count = serializers.IntegerField(min_value=0)
    page = serializers.IntegerField(min_value=1)
    page_size = serializers.IntegerField(min_value=1)
    results = ProcedureSummarySerializer(many=True)


class CompetentAgencySerializer(serializers.Serializer):
    agency = serializers.CharField(help_text="Tên cơ quan; trống khi là mọi cơ quan của một cấp.")
    level = serializers.CharField()
    kind = serializers.CharField()
    note = serializers.CharField()


class DocumentSerializer(serializers.Serializer):
    name = serializers.CharField()
    mandatory = serializers.BooleanField()
    copies = serializers.IntegerField()
    form_template = serializers.CharField()
    note = serializers.CharField()


class FeeTableRowSerializer(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]
    amount = serializers.IntegerField()


class FeeSerializer(serializers.Serializer):
    kind = serializers.CharField()
    name = serializers.CharField()
    amount = serializers.IntegerField(allow_null=True, help_text="Đồng; null khi mức thu theo biểu.")
    table = FeeTableRowSerializer(many=True)
    description = serializers.CharField()
    exemptions = serializers.CharField()
    legal_basis = serializers.CharField()


class StepSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    name = serializers.CharField()
    duration_hours = serializers.CharField(help_text="Số giờ làm việc, dạng thập phân.")


class ProcedureSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    field = FieldRefSerializer()
    version = serializers.IntegerField(help_text="Số phiên bản đang có hiệu lực.")
    published_at = serializers.DateTimeField(allow_null=True)
    levels = serializers.ListField(child=serializers.CharField())
    applicant_types = serializers.ListField(child=serializers.CharField())
    service_type = serializers.CharField()
    processing_time = serializers.CharField(help_text="Thời hạn giải quyết, ví dụ «5 ngày làm việc».")
    result = serializers.CharField(help_text="Kết quả thực hiện.")
    legal_basis = serializers.ListField(child=serializers.CharField())
    competent_agencies = CompetentAgencySerializer(many=True)
    steps = StepSerializer(many=True)
    documents = DocumentSerializer(many=True)
    fees = FeeSerializer(many=True)


class LookupSerializer(serializers.Serializer):
    reference = StrictCharField(
        max_length=60,
        help_text="Mã hồ sơ (ví dụ 22366-260105-0001) hoặc mã nộp trực tuyến (TT-000123).",
        error_messages=_messages("mã hồ sơ", 60),
    )
    factor = StrictCharField(
        max_length=30,
        help_text="Số điện thoại hoặc số định danh cá nhân người nộp đã khai khi nộp hồ sơ.",
        error_messages=_messages("số điện thoại hoặc số định danh", 30),
    )


class ProcedureRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class MilestoneSerializer(serializers.Serializer):
    at = serializers.CharField(help_text="Thời điểm, dạng đọc được (giờ Việt Nam).")
    iso = serializers.DateTimeField()
    label = serializers.CharField()  # type: ignore[assignment]
    detail = serializers.CharField()


class DossierStatusSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Mã hồ sơ; trống khi chưa được tiếp nhận.")
    reference = serializers.CharField(help_text="Mã nộp trực tuyến (TT-…); trống với hồ sơ nộp trực tiếp.")
    procedure = ProcedureRefSerializer()
    agency = serializers.CharField(help_text="Nơi tiếp nhận.")
    status = serializers.ChoiceField(choices=DossierStatus.choices)
    status_label = serializers.CharField()
    channel = serializers.ChoiceField(choices=Channel.choices)
    submitted_at = serializers.DateTimeField()
    received_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True, help_text="Hẹn trả kết quả (sau gia hạn nếu có).")
    processed_at = serializers.DateTimeField(allow_null=True)
    returned_at = serializers.DateTimeField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)
    milestones = MilestoneSerializer(many=True)


class ResourceSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    month = serializers.CharField(help_text="NNNN-TT")
    format = serializers.CharField()
    name = serializers.CharField()
    media_type = serializers.CharField()
    byte_size = serializers.IntegerField()
    sha256 = serializers.CharField()
    row_count = serializers.IntegerField()
    temporal_start = serializers.DateField()
    temporal_end = serializers.DateField()
    url = serializers.URLField(help_text="Tải tệp (công khai, không cần mã truy cập).")


class DatasetSerializer(serializers.Serializer):
    name = serializers.CharField()
    title = serializers.CharField()
    notes = serializers.CharField()
    keywords = serializers.ListField(child=serializers.CharField())
    theme = serializers.CharField()
    frequency = serializers.CharField()
    licence = serializers.CharField()
    issued = serializers.DateTimeField()
    modified = serializers.DateTimeField()
    resources = ResourceSerializer(many=True)


class DatasetListSerializer(serializers.Serializer):
    count = serializers.IntegerField(min_value=0)
    results = DatasetSerializer(many=True)


class RecordColumnSerializer(serializers.Serializer):
    id = serializers.CharField()
    type = serializers.CharField()
    label = serializers.CharField(required=False)  # type: ignore[assignment]


class RecordPageSerializer(serializers.Serializer):
    resource_id = serializers.UUIDField()
    fields = RecordColumnSerializer(many=True)  # type: ignore[assignment]
    total = serializers.IntegerField(min_value=0)
    limit = serializers.IntegerField(min_value=1)
    offset = serializers.IntegerField(min_value=0)
    records = serializers.ListField(child=serializers.DictField())
