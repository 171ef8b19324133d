"""The tables published each month, each read from its own app's selectors and stored figures (nothing
recomputed here): the procedure catalogue (cchc.catalogue), the QĐ 766 indicators by agency
(cchc.indicators' computation), the dossier counts by procedure and agency (cchc.indicators' monthly
rollups), the program's task progress (cchc.plans) and targets (cchc.program).

Every table has ASCII column ids (what a harvester and ``datastore_search`` filter on) and a Vietnamese
label for each (the pages and the metadata show them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum

from cchc.catalogue.constants import VersionStatus
from cchc.catalogue.models import Procedure, ProcedureVersion
from cchc.indicators.compute import indicators_compute_units
from cchc.indicators.definitions import BY_CODE, Source
from cchc.indicators.models import Grain, IndicatorRollup
from cchc.indicators.periods import Period, PeriodKind
from cchc.opendata.suppression import Relation, group_relations, is_small, row_relations, suppress
from cchc.org.models import Agency
from cchc.plans.models import Assignment
from cchc.plans.selectors import progress_case
from cchc.program.models import Target
from cchc.program.selectors import program_get_latest

Value = int | float | str | None


@dataclass(frozen=True)
class Column:
    id: str
    type: str  # CKAN datastore types: "text", "int", "numeric", "date"
    label: str


@dataclass
class Table:
    columns: list[Column]
    rows: list[dict[str, Any]]
    hidden: set[tuple[int, str]] = field(default_factory=set)


@dataclass(frozen=True)
class Spec:
    name: str
    title: str
    notes: str
    keywords: tuple[str, ...]
    theme: str
    build: Callable[[Period, datetime], Table]


def month_period(month: date) -> Period:
    first = month.replace(day=1)
    following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    last = date.fromordinal(following.toordinal() - 1)
    return Period(kind=PeriodKind.MONTH, first=first, last=last, key=f"{first:%Y-%m}")


def _month(period: Period) -> str:
    return period.key


# --- the procedure catalogue ----------------------------------------------------------------------

CATALOGUE_COLUMNS = [
    Column("thang", "text", "Tháng"),
    Column("ma_thu_tuc", "text", "Mã thủ tục"),
    Column("ten_thu_tuc", "text", "Tên thủ tục"),
    Column("ma_linh_vuc", "text", "Mã lĩnh vực"),
    Column("linh_vuc", "text", "Lĩnh vực"),
    Column("cap_thuc_hien", "text", "Cấp thực hiện"),
    Column("muc_do_dvc", "text", "Mức độ dịch vụ công trực tuyến"),
    Column("thoi_han", "int", "Thời hạn giải quyết"),
    Column("don_vi_thoi_han", "text", "Đơn vị thời hạn"),
    Column("co_quan_thuc_hien", "text", "Cơ quan có thẩm quyền"),
    Column("phien_ban", "int", "Phiên bản"),
    Column("ap_dung_tu", "date", "Áp dụng từ"),
]


def catalogue_table(period: Period, at: datetime) -> Table:
    """The procedures in force at the end of the month (the version published then)."""
    close = min(period.end, at)
    versions = (
        ProcedureVersion.objects.filter(
            status__in=[VersionStatus.PUBLISHED, VersionStatus.RETIRED], published_at__lt=close
        )
        .filter(Q(retired_at__isnull=True) | Q(retired_at__gte=close))
        .select_related("procedure", "field")
        .prefetch_related("competent_agencies__agency")
        .order_by("procedure__code")
    )
    rows = [
        {
            "thang": _month(period),
            "ma_thu_tuc": v.procedure.code,
            "ten_thu_tuc": v.name,
            "ma_linh_vuc": v.field.code,
            "linh_vuc": v.field.name,
            "cap_thuc_hien": "; ".join(v.levels),
            "muc_do_dvc": v.get_service_type_display(),
            "thoi_han": v.processing_time,
            "don_vi_thoi_han": v.get_processing_time_unit_display(),
            "co_quan_thuc_hien": "; ".join(c.agency.name for c in v.competent_agencies.all() if c.agency is not None),
            "phien_ban": v.number,
            "ap_dung_tu": v.published_at.date().isoformat() if v.published_at else None,
        }
        for v in versions
    ]
    return Table(CATALOGUE_COLUMNS, rows)


# --- the QĐ 766 indicators by agency ---------------------------------------------------------------

INDICATOR_COLUMNS = [
    Column("thang", "text", "Tháng"),
    Column("ma_co_quan", "text", "Mã cơ quan (trống: toàn tỉnh)"),
    Column("co_quan", "text", "Cơ quan"),
    Column("ma_chi_so", "text", "Mã chỉ số"),
    Column("cong_thuc", "text", "Công thức (QĐ 766)"),
    Column("chi_so", "text", "Chỉ số"),
    Column("tu_so", "int", "Tử số"),
    Column("mau_so", "int", "Mẫu số"),
    Column("ty_le", "numeric", "Tỷ lệ (%) hoặc giá trị"),
    Column("don_vi", "text", "Đơn vị của tỷ lệ"),
    Column("chi_tieu", "numeric", "Chỉ tiêu (%)"),
    Column("diem", "numeric", "Điểm"),
    Column("diem_toi_da", "int", "Điểm tối đa"),
    Column("trang_thai", "text", "Trạng thái"),
]

# Indicators that count people's dossiers or feedback: their small counts are suppressed. Those that
# count procedures or services (the catalogue) identify nobody.
PERSONAL_SOURCES = {Source.DOSSIERS, Source.FEEDBACK, Source.CATALOGUE_DOSSIERS}


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def indicators_table(period: Period, at: datetime) -> Table:
    """Every indicator for the province then each reporting agency (``indicators_compute_units``).

    Suppression: for an indicator counting people, a numerator, a denominator or their difference from
    1 to 4 hides the numerator (and the denominator when it is the small one), and with it the ratio
    and the score, which would give it back; the province row is the total of the agencies' rows."""
    reports = indicators_compute_units(period=period, at=at)
    rows: list[dict[str, Any]] = []
    agencies = {a.pk: a for a in Agency.objects.filter(pk__in=[r.agency_id for r in reports if r.agency_id])}
    by_code: dict[str, list[int]] = {}
    for report in reports:
        agency = agencies.get(report.agency_id) if report.agency_id else None
        for result in report.results.values():
            ind = result.indicator
            by_code.setdefault(ind.code, []).append(len(rows))
            rows.append(
                {
                    "thang": _month(period),
                    "ma_co_quan": agency.code if agency else "",
                    "co_quan": report.scope_label,
                    "ma_chi_so": ind.code,
                    "cong_thuc": ind.formula,
                    "chi_so": ind.name,
                    "tu_so": result.numerator,
                    "mau_so": result.denominator,
                    "ty_le": _number(result.percent),
                    "don_vi": result.ratio_unit if result.percent is not None else "",
                    "chi_tieu": _number(ind.target_percent),
                    "diem": _number(result.points),
                    "diem_toi_da": ind.max_points,
                    "trang_thai": result.status.label,
                }
            )
    personal = {i for i, row in enumerate(rows) if BY_CODE[row["ma_chi_so"]].source in PERSONAL_SOURCES}
    primary: set[tuple[int, str]] = set()
    for i in personal:
        num, den = rows[i]["tu_so"], rows[i]["mau_so"]
        if is_small(den):
            primary |= {(i, "tu_so"), (i, "mau_so")}
        is_average = rows[i]["ma_chi_so"] == "PROCESSING_TIME_AVG"  # its numerator is a time, not people
        if not is_average and isinstance(num, int) and isinstance(den, int) and (is_small(num) or is_small(den - num)):
            primary.add((i, "tu_so"))
    # secondary: the province row (the first of each code) is the total of the agencies' rows
    relations: list[Relation] = []
    for indices in by_code.values():
        if indices[0] in personal:
            relations += group_relations(indices[0], indices[1:], ["tu_so", "mau_so"])
    hidden = suppress(rows, columns=[], relations=relations, also=primary)
    for i, _column in list(hidden):
        hidden |= {(i, "ty_le"), (i, "diem")}
    return Table(INDICATOR_COLUMNS, rows, hidden)


# --- dossier counts by procedure and agency --------------------------------------------------------

DOSSIER_COLUMNS = [
    Column("thang", "text", "Tháng"),
    Column("ma_co_quan", "text", "Mã cơ quan có thẩm quyền"),
    Column("co_quan", "text", "Cơ quan có thẩm quyền"),
    Column("ma_thu_tuc", "text", "Mã thủ tục (trống: tổng của cơ quan)"),
    Column("thu_tuc", "text", "Thủ tục"),
    Column("tiep_nhan", "int", "Hồ sơ tiếp nhận trong tháng"),
    Column("giai_quyet", "int", "Hồ sơ kết thúc xử lý trong tháng"),
    Column("dung_han", "int", "Trong đó đúng hạn"),
    Column("qua_han", "int", "Trong đó quá hạn"),
]
COUNTS = ["tiep_nhan", "giai_quyet", "dung_han", "qua_han"]


def dossiers_table(period: Period, at: datetime) -> Table:
    """The month's counters of the indicator rollups (grain month): received (by day of reception),
    ended (by day of end of processing, QĐ 766's end), of which on time and late; one row per competent
    agency and procedure, then the agency's total. Suppression: threshold, with the agency total and
    ``giai_quyet = dung_han + qua_han`` as the relations."""
    sums = (
        IndicatorRollup.objects.filter(grain=Grain.MONTH, bucket=period.first)
        .values("agency_id", "procedure_id")
        .order_by()
    )
    found = list(sums.annotate(r=Sum("received"), e=Sum("ended"), t=Sum("ended_on_time")))
    agencies = {a.pk: a for a in Agency.objects.filter(pk__in={f["agency_id"] for f in found})}
    procedures = {p.pk: p for p in Procedure.objects.filter(pk__in={f["procedure_id"] for f in found})}
    per_agency: dict[int, list[dict[str, Any]]] = {}
    for f in found:
        if not (f["r"] or f["e"]):
            continue
        per_agency.setdefault(f["agency_id"], []).append(f)
    rows: list[dict[str, Any]] = []
    relations: list[Relation] = []
    for agency_id in sorted(per_agency, key=lambda pk: agencies[pk].name if pk in agencies else ""):
        agency = agencies.get(agency_id)
        parts: list[int] = []
        for f in sorted(per_agency[agency_id], key=lambda f: procedures[f["procedure_id"]].code):
            procedure = procedures[f["procedure_id"]]
            parts.append(len(rows))
            rows.append(_dossier_row(period, agency, procedure.code, procedure.name, f["r"], f["e"], f["t"]))
        total = len(rows)
        group = per_agency[agency_id]
        rows.append(
            _dossier_row(
                period,
                agency,
                "",
                "Tổng của cơ quan",
                sum(f["r"] for f in group),
                sum(f["e"] for f in group),
                sum(f["t"] for f in group),
            )
        )
        relations += group_relations(total, parts, COUNTS)
    relations += row_relations(range(len(rows)), "giai_quyet", ["dung_han", "qua_han"])
    hidden = suppress(rows, columns=COUNTS, relations=relations)
    return Table(DOSSIER_COLUMNS, rows, hidden)


def _dossier_row(
    period: Period, agency: Agency | None, code: str, name: str, received: int, ended: int, on_time: int
) -> dict[str, Any]:
    return {
        "thang": _month(period),
        "ma_co_quan": agency.code if agency else "",
        "co_quan": agency.name if agency else "",
        "ma_thu_tuc": code,
        "thu_tuc": name,
        "tiep_nhan": int(received),
        "giai_quyet": int(ended),
        "dung_han": int(on_time),
        "qua_han": int(ended) - int(on_time),
    }


# --- the program: task progress and targets --------------------------------------------------------

TASK_COLUMNS = [
    Column("thang", "text", "Tháng"),
    Column("nam_ke_hoach", "int", "Năm kế hoạch"),
    Column("so_thu_tu", "text", "Số thứ tự"),
    Column("nhiem_vu", "text", "Nhiệm vụ"),
    Column("ma_co_quan", "text", "Mã cơ quan chủ trì"),
    Column("co_quan_chu_tri", "text", "Cơ quan chủ trì"),
    Column("thoi_han", "date", "Thời hạn"),
    Column("trang_thai", "text", "Trạng thái cuối tháng"),
    Column("tien_do", "int", "Tiến độ (%)"),
]


def tasks_table(period: Period, at: datetime) -> Table:
    """The assignments of the year's plans (cchc.plans) with their status on the month's last day
    (``progress_case``: overdue derived as the plans' pages derive it) and their progress as it stands
    when published (the plans keep no history of the percentage)."""
    from cchc.plans.constants import ProgressStatus

    labels = dict(ProgressStatus.choices)
    day = min(period.last, at.date())
    assignments = (
        Assignment.objects.filter(year=period.first.year)
        .select_related("lead_agency")
        .annotate(state=progress_case(today=day))
        .order_by("lead_agency__name", "number_label", "pk")
    )
    rows = [
        {
            "thang": _month(period),
            "nam_ke_hoach": a.year,
            "so_thu_tu": a.number_label,
            "nhiem_vu": a.title,
            "ma_co_quan": a.lead_agency.code,
            "co_quan_chu_tri": a.lead_agency.name,
            "thoi_han": a.due_on.isoformat(),
            "trang_thai": labels.get(a.state, a.state),
            "tien_do": a.percent,
        }
        for a in assignments
    ]
    return Table(TASK_COLUMNS, rows)


TARGET_COLUMNS = [
    Column("thang", "text", "Tháng"),
    Column("chuong_trinh", "text", "Chương trình"),
    Column("ma_chi_tieu", "text", "Mã chỉ tiêu"),
    Column("linh_vuc_cai_cach", "text", "Nội dung cải cách"),
    Column("chi_tieu", "text", "Chỉ tiêu"),
    Column("so_sanh", "text", "So sánh"),
    Column("gia_tri", "numeric", "Giá trị"),
    Column("don_vi", "text", "Đơn vị"),
    Column("moc_nam", "int", "Mốc năm"),
    Column("cap_chinh_quyen", "text", "Cấp chính quyền"),
]


def targets_table(period: Period, at: datetime) -> Table:
    """The quantified targets of the latest program (cchc.program), as the program sets them."""
    program = program_get_latest()
    if program is None:
        return Table(TARGET_COLUMNS, [])
    targets = Target.objects.filter(program=program).select_related("area").order_by("area__number", "order")
    rows = [
        {
            "thang": _month(period),
            "chuong_trinh": program.number,
            "ma_chi_tieu": t.code,
            "linh_vuc_cai_cach": t.area.name,
            "chi_tieu": t.metric,
            "so_sanh": t.get_comparator_display(),
            "gia_tri": float(t.value),
            "don_vi": t.unit,
            "moc_nam": t.milestone_year,
            "cap_chinh_quyen": t.gov_level,
        }
        for t in targets
    ]
    return Table(TARGET_COLUMNS, rows)


SPECS = (
    Spec(
        "danh-muc-thu-tuc-hanh-chinh",
        "Danh mục thủ tục hành chính",
        "Các thủ tục hành chính đang áp dụng trên địa bàn tỉnh vào cuối mỗi tháng: mã, tên, lĩnh vực, cấp thực "
        "hiện, mức độ dịch vụ công trực tuyến, thời hạn giải quyết và cơ quan có thẩm quyền.",
        ("thủ tục hành chính", "dịch vụ công"),
        "Thủ tục hành chính",
        catalogue_table,
    ),
    Spec(
        "chi-so-phuc-vu-nguoi-dan-doanh-nghiep",
        "Chỉ số phục vụ người dân, doanh nghiệp theo QĐ 766/QĐ-TTg",
        "Kết quả các chỉ số của Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ người dân, doanh "
        "nghiệp (Quyết định 766/QĐ-TTg) theo tháng, cho toàn tỉnh và từng cơ quan. Số nhỏ được ẩn để không "
        "nhận diện được cá nhân.",
        ("QĐ 766", "chỉ số", "chất lượng phục vụ"),
        "Chỉ số cải cách hành chính",
        indicators_table,
    ),
    Spec(
        "thong-ke-ho-so-thu-tuc-hanh-chinh",
        "Thống kê hồ sơ thủ tục hành chính theo thủ tục và cơ quan",
        "Số hồ sơ tiếp nhận, kết thúc xử lý, đúng hạn và quá hạn trong tháng theo từng thủ tục và cơ quan có "
        "thẩm quyền. Số từ 1 đến 4 được ẩn (kèm ẩn thứ cấp) để không nhận diện được cá nhân.",
        ("hồ sơ", "thống kê", "một cửa"),
        "Thủ tục hành chính",
        dossiers_table,
    ),
    Spec(
        "tien-do-nhiem-vu-cai-cach-hanh-chinh",
        "Tiến độ nhiệm vụ cải cách hành chính",
        "Các nhiệm vụ trong kế hoạch cải cách hành chính năm của các cơ quan: cơ quan chủ trì, thời hạn, trạng "
        "thái vào cuối tháng và tiến độ.",
        ("kế hoạch", "nhiệm vụ", "cải cách hành chính"),
        "Chương trình cải cách hành chính",
        tasks_table,
    ),
    Spec(
        "chi-tieu-chuong-trinh-cai-cach-hanh-chinh",
        "Chỉ tiêu của Chương trình cải cách hành chính",
        "Các chỉ tiêu định lượng của Chương trình cải cách hành chính của tỉnh: nội dung, giá trị, mốc năm.",
        ("chỉ tiêu", "chương trình", "cải cách hành chính"),
        "Chương trình cải cách hành chính",
        targets_table,
    ),
)
BY_NAME = {s.name: s for s in SPECS}
