"""``cchc demo_staff``: one demo login per one-stop-shop role, at realistic Khánh Hòa agencies.

Creates (or resets) the accounts, gives each a membership valid today and prints every
username / password. Only for a local demo (``make run``); refuses to run when DEBUG is off, and
needs the agency registry (``cchc org load``).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from cchc.accounts.constants import Area, Role
from cchc.accounts.models import AgencyMembership
from cchc.accounts.services import membership_grant
from cchc.org.constants import AgencyKind, Level
from cchc.org.models import Agency

DEMO_NOTE = "Tài khoản demo (cchc demo_staff)"


@dataclass(frozen=True)
class DemoStaff:
    username: str
    full_name: str
    """Written as on the person's papers, family name first (one field: ``cchc.accounts.names``)."""
    role: Role
    agency_codes: tuple[str, ...]
    """Agency codes tried in order (the first one valid today wins)."""
    agency_kind: str = ""
    """Or, when no code matches, the first provincial agency of this kind valid today."""


DEMO_STAFF: tuple[DemoStaff, ...] = (
    DemoStaff(
        "tiepnhan.tinh",
        "Nguyễn Thị Lan",
        Role.RECEPTION,
        ("trung-tam-phuc-vu-hanh-chinh-cong", "trung-tam-dich-vu-hanh-chinh-cong-truc-tuyen", "van-phong-ubnd"),
        AgencyKind.SERVICE_CENTRE,
    ),
    DemoStaff("chuyenvien.stp", "Trần Văn Minh", Role.SPECIALIST, ("so-tu-phap",)),
    DemoStaff("lanhdao.stp", "Lê Quốc Hùng", Role.LEADER, ("so-tu-phap",)),
    DemoStaff("vanthu.stp", "Phạm Thị Hoa", Role.CLERK, ("so-tu-phap",)),
    # Phường Nha Trang (code 22366), formed on 1/7/2025 under Nghị quyết 1667/NQ-UBTVQH15
    DemoStaff("tiepnhan.nhatrang", "Võ Thị Thảo", Role.RECEPTION, ("ubnd-22366",)),
)


def _agency_for(spec: DemoStaff, today: date) -> Agency:
    valid = Agency.objects.valid_on(today)
    for code in spec.agency_codes:
        agency = valid.filter(code=code).first()
        if agency is not None:
            return agency
    if spec.agency_kind:
        agency = valid.filter(kind=spec.agency_kind, level=Level.PROVINCE).order_by("name").first()
        if agency is not None:
            return agency
    raise CommandError(
        f"Không tìm thấy cơ quan cho tài khoản {spec.username} ({', '.join(spec.agency_codes)}). "
        "Hãy nạp danh mục cơ quan trước: cchc org load"
    )


class Command(BaseCommand):
    help = "Tạo (hoặc đặt lại) tài khoản cán bộ demo cho từng vai trò (chỉ khi DEBUG bật) và in mật khẩu."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("demo_staff chỉ dùng cho bản chạy thử (DEBUG=1).")
        now = timezone.now()
        today = timezone.localdate(now)
        lines = []
        with transaction.atomic():
            for spec in DEMO_STAFF:
                agency = _agency_for(spec, today)
                user, password = self._reset_user(spec)
                held = AgencyMembership.objects.valid_on(today).filter(
                    user=user, agency=agency, area=Area.ONE_STOP, role=spec.role
                )
                if not held.exists():
                    membership_grant(
                        user=user,
                        agency=agency,
                        area=Area.ONE_STOP,
                        role=spec.role,
                        valid_from=agency.valid_from or today,
                        note=DEMO_NOTE,
                        actor=None,
                        at=now,
                    )
                lines.append(f"  {spec.role.label:<30} {user.username} / {password}  — {agency.name}")
        self.stdout.write(self.style.SUCCESS("Tài khoản cán bộ demo (http://127.0.0.1:8000/):"))
        for line in lines:
            self.stdout.write(line)

    def _reset_user(self, spec: DemoStaff) -> tuple[Any, str]:
        password = secrets.token_urlsafe(9)
        user, _ = get_user_model().objects.get_or_create(username=spec.username)
        user.first_name = spec.full_name
        user.last_name = ""
        user.email = f"{spec.username}@demo.cchc.invalid"
        user.is_active = True
        user.set_password(password)
        user.save()
        return user, password
