"""Forms of the plan pages: they parse the shape of the input; the services decide the rest
(range of the percent, evidence present, who may act) and refuse with a Vietnamese message."""

from __future__ import annotations

from django import forms

from cchc.common.params import DayField
from cchc.common.uploads import ACCEPT
from cchc.plans.constants import ProgressStatus


class ProgressForm(forms.Form):
    percent = forms.CharField(
        label="Tiến độ (%)",
        max_length=6,
        error_messages={"required": "Vui lòng nhập tiến độ (0–100)."},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 4}),
        help_text="Một số nguyên từ 0 đến 100.",
    )
    note = forms.CharField(label="Kết quả thực hiện đến nay", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label="Tệp minh chứng",
        error_messages={"required": "Vui lòng chọn tệp minh chứng.", "empty": "Tệp đã chọn rỗng, không có nội dung."},
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        help_text="PDF, JPEG, PNG hoặc Word (.docx); nội dung tệp được kiểm tra.",
    )
    description = forms.CharField(label="Mô tả tài liệu", required=False, max_length=300)


class SubmitForm(forms.Form):
    note = forms.CharField(
        label="Kết quả thực hiện",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Để trống thì dùng nội dung kết quả đã cập nhật.",
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Lý do",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Vui lòng nhập lý do."},
    )


class AcceptForm(forms.Form):
    note = forms.CharField(label="Ý kiến (không bắt buộc)", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DueForm(forms.Form):
    due_on = DayField(
        label="Thời hạn mới",
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Vui lòng nhập thời hạn.",
            "invalid": "Thời hạn phải là ngày hợp lệ (ngày/tháng/năm).",
        },
    )
    reason = forms.CharField(label="Lý do điều chỉnh", required=False, max_length=500)


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Ý kiến",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Vui lòng nhập nội dung ý kiến."},
    )


class PlanFilterForm(forms.Form):
    nam = forms.TypedChoiceField(label="Năm", coerce=int, required=False)
    co_quan = forms.TypedChoiceField(label="Cơ quan", coerce=int, required=False, empty_value=None)
    trang_thai = forms.ChoiceField(
        label="Tình trạng",
        required=False,
        choices=[("", "Mọi tình trạng"), *ProgressStatus.choices],
    )

    def __init__(self, *args: object, years: list[int], agencies: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["nam"].choices = [(y, str(y)) for y in years]  # type: ignore[attr-defined]
        self.fields["co_quan"].choices = [("", "Mọi cơ quan"), *agencies]  # type: ignore[attr-defined]
