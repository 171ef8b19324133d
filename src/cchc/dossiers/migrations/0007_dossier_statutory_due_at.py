"""Lateness is judged against the statutory appointment, which an apology (form 04) does not move.

Before this migration an apology overwrote the only appointment, so a late dossier was judged against
the extended date (issue 12 item 11). The new column ``statutory_due_at`` takes the appointment of
every received dossier; for the dossiers already extended, the data step puts back the appointment in
force before the first apology, plus the wall-clock time a supplement resumed after it had moved the
date (the exact working-time shift is not recoverable here; the difference is at most the non-working
hours of that pause), and judges a finished dossier's ``is_late`` again against it. Run
``cchc indicators rebuild`` afterwards so the rollups follow.
"""

from django.db import migrations, models
from django.db.models import F


def _statutory_due(apps, schema_editor):  # type: ignore[no-untyped-def]
    Dossier = apps.get_model("dossiers", "Dossier")
    Extension = apps.get_model("dossiers", "Extension")
    Dossier.objects.filter(due_at__isnull=False).update(statutory_due_at=F("due_at"))
    extended = Extension.objects.values_list("dossier_id", flat=True).distinct()
    for dossier in Dossier.objects.filter(pk__in=extended).iterator():
        rows = list(Extension.objects.filter(dossier_id=dossier.pk).order_by("at", "pk"))
        first, last = rows[0], rows[-1]
        shift = dossier.due_at - last.new_due_at if dossier.due_at > last.new_due_at else None
        dossier.statutory_due_at = first.previous_due_at + shift if shift else first.previous_due_at
        end = dossier.processed_at or dossier.ended_at
        if end is not None and end > dossier.statutory_due_at:
            dossier.is_late = True
        dossier.save(update_fields=["statutory_due_at", "is_late"])


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0006_new_desk_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="dossier",
            name="original_due_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="hẹn trả ban đầu (ghi trên giấy tiếp nhận)"
            ),
        ),
        migrations.AddField(
            model_name="dossier",
            name="statutory_due_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="hạn giải quyết theo quy định (tính trễ hạn)"
            ),
        ),
        migrations.RunPython(_statutory_due, migrations.RunPython.noop),
    ]
