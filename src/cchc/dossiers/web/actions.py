"""The actions of the dossier page, shared by the console and the REST API: the form of each action and
the one service it calls.

Both adapters parse the input with the same form (so the same validation and the same Vietnamese
messages) and call the same service; only the way they answer differs (HTML page or JSON).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import formats, timezone

from cchc.accounts.constants import Area
from cchc.accounts.selectors import agency_staff
from cchc.common.forms import ConsoleForm
from cchc.dossiers import services
from cchc.dossiers.constants import Action, DocumentSource, DossierError, DossierErrorCode, PaymentChannel, StepStatus
from cchc.dossiers.models import Dossier, DossierStep
from cchc.dossiers.web import forms as f
from cchc.dossiers.web import presenters


def next_step(steps: list[DossierStep]) -> DossierStep | None:
    """The first pending step (the one a hand-over goes to)."""
    return next((s for s in steps if s.status == StepStatus.PENDING), None)


def action_form(
    action: Action,
    dossier: Dossier,
    steps: list[DossierStep],
    on: date,
    data: Mapping[str, Any] | None = None,
    prefix: str | None = None,
    files: Mapping[str, Any] | None = None,
) -> ConsoleForm:
    """The form of ``action`` for ``dossier``: hand-overs offer the staff of the next step's agency,
    the financial obligation asks the amounts the catalogue left to the case."""
    form_class = f.ACTION_FORMS[action]
    if form_class in (f.HandoverForm, f.MarkProcessedForm):
        following = next_step(steps)
        receivers = agency_staff(agency=following.agency, on=on, area=Area.ONE_STOP) if following is not None else None
        return form_class(data, prefix=prefix, receivers=receivers)  # type: ignore[call-arg]
    if form_class is f.FinancialObligationForm:
        return f.FinancialObligationForm(data, prefix=prefix, lines=dossier.fee_lines.all())
    if form_class is f.DigitiseForm:
        papers = [
            (d.pk, d.name)
            for d in dossier.documents.filter(source=DocumentSource.PAPER, stored_document__isnull=True).order_by(
                "order"
            )
        ]
        return f.DigitiseForm(data, files, prefix=prefix, papers=papers)  # type: ignore[arg-type]
    if form_class is f.RecordPaperForm:
        lines = [(d.pk, d.name) for d in dossier.procedure_version.documents.order_by("order")]
        return f.RecordPaperForm(data, prefix=prefix, lines=lines)
    if form_class is f.AttachResultForm:
        from cchc.catalogue.constants import ELECTRONIC_CERTIFIED_COPY_TYPE

        if dossier.procedure_version.result_document_type == ELECTRONIC_CERTIFIED_COPY_TYPE:
            originals = [
                (d.pk, d.name) for d in dossier.documents.filter(stored_document__isnull=False).order_by("order")
            ]
            return f.CertifyCopyForm(data, prefix=prefix, originals=originals)
        # the template the catalogue's result name suggests, preselected (the officer may choose another)
        from cchc.dossiers.results.drafting import template_for

        named = dossier.procedure_version.result_document_name
        initial = {"title": named, "template": template_for(named).value} if named else {}
        return f.AttachResultForm(data, files, prefix=prefix, initial=initial)  # type: ignore[arg-type]
    return form_class(data, prefix=prefix)


def when(moment: datetime) -> str:
    """A moment as officers read it: "14:30 ngày 05/01/2026" (Vietnam time)."""
    return formats.date_format(timezone.localtime(moment), "H:i \\n\\g\\à\\y d/m/Y")


def action_perform(action: Action, form: ConsoleForm, *, dossier: Dossier, actor: Any, at: datetime) -> str:
    """Call the one service of ``action`` with the form's cleaned data; return the success message.

    Raises the service's ``DossierError`` unchanged (nothing was written then).
    """
    data = form.cleaned_data
    common: dict[str, Any] = {"dossier": dossier, "actor": actor, "at": at}
    if action == Action.RECEIVE:
        received = services.dossier_receive(**common)
        assert received.due_at is not None
        return f"Đã tiếp nhận hồ sơ {received.code}. Hẹn trả kết quả: {when(received.due_at)}."
    if action == Action.REFUSE:
        services.dossier_refuse(**common, reason=data["reason"])
        return "Đã từ chối tiếp nhận hồ sơ."
    if action == Action.REQUEST_SUPPLEMENT:
        services.dossier_request_supplement(**common, reason=data["reason"])
        return "Đã yêu cầu bổ sung hồ sơ; thời gian giải quyết tạm dừng đến khi người nộp bổ sung."
    if action == Action.RESUBMIT_SUPPLEMENT:
        resumed = services.dossier_resubmit_supplement(**common)
        assert resumed.due_at is not None
        return f"Đã ghi nhận hồ sơ bổ sung. Hẹn trả kết quả mới: {when(resumed.due_at)}."
    if action == Action.COMPLETE_STEP:
        handover = services.dossier_complete_step(**common, receiver=data.get("receiver"), note=data.get("note", ""))
        return f"Đã chuyển bước «{handover.step.name}» ({handover.get_outcome_display().lower()})."
    if action == Action.REQUEST_FINANCIAL_OBLIGATION:
        assert isinstance(form, f.FinancialObligationForm)
        services.dossier_request_financial_obligation(**common, amounts=form.amounts() or None)
        return "Đã yêu cầu người nộp thực hiện nghĩa vụ tài chính."
    if action == Action.RECORD_PAYMENT:
        payment = services.dossier_record_payment(
            **common,
            amount=Decimal(data["amount"]),
            channel=PaymentChannel(data["channel"]),
            receipt_number=data["receipt_number"],
        )
        return f"Đã ghi nhận biên lai số {payment.receipt_number}."
    if action == Action.WITHDRAW:
        services.dossier_withdraw(**common, reason=data.get("reason", ""))
        return "Đã ghi nhận người nộp rút hồ sơ."
    if action == Action.STOP:
        services.dossier_stop(**common, reason=data["reason"])
        return "Đã dừng xử lý hồ sơ."
    if action == Action.APOLOGISE_EXTEND:
        extension = services.dossier_apologise_extend(**common, new_due_at=data["new_due_at"], reason=data["reason"])
        return f"Đã gia hạn. Hẹn trả kết quả mới: {when(extension.new_due_at)}."
    if action == Action.MARK_PROCESSED:
        services.dossier_mark_processed(**common, receiver=data.get("receiver"))
        return "Đã ghi nhận hồ sơ xử lý xong."
    if action == Action.ATTACH_RESULT and isinstance(form, f.CertifyCopyForm):
        result = services.dossier_certify_copy(**common, document=data["document"], name=data.get("title") or "")
        return (
            f"Đã lập bản sao điện tử được chứng thực, số chứng thực {result.certification_number}/"
            f"{result.certification_year}; bản sao đang chờ ký số."
        )
    if action == Action.ATTACH_RESULT:
        result = services.dossier_attach_result(
            **common,
            title=data["title"],
            file=data.get("file") or None,
            template=data.get("template") or "",
            content=data.get("content") or "",
            valid_until=data.get("valid_until"),
        )
        made = f"Đã tạo kết quả «{result.title}» số {result.number}" if result.template else "Đã đính kèm kết quả"
        if not result.template:
            made += f" «{result.title}»"
        return f"{made}; kết quả đang chờ ký số."
    if action == Action.REVOKE_RESULT:
        revoked = services.dossier_revoke_result(**common, reason=data["reason"])
        return f"Đã thu hồi kết quả «{revoked.title}»; trang xác minh kết quả hiển thị «Đã thu hồi»."
    if action == Action.DIGITISE_DOCUMENT:
        stored = services.dossier_digitise_document(
            **common,
            document=data["document"],
            file=data["file"],
            issuing_body=data.get("issuing_body") or "",
            issued_on=data.get("issued_on"),
            valid_until=data.get("valid_until"),
            owner_id_number=data.get("owner_id_number") or "",
        )
        return f"Đã số hóa «{stored.name}», mã kết quả số hóa {stored.digitisation_code}."
    if action == Action.RECORD_PAPER:
        paper = services.dossier_record_paper(
            **common,
            required_document=data.get("required_document"),
            name=data.get("name") or "",
            copies=data.get("copies") or 1,
        )
        return f"Đã ghi nhận bản giấy «{paper.name}» ({paper.copies} bản); có thể số hóa thành phần này."
    services.dossier_return_result(**common, note=data.get("note", ""))
    return "Đã trả kết quả cho người nộp."


def refusal_message(action: Action, dossier: Dossier, error: DossierError) -> str:
    """The service's refusal as the officer should read it. A reception lost to another officer (two
    officers received the same online dossier; the service refused the second) names who received it
    and when, instead of the bare transition message; ``dossier`` is the one re-read after the refusal."""
    if (
        action == Action.RECEIVE
        and error.code == DossierErrorCode.INVALID_TRANSITION
        and dossier.received_at is not None
    ):
        received_by = dossier.received_by
        who = presenters.person(received_by) if received_by is not None else "một cán bộ khác"
        return f"Hồ sơ đã được tiếp nhận bởi {who} lúc {when(dossier.received_at)} (mã hồ sơ {dossier.code})."
    return error.message
