"""The transitions' preconditions: each a named check of the locked dossier and the call's arguments,
with its legal basis, run by the executor (``cchc.dossiers.executor``) in the order the transition
table (``cchc.dossiers.transitions``) lists them, after the status and the authorisation; a failing
check raises a :class:`DossierError` with a stable code and nothing is written.

A few are *guards* (the table's ``guards``): they run before the authorisation because the
authorisation depends on them (an active step exists: its agency is who may act).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from cchc.common.numbers import vi_number
from cchc.common.uploads import ALLOWED
from cchc.dossiers.codes import VN_TZ, reception_day
from cchc.dossiers.constants import DocumentSource, DossierError, DossierErrorCode, DossierStatus, PaymentChannel
from cchc.dossiers.lifecycle.applicants import check_at, invalid
from cchc.dossiers.lifecycle.catalogue import supplement_files_check
from cchc.dossiers.models import DossierDocument, Payment
from cchc.dossiers.rules import extension_lead_days

if TYPE_CHECKING:
    from cchc.dossiers.executor import Context


def _reason(ctx: Context, message: str) -> None:
    reason = str(ctx.params.get("reason", "")).strip()
    if not reason:
        raise invalid(message)
    ctx.params["reason"] = reason


def refusal_reason_given(ctx: Context) -> None:
    """legal: form 03 (TT 03/2025/TT-VPCP) states why the dossier is not received."""
    _reason(ctx, "Cần ghi rõ lý do từ chối tiếp nhận hồ sơ.")


def stop_reason_given(ctx: Context) -> None:
    """legal: form 05 (TT 03/2025/TT-VPCP) states why processing stops."""
    _reason(ctx, "Cần ghi rõ lý do dừng giải quyết hồ sơ.")


def supplement_reason_given(ctx: Context) -> None:
    """legal: form 02 (TT 03/2025/TT-VPCP) lists what must be supplemented (NĐ 118/2025 Điều 16)."""
    _reason(ctx, "Cần ghi rõ giấy tờ, nội dung phải bổ sung.")


def apology_reason_given(ctx: Context) -> None:
    """legal: form 04 (TT 03/2025/TT-VPCP): the apology states the reason for the delay."""
    _reason(ctx, "Cần nêu lý do chậm trễ trong văn bản xin lỗi.")


def at_not_before_submission(ctx: Context) -> None:
    """A dossier is received (or sent back for completion) at or after its submission (NĐ 118/2025
    Điều 16: the desk examines what was submitted)."""
    if ctx.at < ctx.dossier.submitted_at:
        word = "tiếp nhận" if ctx.transition.action.value == "receive" else "yêu cầu bổ sung"
        raise invalid(f"Thời điểm {word} không được trước thời điểm nộp hồ sơ.")


def at_not_before_submission_before_reception(ctx: Context) -> None:
    """Before reception a supplement request is the desk's examination of what was submitted (NĐ
    118/2025 Điều 16): not before the submission."""
    if ctx.dossier.status == DossierStatus.NEW:
        at_not_before_submission(ctx)


def an_active_step_exists(ctx: Context) -> None:
    """legal: form 06 (process-control sheet): a hand-over completes the step being carried out."""
    if ctx.active is None:
        raise DossierError(DossierErrorCode.NO_ACTIVE_STEP, "Hồ sơ không còn bước xử lý nào đang thực hiện.")


def receiver_member_of_next_steps_agency(ctx: Context) -> None:
    """legal: form 06: the dossier is handed to an officer of the agency carrying out the next step."""
    receiver = ctx.params.get("receiver")
    step, next_step = ctx.active, ctx.next_pending
    if receiver is None or step is None or next_step is None:
        return
    held = ctx.held or set()
    if not any(user_id == receiver.pk and agency_id == next_step.agency_id for user_id, agency_id, _ in held):
        raise DossierError(
            DossierErrorCode.RECEIVER_NOT_MEMBER,
            f"Người nhận bàn giao không thuộc {next_step.agency} (cơ quan thực hiện bước «{next_step.name}»).",
        )


def handover_not_before_step_start(ctx: Context) -> None:
    """A step is handed over at or after it started (form 06 records both moments)."""
    step = ctx.active
    if step is not None and (ctx.transition.action.value == "complete_step" or ctx.next_pending is not None):
        if ctx.at < (step.started_at or ctx.at):
            raise invalid("Thời điểm bàn giao không được trước thời điểm bắt đầu bước xử lý.")


def nothing_left_to_pay(ctx: Context) -> None:
    """legal: the result is returned once the fees and charges fixed on the dossier are paid (Luật Phí
    và lệ phí 2015 Điều 3; NĐ 118/2025: the desk collects them before handing over the result)."""
    unpaid = ctx.unpaid
    assert unpaid is not None
    if unpaid > 0:
        raise DossierError(
            DossierErrorCode.FEES_UNPAID,
            f"Người nộp còn phải nộp {vi_number(unpaid, 0)} đồng phí, lệ phí trước khi nhận kết quả.",
        )


def supplement_not_before_request(ctx: Context) -> None:
    """The supplement answers the open request (form 02): handed in at or after it; its files are
    checked by content as at submission (NĐ 45/2020 Điều 9-11)."""
    request = ctx.dossier.supplements.get(resumed_at__isnull=True)
    if ctx.at < request.requested_at:
        raise invalid("Thời điểm nộp bổ sung không được trước thời điểm yêu cầu bổ sung.")
    ctx.scratch["request"] = request
    files = ctx.params.get("files")
    ctx.scratch["uploads"] = supplement_files_check(ctx.dossier.procedure_version, files) if files else []


def fees_determined(ctx: Context) -> None:
    """legal: the applicant is asked to pay amounts fixed by the fee tables (Luật Phí và lệ phí 2015;
    the procedure's fee lines): each amount given is whole đồng, and no line stays undetermined."""
    lines = {line.order: line for line in ctx.dossier.fee_lines.all()}
    amounts = ctx.params.get("amounts") or {}
    for order, amount in amounts.items():
        if order not in lines:
            raise invalid(f"Hồ sơ không có khoản phí số {order}.")
        if not isinstance(amount, Decimal) or not amount.is_finite() or amount < 0 or amount != amount.to_integral():
            raise invalid("Số tiền phải là số đồng nguyên không âm.")
    undetermined = [line.name for order, line in lines.items() if line.amount is None and order not in amounts]
    if undetermined:
        raise DossierError(
            DossierErrorCode.FEES_UNDETERMINED, f"Chưa xác định số tiền của khoản: {', '.join(undetermined)}."
        )
    ctx.scratch["lines"] = lines


NOTHING_OWED_MESSAGE = "Hồ sơ không còn khoản phí, lệ phí nào phải nộp."


def something_left_to_pay(ctx: Context) -> None:
    """An obligation is requested only for an amount still owed (the fixed lines minus what was paid);
    the console words the same rule before the officer opens the form (``NOTHING_OWED_MESSAGE``)."""
    lines = ctx.scratch["lines"]
    amounts = ctx.params.get("amounts") or {}
    due = sum(
        (
            amounts.get(order, line.amount)
            for order, line in lines.items()
            if amounts.get(order, line.amount) is not None
        ),
        Decimal(0),
    )
    paid = _paid(ctx)
    if due <= paid:
        raise invalid(NOTHING_OWED_MESSAGE)
    ctx.scratch["due"], ctx.scratch["paid"] = due, paid


def _paid(ctx: Context) -> Decimal:
    """What the dossier's payments add up to (read with the lock when the entry ``reads_fees``)."""
    from django.db.models import Sum

    if ctx.paid is not None:
        return ctx.paid
    return ctx.dossier.payments.aggregate(total=Sum("amount"))["total"] or Decimal(0)


def payment_valid(ctx: Context) -> None:
    """A payment carries its receipt number and a positive whole amount of đồng (Thông tư 78/2021/TT-BTC:
    the receipt records the amount collected)."""
    receipt = str(ctx.params.get("receipt_number", "")).strip()
    if not receipt:
        raise invalid("Thiếu số biên lai.")
    ctx.params["receipt_number"] = receipt
    amount = ctx.params.get("amount")
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount <= 0 or amount != amount.to_integral():
        raise invalid("Số tiền thanh toán phải là số đồng nguyên dương.")


def receipt_not_recorded_twice(ctx: Context) -> None:
    """A receipt number is recorded once per dossier (idempotency: a repeated gateway callback is refused,
    not doubled)."""
    receipt = ctx.params["receipt_number"]
    recorded = ctx.receipt_recorded  # read with the lock (``reads_fees`` on PostgreSQL)
    if recorded is None:
        recorded = Payment.objects.filter(dossier_id=ctx.dossier.pk, receipt_number=receipt).exists()
    if recorded:
        raise DossierError(DossierErrorCode.DUPLICATE_RECEIPT, f"Biên lai số {receipt} đã được ghi nhận.")


def online_payment_within_owed(ctx: Context) -> None:
    """A payment through the gateway is applied only to what the dossier owes now, every fee line's
    amount fixed (Luật Phí và lệ phí 2015 Điều 3: the fee collected is the amount fixed). The gateway
    took the money before the check: the payment platform refunds what cannot be applied (paid
    meanwhile at the counter, or an amount not fixed yet; ``cchc.payments``). Counter and transfer
    payments are the desk's record of what it collected and are not limited here."""
    if PaymentChannel(ctx.params["channel"]) != PaymentChannel.ONLINE_GATEWAY:
        return
    undetermined = ctx.fees_undetermined
    if undetermined is None:
        undetermined = ctx.dossier.fee_lines.filter(amount__isnull=True).exists()
    if undetermined:
        raise DossierError(DossierErrorCode.FEES_UNDETERMINED, "Hồ sơ còn khoản phí, lệ phí chưa xác định số tiền.")
    if ctx.due is not None or ctx.paid is not None:
        due = ctx.due or Decimal(0)
    else:
        due = sum(
            (a for a in ctx.dossier.fee_lines.order_by().values_list("amount", flat=True) if a is not None), Decimal(0)
        )
    owed = due - _paid(ctx)
    if ctx.params["amount"] > owed:
        raise DossierError(
            DossierErrorCode.PAYMENT_EXCEEDS_OWED,
            f"Hồ sơ chỉ còn phải nộp {vi_number(max(owed, Decimal(0)), 0)} đồng; khoản thanh toán trực tuyến "
            f"{vi_number(ctx.params['amount'], 0)} đồng không được ghi nhận và sẽ được hoàn trả.",
        )


def online_payment_by_gateway(ctx: Context) -> bool:
    """The applicant (no officer) pays only online through the payment gateway (its callback): a payment
    at the counter or by bank transfer is recorded by the desk."""
    return PaymentChannel(ctx.params["channel"]) == PaymentChannel.ONLINE_GATEWAY


def _when_text(moment: object) -> str:
    from datetime import datetime

    assert isinstance(moment, datetime)
    return moment.astimezone(VN_TZ).strftime("%H:%M ngày %d/%m/%Y")


def new_appointment_has_time_zone(ctx: Context) -> None:
    """The new appointment is a moment with its time zone (as every moment the services take)."""
    check_at(ctx.params["new_due_at"])


def extension_not_repeated(ctx: Context) -> None:
    """legal: NĐ 61/2018/NĐ-CP Điều 19 khoản 1 điểm c as amended by NĐ 107/2021/NĐ-CP (kept by NĐ
    118/2025): the appointment is given again no more than once."""
    locked = ctx.dossier
    assert locked.due_at is not None  # set at reception
    if locked.extensions.exists():
        raise DossierError(
            DossierErrorCode.EXTENSION_REPEATED,
            f"Hồ sơ đã được xin lỗi và hẹn lại ngày trả kết quả ({_when_text(locked.due_at)}); "
            "việc hẹn lại ngày trả kết quả chỉ thực hiện không quá một lần.",
        )


def extension_not_too_late(ctx: Context) -> None:
    """legal: NĐ 61/2018/NĐ-CP Điều 19 as amended: the apology is sent at the latest
    ``rules.EXTENSION_LEAD_DAYS`` day before the deadline's day."""
    locked, at = ctx.dossier, ctx.at
    assert locked.due_at is not None
    lead = extension_lead_days()
    if at >= locked.due_at or (reception_day(locked.due_at) - reception_day(at)).days < lead:
        raise DossierError(
            DossierErrorCode.EXTENSION_TOO_LATE,
            f"Văn bản xin lỗi và hẹn lại ngày trả kết quả phải gửi chậm nhất {lead} ngày trước ngày hết hạn "
            f"giải quyết ({_when_text(locked.due_at)}); hồ sơ này không còn gia hạn được và sẽ tính là trễ hạn."
            if lead
            else f"Văn bản xin lỗi và hẹn lại ngày trả kết quả phải gửi trước thời hạn giải quyết "
            f"({_when_text(locked.due_at)}).",
        )


def extension_later(ctx: Context) -> None:
    """legal: form 04: the new appointment is later than the one in force."""
    assert ctx.dossier.due_at is not None
    if ctx.params["new_due_at"] <= ctx.dossier.due_at:
        raise DossierError(
            DossierErrorCode.EXTENSION_NOT_LATER, "Thời hạn trả kết quả mới phải sau thời hạn đã hẹn hiện tại."
        )


def result_file_valid(ctx: Context) -> None:
    """The electronic result is a readable, non-encrypted PDF with a title, so that the competent agency can
    sign it (Nghị định 23/2025/NĐ-CP: the digital signature is created on the whole document; Luật Giao
    dịch điện tử 2023 Điều 9-10: a data message whose integrity can be ensured). Checked by content, not by
    the file's name; the bytes are kept for the mutation. Or, instead of a file, a template to generate it
    from (:func:`result_template_usable`)."""
    import hashlib

    from cchc.catalogue.constants import ELECTRONIC_CERTIFIED_COPY_TYPE
    from cchc.signing.constants import SigningError
    from cchc.signing.pdfcheck import MAX_BYTES, pdf_check

    certifies = ctx.dossier.procedure_version.result_document_type == ELECTRONIC_CERTIFIED_COPY_TYPE
    if ctx.params.get("certify_document") is not None or certifies:
        copy_certifiable(ctx)
        return
    title = str(ctx.params.get("title", "")).strip()
    if not title:
        raise invalid("Cần ghi tên kết quả giải quyết (ví dụ: Giấy phép xây dựng).")
    ctx.params["title"] = title[:300]
    upload = ctx.params.get("file")
    if ctx.params.get("template"):
        if upload is not None:
            raise invalid("Chọn một trong hai cách: tải lên tệp PDF kết quả hoặc tạo kết quả từ mẫu.")
        result_template_usable(ctx)
        return
    if upload is None:
        raise DossierError(DossierErrorCode.RESULT_FILE_REJECTED, "Cần chọn tệp PDF kết quả giải quyết.")
    if isinstance(upload, bytes):
        data = upload
    else:
        upload.seek(0)
        data = upload.read(MAX_BYTES + 1)
    try:
        pdf_check(data)
    except SigningError as exc:
        raise DossierError(DossierErrorCode.RESULT_FILE_REJECTED, exc.message) from exc
    ctx.scratch["result_pdf"] = data
    ctx.scratch["result_sha256"] = hashlib.sha256(data).hexdigest()


def result_template_usable(ctx: Context) -> None:
    """A result generated from a template (``cchc.dossiers.results.drafting``) names a known template, has a
    content written by the agency, a validity not ending before the day it is issued, and a signer: the
    competent agency's signatory in force on that day, whose position and name the document must show.

    legal: NĐ 30/2020/NĐ-CP Điều 8 khoản 2 (the signer's position and full name are required elements of an
    administrative document); Điều 7 and Phụ lục III (the kinds of documents: giấy phép, giấy chứng nhận,
    công văn). Nothing is numbered or rendered here: the mutation does it once every check has passed."""
    from cchc.dossiers.codes import VN_TZ as tz
    from cchc.dossiers.constants import ResultTemplate
    from cchc.dossiers.results.drafting import Draft
    from cchc.org.selectors import signatory_for

    try:
        template = ResultTemplate(str(ctx.params["template"]))
    except ValueError:
        raise invalid("Mẫu kết quả không hợp lệ: chọn Giấy phép, Giấy chứng nhận hoặc Văn bản trả lời.") from None
    content = str(ctx.params.get("content") or "").strip()
    if not content:
        raise invalid("Cần ghi nội dung của kết quả (phần nội dung văn bản do cơ quan quyết định).")
    if len(content) > 20000:
        raise invalid("Nội dung kết quả quá dài (tối đa 20 000 ký tự).")
    day = ctx.at.astimezone(tz).date()
    valid_until = ctx.params.get("valid_until")
    if valid_until is not None and valid_until < day:
        raise invalid("Ngày hết hiệu lực của kết quả không được trước ngày cấp.")
    agency = ctx.dossier.competent_agency
    signatory = signatory_for(agency, on=day)
    if signatory is None:
        raise DossierError(
            DossierErrorCode.RESULT_TEMPLATE_UNAVAILABLE,
            f"Chưa khai báo người ký văn bản của {agency.name} (Quản trị > Cơ quan > Người ký văn bản): kết quả "
            "phải ghi chức vụ, họ tên người ký (Nghị định 30/2020/NĐ-CP, Điều 8). Có thể tải lên tệp PDF thay thế.",
        )
    draft = Draft(template=template, title=ctx.params["title"], content=content[:20000], valid_until=valid_until)
    ctx.scratch["result_draft"] = (draft, signatory, day)


def copy_certifiable(ctx: Context) -> None:
    """The electronic certified copy is made from a component of this dossier that the desk digitised from
    the original shown (its scan is readable), and only for the procedure whose result is the electronic
    certified copy; such a procedure's result is never an uploaded file.

    legal: Nghị định 45/2020/NĐ-CP (chứng thực bản sao điện tử từ bản chính: certified from the original,
    which the requester shows); Nghị định 23/2015/NĐ-CP (as amended): the person certifying compares the
    copy with the original; here the copy is the desk's own digitisation of it (TT 01/2023/TT-VPCP Điều
    4-5), so an uploaded copy is refused. See ``cchc.dossiers.results.certified``. The scan is read once;
    its bytes are kept for the mutation, which takes the register number and lays out the copy."""
    from cchc.catalogue.constants import ELECTRONIC_CERTIFIED_COPY_TYPE
    from cchc.dossiers.results.certified import TITLE, scan_pages

    if ctx.dossier.procedure_version.result_document_type != ELECTRONIC_CERTIFIED_COPY_TYPE:
        raise DossierError(
            DossierErrorCode.COPY_NOT_CERTIFIABLE,
            "Thủ tục của hồ sơ này không phải chứng thực bản sao điện tử từ bản chính.",
        )
    raw = ctx.params.get("certify_document")
    if raw is None:
        raise DossierError(
            DossierErrorCode.COPY_NOT_CERTIFIABLE,
            "Bản sao điện tử được chứng thực được lập từ bản chính đã số hóa tại quầy, không từ tệp tải lên: "
            "cần chọn thành phần bản chính đã số hóa.",
        )
    try:
        document_id = int(raw)
    except (TypeError, ValueError):
        raise invalid("Cần chọn thành phần bản chính đã số hóa.") from None
    document = (
        DossierDocument.objects.filter(pk=document_id, dossier_id=ctx.dossier.pk)
        .select_related("stored_document")
        .first()
    )
    if document is None:
        raise DossierError(DossierErrorCode.COPY_NOT_CERTIFIABLE, "Thành phần này không thuộc hồ sơ đang xử lý.")
    stored = document.stored_document
    if stored is None or stored.withdrawn_at is not None:
        raise DossierError(
            DossierErrorCode.COPY_NOT_CERTIFIABLE,
            f"Thành phần «{document.name}» chưa được số hóa từ bản chính tại quầy; cần số hóa trước khi chứng thực.",
        )
    with stored.file.open("rb") as handle:
        data = handle.read()
    try:
        scan_pages(data, stored.content_type)
    except ValueError as exc:
        raise DossierError(
            DossierErrorCode.COPY_NOT_CERTIFIABLE, f"Không lập được bản sao từ bản quét «{document.name}»: {exc}"
        ) from None
    # the paper's own name as the officer reads it on the original (e.g. "Bằng tốt nghiệp đại học"), else
    # the component's name
    name = str(ctx.params.get("title") or "").strip()[:250] or stored.name
    ctx.params["title"] = f"{TITLE}: {name}"[:300]
    ctx.scratch["certify"] = (data, stored.content_type, name)


def result_signed_if_attached(ctx: Context) -> None:
    """An electronic result attached to the dossier is returned only once signed by the competent agency
    (Nghị định 23/2025/NĐ-CP; Luật Giao dịch điện tử 2023 Điều 22-23: without the agency's digital
    signature the electronic document does not carry the agency's authority). A dossier without an
    electronic result (a paper result) is not concerned. The last result not signed is read with the
    lock (``reads_results``)."""
    from cchc.dossiers.constants import ResultStatus

    if ctx.unsigned_result is None:
        return
    title, status, failure = ctx.unsigned_result
    if status == ResultStatus.FAILED:
        message = (
            f"Kết quả điện tử «{title}» chưa được ký số: ký số không thành công ({failure}). "
            "Cần đính kèm lại kết quả sau khi khắc phục."
        )
    else:
        message = f"Kết quả điện tử «{title}» chưa được ký số (đang chờ ký số); chưa thể trả kết quả."
    raise DossierError(DossierErrorCode.RESULT_NOT_SIGNED, message)


# The types a scanned paper may have (no Word file: a scan is an image of the paper).
SCAN_TYPES = {k: ALLOWED[k] for k in ("application/pdf", "image/jpeg", "image/png")}


def document_digitisable(ctx: Context) -> None:
    """The component to digitise is a paper component of this dossier not yet digitised, the scan is a
    PDF, JPEG or PNG by its content (within the upload limit), the validity does not end before the
    issue date, and the person it concerns has a 12-digit personal identification number or a tax code.

    legal: Thông tư 01/2023/TT-VPCP Điều 4-5 (the digitisation at reception copies the paper component
    received, extracts its data and stores it with a digitisation result code); Nghị định 45/2020/NĐ-CP
    Điều 25 (the store of the person or organisation it concerns). The scan is read once; its bytes are
    kept for the mutation."""
    from cchc.common.uploads import FileRejected, file_check
    from cchc.dossiers.uploads import CODES
    from cchc.records.constants import RecordsError
    from cchc.records.services import owner_kind_of

    raw = ctx.params.get("document")
    try:
        document_id = int(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise invalid("Cần chọn thành phần hồ sơ cần số hóa.") from None
    document = DossierDocument.objects.filter(pk=document_id, dossier_id=ctx.dossier.pk).first()
    if document is None:
        raise DossierError(DossierErrorCode.DOCUMENT_NOT_DIGITISABLE, "Thành phần này không thuộc hồ sơ đang xử lý.")
    if document.source != DocumentSource.PAPER:
        raise DossierError(
            DossierErrorCode.DOCUMENT_NOT_DIGITISABLE,
            f"Thành phần «{document.name}» không phải bản giấy nộp tại quầy nên không cần số hóa.",
        )
    if document.stored_document_id is not None:
        raise DossierError(DossierErrorCode.DOCUMENT_NOT_DIGITISABLE, f"Thành phần «{document.name}» đã được số hóa.")
    upload = ctx.params.get("file")
    if upload is None:
        raise invalid("Cần chọn tệp bản quét (PDF, JPEG hoặc PNG) của giấy tờ.")
    try:
        checked = file_check(file=upload, types=SCAN_TYPES)
    except FileRejected as rejected:
        raise DossierError(
            CODES[rejected.reason], rejected.message_for(label=document.name, allowed_text="PDF, JPEG hoặc PNG")
        ) from None
    issued_on, valid_until = ctx.params.get("issued_on"), ctx.params.get("valid_until")
    if issued_on is not None and valid_until is not None and valid_until < issued_on:
        raise invalid("Ngày hết hiệu lực không được trước ngày cấp.")
    owner = str(ctx.params.get("owner_id_number") or ctx.dossier.applicant_id_number).strip()
    try:
        owner_kind_of(owner)
    except RecordsError as exc:
        raise invalid(f"Người được cấp giấy tờ: {exc.message}") from None
    upload.seek(0)
    ctx.scratch["scan"] = (upload.read(), checked, document, owner)


def result_revocable(ctx: Context) -> None:
    """The result to revoke is a signed result of this dossier (by default the one in force: the last
    signed), and the reason is given; the reason is printed on the public verification page.

    legal: revoking a licence or certificate is decided by the agency that issued it, on the grounds the
    procedure's own law sets (e.g. Luật Xây dựng Điều 101 for a building permit, Luật Đất đai 2024 Điều
    152 for a land-use certificate): there is no general rule, so the platform does not check the ground,
    it records the leader's decision and its stated reason (Luật Giao dịch điện tử 2023 Điều 9-10: the
    state of the data message is known to whoever relies on it). Only a result already returned to the
    applicant is revoked (the transition's sources): before that the agency replaces it by attaching
    another one. A result pending, failed, replaced or already revoked: ``dossier.result_not_revocable``."""
    from cchc.dossiers.constants import ResultStatus
    from cchc.dossiers.models import ResultDocument

    _reason(ctx, "Cần ghi rõ lý do thu hồi kết quả (được công bố trên trang xác minh kết quả).")
    ctx.params["reason"] = ctx.params["reason"][:1000]
    rows = ResultDocument.objects.filter(dossier_id=ctx.dossier.pk)
    raw = ctx.params.get("result")
    if raw not in (None, ""):
        try:
            rows = rows.filter(pk=int(str(raw)))
        except (TypeError, ValueError):
            raise invalid("Kết quả cần thu hồi không hợp lệ.") from None
    else:
        rows = rows.filter(status=ResultStatus.SIGNED)
    result = rows.select_for_update().order_by("-attached_at", "-pk").first()
    if result is None:
        raise DossierError(
            DossierErrorCode.RESULT_NOT_REVOCABLE,
            "Hồ sơ không có kết quả điện tử đã ký số đang có hiệu lực để thu hồi.",
        )
    if result.status != ResultStatus.SIGNED:
        raise DossierError(
            DossierErrorCode.RESULT_NOT_REVOCABLE,
            f"Kết quả «{result.title}» đang ở trạng thái «{ResultStatus(result.status).label}»: chỉ thu hồi được "
            "kết quả đã ký số đang có hiệu lực.",
        )
    ctx.scratch["revoked"] = result


MAX_PAPER_COPIES = 20


def paper_recordable(ctx: Context) -> None:
    """The paper handed in at the counter answers a line of the dossier's catalogue version (or, for an
    extra paper, is named), the number of copies is 1-20, and the same paper is not already recorded and
    waiting to be digitised.

    legal: Nghị định 118/2025/NĐ-CP (the receiving desk receives the dossier's components, on paper at the
    counter as well as online) and Thông tư 01/2023/TT-VPCP Điều 4-5 (the desk digitises the paper
    components it receives): an online dossier has no paper component from its submission, so the paper
    the applicant hands in (e.g. the original of an identity paper shown at the counter) is recorded first,
    then digitised. The limit of 20 copies is our choice (a typing error guard; no text sets one)."""
    from cchc.catalogue.models import RequiredDocument

    raw = ctx.params.get("required_document")
    line = None
    if raw not in (None, ""):
        try:
            line_id = int(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise invalid("Thành phần theo danh mục không hợp lệ.") from None
        line = RequiredDocument.objects.filter(pk=line_id, version_id=ctx.dossier.procedure_version_id).first()
        if line is None:
            raise invalid("Thành phần này không có trong danh mục giấy tờ của thủ tục.")
    name = str(ctx.params.get("name") or "").strip() or (line.name if line is not None else "")
    if not name:
        raise invalid("Cần chọn thành phần theo danh mục hoặc ghi tên giấy tờ nộp bản giấy.")
    if len(name) > 500:
        raise invalid("Tên giấy tờ không được dài quá 500 ký tự.")
    raw_copies = ctx.params.get("copies")
    try:
        copies = 1 if raw_copies in (None, "") else int(raw_copies)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise invalid("Số bản phải là số nguyên.") from None
    if not 1 <= copies <= MAX_PAPER_COPIES:
        raise invalid(f"Số bản phải từ 1 đến {MAX_PAPER_COPIES}.")
    waiting = DossierDocument.objects.filter(
        dossier_id=ctx.dossier.pk, source=DocumentSource.PAPER, stored_document__isnull=True
    )
    waiting = waiting.filter(required_document=line) if line is not None else waiting.filter(name=name)
    if waiting.exists():
        raise DossierError(
            DossierErrorCode.PAPER_ALREADY_RECORDED,
            f"Bản giấy «{name}» đã được ghi nhận và đang chờ số hóa; hãy số hóa bản đã ghi nhận.",
        )
    ctx.scratch["paper"] = (line, name, copies)
