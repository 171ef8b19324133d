from datetime import date

import pytest
from django.contrib.auth import get_user_model

from cchc.calendars.models import CalendarOverride, OfficeHours
from cchc.calendars.selectors import calendar_version_get, working_calendar
from cchc.calendars.tests.conftest import vn


@pytest.fixture
def staff_client(client, db):
    user = get_user_model().objects.create_superuser("quantri", "quantri@example.vn", "mat-khau-thu-nghiem")
    client.force_login(user)
    return client


def test_admin_add_override_bumps_the_version_and_changes_deadlines(staff_client):
    before = calendar_version_get()
    response = staff_client.post(
        "/admin/calendars/calendaroverride/add/",
        {"day": "06/06/2025", "kind": "day_off", "agency": "", "legal_basis": "Quyết định của UBND tỉnh", "note": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert calendar_version_get() == before + 1
    assert not working_calendar().is_working_day(date(2025, 6, 6))
    assert working_calendar().add_working_days(vn(2025, 6, 5, 9, 0), 1) == vn(2025, 6, 9, 9, 0)


def test_admin_refuses_an_override_without_legal_basis(staff_client):
    before = calendar_version_get()
    response = staff_client.post(
        "/admin/calendars/calendaroverride/add/",
        {"day": "06/06/2025", "kind": "day_off", "agency": "", "legal_basis": "", "note": ""},
    )
    assert response.status_code == 200
    assert not CalendarOverride.objects.filter(day=date(2025, 6, 6)).exists()
    assert calendar_version_get() == before


def test_admin_edit_office_hours_with_weekday_checkboxes(staff_client):
    row = OfficeHours.objects.get(agency__isnull=True)
    response = staff_client.post(
        f"/admin/calendars/officehours/{row.pk}/change/",
        {
            "agency": "",
            "weekdays": ["0", "1", "2", "3", "4", "5"],
            "morning_start": "07:00",
            "morning_end": "11:30",
            "afternoon_start": "13:30",
            "afternoon_end": "17:00",
            "note": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    row.refresh_from_db()
    assert row.weekdays == "012345"
    assert working_calendar().is_working_day(date(2025, 1, 4))


def test_admin_bulk_delete_bumps_the_version(staff_client):
    before = calendar_version_get()
    ids = list(CalendarOverride.objects.filter(day__year=2026).values_list("pk", flat=True))
    response = staff_client.post(
        "/admin/calendars/calendaroverride/",
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert response.status_code == 302
    assert calendar_version_get() == before + 1
    assert working_calendar().is_working_day(date(2026, 1, 2))


def test_admin_lists_render(staff_client):
    assert staff_client.get("/admin/calendars/calendaroverride/").status_code == 200
    assert staff_client.get("/admin/calendars/officehours/").status_code == 200
    assert staff_client.get("/admin/calendars/calendaroverride/add/").status_code == 200
