"""The national feedback (PAKN) exchange, over real HTTP to the simulator: feedback filed nationally is
imported once with its agency and deadlines, what cannot be imported is skipped with its reason, and the
answer goes back exactly once, through failures."""

from __future__ import annotations

import io
import json
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from cchc.calendars.selectors import working_calendar
from cchc.dossiers.tests.conftest import AT
from cchc.feedback import services as fs
from cchc.feedback.constants import Classification, FeedbackStatus
from cchc.feedback.models import Feedback, NationalFeedbackCursor
from cchc.feedback.tests.conftest import ANSWER, CITIZEN, CONTENT, SUBJECT, FeedbackWorld, build_feedback_world
from cchc.integrations.constants import IntegrationErrorCode, Outcome
from cchc.integrations.models import Attempt
from cchc.integrations.national_feedback.answers import SUBSCRIBER, answers_send, register_answers_subscriber
from cchc.integrations.national_feedback.pull import pakn_pull
from cchc.integrations.tests.simulator import PASSWORD, USERNAME, NationalSimulator
from cchc.outbox.dispatch import outbox_drain
from cchc.outbox.models import Delivery, DeliveryStatus, OutboxEvent, idempotency_key
from cchc.outbox.registry import unregister

pytestmark = pytest.mark.django_db

RECEIVED = "20260105080000"  # Monday 5/1/2026 08:00, Vietnam time (the world's AT)
PULLED = AT + timedelta(hours=2)


def pakn(**fields: Any) -> dict[str, Any]:
    """A feedback as a citizen files it on the national system, about Sở Tư pháp."""
    return {
        "TieuDe": SUBJECT,
        "NoiDung": CONTENT,
        "HoTenNguoiGui": "Lê Thị Hoa",
        "SoDienThoai": "0912345678",
        "Email": "hoa@example.vn",
        "MaDonVi": "so-tu-phap",
        "NgayTiepNhan": RECEIVED,
        **fields,
    }


def file_nationally(sim: NationalSimulator, *items: dict[str, Any]) -> list[str]:
    """File ``items`` on the simulated national system (GuiPAKN); their MaPAKN."""

    def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
        request = urllib.request.Request(
            sim.base + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read())

    session = post("/api/auth", {"username": USERNAME, "password": PASSWORD})["session"]
    answer = post("/api/service", {"session": session, "service": "GuiPAKN", "data": list(items)})
    assert answer["error_code"] == "0", answer
    return [row["MaPAKN"] for row in answer["result"]]


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[FeedbackWorld]:
    """The Khánh Hòa registry and the feedback officers (built once per module, rolled back after it)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_feedback_world()
        transaction.set_rollback(True)


@pytest.fixture
def fw(world: FeedbackWorld, db: None) -> FeedbackWorld:
    return world


@pytest.fixture
def answers_subscriber() -> Iterator[None]:
    register_answers_subscriber()
    yield
    unregister(SUBSCRIBER)


def answer(fw: FeedbackWorld, feedback: Feedback, at: Any = AT + timedelta(days=1)) -> Feedback:
    fb = fs.feedback_assign(feedback=feedback, actor=fw.officer, classification=Classification.REGULATION, at=at)
    return fs.feedback_answer(feedback=fb, actor=fw.officer, answer=ANSWER, at=at + timedelta(hours=1))


# --- import ------------------------------------------------------------------------------------------------


def test_feedback_filed_nationally_is_imported_once_with_its_agency_and_deadlines(
    national_simulator: NationalSimulator, fw: FeedbackWorld
) -> None:
    [ma] = file_nationally(national_simulator, pakn())

    report = pakn_pull(at=PULLED)

    assert report.error is None
    assert not report.skipped
    assert len(report.imported) == 1
    fb = Feedback.objects.get(national_id=ma)
    assert fb.code == report.imported[0]
    assert fb.code.startswith("PA-260105-")
    assert fb.status == FeedbackStatus.RECEIVED
    assert fb.agency == fw.justice
    assert (fb.submitter_name, fb.submitter_phone, fb.submitter_email) == ("Lê Thị Hoa", "0912345678", "hoa@example.vn")
    # the deadlines run from the national reception (08:00), not from the pull (10:00)
    assert fb.submitted_at == AT
    calendar = working_calendar(agency=fw.justice)
    assert fb.reject_due_at == calendar.add_working_days(AT, 2)
    assert fb.info_due_at == calendar.add_working_days(AT, 5)
    assert fb.answer_due_at == calendar.add_working_days(AT, 15)
    assert fb.answer_due_at.date() > (AT + timedelta(days=15)).date()  # working days, not calendar days
    assert fb.is_national
    assert NationalFeedbackCursor.objects.get(source="pakn").position != ""

    again = pakn_pull(at=PULLED + timedelta(hours=1))
    assert (again.imported, again.already, again.skipped, again.error) == ([], 0, [], None)
    assert Feedback.objects.filter(national_id=ma).count() == 1

    # read again from the start: seen, not imported twice; the stored position is kept
    position = NationalFeedbackCursor.objects.get(source="pakn").position
    repull = pakn_pull(at=PULLED + timedelta(hours=2), restart=True)
    assert (repull.imported, repull.already) == ([], 1)
    assert NationalFeedbackCursor.objects.get(source="pakn").position == position


def test_only_what_came_after_the_last_pull_is_read_page_by_page(
    national_simulator: NationalSimulator, fw: FeedbackWorld
) -> None:
    file_nationally(national_simulator, pakn(), pakn(TieuDe="Phí chứng thực bản sao thu sai quy định"))
    first = pakn_pull(at=PULLED, page_size=1)
    assert (len(first.imported), first.pages) == (2, 2)

    file_nationally(national_simulator, pakn(TieuDe="Niêm yết thủ tục không đầy đủ tại bộ phận một cửa"))
    second = pakn_pull(at=PULLED + timedelta(hours=1))
    assert len(second.imported) == 1
    assert Feedback.objects.filter(national_id__gt="").count() == 3


def test_an_item_acknowledged_twice_in_a_page_is_imported_once(
    national_simulator: NationalSimulator, fw: FeedbackWorld
) -> None:
    file_nationally(national_simulator, pakn())
    national_simulator.control(mode="duplicate")

    report = pakn_pull(at=PULLED)

    assert (len(report.imported), report.already) == (1, 1)
    assert Feedback.objects.count() == 1


def test_an_item_for_an_unknown_agency_or_malformed_is_skipped_with_its_reason_and_the_rest_imported(
    national_simulator: NationalSimulator, fw: FeedbackWorld
) -> None:
    unknown, malformed, good, bad_date = file_nationally(
        national_simulator,
        pakn(MaDonVi="so-khong-ton-tai"),
        pakn(TieuDe=""),
        pakn(),
        pakn(NgayTiepNhan="05/01/2026"),
    )

    report = pakn_pull(at=PULLED)

    assert report.error is None
    assert len(report.imported) == 1
    assert Feedback.objects.get().national_id == good
    reasons = {s.national_id: (s.code, s.reason) for s in report.skipped}
    assert reasons[unknown][0] == "pakn.agency_unknown"
    assert "so-khong-ton-tai" in reasons[unknown][1]
    assert reasons[malformed] == ("pakn.malformed", "Thiếu trường «TieuDe».")
    assert reasons[bad_date][0] == "pakn.malformed"
    assert "yyyyMMddHHmmss" in reasons[bad_date][1]
    recorded = Attempt.objects.get(subject=f"pakn:{unknown}")
    assert (recorded.outcome, recorded.error_code) == (Outcome.REJECTED, "pakn.agency_unknown")
    assert "Không có cơ quan mã «so-khong-ton-tai»" in recorded.error
    assert NationalFeedbackCursor.objects.get(source="pakn").skipped == 3


def test_a_contact_the_feedback_service_refuses_is_skipped_with_its_code(
    national_simulator: NationalSimulator, fw: FeedbackWorld
) -> None:
    [ma] = file_nationally(national_simulator, pakn(SoDienThoai="12ab", Email=""))

    report = pakn_pull(at=PULLED)

    [skipped] = report.skipped
    assert (skipped.national_id, skipped.code) == (ma, "pakn.refused")
    assert "feedback.invalid_input" in skipped.reason
    assert "12ab" in skipped.reason
    assert not Feedback.objects.exists()


def test_a_pull_while_the_national_system_is_down_changes_nothing_then_catches_up(
    national_simulator: NationalSimulator, fw: FeedbackWorld
) -> None:
    file_nationally(national_simulator, pakn())
    national_simulator.control(mode="down")

    failed = pakn_pull(at=PULLED)

    assert failed.error is not None
    assert failed.error.code == IntegrationErrorCode.UNREACHABLE
    assert not Feedback.objects.exists()
    assert Attempt.objects.get(operation="LayDanhSachPAKN").outcome == Outcome.ERROR
    assert NationalFeedbackCursor.objects.get(source="pakn").position == ""

    national_simulator.heal()
    assert len(pakn_pull(at=PULLED).imported) == 1


def test_the_command_pulls_and_says_what_it_did(national_simulator: NationalSimulator, fw: FeedbackWorld) -> None:
    file_nationally(national_simulator, pakn(), pakn(MaDonVi="so-khong-ton-tai"))
    out = io.StringIO()

    call_command("integrations", "feedback", "pull", stdout=out)

    text = out.getvalue()
    assert "Đã nhận 1 phản ánh mới, 0 phản ánh đã có, bỏ qua 1" in text
    assert "[pakn.agency_unknown]" in text


# --- answers -----------------------------------------------------------------------------------------------


def test_the_answer_goes_back_exactly_once(
    national_simulator: NationalSimulator, fw: FeedbackWorld, answers_subscriber: None
) -> None:
    [ma] = file_nationally(national_simulator, pakn())
    pakn_pull(at=PULLED)
    fb = answer(fw, Feedback.objects.get(national_id=ma))

    outbox_drain(only=[SUBSCRIBER])

    [sent] = national_simulator.data("pakn_answers", MaPAKN=ma)
    assert sent["NoiDungTraLoi"] == ANSWER
    assert sent["NgayTraLoi"] == "20260106090000"  # answered 6/1/2026 09:00, Vietnam time
    assert (sent["MaDonViTraLoi"], sent["MaPhanAnhTinh"]) == ("so-tu-phap", fb.code)
    event = OutboxEvent.objects.get(topic="feedback.answered")
    key = idempotency_key(event.pk, SUBSCRIBER)
    assert sent["idempotency_key"] == key
    assert Delivery.objects.get(subscriber=SUBSCRIBER).status == DeliveryStatus.DELIVERED

    # delivered again (at least once): acknowledged, not answered twice
    event.idempotency_key = key  # type: ignore[attr-defined]
    assert answers_send([event]) is None
    [again] = national_simulator.data("pakn_answers", MaPAKN=ma)
    assert again["calls"] == 2
    assert [row["answered"] for row in national_simulator.data("pakn")] == [1]


def test_feedback_filed_on_the_provincial_portal_is_not_sent(
    national_simulator: NationalSimulator, fw: FeedbackWorld, answers_subscriber: None
) -> None:
    local = fs.feedback_submit(submitter=CITIZEN, subject=SUBJECT, content=CONTENT, agency=fw.justice, at=AT).feedback
    answer(fw, local)

    outbox_drain(only=[SUBSCRIBER])

    assert Delivery.objects.get(subscriber=SUBSCRIBER).status == DeliveryStatus.DELIVERED
    assert national_simulator.data("pakn_answers") == []
    assert not Attempt.objects.exists()


def test_while_the_national_system_is_down_the_answer_is_retried_then_delivered_once(
    national_simulator: NationalSimulator, fw: FeedbackWorld, answers_subscriber: None
) -> None:
    [ma] = file_nationally(national_simulator, pakn())
    pakn_pull(at=PULLED)
    answer(fw, Feedback.objects.get(national_id=ma))
    national_simulator.control(mode="down")

    outbox_drain(only=[SUBSCRIBER])

    delivery = Delivery.objects.get(subscriber=SUBSCRIBER)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert IntegrationErrorCode.UNREACHABLE in delivery.last_error
    failed = Attempt.objects.get(operation="TraLoiPAKN")  # kept: the failure went back to the outbox
    assert (failed.outcome, failed.error_code, failed.event_id) == (
        Outcome.ERROR,
        IntegrationErrorCode.UNREACHABLE,
        delivery.event_id,
    )
    assert national_simulator.data("pakn_answers") == []

    national_simulator.control(mode="error", times=1)  # the first retry meets a 5xx
    outbox_drain(only=[SUBSCRIBER], at=delivery.next_attempt_at + timedelta(seconds=1))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 2)

    outbox_drain(only=[SUBSCRIBER], at=delivery.next_attempt_at + timedelta(seconds=1))

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    [sent] = national_simulator.data("pakn_answers", MaPAKN=ma)
    assert sent["calls"] == 1
    outcomes = list(Attempt.objects.filter(operation="TraLoiPAKN").order_by("pk").values_list("outcome", flat=True))
    assert outcomes == [Outcome.ERROR, Outcome.ERROR, Outcome.OK]


def test_an_answer_the_national_system_refuses_is_recorded_with_its_reason(
    national_simulator: NationalSimulator, fw: FeedbackWorld, answers_subscriber: None
) -> None:
    # the national system forgot the feedback (its data reset): the answer is refused, recorded, retried
    [ma] = file_nationally(national_simulator, pakn())
    pakn_pull(at=PULLED)
    national_simulator.reset()
    answer(fw, Feedback.objects.get(national_id=ma))

    outbox_drain(only=[SUBSCRIBER])

    delivery = Delivery.objects.get(subscriber=SUBSCRIBER)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert f"Không tìm thấy phản ánh, kiến nghị mã «{ma}»" in delivery.last_error
    refused = Attempt.objects.get(operation="TraLoiPAKN")
    assert (refused.outcome, refused.error_code) == (Outcome.REJECTED, IntegrationErrorCode.REJECTED)


def test_the_subscriber_is_registered_only_when_the_national_system_is_configured(settings: Any) -> None:
    from cchc.integrations.subscribers import _register_national_feedback
    from cchc.outbox.registry import subscriber

    try:
        settings.CCHC_PARTNERS = {"pakn": {"url": ""}}
        unregister(SUBSCRIBER)
        _register_national_feedback()
        assert subscriber(SUBSCRIBER) is None

        settings.CCHC_PARTNERS = {"pakn": {"url": "https://pakn.example.gov.vn"}}
        _register_national_feedback()
        registered = subscriber(SUBSCRIBER)
        assert registered is not None
        assert (registered.topics, registered.batch) == (frozenset({"feedback.answered"}), True)
    finally:
        unregister(SUBSCRIBER)


def test_a_pull_not_configured_says_so_and_changes_nothing(settings: Any, fw: FeedbackWorld) -> None:
    settings.CCHC_PARTNERS = {"pakn": {"url": ""}}
    out = io.StringIO()

    with pytest.raises(CommandError):
        call_command("integrations", "feedback", "pull", stdout=out)

    assert "Chưa cấu hình địa chỉ của Hệ thống tiếp nhận, trả lời phản ánh, kiến nghị quốc gia" in out.getvalue()
    assert NationalFeedbackCursor.objects.get(source="pakn").position == ""
    assert not Feedback.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tu-ngay", "2026-01-05"], "ngày «2026-01-05» phải có dạng DD/MM/YYYY"),
        (["--so-luong", "0"], "số phản ánh mỗi trang phải từ 1 đến 500"),
    ],
)
def test_the_command_refuses_bad_arguments_before_any_call(
    national_simulator: NationalSimulator, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError) as refused:
        call_command("integrations", "feedback", "pull", *args)

    assert message in str(refused.value)
    assert national_simulator.stats()["calls"] == 0


def test_the_command_refuses_two_ways_of_reading_again(national_simulator: NationalSimulator) -> None:
    out = io.StringIO()

    with pytest.raises(CommandError):
        call_command("integrations", "feedback", "pull", "--tu-dau", "--tu-ngay", "05/01/2026", stdout=out)

    assert "Chọn một trong hai: --tu-dau" in out.getvalue()
    assert national_simulator.stats()["calls"] == 0


def test_the_demo_files_sample_feedback_nationally_that_the_pull_imports(
    national_simulator: NationalSimulator, fw: FeedbackWorld, settings: Any
) -> None:
    settings.DEBUG = True
    out = io.StringIO()

    call_command("integrations", "feedback", "demo", "--don-vi", "so-tu-phap", stdout=out)

    assert "Đã gửi 2 phản ánh mẫu" in out.getvalue()
    report = pakn_pull()
    assert len(report.imported) == 2
    # received "now" in Vietnam time by the national system, whatever the machine's time zone
    for submitted_at in Feedback.objects.values_list("submitted_at", flat=True):
        assert abs(timezone.now() - submitted_at) < timedelta(minutes=1)
    assert set(Feedback.objects.values_list("agency", flat=True)) == {fw.justice.pk}


def test_the_demo_is_refused_outside_development(national_simulator: NationalSimulator, settings: Any) -> None:
    settings.DEBUG = False
    out = io.StringIO()

    with pytest.raises(CommandError):
        call_command("integrations", "feedback", "demo", stdout=out)

    assert "chỉ dùng khi phát triển" in out.getvalue()
    assert national_simulator.data("pakn") == []


def test_the_task_pulls_once_and_reports_in_numbers(national_simulator: NationalSimulator, fw: FeedbackWorld) -> None:
    from cchc.integrations.national_feedback.tasks import pull_national_feedback

    file_nationally(national_simulator, pakn(), pakn(MaDonVi="so-khong-ton-tai"))

    first = pull_national_feedback.call()
    second = pull_national_feedback.call()

    position = NationalFeedbackCursor.objects.get(source="pakn").position
    assert position != ""
    assert first == {"imported": 1, "already": 0, "skipped": 1, "position": position, "error": ""}
    assert second == {"imported": 0, "already": 0, "skipped": 0, "position": position, "error": ""}
