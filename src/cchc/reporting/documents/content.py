"""The consolidated report as one document model, rendered the same way as DOCX, PDF and XLSX.

legal: Nghị định 30/2020/NĐ-CP, Phụ lục I (vn-data §1): issuing body in upper case and bold ("ỦY BAN NHÂN
DÂN TỈNH KHÁNH HÒA"), "Số: 05/BC-UBND" (numbers below 10 with a leading 0; type abbreviation BC from
Phụ lục III), national title and motto, place and date in full ("Khánh Hòa, ngày 05 tháng 01 năm
2026"), type name "BÁO CÁO" and subject, the body with Roman-numbered parts, "Nơi nhận:" and the
signature block (TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH). The outline of the body follows
the Bộ Nội vụ guidance on CCHC reports: direction, results per reform area, figures, assessment
(shortcomings), next tasks, proposals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cchc.common.numbers import vi_number
from cchc.indicators.definitions import BY_CODE
from cchc.indicators.periods import VN_TZ
from cchc.reporting.constants import DOCUMENT_SYMBOL
from cchc.reporting.models import ProvinceReport, ReportPeriod
from cchc.reporting.selectors import province_report_figures

ISSUER = "ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA"
ISSUER_LINES = ("ỦY BAN NHÂN DÂN", "TỈNH KHÁNH HÒA")
PLACE = "Khánh Hòa"
COMMITTEE_NAME = "Ủy ban nhân dân tỉnh Khánh Hòa"
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
TYPE_NAME = "BÁO CÁO"
# Key indicators of the figures table, in the order the report shows them.
TABLE_CODES = (
    "PROGRESS_ON_TIME",
    "PROCESSING_TIME_AVG",
    "ONLINE_PROCEDURES",
    "ONLINE_SUBMISSION",
    "SO_HOA_GIAY_TO_GIAI_QUYET",
    "DOSSIER_RECEIVING_SATISFACTION",
    "PETITION_PROCESSING_ON_TIME",
    "ONLINE_PAYMENT",
)
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")


def date_words(day: Any) -> str:
    """``ngày 05 tháng 01 năm 2026`` (NĐ 30/2020: leading 0 for days below 10 and for months 1 and 2)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def vn_number(value: int | float | None, places: int = 0) -> str:
    """``1.234`` / ``85,71``: Vietnamese thousands and decimal separators; ``—`` for None."""
    if value is None:
        return "—"
    return vi_number(value, places)


def period_words(period: ReportPeriod) -> str:
    """``quý IV năm 2025`` / ``6 tháng cuối năm 2025`` / ``năm 2025`` (inside a sentence)."""
    label = period.label  # "Quý IV/2025", "6 tháng cuối năm 2025", "Năm 2025"
    if label.startswith("Quý "):
        roman, year = label[4:].split("/")
        return f"quý {roman} năm {year}"
    return label[0].lower() + label[1:]


@dataclass(frozen=True)
class Block:
    """A piece of the body: ``heading`` (level 1 "I. ...", level 2 "1. ..."), ``para`` or ``table``."""

    kind: str
    text: str = ""
    level: int = 0
    headers: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()


@dataclass
class ProvinceDocument:
    issuer_lines: tuple[str, ...]
    number_line: str
    date_line: str
    title: str
    subject: str
    draft: bool
    body: list[Block]
    closing: str
    recipients: list[str]
    signing_authority: str
    signer_prefix: str
    signer_title: str
    signer_name: str
    figures: dict[str, Any] = field(default_factory=dict)
    period_label: str = ""
    figures_at: str = ""
    annex_line: str = ""

    @property
    def nation(self) -> str:
        return NATION

    @property
    def motto(self) -> str:
        return MOTTO

    @property
    def filename_stem(self) -> str:
        return self.number_line.replace("Số: ", "").replace("/", "-").replace(" ", "").strip("-.…") or "du-thao"


def _paragraphs(text: str) -> list[Block]:
    return [Block("para", line.strip()) for line in text.splitlines() if line.strip()]


def _percent(item: dict[str, Any] | None) -> str:
    if item is None or item.get("ratio") is None:
        return "N/A"
    return vn_number(item["ratio"], 2)


def province_indicator(figures: dict[str, Any], code: str) -> dict[str, Any] | None:
    """The province-wide result of one indicator in the figures data (the first unit is the province)."""
    units = figures.get("units") or []
    if not units:
        return None
    for group in units[0]["groups"]:
        for item in group["indicators"]:
            if item["code"] == code:
                return dict(item)
    return None


def key_figures_sentence(figures: dict[str, Any]) -> str:
    """The sentence of part III: dossiers on time / late, online share, the index total."""
    progress = province_indicator(figures, "PROGRESS_ON_TIME")
    online = province_indicator(figures, "ONLINE_SUBMISSION")
    parts = []
    if progress and progress.get("denominator"):
        late = progress["denominator"] - progress["numerator"]
        parts.append(
            f"toàn tỉnh có {vn_number(progress['denominator'])} hồ sơ thủ tục hành chính thuộc diện đánh giá tiến độ "
            f"giải quyết, trong đó {vn_number(progress['numerator'])} hồ sơ giải quyết trước hạn, đúng hạn (đạt "
            f"{_percent(progress)}%), {vn_number(late)} hồ sơ quá hạn"
        )
    if online and online.get("denominator"):
        parts.append(
            f"tiếp nhận {vn_number(online['denominator'])} hồ sơ, trong đó {vn_number(online['numerator'])} hồ sơ "
            f"nộp trực tuyến (đạt {_percent(online)}%)"
        )
    units = figures.get("units") or []
    if units:
        province = units[0]
        parts.append(
            f"Bộ chỉ số phục vụ người dân, doanh nghiệp (QĐ 766/QĐ-TTg) của tỉnh đạt "
            f"{vn_number(province['total'], 2)}/{province['measured_max']} điểm trên các chỉ số đo được"
        )
    if not parts:
        return "Trong kỳ chưa phát sinh hồ sơ thủ tục hành chính trên hệ thống."
    return "Trong kỳ, " + "; ".join(parts) + "."


def figures_table(figures: dict[str, Any]) -> Block:
    rows = []
    for index, code in enumerate(TABLE_CODES, start=1):
        item = province_indicator(figures, code)
        indicator = BY_CODE[code]
        if item is None:
            continue
        ratio_unit = "ngày" if code == "PROCESSING_TIME_AVG" else "%"
        numerator = "—" if code == "PROCESSING_TIME_AVG" else vn_number(item.get("numerator"))
        if item["status"] == "no_data":
            numerator = denominator = ratio = "Chưa có dữ liệu"
        else:
            denominator = vn_number(item.get("denominator"))
            ratio = "N/A" if item.get("ratio") is None else f"{_percent(item)} {ratio_unit}".strip()
        points = "—" if item.get("score") is None else vn_number(item["score"], 2)
        rows.append((str(index), f"{indicator.formula}. {indicator.name}", numerator, denominator, ratio, points))
    return Block(
        "table",
        headers=("STT", "Chỉ số", "Tử số", "Mẫu số", "Tỷ lệ", "Điểm"),
        rows=tuple(rows),
    )


def province_document(*, report: ProvinceReport) -> ProvinceDocument:
    """The document model of a consolidated report (its figures frozen at issue, else computed)."""
    figures = province_report_figures(report=report)
    period = report.period
    # legal: NĐ 30/2020/NĐ-CP Phụ lục I Mục II (phụ lục): "(Kèm theo văn bản số …/…-… ngày … tháng … năm …
    # của …)" under the annex's title
    if report.is_issued and report.number is not None and report.issued_on is not None:
        number_line = f"Số: {report.number:02d}/{DOCUMENT_SYMBOL}"
        date_line = f"{PLACE}, {date_words(report.issued_on)}"
        annex_line = (
            f"Kèm theo Báo cáo số {report.number:02d}/{DOCUMENT_SYMBOL} {date_words(report.issued_on)} "
            f"của {COMMITTEE_NAME}"
        )
    else:
        year = datetime.now(tz=VN_TZ).year if report.issued_on is None else report.issued_on.year
        number_line = f"Số:        /{DOCUMENT_SYMBOL}"
        date_line = f"{PLACE}, ngày      tháng      năm {year}"
        annex_line = f"Kèm theo Báo cáo số …/{DOCUMENT_SYMBOL} ngày … tháng … năm {year} của {COMMITTEE_NAME}"
    sections = list(report.sections.all())
    body: list[Block] = [*_paragraphs(report.intro)]
    body.append(Block("heading", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH", level=1))
    body.extend(_paragraphs(report.direction))
    body.append(Block("heading", "KẾT QUẢ THỰC HIỆN CÁC NỘI DUNG CẢI CÁCH HÀNH CHÍNH", level=1))
    for section in sections:
        body.append(Block("heading", f"{section.area.number}. {section.area.name}", level=2))
        body.extend(
            _paragraphs(section.results) or [Block("para", "Chưa có báo cáo của cơ quan, đơn vị về nội dung này.")]
        )
    body.append(
        Block(
            "heading",
            "SỐ LIỆU GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH VÀ BỘ CHỈ SỐ PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP",
            level=1,
        )
    )
    body.append(Block("para", key_figures_sentence(figures)))
    body.append(figures_table(figures))
    body.append(Block("para", "(Số liệu chi tiết của từng cơ quan, đơn vị tại Phụ lục kèm theo Báo cáo này.)"))
    body.append(Block("heading", "ĐÁNH GIÁ CHUNG", level=1))
    body.extend(_paragraphs(report.assessment))
    difficulties = [s for s in sections if s.difficulties.strip()]
    body.append(Block("heading", "1. Tồn tại, hạn chế, khó khăn, vướng mắc", level=2))
    if not difficulties:
        body.append(Block("para", "Các cơ quan, đơn vị chưa báo cáo khó khăn, vướng mắc."))
    for section in difficulties:
        body.append(Block("para", f"{section.area.name}:"))
        body.extend(_paragraphs(section.difficulties))
    body.append(Block("heading", "PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI", level=1))
    body.extend(_paragraphs(report.next_tasks))
    body.append(Block("heading", "ĐỀ XUẤT, KIẾN NGHỊ", level=1))
    proposals = [s for s in sections if s.proposals.strip()]
    if not proposals:
        body.append(Block("para", "Không có đề xuất, kiến nghị."))
    for section in proposals:
        body.append(Block("para", f"{section.area.name}:"))
        body.extend(_paragraphs(section.proposals))
    numbered: list[Block] = []
    roman = iter(ROMAN)
    for block in body:
        if block.kind == "heading" and block.level == 1:
            block = Block("heading", f"{next(roman)}. {block.text}", level=1)
        numbered.append(block)
    return ProvinceDocument(
        issuer_lines=ISSUER_LINES,
        number_line=number_line,
        date_line=date_line,
        title=TYPE_NAME,
        subject=report.subject,
        draft=not report.is_issued,
        body=numbered,
        closing=(
            f"Trên đây là báo cáo kết quả thực hiện công tác cải cách hành chính {period_words(period)} của "
            f"{COMMITTEE_NAME}./."
        ),
        recipients=[line.strip() for line in report.recipients.splitlines() if line.strip()],
        signing_authority=report.signing_authority,
        signer_prefix=report.signer_prefix,
        signer_title=report.signer_title,
        signer_name=report.signer_name,
        figures=figures,
        period_label=period.label,
        figures_at=figures.get("at", ""),
        annex_line=annex_line,
    )
