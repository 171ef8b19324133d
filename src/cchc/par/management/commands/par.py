"""``cchc par import FILE | export [--code CODE] [--format json|xlsx] [--out FILE] | demo``.

- ``import``: load an index set (bộ chỉ số) from JSON or XLSX, checked whole first (points add up,
  codes, methods); one transaction; an invalid file is refused with every error and its place;
- ``export``: write an index set back in the import layout (JSON to stdout by default);
- ``demo``: the demo index sets and this year's demo rounds, plus (when DEBUG) demo logins.
"""

from __future__ import annotations

import secrets
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from cchc.accounts.constants import Area, Role
from cchc.accounts.models import AgencyMembership
from cchc.accounts.services import membership_grant
from cchc.common.demo import demo_only
from cchc.org.models import Agency
from cchc.par.constants import ParError
from cchc.par.demo import par_demo
from cchc.par.exports import index_set_json, index_set_xlsx
from cchc.par.importer import read_index_file
from cchc.par.models import IndexSet
from cchc.par.services import index_set_import, index_set_spec

# Demo logins: (username, last name, first name, agency code)
DEMO_USERS = (
    ("chiso.snv", "Đặng Thị Mai", "so-noi-vu"),
    ("chiso.stp", "Ngô Văn Bình", "so-tu-phap"),
    ("chiso.nhatrang", "Huỳnh Thị Thu", "ubnd-22366"),
)


class Command(BaseCommand):
    help = "Chỉ số CCHC (PAR Index). Lệnh con: import TỆP, export, demo."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser(
            "import", help="Nhập bộ chỉ số từ tệp JSON hoặc XLSX (kiểm tra tổng điểm, mã, phương pháp)."
        )
        imp.add_argument("file", help="Đường dẫn tệp .json hoặc .xlsx")
        exp = sub.add_parser("export", help="Xuất bộ chỉ số theo định dạng nhập.")
        exp.add_argument("--code", default="", help="Mã bộ chỉ số (bỏ trống: tất cả, chỉ với JSON).")
        exp.add_argument("--format", choices=["json", "xlsx"], default="json")
        exp.add_argument("--out", default="", help="Tệp ghi ra (bắt buộc với xlsx; mặc định JSON in ra màn hình).")
        sub.add_parser("demo", help="Nạp bộ chỉ số minh họa và mở đợt đánh giá năm nay có dữ liệu mẫu.")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(options)

    def _import(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        try:
            spec = read_index_file(path)
            outcome = index_set_import(spec=spec, actor=None, at=timezone.now())
        except ParError as exc:
            raise CommandError(f"{exc.message} [{exc.code}]") from exc
        index_set = outcome.index_set
        leaves = index_set.nodes.filter(is_leaf=True).count()
        state = "đã tạo" if outcome.created else ("đã cập nhật" if outcome.changed else "không thay đổi")
        self.stdout.write(
            self.style.SUCCESS(
                f"Bộ chỉ số «{index_set.code}» {state}: {leaves} tiêu chí chấm điểm, tổng {index_set.max_points} điểm."
            )
        )

    def _export(self, options: dict[str, Any]) -> None:
        sets = IndexSet.objects.order_by("code")
        if options["code"]:
            sets = sets.filter(code=options["code"])
            if not sets.exists():
                raise CommandError(f"Không có bộ chỉ số mã «{options['code']}».")
        if options["format"] == "xlsx":
            if not options["out"] or sets.count() != 1:
                raise CommandError("Xuất XLSX cần --code (một bộ chỉ số) và --out TỆP.")
            Path(options["out"]).write_bytes(index_set_xlsx(sets.get()))
            self.stdout.write(self.style.SUCCESS(f"Đã ghi {options['out']}."))
            return
        docs = [index_set_spec(index_set) for index_set in sets]
        text = index_set_json(docs[0] if options["code"] else docs)  # type: ignore[arg-type]
        if options["out"]:
            Path(options["out"]).write_text(text + "\n", encoding="utf-8")
            self.stdout.write(self.style.SUCCESS(f"Đã ghi {options['out']}."))
        else:
            self.stdout.write(text)

    def _demo(self, options: dict[str, Any]) -> None:
        demo_only("cchc par demo")
        bar = tqdm(desc="Chỉ số CCHC demo", unit=" cơ quan", file=sys.stderr, disable=None)
        try:
            result = par_demo(progress=lambda label: bar.update(1))
        finally:
            bar.close()
        for index_set, changed in result.index_sets:
            self.stdout.write(f"Bộ chỉ số {index_set.code}: {'đã nạp' if changed else 'không thay đổi'}.")
        for round_, created in result.rounds:
            self.stdout.write(f"{round_.name}: {'đã mở, có dữ liệu mẫu' if created else 'đã có, giữ nguyên'}.")
        if settings.DEBUG:
            self._demo_users()

    def _demo_users(self) -> None:
        now = timezone.now()
        today = timezone.localdate(now)
        lines = []
        with transaction.atomic():
            for username, full_name, code in DEMO_USERS:
                agency = Agency.objects.valid_on(today).filter(code=code).first()
                if agency is None:
                    continue
                user, _ = get_user_model().objects.get_or_create(username=username)
                password = secrets.token_urlsafe(9)
                user.first_name, user.last_name, user.is_active = full_name, "", True  # one field (cchc.accounts.names)
                user.set_password(password)
                user.save()
                if (
                    not AgencyMembership.objects.valid_on(today)
                    .filter(user=user, agency=agency, area=Area.PAR)
                    .exists()
                ):
                    membership_grant(
                        user=user,
                        agency=agency,
                        area=Area.PAR,
                        role=Role.SPECIALIST,
                        valid_from=agency.valid_from or today,
                        note="Tài khoản demo Chỉ số CCHC (cchc par demo)",
                        actor=None,
                        at=now,
                    )
                lines.append(f"  {username} / {password}  — {agency.name}")
        self.stdout.write(self.style.SUCCESS("Tài khoản demo Chỉ số CCHC (http://127.0.0.1:8000/par-index/):"))
        for line in lines:
            self.stdout.write(line)
