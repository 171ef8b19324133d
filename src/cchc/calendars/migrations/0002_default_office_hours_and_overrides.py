"""Default office hours and the overrides for days the ``holidays`` package (0.109) gets wrong or lacks.

Checked against the official decisions for civil servants (cán bộ, công chức, viên chức):
- Tết Nguyên đán 2025 (25/01-02/02/2025), 30/4-1/5/2025 with the 26/04 <-> 02/05 swap, Quốc khánh
  2025 (01-02/09/2025), Tết Nguyên đán 2026 (Thông báo 9441/TB-BNV ngày 16/10/2025: nghỉ thứ Hai
  16/02 đến thứ Sáu 20/02/2026): the package is right, no override needed.
- Tết Dương lịch 2026: the package has only 01/01/2026. Văn bản 12729/VPCP-KGVX ngày 25/12/2025
  approved four days off 01-04/01/2026, swapping the working Friday 02/01 with Saturday 10/01/2026.
- Ngày Văn hóa Việt Nam 24/11/2026: the package makes it a holiday from 2026 (Nghị quyết
  80-NQ/TW of the Politburo), but the Labour Code's list of paid holidays (Điều 112 Bộ luật Lao
  động 2019) had not been amended when this was written (Nghị quyết 30/NQ-CP, 2026, only tasks the
  amendment), so it remains a working day until the amendment takes effect: delete the override then.
"""

from datetime import date, time

from django.db import migrations

OVERRIDES = [
    (
        date(2026, 1, 2),
        "day_off",
        "Văn bản số 12729/VPCP-KGVX ngày 25/12/2025 của Văn phòng Chính phủ (Tết Dương lịch 2026)",
        "Nghỉ Tết Dương lịch 4 ngày từ 01/01 đến 04/01/2026; hoán đổi ngày làm việc thứ Sáu 02/01/2026 "
        "sang thứ Bảy 10/01/2026.",
    ),
    (
        date(2026, 1, 10),
        "working_day",
        "Văn bản số 12729/VPCP-KGVX ngày 25/12/2025 của Văn phòng Chính phủ (Tết Dương lịch 2026)",
        "Làm việc bù cho ngày thứ Sáu 02/01/2026.",
    ),
    (
        date(2026, 11, 24),
        "working_day",
        "Điều 112 Bộ luật Lao động 2019 (chưa sửa đổi); Nghị quyết 30/NQ-CP năm 2026 mới giao nhiệm vụ sửa đổi",
        "Ngày Văn hóa Việt Nam (Nghị quyết 80-NQ/TW) chưa là ngày nghỉ lễ theo luật khi lập dữ liệu; "
        "thư viện holidays đã tính là ngày nghỉ. Xóa điều chỉnh này khi quy định sửa đổi Điều 112 có hiệu lực.",
    ),
]


def forwards(apps, schema_editor):
    OfficeHours = apps.get_model("calendars", "OfficeHours")
    CalendarOverride = apps.get_model("calendars", "CalendarOverride")
    CalendarVersion = apps.get_model("calendars", "CalendarVersion")
    if not OfficeHours.objects.filter(agency__isnull=True).exists():
        OfficeHours.objects.create(
            agency=None,
            weekdays="01234",
            morning_start=time(7, 0),
            morning_end=time(11, 30),
            afternoon_start=time(13, 30),
            afternoon_end=time(17, 0),
            note="Giờ làm việc mặc định của Bộ phận Một cửa: thứ Hai đến thứ Sáu.",
        )
    for day, kind, basis, note in OVERRIDES:
        CalendarOverride.objects.update_or_create(
            day=day, agency=None, defaults={"kind": kind, "legal_basis": basis, "note": note}
        )
    row, _ = CalendarVersion.objects.get_or_create(pk=1)
    row.version += 1
    row.save()


def backwards(apps, schema_editor):
    CalendarOverride = apps.get_model("calendars", "CalendarOverride")
    OfficeHours = apps.get_model("calendars", "OfficeHours")
    CalendarOverride.objects.filter(agency__isnull=True, day__in=[d for d, *_ in OVERRIDES]).delete()
    OfficeHours.objects.filter(agency__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("calendars", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
