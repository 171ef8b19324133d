"""A fast, realistic data set of millions of dossiers for the indicator benchmarks (issue 4 §5).

Run ``python benchmarks/bulkload.py --keep-db cchc_bench_10m --dossiers 10000000`` with
``DATABASE_URL`` pointing to PostgreSQL (the admin database; the named one is created beside it when
missing and kept). ``benchmarks/indicators.py`` calls :func:`load` the same way. PostgreSQL only.

How (each stage is recorded in the table ``bench_bulkload`` and skipped when done, so an interrupted
load resumes and a database that already holds the data set is reused as it is):

1. registry and demo catalogue (published 1/7/2025), as ``benchmarks/dossiers.py`` does;
2. the base: ``--base`` dossiers (default 300,000) simulated with the simulator's bulk path over
   1/7/2025-26/11/2026 (its mixes: channels, refusals, supplements, late dossiers with apologies and
   extensions, fees and payments, ratings), with its steps, hand-overs and reception sequences;
3. the components of each base dossier (the simulator does not make them): one row per mandatory
   component of the procedure version — uploaded for online dossiers (a file record: PDF, size,
   SHA-256), a paper checked at the counter otherwise, and reused from the data store for a share of
   them (10 % online, 5 % at the counter; TT 01/2023/TT-VPCP Điều 24);
4. replication in SQL (``INSERT … SELECT``): the closed base dossiers (returned, refused, withdrawn,
   stopped) are copied in *layers* until ``--dossiers`` are stored, each layer shifted back by a
   whole number of weeks (the weekday and time of day stay, public holidays do not) on a 308-week
   circle 1/1/2021-27/11/2026, so the 10 M spread evenly over nearly six years; a dossier that would
   fall before 1/1/2021 wraps to the end of the circle, and one whose last event would then fall after
   the horizon is left out of that layer. The rows the indicators read are copied with the dossier:
   supplement requests, extensions, fee lines, payments, the rating and the components (agency,
   procedure version, applicant, amounts kept; new ids, codes suffixed ``-cN``). Steps, hand-overs and
   audit events of the copies are not written. In years when fewer applicants filed online (the
   simulator's own shares: 15 % in 2021 … 70 % in 2026) a matching part of the copied online dossiers
   becomes counter dossiers (their uploads become papers, their gateway payments counter payments).
   The secondary indexes and unique constraints of those tables are dropped for the copy and built
   again afterwards, foreign-key triggers are skipped (the ids are consistent by construction;
   orphans are counted at the end), then ``VACUUM ANALYZE``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
VN = ZoneInfo("Asia/Ho_Chi_Minh")
BASE_START = date(2025, 7, 1)
BASE_END = date(2026, 11, 26)  # inclusive; events after the end of this day are not performed
CIRCLE_START = datetime(2021, 1, 1, tzinfo=VN)
CIRCLE_WEEKS = 308  # 1/1/2021 .. 27/11/2026 00:00 (2,156 days)
HORIZON = CIRCLE_START + timedelta(weeks=CIRCLE_WEEKS)
SLOTS = 64  # layer positions on the circle; layers are taken in bit-reversed order (evenly spread)
TERMINAL = ("returned", "refused", "withdrawn", "stopped")
# the simulator's online shares by year (cchc.dossiers.simulation.plan.ONLINE_SHARE)
ONLINE_SHARE = {2021: 0.15, 2022: 0.25, 2023: 0.35, 2024: 0.45, 2025: 0.60, 2026: 0.70}
REUSE_SHARE = {"online": 0.10, "other": 0.05}
FILE_COLUMNS = ("file", "original_name", "content_type", "extension", "sha256")


def database(keep: str) -> str:
    """Point DATABASE_URL at the kept database ``keep`` (created when missing); the backend's name."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(
            "bulkload: DATABASE_URL must point to PostgreSQL (e.g. postgres://postgres@127.0.0.1:5432/postgres)"
        )
    import psycopg

    parts = urlparse(url)
    admin = urlunparse(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [keep]).fetchone():
            conn.execute(f'CREATE DATABASE "{keep}"')
    os.environ["DATABASE_URL"] = urlunparse(parts._replace(path=f"/{keep}"))
    return "PostgreSQL"


def django_setup() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.config.settings")
    os.environ["DEBUG"] = "0"
    import django

    django.setup()


def _say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)  # noqa: T201


# --- state --------------------------------------------------------------------------------------


def _state(cursor: Any) -> dict[str, str]:
    cursor.execute("CREATE TABLE IF NOT EXISTS bench_bulkload (key text PRIMARY KEY, value text NOT NULL)")
    cursor.execute("SELECT key, value FROM bench_bulkload")
    return dict(cursor.fetchall())


def _mark(cursor: Any, key: str, value: object) -> None:
    cursor.execute(
        "INSERT INTO bench_bulkload (key, value) VALUES (%s, %s) "
        "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
        [key, str(value)],
    )


# --- the tables copied --------------------------------------------------------------------------


def _models() -> list[Any]:
    from cchc.dossiers.models import (
        Dossier,
        DossierDocument,
        DossierRating,
        Extension,
        FeeLine,
        Payment,
        SupplementRequest,
    )

    return [Dossier, SupplementRequest, Extension, FeeLine, Payment, DossierRating, DossierDocument]


def _table(model: Any) -> str:
    return str(model._meta.db_table)


# --- stages -------------------------------------------------------------------------------------


def _catalogue() -> None:
    from cchc.catalogue.models import Procedure
    from cchc.catalogue.services import catalogue_import_demo
    from cchc.org.services import org_load_khanh_hoa

    if not Procedure.objects.exists():
        org_load_khanh_hoa()
        catalogue_import_demo(at=datetime(2025, 7, 1, tzinfo=VN))


def _base(count: int, seed: int) -> float:
    """Stage 2: ``count`` dossiers through the simulator's bulk path; the seconds it took."""
    from cchc.dossiers.models import Dossier
    from cchc.dossiers.simulation import dossiers_simulate

    existing = Dossier.objects.count()
    if existing >= count:
        return 0.0
    _say(f"base: simulating {count - existing:,} dossiers {BASE_START}..{BASE_END} (simulator bulk path)")
    started = time.perf_counter()
    result = dossiers_simulate(
        count=count - existing, start=BASE_START, end=BASE_END, seed=seed, bulk=True, progress=True, chunk=5000
    )
    elapsed = time.perf_counter() - started
    _say(f"base: {result.written:,} dossiers written in {elapsed:.0f} s ({result.written / elapsed:,.0f}/s)")
    return elapsed


def _hash(expression: str, salt: int) -> str:
    """A deterministic value in [0, 1) from an integer expression (no random(): reruns give the same data)."""
    return f"(('x' || left(md5(({expression})::text || ':{salt}'), 8))::bit(32)::bigint / 4294967296.0)"


def _documents(cursor: Any) -> int:
    """Stage 3: the components of every base dossier, set-based."""
    from cchc.dossiers.models import DossierDocument

    table = _table(DossierDocument)
    cursor.execute(
        f"""
        INSERT INTO {table} (dossier_id, required_document_id, "order", name, document_type_code, source, copies,
                             file, original_name, content_type, extension, size, sha256, recorded_at, recorded_by_id)
        SELECT d.id, rd.id, rd."order", rd.name, rd.document_type_code, x.source, rd.copies,
               CASE WHEN x.source = 'upload' THEN 'dossiers/' || d.id || '/' || left(x.sha, 16) || '.pdf' ELSE '' END,
               CASE WHEN x.source = 'upload' THEN rd.document_type_code || '.pdf' ELSE '' END,
               CASE WHEN x.source = 'upload' THEN 'application/pdf' ELSE '' END,
               CASE WHEN x.source = 'upload' THEN '.pdf' ELSE '' END,
               CASE WHEN x.source = 'upload' THEN 40000 + (d.id * 7919 + rd.id * 104729) % 2000000 ELSE 0 END,
               CASE WHEN x.source = 'upload' THEN x.sha ELSE '' END,
               CASE WHEN d.channel = 'online' THEN d.submitted_at ELSE coalesce(d.received_at, d.submitted_at) END,
               CASE WHEN d.channel = 'online' THEN NULL ELSE d.received_by_id END
        FROM dossiers_dossier d
        JOIN catalogue_requireddocument rd ON rd.version_id = d.procedure_version_id AND rd.mandatory
        CROSS JOIN LATERAL (
            SELECT CASE
                     WHEN {_hash("d.id * 31 + rd.id", 7)}
                          < CASE WHEN d.channel = 'online' THEN {REUSE_SHARE["online"]} ELSE {REUSE_SHARE["other"]} END
                       THEN 'reused'
                     WHEN d.channel = 'online' THEN 'upload'
                     ELSE 'paper'
                   END AS source,
                   md5(d.id || ':' || rd.id) || md5(rd.id || ':' || d.id) AS sha
        ) x
        WHERE NOT EXISTS (SELECT 1 FROM {table} e WHERE e.dossier_id = d.id)
        """
    )
    return int(cursor.rowcount)


def _share_case(year_sql: str) -> str:
    whens = " ".join(f"WHEN {year} THEN {share}" for year, share in ONLINE_SHARE.items())
    return f"(CASE {year_sql} {whens} ELSE {ONLINE_SHARE[max(ONLINE_SHARE)]} END)"


def _staging(cursor: Any) -> dict[str, int]:
    """The closed base dossiers and their rows, in ``bench_src_*`` tables (each layer reads only these)."""
    models = _models()
    dossier, *children = models
    statuses = ", ".join(f"'{s}'" for s in TERMINAL)
    last_parts = ["s.submitted_at", "s.received_at", "s.processed_at", "s.returned_at", "s.ended_at"]
    cursor.execute("DROP TABLE IF EXISTS bench_src_dossier")
    cursor.execute(
        f"CREATE TABLE bench_src_dossier AS SELECT s.*, greatest({', '.join(last_parts)}) AS bench_last "
        f"FROM {_table(dossier)} s WHERE s.status IN ({statuses})"
    )
    sizes = {"dossier": int(cursor.rowcount)}
    cursor.execute("ALTER TABLE bench_src_dossier ADD PRIMARY KEY (id)")
    for model in children:
        name = model._meta.model_name
        datetimes = [f.column for f in model._meta.concrete_fields if f.get_internal_type() == "DateTimeField"]
        cursor.execute(f"DROP TABLE IF EXISTS bench_src_{name}")
        cursor.execute(
            f"CREATE TABLE bench_src_{name} AS SELECT c.* FROM {_table(model)} c "
            "JOIN bench_src_dossier s ON s.id = c.dossier_id"
        )
        cursor.execute(f"SELECT count(*) FROM bench_src_{name}")
        sizes[name] = cursor.fetchone()[0]
        cursor.execute(f"CREATE INDEX ON bench_src_{name} (dossier_id)")
        for column in datetimes:  # the dossier's last event includes its children's (a rating comes later)
            cursor.execute(
                f"UPDATE bench_src_dossier s SET bench_last = greatest(s.bench_last, m.last) "
                f"FROM (SELECT dossier_id, max({column}) AS last FROM bench_src_{name} GROUP BY dossier_id) m "
                f"WHERE m.dossier_id = s.id AND m.last > s.bench_last"
            )
    cursor.execute("ANALYZE bench_src_dossier")
    return sizes


def _offsets(cursor: Any) -> dict[str, int]:
    """Per table, a power of ten above every id of the base: layer ``n`` uses ids ``id + n * offset``."""
    offsets = {}
    for model in _models():
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {_table(model)}")
        top = cursor.fetchone()[0]
        offsets[model._meta.model_name] = 10 ** len(str(top + 1))
    return offsets


def _slot_order() -> list[int]:
    bits = SLOTS.bit_length() - 1
    order = sorted(range(SLOTS), key=lambda i: int(f"{i:0{bits}b}"[::-1], 2))
    return [slot for slot in order if slot]  # slot 0 is the base itself


def _layer_shift(layer: int) -> int:
    """Weeks layer ``layer`` (1-based) is shifted back by."""
    slot = _slot_order()[(layer - 1) % (SLOTS - 1)]
    weeks = round(slot * CIRCLE_WEEKS / SLOTS)
    return weeks + (layer - 1) // (SLOTS - 1)  # past 63 layers, the next round sits one week further


def _secondary(cursor: Any) -> list[tuple[str, str, str, str]]:
    """(table, name, kind, definition) of the non-primary-key indexes and unique constraints."""
    tables = [_table(m) for m in _models()]
    cursor.execute(
        """
        SELECT t.relname, i.relname, coalesce(c.contype::text, 'i'),
               coalesce(pg_get_constraintdef(c.oid), pg_get_indexdef(x.indexrelid))
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_class t ON t.oid = x.indrelid
        LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.conrelid = x.indrelid
        WHERE t.relname = ANY(%s) AND NOT x.indisprimary
        ORDER BY t.relname, i.relname
        """,
        [tables],
    )
    return [tuple(row) for row in cursor.fetchall()]


def _drop_secondary(cursor: Any, state: dict[str, str]) -> None:
    import json

    if "indexes" not in state or "indexes_rebuilt" in state:  # every index in place: (re)read the schema's list
        found = _secondary(cursor)
        _mark(cursor, "indexes", json.dumps(found))
        state["indexes"] = json.dumps(found)
    for table, name, kind, _ in json.loads(state["indexes"]):
        if kind == "i":
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
        else:
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT IF EXISTS "{name}"')
    for model in _models():
        cursor.execute(f"ALTER TABLE {_table(model)} SET (autovacuum_enabled = false)")


def _rebuild_secondary(cursor: Any, state: dict[str, str]) -> None:
    import json

    cursor.execute("SET maintenance_work_mem = '1GB'")
    present = {row[1] for row in _secondary(cursor)}
    for table, name, kind, definition in json.loads(state.get("indexes", "[]")):
        if name in present:
            continue
        started = time.perf_counter()
        if kind == "i":
            cursor.execute(definition)
        else:
            cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
        _say(f"  index {name} on {table}: {time.perf_counter() - started:.1f} s")
    for model in _models():
        cursor.execute(f"ALTER TABLE {_table(model)} RESET (autovacuum_enabled)")


def _copy_layer(cursor: Any, layer: int, offsets: dict[str, int], limit: int | None) -> int:
    """One layer: the closed base dossiers shifted back ``_layer_shift(layer)`` weeks, with their rows."""
    models = _models()
    dossier, *children = models
    weeks = _layer_shift(layer)
    shift = f"interval '{weeks * 7} days'"
    wrap = f"interval '{(CIRCLE_WEEKS - weeks) * 7} days'"
    start, horizon = CIRCLE_START.isoformat(), HORIZON.isoformat()
    year_new = "extract(year FROM (s.submitted_at + p.delta) AT TIME ZONE 'Asia/Ho_Chi_Minh')::int"
    year_old = "extract(year FROM s.submitted_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::int"
    order = f"ORDER BY {_hash('s.id', layer)} LIMIT {limit}" if limit is not None else ""
    cursor.execute("DROP TABLE IF EXISTS bench_layer")
    cursor.execute(
        f"""
        CREATE TEMP TABLE bench_layer AS
        SELECT s.id AS old_id, p.delta,
               s.channel = 'online'
               AND {_hash("s.id", layer + 1000)} >= {_share_case(year_new)} / {_share_case(year_old)} AS flip
        FROM bench_src_dossier s
        CROSS JOIN LATERAL (
            SELECT CASE WHEN s.submitted_at - {shift} < '{start}'::timestamptz THEN {wrap} ELSE -{shift} END AS delta
        ) p
        WHERE s.bench_last + p.delta < '{horizon}'::timestamptz
        {order}
        """
    )
    written = int(cursor.rowcount)
    cursor.execute("ALTER TABLE bench_layer ADD PRIMARY KEY (old_id)")
    cursor.execute("ANALYZE bench_layer")
    dossier_offset = layer * offsets["dossier"]
    for model in models:
        name = model._meta.model_name
        columns, values = [], []
        source = "s" if model is dossier else "c"
        for f in model._meta.concrete_fields:
            column = f.column
            value = f'{source}."{column}"'
            if column == "id":
                value = f"{source}.id + {layer * offsets[name]}"
            elif column == "dossier_id":
                value = f"c.dossier_id + {dossier_offset}"
            elif f.get_internal_type() == "DateTimeField":
                value = f'{source}."{column}" + l.delta'
            elif model is dossier and column == "code":
                value = f"CASE WHEN s.code = '' THEN '' ELSE s.code || '-c{layer}' END"
            elif model is dossier and column == "channel":
                value = "CASE WHEN l.flip THEN 'in_person' ELSE s.channel END"
            elif name == "payment" and column == "channel":
                value = "CASE WHEN l.flip AND c.channel = 'online_gateway' THEN 'counter' ELSE c.channel END"
            elif name == "dossierdocument" and column == "source":
                value = "CASE WHEN l.flip AND c.source = 'upload' THEN 'paper' ELSE c.source END"
            elif name == "dossierdocument" and column in (
                "file",
                "original_name",
                "content_type",
                "extension",
                "sha256",
            ):
                value = f"CASE WHEN l.flip AND c.source = 'upload' THEN '' ELSE c.{column} END"
            elif name == "dossierdocument" and column == "size":
                value = "CASE WHEN l.flip AND c.source = 'upload' THEN 0 ELSE c.size END"
            columns.append(f'"{column}"')
            values.append(value)
        if model is dossier:
            origin = "bench_src_dossier s JOIN bench_layer l ON l.old_id = s.id"
        else:
            origin = f"bench_src_{name} c JOIN bench_layer l ON l.old_id = c.dossier_id"
        cursor.execute(f"INSERT INTO {_table(model)} ({', '.join(columns)}) SELECT {', '.join(values)} FROM {origin}")
    return written


def _fix_sequences(cursor: Any) -> None:
    for model in _models():
        table = _table(model)
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
        )


def _orphans(cursor: Any) -> int:
    dossier, *children = _models()
    total = 0
    for model in children:
        cursor.execute(
            f"SELECT count(*) FROM {_table(model)} c WHERE NOT EXISTS "
            f"(SELECT 1 FROM {_table(dossier)} d WHERE d.id = c.dossier_id)"
        )
        total += cursor.fetchone()[0]
    return total


def describe() -> dict[str, object]:
    """What the database holds: dossiers per year (Vietnam time) with the online share and the open
    ones, rows per table, size."""
    from django.db import connection

    with connection.cursor() as cursor:
        statuses = ", ".join(f"'{s}'" for s in TERMINAL)
        cursor.execute(
            "SELECT extract(year FROM submitted_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::int, count(*), "
            "round(avg((channel = 'online')::int), 3), "
            f"sum((status NOT IN ({statuses}))::int) FROM dossiers_dossier GROUP BY 1 ORDER BY 1"
        )
        years = {
            str(y): {"dossiers": n, "online_share": float(o), "open": int(op)} for y, n, o, op in cursor.fetchall()
        }
        rows = {}
        for model in _models():
            cursor.execute(f"SELECT count(*) FROM {_table(model)}")
            rows[_table(model)] = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    return {"years": years, "rows": rows, "database_size": size}


def record(figures: dict[str, object]) -> None:
    """Keep the load's figures in docs/benchmarks.json under "indicators" → "data_set"."""
    import json

    out = ROOT / "docs" / "benchmarks.json"
    data = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    data.setdefault("indicators", {})["data_set"] = {
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        **figures,
    }
    out.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def load(*, dossiers: int, base: int = 300_000, seed: int = 1) -> dict[str, object]:
    """Make the current database hold at least ``dossiers`` dossiers (see the module docstring).

    Returns what was done and how long each stage took (all zero on a database already loaded)."""
    from django.core.management import call_command
    from django.db import connection, transaction
    from tqdm import tqdm

    from cchc.dossiers.models import Dossier

    timings: dict[str, float] = {}
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        state = _state(cursor)
    stored = Dossier.objects.count()
    if stored >= dossiers and ("indexes_rebuilt" in state or "indexes" not in state):
        _say(f"database already holds {stored:,} dossiers: reused")
        return {"dossiers_stored": stored, "loaded": False, "timings_s": {}}
    t = time.perf_counter()
    _catalogue()
    timings["registry_catalogue"] = time.perf_counter() - t
    if "base_done" not in state:
        timings["base_simulation"] = _base(min(base, dossiers), seed)
        with connection.cursor() as cursor:
            _mark(cursor, "base_done", min(base, dossiers))
            state["base_done"] = str(min(base, dossiers))
    with connection.cursor() as cursor:
        if "documents_done" not in state:
            t = time.perf_counter()
            with transaction.atomic():
                rows = _documents(cursor)
                _mark(cursor, "documents_done", rows)
            timings["base_documents"] = time.perf_counter() - t
            _say(f"components of the base dossiers: {rows:,} rows in {timings['base_documents']:.0f} s")
        if "staging_done" not in state:
            t = time.perf_counter()
            with transaction.atomic():
                sizes = _staging(cursor)
                _mark(cursor, "staging_done", sizes)
                _mark(cursor, "offsets", _offsets(cursor))
            timings["staging"] = time.perf_counter() - t
            _say(f"closed base dossiers staged: {sizes} in {timings['staging']:.0f} s")
        state = _state(cursor)
        import ast

        offsets = ast.literal_eval(state["offsets"])
        stored = Dossier.objects.count()
        if stored < dossiers:
            t = time.perf_counter()
            _drop_secondary(cursor, state)
            cursor.execute("DELETE FROM bench_bulkload WHERE key = 'indexes_rebuilt'")
            timings["drop_indexes"] = time.perf_counter() - t
            t = time.perf_counter()
            layer = int(state.get("layers", "0"))
            bar = tqdm(total=dossiers, initial=stored, unit=" hồ sơ", desc="Nhân bản hồ sơ", file=sys.stderr)
            cursor.execute("SET session_replication_role = replica")  # no FK triggers: ids consistent by construction
            cursor.execute("SET work_mem = '256MB'")
            cursor.execute("SET synchronous_commit = off")
            try:
                while stored < dossiers:
                    layer += 1
                    cursor.execute("SELECT count(*) FROM bench_src_dossier")
                    per_layer = cursor.fetchone()[0]
                    limit = dossiers - stored if dossiers - stored < per_layer else None
                    with transaction.atomic():
                        written = _copy_layer(cursor, layer, offsets, limit)
                        _mark(cursor, "layers", layer)
                    stored += written
                    bar.update(written)
                    bar.set_postfix(layer=layer, weeks=_layer_shift(layer))
            finally:
                bar.close()
                cursor.execute("SET session_replication_role = origin")
            timings["replication"] = time.perf_counter() - t
            _say(f"replication: {layer} layers, {stored:,} dossiers stored, {timings['replication']:.0f} s")
        state = _state(cursor)
        if "indexes" in state and "indexes_rebuilt" not in state:
            t = time.perf_counter()
            _say("building the secondary indexes and unique constraints again")
            _rebuild_secondary(cursor, state)
            _fix_sequences(cursor)
            _mark(cursor, "indexes_rebuilt", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
            timings["indexes"] = time.perf_counter() - t
            t = time.perf_counter()
            for model in _models():
                cursor.execute(f"VACUUM (ANALYZE) {_table(model)}")
            cursor.execute("ANALYZE")
            timings["vacuum_analyze"] = time.perf_counter() - t
            _say(f"indexes {timings['indexes']:.0f} s, VACUUM ANALYZE {timings['vacuum_analyze']:.0f} s")
        orphans = _orphans(cursor)
    total = time.perf_counter() - started
    stored = Dossier.objects.count()
    _say(f"loaded: {stored:,} dossiers in {total:.0f} s ({total / 60:.1f} min); orphan rows: {orphans}")
    return {
        "dossiers_stored": stored,
        "loaded": True,
        "load_s": round(total, 1),
        "orphan_rows": orphans,
        "timings_s": {k: round(v, 1) for k, v in timings.items()},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep-db", default="cchc_bench_10m", metavar="NAME", help="database to fill and keep")
    parser.add_argument("--dossiers", type=int, default=10_000_000)
    parser.add_argument("--base", type=int, default=300_000, help="dossiers simulated before replication")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-write", action="store_true", help="do not record the load in docs/benchmarks.json")
    args = parser.parse_args()
    database(args.keep_db)
    django_setup()
    figures = load(dossiers=args.dossiers, base=args.base, seed=args.seed)
    print(figures)  # noqa: T201
    if figures["loaded"] and not args.no_write:
        record({**figures, **describe()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
