"""The reference stamp: one value that every write to the organisation or the catalogue changes.

The indicators keep the organisation (agencies, succession edges, units' parents) and the catalogue
in force (versions, competent agencies, steps, documents, fees) per process, keyed by this stamp
(:func:`cchc.indicators.scopes.reference_stamp`, one cheap query per computation). Database triggers
set it on every INSERT, UPDATE, DELETE (and TRUNCATE) of those tables, whoever writes: services,
loaders, the admin, ``QuerySet.update``, raw SQL, fixtures. Each write takes a value never used
before, even when the transaction that took it is rolled back: a PostgreSQL sequence (not
transactional), SQLite's 64-bit ``random()``. The table is not a model: ``flush`` leaves it alone.
"""

from django.db import migrations

TABLE = "indicators_reference_stamp"
SEQUENCE = "indicators_reference_stamp_seq"
FUNCTION = "indicators_reference_stamp_bump"
# every table the cached organisation and catalogue are read from
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


def _tables(apps):
    return [apps.get_model(app, model)._meta.db_table for app, model in WATCHED]


def stamp_create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    run = schema_editor.execute
    if vendor == "postgresql":
        run(f"CREATE TABLE {TABLE} (id smallint PRIMARY KEY CHECK (id = 1), value bigint NOT NULL)")
        run(f"CREATE SEQUENCE {SEQUENCE}")
        # a random start: a database created again under the same name does not repeat old stamps
        run(f"SELECT setval('{SEQUENCE}', (random() * 1e15)::bigint + 1)")
        run(f"INSERT INTO {TABLE} (id, value) VALUES (1, nextval('{SEQUENCE}'))")
        run(
            f"CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"UPDATE {TABLE} SET value = nextval('{SEQUENCE}') WHERE id = 1; RETURN NULL; END $$"
        )
        for table in _tables(apps):
            run(
                f'CREATE TRIGGER {TABLE} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{table}" '
                f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
            )
    elif vendor == "sqlite":
        run(f"CREATE TABLE {TABLE} (id integer PRIMARY KEY CHECK (id = 1), value integer NOT NULL)")
        run(f"INSERT INTO {TABLE} (id, value) VALUES (1, random())")
        for table in _tables(apps):
            for event in ("INSERT", "UPDATE", "DELETE"):
                run(
                    f'CREATE TRIGGER "{TABLE}_{table}_{event.lower()}" AFTER {event} ON "{table}" '
                    f"BEGIN UPDATE {TABLE} SET value = random() WHERE id = 1; END"
                )
    # other databases: no stamp, the indicators read the organisation and the catalogue every time


def stamp_drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    run = schema_editor.execute
    if vendor == "postgresql":
        for table in _tables(apps):
            run(f'DROP TRIGGER IF EXISTS {TABLE} ON "{table}"')
        run(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
        run(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")
        run(f"DROP TABLE IF EXISTS {TABLE}")
    elif vendor == "sqlite":
        for table in _tables(apps):
            for event in ("insert", "update", "delete"):
                run(f'DROP TRIGGER IF EXISTS "{TABLE}_{table}_{event}"')
        run(f"DROP TABLE IF EXISTS {TABLE}")


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0002_rollups_by_agency"),
        ("org", "0002_registry_sources_and_group_clauses"),
        ("catalogue", "0001_initial"),
    ]

    operations = [migrations.RunPython(stamp_create, stamp_drop)]
