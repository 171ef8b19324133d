"""The GET filter form of the appendix task list: short Vietnamese parameter names, shareable URLs."""

from __future__ import annotations

from typing import Any

from django import forms

from cchc.org.forms import AgencyChoiceField
from cchc.org.models import Agency
from cchc.program.constants import AgencyRole, TimelineStatus
from cchc.program.models import Program
from cchc.program.selectors import YEAR_NOT_FIXED, TaskFilters, program_agencies_named


class TaskFilterForm(forms.Form):
    q = forms.CharField(
        label="Tìm kiếm",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "aria-describedby": "q-help"}),
        help_text="Không cần gõ dấu: “so noi vu” tìm được “Sở Nội vụ”.",
    )
    co_quan = AgencyChoiceField(
        label="Cơ quan",
        queryset=Agency.objects.none(),
        required=False,
        empty_label="Tất cả cơ quan",
    )
    vai_tro = forms.ChoiceField(
        label="Vai trò",
        required=False,
        choices=[
            ("", "Chủ trì hoặc phối hợp"),
            (AgencyRole.LEAD.value, "Chủ trì"),
            (AgencyRole.COORDINATE.value, "Phối hợp"),
        ],
    )
    truc_tiep = forms.BooleanField(
        label="Chỉ nhiệm vụ ghi đích danh cơ quan (không tính giao qua nhóm như “các sở, ngành”)",
        required=False,
    )
    noi_dung = forms.TypedChoiceField(label="Nội dung cải cách", required=False, coerce=int, empty_value=None)
    nam = forms.ChoiceField(label="Năm thực hiện", required=False)
    trang_thai = forms.ChoiceField(
        label="Tình trạng theo thời gian",
        required=False,
        choices=[("", "Mọi tình trạng"), *TimelineStatus.choices],
    )

    def __init__(self, data: Any, *, program: Program) -> None:
        super().__init__(data)
        self.program = program
        agency_field = self.fields["co_quan"]
        assert isinstance(agency_field, forms.ModelChoiceField)
        agency_field.queryset = program_agencies_named(program=program)
        area_field = self.fields["noi_dung"]
        assert isinstance(area_field, forms.ChoiceField)
        area_field.choices = [
            ("", "Tất cả nội dung"),
            *((a.number, f"{a.number}. {a.name}") for a in program.areas.all()),
        ]
        year_field = self.fields["nam"]
        assert isinstance(year_field, forms.ChoiceField)
        year_field.choices = [
            ("", "Mọi năm"),
            *((str(y), str(y)) for y in range(program.period_start, program.period_end + 1)),
            (YEAR_NOT_FIXED, "Không gắn năm cụ thể (theo Trung ương, lộ trình, không ghi)"),
        ]

    def filters(self) -> TaskFilters:
        """The valid part of the submitted filters (an invalid field is reported and ignored)."""
        data = self.cleaned_data if self.is_valid() else getattr(self, "cleaned_data", {})
        year = data.get("nam") or ""
        return TaskFilters(
            agency=data.get("co_quan"),
            direct_only=bool(data.get("truc_tiep")),
            role=data.get("vai_tro") or "",
            area_number=data.get("noi_dung"),
            year=int(year) if year and year != YEAR_NOT_FIXED else None,
            year_not_fixed=year == YEAR_NOT_FIXED,
            status=data.get("trang_thai") or "",
            text=(data.get("q") or "").strip(),
        )

    @property
    def has_more_filters(self) -> bool:
        """Whether a filter behind "Thêm điều kiện lọc" is set (the section then opens)."""
        return any(self.data.get(name) for name in ("vai_tro", "noi_dung", "nam", "trang_thai"))

    @property
    def is_filtered(self) -> bool:
        return any(self.data.get(name) for name in self.fields)
