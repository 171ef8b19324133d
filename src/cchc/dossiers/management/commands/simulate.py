"""``cchc simulate``: fill the database with simulated one-stop-shop dossiers (demo data, benchmarks).

    cchc simulate --dossiers 300 --seed 1 --if-empty
    cchc simulate --dossiers 1000000 --from 2021-01-01 --to 2026-11-30 --seed 7 --bulk

Needs the agency registry (``cchc org load``) and a published catalogue (``cchc catalogue import``).
Without ``--to`` the period ends now (nothing is simulated in the future). A progress bar is written
to standard error.
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cchc.common.demo import demo_only
from cchc.common.numbers import vi_number, vi_seconds
from cchc.dossiers.constants import DossierStatus
from cchc.dossiers.models import Dossier
from cchc.dossiers.simulation import SimulationSetupError, dossiers_simulate


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Ngày «{value}» không đúng dạng YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = "Mô phỏng hồ sơ thủ tục hành chính qua các nghiệp vụ thật (dữ liệu demo, đo hiệu năng)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dossiers", type=int, default=300, help="Số hồ sơ (mặc định 300).")
        parser.add_argument("--from", dest="start", default="2021-01-01", help="Nộp từ ngày (YYYY-MM-DD).")
        parser.add_argument("--to", dest="end", default=None, help="Đến hết ngày (YYYY-MM-DD; mặc định: bây giờ).")
        parser.add_argument(
            "--seed", type=int, default=None, help="Hạt giống ngẫu nhiên (cùng hạt giống, cùng kết quả)."
        )
        parser.add_argument(
            "--bulk", action="store_true", help="Ghi thẳng theo lô (hàng triệu hồ sơ; không ghi nhật ký)."
        )
        parser.add_argument("--no-progress", action="store_true", help="Không hiện thanh tiến trình.")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Chỉ mô phỏng khi chưa có hồ sơ nào (chạy lại make run không nhân đôi).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        demo_only("cchc simulate")
        count: int = options["dossiers"]
        if count < 1:
            raise CommandError("--dossiers phải lớn hơn 0.")
        if options["if_empty"] and Dossier.objects.exists():
            self.stdout.write("Đã có hồ sơ trong cơ sở dữ liệu; bỏ qua mô phỏng (--if-empty).")
            return
        start = _day(options["start"])
        now = timezone.now()
        end = _day(options["end"]) if options["end"] else timezone.localdate(now)
        horizon = None if options["end"] else now
        seed = options["seed"] if options["seed"] is not None else random.SystemRandom().randrange(1_000_000)
        started = time.perf_counter()
        try:
            result = dossiers_simulate(
                count=count,
                start=start,
                end=end,
                seed=seed,
                bulk=options["bulk"],
                horizon=horizon,
                progress=not options["no_progress"],
            )
        except SimulationSetupError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.perf_counter() - started
        assert result.start is not None
        assert result.end is not None
        out = self.stdout
        path = "ghi theo lô (không ghi nhật ký kiểm toán)" if result.bulk else "qua các nghiệp vụ"
        out.write(
            self.style.SUCCESS(
                f"Đã mô phỏng {vi_number(result.written)} hồ sơ {path} trong {vi_seconds(elapsed)} (hạt giống {seed})."
            )
        )
        local = timezone.localtime
        out.write(f"  Khoảng thời gian: {local(result.start):%d/%m/%Y %H:%M} — {local(result.end):%d/%m/%Y %H:%M}")
        if result.start.date() > start:
            out.write(
                f"  Lưu ý: danh mục thủ tục chỉ áp dụng từ {local(result.start):%d/%m/%Y}; "
                "những ngày trước đó không có hồ sơ."
            )
        if result.end - result.start < timedelta(days=30):
            out.write(
                self.style.WARNING(
                    "  Khoảng mô phỏng ngắn hơn 30 ngày vì danh mục thủ tục mới được công bố gần đây. "
                    "Để có dữ liệu nhiều tháng, nạp danh mục trên cơ sở dữ liệu mới với: "
                    "cchc catalogue import --at 2025-07-01T00:00+07:00"
                )
            )
        if result.skipped:
            out.write(f"  Bỏ qua {result.skipped} hồ sơ (không có thủ tục hoặc cơ quan phù hợp vào thời điểm nộp).")
        out.write(f"  Số thao tác: {vi_number(result.events)}; cán bộ mô phỏng mới: {result.officers_created}")
        for status in DossierStatus:
            if result.statuses[status.value]:
                out.write(f"  {status.label:<40} {vi_number(result.statuses[status.value]):>8}")
        if result.failures:
            out.write(self.style.WARNING(f"  {len(result.failures)} hồ sơ bị từ chối và không được ghi, ví dụ:"))
            for line in result.failures[:5]:
                out.write(f"    {line}")
        out.write(f"  Người nộp đánh giá mức độ hài lòng: {vi_number(result.ratings)} hồ sơ")
