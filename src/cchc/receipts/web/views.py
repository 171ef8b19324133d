"""The public verification page of a receipt (the QR code's target) and the PDF for its payer.

The verification page (issue 16 item 2) re-reads the receipt's signed PDF from the store, compares its
SHA-256 with the one recorded when it was signed and checks its signature with pyHanko's validator against
the province's trusted roots (``cchc.signing.verify.stored_check``, as the results' page), and says whether
the receipt was cancelled (đã hủy, with the time and the reason). It shows what the receipt itself shows,
with minimal personal data: the payer's name is shortened to initials and the last name (no address, no
identification number). A code that matches nothing (unknown, altered in the QR code) and a stored file
that fails the checks give a clear message and no detail. Nothing here writes.

The PDF (full content) needs the signed link sent to the payer (``?k=``), not only the code; it is the
stored signed file (checked against its hash first), never a new rendering; while the receipt waits for its
signature the link answers so in Vietnamese.

Legal basis: Nghị định 23/2025/NĐ-CP Điều 22-23 (what makes a digital signature valid); Luật Giao dịch điện tử
2023 Điều 9-10 (the integrity of a data message); NĐ 123/2020/NĐ-CP Điều 32 (the receipt's content).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cchc.receipts.documents import receipt_context
from cchc.receipts.models import Receipt
from cchc.receipts.selectors import receipt_get_by_code
from cchc.receipts.services import receipt_download_token_valid
from cchc.signing.verify import stored_check

TEMPLATE = "receipts/verify.html"
PENDING_TEMPLATE = "receipts/pending.html"


def masked_name(name: str) -> str:
    """``Nguyễn Thị Lan`` → ``N. T. Lan``: enough to recognise one's own receipt, not to identify."""
    parts = name.split()
    if len(parts) <= 1:
        return name[:1] + "." if name else ""
    return " ".join([*(p[0] + "." for p in parts[:-1]), parts[-1]])


def signed_bytes(receipt: Receipt) -> bytes | None:
    """The stored signed PDF of ``receipt``, or None (not signed yet, or the file cannot be read)."""
    if not receipt.signed:
        return None
    try:
        with receipt.signed.open("rb") as handle:
            return bytes(handle.read())
    except OSError:
        return None


def receipt_check(receipt: Receipt) -> dict[str, Any]:
    """What the page says about ``receipt``: ``state`` (valid, cancelled, pending, invalid), the Vietnamese
    sentence, ``status_text`` and whether the receipt's details are shown (not for a file that fails)."""
    if not receipt.is_signed:
        return {
            "state": "pending",
            "details": True,
            "verdict": "Biên lai đã được cấp số nhưng đang chờ cơ quan thu ký số; chưa kiểm tra được chữ ký số.",
            "status_text": "Đang chờ ký số",
        }
    stored = stored_check(signed_bytes(receipt), receipt.signed_sha256)
    if stored.state == "missing":
        return {
            "state": "invalid",
            "details": False,
            "verdict": "Không tìm thấy tệp biên lai đã ký số trong kho lưu trữ. Đề nghị liên hệ cơ quan thu.",
        }
    if stored.state == "altered":
        return {
            "state": "invalid",
            "details": False,
            "verdict": "Tệp biên lai lưu trữ không khớp với mã băm đã ghi khi ký số: nội dung đã bị thay đổi. "
            "Đề nghị liên hệ cơ quan thu.",
        }
    checked = stored.verification
    assert checked is not None
    if not stored.valid:
        return {
            "state": "invalid",
            "details": False,
            "verdict": f"Chữ ký số không hợp lệ: {checked.problem} Đề nghị liên hệ cơ quan thu.",
        }
    if receipt.cancelled:
        return {
            "state": "cancelled",
            "details": True,
            "verdict": "Biên lai đã hủy.",
            "status_text": "Đã hủy",
            "signature": checked,
        }
    return {
        "state": "valid",
        "details": True,
        "verdict": "Biên lai hợp lệ: chữ ký số đúng, nội dung không bị thay đổi, biên lai đang có hiệu lực.",
        "status_text": "Có hiệu lực",
        "signature": checked,
    }


@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    receipt = receipt_get_by_code(code)
    if receipt is None:
        return render(request, TEMPLATE, {"found": False}, status=404)
    context = receipt_context(receipt)
    context.update(found=True, payer=masked_name(receipt.payer_name))
    context.update(receipt_check(receipt))
    if receipt.cancelled and context["details"]:
        context["status_text"] = f"Đã hủy lúc {context['cancelled_on']}"
    if receipt.signed_at is not None and context["details"]:
        context["signed_on"] = timezone.localtime(receipt.signed_at)
        checked = context.get("signature")
        if checked is not None and checked.timestamp_at is not None:
            context["timestamp_on"] = timezone.localtime(checked.timestamp_at)  # PAdES B-T
    response = render(request, TEMPLATE, context)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def download(request: HttpRequest, code: str) -> HttpResponse:
    receipt = receipt_get_by_code(code)
    if receipt is None or not receipt_download_token_valid(code, request.GET.get("k", "")):
        return render(request, TEMPLATE, {"found": False}, status=404)
    if not receipt.is_signed:
        response = render(request, PENDING_TEMPLATE, receipt_context(receipt), status=503)
        response["Retry-After"] = "300"
        response["Cache-Control"] = "no-store"
        return response
    data = signed_bytes(receipt)
    if stored_check(data, receipt.signed_sha256).state in ("missing", "altered"):
        # the store lost or changed the file: say so, never serve bytes that are not the ones signed
        context = receipt_context(receipt)
        context.update(found=True, details=False, state="invalid")
        context["verdict"] = (
            "Tệp biên lai lưu trữ không đọc được hoặc không khớp với mã băm đã ghi khi ký số. "
            "Đề nghị liên hệ cơ quan thu."
        )
        return render(request, TEMPLATE, context, status=503)
    assert data is not None
    response = HttpResponse(data, content_type="application/pdf")
    name = f"bien-lai-{receipt.series.symbol}-{receipt.number_text}.pdf".replace("/", "-")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
