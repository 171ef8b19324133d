"""Read-only API of the program register: the list and one program's full document."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cchc.common.params import id_or_none
from cchc.program.export import program_export, program_export_queryset
from cchc.program.models import Program

_ERROR = inline_serializer(
    name="ProgramError", fields={"code": serializers.CharField(), "message": serializers.CharField()}
)


class ProgramListItemSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Program
        fields = [
            "id",
            "number",
            "issued_on",
            "issuer_name",
            "title",
            "period_start",
            "period_end",
            "imported_at",
            "url",
        ]

    def get_url(self, obj: Program) -> str:
        request = self.context.get("request")
        path = f"/api/programs/{obj.pk}"
        return request.build_absolute_uri(path) if request else path


class ProgramListView(APIView):
    """Chương trình cải cách hành chính đã nhập."""

    @extend_schema(operation_id="program_list", responses={200: ProgramListItemSerializer(many=True)}, tags=["program"])
    def get(self, request: Request) -> Response:
        programs = Program.objects.order_by("-issued_on", "number")
        return Response(ProgramListItemSerializer(programs, many=True, context={"request": request}).data)


class ProgramDetailView(APIView):
    """Toàn bộ sổ theo dõi một chương trình (cùng cấu trúc với ``cchc program export --id N``)."""

    @extend_schema(
        operation_id="program_retrieve",
        description="Cấu trúc mô tả trong docs/program-export.schema.json.",
        responses={
            200: OpenApiResponse(response=OpenApiTypes.OBJECT, description="Tài liệu xuất của chương trình"),
            404: OpenApiResponse(response=_ERROR, description="Không có chương trình"),
        },
        tags=["program"],
    )
    def get(self, request: Request, program_id: str) -> Response:
        pk = id_or_none(program_id)  # any text reaches here, so a malformed id answers in JSON too
        if pk is None:
            raise NotFound(detail="Không tìm thấy chương trình.", code="program.not_found")
        programs = program_export_queryset().filter(pk=pk)
        document: dict[str, Any] = program_export(programs)
        if not document["programs"]:
            raise NotFound(detail="Không tìm thấy chương trình.", code="program.not_found")
        return Response(document)
