"""``cchc integrations status`` and ``cchc integrations replay``: the monitoring page's figures and its
replay on the command line, in Vietnamese (numbers in the Vietnamese format), with stable codes."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from cchc.integrations.constants import Outcome, Partner
from cchc.integrations.models import Attempt
from cchc.integrations.tests.simulator import NationalSimulator
from cchc.integrations.tests.test_monitoring import dead_letters, isolated_registry  # noqa: F401
from cchc.outbox.models import Delivery, DeliveryStatus

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("integrations", *args, stdout=out)
    return out.getvalue()


def refused(*args: str) -> tuple[str, str]:
    out = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("integrations", *args, stdout=out)
    return out.getvalue(), str(caught.value)


def test_status_prints_each_partner_in_vietnamese(national_simulator: NationalSimulator, settings: Any) -> None:
    # given two dead letters of the portal (HTTP 500, real calls), one pending, and a busy day of PAKN calls
    dead = dead_letters(national_simulator, settings)
    now = timezone.now()
    Attempt.objects.bulk_create(
        Attempt(
            partner=Partner.PAKN,
            operation="GuiPhanAnh",
            started_at=now - timedelta(hours=2, seconds=i),
            outcome=Outcome.OK if i % 8 else Outcome.ERROR,
            error_code="" if i % 8 else "integration.unreachable",
        )
        for i in range(1234)
    )

    out = run("status")

    assert out.startswith("Tình trạng liên thông lúc ")
    assert "Cổng Dịch vụ công quốc gia (đồng bộ hồ sơ) (dvcqg)" in out
    assert "  Tồn đọng: 1 (đang thử lại 0); chờ lâu nhất: " in out
    assert "; thư chết: 2" in out
    assert "  Tỉ lệ lỗi 1 giờ qua: 100,0 % (2/2 lần gọi)" in out
    assert (
        f"  Thư chết số {dead[0].pk}: sự kiện #{dead[0].event_id} test.dossier_sync (dossier:0), 1 lần thử; lỗi: "
        in out
    )
    assert "[integration.partner_error]" in out
    assert "Không gửi qua hàng đợi (lấy dữ liệu theo lệnh): không có tồn đọng." in out
    # the Vietnamese number format: 155 failures of 1.234 calls = 12,6 %
    assert "  Tỉ lệ lỗi 24 giờ qua: 12,6 % (155/1.234 lần gọi)" in out
    assert "  Tỉ lệ lỗi 1 giờ qua: — (chưa có lần gọi)" in out


def test_replay_one_then_all(national_simulator: NationalSimulator, settings: Any) -> None:
    first, second, third = dead_letters(national_simulator, settings, count=3)

    out = run("replay", "--delivery", str(first.pk))
    assert out.strip() == (
        f"Đã đưa lần chuyển số {first.pk} (sự kiện #{first.event_id} → integrations.dvcqg) về hàng chờ gửi."
    )
    assert Delivery.objects.get(pk=first.pk).status == DeliveryStatus.PENDING

    out = run("replay", "--partner", "dvcqg", "--all")
    assert out.strip() == "Đã đưa 2 thư chết của Cổng Dịch vụ công quốc gia (đồng bộ hồ sơ) về hàng chờ gửi."
    assert not Delivery.objects.filter(status=DeliveryStatus.DEAD).exists()
    assert run("replay", "--all").strip() == "Đã đưa 0 thư chết về hàng chờ gửi."


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (("replay",), "[integration.bad_input] Dùng --delivery SỐ", 2),
        (("replay", "--partner", "abc", "--all"), "[integration.bad_input] Không có hệ thống «abc»", 1),
        (("replay", "--delivery", "abc"), "[outbox.invalid_input]", 1),
        (("replay", "--delivery", "999999"), "[outbox.delivery_not_found] Không có lần chuyển sự kiện số 999999.", 1),
        (("replay", "--partner", "pakn", "--delivery", "DEAD"), "không phải của Hệ thống tiếp nhận", 1),
    ],
)
def test_bad_replays_are_refused_with_a_code_and_change_nothing(
    national_simulator: NationalSimulator, settings: Any, args: tuple[str, ...], message: str, code: int
) -> None:
    dead = dead_letters(national_simulator, settings, count=1)[0]
    args = tuple(str(dead.pk) if a == "DEAD" else a for a in args)
    before = list(Delivery.objects.order_by("pk").values_list("pk", "status", "replay_count"))

    out, error = refused(*args)

    assert message in out
    assert f"kết thúc với mã {code}" in error
    assert list(Delivery.objects.order_by("pk").values_list("pk", "status", "replay_count")) == before


def test_delivery_and_all_are_exclusive() -> None:
    with pytest.raises(CommandError, match="not allowed with argument"):
        call_command("integrations", "replay", "--delivery", "1", "--all")
