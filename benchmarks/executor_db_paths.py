"""Issue 13 item 2: the executor's database path against what psycopg 3 gives.

Micro-benchmark: one transition's shape (BEGIN + lock + 2 reads; 2 updates + 2 inserts + COMMIT) through
(a) the hand-written path: simple-query text, EXECUTE of prepared statements, values as literals, BEGIN/COMMIT inside;
(b) psycopg 3 pipeline mode, server-side binding, psycopg's own prepared statements (prepare_threshold=0).
Both: 2 round trips. Measures wall and client CPU per transaction on one connection, on a temporary
database dropped after. ``python benchmarks/executor_db_paths.py [N]``."""

import os
import sys
import time

import psycopg
from psycopg.adapt import Transformer
from psycopg.pq import ExecStatus

URL = os.environ.get("PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/")
DB = "cchc_h_executor_micro"
with psycopg.connect(URL + "postgres", autocommit=True) as c:
    c.execute(f"DROP DATABASE IF EXISTS {DB}")
    c.execute(f"CREATE DATABASE {DB}")
try:
    with psycopg.connect(URL + DB, autocommit=True) as c:
        c.execute(
            "CREATE TABLE d (id int primary key, status text, n int, due timestamptz, code text, "
            "a int, b int, c int, e text)"
        )
        c.execute("INSERT INTO d SELECT g, 'new', 0, now(), 'X', 1, 2, 3, 'e' FROM generate_series(1, 1000) g")
        c.execute("CREATE TABLE s (id serial primary key, d int, status text, ord int, deadline timestamptz)")
        c.execute(
            "INSERT INTO s (d, status, ord, deadline) "
            "SELECT g % 1000 + 1, 'pending', g, now() FROM generate_series(1, 3000) g"
        )
        c.execute("CREATE INDEX ON s(d)")
        c.execute("CREATE TABLE m (u int, a int, r text)")
        c.execute("INSERT INTO m SELECT g, g % 10, 'x' FROM generate_series(1, 100) g")
        c.execute("CREATE TABLE h (id bigserial primary key, d int, at timestamptz, note text, payload jsonb)")
        c.execute("CREATE TABLE o (id bigserial primary key, topic text, stream text, payload jsonb, at timestamptz)")
    import datetime
    import json

    now = datetime.datetime.now(datetime.UTC)
    payload = json.dumps({"dossier_id": 1, "code": "000.00.00.H00-260107-0001", "status": "received", "details": {}})
    READS = [
        ("SELECT id, status, n, due, code, a, b, c, e FROM d WHERE id = %s FOR UPDATE", None),
        ("SELECT id, d, status, ord, deadline FROM s WHERE d = %s AND status IN (%s, %s) ORDER BY ord", None),
        ("SELECT u, a, r FROM m WHERE u = ANY(%s) AND a > %s", None),
    ]

    def reads(i):
        return [(READS[0][0], [i]), (READS[1][0], [i, "active", "pending"]), (READS[2][0], [[1, 2, 3], 0])]

    def writes(i):
        return [
            ("UPDATE d SET status = %s, n = n + 1, due = %s WHERE id = %s", ["received", now, i]),
            ("UPDATE s SET status = %s WHERE d = %s AND ord = %s", ["done", i, 1]),
            ("INSERT INTO h (d, at, note, payload) VALUES (%s, %s, %s, %s) RETURNING id", [i, now, "note", payload]),
            (
                "INSERT INTO o (topic, stream, payload, at) VALUES (%s, %s, %s, %s) RETURNING id",
                ["dossier.received", f"dossier:{i}", payload, now],
            ),
        ]

    def handwritten(n):
        conn = psycopg.connect(URL + DB, autocommit=True)
        lit = Transformer.from_context(conn).as_literal
        prepared = set()
        names = {}

        def text(stmts, head, tail):
            out = list(head)
            for sql, vals in stmts:
                name = names.get(sql)
                if name is None:
                    name = names[sql] = f"p{len(names)}"
                if name not in prepared:
                    prepared.add(name)
                    parts = sql.split("%s")
                    out.append(
                        f"PREPARE {name} AS " + parts[0] + "".join(f"${k}{p}" for k, p in enumerate(parts[1:], 1))
                    )
                out.append(f"EXECUTE {name}(" + ", ".join(lit(v).decode() for v in vals) + ")")
            return "; ".join(out + tail)

        cur = psycopg.ClientCursor(conn)

        def run(q):
            cur.execute(q)
            rows = []
            while True:
                r = cur.pgresult
                rows.append(cur.fetchall() if r is not None and r.status == ExecStatus.TUPLES_OK else [])
                if not cur.nextset():
                    break
            return rows

        for i in range(n):
            k = i % 1000 + 1
            run(text(reads(k), ["BEGIN"], []))
            run(text(writes(k), [], ["COMMIT"]))
        conn.close()

    def pipeline_cursors(n):
        conn = psycopg.connect(URL + DB, autocommit=False, prepare_threshold=0)
        for i in range(n):
            k = i % 1000 + 1
            with conn.pipeline():
                curs = []
                for sql, vals in reads(k):
                    c = conn.cursor()
                    c.execute(sql, vals)
                    curs.append(c)
            [c.fetchall() for c in curs]  # the rows, as the executor reads them
            with conn.pipeline():
                curs = []
                for sql, vals in writes(k):
                    c = conn.cursor()
                    c.execute(sql, vals)
                    curs.append(c)
                conn.commit()
        conn.close()

    N = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    for rnd in range(2):
        for name, f in [
            ("handwritten EXECUTE text", handwritten),
            ("psycopg pipeline, server binding, prepare_threshold=0", pipeline_cursors),
        ]:
            t0, c0 = time.perf_counter(), time.process_time()
            f(N)
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            print(f"round {rnd} {name:55} {N / wall:7.0f} tx/s  client CPU {cpu / N * 1000:.3f} ms/tx", flush=True)
finally:
    with psycopg.connect(URL + "postgres", autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
