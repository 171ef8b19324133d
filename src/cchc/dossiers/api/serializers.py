"""JSON shapes of the dossier API (read side): queue rows, the dossier with its steps and hand-overs.

Serializers only read what the selectors already joined; they never query (a list costs the same for
one row or fifty).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from cchc.dossiers.constants import Action
from cchc.dossiers.models import Dossier, DossierStep, Handover
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


class DossierDetailSerializer(DossierListItemSerializer):
    """The dossier with its applicant, steps, hand-overs (form 06) and the actions this officer may take."""

    steps = serializers.SerializerMethodField()
    handovers = serializers.SerializerMethodField()
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
            "original_due_at",
            "statutory_due_at",
            "processed_at",
            "returned_at",
            "ended_at",
            "end_reason",
            "supplement_count",
            "steps",
            "handovers",
            "allowed_actions",
        ]

    @extend_schema_field(StepSerializer(many=True))
    def get_steps(self, obj: Dossier) -> Any:
        return StepSerializer(self.context["steps"], many=True).data

    @extend_schema_field(HandoverSerializer(many=True))
    def get_handovers(self, obj: Dossier) -> Any:
        return HandoverSerializer(self.context["handovers"], many=True).data

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
