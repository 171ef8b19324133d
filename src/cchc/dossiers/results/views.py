"""The public verification page of an electronic result (the QR code's target; issue 16 item 2).

Anyone holding the result can check it: the page re-reads the stored signed PDF, compares its SHA-256
with the one recorded when it was signed, checks the signature with pyHanko's validator against the
province's trusted roots (``cchc.signing.verify``), and says whether the result was replaced or revoked.
It shows only what the result itself shows (its title, the signing agency, the date, the dossier's code),
nothing of the applicant. An unknown or altered token is a 404 page in Vietnamese; nothing here writes.

Legal basis: Nghị định 23/2025/NĐ-CP Điều 22-23 (what makes a digital signature valid); Luật Giao dịch
điện tử 2023 Điều 9-10 (the integrity of a data message).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cchc.dossiers.constants import ResultStatus
from cchc.dossiers.models import ResultDocument
from cchc.dossiers.results.selectors import result_get_by_token
from cchc.signing.verify import Verification, stored_check

TEMPLATE = "dossiers/results/verify.html"


def _signed_bytes(result: ResultDocument) -> bytes | None:
    if not result.signed:
        return None
    try:
        with result.signed.open("rb") as handle:
            return handle.read()
    except OSError:
        return None


def result_check(result: ResultDocument) -> dict[str, object]:
    """What the page says about ``result``: ``state`` (valid, invalid, pending, failed, replaced,
    revoked) and the Vietnamese sentence for it."""
    if result.status == ResultStatus.PENDING:
        return {"state": "pending", "verdict": "Kết quả đang chờ cơ quan có thẩm quyền ký số; chưa có giá trị."}
    if result.status == ResultStatus.FAILED:
        return {"state": "failed", "verdict": "Kết quả chưa được ký số; chưa có giá trị."}
    stored = stored_check(_signed_bytes(result), result.signed_sha256)
    if stored.state == "missing":
        return {"state": "invalid", "verdict": "Không tìm thấy tệp kết quả đã ký số trong kho lưu trữ."}
    if stored.state == "altered":
        return {
            "state": "invalid",
            "verdict": "Tệp kết quả lưu trữ không khớp với mã băm đã ghi khi ký số: nội dung đã bị thay đổi.",
        }
    checked = stored.verification
    assert checked is not None
    if not stored.valid:
        return {"state": "invalid", "verdict": f"Chữ ký số không hợp lệ: {checked.problem}", "signature": checked}
    if result.status == ResultStatus.REVOKED:
        return {
            "state": "revoked",
            "verdict": "Kết quả này đã bị thu hồi, không còn giá trị (chữ ký số vẫn đúng với nội dung đã cấp).",
            "signature": checked,
        }
    if result.status == ResultStatus.REPLACED:
        return {
            "state": "replaced",
            "verdict": "Kết quả này đã được thay thế bằng kết quả khác, không còn giá trị "
            "(chữ ký số vẫn đúng với nội dung đã cấp).",
            "signature": checked,
        }
    return {
        "state": "valid",
        "verdict": "Kết quả hợp lệ: chữ ký số đúng, nội dung không bị thay đổi.",
        "signature": checked,
    }


@require_GET
def verify(request: HttpRequest, token: str) -> HttpResponse:
    result = result_get_by_token(token)
    if result is None:
        return render(request, TEMPLATE, {"found": False}, status=404)
    context: dict[str, object] = {"found": True, "result": result, "dossier_code": result.dossier.code}
    context.update(result_check(result))
    if result.signed_at is not None:
        context["signed_on"] = timezone.localtime(result.signed_at)
    checked = context.get("signature")
    if isinstance(checked, Verification) and checked.timestamp_at is not None:
        context["timestamp_on"] = timezone.localtime(checked.timestamp_at)  # PAdES B-T: the authority's time
    if result.ended_at is not None and result.status in (ResultStatus.REVOKED, ResultStatus.REPLACED):
        context["ended_on"] = timezone.localtime(result.ended_at)
    response = render(request, TEMPLATE, context)
    response["Cache-Control"] = "no-store"
    return response
