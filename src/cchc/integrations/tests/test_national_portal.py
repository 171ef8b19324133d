"""The dossier sync with the national portal, end to end: dossiers taken through their lifecycle by the
services, the outbox's dispatcher, the subscriber ``integrations.dvcqg`` and the simulator as a real
subprocess over HTTP (no mocks)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from cchc.dossiers import services as s
from cchc.dossiers.constants import DossierStatus, IdentityLevel, PaymentChannel
from cchc.dossiers.models import Dossier
from cchc.dossiers.tests import conftest as dossier_fixtures
from cchc.dossiers.tests.conftest import AT, World, receive, submit, to_status
from cchc.integrations.constants import IntegrationErrorCode, Outcome
from cchc.integrations.models import Attempt, DossierSync
from cchc.integrations.national_portal.payload import RESYNC_TOPIC, SUBSCRIBER, SYNCED_TOPIC
from cchc.integrations.national_portal.subscriber import (
    dossiers_sync,
    subscriber_register,
    subscriber_register_if_configured,
)
from cchc.integrations.national_portal.tasks import reconcile_dossiers
from cchc.integrations.tests.simulator import NationalSimulator
from cchc.outbox.dispatch import outbox_drain
from cchc.outbox.models import Delivery, DeliveryStatus, OutboxEvent
from cchc.outbox.registry import subscriber, unregister
from cchc.outbox.services import deliveries_replay_dead

pytestmark = pytest.mark.django_db

# the dossier tests' world (registry, procedures, officers), loaded once per module
world_module = dossier_fixtures.world_module
world = dossier_fixtures.world

PORTAL_TIME = re.compile(r"^\d{14}$")


@pytest.fixture
def portal(national_simulator: NationalSimulator) -> Iterator[NationalSimulator]:
    """The simulator, with the subscriber registered (as ``IntegrationsConfig.ready`` does when the URL is set)."""
    subscriber_register()
    try:
        yield national_simulator
    finally:
        unregister(SUBSCRIBER)


def drain(at: datetime | None = None) -> Any:
    return outbox_drain(only=[SUBSCRIBER], at=at)


def stream_events(dossier: Dossier) -> list[OutboxEvent]:
    """The dossier's events the portal is sent (not the adapter's own announcement of a first sync)."""
    return list(OutboxEvent.objects.filter(stream=f"dossier:{dossier.pk}").exclude(topic=SYNCED_TOPIC).order_by("id"))


def test_the_subscriber_is_registered_only_with_the_portal_address(settings: Any) -> None:
    settings.CCHC_PARTNERS = {"dvcqg": {"url": ""}}
    try:
        assert subscriber_register_if_configured() is False
        assert subscriber(SUBSCRIBER) is None
        settings.CCHC_PARTNERS = {"dvcqg": {"url": "http://127.0.0.1:9"}}
        assert subscriber_register_if_configured() is True
        registered = subscriber(SUBSCRIBER)
        assert registered is not None
        assert registered.batch
        assert RESYNC_TOPIC in (registered.topics or ())
    finally:
        unregister(SUBSCRIBER)


def test_a_dossier_through_its_lifecycle_reaches_the_portal_with_its_history_in_order(
    world: World, portal: NationalSimulator
) -> None:
    dossier = to_status(world, DossierStatus.RETURNED)  # received at the counter … result returned
    drain()

    events = stream_events(dossier)
    stored = portal.data("dossier_events", MaHoSo=dossier.code)
    assert [e["SoThuTu"] for e in stored] == [e.pk for e in events]
    assert [e["TrangThaiHoSo"] for e in stored] == [e.payload["sync_code"] for e in events] == [2, 4, 4, 9, 9, 10]
    assert [e["MaGiaoDich"] for e in stored] == [f"{e.pk}:{SUBSCRIBER}" for e in events]
    assert [e["isUpdating"] for e in stored] == ["false"] + ["true"] * 5
    # each item is the dossier as of its event: its history up to it, no return date before the return
    second, last = stored[1]["item"], stored[-1]["item"]
    assert [line["TrangThai"] for line in second["QuaTrinhXuLyHoSo"]] == [2, 4]
    assert second["NgayTra"] == ""
    assert second["DanhSachGiayToKetQua"] == []
    assert second["DanhSachThanhToan"] == []
    assert [line["TrangThai"] for line in last["QuaTrinhXuLyHoSo"]] == [2, 4, 4, 9, 9, 10]
    assert last["QuaTrinhXuLyHoSo"][0]["NguoiXuLy"] == "tiepnhan"
    assert last["QuaTrinhXuLyHoSo"][0]["NoiDungXuLy"] == "Tiếp nhận hồ sơ"
    assert last["MaTTHC"] == "9.000101"
    assert last["MaLinhVuc"] == "LLTP"
    assert last["TenLinhVuc"] == "Lý lịch tư pháp"
    assert (last["KenhThucHien"], last["LoaiDoiTuong"]) == (1, 1)
    assert last["DinhDanhCHS"] == [{"LoaiDinhDanh": 1, "SoDinhDanh": "056190001234"}]
    assert last["NgayTiepNhan"] == "20260105080000"  # 08:00 Vietnam time
    assert PORTAL_TIME.match(last["NgayTra"])
    assert last["NgayKetThucXuLy"] < last["NgayTra"]
    assert PORTAL_TIME.match(last["NgayHenTra"])
    assert last["DanhSachLePhi"][0]["Gia"] == 200000
    assert last["DanhSachThanhToan"][0]["SoBienLai"] == "BL-0001"
    assert last["DuocThanhToanTrucTuyen"] == 3
    assert last["TaiKhoanDuocXacThucVoiVNeID"] == 0  # typed details at the counter, not a VNeID account
    assert last["DanhSachGiayToKetQua"][0]["TenGiayTo"] == "Phiếu lý lịch tư pháp"
    # what we recorded of the acknowledgements
    sync = DossierSync.objects.get(dossier=dossier)
    assert (sync.status_code, sync.last_event_id, sync.sent) == (10, events[-1].pk, 6)
    assert portal.data("dossier_stats") == {
        "dossiers": 1,
        "events": 6,
        "duplicates": 0,
        "out_of_order": 0,
        "rejected": 0,
    }
    assert Attempt.objects.filter(operation="DongBoHoSoMC", outcome=Outcome.OK).count() == 6


def test_an_online_dossier_is_sent_from_its_reception_with_its_submission_in_the_history(
    world: World, portal: NationalSimulator
) -> None:
    dossier = submit(world)
    # filed by an applicant signed in with VNeID (the portal sets it from the identity: cchc.identity)
    Dossier.objects.filter(pk=dossier.pk).update(applicant_identity=IdentityLevel.VNEID_2)
    drain()
    assert portal.data("dossier_stats")["events"] == 0  # no code yet: nothing the portal can key
    assert Delivery.objects.get(subscriber=SUBSCRIBER).status == DeliveryStatus.DELIVERED

    dossier = s.dossier_receive(dossier=dossier, actor=world.reception, at=AT + timedelta(hours=1))
    drain()
    [stored] = portal.data("dossier_events", MaHoSo=dossier.code)
    item = stored["item"]
    assert item["KenhThucHien"] == 2
    assert item["NgayNopHoSo"] == "20260105080000"
    assert item["NgayTiepNhan"] == "20260105090000"
    assert [(line["TrangThai"], line["NoiDungXuLy"]) for line in item["QuaTrinhXuLyHoSo"]] == [
        (1, "Nộp hồ sơ trực tuyến"),
        (2, "Tiếp nhận hồ sơ"),
    ]
    assert item["QuaTrinhXuLyHoSo"][0]["NguoiXuLy"] == "Nguyễn Thị Lan"  # the applicant acted online
    assert item["TaiKhoanDuocXacThucVoiVNeID"] == 1


def test_a_rejected_payload_is_recorded_with_its_reason_and_dead_lettered_after_the_retries(
    world: World, portal: NationalSimulator, settings: Any
) -> None:
    settings.CCHC_NATIONAL_MAX_ATTEMPTS = 4  # the subscriber's own limit (the outbox's default stays 8)
    subscriber_register()
    dossier = receive(world)
    # an owner's name lost by an old data import: the portal refuses the item (ChuHoSo is required)
    Dossier.objects.filter(pk=dossier.pk).update(applicant_name="")
    at = datetime.now().astimezone()
    for _ in range(4):
        drain(at=at)
        at += timedelta(hours=2)

    delivery = Delivery.objects.get(subscriber=SUBSCRIBER)
    assert delivery.status == DeliveryStatus.DEAD
    assert delivery.attempts == 4
    assert "từ chối" in delivery.last_error
    assert "Thiếu trường bắt buộc: ChuHoSo" in delivery.last_error
    rejections = portal.data("dossier_rejections", MaHoSo=dossier.code)
    assert len(rejections) == 4
    assert {r["error_code"] for r in rejections} == {"101"}
    attempts = Attempt.objects.filter(operation="DongBoHoSoMC")
    assert attempts.count() == 4
    assert {(a.outcome, a.error_code) for a in attempts} == {(Outcome.REJECTED, IntegrationErrorCode.REJECTED)}
    assert portal.data("dossier_stats")["events"] == 0
    assert not DossierSync.objects.exists()

    # the dead letter holds the dossier's later events back (in order), until it is replayed
    s.dossier_complete_step(
        dossier=dossier, actor=world.reception, at=AT + timedelta(hours=1), receiver=world.specialist
    )
    drain(at=at)
    assert portal.data("dossier_stats")["events"] == 0
    Dossier.objects.filter(pk=dossier.pk).update(applicant_name="Nguyễn Thị Lan")
    assert deliveries_replay_dead(subscriber=SUBSCRIBER, at=at) == 1
    drain(at=at)
    assert [e["TrangThaiHoSo"] for e in portal.data("dossier_events", MaHoSo=dossier.code)] == [2, 4]


@pytest.mark.parametrize("mode", ["down", "error", "malformed"])
def test_a_portal_down_or_failing_then_healed_gets_each_event_exactly_once(
    world: World, portal: NationalSimulator, mode: str
) -> None:
    portal.control(mode=mode)
    dossier = receive(world)
    result = drain()
    assert (result.delivered, result.failed) == (0, 1)
    delivery = Delivery.objects.get(subscriber=SUBSCRIBER)
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 1
    attempt = Attempt.objects.get(operation="DongBoHoSoMC")  # kept although the delivery failed
    assert attempt.outcome == Outcome.ERROR
    assert attempt.error_code in delivery.last_error

    portal.heal()
    drain()  # the retry is not due yet
    assert portal.data("dossier_stats")["events"] == 0
    drain(at=datetime.now().astimezone() + timedelta(minutes=5))
    assert [e["SoThuTu"] for e in portal.data("dossier_events", MaHoSo=dossier.code)] == [
        e.pk for e in stream_events(dossier)
    ]
    assert portal.data("dossier_stats")["duplicates"] == 0
    assert DossierSync.objects.get(dossier=dossier).sent == 1


def test_a_call_that_timed_out_after_the_portal_stored_it_is_stored_once(
    world: World, portal: NationalSimulator, settings: Any
) -> None:
    settings.CCHC_PARTNERS = {**settings.CCHC_PARTNERS, "dvcqg": {**settings.CCHC_PARTNERS["dvcqg"], "timeout_s": 1.0}}
    portal.control(mode="timeout", delay=1.5, times=1)
    dossier = receive(world)
    assert drain().failed == 1  # we gave up waiting; the portal went on and stored it
    time.sleep(1.0)
    drain(at=datetime.now().astimezone() + timedelta(minutes=5))  # at least once: sent again, same MaGiaoDich
    assert len(portal.data("dossier_events", MaHoSo=dossier.code)) == 1
    assert portal.data("dossier_stats")["duplicates"] == 1
    assert Delivery.objects.get(subscriber=SUBSCRIBER).status == DeliveryStatus.DELIVERED


def test_duplicate_acknowledgements_are_harmless(world: World, portal: NationalSimulator) -> None:
    portal.control(mode="duplicate")
    dossiers = [to_status(world, DossierStatus.PROCESSED, at=AT + timedelta(hours=i)) for i in range(3)]
    result = drain()
    assert result.failed == 0
    assert result.delivered == 12
    for dossier in dossiers:
        sync = DossierSync.objects.get(dossier=dossier)
        assert (sync.sent, sync.status_code) == (4, 9)
        assert len(portal.data("dossier_events", MaHoSo=dossier.code)) == 4
    assert portal.data("dossier_stats")["duplicates"] == 0  # the portal stored each once; only the answers doubled

    # at least once: an acknowledged event handed to the subscriber again (as after a crash) changes nothing
    portal.heal()
    first = stream_events(dossiers[0])[0]
    first.idempotency_key = f"{first.pk}:{SUBSCRIBER}"  # type: ignore[attr-defined]
    assert dossiers_sync([first]) is None
    sync = DossierSync.objects.get(dossier=dossiers[0])
    assert (sync.sent, sync.status_code) == (4, 9)
    assert len(portal.data("dossier_events", MaHoSo=dossiers[0].code)) == 4
    assert portal.data("dossier_stats")["duplicates"] == 1


def _reconcile(*args: str) -> str:
    out = StringIO()
    call_command("integrations", "reconcile", "--from", "2026-01-01", "--to", "2026-01-31", *args, stdout=out)
    return out.getvalue()


def test_reconciliation_finds_the_differences_resends_them_and_then_reports_none(
    world: World, national_simulator: NationalSimulator
) -> None:
    # before the adapter was configured: one dossier received, never sent
    unsent = receive(world)
    drain()
    subscriber_register()
    try:
        synced = receive(world, at=AT + timedelta(hours=1))
        behind = receive(world, at=AT + timedelta(hours=2))
        drain()
        # a step of ``behind`` taken while the adapter was off: the portal keeps its older status
        unregister(SUBSCRIBER)
        s.dossier_complete_step(
            dossier=behind, actor=world.reception, at=AT + timedelta(hours=3), receiver=world.specialist
        )
        drain()
        subscriber_register()

        output = _reconcile("--dry-run")
        assert "Số hồ sơ: hệ thống 3, Cổng DVCQG 2." in output
        assert "Kết quả: 2 khác biệt (chưa có trên Cổng: 1, khác trạng thái: 1, chỉ có trên Cổng: 0)." in output
        assert f"{unsent.code}: chưa có trên Cổng; hệ thống 2 (Được tiếp nhận), Cổng —" in output
        assert f"{behind.code}: khác trạng thái; hệ thống 4 (Đang xử lý), Cổng 2" in output
        assert not OutboxEvent.objects.filter(topic=RESYNC_TOPIC).exists()  # a dry run changes nothing

        output = _reconcile()
        assert "Đã gửi lại 2 hồ sơ qua hộp thư sự kiện; 0 đang chờ gửi; 0 bị giữ bởi thư chết." in output
        assert OutboxEvent.objects.filter(topic=RESYNC_TOPIC).count() == 2
        assert "2 đang chờ gửi" in _reconcile()  # not re-sent twice while on their way
        drain()

        assert _reconcile().splitlines()[-1] == "Kết quả: 0 khác biệt."
        stored = national_simulator.data("dossier_events", MaHoSo=unsent.code)
        assert [(e["TrangThaiHoSo"], e["item"]["QuaTrinhXuLyHoSo"][-1]["NoiDungXuLy"]) for e in stored] == [
            (2, "Tiếp nhận hồ sơ")  # the re-send: the current state with the history
        ]
        assert DossierSync.objects.get(dossier=behind).status_code == 4
        assert DossierSync.objects.get(dossier=synced).status_code == 2
    finally:
        unregister(SUBSCRIBER)


def test_reconciliation_refuses_bad_dates_in_vietnamese_and_changes_nothing(portal: NationalSimulator) -> None:
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("integrations", "reconcile", "--from", "2026-13-01", stdout=out)
    assert "Không đối soát được (integration.bad_input): --from «2026-13-01» không phải ngày hợp lệ" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("integrations", "reconcile", "--from", "2026-02-01", "--to", "2026-01-01", stdout=out)
    assert "Ngày kết thúc 01/01/2026 trước ngày bắt đầu 01/02/2026." in out.getvalue()
    assert not Attempt.objects.exists()


def test_reconciliation_with_the_portal_down_says_so(world: World, portal: NationalSimulator) -> None:
    receive(world)
    portal.control(mode="down")
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("integrations", "reconcile", "--from", "2026-01-01", "--to", "2026-01-31", stdout=out)
    assert "Không đối soát được (integration.unreachable)" in out.getvalue()
    assert not OutboxEvent.objects.filter(topic=RESYNC_TOPIC).exists()


def test_payments_are_those_made_by_the_event(world: World, portal: NationalSimulator) -> None:
    dossier = to_status(world, DossierStatus.PROCESSED)
    s.dossier_record_payment(
        dossier=dossier,
        actor=None,
        at=AT + timedelta(hours=4),
        amount=Decimal(200000),
        channel=PaymentChannel.ONLINE_GATEWAY,
        receipt_number="GW-1",
    )
    drain()
    stored = portal.data("dossier_events", MaHoSo=dossier.code)
    assert [len(e["item"]["DanhSachThanhToan"]) for e in stored] == [0, 0, 0, 0, 1]
    assert stored[-1]["item"]["DuocThanhToanTrucTuyen"] == 2
    assert stored[-1]["item"]["QuaTrinhXuLyHoSo"][-1]["NguoiXuLy"] == "Cổng thanh toán trực tuyến"


def test_the_nightly_task_reconciles_the_last_days(world: World, portal: NationalSimulator) -> None:
    receive(world)
    outcome = reconcile_dossiers.call(days=(date.today() - AT.date()).days + 2)
    # its event is still on its way (not fanned out yet): waiting, not re-sent
    assert (outcome["ours"], outcome["portal"], outcome["differences"], outcome["waiting"]) == (1, 0, 1, 1)
    assert outcome["resent"] == 0
    drain()
    outcome = reconcile_dossiers.call(days=(date.today() - AT.date()).days + 2)
    assert (outcome["ours"], outcome["portal"], outcome["differences"]) == (1, 1, 0)
