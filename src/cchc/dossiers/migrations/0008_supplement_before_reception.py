from django.db import migrations, models


class Migration(migrations.Migration):
    """A supplement asked before reception (form 02; no clock): the flag on the request, and a dossier
    waiting for it before reception has no code yet."""

    dependencies = [
        ("dossiers", "0007_dossier_statutory_due_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="supplementrequest",
            name="before_reception",
            field=models.BooleanField(default=False, verbose_name="yêu cầu trước khi tiếp nhận"),
        ),
        migrations.RemoveConstraint(model_name="dossier", name="dossiers_received_has_code"),
        migrations.AddConstraint(
            model_name="dossier",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("status", "new"),
                    ("status", "refused"),
                    ("status", "withdrawn"),
                    models.Q(("received_at__isnull", True), ("status", "supplement_requested")),
                    models.Q(("code", ""), _negated=True),
                    _connector="OR",
                ),
                name="dossiers_received_has_code",
            ),
        ),
    ]
