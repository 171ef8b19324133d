"""The reference stamp also changes on writes to the procedures' publications (catalogue 0003).

Indicators 1.1 and 1.2 (QĐ 766) read the publication facts with the catalogue, kept per process under
the reference stamp (0003); this adds the publication table to the watched ones, with the same
triggers as 0003 on PostgreSQL and SQLite.
"""

from django.db import migrations

TABLE = "indicators_reference_stamp"
FUNCTION = "indicators_reference_stamp_bump"
WATCHED = (("catalogue", "ProcedurePublication"),)


def triggers_create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for app, model in WATCHED:
        table = apps.get_model(app, model)._meta.db_table
        if vendor == "postgresql":
            schema_editor.execute(
                f'CREATE TRIGGER {TABLE} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{table}" '
                f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
            )
        elif vendor == "sqlite":
            for event in ("INSERT", "UPDATE", "DELETE"):
                schema_editor.execute(
                    f'CREATE TRIGGER IF NOT EXISTS "{TABLE}_{table}_{event.lower()}" AFTER {event} ON "{table}" '
                    f"BEGIN UPDATE {TABLE} SET value = random() WHERE id = 1; END"
                )


def triggers_drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for app, model in WATCHED:
        table = apps.get_model(app, model)._meta.db_table
        if vendor == "postgresql":
            schema_editor.execute(f'DROP TRIGGER IF EXISTS {TABLE} ON "{table}"')
        elif vendor == "sqlite":
            for event in ("insert", "update", "delete"):
                schema_editor.execute(f'DROP TRIGGER IF EXISTS "{TABLE}_{table}_{event}"')


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0006_dossier_sync"),
        ("catalogue", "0003_procedure_publication"),
    ]

    operations = [migrations.RunPython(triggers_create, triggers_drop)]
