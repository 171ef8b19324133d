"""Demo data for ``cchc report demo``: the last finished quarter with reports from several agencies in
every state (accepted on time, accepted late, waiting for review, returned, draft, not sent), the
current quarter opened for the demo logins to try, and a draft consolidated report.

Idempotent: an existing period, user or report is left as it is; only what is missing is created. All
writes go through the services at past moments inside the period's reporting window.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser

from cchc.accounts.constants import Area, Role
from cchc.accounts.models import AgencyMembership
from cchc.accounts.services import membership_grant
from cchc.indicators.periods import VN_TZ
from cchc.org.models import Agency
from cchc.reporting import services as s
from cchc.reporting.constants import SO_NOI_VU
from cchc.reporting.models import AgencyReport, ProvinceReport, ReportPeriod
from cchc.reporting.selectors import last_finished_quarter, period_defaults

DEMO_NOTE = "Tài khoản demo (cchc report demo)"
REVIEWER = "baocao.noivu"
RETURN_REASON = "Đề nghị bổ sung số liệu hồ sơ trễ hạn và nguyên nhân tại nội dung cải cách thủ tục hành chính."


@dataclass(frozen=True)
class DemoReport:
    username: str
    first_name: str
    agency_code: str
    days_before_due: int  # submitted this many days before the deadline (negative: after it)
    steps: tuple[str, ...]  # submit | return | resubmit | accept
    texts: dict[int, tuple[str, str, str, str]] = field(default_factory=dict)  # area number -> 4 texts


GENERIC = {
    1: (
        "Rà soát văn bản quy phạm pháp luật thuộc lĩnh vực quản lý; tham gia góp ý dự thảo văn bản của tỉnh",
        "Hoàn thành rà soát 12 văn bản, đề nghị sửa đổi 2 văn bản không còn phù hợp",
        "",
        "",
    ),
    2: (
        "Cập nhật, công khai thủ tục hành chính; tiếp nhận, giải quyết hồ sơ qua hệ thống một cửa điện tử",
        "100% thủ tục được công khai đầy đủ; tỷ lệ hồ sơ giải quyết đúng hạn tăng so với quý trước",
        "Một số hồ sơ liên thông còn chậm do chờ ý kiến của cơ quan phối hợp",
        "Đề nghị rút ngắn thời gian phối hợp liên thông xuống 3 ngày làm việc",
    ),
    3: (
        "Sắp xếp tổ chức bộ máy theo quy định mới; rà soát vị trí việc làm",
        "Hoàn thành kiện toàn các phòng chuyên môn sau sắp xếp",
        "",
        "",
    ),
    4: (
        "Tổ chức bồi dưỡng kỹ năng cho cán bộ một cửa; đánh giá, xếp loại công chức hằng quý",
        "Cử 15 lượt công chức tham gia bồi dưỡng",
        "",
        "",
    ),
    5: (
        "Thực hiện cơ chế tự chủ tài chính; công khai dự toán ngân sách",
        "Công khai dự toán, quyết toán đúng thời hạn",
        "",
        "",
    ),
    6: (
        "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính; sử dụng chữ ký số trong xử lý văn bản",
        "Tỷ lệ văn bản điện tử có ký số đạt trên 95%",
        "Đường truyền tại bộ phận một cửa còn chập chờn",
        "Đề nghị Sở Khoa học và Công nghệ hỗ trợ nâng cấp đường truyền",
    ),
}

DEMO_REPORTS: tuple[DemoReport, ...] = (
    DemoReport("baocao.stp", "Sở Tư pháp", "so-tu-phap", 5, ("submit", "accept")),
    DemoReport("baocao.sxd", "Sở Xây dựng", "so-xay-dung", 2, ("submit", "accept")),
    DemoReport("baocao.syt", "Sở Y tế", "so-y-te", -4, ("submit", "accept")),
    DemoReport("baocao.stc", "Sở Tài chính", "so-tai-chinh", 1, ("submit", "return", "resubmit")),
    DemoReport("baocao.nhatrang", "Phường Nha Trang", "ubnd-22366", 3, ("submit", "accept")),
    DemoReport("baocao.camranh", "Xã Nam Cam Ranh", "ubnd-22480", 0, ("submit", "return")),
    DemoReport("baocao.dienkhanh", "Xã Diên Khánh", "ubnd-22651", -2, ("submit",)),
    DemoReport("baocao.vanninh", "Xã Vạn Ninh", "ubnd-22489", 6, ()),
)


@dataclass
class DemoResult:
    period: ReportPeriod
    current: ReportPeriod
    created_reports: int = 0
    passwords: dict[str, str] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)


def _moment(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=VN_TZ)


def _user(username: str, name: str, agency: Agency, result: DemoResult, now: datetime) -> AbstractBaseUser:
    user, created = get_user_model().objects.get_or_create(
        username=username,
        defaults={"first_name": f"Cán bộ {name}", "email": f"{username}@demo.cchc.invalid"},
    )
    if created:
        password = secrets.token_urlsafe(9)
        user.set_password(password)
        user.save()
        result.passwords[username] = password
    start = agency.valid_from or date(2025, 7, 1)
    if not AgencyMembership.objects.filter(user=user, agency=agency, area=Area.REPORTS).exists():
        membership_grant(
            user=user,
            agency=agency,
            area=Area.REPORTS,
            role=Role.SPECIALIST,
            valid_from=start,
            note=DEMO_NOTE,
            actor=None,
            at=now,
        )
    return user


def _period(key: str, now: datetime) -> ReportPeriod:
    existing = ReportPeriod.objects.filter(key=period_defaults(key=key).key).first()
    return existing or s.report_period_open(key=key, actor=None, at=now)


def _content(report: AgencyReport, spec: DemoReport) -> s.ReportContent:
    sections = {}
    for section in report.sections.select_related("area"):
        texts = spec.texts.get(section.area.number) or GENERIC.get(section.area.number) or ("Triển khai", "Đạt", "", "")
        sections[section.area_id] = s.SectionInput(*texts)
    figures: dict[str, s.FigureInput | None] = {
        "SYNCED_WITH_DVCQG_PERSONAL_STORAGE": s.FigureInput(8, 9, "Sổ theo dõi hồ sơ chia sẻ kho dữ liệu cá nhân")
    }
    return s.ReportContent(
        sections=sections, figures=figures, general=f"{spec.first_name} triển khai đầy đủ kế hoạch CCHC."
    )


def report_demo(*, now: datetime) -> DemoResult:
    """Create what is missing of the demo (see the module docstring)."""
    today = now.astimezone(VN_TZ).date()
    period = _period(last_finished_quarter(today=today), now)
    current_key = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    current = _period(current_key, now)
    result = DemoResult(period=period, current=current)
    agencies = {
        a.code: a
        for a in Agency.objects.valid_on(period.last_day).filter(
            code__in=[SO_NOI_VU, *[d.agency_code for d in DEMO_REPORTS]]
        )
    }
    if SO_NOI_VU not in agencies:
        raise ValueError("Chưa có danh mục cơ quan (Sở Nội vụ). Hãy chạy trước: cchc org load")
    reviewer = _user(REVIEWER, "Sở Nội vụ", agencies[SO_NOI_VU], result, now)
    start = _moment(period.due_on - timedelta(days=10))
    for spec in DEMO_REPORTS:
        agency = agencies.get(spec.agency_code)
        if agency is None:
            result.lines.append(f"Bỏ qua {spec.agency_code}: không có trong danh mục.")
            continue
        officer = _user(spec.username, spec.first_name, agency, result, now)
        if AgencyReport.objects.filter(period=period, agency=agency).exists():
            continue
        report = s.agency_report_start(period=period, agency=agency, actor=officer, at=start)
        content = _content(report, spec)
        sent = _moment(period.due_on - timedelta(days=spec.days_before_due), 10)
        if not spec.steps:
            s.agency_report_save(report=report, content=content, actor=officer, at=start + timedelta(hours=2))
        step_at = sent
        for step in spec.steps:
            if step == "submit":
                report = s.agency_report_submit(report=report, content=content, actor=officer, at=step_at)
            elif step == "return":
                report = s.agency_report_return(
                    report=report,
                    reason=RETURN_REASON,
                    actor=reviewer,
                    at=step_at,
                )
            elif step == "resubmit":
                report = s.agency_report_submit(report=report, content=content, actor=officer, at=step_at)
            elif step == "accept":
                report = s.agency_report_accept(report=report, actor=reviewer, at=step_at)
            step_at += timedelta(days=1)
        result.created_reports += 1
    if not ProvinceReport.objects.filter(period=period).exists():
        prepared_at = min(_moment(period.closes_on), now)
        s.province_report_prepare(period=period, actor=reviewer, at=prepared_at)
    return result


def demo_lines(result: DemoResult) -> list[str]:
    lines: list[Any] = [
        f"Kỳ báo cáo {result.period.label}: tạo mới {result.created_reports} báo cáo mẫu; "
        f"kỳ {result.current.label} đang mở (hạn {result.current.due_on:%d/%m/%Y}).",
        *result.lines,
    ]
    for username, password in result.passwords.items():
        lines.append(f"  {username} / {password}")
    return lines
