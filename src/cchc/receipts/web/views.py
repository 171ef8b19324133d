"""The public verification page of a receipt (the QR code's target) and the PDF for its payer.

The verification page says that the receipt is genuine and what it is for, with minimal personal data:
the payer's name is shortened to initials and the last name (no address, no identification number).
The PDF (full content) needs the signed link sent to the payer (``?k=``), not only the code.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cchc.receipts.documents import receipt_context, receipt_pdf
from cchc.receipts.selectors import receipt_get_by_code
from cchc.receipts.services import receipt_download_token_valid


def masked_name(name: str) -> str:
    """``Nguyễn Thị Lan`` → ``N. T. Lan``: enough to recognise one's own receipt, not to identify."""
    parts = name.split()
    if len(parts) <= 1:
        return name[:1] + "." if name else ""
    return " ".join([*(p[0] + "." for p in parts[:-1]), parts[-1]])


@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    receipt = receipt_get_by_code(code)
    if receipt is None:
        return render(request, "receipts/verify.html", {"found": False, "code": code[:32]}, status=404)
    context = receipt_context(receipt)
    context.update(found=True, payer=masked_name(receipt.payer_name))
    return render(request, "receipts/verify.html", context)


@require_GET
def download(request: HttpRequest, code: str) -> HttpResponse:
    receipt = receipt_get_by_code(code)
    if receipt is None or not receipt_download_token_valid(code, request.GET.get("k", "")):
        return render(request, "receipts/verify.html", {"found": False, "code": code[:32]}, status=404)
    response = HttpResponse(receipt_pdf(receipt), content_type="application/pdf")
    name = f"bien-lai-{receipt.series.symbol}-{receipt.number_text}.pdf".replace("/", "-")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
