"""Staff names in one field, as written (issue 12, item 19).

The platform keeps a staff member's whole name (họ và tên) in ``User.first_name`` and leaves
``last_name`` empty (``cchc.accounts.names``). Names recorded before as family + middle name in
``last_name`` and given name in ``first_name`` (the demo commands and the console's convention) are
merged family name first: ``last_name`` "Nguyễn Thị" + ``first_name`` "Lan" → "Nguyễn Thị Lan"
(cut to the column's 150 characters). Not reversible in general (a name cannot be split back
reliably); reversing leaves the merged names as they are.
"""

from django.db import migrations


def merge_names(apps, schema_editor):
    user_model = apps.get_model("auth", "User")
    for user in user_model.objects.exclude(last_name="").only("pk", "first_name", "last_name").iterator():
        user.first_name = f"{user.last_name.strip()} {user.first_name.strip()}".strip()[:150]
        user.last_name = ""
        user.save(update_fields=["first_name", "last_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_membership_area"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(merge_names, migrations.RunPython.noop)]
