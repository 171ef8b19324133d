from __future__ import annotations

from django import forms


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Mã xác thực",
        max_length=40,
        strip=True,
        error_messages={"required": "Nhập mã 6 chữ số từ ứng dụng xác thực (hoặc một mã dự phòng)."},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
    )
