"""Import the feedback received by the national feedback system about the province's agencies.

``pakn_pull(at=…)`` asks ``LayDanhSachPAKN`` for what was received after the stored position, page by
page, and receives each item once as a feedback of ``cchc.feedback`` (``feedback_receive_national``:
idempotent on the national id ``MaPAKN``, deadlines from the national reception on the agency's
working calendar). An item that cannot be imported (a missing field, an agency not in the registry, a
refusal of the feedback service) is skipped with a clear reason recorded as an
:class:`~cchc.integrations.models.Attempt` (outcome "rejected", its stable code); the others are
imported. A page's items and the new position are written in one transaction, so a crash loses
nothing and imports nothing twice. A re-pull (``restart`` or ``since``) reads again from the start or a
date (after the registry was fixed, say) without moving the stored position.

Legal basis: Nghị định 20/2008/NĐ-CP (amended by NĐ 92/2017/NĐ-CP): feedback about administrative
regulations received through the national system is handled by the competent agency like any other.
The protocol is inferred (``cchc.integrations.national_feedback.protocol``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from cchc.feedback.constants import FeedbackError
from cchc.feedback.models import Feedback, NationalFeedbackCursor
from cchc.feedback.services import feedback_receive_national
from cchc.integrations.client import PartnerClient
from cchc.integrations.constants import IntegrationError, IntegrationErrorCode, Outcome, Partner
from cchc.integrations.models import BODY_LIMIT, Attempt
from cchc.integrations.national_feedback.protocol import (
    LIST_SERVICE,
    PAGE_SIZE,
    VN_TZ,
    ItemSkipped,
    NationalItem,
    SkipCode,
    item_read,
)
from cchc.org.models import Agency

SOURCE = "pakn"
MAX_PAGES = 50


@dataclass(frozen=True)
class Skipped:
    national_id: str
    code: str
    reason: str


@dataclass
class PullReport:
    """What one pull did: the codes of the feedback created, the items already imported, the skipped
    ones with their reasons, the position reached, and the error that stopped it (if any)."""

    imported: list[str] = field(default_factory=list)
    already: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    pages: int = 0
    position: str = ""
    error: IntegrationError | None = None


def agency_resolve(item: NationalItem) -> Agency:
    """The agency addressed: by the province's registry code (``MaDonVi``), the record valid on the day
    of the national reception, else the latest record of that code (its successor is then taken by the
    feedback service). An electronic identifier alone (``MaDinhDanhDonVi``) is not resolved until the
    registry holds the identifiers (issue 14, item 2)."""
    day = item.received_at.astimezone(VN_TZ).date()
    if item.agency_code:
        records = Agency.objects.filter(code=item.agency_code)
        agency = records.valid_on(day).first() or records.order_by("-valid_from").first()  # type: ignore[attr-defined]
        if agency is not None:
            return agency
        raise ItemSkipped(
            SkipCode.AGENCY_UNKNOWN,
            f"Không có cơ quan mã «{item.agency_code}» trong danh mục cơ quan của tỉnh; phản ánh «{item.national_id}» "
            "chưa được nhận. Bổ sung danh mục rồi nhận lại (cchc integrations feedback pull --tu-dau).",
        )
    raise ItemSkipped(
        SkipCode.AGENCY_UNKNOWN,
        f"Không xác định được cơ quan có mã định danh «{item.agency_identifier}» trong danh mục cơ quan của tỉnh; "
        f"phản ánh «{item.national_id}» chưa được nhận.",
    )


def _record_skip(raw: Any, national_id: str, skipped: ItemSkipped) -> Skipped:
    text = json.dumps(raw, ensure_ascii=False, default=str)
    Attempt.objects.create(
        partner=Partner.PAKN,
        operation=LIST_SERVICE,
        subject=f"pakn:{national_id}"[:128] if national_id else "pakn:?",
        started_at=timezone.now(),
        response_body=text if len(text) <= BODY_LIMIT else text[:BODY_LIMIT] + "…",
        outcome=Outcome.REJECTED,
        error_code=skipped.code,
        error=skipped.message[:2000],
    )
    return Skipped(national_id=national_id, code=skipped.code, reason=skipped.message)


def _import(raw: Any, at: datetime, report: PullReport) -> None:
    """Receive one item (in a savepoint), or record why it was skipped."""
    national_id = str(raw.get("MaPAKN") or "") if isinstance(raw, dict) else ""
    try:
        with transaction.atomic():
            item = item_read(raw)
            received = feedback_receive_national(
                national_id=item.national_id,
                submitter_name=item.submitter_name,
                phone=item.phone,
                email=item.email,
                subject=item.subject,
                content=item.content,
                agency=agency_resolve(item),
                received_at=item.received_at,
                at=at,
            )
    except ItemSkipped as skipped:
        report.skipped.append(_record_skip(raw, national_id, skipped))
        return
    except FeedbackError as refused:
        message = f"Phản ánh «{national_id}» không nhận được ({refused.code}): {refused.message}"
        report.skipped.append(_record_skip(raw, national_id, ItemSkipped(SkipCode.REFUSED, message)))
        return
    except IntegrityError:
        # concurrency: another pull received the same MaPAKN between our check and our insert
        if not Feedback.objects.filter(national_id=national_id).exists():
            raise
        report.already += 1
        return
    if received.created:
        report.imported.append(received.feedback.code)
    else:
        report.already += 1


def _page(answer: dict[str, Any]) -> tuple[list[Any], str, bool]:
    items, position = answer.get("result"), answer.get("ViTriTiep")
    if not isinstance(items, list) or position is None:
        raise IntegrationError(
            IntegrationErrorCode.PARTNER_ERROR,
            f"{Partner.PAKN.label} trả lời {LIST_SERVICE} không đúng giao thức (thiếu «result» hoặc «ViTriTiep»).",
        )
    return items, str(position), bool(answer.get("ConTiep"))


def pakn_pull(
    *,
    at: datetime | None = None,
    restart: bool = False,
    since: date | None = None,
    page_size: int = PAGE_SIZE,
    max_pages: int = MAX_PAGES,
    client: PartnerClient | None = None,
) -> PullReport:
    """Import what the national system received after the stored position (see the module).

    concurrency: each page runs in one transaction holding the cursor row's lock (``select_for_update``),
    so two pulls at once take turns and the second starts from where the first stopped.
    # idempotency: a feedback is created once per MaPAKN (unique), so a page read twice imports nothing.
    """
    at = at or timezone.now()
    client = client or PartnerClient(Partner.PAKN)
    report = PullReport()
    repull = restart or since is not None
    position = ""
    for number in range(max_pages):
        with transaction.atomic():
            NationalFeedbackCursor.objects.get_or_create(source=SOURCE)
            cursor = NationalFeedbackCursor.objects.select_for_update().get(source=SOURCE)
            if number == 0 and not repull:
                position = cursor.position
            query: dict[str, Any] = {"TuViTri": position, "SoLuong": page_size}
            if since is not None:
                query["TuNgay"] = since.strftime("%Y%m%d") + "000000"
            try:
                items, position, more = _page(client.call(LIST_SERVICE, {"data": query}, subject="pakn:pull"))
            except IntegrationError as exc:  # recorded as an attempt, committed with this transaction
                report.error = exc
                break
            report.pages += 1
            if more and (not items or position == query["TuViTri"]):
                more = False  # a page that does not move forward: stop rather than loop
            skipped_before, imported_before = len(report.skipped), len(report.imported)
            for raw in items:
                _import(raw, at, report)
            if not repull:
                cursor.position = position
            cursor.pulled_at = at
            cursor.imported += len(report.imported) - imported_before
            cursor.skipped += len(report.skipped) - skipped_before
            cursor.save()
        report.position = position
        if not more:
            break
    return report
