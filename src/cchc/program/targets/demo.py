"""``cchc program demo-targets``: illustrative manual values so the demo's target pages have figures.

The figures are made up for the demo (every value's note says so), entered through the service by a
demo officer of Sở Nội vụ (``chitieu.snv``, created or reset here, password printed). Idempotent: a
series that already has values is left alone. Refuses to run when DEBUG is off.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from cchc.accounts.constants import Area, Role
from cchc.accounts.models import AgencyMembership
from cchc.accounts.services import membership_grant
from cchc.org.models import Agency
from cchc.program.models import MeasureSeries, Program
from cchc.program.targets.rules import SO_NOI_VU
from cchc.program.targets.services import target_value_record

USERNAME = "chitieu.snv"
NOTE = "Số liệu minh họa cho bản chạy thử, không phải số liệu thật."
DEMO_VALUES: dict[str, list[tuple[str, str]]] = {
    "hai-long-phuc-vu-hanh-chinh": [("2022", "84.1"), ("2023", "86.4"), ("2024", "88.2"), ("2025", "89.5")],
    "ho-so-cong-viec-cap-tinh": [("2023", "71.5"), ("2024", "80.2"), ("2025", "87.9")],
    "bien-che-su-nghiep": [("2026-H1", "3.2")],
    "kiem-tra-moi-truong-so": [("2024", "35"), ("2025", "46.5")],
}


def demo_targets() -> list[str]:
    if not settings.DEBUG:
        raise CommandError("demo-targets chỉ dùng cho bản chạy thử (DEBUG=1).")
    program = Program.objects.order_by("-issued_on", "-pk").first()
    if program is None:
        raise CommandError("Chưa có chương trình (cchc program import ...; cchc program link-targets).")
    now = timezone.now()
    today = timezone.localdate(now)
    agency = Agency.objects.valid_on(today).filter(code=SO_NOI_VU).first()
    if agency is None:
        raise CommandError("Không tìm thấy Sở Nội vụ trong danh mục cơ quan (cchc org load).")
    lines: list[str] = []
    with transaction.atomic():
        user, _ = get_user_model().objects.get_or_create(username=USERNAME)
        password = secrets.token_urlsafe(9)
        user.first_name, user.last_name = "Đỗ Thị Hạnh", ""  # one field (cchc.accounts.names)
        user.set_password(password)
        user.save()
        if not AgencyMembership.objects.valid_on(today).filter(user=user, agency=agency, area=Area.PLANS).exists():
            membership_grant(
                user=user,
                agency=agency,
                area=Area.PLANS,
                role=Role.SPECIALIST,
                valid_from=agency.valid_from or today,
                note="Tài khoản demo (cchc program demo-targets)",
                actor=None,
                at=now,
            )
        series = {s.key: s for s in MeasureSeries.objects.filter(program=program, key__in=DEMO_VALUES)}
        for key, values in DEMO_VALUES.items():
            found = series.get(key)
            if found is None or found.values.exists():
                continue
            for period, value in values:
                target_value_record(
                    series=found,
                    actor=user,
                    period=period,
                    value=Decimal(value),
                    at=now,
                    document_number=f"Báo cáo minh họa {period}/BC-SNV",
                    note=NOTE,
                )
            lines.append(f"  {found.name}: {len(values)} số liệu minh họa")
    lines.insert(0, f"Số liệu chỉ tiêu minh họa ({len(lines)} số đo mới). Cán bộ Sở Nội vụ: {USERNAME} / {password}")
    return lines
