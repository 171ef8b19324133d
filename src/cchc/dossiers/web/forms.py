"""Forms of the staff console: one per action of the dossier page, and the counter reception form.

Forms only parse and check the shape of the input; the services decide (and refuse with a Vietnamese
message) everything that depends on the dossier's state and the officer's roles.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import QuerySet
from django.utils import timezone

from cchc.accounts.forms import UserChoiceField
from cchc.catalogue.models import RequiredDocument
from cchc.common.forms import ConsoleForm
from cchc.dossiers import services
from cchc.dossiers.constants import (
    APPLICANT_ID_HELP,
    APPLICANT_ID_LABEL,
    Action,
    ApplicantKind,
    NotifyChannel,
    PaymentChannel,
    ResultTemplate,
)
from cchc.dossiers.models import FeeLine
from cchc.org.forms import AgencyChoiceField
from cchc.org.models import Agency


def _required(label: str) -> dict[str, str]:
    return {"required": f"Vui lòng nhập {label}."}


class EmptyActionForm(ConsoleForm):
    """Receive, record resubmission: nothing to fill in."""


class ReasonForm(ConsoleForm):
    reason = forms.CharField(
        label="Lý do",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=_required("lý do"),
    )


class SupplementForm(ConsoleForm):
    reason = forms.CharField(
        label="Giấy tờ, nội dung cần bổ sung và lý do",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=_required("giấy tờ, nội dung cần bổ sung"),
    )


class WithdrawForm(ConsoleForm):
    reason = forms.CharField(
        label="Lý do rút hồ sơ (theo đơn của người nộp)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AttachResultForm(ConsoleForm):
    """The electronic result the competent agency issues: a PDF, or generated from a template (a licence, a
    certificate, a written answer: ``cchc.dossiers.results.drafting``); it is signed with the agency's digital
    signature after it is saved (issue 16). The service checks the rest (one of the two, the content)."""

    title = forms.CharField(
        label="Tên kết quả (ví dụ: Giấy phép xây dựng)", max_length=300, error_messages=_required("tên kết quả")
    )
    template = forms.ChoiceField(
        label="Cách tạo kết quả",
        required=False,
        choices=[("", "Tải lên tệp PDF đã soạn"), *((t.value, f"Tạo từ mẫu: {t.label}") for t in ResultTemplate)],
    )
    file = forms.FileField(label="Tệp PDF kết quả (khi tải lên)", required=False)
    content = forms.CharField(
        label="Nội dung (khi tạo từ mẫu; mỗi đoạn cách nhau một dòng trống)",
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    valid_until = forms.DateField(
        label="Hiệu lực đến (giấy phép, giấy chứng nhận; để trống: không thời hạn)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("template") and not data.get("file") and "file" not in self.errors:
            self.add_error("file", "Cần chọn tệp PDF kết quả, hoặc chọn một mẫu để tạo kết quả.")
        return data


class RevokeResultForm(ConsoleForm):
    """The leader of the competent agency revokes the signed result in force, with a reason (issue 16)."""

    reason = forms.CharField(
        label="Lý do thu hồi (công bố trên trang xác minh kết quả)",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=_required("lý do thu hồi"),
    )


class CertifyCopyForm(ConsoleForm):
    """The attach_result form of a dossier whose procedure issues the electronic certified copy (issue 16
    item 6, ``cchc.dossiers.results.certified``): the original digitised at the desk, from which the copy
    and its certification page are made; no file is uploaded."""

    action_title = "Chứng thực bản sao điện tử từ bản chính (ký số)"

    document = forms.IntegerField(
        label="Bản chính đã số hóa cần chứng thực", widget=forms.Select, error_messages=_required("bản chính đã số hóa")
    )
    title = forms.CharField(
        label="Tên giấy tờ, văn bản (ví dụ: Bằng tốt nghiệp đại học; để trống: tên thành phần)",
        max_length=250,
        required=False,
    )

    def __init__(self, *args: Any, originals: Iterable[tuple[int, str]] = (), **kwargs: Any) -> None:
        kwargs.pop("files", None)
        super().__init__(*args, **kwargs)
        self.fields["document"].widget.choices = [("", "— Chọn bản chính —"), *originals]  # type: ignore[attr-defined]


class DigitiseForm(ConsoleForm):
    """The desk digitises a paper component (TT 01/2023/TT-VPCP Điều 4-5): the scan and the paper's data;
    the component must be one of this dossier's papers not yet digitised (checked by the service)."""

    document = forms.IntegerField(
        label="Thành phần hồ sơ (bản giấy)", widget=forms.Select, error_messages=_required("thành phần hồ sơ")
    )
    file = forms.FileField(label="Tệp bản quét (PDF, JPEG, PNG)", error_messages=_required("tệp bản quét"))
    issuing_body = forms.CharField(label="Cơ quan cấp", max_length=300, required=False)
    issued_on = forms.DateField(label="Ngày cấp", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(
        label="Hiệu lực đến (để trống: không thời hạn)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    owner_id_number = forms.CharField(
        label="Số định danh / mã số thuế của người được cấp (để trống: người nộp)", max_length=14, required=False
    )

    def __init__(self, *args: Any, papers: Iterable[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["document"].widget.choices = [("", "— Chọn thành phần —"), *papers]  # type: ignore[attr-defined]


class RecordPaperForm(ConsoleForm):
    """The desk records a paper handed in at the counter (e.g. the original of an identity paper shown at
    reception) as a component of the dossier, to digitise it next (NĐ 118/2025/NĐ-CP; TT 01/2023/TT-VPCP
    Điều 4-5): a line of the dossier's catalogue, or the name of an extra paper (checked by the service)."""

    required_document = forms.IntegerField(label="Thành phần theo danh mục", widget=forms.Select, required=False)
    name = forms.CharField(label="Tên giấy tờ (để trống: tên thành phần theo danh mục)", max_length=500, required=False)
    copies = forms.IntegerField(label="Số bản", min_value=1, max_value=20, initial=1, required=False)

    def __init__(self, *args: Any, lines: Iterable[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["required_document"].widget.choices = [  # type: ignore[attr-defined]
            ("", "— Giấy tờ khác (ghi tên) —"),
            *lines,
        ]


class ReturnForm(ConsoleForm):
    note = forms.CharField(label="Ghi chú khi trả kết quả", max_length=500, required=False)


class HandoverForm(ConsoleForm):
    """Complete the active step (or mark processed) and hand the dossier to a user of the next step's agency."""

    receiver = UserChoiceField(
        label="Người nhận bàn giao",
        queryset=None,
        required=False,
        empty_label="— Chưa chỉ định người nhận —",
    )
    note = forms.CharField(label="Ghi chú bàn giao", max_length=500, required=False)

    def __init__(self, *args: Any, receivers: QuerySet[AbstractBaseUser] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["receiver"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = receivers if receivers is not None else get_user_model().objects.none()


class MarkProcessedForm(HandoverForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["note"]
        self.fields["receiver"].label = "Chuyển kết quả cho (người trả kết quả)"


class FinancialObligationForm(ConsoleForm):
    """One amount field for each fee line whose amount depends on the case."""

    def __init__(self, *args: Any, lines: Iterable[FeeLine] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.undetermined = [line for line in lines if line.amount is None]
        for line in self.undetermined:
            self.fields[f"amount_{line.order}"] = forms.IntegerField(
                label=f"Số tiền: {line.name} (đồng)",
                min_value=0,
                max_value=10**13,
                error_messages={
                    "required": f"Vui lòng nhập số tiền của khoản «{line.name}».",
                    "invalid": "Số tiền phải là số đồng nguyên.",
                    "min_value": "Số tiền không được âm.",
                },
            )

    def amounts(self) -> dict[int, Decimal]:
        return {line.order: Decimal(self.cleaned_data[f"amount_{line.order}"]) for line in self.undetermined}


class PaymentForm(ConsoleForm):
    amount = forms.IntegerField(
        label="Số tiền (đồng)",
        min_value=1,
        max_value=10**13,
        error_messages={
            **_required("số tiền"),
            "invalid": "Số tiền phải là số đồng nguyên.",
            "min_value": "Số tiền phải lớn hơn 0.",
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    channel = forms.ChoiceField(
        label="Hình thức nộp",
        choices=[(c.value, c.label) for c in (PaymentChannel.COUNTER, PaymentChannel.BANK_TRANSFER)],
    )
    receipt_number = forms.CharField(label="Số biên lai", max_length=60, error_messages=_required("số biên lai"))


class ExtendForm(ConsoleForm):
    new_due_at = forms.DateTimeField(
        label="Thời hạn trả kết quả mới",
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={**_required("thời hạn mới"), "invalid": "Thời hạn mới không hợp lệ (ngày và giờ)."},
    )
    reason = forms.CharField(
        label="Lý do chậm trễ",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=_required("lý do chậm trễ"),
    )

    def clean_new_due_at(self) -> datetime:
        value: datetime = self.cleaned_data["new_due_at"]
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value


ACTION_FORMS: dict[Action, type[ConsoleForm]] = {
    Action.RECEIVE: EmptyActionForm,
    Action.REFUSE: ReasonForm,
    Action.REQUEST_SUPPLEMENT: SupplementForm,
    Action.RESUBMIT_SUPPLEMENT: EmptyActionForm,
    Action.COMPLETE_STEP: HandoverForm,
    Action.REQUEST_FINANCIAL_OBLIGATION: FinancialObligationForm,
    Action.RECORD_PAYMENT: PaymentForm,
    Action.WITHDRAW: WithdrawForm,
    Action.STOP: ReasonForm,
    Action.APOLOGISE_EXTEND: ExtendForm,
    Action.MARK_PROCESSED: MarkProcessedForm,
    Action.RETURN_RESULT: ReturnForm,
    Action.ATTACH_RESULT: AttachResultForm,
    Action.DIGITISE_DOCUMENT: DigitiseForm,
    Action.RECORD_PAPER: RecordPaperForm,
    Action.REVOKE_RESULT: RevokeResultForm,
}


# --- counter reception -----------------------------------------------------------------------------


class ProcedureSearchForm(forms.Form):
    q = forms.CharField(
        label="Tìm thủ tục",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "aria-describedby": "q-help", "autocomplete": "off"}),
        help_text="Gõ tên hoặc mã thủ tục, không cần dấu: “ly lich tu phap”, “khai sinh”.",
    )


def notify_channels_field(*, initial: list[str]) -> forms.MultipleChoiceField:
    """The channels the applicant chooses to be told of the dossier's progress (``cchc.notifications``)."""
    return forms.MultipleChoiceField(
        label="Nhận thông báo về hồ sơ qua",
        choices=NotifyChannel.choices,
        required=False,
        initial=initial,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tiếp nhận, yêu cầu bổ sung, có kết quả, trả kết quả… Không chọn kênh nào: không gửi thông báo.",
        error_messages={"invalid_choice": "Kênh nhận thông báo không hợp lệ."},
    )


def notify_channels_check(form: forms.Form, data: dict[str, Any]) -> None:
    """Each channel chosen needs its contact (the service checks it again)."""
    channels = data.get("notify_channels") or []
    if NotifyChannel.EMAIL in channels and not data.get("applicant_email") and "applicant_email" not in form.errors:
        form.add_error("notify_channels", "Muốn nhận thông báo qua thư điện tử cần ghi địa chỉ thư điện tử.")
    texts = {NotifyChannel.SMS, NotifyChannel.ZALO} & set(channels)
    if texts and not data.get("applicant_phone") and "applicant_phone" not in form.errors:
        form.add_error("notify_channels", "Muốn nhận thông báo qua tin nhắn hoặc Zalo cần ghi số điện thoại.")


def reuse_label(stored: Any) -> str:
    """«Dùng giấy tờ đã có trong kho dữ liệu: <tên>, cấp ngày …, còn hiệu lực đến …»."""
    text = f"Dùng giấy tờ đã có trong kho dữ liệu: {stored.name}"
    if stored.issued_on:
        text += f", cấp ngày {stored.issued_on:%d/%m/%Y}"
    text += f", còn hiệu lực đến {stored.valid_until:%d/%m/%Y}" if stored.valid_until else ", không thời hạn"
    return text


def address_hint(field: forms.Field, url: str, *, include: str = "") -> None:
    """Make an address input ask the address fragment (``portal:address``) for the unit in force today as the
    person types; the answer lands in ``#dia-chi-don-vi`` (aria-live). ``include``: a field sent along (the
    portal's commune list, preselected by the answer while it is empty). Without JavaScript nothing changes."""
    field.widget.attrs.update(
        {
            "hx-get": url,
            "hx-trigger": "input changed delay:500ms, change",
            "hx-target": "#dia-chi-don-vi",
            "hx-swap": "innerHTML",
            "aria-describedby": "dia-chi-don-vi",
            "autocomplete": "street-address",
            **({"hx-include": include} if include else {}),
        }
    )


class CounterReceptionForm(ConsoleForm):
    """The paper dossier at the desk: where, who, and the document checklist from the catalogue."""

    receiving_agency = AgencyChoiceField(
        label="Nơi tiếp nhận",
        queryset=Agency.objects.none(),
        empty_label=None,
        error_messages=_required("nơi tiếp nhận"),
    )
    competent_agency = AgencyChoiceField(
        label="Cơ quan có thẩm quyền giải quyết",
        queryset=Agency.objects.none(),
        empty_label="— Chọn cơ quan —",
        error_messages=_required("cơ quan có thẩm quyền giải quyết"),
    )
    applicant_kind = forms.ChoiceField(
        label="Người nộp là", choices=ApplicantKind.choices, initial=ApplicantKind.CITIZEN, widget=forms.RadioSelect
    )
    applicant_name = forms.CharField(
        label="Họ và tên (hoặc tên tổ chức)", max_length=300, error_messages=_required("họ và tên người nộp")
    )
    applicant_id_number = forms.CharField(
        label=APPLICANT_ID_LABEL,
        max_length=30,
        help_text=APPLICANT_ID_HELP,
        error_messages=_required("số định danh hoặc mã số"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    applicant_phone = forms.CharField(
        label="Số điện thoại", max_length=20, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    applicant_email = forms.EmailField(
        label="Thư điện tử",
        max_length=254,
        required=False,
        error_messages={"invalid": "Địa chỉ thư điện tử không hợp lệ."},
    )
    applicant_address = forms.CharField(label="Địa chỉ", max_length=500, required=False)
    notify_channels = notify_channels_field(initial=[])  # the officer ticks what the applicant asks for

    def __init__(
        self,
        *args: Any,
        receiving: QuerySet[Agency],
        competent: QuerySet[Agency] | list[Agency],
        documents: Iterable[RequiredDocument],
        offers: dict[str, Any] | None = None,
        offers_url: str = "",
        address_url: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.offers = offers or {}
        if address_url:  # htmx: the unit in force today follows the address as it is typed (issue 18 item 3)
            address_hint(self.fields["applicant_address"], address_url)
        if offers_url:  # htmx: the data store's offers follow the id number as it is typed
            self.fields["applicant_id_number"].widget.attrs.update(
                {
                    "hx-get": offers_url,
                    "hx-trigger": "input changed delay:400ms, change",
                    "hx-target": "#kho-du-lieu",
                    "hx-swap": "outerHTML",
                }
            )
        receiving_field = self.fields["receiving_agency"]
        competent_field = self.fields["competent_agency"]
        assert isinstance(receiving_field, forms.ModelChoiceField)
        assert isinstance(competent_field, forms.ModelChoiceField)
        receiving_field.queryset = receiving
        if isinstance(competent, list):
            competent_field.queryset = Agency.objects.filter(pk__in=[a.pk for a in competent]).order_by("name")
            if len(competent) == 1:
                competent_field.initial = competent[0].pk
        else:
            competent_field.queryset = competent
        self.documents = list(documents)
        for document in self.documents:
            self.fields[f"doc_{document.order}"] = forms.BooleanField(label=document.name, required=False)
            self.fields[f"copies_{document.order}"] = forms.IntegerField(
                label=f"Số bản: {document.name}",
                min_value=1,
                max_value=99,
                initial=document.copies,
                required=False,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "copies"}),
                error_messages={"min_value": "Số bản phải từ 1 trở lên.", "invalid": "Số bản phải là số nguyên."},
            )
            stored = self.offers.get(document.document_type_code)
            if stored is not None:  # once-only (TT 01/2023/TT-VPCP Điều 24): offered instead of the paper
                self.fields[f"reuse_{document.order}"] = forms.BooleanField(
                    label=reuse_label(stored), required=False, initial=True
                )

    def reuse_fields(self) -> list[tuple[RequiredDocument, forms.BoundField, Any]]:
        """(line, its reuse checkbox, the stored document offered) for each line the store can fill."""
        return [
            (d, self[f"reuse_{d.order}"], self.offers[d.document_type_code])
            for d in self.documents
            if f"reuse_{d.order}" in self.fields
        ]

    def reused_by_order(self) -> dict[int, int]:
        """The stored documents chosen instead of the paper (catalogue order -> stored document id), for
        ``dossier_receive_counter`` (which checks them again: ``catalogue.reuse_check``)."""
        return {
            d.order: self.offers[d.document_type_code].pk
            for d in self.documents
            if self.cleaned_data.get(f"reuse_{d.order}")
        }

    def checklist(self) -> list[tuple[RequiredDocument, forms.BoundField, forms.BoundField]]:
        return [(d, self[f"doc_{d.order}"], self[f"copies_{d.order}"]) for d in self.documents]

    def paper_documents(self) -> list[services.PaperDocument]:
        """The ticked checklist, for ``dossier_receive_counter`` (which checks it again)."""
        data = self.cleaned_data
        return [
            services.PaperDocument(required_document_id=d.pk, copies=data.get(f"copies_{d.order}") or d.copies)
            for d in self.documents
            if data.get(f"doc_{d.order}") and not data.get(f"reuse_{d.order}")
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for document in self.documents:
            if document.mandatory and not data.get(f"doc_{document.order}") and not data.get(f"reuse_{document.order}"):
                self.add_error(
                    f"doc_{document.order}",
                    f"Thiếu giấy tờ bắt buộc: «{document.name}». Chưa đủ thành phần hồ sơ thì chưa tiếp nhận.",
                )
        for document, _, stored in self.reuse_fields():
            # the offer ticked is the one shown (the id number may have changed since, without the page knowing)
            if data.get(f"reuse_{document.order}") and self.data.get(f"reuse_pk_{document.order}") != str(stored.pk):
                self.add_error(
                    f"reuse_{document.order}",
                    f"Giấy tờ trong kho dữ liệu cho «{document.name}» đã thay đổi theo số định danh vừa nhập; "
                    "vui lòng kiểm tra lại rồi chọn.",
                )
        notify_channels_check(self, data)
        return data
