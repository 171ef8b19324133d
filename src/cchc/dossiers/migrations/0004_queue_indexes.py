# The staff work queues at a million dossiers (issue 3 §8b): an index in queue order over open dossiers only.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0003_documents_ratings"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(
                condition=models.Q(
                    (
                        "status__in",
                        ["received", "in_process", "supplement_requested", "financial_obligation_requested", "processed"],
                    )
                ),
                fields=["due_at", "code", "id"],
                name="dossiers_open_due_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="dossierstep",
            index=models.Index(
                condition=models.Q(("status", "active")),
                fields=["assignee", "agency", "dossier"],
                name="dossiers_step_active_mine_idx",
            ),
        ),
    ]
