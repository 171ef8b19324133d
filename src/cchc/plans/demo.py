"""``cchc plans demo``: the previous and the current year's plans with a realistic mix of progress.

Idempotent: plans are generated (which never duplicates), demo accounts are created or reset, and
only assignments nobody has touched yet get demo progress, each by the same deterministic draw, so a
second run changes nothing but the printed passwords. Every step goes through the real services
(memberships, progress, content-checked evidence, submission, acceptance by Sở Nội vụ).
"""

from __future__ import annotations

import io
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from cchc.accounts.constants import Area, Role
from cchc.accounts.models import AgencyMembership
from cchc.accounts.services import membership_grant
from cchc.org.models import Agency
from cchc.plans.constants import AssignmentStatus
from cchc.plans.models import Assignment
from cchc.plans.services import (
    GenerateResult,
    assignment_accept,
    assignment_drop,
    assignment_evidence_add,
    assignment_progress_update,
    assignment_submit,
    plan_generate,
)

DEMO_NOTE = "Tài khoản demo (cchc plans demo)"
MEMBERSHIP_FROM = date(2025, 7, 1)  # the agencies in office since the 2025 reorganisation

# (username, full name as written, agency code): Sở Nội vụ reviews; the others carry their plans
DEMO_ACCOUNTS: tuple[tuple[str, str, str], ...] = (
    ("kehoach.snv", "Nguyễn Văn Bình", "so-noi-vu"),
    ("kehoach.stp", "Trần Thị Thu", "so-tu-phap"),
    ("kehoach.stc", "Lê Minh Quân", "so-tai-chinh"),
    ("kehoach.skhcn", "Phạm Thị Ngọc", "so-khoa-hoc-va-cong-nghe"),
    ("kehoach.vp", "Hoàng Văn Nam", "van-phong-ubnd"),
    ("kehoach.nhatrang", "Võ Thị Hạnh", "ubnd-22366"),
)


def demo_pdf(title: str) -> bytes:
    """A small valid PDF (one page, one line of ASCII text)."""
    text = title.encode("ascii", "replace").decode("ascii").replace("(", "[").replace(")", "]")
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{n} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


@dataclass
class DemoResult:
    generated: list[GenerateResult]
    accounts: list[tuple[str, str, str]]  # username, password, agency name
    touched: int


def _account(username: str, full_name: str, agency: Agency, at: datetime) -> tuple[AbstractBaseUser, str]:
    user_model = get_user_model()
    user, _ = user_model.objects.get_or_create(
        username=username, defaults={"first_name": full_name, "email": f"{username}@khanhhoa.gov.vn"}
    )
    password = secrets.token_urlsafe(9)
    user.set_password(password)
    user.is_active = True
    user.save()
    if not AgencyMembership.objects.filter(user=user, agency=agency, area=Area.PLANS, role=Role.SPECIALIST).exists():
        membership_grant(
            user=user,
            agency=agency,
            area=Area.PLANS,
            role=Role.SPECIALIST,
            valid_from=MEMBERSHIP_FROM,
            note=DEMO_NOTE,
            actor=None,
            at=at,
        )
    return user, password


def _moment(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC)


def _play(
    assignment: Assignment, officer: AbstractBaseUser, reviewer: AbstractBaseUser, draw: float, *, now: datetime
) -> bool:
    """Give one untouched assignment its demo history; True when something was done."""
    past_year = assignment.year < timezone.localdate(now).year
    start = max(date(assignment.year, 7, 15), MEMBERSHIP_FROM + timedelta(days=14))
    first = min(_moment(start, 2), now - timedelta(hours=3))
    second = min(first + timedelta(days=30), now - timedelta(hours=2))
    third = min(first + timedelta(days=45), now - timedelta(hours=1))
    steps: list[Callable[[], object]] = []
    done_share, submitted_share, progress_share, drop_share = (
        (0.55, 0.1, 0.2, 0.03) if past_year else (0.1, 0.1, 0.4, 0)
    )
    if draw < done_share + submitted_share:
        steps += [
            lambda: assignment_progress_update(
                assignment=assignment,
                user=officer,
                percent=60,
                note="Đã triển khai, đang hoàn thiện sản phẩm.",
                at=first,
            ),
            lambda: assignment_evidence_add(
                assignment=assignment,
                user=officer,
                file=SimpleUploadedFile("bao-cao-ket-qua.pdf", demo_pdf(f"Ket qua {assignment.number_label}")),
                description="Báo cáo kết quả thực hiện",
                at=second,
            ),
            lambda: assignment_submit(
                assignment=assignment, user=officer, note="Đã hoàn thành, kèm báo cáo kết quả.", at=second
            ),
        ]
        if draw < done_share:
            steps.append(lambda: assignment_accept(assignment=assignment, user=reviewer, note="Đạt yêu cầu.", at=third))
    elif draw < done_share + submitted_share + progress_share:
        percent = 20 + int(draw * 1000) % 60
        steps.append(
            lambda: assignment_progress_update(
                assignment=assignment, user=officer, percent=percent, note="Đang triển khai theo kế hoạch.", at=first
            )
        )
    elif draw < done_share + submitted_share + progress_share + drop_share:
        steps.append(
            lambda: assignment_drop(
                assignment=assignment,
                user=reviewer,
                reason="Nhiệm vụ chuyển về Trung ương thực hiện theo quy định mới.",
                at=first,
            )
        )
    for step in steps:
        step()
    return bool(steps)


@transaction.atomic
def plans_demo(*, at: datetime) -> DemoResult:
    """Generate last year's and this year's plans and play a deterministic mix of progress on them."""
    today = timezone.localdate(at)
    years = [today.year - 1, today.year]
    generated = [plan_generate(year=year, at=at) for year in years]
    valid = Agency.objects.valid_on(today)
    accounts: list[tuple[str, str, str]] = []
    officers: dict[int, AbstractBaseUser] = {}
    reviewer: AbstractBaseUser | None = None
    for username, full_name, code in DEMO_ACCOUNTS:
        agency = valid.filter(code=code).first()
        if agency is None:
            continue
        user, password = _account(username, full_name, agency, at)
        accounts.append((username, password, agency.name))
        officers[agency.pk] = user
        if code == "so-noi-vu":
            reviewer = user
    touched = 0
    if reviewer is None:
        return DemoResult(generated, accounts, touched)
    untouched = (
        Assignment.objects.filter(
            year__in=years, lead_agency_id__in=officers, status=AssignmentStatus.NOT_STARTED, percent=0
        )
        .filter(entries__isnull=True)
        .select_related("lead_agency")
        .order_by("pk")
    )
    for assignment in untouched:
        draw = random.Random(f"{assignment.year}:{assignment.lead_agency.code}:{assignment.source_key}").random()  # noqa: S311
        touched += _play(assignment, officers[assignment.lead_agency_id], reviewer, draw, now=at)
    return DemoResult(generated, accounts, touched)
