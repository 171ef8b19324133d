"""The ``smtp_server`` fixture also receives what a ``live_server`` sends (its thread reads the same
settings): the set-up the end-to-end browser test uses. Driven here with plain HTTP (no browser needed):
the staff password reset page sends its e-mail from the live server's thread."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.parse
import urllib.request
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from cchc.notifications.tests.smtp import SMTPRecorder


# transactional (the live server's thread must see the data): run after the other database tests, like
# every live-server test (the flush after it empties the tables, as theirs do)
@pytest.mark.django_db(transaction=True)
def test_a_live_server_sends_to_the_test_smtp_server(live_server: Any, smtp_server: SMTPRecorder) -> None:
    get_user_model().objects.create_user("hoa", email="hoa@example.vn", password="x-Secret-123")
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    url = live_server.url + "/mot-cua/quen-mat-khau/"
    page = opener.open(url, timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1), "email": "hoa@example.vn"}).encode()
    request = urllib.request.Request(url, data=body, headers={"Referer": url})
    assert opener.open(request, timeout=10).status == 200  # followed to "Kiểm tra hộp thư"

    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "hoa@example.vn"
    assert message["Subject"] == "Đặt lại mật khẩu tài khoản CCHC Khánh Hòa"
    assert "/mot-cua/dat-lai-mat-khau/" in message.get_content()
    assert smtp_server.to("hoa@example.vn") == [message]
