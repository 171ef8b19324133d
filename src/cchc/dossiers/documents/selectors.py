"""Forms 01-07 of Thông tư 03/2025/TT-VPCP as PDF, and the dossier register (Mẫu 07) as XLSX.

legal: TT 03/2025/TT-VPCP Phụ lục I names seven forms (vn-data §2.1, names CONFIRMED). The field-by-field
contents of the 2025 forms are NOT CONFIRMED (no public copy of their bodies was found), so each form here
carries the fields of its TT 01/2018/TT-VPCP counterpart (vn-data §2.2, SECONDARY) — 01 receipt and
appointment, 02 supplement request, 04 apology (2018 Mẫu 04), 06 process-control sheet (2018 Mẫu 05),
07 register (2018 Mẫu 06) — and, for the forms 2018 did not have or whose fields are unknown (03 refusal,
05 stop notice, the register's columns), the core the brief and the dossier record give: applicant,
request, reason, dates. Replace the wording when the TT 03/2025 text is obtained.

Layout. Letters sent to the applicant with a seal (Mẫu 04, 05) are administrative documents and follow
NĐ 30/2020/NĐ-CP Phụ lục I (vn-data §1.1-1.2): A4 portrait, margins top 20, bottom 20, left 30, right
15 mm, 13-14 pt (body 14), the number from the issuing body's register ("Số: 05/TB-STP", Điều 15;
``documents.services``), a signature block with TM./KT., the signer's position and full name (a
signatory recorded in the registry, never a placeholder) and "Nơi nhận:". Slips handed over at the desk
(Mẫu 01-03, 06) keep the one-stop form layout: A5 (TT 01/2018: forms on A5 except the register; the
TT 03/2025 bodies are NOT CONFIRMED), the "Mã hồ sơ" under the title and no "Số:" line (the dossier
code identifies them; they are not entered in the register of outgoing documents). The register (Mẫu
07) is A4 landscape. Fonts: NĐ 30 names Times New Roman; the PDFs embed Liberation Serif 2, which has
Times New Roman's metrics (``cchc.common.pdf``). Dates are written one way, NĐ 30's (``text.date_words``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from cchc.accounts.names import person_name
from cchc.common.numbers import vi_number
from cchc.common.pdf import render_pdf
from cchc.common.spreadsheets import xlsx_bytes
from cchc.dossiers.constants import DossierStatus, HandoverOutcome
from cchc.dossiers.documents.constants import (
    DOSSIER_FORMS,
    FORM_NAMES,
    REGISTER_FORM,
    DocumentError,
    DocumentErrorCode,
)
from cchc.dossiers.documents.qr import qr_payload, qr_png_data_uri
from cchc.dossiers.documents.services import dossier_letter_issue
from cchc.dossiers.documents.text import (
    VN_TZ,
    agency_header,
    date_line,
    date_words,
    local,
    moment_words,
    procedure_phrase,
    short_datetime,
)
from cchc.dossiers.models import Dossier, Extension, SupplementRequest
from cchc.dossiers.services import end_of_processing
from cchc.org.models import Agency
from cchc.org.selectors import agency_name_on, one_stop_desk_on

MAX_REGISTER_DAYS = 366

T = TypeVar("T")

REGISTER_HEADINGS: tuple[str, ...] = (
    "STT",
    "Mã hồ sơ",
    "Người nộp hồ sơ",
    "Thủ tục hành chính",
    "Cơ quan giải quyết",
    "Ngày tiếp nhận",
    "Hẹn trả kết quả",
    "Ngày có kết quả",
    "Ngày trả kết quả",
    "Trạng thái",
    "Kết quả (đúng hạn / quá hạn)",
    "Ghi chú",
)

# legal: the apology's new appointment (form 04) beside the statutory one, which lateness is judged by
EXTENDED_HEADING = "Hẹn trả mới (xin lỗi, gia hạn)"


# --- reading a dossier with everything a form prints ----------------------------------------------


def dossier_for_documents(*, pk: int) -> Dossier:
    """The dossier with version, procedure, agencies (their parents and units) and receiver joined."""
    return (
        Dossier.objects.select_related(
            "procedure_version__procedure",
            "receiving_agency__parent",
            "receiving_agency__unit",
            "competent_agency__parent",
            "competent_agency__unit",
            "received_by",
        )
        .prefetch_related("receiving_agency__names", "competent_agency__names")
        .get(pk=pk)
    )


def dossier_forms_available(*, dossier: Dossier) -> list[int]:
    """The forms that apply to the dossier's history, in order.

    01 and 06 once received; 02 once a supplement was requested; 03 when refused; 04 once an apology and
    extension was made; 05 when stopped. Form 07 is the register of an agency, never one dossier's.
    """
    forms = []
    if dossier.received_at is not None and dossier.code:
        forms += [1, 6]
    if SupplementRequest.objects.filter(dossier_id=dossier.pk).exists():
        forms.append(2)
    if dossier.status == DossierStatus.REFUSED:
        forms.append(3)
    if Extension.objects.filter(dossier_id=dossier.pk).exists():
        forms.append(4)
    if dossier.status == DossierStatus.STOPPED:
        forms.append(5)
    return sorted(forms)


_NOT_APPLICABLE: dict[int, str] = {
    1: "Hồ sơ chưa được tiếp nhận nên chưa có Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01).",
    2: "Hồ sơ chưa có yêu cầu bổ sung, hoàn thiện nên không có Phiếu yêu cầu bổ sung (Mẫu 02).",
    3: "Hồ sơ không bị từ chối tiếp nhận nên không có Phiếu từ chối tiếp nhận giải quyết hồ sơ (Mẫu 03).",
    4: "Hồ sơ chưa có văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết (Mẫu 04).",
    5: "Hồ sơ không bị dừng giải quyết nên không có Thông báo dừng giải quyết hồ sơ (Mẫu 05).",
    6: "Hồ sơ chưa được tiếp nhận nên chưa có Phiếu kiểm soát quá trình giải quyết hồ sơ (Mẫu 06).",
}


def _check_form(dossier: Dossier, form: int) -> None:
    if form == REGISTER_FORM:
        raise DocumentError(
            DocumentErrorCode.FORM_NOT_APPLICABLE,
            "Mẫu 07 (Sổ theo dõi hồ sơ) lập cho một cơ quan theo kỳ, không lập cho từng hồ sơ.",
        )
    if form not in DOSSIER_FORMS:
        raise DocumentError(DocumentErrorCode.FORM_UNKNOWN, f"Không có biểu mẫu số {form:02d} (chỉ có Mẫu 01 - 07).")
    if form not in dossier_forms_available(dossier=dossier):
        raise DocumentError(DocumentErrorCode.FORM_NOT_APPLICABLE, _NOT_APPLICABLE[form])


# --- form contexts --------------------------------------------------------------------------------


def _desk_name(agency: Agency, day: date) -> str:
    """How the body text names the receiving desk on ``day`` ("Trung tâm Phục vụ hành chính công phường …")."""
    return one_stop_desk_on(agency, on=day).full_name


def _money(amount: Decimal | None) -> str:
    if amount is None:
        return "theo quy định"
    if amount == 0:
        return "miễn"
    return f"{vi_number(amount, 0)} đồng"


def _common(dossier: Dossier, form: int, *, issuer: Agency, desk: bool, day: date, number: str = "") -> dict[str, Any]:
    version = dossier.procedure_version
    name = FORM_NAMES[form]
    header = agency_header(issuer, desk=desk, on=day, number=number)
    payload = qr_payload(
        form=form,
        document_name=name,
        dossier_code=dossier.code,
        procedure_code=version.procedure.code,
        applicant_id=dossier.applicant_id_number,
    )
    return {
        "title": name,
        "form": form,
        "dossier": dossier,
        "header": header,
        "show_number": bool(number),
        "date_line": date_line(header.place, day),
        "qr": qr_png_data_uri(payload),
        "qr_payload": payload,
        "procedure_name": version.name,
        "procedure_phrase": procedure_phrase(version.name),
        "receiving_name": _desk_name(dossier.receiving_agency, day),
        "desk_name": _desk_name(dossier.receiving_agency, day),
        "competent_name": agency_name_on(dossier.competent_agency, on=day),
        "paper": "A5",
        "landscape": False,
    }


def _recipients(dossier: Dossier, day: date) -> list[str]:
    """Nơi nhận (NĐ 30/2020 ô số 9b): one per line with "-" and ";", the last "- Lưu: VT." ."""
    return [
        f"- Ông/Bà {dossier.applicant_name};",
        f"- {_desk_name(dossier.receiving_agency, day)};",
        "- Lưu: VT.",
    ]


def _letter(dossier: Dossier, form: int, *, day: date, reference: str, actor: Any, at: datetime) -> dict[str, Any]:
    """What letters 04 and 05 share: the register number, A4 paper, the signature and the recipients."""
    issuer = dossier.competent_agency
    subject = f"{FORM_NAMES[form]} hồ sơ {dossier.code} của {dossier.applicant_name}"
    entry, signature = dossier_letter_issue(
        issuer=issuer, form=form, on=day, subject=subject, reference=reference, actor=actor, at=at
    )
    context = _common(dossier, form, issuer=issuer, desk=False, day=day, number=entry.number_text)
    return context | {"paper": "A4", "signature": signature, "recipients": _recipients(dossier, day)}


def _present(value: T | None) -> T:
    """A value the form needs; its absence means the form does not apply (dossier_forms_available)."""
    if value is None:
        raise DocumentError(DocumentErrorCode.FORM_NOT_APPLICABLE, "Hồ sơ chưa có đủ dữ liệu để lập biểu mẫu này.")
    return value


def _form_context(dossier: Dossier, form: int, *, actor: Any = None, at: datetime | None = None) -> dict[str, Any]:
    version = dossier.procedure_version
    received_at = dossier.received_at
    received_words = moment_words(received_at) if received_at is not None else ""
    if form == 1:
        # legal: the slip records the appointment given at reception (form 01, TT 03/2025), not one
        # moved later by a supplement or an apology (those have forms 02 and 04)
        received_at, due_at = _present(received_at), _present(dossier.original_due_at or dossier.due_at)
        day = local(received_at).date()
        context = _common(dossier, 1, issuer=dossier.receiving_agency, desk=True, day=day)
        fees = [{"name": f.name, "amount_text": _money(f.amount)} for f in dossier.fee_lines.order_by("order")]
        result_place = (
            f"{_desk_name(dossier.receiving_agency, day)} hoặc trực tuyến trên Cổng Dịch vụ công"
            if dossier.channel == "online"
            else _desk_name(dossier.receiving_agency, day)
        )
        # the papers actually received (the checklist or the uploads) when recorded, else the catalogue list
        received = [
            {"name": d.name, "copies": d.copies, "mandatory": True} for d in dossier.documents.order_by("order")
        ]
        return context | {
            "documents": received or list(version.documents.order_by("order")),
            "statutory_time": version.processing_time_display,
            "received_words": received_words,
            "appointment_words": moment_words(due_at),
            "result_place": result_place,
            "fees": fees,
            "officer_name": person_name(dossier.received_by),
        }
    if form == 2:
        supplements = list(dossier.supplements.select_related("requested_by").order_by("requested_at", "pk"))
        supplement = supplements[-1]
        context = _common(
            dossier, 2, issuer=dossier.receiving_agency, desk=True, day=local(supplement.requested_at).date()
        )
        items = [line.strip(" -;.") for line in supplement.reason.splitlines() if line.strip(" -;.")]
        return context | {
            "items": items or [supplement.reason],
            "supplement_number": len(supplements),
            "received_words": received_words,
            "requested_words": moment_words(supplement.requested_at),
            "officer_name": person_name(supplement.requested_by),
        }
    if form == 3:
        refused_at = dossier.ended_at or dossier.submitted_at
        context = _common(dossier, 3, issuer=dossier.receiving_agency, desk=True, day=local(refused_at).date())
        return context | {
            "submitted_words": moment_words(dossier.submitted_at),
            "reason": dossier.end_reason,
            "officer_name": "",
        }
    at = at or timezone.now()
    if form == 4:
        extension = _present(dossier.extensions.select_related("actor").order_by("at", "pk").last())
        received_at = _present(received_at)
        day = local(extension.at).date()
        context = _letter(dossier, 4, day=day, reference=f"dossiers.extension:{extension.pk}", actor=actor, at=at)
        return context | {
            "received_date": date_words(local(received_at).date()).removeprefix("ngày "),
            "previous_words": moment_words(extension.previous_due_at),
            "appointment_words": moment_words(extension.new_due_at),
            "reason": extension.reason,
        }
    if form == 5:
        stopped_at = dossier.ended_at or timezone.now()
        day = local(stopped_at).date()
        context = _letter(dossier, 5, day=day, reference=f"dossiers.stop:{dossier.pk}", actor=actor, at=at)
        return context | {
            "received_words": received_words,
            "stopped_words": moment_words(stopped_at),
            "reason": dossier.end_reason,
        }
    # form 6: the process-control sheet
    received_at, due_at = _present(received_at), _present(dossier.due_at)
    context = _common(dossier, 6, issuer=dossier.receiving_agency, desk=True, day=local(received_at).date())
    rows = []
    for handover in dossier.handovers.select_related(
        "giver", "receiver", "giver_agency", "receiver_agency", "step"
    ).order_by("at", "pk"):
        to_applicant = handover.receiver_agency_id is None
        rows.append(
            {
                "giver_agency": handover.giver_agency.name,
                "receiver_agency": "Người nộp hồ sơ" if to_applicant else str(handover.receiver_agency),
                "at_words": moment_words(handover.at),
                "giver": person_name(handover.giver),
                "receiver": dossier.applicant_name if to_applicant else person_name(handover.receiver),
                "outcome": HandoverOutcome(handover.outcome).label,
                "step": handover.step.name,
                "deadline": short_datetime(handover.deadline),
                "note": handover.note,
            }
        )
    return context | {
        "received_words": received_words,
        "appointment_words": moment_words(due_at),
        "handovers": rows,
    }


def dossier_form_context(
    *, dossier: Dossier, form: int, actor: Any = None, at: datetime | None = None
) -> dict[str, Any]:
    """Everything form ``form`` prints for ``dossier`` (refused with ``DocumentError`` when it does not apply).

    Letters 04 and 05 are entered in the issuing body's register the first time they are printed
    (``documents.services.dossier_letter_issue``, idempotent): ``actor`` and ``at`` go to its audit event.
    """
    joined = dossier_for_documents(pk=dossier.pk)
    _check_form(joined, form)
    return _form_context(joined, form, actor=actor, at=at)


def dossier_form_pdf(*, dossier: Dossier, form: int, actor: Any = None, at: datetime | None = None) -> bytes:
    """Form ``form`` (1-6) of TT 03/2025/TT-VPCP for ``dossier``: A5 slips (01-03, 06), A4 letters (04, 05).

    Refused with ``DocumentError`` (``document.form_unknown`` / ``document.form_not_applicable``) when
    the form does not exist or does not apply to the dossier's history (e.g. form 03 for a dossier
    that was never refused). Forms 02 and 04 print the latest supplement request / extension.
    """
    context = dossier_form_context(dossier=dossier, form=form, actor=actor, at=at)
    return render_pdf(f"dossiers/documents/form_{form:02d}.html", context)


def dossier_form_filename(*, dossier: Dossier, form: int) -> str:
    """``mau-01-56-260105-0001.pdf`` (ASCII, for Content-Disposition)."""
    return f"mau-{form:02d}-{dossier.code or f'hs{dossier.pk}'}.pdf"


# --- the register (Mẫu 07) ------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterRow:
    """One line of the dossier register; datetimes are aware (Vietnam time when printed)."""

    number: int
    code: str
    applicant_name: str
    applicant_id: str
    applicant_phone: str
    procedure_code: str
    procedure_name: str
    competent_agency: str
    received_at: datetime | None
    due_at: datetime | None
    extended_due_at: datetime | None
    processed_at: datetime | None
    returned_at: datetime | None
    status: str
    timeliness: str
    note: str

    @property
    def received_text(self) -> str:
        return short_datetime(self.received_at)

    @property
    def due_text(self) -> str:
        return short_datetime(self.due_at)

    @property
    def extended_text(self) -> str:
        return short_datetime(self.extended_due_at) if self.extended_due_at is not None else ""

    @property
    def processed_text(self) -> str:
        return short_datetime(self.processed_at)

    @property
    def returned_text(self) -> str:
        return short_datetime(self.returned_at)


def _check_period(start: date, end: date) -> tuple[datetime, datetime]:
    if start > end:
        raise DocumentError(DocumentErrorCode.INVALID_PERIOD, "Ngày bắt đầu kỳ phải trước hoặc bằng ngày kết thúc.")
    if (end - start).days >= MAX_REGISTER_DAYS:
        raise DocumentError(
            DocumentErrorCode.INVALID_PERIOD, f"Sổ theo dõi lập cho kỳ tối đa {MAX_REGISTER_DAYS} ngày."
        )
    return (
        datetime.combine(start, time.min, tzinfo=VN_TZ),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=VN_TZ),
    )


def dossier_register_queryset(*, agency: Agency, start: date, end: date) -> QuerySet[Dossier]:
    """Dossiers of the register of ``agency`` for ``start``..``end`` (inclusive, Vietnam time), in order.

    The register lists the dossiers the agency received or is competent for: those received in the
    period, and those refused at reception in the period (they never got a reception time).
    """
    since, until = _check_period(start, end)
    received = Q(received_at__gte=since, received_at__lt=until)
    refused = Q(status=DossierStatus.REFUSED, ended_at__gte=since, ended_at__lt=until)
    # the supplement request still open, if any: a dossier stopped without it ended at the request
    waiting = SupplementRequest.objects.filter(dossier=OuterRef("pk"), resumed_at__isnull=True).values("requested_at")
    return (
        Dossier.objects.filter(Q(receiving_agency=agency) | Q(competent_agency=agency))
        .filter(received | refused)
        .annotate(waiting_since=Subquery(waiting[:1]))
        .select_related("procedure_version__procedure", "competent_agency")
        .order_by("received_at", "submitted_at", "code", "pk")
    )


def _timeliness(dossier: Dossier, as_of: datetime) -> str:
    """Trước hạn / Đúng hạn / Quá hạn of a finished dossier; for an open one, whether it is overdue.

    legal: QĐ 766/QĐ-TTg as the national portal applies it: late when finished after the statutory
    appointment (which an apology letter does not move: NĐ 61/2018/NĐ-CP Điều 19 as amended) or when the
    dossier was flagged late (e.g. a second supplement request); early when finished on an earlier day
    than the appointment's.
    """
    if dossier.status in (DossierStatus.REFUSED, DossierStatus.WITHDRAWN, DossierStatus.NEW):
        return ""
    finished = dossier.processed_at
    if finished is None and dossier.status == DossierStatus.STOPPED and dossier.ended_at is not None:
        # legal (QĐ 766, domain-vn §1.5): stopped after a supplement request never answered: the request
        finished = end_of_processing(dossier.ended_at, waiting_since=getattr(dossier, "waiting_since", None))
    due = dossier.statutory_due_at
    if finished is None:
        if dossier.status == DossierStatus.SUPPLEMENT_REQUESTED:
            return "Tạm dừng (chờ bổ sung)"
        if dossier.is_late or (due is not None and due < as_of):
            return "Quá hạn (đang giải quyết)"
        return "Trong hạn (đang giải quyết)"
    if dossier.is_late or (due is not None and finished > due):
        return "Quá hạn"
    if due is not None and local(finished).date() < local(due).date():
        return "Trước hạn"
    return "Đúng hạn"


def dossier_register_rows(*, agency: Agency, start: date, end: date) -> list[RegisterRow]:
    """The lines of the register (see :func:`dossier_register_queryset`), numbered from 1.

    An open dossier is judged overdue against the end of the period, or now if the period has not ended.
    """
    _, until = _check_period(start, end)
    as_of = min(timezone.now(), until)
    rows = []
    for number, dossier in enumerate(dossier_register_queryset(agency=agency, start=start, end=end), start=1):
        note = dossier.end_reason
        if dossier.supplement_count:
            note = "; ".join(filter(None, [f"Yêu cầu bổ sung {dossier.supplement_count} lần", note]))
        rows.append(
            RegisterRow(
                number=number,
                code=dossier.code,
                applicant_name=dossier.applicant_name,
                applicant_id=dossier.applicant_id_number,
                applicant_phone=dossier.applicant_phone,
                procedure_code=dossier.procedure_version.procedure.code,
                procedure_name=dossier.procedure_version.name,
                competent_agency=dossier.competent_agency.name,
                received_at=dossier.received_at,
                due_at=dossier.statutory_due_at or dossier.due_at,
                # the apology's new appointment (form 04), shown beside the statutory one
                extended_due_at=dossier.due_at if dossier.due_at != dossier.statutory_due_at else None,
                processed_at=dossier.processed_at,
                returned_at=dossier.returned_at,
                status=DossierStatus(dossier.status).label,
                timeliness=_timeliness(dossier, as_of),
                note=note,
            )
        )
    return rows


def dossier_register_pdf(*, agency: Agency, start: date, end: date) -> bytes:
    """The register (Mẫu 07, TT 03/2025) of ``agency`` for the period, as an A4 landscape PDF."""
    rows = dossier_register_rows(agency=agency, start=start, end=end)
    agency = Agency.objects.select_related("parent", "unit").prefetch_related("names").get(pk=agency.pk)
    day = min(end, timezone.localdate())
    header = agency_header(agency, desk=True, on=day)
    name = FORM_NAMES[REGISTER_FORM]
    payload = qr_payload(
        form=REGISTER_FORM,
        document_name=name,
        extra={"co_quan": agency.code, "tu_ngay": start.isoformat(), "den_ngay": end.isoformat()},
    )
    context = {
        "title": name,
        "header": header,
        "show_number": False,
        "date_line": date_line(header.place, timezone.localdate()),
        "qr": qr_png_data_uri(payload),
        "paper": "A4 landscape",
        "landscape": True,
        "agency_name": _desk_name(agency, day),
        "start_words": date_words(start),
        "end_words": date_words(end),
        "headings": REGISTER_HEADINGS,
        "rows": rows,
    }
    return render_pdf("dossiers/documents/form_07.html", context)


def dossier_register_filename(*, agency: Agency, start: date, end: date, ext: str) -> str:
    """``so-theo-doi-ho-so-<agency code>-20260101-20260131.<ext>`` (ASCII)."""
    return f"so-theo-doi-ho-so-{agency.code}-{start:%Y%m%d}-{end:%Y%m%d}.{ext}"


def _naive_local(at: datetime | None) -> datetime | None:
    """Excel has no time zones: the cell holds the Vietnam wall-clock time."""
    return None if at is None else local(at).replace(tzinfo=None)


def dossier_register_xlsx(*, agency: Agency, start: date, end: date) -> bytes:
    """The register of ``agency`` for the period as an XLSX workbook (one sheet, one row per dossier).

    Vietnamese headers in a frozen first row, column widths set, reception / appointment / result
    times as real date-time cells (Vietnam wall-clock time, format dd/mm/yyyy hh:mm).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    rows = dossier_register_rows(agency=agency, start=start, end=end)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Sổ theo dõi hồ sơ"
    headings = [*REGISTER_HEADINGS[:3], "Số định danh", "Mã TTHC", *REGISTER_HEADINGS[3:7], EXTENDED_HEADING]
    headings += REGISTER_HEADINGS[7:]
    sheet.append(headings)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    date_columns = {headings.index(h) + 1 for h in (*REGISTER_HEADINGS[5:9], EXTENDED_HEADING)}
    for row in rows:
        sheet.append(
            [
                row.number,
                row.code,
                row.applicant_name,
                row.applicant_id,
                row.procedure_code,
                row.procedure_name,
                row.competent_agency,
                _naive_local(row.received_at),
                _naive_local(row.due_at),
                _naive_local(row.extended_due_at),
                _naive_local(row.processed_at),
                _naive_local(row.returned_at),
                row.status,
                row.timeliness,
                row.note,
            ]
        )
    for column in date_columns:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = "dd/mm/yyyy hh:mm"
    widths = [6, 20, 28, 16, 12, 45, 32, 17, 17, 17, 17, 17, 22, 22, 30]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headings))}{max(len(rows) + 1, 1)}"
    return xlsx_bytes(workbook)
