"""The manual-value form of a target page (checks of substance are the service's)."""

from __future__ import annotations

from typing import Any

from django import forms

from cchc.program.models import TargetValue
from cchc.program.targets.evidence import EVIDENCE_ACCEPT


class TargetValueForm(forms.Form):
    ky = forms.CharField(
        label="Kỳ số liệu",
        max_length=40,
        help_text="Năm (2025), 6 tháng (2025-H1), quý (2025-Q3), tháng (2025-07) hoặc khoảng ngày "
        "(2025-01-01..2025-06-30).",
        error_messages={"required": "Nhập kỳ số liệu, ví dụ 2025."},
    )
    gia_tri = forms.CharField(
        label="Giá trị (%)",
        max_length=20,
        help_text="Số, tối đa 2 chữ số thập phân (dùng dấu phẩy hoặc dấu chấm).",
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={"required": "Nhập giá trị."},
    )
    minh_chung = forms.FileField(
        label="Tệp minh chứng",
        required=False,
        help_text="PDF, ảnh JPEG/PNG, Word (.docx) hoặc Excel (.xlsx); kiểm tra theo nội dung tệp.",
        widget=forms.ClearableFileInput(attrs={"accept": EVIDENCE_ACCEPT}),
    )
    so_van_ban = forms.CharField(
        label="Số, ký hiệu văn bản minh chứng",
        max_length=100,
        required=False,
        help_text="Ví dụ: Báo cáo số 123/BC-SNV. Cần có tệp hoặc số văn bản (hoặc cả hai).",
    )
    ghi_chu = forms.CharField(label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    dinh_chinh = forms.TypedChoiceField(
        label="Đính chính giá trị đã nhập",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="Chọn khi nhập lại số liệu đã nhập sai; giá trị cũ vẫn được lưu trong lịch sử. Phải ghi lý do.",
    )

    def __init__(self, *args: Any, standing: list[TargetValue], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["dinh_chinh"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Không — đây là số liệu mới")] + [
            (v.pk, f"Kỳ {v.period_key}: {v.value}% (nhập {v.entered_at:%d/%m/%Y})") for v in standing
        ]
