"""Forms of the feedback pages: the citizen's (file, look up, add information, rate) and the staff
console's (one per action). Forms check the shape of the input and place each message next to its
field; the services decide again everything that matters."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import QuerySet

from cchc.accounts.forms import UserChoiceField
from cchc.common.forms import ConsoleForm
from cchc.common.uploads import ACCEPT, ALLOWED_TEXT, max_bytes, size_text
from cchc.feedback.constants import Classification, RatingLevel
from cchc.feedback.services import CONTENT_MIN, SUBJECT_MAX, SUBJECT_MIN
from cchc.org.forms import AgencyChoiceField
from cchc.org.models import Agency

_PHONE = re.compile(r"^(0|\+84)\d{9,10}$")
_CITIZEN_ID = re.compile(r"^(\d{9}|\d{12})$")


def _required(label: str) -> dict[str, str]:
    return {"required": f"Vui lòng nhập {label}."}


def _long(label: str, maximum: int) -> dict[str, str]:
    return {
        "required": f"Vui lòng nhập {label}.",
        "max_length": f"{label[0].upper()}{label[1:]} tối đa {maximum} ký tự.",
    }


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Tìm trong các kết quả đã công khai",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "aria-describedby": "q-help", "autocomplete": "off"}),
        help_text="Gõ có dấu hay không dấu: “thai do can bo”, “giấy phép xây dựng”, mã PA-….",
    )


class SubmitForm(ConsoleForm):
    submitter_name = forms.CharField(
        label="Họ và tên",
        max_length=200,
        error_messages=_long("họ và tên", 200),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    submitter_phone = forms.CharField(
        label="Số điện thoại",
        max_length=20,
        help_text="Dùng để liên hệ và tra cứu kết quả.",
        error_messages=_required("số điện thoại"),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    submitter_email = forms.EmailField(
        label="Thư điện tử (không bắt buộc)",
        required=False,
        max_length=254,
        error_messages={"invalid": "Địa chỉ thư điện tử không hợp lệ."},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    submitter_id_number = forms.CharField(
        label="Số định danh cá nhân (không bắt buộc)",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    dossier_code = forms.CharField(
        label="Mã hồ sơ liên quan (không bắt buộc)",
        max_length=60,
        required=False,
        help_text="Nếu phản ánh về một hồ sơ thủ tục hành chính: mã trên giấy tiếp nhận, ví dụ 56-260105-0001.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    agency = AgencyChoiceField(
        label="Cơ quan bị phản ánh, kiến nghị",
        queryset=Agency.objects.none(),
        required=False,
        empty_label="— Theo hồ sơ liên quan —",
        help_text="Có thể bỏ trống khi đã nhập mã hồ sơ: phản ánh được chuyển đến cơ quan giải quyết hồ sơ.",
        error_messages={"invalid_choice": "Vui lòng chọn cơ quan trong danh sách."},
    )
    subject = forms.CharField(
        label="Tiêu đề",
        min_length=SUBJECT_MIN,
        max_length=SUBJECT_MAX,
        error_messages={
            **_long("tiêu đề", SUBJECT_MAX),
            "min_length": f"Tiêu đề cần ít nhất {SUBJECT_MIN} ký tự.",
        },
    )
    content = forms.CharField(
        label="Nội dung phản ánh, kiến nghị",
        min_length=CONTENT_MIN,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Nêu rõ quy định, thủ tục hoặc hành vi bị phản ánh, thời gian, địa điểm và đề xuất của bạn.",
        error_messages={
            **_long("nội dung phản ánh", 10_000),
            "min_length": f"Nội dung cần ít nhất {CONTENT_MIN} ký tự.",
        },
    )
    previous_code = forms.CharField(
        label="Mã phản ánh trước đây (nếu phản ánh lại cùng nội dung)",
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = agencies

    def clean_submitter_phone(self) -> str:
        phone = str(self.cleaned_data["submitter_phone"]).replace(" ", "").replace(".", "")
        if not _PHONE.match(phone):
            raise forms.ValidationError("Số điện thoại không hợp lệ (ví dụ 0905123456).")
        return phone

    def clean_submitter_id_number(self) -> str:
        value = str(self.cleaned_data["submitter_id_number"]).strip()
        if value and not _CITIZEN_ID.match(value):
            raise forms.ValidationError("Số định danh cá nhân phải gồm 12 chữ số (hoặc 9 chữ số với CMND cũ).")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("agency") and not str(data.get("dossier_code") or "").strip() and "agency" not in self.errors:
            self.add_error("agency", "Vui lòng chọn cơ quan bị phản ánh, kiến nghị (hoặc nhập mã hồ sơ liên quan).")
        return data


class LookupForm(ConsoleForm):
    reference = forms.CharField(
        label="Mã phản ánh",
        max_length=30,
        help_text="Ví dụ PA-260105-0001.",
        error_messages=_required("mã phản ánh"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    factor = forms.CharField(
        label="Số điện thoại hoặc mã tra cứu",
        max_length=30,
        help_text="Số điện thoại đã khai khi gửi, hoặc mã tra cứu 8 ký tự nhận được khi gửi.",
        error_messages=_required("số điện thoại hoặc mã tra cứu"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class ResubmitForm(ConsoleForm):
    information = forms.CharField(
        label="Thông tin bổ sung",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages=_long("thông tin bổ sung", 10_000),
    )


class RatingForm(ConsoleForm):
    level = forms.ChoiceField(
        label="Bạn có hài lòng với kết quả xử lý?",
        choices=RatingLevel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Vui lòng chọn hài lòng hoặc không hài lòng."},
    )
    comment = forms.CharField(
        label="Ý kiến (không bắt buộc)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Ý kiến tối đa 2.000 ký tự."},
    )


# --- staff console -----------------------------------------------------------------------------------


class RejectForm(ConsoleForm):
    reason = forms.CharField(
        label="Lý do không tiếp nhận xử lý (gửi cho người phản ánh)",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=_required("lý do"),
    )


class RequestInfoForm(ConsoleForm):
    request = forms.CharField(
        label="Thông tin cần bổ sung",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=_required("thông tin cần bổ sung"),
    )


class AssignForm(ConsoleForm):
    classification = forms.ChoiceField(
        label="Phân loại",
        choices=Classification.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Vui lòng chọn phân loại.", "invalid_choice": "Phân loại không hợp lệ."},
    )
    agency = AgencyChoiceField(
        label="Cơ quan xử lý",
        queryset=Agency.objects.none(),
        error_messages={"required": "Vui lòng chọn cơ quan xử lý.", "invalid_choice": "Cơ quan không hợp lệ."},
    )
    assignee = UserChoiceField(
        label="Cán bộ xử lý (không bắt buộc)",
        queryset=None,
        required=False,
        empty_label="— Chưa giao cho cán bộ cụ thể —",
        error_messages={"invalid_choice": "Cán bộ không hợp lệ."},
    )

    def __init__(self, *args: Any, agencies: QuerySet[Agency], staff: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agency_field = self.fields["agency"]
        assignee_field = self.fields["assignee"]
        assert isinstance(agency_field, forms.ModelChoiceField)
        assert isinstance(assignee_field, forms.ModelChoiceField)
        agency_field.queryset = agencies
        assignee_field.queryset = staff


class AnswerForm(ConsoleForm):
    answer = forms.CharField(
        label="Nội dung trả lời (sẽ được công khai)",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages=_required("nội dung trả lời"),
    )
    file = forms.FileField(
        label="Văn bản trả lời (không bắt buộc)",
        required=False,
        help_text=f"{ALLOWED_TEXT}; tối đa {size_text(max_bytes())}.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        error_messages={"empty": "Tệp rỗng."},
    )


class PublishForm(ConsoleForm):
    """Nothing to fill in."""
