"""Forms of the report pages: they parse and check types; the rules are the services'."""

from __future__ import annotations

from typing import Any

from django import forms

from cchc.common.params import BoundedIntegerField, DayField
from cchc.indicators.definitions import BY_CODE
from cchc.reporting.models import AgencyReport, ProvinceReport
from cchc.reporting.selectors import MANUAL_CODES
from cchc.reporting.services import FigureInput, ProvinceContent, ReportContent, SectionInput

TEXTS = (
    ("work_done", "Công việc đã triển khai"),
    ("results", "Kết quả đạt được"),
    ("difficulties", "Khó khăn, vướng mắc"),
    ("proposals", "Đề xuất, kiến nghị"),
)
PROVINCE_TEXTS = TEXTS[1:]
MAIN_FIELDS = (
    "subject",
    "intro",
    "direction",
    "assessment",
    "next_tasks",
    "recipients",
    "signer_prefix",
    "signer_title",
    "signer_name",
)


def _area(name: str, area_id: int) -> str:
    return f"a{area_id}-{name}"


class AgencyReportForm(forms.Form):
    """One textarea per reform area and text; numerator / denominator / note per manual indicator."""

    general = forms.CharField(
        label="Đánh giá chung, công tác chỉ đạo, điều hành", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, report: AgencyReport, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.report = report
        self.fields["general"].initial = report.general
        self.areas = []
        for section in report.sections.all():
            names = []
            for name, label in TEXTS:
                key = _area(name, section.area_id)
                mandatory = name in ("work_done", "results")
                self.fields[key] = forms.CharField(
                    label=label + (" (bắt buộc khi gửi)" if mandatory else ""),
                    required=False,
                    initial=getattr(section, name),
                    widget=forms.Textarea(attrs={"rows": 3}),
                )
                names.append(key)
            self.areas.append((section.area, names))
        manual = {m.code: m for m in report.manual_figures.all()}
        self.figures = []
        for code in sorted(MANUAL_CODES, key=lambda c: BY_CODE[c].row):
            current = manual.get(code)
            keys = (f"f-{code}-num", f"f-{code}-den", f"f-{code}-note")
            self.fields[keys[0]] = BoundedIntegerField(
                label="Tử số", required=False, min_value=0, initial=current.numerator if current else None
            )
            self.fields[keys[1]] = BoundedIntegerField(
                label="Mẫu số", required=False, min_value=0, initial=current.denominator if current else None
            )
            self.fields[keys[2]] = forms.CharField(
                label="Nguồn số liệu", required=False, max_length=500, initial=current.note if current else ""
            )
            self.figures.append((BY_CODE[code], keys))

    def area_fields(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(area, [self[name] for name in names]) for area, names in self.areas]

    def figure_fields(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(indicator, [self[name] for name in keys]) for indicator, keys in self.figures]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for indicator, (num, den, _note) in self.figures:
            n, d = data.get(num), data.get(den)
            if (n is None) != (d is None):
                self.add_error(den if d is None else num, f"Nhập đủ cả tử số và mẫu số của chỉ số {indicator.formula}.")
        return data

    def content(self) -> ReportContent:
        data = self.cleaned_data
        sections = {
            area.pk: SectionInput(**{name: data.get(_area(name, area.pk)) or "" for name, _ in TEXTS})
            for area, _names in self.areas
        }
        figures: dict[str, FigureInput | None] = {}
        for indicator, (num, den, note) in self.figures:
            n, d = data.get(num), data.get(den)
            figures[indicator.code] = None if n is None or d is None else FigureInput(n, d, data.get(note) or "")
        return ReportContent(sections=sections, figures=figures, general=data.get("general") or "")


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="Lý do trả lại",
        min_length=10,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Vui lòng ghi rõ lý do trả lại.",
            "min_length": "Lý do trả lại cần ít nhất 10 ký tự.",
        },
    )


class OpenPeriodForm(forms.Form):
    key = forms.CharField(
        label="Kỳ báo cáo", max_length=10, help_text="Ví dụ 2025-Q4 (quý), 2025-H2 (6 tháng), 2025 (năm)."
    )
    due_on = DayField(
        label="Hạn gửi (để trống: ngày 15 tháng cuối kỳ)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    closes_on = DayField(
        label="Ngày khóa sổ (để trống: 30 ngày sau hạn)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class ProvinceReportForm(forms.Form):
    subject = forms.CharField(label="Trích yếu", max_length=500)
    intro = forms.CharField(label="Mở đầu", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    direction = forms.CharField(
        label="I. Công tác chỉ đạo, điều hành", required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    assessment = forms.CharField(label="Đánh giá chung", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    next_tasks = forms.CharField(
        label="Phương hướng, nhiệm vụ kỳ tới", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    recipients = forms.CharField(
        label="Nơi nhận (mỗi dòng một nơi)", required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    signer_prefix = forms.CharField(label="Ký thay", required=False, max_length=100)
    signer_title = forms.CharField(label="Chức vụ người ký", max_length=100)
    signer_name = forms.CharField(label="Họ tên người ký", required=False, max_length=200)

    def __init__(self, *args: Any, report: ProvinceReport, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in MAIN_FIELDS:
            self.fields[name].initial = getattr(report, name)
        self.areas = []
        for section in report.sections.all():
            names = []
            for name, label in PROVINCE_TEXTS:
                key = _area(name, section.area_id)
                self.fields[key] = forms.CharField(
                    label=label,
                    required=False,
                    initial=getattr(section, name),
                    widget=forms.Textarea(attrs={"rows": 5}),
                )
                names.append(key)
            self.areas.append((section.area, names))

    def area_fields(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(area, [self[name] for name in names]) for area, names in self.areas]

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in MAIN_FIELDS]

    def content(self) -> ProvinceContent:
        data = self.cleaned_data
        return ProvinceContent(
            subject=data["subject"],
            intro=data.get("intro") or "",
            direction=data.get("direction") or "",
            assessment=data.get("assessment") or "",
            next_tasks=data.get("next_tasks") or "",
            recipients=data.get("recipients") or "",
            signer_name=data.get("signer_name") or "",
            signer_title=data["signer_title"],
            signer_prefix=data.get("signer_prefix") or "",
            sections={
                area.pk: SectionInput(**{name: data.get(_area(name, area.pk)) or "" for name, _ in PROVINCE_TEXTS})
                for area, _names in self.areas
            },
        )


class IssueForm(forms.Form):
    number = BoundedIntegerField(label="Số văn bản (để trống: số tiếp theo)", required=False, min_value=1)
    issued_on = DayField(
        label="Ngày ban hành (để trống: hôm nay)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
