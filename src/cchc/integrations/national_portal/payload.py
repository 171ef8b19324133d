"""A dossier event as the national portal's sync item (``DongBoHoSoMC``), the dossier's state as of the event.

Basis: no official VPCP specification of the sync is public; the field names and codes are inferred
from public implementations of provincial systems (domain-vn §2.6: FDVC, another C# model, F766-doc),
and the status codes ``TrangThaiHoSo`` 1-10 are those of domain-vn §2.5 (``DossierStatus.sync_code``).
The dossier code ``MaHoSo`` is the one of TT 01/2018/TT-VPCP Điều 19 (``cchc.dossiers.codes``).

**As of the event, not now.** Each outbox event of a dossier becomes one item describing the dossier
at the moment of that event: ``TrangThaiHoSo`` and ``NgayHenTra`` come from the event's payload, the
end dates and the processing history from the dossier's events up to this one, the payments from those
made by then. A late delivery (a backlog, a retry after an outage) therefore sends what was true at the
event, and the portal sees the dossier's history in its order even when it catches up hours later.
What never changes once set (code, procedure, applicant, reception and submission moments) is read from
the dossier.

**The processing history** (``QuaTrinhXuLyHoSo``) is built from the dossier's outbox events (stream
``dossier:<id>``, ids up to this event's), not from the audit trail or the hand-overs: the events are
exactly the transitions the portal is told about (one history line per status change the portal
received), they carry the status code and the appointment of their moment, they are read with one
indexed query per batch (``outbox_event_stream``), and a redelivery builds the same history byte for
byte. The hand-overs hold only the internal steps, the audit trail is keyed for other readers.

**Not sent: a dossier without a code.** The portal keys a dossier by ``MaHoSo``, and the code is given
at reception (TT 01/2018 Điều 19: the reception date is part of it). An online dossier's events before
reception (submitted, asked to complete before reception, refused or withdrawn before reception) are
therefore not sent; the reception's item carries the submission (``NgayNopHoSo`` and the history's first
line). A dossier refused or withdrawn before reception never reaches the portal.

Two fields are ours, for the portal's (and the simulator's) de-duplication and ordering:
``MaGiaoDich`` (the delivery's idempotency key, ``"<event id>:integrations.dvcqg"``, the same on every
retry) and ``SoThuTu`` (the outbox event id, increasing within a dossier).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db.models import Q

from cchc.accounts.names import FULL_NAME_FIELD
from cchc.catalogue.constants import FeeKind
from cchc.dossiers.constants import (
    Action,
    ApplicantKind,
    Channel,
    DocumentSource,
    DossierStatus,
    HandoverOutcome,
    PaymentChannel,
)
from cchc.dossiers.events import DossierEvent
from cchc.dossiers.models import Dossier, DossierDocument, FeeLine, Payment, ResultDocument
from cchc.outbox.models import OutboxEvent, idempotency_key

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PORTAL_TIME = "%Y%m%d%H%M%S"  # yyyyMMddHHmmss, Vietnam time (domain-vn §2.6)
SUBSCRIBER = "integrations.dvcqg"
RESYNC_TOPIC = "integrations.resync"  # the reconciliation's re-send of a dossier's current state
SYNCED_TOPIC = "integrations.dossier_synced"  # the portal acknowledged the dossier for the first time (rollups)
HISTORY_TOPICS = frozenset(topic.value for topic in DossierEvent)
SUMMARY_MAX = 1000  # TrichYeuHoSo ≤ 1000 characters
HANDLER_NAME_MAX = 50  # NguoiXuLy ≤ 50 characters

# KenhThucHien: 1 in person, 2 online, 3 postal (domain-vn §2.6)
CHANNEL_CODES = {Channel.IN_PERSON.value: 1, Channel.ONLINE.value: 2, Channel.POSTAL.value: 3}
# LoaiDoiTuong: 1 citizen, 2 enterprise, 3 state agency, 4 organisation or other (domain-vn §2.6)
CITIZEN, ENTERPRISE, ORGANISATION = 1, 2, 4
# LoaiPhiLePhi: 1 phí, 2 lệ phí (inferred from public implementations; Luật Phí và lệ phí 2015 Điều 3)
FEE_KIND_CODES = {FeeKind.FEE.value: 1, FeeKind.CHARGE.value: 2}
# The first terminal status ends the processing (F766-doc 2.1, domain-vn §2.5): its moment is NgayKetThucXuLy.
END_STATUSES = frozenset(
    {
        DossierStatus.PROCESSED.value,
        DossierStatus.RETURNED.value,
        DossierStatus.STOPPED.value,
        DossierStatus.REFUSED.value,
        DossierStatus.WITHDRAWN.value,
    }
)
RESULT_STATUSES = frozenset({DossierStatus.PROCESSED.value, DossierStatus.RETURNED.value})
SPECIAL_ACTIONS = {
    "submit": "Nộp hồ sơ trực tuyến",
    "rate": "Đánh giá mức độ hài lòng",
    "resync": "Đồng bộ lại trạng thái hiện tại (đối soát)",
    "sign_result": "Ký số kết quả giải quyết",
}


def portal_time(moment: datetime | None) -> str:
    """``yyyyMMddHHmmss`` in Vietnam time; ``""`` when there is none (the portal's convention)."""
    return moment.astimezone(VN_TZ).strftime(PORTAL_TIME) if moment is not None else ""


def _moment(value: Any) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(str(value))


def applicant_kind_code(kind: str, id_number: str) -> int:
    """``LoaiDoiTuong`` of the applicant. The platform records citizens and "organisations, enterprises"
    (``ApplicantKind``); an organisation identified by a 10- or 13-digit number is an enterprise (the
    enterprise code is its tax code: Luật Doanh nghiệp 2020 Điều 29), any other organisation is 4."""
    if kind == ApplicantKind.CITIZEN:
        return CITIZEN
    digits = id_number.replace("-", "").strip()
    return ENTERPRISE if digits.isdigit() and len(digits) in (10, 13) else ORGANISATION


def applicant_identifiers(kind: str, id_number: str) -> list[dict[str, Any]]:
    """``DinhDanhCHS``: a citizen's identity number, type 1 for the 12-digit CCCD and 2 for the 9-digit
    CMND (domain-vn §2.6); none for an organisation or a number of another shape."""
    number = id_number.strip()
    if kind != ApplicantKind.CITIZEN or not number.isdigit() or len(number) not in (9, 12):
        return []
    return [{"LoaiDinhDanh": 1 if len(number) == 12 else 2, "SoDinhDanh": number}]


class HistoryEvent(NamedTuple):
    """A dossier event as the history reads it (a tuple: a batch reads thousands of them)."""

    pk: int
    topic: str
    payload: dict[str, Any]


def _handling(event: HistoryEvent) -> str:
    """``NoiDungXuLy`` of one history line: the transition in words, with its reason or step."""
    payload = event.payload
    action = str(payload.get("action") or "")
    if action in SPECIAL_ACTIONS:
        text = SPECIAL_ACTIONS[action]
    elif action in Action.values:
        label = str(Action(action).label)
        text = label[:1].upper() + label[1:]
    else:
        text = action or event.topic
    details = payload.get("details") or {}
    if event.topic == DossierEvent.STEP_COMPLETED and details.get("step") is not None:
        outcome = details.get("outcome")
        said = HandoverOutcome(outcome).label if outcome in HandoverOutcome.values else ""
        text += f" (bước {details['step']}" + (f", {said.lower()}" if said else "") + ")"
    if details.get("reason"):
        text += f": {details['reason']}"
    return text[:2000]


class SyncDocument(NamedTuple):
    """A component of the dossier as ``TaiLieuNop`` reads it."""

    pk: int
    order: int
    name: str
    type_code: str
    source: str
    has_file: bool
    stored: bool
    digitisation_code: str


class SyncResult(NamedTuple):
    """A signed electronic result as ``DanhSachGiayToKetQua`` reads it."""

    token: str
    title: str
    signed_at: datetime
    ended_at: datetime | None


def document_digitised(document: SyncDocument) -> bool:
    """``DuocSoHoa``: the component holds a file — uploaded, reused from the data store, or a paper scanned
    at the counter (TT 01/2023/TT-VPCP Điều 4-5). The same rule as QĐ 766 indicator 4.2 counts
    (``cchc.indicators.selectors.DIGITISED_DOCUMENT``)."""
    return document.has_file or document.stored or document.source == DocumentSource.REUSED


def _document_item(document: SyncDocument) -> dict[str, Any]:
    """One ``TaiLieuNop`` line (domain-vn §2.6). ``DuocTaiSuDung`` 1: reused from the applicant's data store
    (0 otherwise; the value 2 seen in implementations is not documented, not used). ``DuocLayTuKhoDMQG`` 0:
    the store of the national portal is not connected. ``DuongDanTaiTepTin`` is left empty: the files of the
    components are the applicant's personal data and are opened only by the agencies handling the dossier
    (issue 16 item 7), not through a link handed to the portal. ``MaKetQuaThayThe``: the digitisation result
    code of the stored document the component stands on (scanned at the counter or reused), inferred from
    the field's name."""
    reused = document.source == DocumentSource.REUSED
    return {
        "TepDinhKemId": document.pk,
        "TenTepDinhKem": document.name[:500],
        "IsDeleted": False,
        "MaThanhPhanHoSo": document.type_code,
        "DuongDanTaiTepTin": "",
        "DuocSoHoa": 1 if document_digitised(document) else 0,
        "DuocTaiSuDung": 1 if reused else 0,
        "DuocLayTuKhoDMQG": 0,
        "MaKetQuaThayThe": document.digitisation_code,
    }


@dataclass
class SyncContext:
    """What a batch's items are built from, loaded with a fixed number of queries."""

    dossiers: dict[int, Dossier] = field(default_factory=dict)
    history: dict[str, list[HistoryEvent]] = field(default_factory=dict)  # stream → its dossier events, id order
    actors: dict[int, str] = field(default_factory=dict)  # user id → name (≤ 50 characters)
    # per dossier: its fee lines (order, kind, name, amount) and payments (paid at, amount, channel, receipt)
    fees: dict[int, list[tuple[int, str, str, Decimal | None]]] = field(default_factory=dict)
    payments: dict[int, list[tuple[datetime, Decimal, str, str]]] = field(default_factory=dict)
    digitised: set[int] = field(default_factory=set)  # dossiers with a digitised component
    documents: dict[int, list[SyncDocument]] = field(default_factory=dict)  # per dossier, in order
    results: dict[int, list[SyncResult]] = field(default_factory=dict)  # per dossier: signed results


def _dossier_id(event: OutboxEvent) -> int | None:
    payload = event.payload if isinstance(event.payload, dict) else {}
    value = payload.get("dossier_id")
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def sync_context(events: Sequence[OutboxEvent]) -> SyncContext:
    """Load the dossiers of ``events``, their histories up to each event, the officers named in them, their
    fees, payments, components and signed results (eight queries whatever the batch's size).

    # performance: fees and payments are read as tuples, not prefetched: the prefetch's per-dossier
    # querysets cost more than the rest of the batch (measured: 0.43 s of 1.5 s for 600 events)."""
    context = SyncContext()
    ids = {pk for pk in map(_dossier_id, events) if pk is not None}
    if not ids:
        return context
    context.dossiers = {
        dossier.pk: dossier
        for dossier in Dossier.objects.filter(pk__in=ids).select_related(
            "procedure_version__procedure",
            "procedure_version__field",
            "competent_agency",
            "receiving_agency",
        )
    }
    fees: dict[int, list[tuple[int, str, str, Decimal | None]]] = defaultdict(list)
    for dossier_id, order, kind, name, amount in (
        FeeLine.objects.filter(dossier_id__in=ids)
        .order_by("dossier_id", "order")
        .values_list("dossier_id", "order", "kind", "name", "amount")
    ):
        fees[dossier_id].append((order, kind, name, amount))
    context.fees = dict(fees)
    payments: dict[int, list[tuple[datetime, Decimal, str, str]]] = defaultdict(list)
    for dossier_id, paid_at, amount, channel, receipt in (
        Payment.objects.filter(dossier_id__in=ids)
        .order_by("dossier_id", "paid_at", "pk")
        .values_list("dossier_id", "paid_at", "amount", "channel", "receipt_number")
    ):
        payments[dossier_id].append((paid_at, amount, channel, receipt))
    context.payments = dict(payments)
    documents: dict[int, list[SyncDocument]] = defaultdict(list)
    for dossier_id, pk, order, name, type_code, source, file, stored, code in (
        DossierDocument.objects.filter(dossier_id__in=ids)
        .order_by("dossier_id", "order", "pk")
        .values_list(
            "dossier_id",
            "pk",
            "order",
            "name",
            "document_type_code",
            "source",
            "file",
            "stored_document_id",
            "stored_document__digitisation_code",
        )
    ):
        document = SyncDocument(pk, order, name, type_code, source, bool(file), stored is not None, code or "")
        documents[dossier_id].append(document)
    context.documents = dict(documents)
    context.digitised = {pk for pk, rows_ in documents.items() if any(map(document_digitised, rows_))}
    results: dict[int, list[SyncResult]] = defaultdict(list)
    for dossier_id, token, title, signed_at, ended_at in (
        ResultDocument.objects.filter(dossier_id__in=ids, signed_at__isnull=False)
        .filter(~Q(signed_sha256=""))
        .order_by("dossier_id", "signed_at", "pk")
        .values_list("dossier_id", "token", "title", "signed_at", "ended_at")
    ):
        if signed_at is not None:  # the filter's; for the type checker
            results[dossier_id].append(SyncResult(token, title, signed_at, ended_at))
    context.results = dict(results)
    cutoff: dict[str, int] = {}
    for event in events:
        cutoff[event.stream] = max(cutoff.get(event.stream, 0), event.pk)
    rows = (
        OutboxEvent.objects.filter(stream__in=list(cutoff), id__lte=max(cutoff.values()), topic__in=HISTORY_TOPICS)
        .order_by("stream", "id")
        .values_list("id", "stream", "topic", "payload")
    )
    history: dict[str, list[HistoryEvent]] = defaultdict(list)
    for pk, stream, topic, payload in rows:
        if pk <= cutoff[stream]:
            history[stream].append(HistoryEvent(pk, topic, payload))
    context.history = dict(history)
    actor_ids = {
        int(row.payload["actor_id"]) for rows_ in history.values() for row in rows_ if row.payload.get("actor_id")
    }
    if actor_ids:
        users = get_user_model().objects.filter(pk__in=actor_ids).only("pk", "username", FULL_NAME_FIELD)
        context.actors = {
            user.pk: ((getattr(user, FULL_NAME_FIELD, "") or "").strip() or user.get_username())[:HANDLER_NAME_MAX]
            for user in users
        }
    return context


def _history_line(
    event: HistoryEvent, previous: HistoryEvent | None, code: str, applicant: str, actors: Mapping[int, str]
) -> dict[str, Any]:
    payload = event.payload
    actor_id = payload.get("actor_id")
    if actor_id:
        who = actors.get(int(actor_id), f"Cán bộ #{actor_id}")
    elif payload.get("action") == Action.RECORD_PAYMENT:
        who = "Cổng thanh toán trực tuyến"
    elif payload.get("action") == "sign_result":
        who = str((payload.get("details") or {}).get("signer") or "Hệ thống ký số")  # the signing agency
    else:
        who = applicant  # null actor: the applicant acting online
    at = _moment(payload.get("at"))
    started = _moment(previous.payload.get("at")) if previous is not None else at
    return {
        "MaHoSo": code,
        "NguoiXuLy": who[:HANDLER_NAME_MAX],
        "ThoiDiemXuLy": portal_time(at),
        "NoiDungXuLy": _handling(event),
        "TrangThai": payload.get("sync_code"),
        "NgayBatDau": portal_time(started),
        "NgayKetThucTheoQuyDinh": portal_time(_moment(payload.get("statutory_due_at"))),
    }


def sync_item(event: OutboxEvent, context: SyncContext) -> dict[str, Any] | None:
    """The portal's sync item of ``event`` (the dossier as of it), or None when nothing is to be sent:
    the dossier had no code yet at the event (see the module), or it no longer exists."""
    payload = event.payload if isinstance(event.payload, dict) else {}
    dossier_id = _dossier_id(event)
    dossier = context.dossiers.get(dossier_id) if dossier_id is not None else None
    code = str(payload.get("code") or "")
    if dossier is None or not code:
        return None
    version = dossier.procedure_version
    history = context.history.get(event.stream, [])
    lines, previous = [], None
    ended = returned = supplement = refused = None
    for row in history:
        lines.append(_history_line(row, previous, code, dossier.applicant_name, context.actors))
        previous = row
        status, at = row.payload.get("status"), _moment(row.payload.get("at"))
        if status in END_STATUSES and ended is None:
            ended = at
        if status == DossierStatus.RETURNED and returned is None:
            returned = at
        if status == DossierStatus.SUPPLEMENT_REQUESTED and row.payload.get("status_before") != status:
            supplement = at
        if status == DossierStatus.REFUSED and refused is None:
            refused = at
    at = _moment(payload.get("at"))
    status = str(payload.get("status") or "")
    paid = [p for p in context.payments.get(dossier.pk, []) if at is None or p[0] <= at]
    # the results signed by the event and not yet replaced or revoked at it
    signed = [
        r
        for r in context.results.get(dossier.pk, [])
        if at is None or (r.signed_at <= at and (r.ended_at is None or r.ended_at > at))
    ]
    fees = [
        {
            "TenPhiLePhi": name,
            "MaPhiLePhi": f"{version.procedure.code}-{order}",
            "LoaiPhiLePhi": FEE_KIND_CODES.get(kind, 1),
            "Gia": int(amount) if amount is not None else None,  # None: fixed later (a table of amounts)
        }
        for order, kind, name, amount in context.fees.get(dossier.pk, [])
    ]
    summary = f"{version.name} — {dossier.applicant_name}"
    item: dict[str, Any] = {
        "MaHoSo": code,
        "MaTTHC": version.procedure.code,
        "TenTTHC": version.name[:500],
        "MaLinhVuc": version.field.code,
        "TenLinhVuc": version.field.name,
        "KenhThucHien": CHANNEL_CODES.get(dossier.channel, 1),
        "ChuHoSo": dossier.applicant_name,
        "LoaiDoiTuong": applicant_kind_code(dossier.applicant_kind, dossier.applicant_id_number),
        "MaDoiTuong": "",  # the DVCQG account id: the platform's own accounts have none
        "DinhDanhCHS": applicant_identifiers(dossier.applicant_kind, dossier.applicant_id_number),
        "TrichYeuHoSo": summary[:SUMMARY_MAX],
        "NgayNopHoSo": portal_time(dossier.submitted_at),
        "NgayTiepNhan": portal_time(dossier.received_at),
        "NgayHenTra": portal_time(_moment(payload.get("due_at"))),
        "NgayTra": portal_time(returned),
        "NgayKetThucXuLy": portal_time(ended),
        "NgayYeuCauBoSung": portal_time(supplement),
        "NgayTuChoi": portal_time(refused),
        "TrangThaiHoSo": payload.get("sync_code"),
        "DonViXuLy": dossier.competent_agency.name,
        "NoiNopHoSo": dossier.receiving_agency.name,
        "HoSoCoThanhPhanSoHoa": 1 if dossier.pk in context.digitised else 0,
        # the applicant signed in with an account of the national electronic identity (issue 15): the flag
        # QĐ 766 indicator 4.5b counts (domain-vn §1.5, §2.6)
        "TaiKhoanDuocXacThucVoiVNeID": 1 if dossier.applicant_identity else 0,
        "QuaTrinhXuLyHoSo": lines,
        "DanhSachLePhi": fees,
        "DanhSachThanhToan": [
            {
                "SoBienLai": receipt,
                "SoTien": int(amount),
                "HinhThucThanhToan": str(PaymentChannel(channel).label),
                "NgayThanhToan": portal_time(paid_at),
            }
            for paid_at, amount, channel, receipt in paid
        ],
        "TaiLieuNop": [_document_item(document) for document in context.documents.get(dossier.pk, [])],
        "DanhSachGiayToKetQua": _result_items(version, status, signed),
        "MaGiaoDich": getattr(event, "idempotency_key", None) or idempotency_key(event.pk, SUBSCRIBER),
        "SoThuTu": event.pk,
    }
    if paid:
        # DuocThanhToanTrucTuyen: 2 paid through the local payment gateway, 3 any other way (domain-vn §2.6)
        online = any(p[2] == PaymentChannel.ONLINE_GATEWAY for p in paid)
        item["DuocThanhToanTrucTuyen"] = 2 if online else 3
    return item


def _result_items(version: Any, status: str, signed: list[SyncResult]) -> list[dict[str, Any]]:
    """``DanhSachGiayToKetQua``: each electronic result signed by the event, with its file link
    ``DuongDanTepTinKetQua`` and its code ``MaKetQua`` (QĐ 766 indicators 4.1 and 3.3 count a dossier whose
    result has a synced file link, domain-vn §1.5). The link is the result's public verification page
    (``/xac-minh/<mã>/``, issue 16 item 2): anyone may open it, it checks the signature and shows only what
    the result shows; the signed file itself is handed to the applicant, not published. ``MaKetQua`` is the
    verification code. Without a signed result, a dossier processed or returned declares its paper result
    (the catalogue's result document, no link), as before."""
    from cchc.dossiers.results.services import result_verify_url

    if signed:
        return [
            {
                "MaKetQua": result.token,
                "MaGiayToKetQua": version.result_document_type,
                "TenGiayTo": result.title,
                "DuongDanTepTinKetQua": result_verify_url(result.token),
            }
            for result in signed
        ]
    if status in RESULT_STATUSES:
        return [
            {
                "MaGiayToKetQua": version.result_document_type,
                "TenGiayTo": version.result_document_name,
                "DuongDanTepTinKetQua": "",
            }
        ]
    return []


def sync_items(events: Iterable[OutboxEvent]) -> dict[int, dict[str, Any] | None]:
    """The items of a batch of events (at most one per dossier), by event id (None: not sent)."""
    events = list(events)
    context = sync_context(events)
    return {event.pk: sync_item(event, context) for event in events}
