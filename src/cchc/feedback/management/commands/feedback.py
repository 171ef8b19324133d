"""``cchc feedback demo``: a handful of realistic citizen feedback items in every state.

Idempotent: an item already there (same subject and phone) is left alone, so running it again adds
nothing. Each item goes through the real services at past moments counted back in working days
(received, rejected, waiting for information, in progress, one overdue, answered, published, rated,
one re-raised), linked to a dossier where one exists. Needs the agency registry (``cchc org load``).
Staff actions are done by the demo account ``phananh.vpubnd`` (the province's TTHC control unit,
by default Văn phòng UBND tỉnh, which handles all feedback: ``control_agency_code``), created on the
first run with a password printed once (only with DEBUG on).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from cchc.accounts.constants import Area, Role
from cchc.accounts.models import AgencyMembership
from cchc.accounts.services import membership_grant
from cchc.calendars.selectors import working_calendar
from cchc.common.demo import demo_only
from cchc.dossiers.models import Dossier
from cchc.feedback import services as s
from cchc.feedback.constants import Classification, RatingLevel, control_agency_code
from cchc.feedback.models import Feedback
from cchc.org.models import Agency

DEMO_USER = "phananh.vpubnd"


@dataclass(frozen=True)
class Item:
    subject: str
    content: str
    name: str
    phone: str
    agency_code: str
    days_ago: int  # working days before now that it was received
    steps: tuple[str, ...] = ()  # reject | info | resubmit | assign | answer | publish | rate+ | rate-
    classification: str = Classification.REGULATION
    link_dossier: bool = False
    reraise_of: str = ""  # subject of an earlier demo item, re-raised
    texts: dict[str, str] = field(default_factory=dict)


ITEMS: tuple[Item, ...] = (
    Item(
        "Thời gian cấp Phiếu lý lịch tư pháp quá dài",
        "Tôi nộp hồ sơ cấp Phiếu lý lịch tư pháp số 2 từ đầu tháng nhưng quá hẹn trả vẫn chưa nhận được kết quả. "
        "Đề nghị Sở Tư pháp rút ngắn thời gian và thông báo khi hồ sơ bị chậm.",
        "Nguyễn Văn An",
        "0905111222",
        "so-tu-phap",
        14,
        ("assign", "answer", "publish", "rate+"),
        link_dossier=True,
        texts={
            "answer": "Sở Tư pháp đã kiểm tra: hồ sơ phải xác minh tại cơ quan công an nơi ông An cư trú trước đây nên "
            "chậm 2 ngày làm việc. Sở đã gửi thư xin lỗi, trả kết quả ngày hôm sau và từ nay nhắn tin cho người "
            "nộp khi hồ sơ cần xác minh thêm."
        },
    ),
    Item(
        "Thái độ cán bộ tiếp nhận hồ sơ chưa đúng mực",
        "Ngày hôm trước tôi đến bộ phận một cửa phường để làm thủ tục chứng thực. Cán bộ tiếp nhận trả lời cộc lốc, "
        "không hướng dẫn rõ giấy tờ còn thiếu, tôi phải đi lại ba lần.",
        "Trần Thị Bích",
        "0914333444",
        "ubnd-22366",
        10,
        ("assign", "answer", "publish"),
        classification=Classification.STAFF,
        texts={
            "answer": "UBND phường đã làm việc với cán bộ tiếp nhận, yêu cầu rút kinh nghiệm và hướng dẫn "
            "đầy đủ, một lần các giấy tờ cần bổ sung theo phiếu hướng dẫn. Phường xin lỗi bà Bích về sự phiền hà."
        },
    ),
    Item(
        "Đề nghị cho nộp bản sao điện tử giấy phép xây dựng",
        "Thủ tục cấp giấy phép xây dựng vẫn yêu cầu nộp bản giấy bản vẽ thiết kế dù đã nộp trực tuyến. Đề nghị chấp "
        "nhận bản điện tử có chữ ký số để giảm chi phí in ấn cho người dân.",
        "Lê Minh Cường",
        "0935555666",
        "so-xay-dung",
        6,
        ("assign", "answer"),
        texts={
            "answer": "Sở Xây dựng ghi nhận kiến nghị và sẽ trình UBND tỉnh sửa quy trình nội bộ để chấp nhận "
            "bản vẽ điện tử có chữ ký số từ quý tới."
        },
    ),
    Item(
        "Niêm yết phí, lệ phí không thống nhất với cổng dịch vụ công",
        "Mức lệ phí niêm yết tại bộ phận một cửa khác với mức trên cổng dịch vụ công của tỉnh. Đề nghị rà soát và "
        "công khai thống nhất để người dân biết mức phải nộp.",
        "Phạm Quốc Dũng",
        "0977666777",
        "so-tai-chinh",
        20,
        ("assign",),
    ),
    Item(
        "Thủ tục đăng ký hộ kinh doanh yêu cầu giấy tờ không có trong quy định",
        "Khi đăng ký hộ kinh doanh, cán bộ yêu cầu nộp thêm xác nhận của tổ dân phố, giấy tờ này không có trong "
        "thành phần hồ sơ đã công bố.",
        "Hoàng Thị Em",
        "0908777888",
        "ubnd-22366",
        3,
        ("assign",),
    ),
    Item(
        "Đường dây nóng không có người trả lời",
        "Tôi gọi đường dây nóng nhiều lần trong giờ hành chính nhưng không có người nghe máy.",
        "Đỗ Văn Phúc",
        "0916888999",
        "so-y-te",
        4,
        ("info",),
        texts={"info": "Đề nghị ông cho biết số điện thoại đã gọi, ngày và khoảng thời gian gọi để Sở kiểm tra."},
    ),
    Item(
        "Góp ý về giá vé tham quan",
        "Giá vé tham quan khu du lịch năm nay tăng cao so với năm trước, đề nghị xem xét giảm giá cho người "
        "dân địa phương.",
        "Vũ Thị Giang",
        "0903999000",
        "so-van-hoa-the-thao-va-du-lich",
        2,
        ("reject",),
        classification=Classification.OTHER,
        texts={
            "reject": "Nội dung không thuộc phạm vi phản ánh, kiến nghị về quy định hành chính "
            "(Nghị định 20/2008/NĐ-CP); giá vé do doanh nghiệp quản lý khu du lịch quyết định. "
            "Đề nghị bà liên hệ trực tiếp doanh nghiệp."
        },
    ),
    Item(
        "Vẫn chậm cấp Phiếu lý lịch tư pháp",
        "Tôi đã phản ánh trước đây về việc cấp Phiếu lý lịch tư pháp chậm; lần nộp này vẫn bị chậm hẹn. Đề nghị "
        "Sở Tư pháp có giải pháp dứt điểm.",
        "Nguyễn Văn An",
        "0905111222",
        "so-tu-phap",
        0,
        (),
        reraise_of="Thời gian cấp Phiếu lý lịch tư pháp quá dài",
    ),
)


def _received_at(now: datetime, days_ago: int) -> datetime:
    """``days_ago`` working days before ``now`` (same working time of day); ``now`` for 0."""
    if days_ago <= 0:
        return now
    return min(working_calendar().add_working_days(now, -days_ago), now)


class Command(BaseCommand):
    help = "Phản ánh, kiến nghị. Lệnh con: demo — tạo vài phản ánh mẫu ở mọi trạng thái (chạy lại không tạo thêm)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("demo", help="Tạo phản ánh mẫu (idempotent) và tài khoản cán bộ xử lý phản ánh demo.")

    def handle(self, *args: Any, **options: Any) -> None:
        demo_only("cchc feedback demo")
        now = timezone.now()
        today = timezone.localdate(now)
        control = control_agency_code()
        agencies = {
            a.code: a
            for a in Agency.objects.valid_on(today).filter(code__in={i.agency_code for i in ITEMS} | {control})
        }
        if control not in agencies:
            raise CommandError(
                f"Chưa có cơ quan xử lý phản ánh «{control}» trong danh mục cơ quan. Hãy chạy trước: cchc org load"
            )
        with transaction.atomic():
            officer, password = self._officer(agencies[control], now)
            created = 0
            for item in ITEMS:
                agency = agencies.get(item.agency_code)
                if agency is None:
                    self.stderr.write(f"Bỏ qua «{item.subject}»: không có cơ quan {item.agency_code}.")
                    continue
                if Feedback.objects.filter(subject=item.subject, submitter_phone=item.phone).exists():
                    continue
                self._make(item, agency, officer, now)
                created += 1
        total = Feedback.objects.count()
        self.stdout.write(self.style.SUCCESS(f"Phản ánh mẫu: tạo mới {created}, hiện có {total} phản ánh."))
        if password:
            name = agencies[control].name
            self.stdout.write(f"  Cán bộ xử lý phản ánh, {name} (xem mọi phản ánh): {DEMO_USER} / {password}")

    def _officer(self, control: Agency, now: datetime) -> tuple[Any, str]:
        user, created = get_user_model().objects.get_or_create(
            username=DEMO_USER,
            defaults={"first_name": "Đặng Thị Ngọc", "email": f"{DEMO_USER}@demo.cchc.invalid"},
        )
        password = ""
        if created:
            password = secrets.token_urlsafe(9)
            user.set_password(password)
            user.save()
        today = timezone.localdate(now)
        if not AgencyMembership.objects.valid_on(today).filter(user=user, agency=control, area=Area.FEEDBACK).exists():
            membership_grant(
                user=user,
                agency=control,
                area=Area.FEEDBACK,
                role=Role.SPECIALIST,
                valid_from=control.valid_from or today,
                note="Tài khoản demo (cchc feedback demo)",
                actor=None,
                at=now,
            )
        return user, password

    def _make(self, item: Item, agency: Agency, officer: Any, now: datetime) -> None:
        received = _received_at(now, item.days_ago)
        dossier_code = ""
        if item.link_dossier:
            dossier = Dossier.objects.filter(competent_agency=agency).exclude(code="").order_by("-pk").first()
            dossier_code = dossier.code if dossier is not None else ""
        previous = ""
        if item.reraise_of:
            earlier = Feedback.objects.filter(subject=item.reraise_of, submitter_phone=item.phone).first()
            previous = earlier.code if earlier is not None else ""
        fb = s.feedback_submit(
            submitter=s.Submitter(name=item.name, phone=item.phone),
            subject=item.subject,
            content=item.content,
            agency=agency,
            dossier_code=dossier_code,
            previous_code=previous,
            at=received,
        ).feedback
        calendar = working_calendar(agency=agency)
        moment = received
        for step in item.steps:
            # each step one working day after the previous one, never in the future
            moment = min(calendar.add_working_days(moment, 1), now)
            if step == "reject":
                s.feedback_reject(feedback=fb, actor=officer, reason=item.texts["reject"], at=moment)
            elif step == "info":
                s.feedback_request_info(feedback=fb, actor=officer, request=item.texts["info"], at=moment)
            elif step == "assign":
                s.feedback_assign(feedback=fb, actor=officer, classification=item.classification, at=moment)
            elif step == "answer":
                s.feedback_answer(feedback=fb, actor=officer, answer=item.texts["answer"], at=moment)
            elif step == "publish":
                s.feedback_publish(feedback=fb, actor=officer, at=moment)
            elif step in ("rate+", "rate-"):
                level = RatingLevel.SATISFIED if step == "rate+" else RatingLevel.DISSATISFIED
                s.feedback_rate(feedback=fb, level=level, comment="Cảm ơn cơ quan đã trả lời.", at=moment)
            fb.refresh_from_db()
