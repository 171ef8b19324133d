"""``cchc demo_staff``: the one-stop-shop demo accounts, enough for one complete journey of every
online procedure of the catalogue (``cchc.dossiers.demo_staff``).

Creates (or resets) the accounts, gives each a one-stop-shop membership held since the agency took
office (the 2025 reorganisation day, 1/7/2025, for the agencies that predate it) and prints every
username / password, then each procedure's journey: where it is filed and which account acts at each
step, records the end of processing and returns the result. Only for a local demo (``make run``);
refuses to run when DEBUG is off, and needs the agency registry (``cchc org load``) and, for the
journeys, the catalogue (``cchc catalogue import``).
"""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from cchc.accounts.constants import Area, Role
from cchc.accounts.models import AgencyMembership
from cchc.accounts.names import person_name
from cchc.accounts.services import membership_grant
from cchc.common.demo import demo_only
from cchc.dossiers.demo_staff import Seat, demo_full_name, demo_seats
from cchc.org.constants import AgencyKind
from cchc.org.models import Agency
from cchc.org.selectors import signatory_for
from cchc.org.services import MERGER_DAY, signatory_record

DEMO_NOTE = "Tài khoản demo (cchc demo_staff)"


class Command(BaseCommand):
    help = (
        "Tạo (hoặc đặt lại) tài khoản cán bộ một cửa demo cho mọi bước của mỗi thủ tục trực tuyến "
        "(chỉ khi DEBUG bật) và in mật khẩu cùng hành trình mẫu."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        demo_only("cchc demo_staff")
        now = timezone.now()
        today = timezone.localdate(now)
        try:
            seats, journeys = demo_seats(on=today, at=now)
        except Agency.DoesNotExist as exc:
            raise CommandError(
                "Không tìm thấy cơ quan cho tài khoản demo. Hãy nạp danh mục cơ quan trước: cchc org load"
            ) from exc
        names: dict[tuple[int, str], str] = {}
        lines: list[str] = []
        with transaction.atomic():
            for index, seat in enumerate(seats):
                username = self._unique(seat, names)
                names[seat.key] = username
                user, password = self._reset_user(username, demo_full_name(username, index))
                held = AgencyMembership.objects.valid_on(today).filter(
                    user=user, agency=seat.agency, area=Area.ONE_STOP, role=seat.role
                )
                if not held.exists():
                    membership_grant(
                        user=user,
                        agency=seat.agency,
                        area=Area.ONE_STOP,
                        role=seat.role,
                        valid_from=seat.agency.valid_from or MERGER_DAY,
                        note=DEMO_NOTE,
                        actor=None,
                        at=now,
                    )
                lines.append(f"  {seat.role.label:<30} {user.username} / {password}  — {seat.agency.name}")
            signers = self._signatories(seats, names, today=today, at=now)
        self.stdout.write(self.style.SUCCESS("Tài khoản cán bộ một cửa demo (http://127.0.0.1:8000/mot-cua/):"))
        for line in lines:
            self.stdout.write(line)
        if signers:
            self.stdout.write(f"Người ký văn bản (Mẫu 04, 05) của {signers} cơ quan: lãnh đạo demo của cơ quan đó.")
        if not journeys:
            self.stdout.write("Chưa có thủ tục trực tuyến (cchc catalogue import): chưa in hành trình mẫu.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                "Hành trình mẫu của mỗi thủ tục trực tuyến (nộp trên /dich-vu-cong/, rồi lần lượt các tài khoản):"
            )
        )
        for journey in journeys:
            steps = " → ".join(names[seat.key] for _, seat in journey.steps)
            self.stdout.write(
                f"  {journey.version.procedure.code} {journey.version.procedure.name} "
                f"[nộp tại {journey.receiving.name}; giải quyết: {journey.competent.name}]: "
                f"{steps}; ghi nhận xử lý xong: {names[journey.mark_processed.key]}; "
                f"trả kết quả: {names[journey.return_result.key]}"
            )

    @staticmethod
    def _signatories(seats: list[Seat], names: dict[tuple[int, str], str], *, today: Any, at: Any) -> int:
        """Each demo agency with a leader account and no signatory gets that leader as its signer.

        The letters sent to the applicant (Mẫu 04, 05) are signed by a real officer recorded in the
        registry (NĐ 30/2020 Điều 8), never a placeholder: without a signer they are refused, so the
        demo records its leaders as the agencies' signers (a department's "Giám đốc", a People's
        Committee's "Chủ tịch").
        """
        count = 0
        for seat in seats:
            if seat.role != Role.LEADER or signatory_for(seat.agency, on=today) is not None:
                continue
            leader = get_user_model().objects.get(username=names[seat.key])
            is_committee = seat.agency.kind == AgencyKind.PEOPLES_COMMITTEE
            signatory_record(
                agency=seat.agency,
                full_name=person_name(leader),
                position="Chủ tịch" if is_committee else "Giám đốc",
                valid_from=seat.agency.valid_from or MERGER_DAY,
                note=DEMO_NOTE,
                actor=None,
                at=at,
            )
            count += 1
        return count

    @staticmethod
    def _unique(seat: Seat, names: dict[tuple[int, str], str]) -> str:
        """The seat's username, numbered when another agency already took it (two agencies, one slug)."""
        taken = set(names.values())
        username, number = seat.username, 2
        while username in taken:
            username, number = f"{seat.username}{number}", number + 1
        return username

    def _reset_user(self, username: str, full_name: str) -> tuple[Any, str]:
        password = secrets.token_urlsafe(9)
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.first_name = full_name  # one field, as written (cchc.accounts.names)
        user.last_name = ""
        user.email = f"{username}@demo.cchc.invalid"
        user.is_active = True
        user.set_password(password)
        user.save()
        return user, password
