"""The public survey link in a real Chromium (Playwright, headless) on a 390 px phone: a citizen forgets one
question and is told which, answers it, submits and is thanked; an officer of Sở Nội vụ sees the campaign's
response count grow and the results chart drawn.

Screenshots go to /tmp/cchc-screens (never into the repository).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from cchc.accounts.constants import Area, Role
from cchc.accounts.services import membership_grant
from cchc.dossiers.tests.conftest import MERGER_DAY, PUBLISHED, build_world
from cchc.org.models import Agency
from cchc.surveys.models import Response
from cchc.surveys.services import campaign_create, questionnaire_import
from cchc.surveys.tests.conftest import shipped_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/cchc-screens")
PASSWORD = "x-Secret-123"


@pytest.fixture
def desk(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    yield context.new_page()
    context.close()


@pytest.fixture
def survey_world(transactional_db: None):
    from django.contrib.auth.models import User

    world = build_world()
    questionnaire = questionnaire_import(data=shipped_data(), at=PUBLISHED).questionnaire
    today = timezone.localdate()
    campaign = campaign_create(
        code="khao-sat-thu",
        name="Khảo sát sự hài lòng (thử)",
        questionnaire=questionnaire,
        starts_on=today.replace(day=1),
        ends_on=today.replace(year=today.year + 1),
        sample_target=100,
        agencies=[world.justice, world.nha_trang],
        actor=None,
        at=timezone.now(),
    )
    officer = User.objects.create_user(username="noivu", password=PASSWORD)
    home_affairs = Agency.objects.valid_on(today).get(code="so-noi-vu")
    membership_grant(
        user=officer,
        agency=home_affairs,
        area=Area.SURVEYS,
        role=Role.SPECIALIST,
        valid_from=MERGER_DAY,
        actor=None,
        at=PUBLISHED,
    )
    return world, campaign


def page_width(page: Page) -> int:
    return page.evaluate("() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")


def test_citizen_answers_on_a_phone_and_staff_see_the_count_grow(phone: Page, desk: Page, live_server, survey_world):
    world, campaign = survey_world
    base = live_server.url
    SHOTS.mkdir(exist_ok=True)

    # the officer of Sở Nội vụ looks at the campaign: no response yet
    desk.goto(base + "/mot-cua/dang-nhap/")
    desk.get_by_label("Tên đăng nhập").fill("noivu")
    desk.get_by_label("Mật khẩu").fill(PASSWORD)
    desk.get_by_role("button", name="Đăng nhập").click()
    desk.goto(f"{base}/khao-sat/dot/{campaign.code}/")
    expect(desk.locator("#so-phieu")).to_have_text("0")

    # 1. the citizen opens the public link on a phone
    phone.goto(f"{base}/khao-sat/{campaign.code}/")
    expect(phone.locator("h1")).to_have_text("Khảo sát sự hài lòng (thử)")
    phone.get_by_label("Cơ quan, đơn vị đã giải quyết thủ tục cho ông/bà").select_option(label="Sở Tư pháp")
    groups = phone.locator("fieldset.likert")
    expect(groups).to_have_count(22)
    # answers every question but the 9th ("Thời hạn giải quyết"), staff a notch higher than the rest
    for i in range(groups.count()):
        if i == 8:
            continue
        groups.nth(i).get_by_text("Rất hài lòng" if 9 <= i < 15 else "Hài lòng", exact=True).click()
    assert page_width(phone) <= 390
    phone.get_by_role("button", name="Gửi phiếu khảo sát").click()

    # 2. refused: the missing question is named, the other answers are kept, nothing stored
    summary = phone.locator(".error-summary")
    expect(summary).to_contain_text("Vui lòng chọn mức độ hài lòng cho câu 9")
    expect(groups.nth(0).locator("input[value='4']")).to_be_checked()
    assert Response.objects.count() == 0
    summary.get_by_role("link", name=re.compile("câu 9")).click()
    groups.nth(8).get_by_text("Bình thường", exact=True).click()
    phone.screenshot(path=str(SHOTS / "surveys-phone-form.png"), full_page=False)
    phone.get_by_role("button", name="Gửi phiếu khảo sát").click()

    # 3. thanks
    expect(phone.locator("h1")).to_have_text("Cảm ơn ông/bà đã trả lời phiếu khảo sát")
    phone.screenshot(path=str(SHOTS / "surveys-phone-thanks.png"))
    response = Response.objects.get()
    assert response.agency == world.justice
    assert response.answers.get(question__code="tt-thoi-han").value == 3
    assert response.answers.get(question__code="cc-lich-su").value == 5

    # 4. the officer reloads: one response, the factor chart drawn, the table beside it
    desk.reload()
    expect(desk.locator("#so-phieu")).to_have_text("1")
    expect(desk.locator("[data-chart] svg")).to_have_count(1)
    expect(desk.locator("tr[data-factor='cong-chuc'] .share-cell")).to_have_text("100,0 %")
    expect(desk.locator("tr[data-criterion='tt-thoi-han'] .share-cell")).to_have_text("0,0 %")
    desk.screenshot(path=str(SHOTS / "surveys-campaign-detail.png"), full_page=True)
