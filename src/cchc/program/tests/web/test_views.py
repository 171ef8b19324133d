"""Pages of the program register on the real QĐ 4831 import (given the seed, when a page is
requested, then a reader sees ...)."""

from __future__ import annotations

import re

import pytest
from django.db.models import F
from django.urls import reverse

from cchc.org.models import Agency
from cchc.program.models import AppendixTask, Program

pytestmark = pytest.mark.django_db

TASKS = reverse("program_web:task_list")


def task_numbers(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'data-task="(\d+)"', html)]


def agency(code: str, name: str | None = None) -> Agency:
    """The 2021 record of an agency (the one the program names)."""
    qs = Agency.objects.filter(code=code).order_by(F("valid_from").asc(nulls_first=True))
    return qs.first() if name is None else qs.get(name=name)


# --- overview -------------------------------------------------------------------------------------


def test_home_shows_the_program_facts(client, seeded: Program, django_assert_max_num_queries):
    with django_assert_max_num_queries(14):
        response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in html
    assert "4831/QĐ-UBND" in html
    assert "24/12/2021" in html
    assert "Nguyễn Tấn Tuân" in html
    assert "2021–2030" in html
    assert seeded.title in html


def test_overview_lists_six_areas_with_targets_and_tasks(client, seeded: Program):
    html = client.get(reverse("program_web:program_detail", args=[seeded.pk])).content.decode()
    for name in (
        "Cải cách thể chế",
        "Cải cách thủ tục hành chính",
        "Cải cách chế độ công vụ",
        "Cải cách tài chính công",
    ):
        assert name in html
    assert html.count('class="area"') == 6
    # targets with comparator and milestone: satisfaction ≥ 90 % by 2025, staff cut relative to 2025
    assert "≥ 90 %" in html
    assert "≥ 95 %" in html
    assert "giảm 10 % so với năm 2025" in html
    assert "Đến năm 2025" in html
    assert "Đến năm 2030" in html
    # level qualifiers of the 90/80/60 % e-dossier target
    assert "Cấp tỉnh" in html
    assert "Cấp xã" in html
    # appendix task 20 is listed under area 6 and links to its page
    assert reverse("program_web:task_detail", args=[seeded.pk, 20]) in html
    # section V
    assert "Phân công trách nhiệm thực hiện" in html
    assert "Sở Nội vụ" in html
    assert TASKS in html


def test_overview_query_count_does_not_grow_with_content(client, seeded: Program, django_assert_num_queries):
    url = reverse("program_web:program_detail", args=[seeded.pk])
    client.get(url)  # warm caches (content types, sessions)
    with django_assert_num_queries(10):
        client.get(url)


def test_unknown_program_is_404(client, seeded: Program):
    assert client.get(reverse("program_web:program_detail", args=[seeded.pk + 999])).status_code == 404
    assert client.get(TASKS, {"chuong_trinh": "abc"}).status_code == 404
    assert client.get(TASKS, {"chuong_trinh": seeded.pk + 999}).status_code == 404


# --- task list ------------------------------------------------------------------------------------


def test_task_list_shows_all_32_tasks(client, seeded: Program, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = client.get(TASKS)
    html = response.content.decode()
    assert response.status_code == 200
    assert task_numbers(html) == list(range(1, 33))
    assert "<strong>32</strong> nhiệm vụ" in html


def test_filter_by_agency_directly_named(client, seeded: Program, django_assert_max_num_queries):
    snv = agency("so-noi-vu")
    with django_assert_max_num_queries(12):
        response = client.get(TASKS, {"co_quan": snv.pk, "truc_tiep": "on"})
    numbers = task_numbers(response.content.decode())
    expected = sorted(
        {
            n
            for n in AppendixTask.objects.filter(program=seeded, agency_refs__agency=snv).values_list(
                "number", flat=True
            )
        }
    )
    assert numbers == expected
    assert {14, 16, 17, 30, 32} <= set(numbers)  # "Sở Nội vụ" leads these
    assert 15 in numbers  # "Sở Nội vụ phối hợp cho ý kiến": coordinating
    assert 20 not in numbers
    assert f"<strong>{len(expected)}</strong> nhiệm vụ" in response.content.decode()


def test_filter_by_agency_includes_groups_and_roles(client, seeded: Program):
    snv = agency("so-noi-vu")
    direct = task_numbers(client.get(TASKS, {"co_quan": snv.pk, "truc_tiep": "on"}).content.decode())
    with_groups = task_numbers(client.get(TASKS, {"co_quan": snv.pk}).content.decode())
    assert set(direct) < set(with_groups)
    assert 20 in with_groups  # "Các cơ quan, đơn vị, địa phương" coordinate task 20, Sở Nội vụ among them
    lead_only = task_numbers(
        client.get(TASKS, {"co_quan": snv.pk, "truc_tiep": "on", "vai_tro": "lead"}).content.decode()
    )
    assert 14 in lead_only
    assert 15 not in lead_only


def test_filter_select_lists_agencies_named_in_the_program(client, seeded: Program):
    html = client.get(TASKS).content.decode()
    select = html[html.index('name="co_quan"') : html.index("</select>", html.index('name="co_quan"'))]
    assert "Sở Thông tin và Truyền thông" in select
    assert "Sở Nội vụ" in select
    assert "Ủy ban nhân dân tỉnh Ninh Thuận" not in select


def test_accent_insensitive_search(client, seeded: Program):
    numbers = task_numbers(client.get(TASKS, {"q": "so noi vu"}).content.decode())
    led_by_snv = set(
        AppendixTask.objects.filter(program=seeded, lead_text="Sở Nội vụ").values_list("number", flat=True)
    )
    assert led_by_snv
    assert led_by_snv <= set(numbers)
    assert 20 in task_numbers(client.get(TASKS, {"q": "chuyen doi so"}).content.decode())
    assert 20 in task_numbers(client.get(TASKS, {"q": "CHUYỂN ĐỔI SỐ"}).content.decode())
    for n in numbers:
        assert "so noi vu" in AppendixTask.objects.get(program=seeded, number=n).search_key


def test_year_filter_and_not_fixed_choice(client, seeded: Program):
    y2023 = set(task_numbers(client.get(TASKS, {"nam": "2023"}).content.decode()))
    assert {2, 9, 17, 27} <= y2023  # ongoing from 2021, range 2021-2025, 2021-2030, phase 2022-2023
    assert 14 not in y2023  # "Theo tiến độ Trung ương"
    y2021 = set(task_numbers(client.get(TASKS, {"nam": "2021"}).content.decode()))
    assert 27 not in y2021
    assert 11 not in y2021
    y2030 = set(task_numbers(client.get(TASKS, {"nam": "2030"}).content.decode()))
    assert 9 not in y2030
    assert 27 in y2030
    not_fixed = set(task_numbers(client.get(TASKS, {"nam": "khac"}).content.decode()))
    assert {1, 14, 15, 16, 22, 30} <= not_fixed
    assert not not_fixed & y2023


def test_status_and_area_filters(client, seeded: Program):
    external = set(task_numbers(client.get(TASKS, {"trang_thai": "external"}).content.decode()))
    assert {1, 14, 22, 30} <= external
    assert 20 not in external
    area6 = set(task_numbers(client.get(TASKS, {"noi_dung": "6"}).content.decode()))
    assert 20 in area6
    assert 14 not in area6


def test_filters_combine_and_empty_state(client, seeded: Program):
    html = client.get(TASKS, {"q": "khong co nhiem vu nay", "nam": "2024"}).content.decode()
    assert task_numbers(html) == []
    assert "Không có nhiệm vụ nào phù hợp" in html
    assert "<strong>0</strong> nhiệm vụ" in html


def test_invalid_filter_is_reported_not_fatal(client, seeded: Program):
    response = client.get(TASKS, {"co_quan": "999999", "nam": "1990"})
    assert response.status_code == 200
    assert "không hợp lệ" in response.content.decode()
    assert len(task_numbers(response.content.decode())) == 32


# --- task page ------------------------------------------------------------------------------------


def test_task_page_shows_five_columns_and_successor(client, seeded: Program, django_assert_max_num_queries):
    url = reverse("program_web:task_detail", args=[seeded.pk, 20])
    with django_assert_max_num_queries(8):
        response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    for column in (
        "Nhiệm vụ",
        "Kết quả/sản phẩm",
        "Cơ quan chủ trì tham mưu triển khai",
        "Cơ quan thực hiện, phối hợp",
        "Thời gian",
    ):
        assert column in html
    assert "Kế hoạch chuyển đổi số tỉnh Khánh Hòa" in html
    tttt = agency("so-thong-tin-va-truyen-thong")
    assert reverse("program_web:agency_detail", args=[tttt.pk]) in html
    assert re.search(r"nay là: <a [^>]*>Sở Khoa học và Công nghệ</a>", html)
    assert "2021-2030" in html


def test_task_page_role_notes_and_phases(client, seeded: Program):
    html23 = client.get(reverse("program_web:task_detail", args=[seeded.pk, 23])).content.decode()
    assert "Trung tâm Điều hành giao thông thông minh" in html23
    assert "Sở Giao thông vận tải" in html23
    assert "Sở Du lịch" in html23
    html31 = client.get(reverse("program_web:task_detail", args=[seeded.pk, 31])).content.decode()
    assert "Chỉ số PCI" in html31
    html27 = client.get(reverse("program_web:task_detail", args=[seeded.pk, 27])).content.decode()
    assert "Giai đoạn 2022–2023" in html27
    assert "Giai đoạn 2024–2030" in html27


def test_inferred_area_is_flagged(client, seeded: Program):
    task = AppendixTask.objects.filter(program=seeded, area_inferred=True, area__isnull=False).first()
    if task is None:
        pytest.skip("the importer placed every task from the text")
    html = client.get(reverse("program_web:task_detail", args=[seeded.pk, task.number])).content.decode()
    assert "(hệ thống gợi ý)" in html


def test_unknown_task_is_404(client, seeded: Program):
    assert client.get(reverse("program_web:task_detail", args=[seeded.pk, 99])).status_code == 404
    assert client.get(reverse("program_web:task_detail", args=[seeded.pk + 999, 1])).status_code == 404


# --- agency page ----------------------------------------------------------------------------------


def test_agency_page_of_a_merged_department(client, seeded: Program, django_assert_max_num_queries):
    tttt = agency("so-thong-tin-va-truyen-thong")
    # fixed: 1 agency, 1 succession edges, 1 + one per registry group (membership), 3 tasks, 3 duties ...
    with django_assert_max_num_queries(22):
        response = client.get(reverse("program_web:agency_detail", args=[tttt.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tên năm 2021" in html
    assert "Cơ quan kế thừa hiện nay" in html
    successors = html[html.index("Cơ quan kế thừa hiện nay") :]
    assert "Sở Khoa học và Công nghệ" in successors[:2000]
    # the tasks it leads, e.g. 20 (chuyển đổi số) and 29 (Cổng dịch vụ công)
    assert reverse("program_web:task_detail", args=[seeded.pk, 20]) in html
    assert reverse("program_web:task_detail", args=[seeded.pk, 29]) in html
    # section V, group 6
    assert "Chủ trì tham mưu, triển khai nội dung xây dựng và phát triển Chính quyền điện tử" in html


def test_agency_page_of_a_successor_lists_predecessor_tasks(client, seeded: Program):
    new_khcn = (
        Agency.objects.filter(code="so-khoa-hoc-va-cong-nghe").order_by(F("valid_from").desc(nulls_last=True)).first()
    )
    html = client.get(reverse("program_web:agency_detail", args=[new_khcn.pk])).content.decode()
    assert "Cơ quan tiền thân" in html
    assert "Sở Thông tin và Truyền thông" in html
    assert reverse("program_web:task_detail", args=[seeded.pk, 20]) in html  # through its predecessor


def test_unknown_agency_is_404(client, seeded: Program):
    assert client.get(reverse("program_web:agency_detail", args=[999999])).status_code == 404
