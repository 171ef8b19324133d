"""The receipt as a PDF (WeasyPrint via ``cchc.common.pdf``, the shipped Liberation Serif fonts) and its
QR code (segno) to the public verification page."""

from __future__ import annotations

from typing import Any

from cchc.common.numbers import vi_number
from cchc.common.pdf import render_pdf
from cchc.receipts.constants import CANCELLED_MARK, RECEIPT_KIND, RECEIPT_KIND_NOTE
from cchc.receipts.models import Receipt
from cchc.receipts.services import channel_label, issued_on_text, receipt_verify_url, time_text
from cchc.receipts.words import amount_in_words


def qr_png_data_uri(text: str) -> str:
    """A ``data:image/png`` URI of the QR code of ``text`` (error correction M)."""
    import segno

    return str(segno.make(text, error="m", micro=False).png_data_uri(scale=4, border=1))


def receipt_context(receipt: Receipt) -> dict[str, Any]:
    """What the PDF and the verification page print (strings)."""
    verify_url = receipt_verify_url(receipt)
    return {
        "receipt": receipt,
        "kind": RECEIPT_KIND,
        "kind_note": RECEIPT_KIND_NOTE,
        "form_symbol": receipt.series.form_symbol,
        "symbol": receipt.series.symbol,
        "number": receipt.number_text,
        "issued_on": issued_on_text(receipt.issued_at),
        "amount": vi_number(receipt.amount, 0),
        "amount_words": amount_in_words(receipt.amount),
        "channel": channel_label(receipt.channel),
        "verify_url": verify_url,
        "cancelled": receipt.cancelled,
        "cancelled_mark": CANCELLED_MARK,
        "cancelled_on": time_text(receipt.cancelled_at) if receipt.cancelled_at else "",
    }


def receipt_pdf(receipt: Receipt, *, for_signing: bool = False) -> bytes:
    """The PDF of ``receipt`` (Vietnamese, the content of NĐ 123/2020/NĐ-CP Điều 32).

    ``for_signing``: the receipt as issued, what ``cchc.receipts.signatures`` signs: without the «ĐÃ HỦY»
    mark of a later cancellation, with room at the page's bottom for the signature block, whose QR code
    (``cchc.signing.stamp``, the same verification address) replaces the printed one."""
    context = receipt_context(receipt)
    if for_signing:
        context.update(cancelled=False, for_signing=True)
    else:
        context["qr"] = qr_png_data_uri(context["verify_url"])
    return render_pdf("receipts/receipt_pdf.html", context)
