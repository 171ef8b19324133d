"""Forms of the survey pages: the questionnaire (public link and staff entry), campaign creation, filters."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet

from cchc.catalogue.models import Field
from cchc.common.params import BoundedIntegerField, DayField
from cchc.org.constants import Level
from cchc.org.forms import AgencyChoiceField
from cchc.org.models import Agency
from cchc.surveys.constants import GroupBy, RespondentKind
from cchc.surveys.models import Campaign, Factor, Questionnaire

QUESTION_PREFIX = "q_"


class ResponseForm(forms.Form):
    """One questionnaire: who it is about, one radio group per criterion, a comment."""

    agency = AgencyChoiceField(
        label="Cơ quan, đơn vị đã giải quyết thủ tục cho ông/bà",
        queryset=Agency.objects.none(),
        empty_label="— Chọn cơ quan —",
        error_messages={
            "required": "Vui lòng chọn cơ quan đã giải quyết thủ tục.",
            "invalid_choice": "Cơ quan đã chọn không thuộc đợt khảo sát này.",
        },
    )
    field = forms.ModelChoiceField(
        label="Lĩnh vực của thủ tục",
        queryset=Field.objects.none(),
        required=False,
        empty_label="— Chọn lĩnh vực —",
        error_messages={"invalid_choice": "Lĩnh vực đã chọn không thuộc đợt khảo sát này."},
    )
    respondent_kind = forms.ChoiceField(
        label="Ông/bà trả lời với tư cách",
        choices=RespondentKind.choices,
        initial=RespondentKind.CITIZEN,
        widget=forms.RadioSelect,
        error_messages={"required": "Vui lòng chọn người dân hay tổ chức."},
    )
    comment = forms.CharField(
        label="Ý kiến, mong đợi của ông/bà (không bắt buộc)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Ý kiến tối đa 2.000 ký tự."},
    )

    def __init__(
        self, *args: Any, campaign: Campaign, agencies: QuerySet[Agency], fields: QuerySet[Field], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        agency_field = self.fields["agency"]
        assert isinstance(agency_field, forms.ModelChoiceField)
        agency_field.queryset = agencies
        field_field = self.fields["field"]
        assert isinstance(field_field, forms.ModelChoiceField)
        field_field.queryset = fields
        field_field.required = bool(campaign.fields.all())
        field_field.error_messages["required"] = "Vui lòng chọn lĩnh vực của thủ tục đã thực hiện."
        scale = [(str(item["value"]), str(item["label"])) for item in campaign.questionnaire.scale]
        self.factors: list[tuple[Factor, list[str]]] = []
        number = 0
        for factor in campaign.questionnaire.factors.all():
            names = []
            for question in factor.questions.all():
                number += 1
                name = f"{QUESTION_PREFIX}{question.code}"
                self.fields[name] = forms.ChoiceField(
                    label=f"{number}. {question.text}",
                    choices=scale,
                    required=question.required,
                    widget=forms.RadioSelect(attrs={"class": "likert-input"}),
                    error_messages={
                        "required": f"Vui lòng chọn mức độ hài lòng cho câu {number}: «{question.text}».",
                        "invalid_choice": f"Câu {number}: mức trả lời phải từ 1 đến 5.",
                    },
                )
                names.append(name)
            self.factors.append((factor, names))

    def factor_groups(self) -> Iterator[tuple[Factor, list[forms.BoundField]]]:
        for factor, names in self.factors:
            yield factor, [self[name] for name in names]

    def answers(self) -> dict[str, object]:
        return {
            name.removeprefix(QUESTION_PREFIX): value
            for name, value in self.cleaned_data.items()
            if name.startswith(QUESTION_PREFIX)
        }

    def question_field(self, code: str) -> str | None:
        name = f"{QUESTION_PREFIX}{code}"
        return name if name in self.fields else None


class SummaryFilterForm(forms.Form):
    """Period and breakdown of the results page (dates in Vietnam time, both days included)."""

    tu = DayField(
        label="Từ ngày",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Vui lòng chọn ngày bắt đầu.", "invalid": "Ngày bắt đầu không hợp lệ."},
    )
    den = DayField(
        label="Đến ngày",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Vui lòng chọn ngày kết thúc.", "invalid": "Ngày kết thúc không hợp lệ."},
    )
    theo = forms.ChoiceField(
        label="Nhóm theo",
        choices=GroupBy.choices,
        initial=GroupBy.AGENCY,
        error_messages={"invalid_choice": "Cách nhóm không hợp lệ."},
    )
    dot = forms.ModelChoiceField(
        label="Đợt khảo sát",
        queryset=Campaign.objects.order_by("-starts_on", "code"),
        to_field_name="code",
        required=False,
        empty_label="Mọi đợt khảo sát",
        error_messages={"invalid_choice": "Đợt khảo sát không tồn tại."},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("tu"), data.get("den")
        if isinstance(start, date) and isinstance(end, date) and end < start:
            self.add_error("den", "Ngày kết thúc phải bằng hoặc sau ngày bắt đầu.")
        return data


class CampaignForm(forms.Form):
    """A new campaign (Sở Nội vụ staff); an empty scope list means "all"."""

    code = forms.SlugField(
        label="Mã đợt (dùng trong đường dẫn)",
        max_length=80,
        help_text="Chữ thường không dấu, số, dấu gạch ngang; ví dụ khao-sat-quy-1-2027.",
        error_messages={
            "required": "Vui lòng nhập mã đợt.",
            "invalid": "Mã đợt chỉ gồm chữ thường không dấu, số và dấu gạch ngang.",
        },
    )
    name = forms.CharField(
        label="Tên đợt khảo sát", max_length=300, error_messages={"required": "Vui lòng nhập tên đợt."}
    )
    questionnaire = forms.ModelChoiceField(
        label="Bộ câu hỏi",
        queryset=Questionnaire.objects.order_by("code", "-version"),
        empty_label=None,
        error_messages={"required": "Vui lòng chọn bộ câu hỏi.", "invalid_choice": "Bộ câu hỏi không tồn tại."},
    )
    starts_on = DayField(
        label="Từ ngày",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Vui lòng chọn ngày bắt đầu.", "invalid": "Ngày bắt đầu không hợp lệ."},
    )
    ends_on = DayField(
        label="Đến hết ngày",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Vui lòng chọn ngày kết thúc.", "invalid": "Ngày kết thúc không hợp lệ."},
    )
    sample_target = BoundedIntegerField(
        label="Cỡ mẫu dự kiến (số phiếu)",
        min_value=1,
        error_messages={
            "required": "Vui lòng nhập cỡ mẫu.",
            "min_value": "Cỡ mẫu phải ít nhất 1 phiếu.",
            "invalid": "Cỡ mẫu phải là số nguyên.",
        },
    )
    levels = forms.MultipleChoiceField(
        label="Cấp được khảo sát (bỏ trống: mọi cấp)",
        choices=[(Level.PROVINCE.value, Level.PROVINCE.label), (Level.COMMUNE.value, Level.COMMUNE.label)],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    agencies = forms.ModelMultipleChoiceField(
        label="Cơ quan được khảo sát (bỏ trống: mọi cơ quan)",
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        error_messages={"invalid_choice": "Cơ quan đã chọn không hợp lệ."},
    )
    fields_scope = forms.ModelMultipleChoiceField(
        label="Lĩnh vực (bỏ trống: mọi lĩnh vực)",
        queryset=Field.objects.order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        error_messages={"invalid_choice": "Lĩnh vực đã chọn không hợp lệ."},
    )

    def __init__(self, *args: Any, on: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agencies = self.fields["agencies"]
        assert isinstance(agencies, forms.ModelMultipleChoiceField)
        agencies.queryset = Agency.objects.valid_on(on).order_by("level", "kind", "name", "pk")
        agencies.label_from_instance = lambda obj: str(obj.name)  # type: ignore[method-assign]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("starts_on"), data.get("ends_on")
        if isinstance(start, date) and isinstance(end, date) and end < start:
            self.add_error("ends_on", "Ngày kết thúc phải bằng hoặc sau ngày bắt đầu.")
        return data
