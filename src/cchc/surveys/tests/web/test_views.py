"""The survey pages through Django's test client: public form, staff entry, campaigns, results and CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cchc.accounts.otp.testing import otp_verify_session
from cchc.surveys.constants import ResponseChannel
from cchc.surveys.models import Campaign, Question, Response
from cchc.surveys.services import campaign_create, response_submit
from cchc.surveys.tests.conftest import VN, all_answers

PASSWORD = "x-Secret-123"


@pytest.fixture
def open_campaign(world, questionnaire):
    """A campaign open today (the pages use the real clock), about Sở Tư pháp and UBND phường Nha Trang."""
    today = timezone.localdate()
    return campaign_create(
        code="dot-hien-tai",
        name="Khảo sát đang mở",
        questionnaire=questionnaire,
        starts_on=today.replace(day=1),
        ends_on=today.replace(year=today.year + 1),
        sample_target=10,
        agencies=[world.justice, world.nha_trang],
        actor=None,
        at=timezone.now(),
    )


def post_data(questionnaire, agency, value: int = 5, **extra) -> dict[str, object]:
    data = {"agency": agency.pk, "respondent_kind": "citizen", "comment": ""}
    data.update({f"q_{code}": value for code, value in all_answers(questionnaire, value).items()})
    data.update(extra)
    return data


def test_public_form_shows_every_criterion_as_a_radio_group_with_vietnamese_labels(client, open_campaign):
    page = client.get(reverse("surveys_web:public_form", args=[open_campaign.code]))

    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('<fieldset class="likert"') == 22
    assert "Yếu tố 3: Sự phục vụ của công chức" in html
    assert html.count("Rất không hài lòng") == 22
    assert "Sở Tư pháp" in html


def test_public_answer_is_recorded_and_thanks_shown(client, world, open_campaign, questionnaire):
    page = client.post(
        reverse("surveys_web:public_form", args=[open_campaign.code]),
        post_data(questionnaire, world.justice),
        follow=True,
    )

    assert "Cảm ơn ông/bà" in page.content.decode()
    response = Response.objects.get()
    assert response.channel == ResponseChannel.ONLINE
    assert response.agency == world.justice
    assert response.answers.count() == 22


def test_incomplete_public_form_is_refused_with_a_message_per_question_and_nothing_saved(
    client, world, open_campaign, questionnaire
):
    data = post_data(questionnaire, world.justice)
    del data["q_tt-thoi-han"]
    data["q_cc-lich-su"] = "9"

    page = client.post(reverse("surveys_web:public_form", args=[open_campaign.code]), data)

    html = page.content.decode()
    assert page.status_code == 400
    assert "Vui lòng chọn mức độ hài lòng cho câu 9: «Thời hạn giải quyết" in html
    assert "Câu 10: mức trả lời phải từ 1 đến 5." in html
    assert "Chưa ghi nhận phiếu" in html
    assert re.search(r'<input type="radio" name="q_tc-cho-ngoi" value="5"[^>]*checked', html)  # answers kept
    assert Response.objects.count() == 0


def test_agency_outside_the_scope_cannot_be_posted(client, world, open_campaign, questionnaire):
    page = client.post(
        reverse("surveys_web:public_form", args=[open_campaign.code]), post_data(questionnaire, world.centre)
    )

    assert page.status_code == 400
    assert "Cơ quan đã chọn không thuộc đợt khảo sát này." in page.content.decode()
    assert Response.objects.count() == 0


def test_public_link_of_a_finished_campaign_says_so(client, world, questionnaire):
    campaign_create(
        code="dot-cu",
        name="Đợt cũ",
        questionnaire=questionnaire,
        starts_on=datetime(2025, 7, 1).date(),
        ends_on=datetime(2025, 9, 30).date(),
        sample_target=5,
        actor=None,
        at=datetime(2025, 7, 1, tzinfo=VN),
    )

    page = client.get(reverse("surveys_web:public_form", args=["dot-cu"]))

    assert "đã hết hạn trả lời trực tuyến (đến hết ngày 30/09/2025)" in page.content.decode()
    assert "<form" not in page.content.decode().split("<main")[1]


def test_staff_pages_need_a_login_and_an_agency(client, world, open_campaign):
    url = reverse("surveys_web:campaign_list")
    assert client.get(url).status_code == 302
    client.login(username=world.outsider.username, password=PASSWORD)

    assert client.get(url).status_code == 403
    assert client.get(reverse("surveys_web:staff_entry", args=[open_campaign.code])).status_code == 403


def test_agency_staff_enter_paper_forms_only_for_their_own_agency(client, world, open_campaign, questionnaire):
    client.login(username=world.commune_officer.username, password=PASSWORD)
    otp_verify_session(client, world.commune_officer)  # a leader at the commune: the second factor (issue 15)
    url = reverse("surveys_web:staff_entry", args=[open_campaign.code])

    form_page = client.get(url).content.decode()
    refused = client.post(url, post_data(questionnaire, world.justice))
    accepted = client.post(url, post_data(questionnaire, world.nha_trang, 4), follow=True)

    assert "Sở Tư pháp" not in form_page.split('name="agency"')[1].split("</select>")[0]
    assert refused.status_code == 400
    assert "Đã ghi nhận phiếu" in accepted.content.decode()
    response = Response.objects.get()
    assert (response.channel, response.entered_by, response.agency) == (
        ResponseChannel.PAPER,
        world.commune_officer,
        world.nha_trang,
    )


def test_home_affairs_creates_a_campaign_and_bad_input_changes_nothing(client, home_affairs_officer, questionnaire):
    client.login(username="noivu", password=PASSWORD)
    url = reverse("surveys_web:campaign_new")
    good = {
        "code": "quy-2-2026",
        "name": "Khảo sát quý II/2026",
        "questionnaire": questionnaire.pk,
        "starts_on": "2026-04-01",
        "ends_on": "2026-06-30",
        "sample_target": "300",
        "levels": ["commune"],
    }

    bad = client.post(url, {**good, "ends_on": "2026-03-01", "sample_target": "0"})
    assert bad.status_code == 200
    assert "Ngày kết thúc phải bằng hoặc sau ngày bắt đầu." in bad.content.decode()
    assert "Cỡ mẫu phải ít nhất 1 phiếu." in bad.content.decode()
    assert Campaign.objects.count() == 0

    created = client.post(url, good, follow=True)
    assert "Đã tạo đợt khảo sát" in created.content.decode()
    assert Campaign.objects.get().levels == ["commune"]


def test_other_agencies_cannot_create_campaigns(client, world):
    client.login(username=world.specialist.username, password=PASSWORD)

    assert client.get(reverse("surveys_web:campaign_new")).status_code == 403


def _answer(campaign, questionnaire, agency, n: int) -> None:
    for _ in range(n):
        response_submit(
            campaign=campaign,
            channel=ResponseChannel.ONLINE,
            agency=agency,
            answers=all_answers(questionnaire, 4),
            at=timezone.now(),
        )


def test_campaign_list_and_detail_take_constant_queries(
    client, world, open_campaign, questionnaire, home_affairs_officer, django_assert_num_queries
):
    client.login(username="noivu", password=PASSWORD)
    detail = reverse("surveys_web:campaign_detail", args=[open_campaign.code])
    listing = reverse("surveys_web:campaign_list")
    _answer(open_campaign, questionnaire, world.justice, 1)
    client.get(listing)  # warm the session

    with django_assert_num_queries(4) as few_list:
        client.get(listing)
    with django_assert_num_queries(11) as few_detail:
        page = client.get(detail)
    assert 'data-count="1"' in page.content.decode()

    for i in range(3):
        campaign_create(
            code=f"them-{i}",
            name=f"Đợt {i}",
            questionnaire=questionnaire,
            starts_on=open_campaign.starts_on,
            ends_on=open_campaign.ends_on,
            sample_target=5,
            actor=None,
            at=timezone.now(),
        )
    _answer(open_campaign, questionnaire, world.nha_trang, 4)
    with django_assert_num_queries(len(few_list)):
        client.get(listing)
    with django_assert_num_queries(len(few_detail)):
        page = client.get(detail)
    assert 'data-count="5"' in page.content.decode()


def test_results_page_shows_the_table_and_downloads_the_same_figures_as_csv(
    client, world, open_campaign, questionnaire, home_affairs_officer, django_assert_num_queries
):
    client.login(username="noivu", password=PASSWORD)
    _answer(open_campaign, questionnaire, world.justice, 2)
    low = {code: 2 for code in all_answers(questionnaire, 2)}
    response_submit(
        campaign=open_campaign,
        channel=ResponseChannel.ONLINE,
        agency=world.nha_trang,
        answers=low,
        at=timezone.now(),
    )
    today = timezone.localdate()
    query = {"tu": today.replace(day=1).isoformat(), "den": today.isoformat(), "theo": "agency"}
    url = reverse("surveys_web:results")
    client.get(url, query)

    with django_assert_num_queries(7):
        page = client.get(url, query)
    with django_assert_num_queries(6):  # no campaign options to render
        download = client.get(url, {**query, "format": "csv"})

    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-key="so-tu-phap"' in html
    assert "100,0 %" in html
    assert "0,0 %" in html
    assert download["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    header, *body = rows
    assert header[:2] == ["Mã", "Tên"]
    by_code = {row[0]: dict(zip(header, row, strict=True)) for row in body}
    assert by_code["so-tu-phap"]["Số phiếu khảo sát"] == "2"
    assert by_code["so-tu-phap"]["Chỉ số khảo sát (%)"] == "100.00"
    assert by_code[world.nha_trang.code]["Chỉ số khảo sát (%)"] == "0.00"
    assert by_code[""]["Tên"] == "Toàn tỉnh"
    assert by_code[""]["Số phiếu khảo sát"] == "3"
    assert Question.objects.count() == 22


def test_results_page_refuses_a_reversed_period_with_a_message(client, home_affairs_officer):
    client.login(username="noivu", password=PASSWORD)

    page = client.get(reverse("surveys_web:results"), {"tu": "2026-03-01", "den": "2026-01-01", "theo": "level"})

    assert page.status_code == 400
    assert "Ngày kết thúc phải bằng hoặc sau ngày bắt đầu." in page.content.decode()


@pytest.mark.parametrize(("start", "end"), [("0001-01-01", "9999-12-31"), ("2026-01-01", "9999-12-31")])
def test_results_csv_refuses_dates_outside_1900_2100(client, home_affairs_officer, start, end):
    client.login(username="noivu", password=PASSWORD)

    page = client.get(reverse("surveys_web:results"), {"tu": start, "den": end, "theo": "level", "format": "csv"})

    assert page.status_code == 400
    assert "Ngày phải" in page.content.decode()


def test_campaign_sample_target_beyond_the_column_is_a_form_error(client, home_affairs_officer, questionnaire):
    client.login(username="noivu", password=PASSWORD)
    data = {
        "code": "quy-3-2026",
        "name": "Khảo sát quý III/2026",
        "questionnaire": questionnaire.pk,
        "starts_on": "2026-07-01",
        "ends_on": "2026-09-30",
        "sample_target": str(10**30),
        "levels": ["commune"],
    }

    response = client.post(reverse("surveys_web:campaign_new"), data)

    assert response.status_code == 200
    assert "Số quá lớn" in response.content.decode()
    assert Campaign.objects.count() == 0
