"""Reconciliation with the national portal (đối soát): compare our dossiers received in a period with what
the portal holds, and re-send the current state of each one that differs, through the outbox.

Basis: the issue's rule ("a nightly reconciliation compares counts and statuses with the portal and
re-sends what differs"); the portal's reconciliation service (``DoiSoatHoSo``, the stored dossiers
received in a period or those named, with their ``TrangThaiHoSo``) is inferred from public
implementations (domain-vn §2.6; no official specification is public) and implemented by the simulator.

What counts as a difference, per dossier received in the period (it has a code): the portal does not hold
it, or holds another ``TrangThaiHoSo`` than the dossier's current sync code; and a dossier the portal
holds for the period that we did not receive in it (reported, nothing to re-send). A differing dossier
whose events for the portal are still on their way (a delivery pending, an event not fanned out yet) is
reported as waiting, not re-sent: the outbox will bring the portal up to date. One whose delivery is
dead is reported as held by a dead letter (a re-send would queue behind it): replay or discard it first.
Any other differing dossier gets a re-send event (:func:`dossier_resync`): topic ``integrations.resync``
on the dossier's stream, with the dossier's current state, which the subscriber sends like any event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction

from cchc.dossiers.constants import DossierStatus
from cchc.dossiers.models import Dossier
from cchc.integrations.client import PartnerClient
from cchc.integrations.constants import IntegrationError, IntegrationErrorCode, Partner
from cchc.integrations.national_portal.payload import PORTAL_TIME, RESYNC_TOPIC, SUBSCRIBER, VN_TZ
from cchc.outbox.models import Delivery, DeliveryStatus, OutboxEvent
from cchc.outbox.services import outbox_emit

SERVICE = "DoiSoatHoSo"
PAGE = 1000
MISSING, STATUS, EXTRA = "missing", "status", "extra"
RESENT, WAITING, DEAD, NOTHING = "resent", "waiting", "dead", "nothing"
KIND_LABELS = {MISSING: "chưa có trên Cổng", STATUS: "khác trạng thái", EXTRA: "chỉ có trên Cổng"}
ACTION_LABELS = {
    RESENT: "đã gửi lại",
    WAITING: "đang chờ gửi (sự kiện chưa chuyển xong)",
    DEAD: "bị giữ bởi thư chết: cần gửi lại hoặc bỏ qua thư chết",
    NOTHING: "không có hồ sơ tương ứng trong hệ thống để gửi lại",
}
LISTED = 50  # differences listed one per line; the rest are counted


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(VN_TZ).isoformat() if moment is not None else None


@transaction.atomic
def dossier_resync(*, dossier_id: int, at: datetime, reason: str) -> OutboxEvent:
    """Queue a re-send of the dossier's current state to the national portal: an ``integrations.resync``
    event on the dossier's stream, after its earlier events.

    # concurrency: written under the dossier's row lock, the lock the transitions hold while they write
    # their events, so the event's id follows the stream's commit order (docs/outbox.md, "in order")."""
    dossier = Dossier.objects.select_for_update().get(pk=dossier_id)
    status = DossierStatus(dossier.status)
    payload = {
        "dossier_id": dossier.pk,
        "code": dossier.code or "",
        "action": "resync",
        "status": status.value,
        "sync_code": status.sync_code,
        "status_before": None,
        "at": _iso(at),
        "actor_id": None,
        "channel": dossier.channel,
        "receiving_agency_id": dossier.receiving_agency_id,
        "competent_agency_id": dossier.competent_agency_id,
        "due_at": _iso(dossier.due_at),
        "statutory_due_at": _iso(dossier.statutory_due_at),
        "details": {"reason": reason},
    }
    return outbox_emit(topic=RESYNC_TOPIC, stream=f"dossier:{dossier.pk}", payload=payload, occurred_at=at)


@dataclass
class Difference:
    code: str
    kind: str  # MISSING, STATUS, EXTRA
    ours: int | None  # our TrangThaiHoSo
    portal: int | None  # the portal's
    action: str = NOTHING

    def line(self) -> str:
        ours = f"{self.ours} ({DossierStatus.from_sync_code(self.ours).label})" if self.ours else "—"
        portal = str(self.portal) if self.portal is not None else "—"
        return (
            f"  {self.code}: {KIND_LABELS[self.kind]}; hệ thống {ours}, Cổng {portal} — {ACTION_LABELS[self.action]}."
        )


@dataclass
class ReconcileReport:
    start: date
    end: date
    ours: int = 0
    portal: int = 0
    differences: list[Difference] = field(default_factory=list)

    def count(self, *, action: str | None = None, kind: str | None = None) -> int:
        return sum(
            1 for d in self.differences if (action is None or d.action == action) and (kind is None or d.kind == kind)
        )

    def lines(self) -> list[str]:
        """The report in Vietnamese, for the command's output and the task's log."""
        out = [
            f"Đối soát hồ sơ với Cổng Dịch vụ công quốc gia: hồ sơ tiếp nhận từ {self.start:%d/%m/%Y} "
            f"đến {self.end:%d/%m/%Y}.",
            f"Số hồ sơ: hệ thống {self.ours}, Cổng DVCQG {self.portal}.",
        ]
        if not self.differences:
            out.append("Kết quả: 0 khác biệt.")
            return out
        out.append(
            f"Kết quả: {len(self.differences)} khác biệt ("
            + ", ".join(f"{label}: {self.count(kind=kind)}" for kind, label in KIND_LABELS.items())
            + ")."
        )
        out.extend(d.line() for d in self.differences[:LISTED])
        if len(self.differences) > LISTED:
            out.append(f"  … và {len(self.differences) - LISTED} khác biệt khác.")
        out.append(
            f"Đã gửi lại {self.count(action=RESENT)} hồ sơ qua hộp thư sự kiện; {self.count(action=WAITING)} đang chờ "
            f"gửi; {self.count(action=DEAD)} bị giữ bởi thư chết."
        )
        return out


def _portal_states(client: PartnerClient, start: date, end: date) -> tuple[dict[str, int], int]:
    """The portal's dossiers received in [start, end] (Vietnam days): {MaHoSo: TrangThaiHoSo}, its count."""
    states: dict[str, int] = {}
    total, page = 0, 1
    first = datetime.combine(start, time.min, tzinfo=VN_TZ).strftime(PORTAL_TIME)
    last = datetime.combine(end, time(23, 59, 59), tzinfo=VN_TZ).strftime(PORTAL_TIME)
    while True:
        answer = client.call(
            SERVICE,
            {"data": {"TuNgay": first, "DenNgay": last, "Trang": page, "SoLuong": PAGE}},
            subject=f"đối soát {start:%d/%m/%Y}-{end:%d/%m/%Y}",
        )
        rows = answer.get("result")
        try:
            total = int(answer.get("TongSo", 0))
        except (TypeError, ValueError):
            total = -1
        if not isinstance(rows, list) or total < 0:
            raise IntegrationError(
                IntegrationErrorCode.PARTNER_ERROR, "Cổng DVCQG trả lời đối soát không đúng giao thức."
            )
        for row in rows:  # a row acknowledged twice (the simulator's "duplicate" mode) counts once
            if isinstance(row, dict) and row.get("MaHoSo"):
                states[str(row["MaHoSo"])] = int(row.get("TrangThaiHoSo") or 0)
        if not rows or page * PAGE >= total:
            return states, total
        page += 1


def _in_flight(dossier_ids: list[int]) -> tuple[set[int], set[int]]:
    """Of ``dossier_ids``: those with an event for the portal still on its way (a pending delivery of the
    subscriber, or an event not fanned out yet), and those held by a dead delivery."""
    waiting: set[int] = set()
    dead: set[int] = set()
    for chunk_start in range(0, len(dossier_ids), 1000):
        streams = {f"dossier:{pk}": pk for pk in dossier_ids[chunk_start : chunk_start + 1000]}
        rows = Delivery.objects.filter(
            subscriber=SUBSCRIBER, stream__in=list(streams), status__in=[DeliveryStatus.PENDING, DeliveryStatus.DEAD]
        ).values_list("stream", "status")
        for stream, status in rows:
            (dead if status == DeliveryStatus.DEAD else waiting).add(streams[stream])
        waiting.update(
            streams[s]
            for s in OutboxEvent.objects.filter(stream__in=list(streams), fanned_out=False).values_list(
                "stream", flat=True
            )
        )
    return waiting - dead, dead


def dossiers_reconcile(
    *, start: date, end: date, at: datetime, resend: bool = True, client: PartnerClient | None = None
) -> ReconcileReport:
    """Compare our dossiers received from ``start`` to ``end`` (Vietnam days, inclusive) with the portal's,
    and (``resend``) queue a re-send of each differing one (see the module). Raises IntegrationError when
    the portal cannot be asked (nothing is changed then)."""
    if end < start:
        raise IntegrationError(
            IntegrationErrorCode.BAD_INPUT, f"Ngày kết thúc {end:%d/%m/%Y} trước ngày bắt đầu {start:%d/%m/%Y}."
        )
    client = client or PartnerClient(Partner.DVCQG)
    portal, total = _portal_states(client, start, end)
    since = datetime.combine(start, time.min, tzinfo=VN_TZ)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=VN_TZ)
    ours: dict[str, tuple[int, int]] = {
        code: (pk, DossierStatus(status).sync_code)
        for pk, code, status in Dossier.objects.filter(received_at__gte=since, received_at__lt=until)
        .exclude(code="")
        .values_list("pk", "code", "status")
    }
    report = ReconcileReport(start=start, end=end, ours=len(ours), portal=total)
    differing: list[tuple[int, Difference]] = []
    for code, (pk, sync_code) in sorted(ours.items()):
        if code not in portal:
            differing.append((pk, Difference(code, MISSING, sync_code, None)))
        elif portal[code] != sync_code:
            differing.append((pk, Difference(code, STATUS, sync_code, portal[code])))
    report.differences = [d for _, d in differing]
    report.differences += [Difference(code, EXTRA, None, portal[code]) for code in sorted(set(portal) - set(ours))]
    waiting, dead = _in_flight([pk for pk, _ in differing])
    for pk, difference in differing:
        if pk in dead:
            difference.action = DEAD
        elif pk in waiting:
            difference.action = WAITING
        elif resend:
            dossier_resync(dossier_id=pk, at=at, reason=f"Đối soát: {KIND_LABELS[difference.kind]}")
            difference.action = RESENT
    return report


def reconcile_period(days: int, *, today: date) -> tuple[date, date]:
    """The default period: the ``days`` Vietnam days up to ``today`` included."""
    return today - timedelta(days=days - 1), today


def report_dict(report: ReconcileReport) -> dict[str, Any]:
    """The report as the task's JSON result."""
    return {
        "start": report.start.isoformat(),
        "end": report.end.isoformat(),
        "ours": report.ours,
        "portal": report.portal,
        "differences": len(report.differences),
        "resent": report.count(action=RESENT),
        "waiting": report.count(action=WAITING),
        "dead": report.count(action=DEAD),
    }
