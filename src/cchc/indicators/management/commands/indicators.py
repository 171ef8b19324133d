"""``cchc indicators compute|refresh|rebuild``.

``compute --period 2025-Q3 [--unit CODE] [--format json|table] [--direct]`` prints every indicator of
the QĐ 766 index (numerator, denominator, ratio, score) for the province and each reporting agency, or
for one unit / agency, read from the rollups (``--direct``: straight from the dossier table; the same
figures; read only, as the dashboards). ``refresh`` applies the dossier writes recorded in the audit
trail since the last refresh: the catch-up for writes that emit no outbox event (a feedback about a
dossier, an admin correction), the subscriber ``indicators.rollups`` applying the others as they are
delivered; ``rebuild`` truncates and rebuilds the rollups (after a bulk load that wrote no audit events).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from cchc.common.numbers import vi_number
from cchc.indicators.compute import Report, indicators_compute, indicators_compute_units
from cchc.indicators.constants import IndicatorError, Method, Status, Structure
from cchc.indicators.periods import EXAMPLES, period_parse
from cchc.indicators.rollups import rollups_rebuild, rollups_refresh
from cchc.indicators.scopes import Scope
from cchc.org.constants import Level
from cchc.org.models import AdministrativeUnit


def _moment(value: str | None) -> datetime:
    if not value:
        return timezone.now()
    moment = parse_datetime(value)
    if moment is None:
        raise CommandError(f"Thời điểm «{value}» không đúng dạng ISO 8601 (ví dụ 2025-10-01T00:00+07:00).")
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _number(value: Any) -> str:
    if value is None:
        return "—"
    return vi_number(value, 2) if isinstance(value, float) else vi_number(value)


class Command(BaseCommand):
    help = (
        "Bộ chỉ số 766 (QĐ 766/QĐ-TTg). Lệnh con: compute — tính mọi chỉ số cho toàn tỉnh và từng cơ quan "
        "(hoặc một đơn vị với --unit); refresh — cập nhật số liệu tổng hợp theo các thay đổi hồ sơ mới; "
        "rebuild — dựng lại toàn bộ số liệu tổng hợp từ bảng hồ sơ."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        compute = sub.add_parser("compute", help="Tính tử số, mẫu số, tỷ lệ và điểm của mọi chỉ số.")
        compute.add_argument("--period", required=True, help=f"Kỳ báo cáo: {EXAMPLES} (giờ Việt Nam).")
        compute.add_argument(
            "--unit",
            default="",
            help="Mã đơn vị hành chính (56, 22366 ...) hoặc mã cơ quan (so-tu-phap ...); bỏ trống: toàn tỉnh "
            "và từng cơ quan.",
        )
        compute.add_argument("--format", choices=["json", "table"], default="table", help="Dạng in (mặc định: table).")
        compute.add_argument(
            "--structure",
            choices=Structure.values,
            default=Structure.CURRENT,
            help="current: đơn vị cũ gộp vào đơn vị kế thừa hiện nay (mặc định); historical: theo tổ chức cũ.",
        )
        compute.add_argument(
            "--direct",
            action="store_true",
            help="Tính thẳng từ bảng hồ sơ, bỏ qua số liệu tổng hợp (chậm hơn; kết quả như nhau).",
        )
        compute.add_argument("--at", default=None, help="Thời điểm tính (ISO 8601; mặc định: bây giờ).")
        sub.add_parser(
            "refresh",
            help="Cập nhật số liệu tổng hợp theo các thay đổi hồ sơ ghi trong nhật ký kể từ lần trước "
            "(bù cho các thay đổi không phát sự kiện, như phản ánh kiến nghị về một hồ sơ).",
        )
        sub.add_parser(
            "rebuild",
            help="Xóa và dựng lại toàn bộ số liệu tổng hợp từ bảng hồ sơ (sau khi nạp hồ sơ theo lô, không nhật ký).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "refresh":
            count = rollups_refresh()
            self.stdout.write(f"Đã cập nhật {vi_number(count)} hồ sơ." if count else "Không có thay đổi mới.")
            return
        if options["action"] == "rebuild":
            result = rollups_rebuild(progress=True)
            self.stdout.write(
                f"Đã dựng lại: {_number(result.facts)} hồ sơ, {_number(result.payments)} thanh toán trực tuyến, "
                f"{_number(result.rollups)} dòng tổng hợp trong {_number(result.seconds)} giây "
                f"(đến sự kiện nhật ký #{result.last_sequence})."
            )
            return
        self._compute(options)

    def _compute(self, options: dict[str, Any]) -> None:
        at = _moment(options["at"])
        method = Method.DIRECT if options["direct"] else Method.ROLLUP
        try:
            period = period_parse(options["period"])
            structure = options["structure"]
            if options["unit"]:
                reports = [
                    indicators_compute(
                        period=period,
                        scope=self._scope(options["unit"], at),
                        at=at,
                        structure=structure,
                        method=method,
                    )
                ]
            else:
                reports = indicators_compute_units(period=period, at=at, structure=structure, method=method)
        except IndicatorError as exc:
            raise CommandError(f"{exc.message} [{exc.code}]") from exc
        if options["format"] == "json":
            payload = {"method": method.value, "reports": [r.as_dict() for r in reports]}
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
        else:
            for report in reports:
                self._table(report, method)

    @staticmethod
    def _scope(code: str, at: datetime) -> Scope:
        """An administrative unit code when one is valid on that day, else an agency code."""
        day = timezone.localtime(at).date()
        unit = AdministrativeUnit.objects.valid_on(day).filter(code=code).first()
        if unit is not None:
            return Scope(unit=code) if unit.level != Level.PROVINCE else Scope()
        return Scope(agency=code)

    def _table(self, report: Report, method: Method) -> None:
        write = self.stdout.write
        write("")
        how = "tính trực tiếp" if method == Method.DIRECT else "từ số liệu tổng hợp"
        write(f"{report.scope_label} — {report.period.label} ({how}, {report.structure.label.lower()})")
        write(f"{'Mã':<36} {'CT':<5} {'Tử số':>10} {'Mẫu số':>10} {'Tỷ lệ':>9} {'Điểm':>7} {'Tối đa':>6}  Ghi chú")
        for group in report.groups:
            write(
                f"-- {group.group.label}: {_number(float(group.score))}/{group.max_points} điểm "
                f"(đo được {group.measured_max})"
            )
            for result in group.results:
                data = result.as_dict()
                ratio = _number(data["ratio"])
                if data["ratio"] is not None:
                    ratio += f" {data['ratio_unit']}" if data["ratio_unit"] != "%" else "%"
                note = ""
                if result.status in (Status.NO_DATA, Status.EMPTY, Status.NOT_APPLICABLE):
                    note = result.status.label
                write(
                    f"{result.indicator.code:<36} {result.indicator.formula:<5} {_number(result.numerator):>10} "
                    f"{_number(result.denominator):>10} {ratio:>9} {_number(data['score']):>7} "
                    f"{result.indicator.max_points:>6}  {note}"
                )
        excluded = ", ".join(r.indicator.code for r in report.excluded)
        write(
            f"Tổng điểm: {_number(float(report.total))}/{report.measured_max} điểm đo được trên 100"
            + (f"; không tính (chưa có dữ liệu hoặc không có đối tượng): {excluded}" if excluded else "")
        )
