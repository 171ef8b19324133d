"""Forms of the citizen portal (Cổng dịch vụ công): procedure search, online application, status lookup, rating.

Forms check the shape of the input and place each message next to its field; the services decide
again (and refuse with a stable code) everything that matters. Uploaded files are checked by content
here too (``cchc.dossiers.uploads``), so that a wrong file is reported next to its own input.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import QuerySet

from cchc.catalogue.models import Field, RequiredDocument
from cchc.common.forms import ConsoleForm
from cchc.common.uploads import ACCEPT, ALLOWED_TEXT, max_bytes, size_text
from cchc.dossiers.constants import (
    APPLICANT_ID_HELP,
    APPLICANT_ID_LABEL,
    ApplicantKind,
    DossierError,
    RatingCriterion,
    RatingLevel,
)
from cchc.dossiers.uploads import upload_check
from cchc.dossiers.web.forms import address_hint, notify_channels_check, notify_channels_field, reuse_label
from cchc.org.forms import AgencyChoiceField
from cchc.org.models import Agency

_CITIZEN_ID = re.compile(r"^(\d{9}|\d{12})$")
_ORGANISATION_ID = re.compile(r"^\d{10}(-\d{3})?$")
_PHONE = re.compile(r"^(0|\+84)\d{9,10}$")


def _required(label: str) -> dict[str, str]:
    return {"required": f"Vui lòng nhập {label}."}


def _choose(label: str) -> dict[str, str]:
    return {"required": f"Vui lòng chọn {label}.", "invalid_choice": f"Vui lòng chọn {label} trong danh sách."}


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Tìm thủ tục hành chính",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "aria-describedby": "q-help", "autocomplete": "off"}),
        help_text="Gõ tên, mã thủ tục hoặc lĩnh vực, có dấu hay không dấu: “giay phep xay dung”, “khai sinh”.",
    )
    linhvuc = forms.ModelChoiceField(
        label="Lĩnh vực",
        queryset=Field.objects.none(),
        required=False,
        to_field_name="code",
        empty_label="Tất cả lĩnh vực",
        error_messages={"invalid_choice": "Lĩnh vực không có trong danh sách."},
    )

    def __init__(self, *args: Any, fields: QuerySet[Field], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["linhvuc"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = fields


class ApplicationForm(ConsoleForm):
    """The online application: who applies, where, and one file per component of the dossier.

    Where: for a procedure every commune handles, the commune (it receives and decides); otherwise the
    competent agency (when the catalogue names several) and the desk that receives the dossier.
    """

    applicant_kind = forms.ChoiceField(
        label="Người nộp là",
        choices=ApplicantKind.choices,
        initial=ApplicantKind.CITIZEN,
        widget=forms.RadioSelect,
        error_messages=_choose("người nộp là công dân hay tổ chức"),
    )
    applicant_name = forms.CharField(
        label="Họ và tên (hoặc tên tổ chức)",
        max_length=300,
        error_messages=_required("họ và tên"),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    applicant_id_number = forms.CharField(
        label=APPLICANT_ID_LABEL,
        max_length=30,
        help_text=APPLICANT_ID_HELP,
        error_messages=_required("số định danh cá nhân"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    applicant_phone = forms.CharField(
        label="Số điện thoại",
        max_length=20,
        help_text="Dùng để tra cứu hồ sơ và nhận thông báo.",
        error_messages=_required("số điện thoại"),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    applicant_email = forms.EmailField(
        label="Thư điện tử",
        max_length=254,
        error_messages={**_required("địa chỉ thư điện tử"), "invalid": "Địa chỉ thư điện tử không hợp lệ."},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    applicant_address = forms.CharField(
        label="Địa chỉ liên hệ",
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    notify_channels = notify_channels_field(initial=["email"])  # the address is asked for online

    def __init__(
        self,
        *args: Any,
        documents: list[RequiredDocument],
        commune_only: bool,
        competent: list[Agency],
        desks: QuerySet[Agency],
        locked: dict[str, str] | None = None,
        offers: dict[str, Any] | None = None,
        address_url: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.offers = offers or {}  # document type -> the signed-in citizen's stored document (once-only)
        if address_url:  # htmx: the unit in force today follows the address as it is typed (issue 18 item 3)
            address_hint(self.fields["applicant_address"], address_url, include="#id_commune" if commune_only else "")
        # issue 15: the applicant's details that come from the signed-in electronic identity, shown and
        # locked (a disabled field keeps its initial value whatever is posted)
        for name, value in (locked or {}).items():
            self.fields[name].initial = value
            self.fields[name].disabled = True
            self.fields[name].help_text = "Lấy từ tài khoản định danh điện tử, không sửa được."
        self.documents = documents
        self.commune_only = commune_only
        ids = [a.pk for a in competent]
        if commune_only:
            self.fields["commune"] = AgencyChoiceField(
                label="Nộp hồ sơ và nhận kết quả tại",
                queryset=Agency.objects.filter(pk__in=ids).order_by("name", "pk"),
                empty_label="— Chọn Ủy ban nhân dân xã, phường, đặc khu —",
                help_text="Ủy ban nhân dân cấp xã có thẩm quyền giải quyết "
                "(thường là nơi cư trú hoặc nơi có công trình).",
                error_messages=_choose("xã, phường nơi nộp hồ sơ"),
            )
        else:
            if len(competent) > 1:
                self.fields["competent_agency"] = AgencyChoiceField(
                    label="Cơ quan có thẩm quyền giải quyết",
                    queryset=Agency.objects.filter(pk__in=ids).order_by("name", "pk"),
                    empty_label="— Chọn cơ quan —",
                    error_messages=_choose("cơ quan có thẩm quyền giải quyết"),
                )
            self.fields["receiving_agency"] = AgencyChoiceField(
                label="Nơi tiếp nhận hồ sơ và trả kết quả",
                queryset=desks,
                empty_label=None,
                help_text="Trung tâm Phục vụ hành chính công tỉnh hoặc bộ phận một cửa của bất kỳ xã, phường nào "
                "trong tỉnh. Nếu chọn cơ quan cấp xã làm cơ quan giải quyết, hồ sơ được tiếp nhận tại chính xã đó.",
                error_messages=_choose("nơi tiếp nhận hồ sơ"),
            )
        limit = size_text(max_bytes())
        for document in documents:
            self.fields[f"doc_{document.order}"] = forms.FileField(
                label=document.name,
                required=document.mandatory,
                max_length=None,
                allow_empty_file=True,  # an empty file gets the upload module's own message
                help_text=f"{ALLOWED_TEXT}, tối đa {limit}."
                + (f" Mẫu: {document.form_template}." if document.form_template else ""),
                widget=forms.FileInput(attrs={"accept": ACCEPT}),
                error_messages={
                    "required": f"Vui lòng đính kèm «{document.name}» (thành phần bắt buộc).",
                    "invalid": "Tệp gửi lên không hợp lệ. Vui lòng chọn lại tệp.",
                    "missing": "Không nhận được tệp. Vui lòng chọn lại tệp.",
                },
            )
            stored = self.offers.get(document.document_type_code)
            if stored is not None:  # once-only (TT 01/2023/TT-VPCP Điều 24): offered instead of an upload
                self.fields[f"doc_{document.order}"].required = False
                self.fields[f"reuse_{document.order}"] = forms.BooleanField(
                    label=reuse_label(stored), required=False, initial=True
                )

    def document_fields(self) -> list[tuple[RequiredDocument, forms.BoundField]]:
        return [(d, self[f"doc_{d.order}"]) for d in self.documents]

    def reuse_fields(self) -> dict[int, forms.BoundField]:
        return {d.order: self[f"reuse_{d.order}"] for d in self.documents if f"reuse_{d.order}" in self.fields}

    def reused_by_order(self) -> dict[int, int]:
        """The stored documents chosen instead of a file (catalogue order -> stored document id); a file
        given for the same line wins."""
        return {
            d.order: self.offers[d.document_type_code].pk
            for d in self.documents
            if self.cleaned_data.get(f"reuse_{d.order}") and not self.cleaned_data.get(f"doc_{d.order}")
        }

    def applicant_fields(self) -> list[forms.BoundField]:
        names = ["applicant_name", "applicant_id_number", "applicant_phone", "applicant_email", "applicant_address"]
        return [self[name] for name in names]

    def clean_applicant_phone(self) -> str:
        phone = "".join(self.cleaned_data["applicant_phone"].split()).replace(".", "")
        if not _PHONE.match(phone):
            raise forms.ValidationError("Số điện thoại không hợp lệ (ví dụ 0905123456).")
        return phone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("applicant_kind")
        id_number = (data.get("applicant_id_number") or "").strip()
        if kind and id_number:
            if kind == ApplicantKind.CITIZEN and not _CITIZEN_ID.match(id_number):
                self.add_error(
                    "applicant_id_number",
                    "Số định danh cá nhân phải gồm 12 chữ số (hoặc 9 chữ số với chứng minh nhân dân cũ).",
                )
            elif kind == ApplicantKind.ORGANISATION and not _ORGANISATION_ID.match(id_number):
                self.add_error(
                    "applicant_id_number", "Mã số doanh nghiệp, tổ chức phải gồm 10 chữ số (chi nhánh: thêm -XXX)."
                )
        notify_channels_check(self, data)
        for document in self.documents:
            name = f"doc_{document.order}"
            file = data.get(name)
            if file:
                try:
                    upload_check(file=file, label=document.name)
                except DossierError as exc:
                    self.add_error(name, exc.message)
        return data

    def agencies(self) -> tuple[Agency | None, Agency | None]:
        """(receiving, competent) from the cleaned data; ``None`` where the view decides (one candidate)."""
        data = self.cleaned_data
        if self.commune_only:
            return data["commune"], data["commune"]
        return data.get("receiving_agency"), data.get("competent_agency")

    def files_by_order(self) -> dict[int, Any]:
        return {
            d.order: self.cleaned_data[f"doc_{d.order}"]
            for d in self.documents
            if self.cleaned_data.get(f"doc_{d.order}")
        }


class SupplementForm(ConsoleForm):
    """The applicant hands in a supplement: one optional file per component of the dossier (the
    request says which are missing); each file checked by content next to its input."""

    def __init__(self, *args: Any, documents: list[RequiredDocument], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.documents = documents
        limit = size_text(max_bytes())
        for document in documents:
            self.fields[f"doc_{document.order}"] = forms.FileField(
                label=document.name,
                required=False,
                max_length=None,
                allow_empty_file=True,
                help_text=f"{ALLOWED_TEXT}, tối đa {limit}.",
                widget=forms.FileInput(attrs={"accept": ACCEPT}),
                error_messages={
                    "invalid": "Tệp gửi lên không hợp lệ. Vui lòng chọn lại tệp.",
                    "missing": "Không nhận được tệp. Vui lòng chọn lại tệp.",
                },
            )

    def document_fields(self) -> list[tuple[RequiredDocument, forms.BoundField]]:
        return [(d, self[f"doc_{d.order}"]) for d in self.documents]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = False
        for document in self.documents:
            name = f"doc_{document.order}"
            file = data.get(name)
            if file:
                chosen = True
                try:
                    upload_check(file=file, label=document.name)
                except DossierError as exc:
                    self.add_error(name, exc.message)
        if self.documents and not chosen and not self.errors:
            raise forms.ValidationError("Vui lòng đính kèm ít nhất một tệp giấy tờ bổ sung theo yêu cầu.")
        return data

    def files_by_order(self) -> dict[int, Any]:
        return {
            d.order: self.cleaned_data[f"doc_{d.order}"]
            for d in self.documents
            if self.cleaned_data.get(f"doc_{d.order}")
        }


class LookupForm(ConsoleForm):
    reference = forms.CharField(
        label="Mã hồ sơ hoặc mã nộp trực tuyến",
        max_length=60,
        help_text="Ví dụ 22366-260105-0001, hoặc TT-000123 khi hồ sơ chưa được tiếp nhận.",
        error_messages=_required("mã hồ sơ"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    factor = forms.CharField(
        label="Số điện thoại hoặc số định danh cá nhân",
        max_length=30,
        help_text="Số đã khai khi nộp hồ sơ.",
        error_messages=_required("số điện thoại hoặc số định danh cá nhân"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )


_LEVELS = [(level.value, level.label) for level in RatingLevel]


class RatingForm(ConsoleForm):
    level = forms.ChoiceField(
        label="Mức độ hài lòng chung",
        choices=_LEVELS,
        widget=forms.RadioSelect,
        error_messages=_choose("mức độ hài lòng chung"),
    )
    comment = forms.CharField(
        label="Ý kiến góp ý (không bắt buộc)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Ý kiến góp ý tối đa 2.000 ký tự."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for criterion in RatingCriterion:
            self.fields[f"criterion_{criterion.value}"] = forms.ChoiceField(
                label=criterion.label,
                choices=_LEVELS,
                widget=forms.RadioSelect,
                error_messages=_choose(f"mức đánh giá cho tiêu chí «{criterion.label}»"),
            )

    def criteria_fields(self) -> list[forms.BoundField]:
        return [self[f"criterion_{c.value}"] for c in RatingCriterion]

    def criteria(self) -> dict[str, str]:
        return {c.value: self.cleaned_data[f"criterion_{c.value}"] for c in RatingCriterion}
