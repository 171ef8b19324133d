"""Each staff membership says what it is for (issue 12, item 9): the ``area`` column.

Existing memberships get the area they were created for. The demo commands wrote a recognisable
note, so their rows are mapped by that note:

- "Tài khoản demo Chỉ số CCHC (cchc par demo)" → ``par``;
- "Tài khoản demo (cchc plans demo)" and "Tài khoản demo (cchc program demo-targets)" → ``plans``;
- "Tài khoản demo (cchc report demo)" → ``reports``;
- "Tài khoản demo (cchc feedback demo)" → ``feedback``.

Every other row gets ``one_stop``: the roles (reception, specialist, leader, clerk, admin) are the
one-stop-shop duties of Nghị định 118/2025/NĐ-CP, and ``cchc demo_staff`` and the simulation grant
them for that. A real deployment whose staff also worked on the PAR Index, plans, reports, feedback
or surveys through those memberships must grant them a membership in that area (admin, "Phân công
cán bộ"); the migration does not widen anyone's rights by guessing. Reversing drops the column.
"""

from django.db import migrations, models

NOTE_AREAS = {
    "Tài khoản demo Chỉ số CCHC (cchc par demo)": "par",
    "Tài khoản demo (cchc plans demo)": "plans",
    "Tài khoản demo (cchc program demo-targets)": "plans",
    "Tài khoản demo (cchc report demo)": "reports",
    "Tài khoản demo (cchc feedback demo)": "feedback",
}


def map_existing_areas(apps, schema_editor):
    membership = apps.get_model("accounts", "AgencyMembership")
    for note, area in NOTE_AREAS.items():
        membership.objects.filter(note=note).update(area=area)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="agencymembership",
            name="area",
            field=models.CharField(
                choices=[
                    ("one_stop", "Một cửa — giải quyết thủ tục hành chính"),
                    ("par", "Chỉ số cải cách hành chính (PAR Index)"),
                    ("plans", "Chương trình, kế hoạch cải cách hành chính"),
                    ("reports", "Báo cáo cải cách hành chính"),
                    ("feedback", "Phản ánh, kiến nghị"),
                    ("surveys", "Khảo sát sự hài lòng"),
                ],
                default="one_stop",
                max_length=20,
                verbose_name="lĩnh vực",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(map_existing_areas, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="agencymembership",
            name="accounts_membership_user_agency_role_from_uniq",
        ),
        migrations.AddConstraint(
            model_name="agencymembership",
            constraint=models.UniqueConstraint(
                fields=("user", "agency", "area", "role", "valid_from"),
                name="accounts_membership_user_agency_area_role_from_uniq",
            ),
        ),
        migrations.AlterModelOptions(
            name="agencymembership",
            options={
                "ordering": ["user_id", "agency_id", "area", "role", "valid_from"],
                "verbose_name": "phân công cán bộ",
                "verbose_name_plural": "phân công cán bộ",
            },
        ),
    ]
