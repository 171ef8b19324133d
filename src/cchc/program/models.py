"""The program register: a CCHC program decision as structured data.

A program (e.g. QĐ 4831/QĐ-UBND Khánh Hòa, 24/12/2021) has reform areas with objectives and
quantitative targets, solutions, funding clauses, duties per agency (section V) and appendix tasks
with lead and coordinating agencies and a structured timeline. Every imported text is kept as a
revision, so a revised decision updates the register and the earlier text stays readable.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from cchc.common.text import fold
from cchc.org.models import AdministrativeUnit, Agency, AgencyGroup
from cchc.program.constants import AgencyRole, Comparator, MeasureKind, TimelineKind


class Program(models.Model):
    """Chương trình cải cách hành chính, identified by its issuer and document number."""

    number = models.CharField("số, ký hiệu", max_length=80)  # "4831/QĐ-UBND"
    issued_on = models.DateField("ngày ban hành")
    issuer_name = models.CharField("cơ quan ban hành", max_length=300)
    issuer = models.ForeignKey(
        Agency, verbose_name="cơ quan ban hành (danh mục)", null=True, blank=True, on_delete=models.PROTECT
    )
    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name="địa bàn", null=True, blank=True, on_delete=models.PROTECT
    )
    place = models.CharField("địa danh", max_length=100, blank=True)
    title = models.CharField("tên chương trình", max_length=500)
    decision_title = models.CharField("trích yếu quyết định", max_length=500, blank=True)
    period_start = models.PositiveSmallIntegerField("từ năm")
    period_end = models.PositiveSmallIntegerField("đến năm")
    signer_name = models.CharField("người ký", max_length=200, blank=True)
    signer_title = models.CharField("chức vụ người ký", max_length=200, blank=True)
    signing_authority = models.CharField("thẩm quyền ký", max_length=200, blank=True)  # "TM. ỦY BAN NHÂN DÂN"
    legal_bases = models.JSONField("căn cứ ban hành", default=list, blank=True)
    decision_articles = models.JSONField("các điều của quyết định", default=list, blank=True)
    preamble = models.TextField("lời mở đầu", blank=True)
    general_objective = models.TextField("mục tiêu tổng quát", blank=True)
    focus = models.TextField("trọng tâm", blank=True)
    closing = models.TextField("đoạn kết", blank=True)
    tasks_intro = models.TextField("dẫn chiếu phụ lục nhiệm vụ", blank=True)  # "7. Nhiệm vụ, phân công cụ thể ..."
    appendix_title = models.CharField("tên phụ lục", max_length=500, blank=True)
    appendix_columns = models.JSONField("các cột của phụ lục", default=list, blank=True)  # [{"kind", "title"}]
    source_sha256 = models.CharField(max_length=64)
    imported_at = models.DateTimeField("nhập lúc")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "chương trình"
        verbose_name_plural = "chương trình"
        ordering = ["-issued_on"]
        constraints = [
            models.UniqueConstraint(fields=["number", "issuer_name", "issued_on"], name="program_identity_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.number})"


class ProgramRevision(models.Model):
    """Each distinct text imported for a program; the newest is what the register shows."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="revisions")
    sha256 = models.CharField(max_length=64)
    source_name = models.CharField("tệp nguồn", max_length=500)
    source_text = models.TextField("văn bản")
    imported_at = models.DateTimeField("nhập lúc")
    unplaced_lines = models.JSONField("dòng chưa xếp được", default=list, blank=True)
    summary = models.JSONField("thay đổi", default=dict, blank=True)

    class Meta:
        verbose_name = "phiên bản văn bản"
        verbose_name_plural = "phiên bản văn bản"
        ordering = ["program", "-imported_at"]
        constraints = [models.UniqueConstraint(fields=["program", "sha256"], name="program_revision_uniq")]

    def __str__(self) -> str:
        return f"{self.program.number} @ {self.imported_at:%Y-%m-%d %H:%M} ({self.sha256[:8]})"


class ReformArea(models.Model):
    """Nội dung cải cách (e.g. 2. Cải cách thủ tục hành chính) with its objective text."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="areas")
    number = models.PositiveSmallIntegerField("số thứ tự")
    name = models.CharField("tên", max_length=300)
    objective = models.TextField("mục tiêu", blank=True)
    source_line = models.PositiveIntegerField("dòng", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "nội dung cải cách"
        verbose_name_plural = "nội dung cải cách"
        ordering = ["program", "number"]
        constraints = [models.UniqueConstraint(fields=["program", "number"], name="program_area_uniq")]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class Objective(models.Model):
    """One statement under an area's objectives, optionally under a milestone ("Đến năm 2025")."""

    area = models.ForeignKey(ReformArea, on_delete=models.CASCADE, related_name="objectives")
    order = models.PositiveSmallIntegerField()
    milestone_year = models.PositiveSmallIntegerField("mốc năm", null=True, blank=True)
    text = models.TextField("nội dung")
    is_quantitative = models.BooleanField("có chỉ tiêu định lượng", default=False)
    source_line = models.PositiveIntegerField("dòng", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "mục tiêu"
        verbose_name_plural = "mục tiêu"
        ordering = ["area", "order"]
        constraints = [models.UniqueConstraint(fields=["area", "order"], name="program_objective_uniq")]

    def __str__(self) -> str:
        return self.text[:80]


class Target(models.Model):
    """A quantitative target: "≥ 30 % online payment transactions by 2025".

    One objective sentence may hold several (90 % at province, 80 % at district, 60 % at commune).
    """

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="targets")
    area = models.ForeignKey(ReformArea, on_delete=models.CASCADE, related_name="targets")
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="targets")
    order = models.PositiveSmallIntegerField()
    code = models.SlugField("mã", max_length=40)  # stable within the program: "a2-2025-3"
    metric = models.TextField("chỉ tiêu")
    comparator = models.CharField("so sánh", max_length=20, choices=Comparator.choices)
    value = models.DecimalField("giá trị", max_digits=12, decimal_places=3)
    unit = models.CharField("đơn vị", max_length=30)  # "%"
    milestone_year = models.PositiveSmallIntegerField("mốc năm")
    baseline_text = models.CharField("mốc so sánh", max_length=200, blank=True)  # "so với năm 2025"
    baseline_year_start = models.PositiveSmallIntegerField(null=True, blank=True)
    baseline_year_end = models.PositiveSmallIntegerField(null=True, blank=True)
    fields = models.JSONField("lĩnh vực áp dụng", default=list, blank=True)  # ["đất đai", "xây dựng", "đầu tư"]
    gov_level = models.CharField("cấp chính quyền", max_length=20, blank=True)  # org.constants.Level
    qualifiers = models.JSONField(
        "điều kiện khác", default=list, blank=True
    )  # ["bình quân", "trừ ... bí mật nhà nước"]
    source_text = models.TextField("câu gốc")
    source_line = models.PositiveIntegerField("dòng", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "chỉ tiêu"
        verbose_name_plural = "chỉ tiêu"
        ordering = ["program", "area__number", "milestone_year", "order"]
        constraints = [models.UniqueConstraint(fields=["program", "code"], name="program_target_code_uniq")]

    def __str__(self) -> str:
        return f"{self.get_comparator_display()} {self.value}{self.unit} — {self.metric[:60]} ({self.milestone_year})"


class AreaTask(models.Model):
    """A bullet under an area's "b) Nhiệm vụ"."""

    area = models.ForeignKey(ReformArea, on_delete=models.CASCADE, related_name="tasks")
    order = models.PositiveSmallIntegerField()
    text = models.TextField("nội dung")
    source_line = models.PositiveIntegerField("dòng", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "nhiệm vụ theo nội dung"
        verbose_name_plural = "nhiệm vụ theo nội dung"
        ordering = ["area", "order"]
        constraints = [models.UniqueConstraint(fields=["area", "order"], name="program_area_task_uniq")]

    def __str__(self) -> str:
        return self.text[:80]


class Solution(models.Model):
    """Giải pháp thực hiện (section III), one numbered item with its paragraphs."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="solutions")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    source_line = models.PositiveIntegerField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "giải pháp"
        verbose_name_plural = "giải pháp"
        ordering = ["program", "number"]
        constraints = [models.UniqueConstraint(fields=["program", "number"], name="program_solution_uniq")]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:80]}"


class FundingClause(models.Model):
    """Kinh phí thực hiện (section IV), one numbered clause."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="funding_clauses")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    source_line = models.PositiveIntegerField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "điều khoản kinh phí"
        verbose_name_plural = "điều khoản kinh phí"
        ordering = ["program", "number"]
        constraints = [models.UniqueConstraint(fields=["program", "number"], name="program_funding_uniq")]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:80]}"


class DutyGroup(models.Model):
    """Phân công trách nhiệm (section V): one numbered group addressed to one or more agencies."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="duty_groups")
    number = models.PositiveSmallIntegerField()
    heading = models.TextField("đối tượng")
    source_line = models.PositiveIntegerField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "nhóm trách nhiệm"
        verbose_name_plural = "nhóm trách nhiệm"
        ordering = ["program", "number"]
        constraints = [models.UniqueConstraint(fields=["program", "number"], name="program_duty_group_uniq")]

    def __str__(self) -> str:
        return f"{self.number}. {self.heading[:80]}"


class Duty(models.Model):
    """A lettered sub-duty ("a) Là cơ quan thường trực ..."); letter is empty for unlettered text."""

    group = models.ForeignKey(DutyGroup, on_delete=models.CASCADE, related_name="duties")
    order = models.PositiveSmallIntegerField()
    letter = models.CharField(max_length=3, blank=True)
    text = models.TextField()
    source_line = models.PositiveIntegerField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "nhiệm vụ được phân công"
        verbose_name_plural = "nhiệm vụ được phân công"
        ordering = ["group", "order"]
        constraints = [models.UniqueConstraint(fields=["group", "order"], name="program_duty_uniq")]

    def __str__(self) -> str:
        return f"{self.letter}) {self.text[:80]}" if self.letter else self.text[:80]


class AppendixTask(models.Model):
    """Nhiệm vụ, đề án trọng tâm in the appendix table, with its timeline as structured data."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="appendix_tasks")
    number = models.PositiveSmallIntegerField("STT")
    title = models.TextField("nhiệm vụ")
    outputs = models.TextField("kết quả/sản phẩm", blank=True)
    lead_text = models.TextField("cơ quan chủ trì (nguyên văn)", blank=True)
    coordinate_text = models.TextField("cơ quan phối hợp (nguyên văn)", blank=True)
    timeline_text = models.TextField("thời gian (nguyên văn)", blank=True)
    timeline_kind = models.CharField("dạng thời gian", max_length=20, choices=TimelineKind.choices)
    start_year = models.PositiveSmallIntegerField("năm bắt đầu", null=True, blank=True)
    end_year = models.PositiveSmallIntegerField("năm kết thúc", null=True, blank=True)
    recurring = models.BooleanField("lặp lại hằng năm", default=False)
    open_ended = models.BooleanField("và các năm tiếp theo", default=False)
    depends_on = models.CharField("theo cấp trên", max_length=200, blank=True)  # "Trung ương", "Bộ Nội vụ"
    area = models.ForeignKey(
        ReformArea,
        verbose_name="nội dung cải cách",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appendix_tasks",
    )
    area_inferred = models.BooleanField("nội dung do hệ thống gợi ý", default=False)
    search_key = models.TextField(editable=False, blank=True)
    source_line = models.PositiveIntegerField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "nhiệm vụ phụ lục"
        verbose_name_plural = "nhiệm vụ phụ lục"
        ordering = ["program", "number"]
        constraints = [models.UniqueConstraint(fields=["program", "number"], name="program_appendix_task_uniq")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title[:80]}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_key = fold(" ".join([self.title, self.outputs, self.lead_text, self.coordinate_text]))
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class TimelinePhase(models.Model):
    """A phase of a phased timeline ("Giai đoạn 2022-2023: Xây dựng kho dữ liệu")."""

    task = models.ForeignKey(AppendixTask, on_delete=models.CASCADE, related_name="phases")
    order = models.PositiveSmallIntegerField()
    start_year = models.PositiveSmallIntegerField()
    end_year = models.PositiveSmallIntegerField()
    text = models.TextField()

    class Meta:
        verbose_name = "giai đoạn"
        verbose_name_plural = "giai đoạn"
        ordering = ["task", "order"]
        constraints = [models.UniqueConstraint(fields=["task", "order"], name="program_phase_uniq")]

    def __str__(self) -> str:
        return f"{self.start_year}-{self.end_year}: {self.text[:60]}"


class AgencyRef(models.Model):
    """One agency or collective group named in a task cell or a duty heading.

    Exactly one of ``agency`` / ``group`` is set when the name resolved; both empty means it did
    not resolve and the importer reported it. ``note`` keeps a per-agency role, e.g. appendix
    task 23 ("Sở Giao thông vận tải chủ trì triển khai ... giao thông thông minh").
    """

    task = models.ForeignKey(AppendixTask, null=True, blank=True, on_delete=models.CASCADE, related_name="agency_refs")
    duty_group = models.ForeignKey(
        DutyGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="agency_refs"
    )
    role = models.CharField("vai trò", max_length=20, choices=AgencyRole.choices)
    order = models.PositiveSmallIntegerField()
    text = models.CharField("tên trong văn bản", max_length=500)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="program_refs")
    group = models.ForeignKey(AgencyGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="program_refs")
    qualifier = models.CharField("điều kiện", max_length=200, blank=True)  # "liên quan", "theo nội dung"
    note = models.TextField("vai trò cụ thể", blank=True)
    source_line = models.PositiveIntegerField("dòng", null=True, blank=True)

    class Meta:
        verbose_name = "cơ quan được giao"
        verbose_name_plural = "cơ quan được giao"
        ordering = ["task", "duty_group", "role", "order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(task__isnull=False, duty_group__isnull=True)
                | Q(task__isnull=True, duty_group__isnull=False),
                name="program_ref_one_owner",
            ),
            models.CheckConstraint(
                condition=~Q(agency__isnull=False, group__isnull=False), name="program_ref_agency_xor_group"
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def resolved(self) -> bool:
        return self.agency_id is not None or self.group_id is not None


# --- measuring the targets (docs/targets.md) -----------------------------------------------------


class MeasureSeries(models.Model):
    """One measured line of a program: what gives the figures of one or more targets.

    The 2025 and 2030 targets of the same metric ("Tỷ lệ giao dịch thanh toán trực tuyến ≥ 30 % / ≥ 50 %")
    share a series, so they share the yearly figures and the manual values. A series is measured by a
    QĐ 766 indicator (``indicator_code`` of ``cchc.indicators.definitions``, over the province or the
    catalogue fields named in ``field_names``), by a platform measure (``cchc.indicators.measures``)
    or by values entered with evidence by the responsible agency (``MeasureKind.MANUAL``).
    ``key`` is the matching rule's key (``cchc.program.targets.rules``), stable within the program.
    """

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="measure_series")
    key = models.SlugField("mã", max_length=60)
    name = models.CharField("số đo", max_length=300)
    kind = models.CharField("cách đo", max_length=20, choices=MeasureKind.choices)
    measure_code = models.CharField("mã chỉ số / số đo", max_length=60, blank=True)
    field_names = models.JSONField("lĩnh vực (tên như trong văn bản)", default=list, blank=True)
    gov_level = models.CharField("cấp chính quyền", max_length=20, blank=True)
    responsible_agency = models.ForeignKey(
        Agency,
        verbose_name="cơ quan phụ trách (khi ban hành chương trình)",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField("ghi chú (số đo thực chất đo gì, vì sao nhập tay)", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "số đo chỉ tiêu"
        verbose_name_plural = "số đo chỉ tiêu"
        ordering = ["program", "key"]
        constraints = [models.UniqueConstraint(fields=["program", "key"], name="program_series_key_uniq")]

    def __str__(self) -> str:
        return self.name


class TargetLink(models.Model):
    """Which series measures a target, keyed on the target's code (stable within the program).

    Kept apart from ``Target`` so a re-import (which updates targets in place by code, and deletes
    those gone from a revised text) never loses a link or a manual value. ``matched_metric`` is the
    folded metric the link was made from: when a revised text changes the target's metric, the link
    is flagged for review instead of silently measuring something else. ``rule_key`` empty: set by hand.
    """

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="target_links")
    target_code = models.SlugField("mã chỉ tiêu", max_length=40)
    series = models.ForeignKey(MeasureSeries, on_delete=models.CASCADE, related_name="links")
    matched_metric = models.TextField("chỉ tiêu khi liên kết (không dấu)")
    rule_key = models.CharField("quy tắc", max_length=60, blank=True)
    linked_at = models.DateTimeField("liên kết lúc")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "liên kết chỉ tiêu - số đo"
        verbose_name_plural = "liên kết chỉ tiêu - số đo"
        ordering = ["program", "target_code"]
        constraints = [
            models.UniqueConstraint(fields=["program", "target_code"], name="program_target_link_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.target_code} → {self.series.key}"


def _evidence_path(instance: TargetValue, filename: str) -> str:
    # never the uploader's name: series id + content hash + the extension of the sniffed type
    return f"program/evidence/{instance.series_id}/{instance.evidence_sha256[:16]}{instance.evidence_extension}"


class TargetValue(models.Model):
    """A value of a manual series for one period, entered by the responsible agency with evidence.

    Never edited: a correction is a new value that ``supersedes`` the old one (which stays in the
    history). The values that stand are those not superseded.
    """

    series = models.ForeignKey(MeasureSeries, on_delete=models.PROTECT, related_name="values")
    period_key = models.CharField("kỳ số liệu", max_length=40)  # "2025", "2025-H1", "2025-12-31"
    period_first = models.DateField("từ ngày")
    period_last = models.DateField("đến ngày")
    value = models.DecimalField("giá trị", max_digits=9, decimal_places=2)
    evidence = models.FileField("tệp minh chứng", upload_to=_evidence_path, max_length=200, blank=True)
    evidence_name = models.CharField("tên tệp gốc", max_length=255, blank=True)
    evidence_type = models.CharField("kiểu nội dung", max_length=100, blank=True)
    evidence_extension = models.CharField("phần mở rộng", max_length=10, blank=True)
    evidence_size = models.PositiveIntegerField("kích thước (byte)", default=0)
    evidence_sha256 = models.CharField("mã băm SHA-256", max_length=64, blank=True)
    document_number = models.CharField("số, ký hiệu văn bản minh chứng", max_length=100, blank=True)
    note = models.TextField("ghi chú", blank=True)
    agency = models.ForeignKey(Agency, verbose_name="cơ quan nhập", on_delete=models.PROTECT, related_name="+")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người nhập", on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField("nhập lúc")
    supersedes = models.OneToOneField(
        "self",
        verbose_name="đính chính giá trị",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )

    class Meta:
        verbose_name = "số liệu chỉ tiêu (nhập tay)"
        verbose_name_plural = "số liệu chỉ tiêu (nhập tay)"
        ordering = ["series", "-period_last", "-entered_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(evidence="") | ~Q(document_number=""), name="program_value_has_evidence"
            ),
            models.CheckConstraint(condition=Q(period_last__gte=models.F("period_first")), name="program_value_period"),
        ]

    def __str__(self) -> str:
        return f"{self.series.key} {self.period_key}: {self.value}"
