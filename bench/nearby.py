#!/usr/bin/env python3
"""Benchmark of the nearby search: raw SQL vs. the API through gunicorn, at the same concurrency.

    DATABASE_URL=$(scripts/pg.sh owner-url) .venv/bin/python bench/nearby.py [--n 1000000] [--keep] [--reuse]

1. Creates a SEPARATE database (default `buurtplek_bench`) on the DATABASE_URL server, applies every
   migration, loads the gemeenten, and loads N synthetic places spread like the population (each
   gemeente gets N * inhabitants / all inhabitants points, random inside its boundary with
   ST_GeneratePoints), in one INSERT ... SELECT (indexes are built after the load).
2. Measures (a) the app's own search SQL (the parameterised statement GET /api/v1/places sends, from
   `webapp.places.search.query_and_values`, with its values as bind parameters) with psycopg on connections
   set up like the app's (webapp.config.APP_SESSION_OPTIONS: jit off, UTC, no parallel workers; the same
   prepare_threshold as the app's engine: psycopg
   prepares a statement on the server after its 5th execution on a connection, so both sides run it
   prepared) and (b) GET /api/v1/places through gunicorn (2 workers x 4 threads, like `make run`) with the
   same query points and filters, at concurrency 1 and 16. The query points are repeatable
   (`TABLESAMPLE SYSTEM (...) REPEATABLE (seed)` and a seeded shuffle). Prints p50/p95/p99 latency,
   requests per second, the ratio (b)/(a), and every target as met or missed.
3. Measures JIT: the same SQL with jit=on vs. jit=off.
4. Prints the bytes of `/` (HTML) and of everything a browser loads for it, except map tiles.

Everything stays on 127.0.0.1. The database is dropped at the end unless --keep.
"""
from __future__ import annotations

import argparse
import http.client
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from webapp.config import APP_SESSION_OPTIONS  # noqa: E402

CATEGORIES = ["community_centre", "library", "sports", "park", "playground", "garden", "religious_cultural", "cafe",
              "other"]
HOURS = ["Mo-Fr 09:00-17:00; PH off", "Mo-Sa 10:00-18:00", "24/7", "", "Tu,Th 10:00-16:00; Sa 10:00-13:00",
         "Fr-Sa 17:00-01:00; Su 14:00-22:00", "Mo-Fr 10:00-22:00; Sa 10:00-17:00"]
TRI = "(ARRAY['yes','yes','limited','no','unknown','unknown'])[1 + floor(random() * 6)::int]"


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentiles(samples: list[float]) -> dict[str, float]:
    if not samples:
        return {"p50": float("nan"), "p95": float("nan"), "p99": float("nan")}
    q = statistics.quantiles(samples, n=100, method="inclusive")
    return {"p50": statistics.median(samples), "p95": q[94], "p99": q[98]}


# ---------------------------------------------------------------------------------------------
# database

def create_database(server: sa.URL, name: str, reuse: bool) -> tuple[sa.URL, bool]:
    admin = sa.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(sa.text("select 1 from pg_database where datname = :n"), {"n": name}).first()
        if exists and reuse:
            admin.dispose()
            return server.set(database=name), True
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server.set(database=name), False


def drop_database(server: sa.URL, name: str) -> None:
    admin = sa.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def local_server():
    """The PostgreSQL server of DATABASE_URL (the owner's URL); the benches only talk to 127.0.0.1."""
    raw = os.environ.get("DATABASE_URL")
    if not raw:
        raise SystemExit("Set DATABASE_URL (e.g. DATABASE_URL=$(scripts/pg.sh owner-url)).")
    server = make_url(raw)
    if server.host not in ("127.0.0.1", "localhost", None):
        raise SystemExit("This benchmark only talks to 127.0.0.1.")
    return server


def drop_unless_kept(server, name: str, keep: bool) -> None:
    """The end of a run: drop the bench database, or say how to measure it again."""
    if not keep:
        drop_database(server, name)
        log(f"dropped database {name}")
    else:
        log(f"kept database {name} (use --reuse to measure again without loading)")


def migrate_and_load_gemeenten(url: sa.URL) -> None:
    from flask_migrate import upgrade

    from webapp import create_app
    from webapp.areas import services as areas
    from webapp.config import Config

    config = Config()
    config.SQLALCHEMY_DATABASE_URI = url.render_as_string(hide_password=False)
    app = create_app(config)
    with app.app_context():
        upgrade(revision="heads")
        areas.load_gemeenten(ROOT / "data" / "gemeenten-2023.geojson")


def libpq(url: sa.URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def load_places(url: sa.URL, n: int, seed: int = 42) -> float:
    """N synthetic places spread like the population; returns the load time in seconds."""
    attrs = ["wheelchair", "step_free_entrance", "toilets", "toilets_wheelchair", "hearing_loop", "quiet_space",
             "seating", "disabled_parking", "public_transport_nearby", "assistance_dogs", "easy_language",
             "well_lit", "host_present", "house_rules_published", "confidential_contact", "safe_space"]
    start = time.perf_counter()
    with psycopg.connect(libpq(url), autocommit=True) as conn:
        conn.execute("SET jit = off")
        conn.execute("SET maintenance_work_mem = '512MB'")
        conn.execute("SET synchronous_commit = off")
        indexes = conn.execute(
            "select indexname, indexdef from pg_indexes where tablename = 'places' and indexname not like 'pk_%' "
            "and indexname not like 'uq_%'").fetchall()
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        conn.execute("SELECT setseed(%s)", (seed / 100,))
        categories = "ARRAY[" + ",".join(f"'{c}'" for c in CATEGORIES) + "]"
        hours = "ARRAY[" + ",".join("'" + h.replace("'", "''") + "'" for h in HOURS) + "]"
        sql = f"""
        WITH total AS (SELECT sum(population)::float AS p FROM gemeenten WHERE population > 0),
        counts AS (SELECT code, boundary, greatest(1, round(%(n)s::float8 * population / total.p))::int AS k
                   FROM gemeenten, total WHERE population > 0),
        pts AS (SELECT code, (ST_Dump(ST_GeneratePoints(boundary, k, %(seed)s))).geom AS geom FROM counts)
        INSERT INTO places (name, category, location, gemeente_code, opening_hours, cost, languages, audience,
                            activities, status, host_name, {", ".join(attrs)})
        SELECT 'Synthetische plek ' || row_number() OVER (),
               ({categories})[1 + floor(random() * {len(CATEGORIES)})::int],
               geom, code,
               ({hours})[1 + floor(random() * {len(HOURS)})::int],
               (ARRAY['free','free','contribution','paid',NULL])[1 + floor(random() * 5)::int],
               CASE WHEN random() < 0.3 THEN ARRAY['nl','en'] ELSE ARRAY['nl'] END,
               ARRAY[(ARRAY['everyone','elderly','youth','women','newcomers'])
                     [1 + floor(random() * 5)::int]]::varchar[],
               CASE WHEN random() < 0.5 THEN ARRAY['walk_in'] ELSE ARRAY['join_activity'] END,
               CASE WHEN random() < 0.97 THEN 'published' ELSE 'proposed' END,
               CASE WHEN random() < 0.2 THEN 'Gastvrouw' ELSE '' END,
               {", ".join(TRI for _ in attrs)}
        FROM pts
        """
        conn.execute(sql, {"n": n, "seed": seed})
        loaded = conn.execute("select count(*) from places").fetchone()[0]
        log(f"inserted {loaded} places in {time.perf_counter() - start:.0f} s; building {len(indexes)} indexes")
        for name, definition in indexes:
            t = time.perf_counter()
            conn.execute(definition)
            log(f"  {name}: {time.perf_counter() - t:.0f} s")
        conn.execute("VACUUM ANALYZE places")
    return time.perf_counter() - start


def query_points(url: sa.URL, count: int = 400, seed: int = 7) -> list[tuple[float, float]]:
    """Search centres near real places (so: spread like the population), jittered ~300 m. Repeatable: the
    same sample of pages (TABLESAMPLE ... REPEATABLE), in id order, and a seeded shuffle and jitter."""
    rng = random.Random(seed)
    with psycopg.connect(libpq(url)) as conn:
        total = conn.execute("SELECT count(*) FROM places").fetchone()[0]
        percent = min(100.0, max(0.01, 100.0 * count * 6 / max(total, 1)))   # about 6x the points needed
        rows = conn.execute(f"SELECT ST_X(location), ST_Y(location) FROM places TABLESAMPLE SYSTEM ({percent:.4f}) "
                            f"REPEATABLE ({seed}) WHERE status = 'published' ORDER BY id LIMIT %s",
                            (count * 3,)).fetchall()
    rng.shuffle(rows)
    return [(lon + rng.uniform(-0.004, 0.004), lat + rng.uniform(-0.003, 0.003)) for lon, lat in rows[:count]]


def search_sql(app_url: sa.URL):
    """The app's own search statement for given filters: (SQL text with placeholders, values), compiled by the
    app's dialect exactly as SQLAlchemy sends it; and the prepare_threshold of the app's psycopg connections."""
    from werkzeug.datastructures import MultiDict

    from webapp import create_app
    from webapp.config import Config
    from webapp.extensions import db
    from webapp.places import search as searching

    config = Config()
    config.SQLALCHEMY_DATABASE_URI = app_url.render_as_string(hide_password=False)
    app = create_app(config)
    app.test_request_context().push()   # kept for the rest of the run (compiling needs the app)

    def compile_for(lon, lat, **filters):
        params = searching.parse_params(MultiDict({"lat": str(lat), "lon": str(lon), **filters}))
        # The statement GET /api/v1/places sends (PostgreSQL writes the GeoJSON of each feature).
        stmt, values = searching.query_and_values(params, lon, lat, searching.fetch_size(params),
                                                  url_prefix="http://127.0.0.1/plekken/")
        compiled = stmt.compile(dialect=db.engine.dialect, compile_kwargs={"render_postcompile": True})
        return str(compiled), compiled.construct_params(values)

    raw = db.engine.raw_connection()
    try:
        threshold = raw.driver_connection.prepare_threshold
    finally:
        raw.close()
    return compile_for, threshold



# ---------------------------------------------------------------------------------------------
# load generators

def run_load(worker, concurrency: int, duration: float) -> dict:
    """Run `worker(i)` (one request, returns nothing) in `concurrency` threads for `duration` seconds."""
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    errors = [0] * concurrency
    stop = time.perf_counter() + duration
    barrier = threading.Barrier(concurrency + 1)

    def loop(slot: int):
        state = worker.setup(slot)
        barrier.wait()
        i = slot
        while time.perf_counter() < stop:
            t = time.perf_counter()
            try:
                worker.call(state, i)
            except Exception as exc:  # counted, shown below
                errors[slot] += 1
                if errors[slot] == 1:
                    log(f"error in worker {slot}: {exc!r}")
            latencies[slot].append((time.perf_counter() - t) * 1000)
            i += concurrency
        worker.teardown(state)

    threads = [threading.Thread(target=loop, args=(s,), daemon=True) for s in range(concurrency)]
    for t in threads:
        t.start()
    barrier.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    samples = [x for part in latencies for x in part]
    return {"n": len(samples), "errors": sum(errors), "rps": len(samples) / elapsed, **percentiles(samples)}


class SqlWorker:
    """One connection per thread, set up like the app's (autocommit reads, jit, timezone, prepare_threshold):
    the same SQL text with other values each call, so psycopg prepares it after `prepare_threshold` runs."""

    def __init__(self, url: sa.URL, statements: list[tuple[str, dict]], jit: bool = False,
                 prepare_threshold: int | None = 5):
        self.url, self.statements, self.jit, self.prepare_threshold = url, statements, jit, prepare_threshold

    def setup(self, slot):
        conn = psycopg.connect(libpq(self.url), autocommit=True,
                               options=APP_SESSION_OPTIONS.replace("jit=off", f"jit={'on' if self.jit else 'off'}"))
        conn.prepare_threshold = self.prepare_threshold
        conn.execute("select 1")
        return conn

    def call(self, conn, i):
        sql, values = self.statements[i % len(self.statements)]
        conn.execute(sql, values).fetchall()

    def teardown(self, conn):
        conn.close()


class HttpWorker:
    def __init__(self, port: int, paths: list[str]):
        self.port, self.paths = port, paths

    def setup(self, slot):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def call(self, conn, i):
        conn.request("GET", self.paths[i % len(self.paths)])
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}: {body[:200]!r}")

    def teardown(self, conn):
        conn.close()


def process_cpu_seconds(root_pid: int) -> float:
    """utime + stime of a process and its children (the gunicorn master and workers), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(entry), int(fields[1])
        if pid == root_pid or ppid == root_pid:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def start_gunicorn(app_url: sa.URL, port: int, workers: int, threads: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": app_url.render_as_string(hide_password=False), "RATELIMIT_ENABLED": "0"}
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    proc = subprocess.Popen([gunicorn, "--workers", str(workers), "--threads", str(threads), "--bind",
                             f"127.0.0.1:{port}", "--log-level", "warning", "webapp:create_app()"],
                            cwd=ROOT, env=env)
    for _ in range(150):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("gunicorn did not start")


# ---------------------------------------------------------------------------------------------
# page weight

def page_weight(port: int) -> dict:
    """Bytes of / and of everything a browser loads for it (map tiles excluded), measured in Chromium."""
    base = f"http://127.0.0.1:{port}"
    result = {"html": 0, "total": 0, "files": []}
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return result
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        context = browser.new_context(viewport={"width": 375, "height": 667}, service_workers="allow")
        seen: dict[str, int] = {}

        def route(r):
            if urlsplit(r.request.url).netloc != f"127.0.0.1:{port}":
                r.abort()      # tiles and anything foreign: not ours, not counted
            else:
                r.continue_()

        def on_response(response):
            if urlsplit(response.url).netloc == f"127.0.0.1:{port}":
                seen[response.url] = 0

        context.route("**/*", route)
        context.on("response", on_response)
        page = context.new_page()
        page.goto(base + "/", wait_until="networkidle")
        page.wait_for_timeout(1500)   # the service worker's precache, if any
        browser.close()
    # Uncompressed sizes: fetch every URL the browser asked for again, without Accept-Encoding.
    for url in seen:
        parts = urlsplit(url)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", parts.path + ("?" + parts.query if parts.query else ""),
                     headers={"Accept-Encoding": "identity"})
        seen[url] = len(conn.getresponse().read())
        conn.close()
    result["html"] = seen.get(base + "/", 0)
    result["total"] = sum(seen.values())
    result["files"] = sorted(((urlsplit(u).path, n) for u, n in seen.items()), key=lambda x: -x[1])
    return result


# ---------------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000, help="synthetic places (default 1,000,000)")
    parser.add_argument("--db", default="buurtplek_bench", help="name of the separate database")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="use the database as it is when it exists (no load)")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per measurement")
    parser.add_argument("--concurrency", default="1,16")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--api-only", action="store_true",
                        help="only raw SQL vs. the API (no JIT comparison, no page weight): for development")
    args = parser.parse_args()

    server = local_server()
    levels = [int(c) for c in args.concurrency.split(",")]

    print(f"# nearby benchmark · {datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {platform.node()} · "
          f"{os.cpu_count()} CPUs · {platform.processor() or platform.machine()} · "
          f"Python {platform.python_version()} · "
          f"load average {os.getloadavg()[0]:.1f}")
    url, reused = create_database(server, args.db, args.reuse)
    try:
        if not reused:
            log(f"database {args.db}: migrating and loading gemeenten")
            migrate_and_load_gemeenten(url)
            log(f"loading {args.n:,} places")
            seconds = load_places(url, args.n)
            log(f"load done in {seconds:.0f} s")
        with psycopg.connect(libpq(url)) as conn:
            count = conn.execute("select count(*) from places").fetchone()[0]
            pg_version = conn.execute("show server_version").fetchone()[0]
        print(f"places: {count:,} · PostgreSQL {pg_version}")

        points = query_points(url)
        filters = {}   # the default search: radius 1000 m, limit 50, published only
        compile_for, threshold = search_sql(url)
        statements = [compile_for(lon, lat, **filters) for lon, lat in points]
        print(f"raw SQL: the app's parameterised statement ({len(set(s for s, _ in statements))} SQL text, "
              f"{len(points)} value sets), psycopg prepare_threshold {threshold} as the app's engine")
        paths = ["/api/v1/places?" + urlencode({"lat": f"{lat:.6f}", "lon": f"{lon:.6f}", **filters})
                 for lon, lat in points]
        with psycopg.connect(libpq(url), options="-c jit=off") as conn:
            plan = conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + statements[0][0], statements[0][1]).fetchall()
            rows = [len(conn.execute(s, v).fetchall()) for s, v in statements[:100]]
        print("plan of one search:\n  " + "\n  ".join(r[0] for r in plan))
        print(f"rows per search (first 100 points): mean {statistics.mean(rows):.1f}, max {max(rows)}")

        port = free_port()
        proc = start_gunicorn(url, port, args.workers, args.threads)
        try:
            # warm up both paths (caches, connections, the app's imports)
            run_load(SqlWorker(url, statements, prepare_threshold=threshold), 2, 2)
            run_load(HttpWorker(port, paths), 2, 3)
            results = {}
            for c in levels:
                log(f"raw SQL, concurrency {c} (load average {os.getloadavg()[0]:.1f})")
                sql_worker = SqlWorker(url, statements, prepare_threshold=threshold)
                results[("sql", c)] = run_load(sql_worker, c, args.duration)
                log(f"API via gunicorn, concurrency {c} (load average {os.getloadavg()[0]:.1f})")
                cpu_before = process_cpu_seconds(proc.pid)
                results[("api", c)] = run_load(HttpWorker(port, paths), c, args.duration)
                results[("api", c)]["cpu_ms"] = ((process_cpu_seconds(proc.pid) - cpu_before) * 1000
                                                 / max(1, results[("api", c)]["n"]))
            jit: dict[str, dict] = {}
            weight: dict = {"html": 0, "total": 0, "files": []}
            if not args.api_only:
                log("JIT on vs off (raw SQL, concurrency 1)")
                wide = [compile_for(lon, lat, radius="25000", limit="200", open_now="1") for lon, lat in points[:50]]
                for label, stmts in (("default search", statements),
                                     ("25 km, limit 200, open now", wide)):
                    for on in (True, False):
                        jit[f"{label}, jit={'on' if on else 'off'}"] = run_load(
                            SqlWorker(url, stmts, jit=on, prepare_threshold=threshold), 1, args.duration / 2)
                weight = page_weight(port)
            log(f"done (load average {os.getloadavg()[0]:.1f})")
        finally:
            proc.terminate()
            proc.wait(timeout=20)

        print()
        print("| what | concurrency | requests | errors | p50 ms | p95 ms | p99 ms | req/s |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for c in levels:
            for kind, label in (("sql", "(a) raw SQL"), ("api", "(b) GET /api/v1/places")):
                r = results[(kind, c)]
                print(f"| {label} | {c} | {r['n']} | {r['errors']} | {r['p50']:.1f} | {r['p95']:.1f} | "
                      f"{r['p99']:.1f} | {r['rps']:.0f} |")
        print()
        for c in levels:
            a, b = results[("sql", c)], results[("api", c)]
            print(f"ratio (b)/(a) at concurrency {c}: throughput {b['rps'] / a['rps']:.2f} "
                  f"(target >= 0.50 at 16), p95 {b['p95'] / a['p95']:.1f}x; gunicorn CPU per API request "
                  f"{b['cpu_ms']:.1f} ms")
        if jit:
            print()
            print("| JIT (raw SQL, c=1) | p50 ms | p95 ms | req/s |")
            print("| --- | ---: | ---: | ---: |")
            for label, r in jit.items():
                print(f"| {label} | {r['p50']:.2f} | {r['p95']:.2f} | {r['rps']:.0f} |")
        def measured(kind: str, level: int, key: str):
            return results[(kind, level)][key] if (kind, level) in results else None

        def at_most(value, limit):   # None: that step did not run (--concurrency without it)
            return None if value is None else value <= limit

        api16, sql16 = measured("api", 16, "rps"), measured("sql", 16, "rps")
        targets = {
            "API p95 <= 25 ms at c=1": at_most(measured("api", 1, "p95"), 25),
            "API p95 <= 50 ms at c=16": at_most(measured("api", 16, "p95"), 50),
            "API throughput >= 50 % of raw SQL (c=16)":
                None if api16 is None or sql16 is None else api16 >= 0.50 * sql16,
        }
        if not args.api_only:
            print()
            print(f"page weight of /: HTML {weight['html']:,} bytes (target <= 61,440); everything except tiles "
                  f"{weight['total']:,} bytes (target <= 256,000)")
            for path, size in weight["files"]:
                print(f"  {size:>8,}  {path}")
            targets["/ HTML <= 60 KB"] = 0 < weight["html"] <= 60 * 1024
            targets["/ total <= 250 KB"] = 0 < weight["total"] <= 250 * 1024
        print()
        for name, ok in targets.items():
            print(f"{'not measured' if ok is None else 'met    ' if ok else 'MISSED '} {name}")
    finally:
        drop_unless_kept(server, args.db, args.keep)


if __name__ == "__main__":
    main()
