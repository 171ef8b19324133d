"""Staff accounts on the console: where each officer lands after login, the password reset by e-mail
(issue 12, item 23)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

from cchc.accounts.constants import Area, Role
from cchc.accounts.services import membership_grant
from cchc.dossiers.tests.conftest import MERGER_DAY, PUBLISHED, World

pytestmark = pytest.mark.django_db

LOGIN = reverse("dossiers_web:login")
RESET = "/mot-cua/quen-mat-khau/"


def log_in(client, username: str, password: str = "x-Secret-123", **extra: str):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


# --- landing -----------------------------------------------------------------------------------------


def test_each_area_lands_on_its_own_work():
    from cchc.dossiers.web.landing import landing_url_for

    assert landing_url_for({("one_stop", "reception")}) == "/mot-cua/"
    assert landing_url_for({("par", "specialist")}) == "/par-index/"
    assert landing_url_for({("feedback", "specialist")}) == "/phan-anh/can-bo/"
    assert landing_url_for({("plans", "specialist")}) == "/ke-hoach/"
    assert landing_url_for({("reports", "specialist")}) == "/bao-cao/"
    assert landing_url_for({("surveys", "specialist")}) == "/khao-sat/"
    # several duties: the one-stop desk first; an agency administrator only: the administration
    assert landing_url_for({("par", "specialist"), ("one_stop", "clerk")}) == "/mot-cua/"
    assert landing_url_for({("one_stop", "admin")}) == "/admin/"
    assert landing_url_for(set(), is_superuser=True) == "/admin/"
    assert landing_url_for(set()) == "/"


def test_a_reception_officer_lands_on_the_dossier_queue(client, world: World):
    response = log_in(client, "tiepnhan")
    assert response.status_code == 302
    assert response["Location"] == "/mot-cua/"


def test_an_agency_administrator_lands_on_the_administration(client, world: World):
    admin = User.objects.create_user(username="quantri.stp", password="x-Secret-123", is_staff=True)
    membership_grant(
        user=admin,
        agency=world.justice,
        area=Area.ONE_STOP,
        role=Role.ADMIN,
        valid_from=MERGER_DAY,
        actor=None,
        at=PUBLISHED,
    )
    assert log_in(client, "quantri.stp")["Location"] == "/admin/"


@pytest.mark.parametrize(
    ("area", "landing"),
    [(Area.PAR, "/par-index/"), (Area.FEEDBACK, "/phan-anh/can-bo/"), (Area.PLANS, "/ke-hoach/")],
)
def test_an_officer_of_another_area_lands_on_that_area_s_work(client, world: World, area: Area, landing: str):
    officer = User.objects.create_user(username=f"canbo.{area}", password="x-Secret-123")
    membership_grant(
        user=officer,
        agency=world.justice,
        area=area,
        role=Role.SPECIALIST,
        valid_from=MERGER_DAY,
        actor=None,
        at=PUBLISHED,
    )
    assert log_in(client, f"canbo.{area}")["Location"] == landing


def test_an_account_without_duty_lands_on_the_public_home_page(client, world: World):
    assert log_in(client, "nguoingoai")["Location"] == "/"


def test_the_address_asked_for_wins_over_the_landing(client, world: World):
    response = log_in(client, "tiepnhan", next="/bao-cao/")
    assert response["Location"] == "/bao-cao/"


def test_anonymous_public_pages_offer_the_login_link(client, world: World):
    html = client.get("/chi-tieu/").content.decode()
    assert f'<a href="{LOGIN}"' in html
    assert ">Đăng nhập</a>" in html
    client.force_login(world.reception)
    assert ">Đăng nhập</a>" not in client.get("/chi-tieu/").content.decode()


# --- password reset by e-mail ------------------------------------------------------------------------


def test_password_reset_by_email_in_vietnamese(client, world: World):
    # given an officer with an e-mail address
    world.specialist.email = "minh@stp.khanhhoa.gov.vn"
    world.specialist.save()
    assert "Quên mật khẩu?" in client.get(LOGIN).content.decode()
    # when they ask for a reset
    page = client.get(RESET).content.decode()
    assert "Quên mật khẩu" in page
    response = client.post(RESET, {"email": "minh@stp.khanhhoa.gov.vn"})
    assert response.status_code == 302
    assert "Kiểm tra hộp thư" in client.get(response["Location"]).content.decode()
    # then one Vietnamese e-mail with a working link
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["minh@stp.khanhhoa.gov.vn"]
    assert message.subject == "Đặt lại mật khẩu tài khoản CCHC Khánh Hòa"
    assert "yêu cầu đặt lại mật khẩu cho tài khoản «chuyenvien»" in message.body
    link = re.search(r"https?://[^/\s]+(/mot-cua/dat-lai-mat-khau/\S+)", message.body)
    assert link is not None
    form_page = client.get(link.group(1), follow=True)
    assert "Đặt mật khẩu mới" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link.group(1)
    # a weak password is refused in Vietnamese
    weak = client.post(set_url, {"new_password1": "123", "new_password2": "123"})
    assert weak.status_code == 200
    assert "Mật khẩu quá ngắn: cần ít nhất 8 ký tự." in weak.content.decode()
    assert "This password" not in weak.content.decode()
    done = client.post(set_url, {"new_password1": "Trang-Moi-2026!", "new_password2": "Trang-Moi-2026!"})
    assert done.status_code == 302
    assert "Đã đặt mật khẩu mới" in client.get(done["Location"]).content.decode()
    # and the new password logs in, the old one no longer does, the link is spent
    assert log_in(client, "chuyenvien", "x-Secret-123").status_code == 200
    assert log_in(client, "chuyenvien", "Trang-Moi-2026!")["Location"] == "/mot-cua/"
    client.logout()
    spent = client.get(link.group(1), follow=True).content.decode()
    assert "Liên kết không còn dùng được" in spent


def test_an_unknown_address_gets_the_same_page_and_no_mail(client, world: World):
    response = client.post(RESET, {"email": "khong-co@example.vn"})
    assert response.status_code == 302
    assert mail.outbox == []
