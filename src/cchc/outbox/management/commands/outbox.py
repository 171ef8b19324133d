"""``cchc outbox dispatch [--once] [--batch N] [--idle-sleep S]``, ``cchc outbox status``,
``cchc outbox replay (--delivery ID | --subscriber NAME --dead)``."""

from __future__ import annotations

import signal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cchc.common.numbers import vi_age, vi_number
from cchc.outbox.constants import OutboxError


class Command(BaseCommand):
    help = (
        "Hộp thư sự kiện (outbox). Lệnh con: dispatch — chuyển sự kiện tới các bên nhận (chạy liên tục; --once: "
        "chuyển hết những gì đã sẵn sàng rồi dừng); status — tồn đọng, thư chết, tỉ lệ lỗi theo bên nhận; "
        "replay — gửi lại thư chết."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        dispatch = sub.add_parser("dispatch", help="Chuyển sự kiện tới các bên nhận (dừng bằng Ctrl-C hoặc SIGTERM).")
        dispatch.add_argument("--once", action="store_true", help="Chuyển hết những gì đã sẵn sàng rồi dừng")
        dispatch.add_argument(
            "--batch", type=int, default=None, help="Số lần chuyển mỗi lô (mặc định CCHC_OUTBOX_BATCH)"
        )
        dispatch.add_argument(
            "--idle-sleep", type=float, default=None, help="Số giây nghỉ khi không có gì để chuyển (mặc định 1)"
        )
        sub.add_parser("status", help="Tồn đọng theo bên nhận, sự kiện chờ lâu nhất, thư chết, tỉ lệ lỗi 1 giờ qua.")
        replay = sub.add_parser("replay", help="Gửi lại thư chết: một lần chuyển, hoặc mọi thư chết của một bên nhận.")
        replay.add_argument("--delivery", default=None, help="Số của lần chuyển cần gửi lại")
        replay.add_argument("--subscriber", default=None, help="Tên bên nhận (cùng với --dead)")
        replay.add_argument("--dead", action="store_true", help="Mọi thư chết của bên nhận --subscriber")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "dispatch":
                self._dispatch(options["once"], options["batch"], options["idle_sleep"])
            elif options["action"] == "status":
                self._status()
            else:
                self._replay(options["delivery"], options["subscriber"], dead=options["dead"])
        except OutboxError as exc:
            raise CommandError(f"[{exc.code.value}] {exc.message}") from None

    def _dispatch(self, once: bool, batch: int | None, idle_sleep: float | None) -> None:
        from cchc.outbox.dispatch import Stop, dispatch_loop, outbox_drain
        from cchc.outbox.registry import subscribers

        if batch is not None and not 1 <= batch <= 100_000:
            raise CommandError("--batch phải từ 1 đến 100.000.")
        if idle_sleep is not None and not 0 <= idle_sleep <= 3600:
            raise CommandError("--idle-sleep phải từ 0 đến 3.600 giây.")
        names = ", ".join(s.name for s in subscribers()) or "không có"
        if once:
            result = outbox_drain(batch=batch)
            self.stdout.write(
                f"Đã phân phối {vi_number(result.fanned_out)} sự kiện; gửi được {vi_number(result.delivered)}, "
                f"lỗi {vi_number(result.failed)} (trong đó {vi_number(result.dead)} thành thư chết). "
                f"Bên nhận: {names}."
            )
            return
        stop = Stop()
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(f"Bộ chuyển sự kiện outbox đang chạy (bên nhận: {names}); dừng bằng Ctrl-C.")
        self.stdout.flush()
        total = dispatch_loop(batch=batch, idle_sleep=idle_sleep, stop=stop)
        self.stdout.write(
            f"Đã dừng: gửi được {vi_number(total.delivered)}, lỗi {vi_number(total.failed)} "
            f"({vi_number(total.dead)} thư chết)."
        )

    def _status(self) -> None:
        from cchc.outbox.selectors import outbox_status

        status = outbox_status(at=timezone.now())
        self.stdout.write(
            f"Sự kiện chờ phân phối: {vi_number(status.waiting_events)} "
            f"(chờ lâu nhất: {vi_age(status.oldest_waiting_s)})"
        )
        if not status.subscribers:
            self.stdout.write("Chưa có bên nhận nào đăng ký.")
            return
        for row in status.subscribers:
            rate = "—" if row.error_rate is None else f"{vi_number(row.error_rate * 100, 1)} %"
            note = "" if row.registered else " (không còn đăng ký)"
            self.stdout.write(
                f"{row.name}{note}: tồn đọng {vi_number(row.pending)} (đang thử lại {vi_number(row.retrying)}), "
                f"thư chết {vi_number(row.dead)}, chờ lâu nhất {vi_age(row.oldest_undelivered_s)}; 1 giờ qua: gửi được "
                f"{vi_number(row.delivered_last_hour)}, lỗi {vi_number(row.failed_last_hour)}, tỉ lệ lỗi {rate}"
            )

    def _replay(self, delivery: str | None, subscriber: str | None, *, dead: bool) -> None:
        from cchc.outbox.services import deliveries_replay_dead, delivery_replay

        at = timezone.now()
        if delivery is not None and subscriber is None and not dead:
            replayed = delivery_replay(delivery_id=delivery, at=at)
            self.stdout.write(
                f"Đã đưa lần chuyển số {replayed.pk} (sự kiện #{replayed.event_id} → {replayed.subscriber}) "
                "về hàng chờ gửi."
            )
            return
        if delivery is None and subscriber and dead:
            count = deliveries_replay_dead(subscriber=subscriber, at=at)
            self.stdout.write(f"Đã đưa {vi_number(count)} thư chết của «{subscriber}» về hàng chờ gửi.")
            return
        raise CommandError("[outbox.invalid_input] Dùng --delivery SỐ, hoặc --subscriber TÊN --dead.")
