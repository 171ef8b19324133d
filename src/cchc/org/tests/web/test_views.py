"""The public agency list on the real registry."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cchc.org.models import Agency

pytestmark = pytest.mark.django_db

URL = reverse("org_web:agency_list")


def test_agency_list_groups_by_level_and_validity(client, registry, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Cấp tỉnh" in html
    assert "Đang hoạt động" in html
    assert "<h3>Đã thay đổi (lịch sử)</h3>" in html
    historical = html[html.index("<h3>Đã thay đổi (lịch sử)</h3>") :]
    assert "Sở Kế hoạch và Đầu tư" in historical  # merged into Sở Tài chính in 2025
    assert f"<strong>{Agency.objects.count()}</strong> cơ quan" in html


def test_agency_search_ignores_diacritics_and_case(client, registry):
    html = client.get(URL, {"q": "so noi vu"}).content.decode()
    assert "Sở Nội vụ" in html
    assert "Sở Tư pháp" not in html
    assert "Sở Nội vụ" in client.get(URL, {"q": "SỞ NỘI VỤ"}).content.decode()


def test_agency_list_current_only(client, registry):
    html = client.get(URL, {"hieu_luc": "nay"}).content.decode()
    assert "Sở Kế hoạch và Đầu tư" not in html
    assert "Sở Tài chính" in html
    assert "<h3>Đã thay đổi (lịch sử)</h3>" not in html
    html = client.get(URL, {"hieu_luc": "lich-su", "q": "ke hoach"}).content.decode()
    assert "Sở Kế hoạch và Đầu tư" in html


def test_agency_list_links_to_agency_pages(client, registry):
    snv = Agency.objects.filter(code="so-noi-vu").first()
    html = client.get(URL, {"q": "noi vu"}).content.decode()
    assert reverse("program_web:agency_detail", args=[snv.pk]) in html


def test_agency_list_empty_state(client, registry):
    html = client.get(URL, {"q": "khong ton tai co quan nay"}).content.decode()
    assert "Không tìm thấy cơ quan nào phù hợp." in html
