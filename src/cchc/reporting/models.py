"""Periodic CCHC reports: the reporting periods with their deadlines, each agency's report per period
(one section per reform area of the program, manual figures) and the province's consolidated report.

Rows are written only through :mod:`cchc.reporting.services` (one audit event per write); the admin
edits the periods' deadline and closing date only.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q

from cchc.indicators.periods import VN_TZ, Period, period_parse
from cchc.org.models import Agency
from cchc.program.models import Program, ReformArea
from cchc.reporting.constants import PeriodKind, ProvinceReportStatus, ReportStatus, Timeliness


class ReportPeriod(models.Model):
    """Kỳ báo cáo: a quarter, half-year or year, with the deadline of the agencies' reports and the day
    after which no report is accepted any more (both dates inclusive, Vietnam time)."""

    key = models.CharField("mã kỳ", max_length=10, unique=True)  # "2025-Q4", "2025-H2", "2025"
    kind = models.CharField("loại kỳ", max_length=10, choices=PeriodKind.choices)
    first_day = models.DateField("từ ngày")
    last_day = models.DateField("đến ngày")
    due_on = models.DateField("hạn gửi báo cáo", help_text="Báo cáo gửi đến hết ngày này là đúng hạn.")
    closes_on = models.DateField(
        "ngày khóa sổ", help_text="Sau ngày này hệ thống không nhận báo cáo của kỳ nữa (gửi trễ được đến hết ngày này)."
    )
    note = models.CharField("ghi chú", max_length=300, blank=True)
    created_at = models.DateTimeField("tạo lúc")

    class Meta:
        verbose_name = "kỳ báo cáo"
        verbose_name_plural = "kỳ báo cáo"
        ordering = ["-last_day", "kind"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=models.F("due_on")), name="reporting_period_close_order"),
            models.CheckConstraint(condition=Q(last_day__gte=models.F("first_day")), name="reporting_period_day_order"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def period(self) -> Period:
        return period_parse(self.key)

    @property
    def label(self) -> str:
        return self.period.label

    @property
    def due_end(self) -> datetime:
        """The first instant after the deadline (00:00 of the next day, Vietnam time)."""
        return datetime.combine(self.due_on + timedelta(days=1), time.min, tzinfo=VN_TZ)

    @property
    def close_end(self) -> datetime:
        return datetime.combine(self.closes_on + timedelta(days=1), time.min, tzinfo=VN_TZ)

    def is_closed(self, at: datetime) -> bool:
        return at >= self.close_end

    def is_open_on(self, day: date) -> bool:
        return day <= self.closes_on


class AgencyReport(models.Model):
    """Báo cáo CCHC định kỳ của một cơ quan cho một kỳ."""

    period = models.ForeignKey(ReportPeriod, verbose_name="kỳ", on_delete=models.PROTECT, related_name="reports")
    agency = models.ForeignKey(Agency, verbose_name="cơ quan", on_delete=models.PROTECT, related_name="cchc_reports")
    program = models.ForeignKey(Program, verbose_name="chương trình", on_delete=models.PROTECT, related_name="+")
    status = models.CharField("trạng thái", max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    general = models.TextField("đánh giá chung, công tác chỉ đạo", blank=True)
    created_at = models.DateTimeField("lập lúc")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField("sửa lúc")
    first_submitted_at = models.DateTimeField("gửi lần đầu lúc", null=True, blank=True)
    submitted_at = models.DateTimeField("gửi lúc", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    timeliness = models.CharField(
        "tình hình gửi", max_length=10, choices=Timeliness.choices, default=Timeliness.MISSING
    )
    submissions = models.PositiveSmallIntegerField("số lần gửi", default=0)
    returned_at = models.DateTimeField("trả lại lúc", null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    return_reason = models.TextField("lý do trả lại", blank=True)
    accepted_at = models.DateTimeField("tiếp nhận lúc", null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    figures = models.JSONField("số liệu chỉ số (lúc gửi)", default=list, blank=True)
    figures_at = models.DateTimeField("số liệu tính lúc", null=True, blank=True)

    class Meta:
        verbose_name = "báo cáo của cơ quan"
        verbose_name_plural = "báo cáo của cơ quan"
        ordering = ["period", "agency__level", "agency__name"]
        constraints = [models.UniqueConstraint(fields=["period", "agency"], name="reporting_agency_report_uniq")]

    def __str__(self) -> str:
        return f"{self.agency.name} — {self.period.label}"


class AgencyReportSection(models.Model):
    """One reform area of an agency's report: what was done, results, difficulties, proposals."""

    report = models.ForeignKey(AgencyReport, on_delete=models.CASCADE, related_name="sections")
    area = models.ForeignKey(ReformArea, verbose_name="nội dung cải cách", on_delete=models.PROTECT, related_name="+")
    work_done = models.TextField("công việc đã triển khai", blank=True)
    results = models.TextField("kết quả đạt được", blank=True)
    difficulties = models.TextField("khó khăn, vướng mắc", blank=True)
    proposals = models.TextField("đề xuất, kiến nghị", blank=True)

    class Meta:
        verbose_name = "nội dung báo cáo"
        verbose_name_plural = "nội dung báo cáo"
        ordering = ["report", "area__number"]
        constraints = [models.UniqueConstraint(fields=["report", "area"], name="reporting_section_uniq")]

    def __str__(self) -> str:
        return f"{self.report} — {self.area}"


class ManualFigure(models.Model):
    """A figure the platform cannot compute (the indicator has no data source), entered by the agency."""

    report = models.ForeignKey(AgencyReport, on_delete=models.CASCADE, related_name="manual_figures")
    code = models.CharField("mã chỉ số", max_length=60)
    numerator = models.PositiveIntegerField("tử số")
    denominator = models.PositiveIntegerField("mẫu số")
    note = models.CharField("nguồn, ghi chú", max_length=500, blank=True)

    class Meta:
        verbose_name = "số liệu nhập tay"
        verbose_name_plural = "số liệu nhập tay"
        ordering = ["report", "code"]
        constraints = [
            models.UniqueConstraint(fields=["report", "code"], name="reporting_manual_figure_uniq"),
            models.CheckConstraint(
                condition=Q(numerator__lte=models.F("denominator")), name="reporting_manual_figure_ratio"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.numerator}/{self.denominator}"


class ProvinceReport(models.Model):
    """Báo cáo CCHC của UBND tỉnh for one period: pre-filled from the accepted agency reports and the
    figures, edited by Sở Nội vụ, then issued (number assigned, content and figures frozen)."""

    period = models.OneToOneField(ReportPeriod, on_delete=models.PROTECT, related_name="province_report")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        "trạng thái", max_length=10, choices=ProvinceReportStatus.choices, default=ProvinceReportStatus.DRAFT
    )
    number = models.PositiveIntegerField("số", null=True, blank=True)
    year = models.PositiveSmallIntegerField("năm ban hành", null=True, blank=True)
    issued_on = models.DateField("ngày ban hành", null=True, blank=True)
    issued_at = models.DateTimeField("ban hành lúc", null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField("trích yếu", max_length=500)
    intro = models.TextField("mở đầu", blank=True)
    direction = models.TextField("công tác chỉ đạo, điều hành", blank=True)
    assessment = models.TextField("đánh giá chung", blank=True)
    next_tasks = models.TextField("phương hướng, nhiệm vụ kỳ tới", blank=True)
    recipients = models.TextField("nơi nhận (mỗi dòng một nơi)", blank=True)
    signing_authority = models.CharField("thẩm quyền ký", max_length=100, default="TM. ỦY BAN NHÂN DÂN")
    signer_prefix = models.CharField("ký thay", max_length=100, default="KT. CHỦ TỊCH", blank=True)
    signer_title = models.CharField("chức vụ người ký", max_length=100, default="PHÓ CHỦ TỊCH")
    signer_name = models.CharField("người ký", max_length=200, blank=True)
    register_entry = models.OneToOneField(
        "org.DocumentRegisterEntry",
        verbose_name="số trong sổ văn bản đi",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    figures_at = models.DateTimeField("số liệu tính lúc")
    figures = models.JSONField("số liệu (khi ban hành)", default=dict, blank=True)
    created_at = models.DateTimeField("lập lúc")
    updated_at = models.DateTimeField("sửa lúc")

    class Meta:
        verbose_name = "báo cáo tổng hợp của tỉnh"
        verbose_name_plural = "báo cáo tổng hợp của tỉnh"
        ordering = ["-period__last_day"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "number"], condition=Q(number__isnull=False), name="reporting_province_number_uniq"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.period.key})"

    @property
    def is_issued(self) -> bool:
        return self.status == ProvinceReportStatus.ISSUED


class ProvinceReportSection(models.Model):
    """One reform area of the consolidated report (synthesis naming the agencies, then edited)."""

    report = models.ForeignKey(ProvinceReport, on_delete=models.CASCADE, related_name="sections")
    area = models.ForeignKey(ReformArea, on_delete=models.PROTECT, related_name="+")
    results = models.TextField("kết quả đạt được", blank=True)
    difficulties = models.TextField("tồn tại, hạn chế, khó khăn", blank=True)
    proposals = models.TextField("đề xuất, kiến nghị", blank=True)

    class Meta:
        ordering = ["report", "area__number"]
        constraints = [models.UniqueConstraint(fields=["report", "area"], name="reporting_province_section_uniq")]

    def __str__(self) -> str:
        return f"{self.report} — {self.area}"
