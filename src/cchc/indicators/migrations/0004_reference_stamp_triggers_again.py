"""The reference stamp's SQLite triggers, created again where a later migration dropped them.

On SQLite, Django alters a table by building a new one and copying the rows ("remaking" it), which
drops the table's triggers. ``org`` 0003 remade ``org_agency`` (names by period, signatories), so the
stamp stopped changing on writes to agencies (test_scopes caught it). This migration runs after the
migrations that remake watched tables and creates every missing trigger again (``IF NOT EXISTS``:
idempotent). A future migration that alters a watched table on SQLite needs the same step after it:
copy this one with the new dependency. PostgreSQL keeps triggers through ``ALTER TABLE``.
"""

from django.db import migrations

TABLE = "indicators_reference_stamp"
WATCHED = (
    ("org", "Agency"),
    ("org", "AdministrativeUnit"),
    ("org", "AgencySuccession"),
    ("catalogue", "Field"),
    ("catalogue", "Procedure"),
    ("catalogue", "ProcedureVersion"),
    ("catalogue", "CompetentAgency"),
    ("catalogue", "ProcedureStep"),
    ("catalogue", "RequiredDocument"),
    ("catalogue", "FeeItem"),
)


def triggers_again(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for app, model in WATCHED:
        table = apps.get_model(app, model)._meta.db_table
        for event in ("INSERT", "UPDATE", "DELETE"):
            schema_editor.execute(
                f'CREATE TRIGGER IF NOT EXISTS "{TABLE}_{table}_{event.lower()}" AFTER {event} ON "{table}" '
                f"BEGIN UPDATE {TABLE} SET value = random() WHERE id = 1; END"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0003_reference_stamp"),
        ("org", "0003_agency_names_signatories_document_register"),
        ("catalogue", "0002_processing_time_same_day_and_calendar_days"),
    ]

    operations = [migrations.RunPython(triggers_again, migrations.RunPython.noop)]
