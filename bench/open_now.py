#!/usr/bin/env python3
"""Benchmark of "open now" in the nearby search: the precomputed opening windows vs. the same search without it.

    DATABASE_URL=$(scripts/pg.sh owner-url) .venv/bin/python bench/open_now.py [--n 1000000] [--keep] [--reuse]

1. Creates a SEPARATE database (default `buurtplek_bench_open`) with N synthetic places, with the loader of
   bench/nearby.py (every migration, the gemeenten, places spread like the population).
2. Fills `place_opening_windows` for every place with the code `flask places refresh-opening-windows` runs
   (webapp.places.opening_windows.refresh_all), timed.
3. Measures the app's own search statement (webapp.places.search.query_and_values, values bound, prepared
   like the app's connections: bench/nearby.py's SqlWorker, run past the prepare threshold before
   measuring) at concurrency 1, with and without open_now,
   at the default radius (1 km, limit 50) and at 25 km / limit 200; and, for comparison, the path the
   search takes without windows (over-fetch up to 1,000 rows, opening hours evaluated in Python).
4. Optionally (--api) the same through GET /api/v1/places in gunicorn at concurrency 1.
Prints p50/p95 and whether "open now within 1.5x of the same search without it" is met.
The database is dropped at the end unless --keep.
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import nearby  # noqa: E402  (its loader and load generators; not changed here)
import psycopg  # noqa: E402

TARGET = 1.5
CASES = {"default radius (1 km, limit 50)": {}, "25 km, limit 200": {"radius": "25000", "limit": "200"}}


class PreparedSqlWorker(nearby.SqlWorker):
    """bench/nearby.py's SqlWorker, whose connection has run the statement past psycopg's prepare_threshold
    before the clock starts: every measured call runs prepared, as on the app's long-lived connections
    (a slow search gives only a few samples in a run, which would otherwise all be unprepared)."""

    def setup(self, slot):
        conn = super().setup(slot)
        for i in range((self.prepare_threshold or 0) + 1):
            self.call(conn, slot + i)
        return conn


class PythonPathWorker(PreparedSqlWorker):
    """The search's path without windows: the over-fetching statement, then each row's hours evaluated
    in Python until `limit` open places are found (webapp.places.search before the windows)."""

    def __init__(self, url, statements, limits, prepare_threshold):
        super().__init__(url, statements, prepare_threshold=prepare_threshold)
        self.limits = limits

    def call(self, conn, i):
        from webapp.places import hours

        sql, values = self.statements[i % len(self.statements)]
        found = 0
        for row in conn.execute(sql, values).fetchall():
            if hours.state_at(row[1], None, coords=(row[-2], row[-3])) == "open":
                found += 1
                if found >= self.limits:
                    break


def warm_up(worker, calls: int = 5) -> None:
    """A few calls before measuring (a count, not a duration: a wide search can take over a second)."""
    state = worker.setup(0)
    try:
        for i in range(calls):
            worker.call(state, i)
    finally:
        worker.teardown(state)


def measure(worker, duration: float, at_least: int = 5) -> dict:
    """Concurrency 1: `worker.call` again and again for `duration` seconds (at least `at_least` calls),
    after its setup (not timed)."""
    state = worker.setup(0)
    samples: list[float] = []
    errors = 0
    try:
        stop = time.perf_counter() + duration
        i = 0
        while time.perf_counter() < stop or len(samples) < at_least:
            began = time.perf_counter()
            try:
                worker.call(state, i)
            except Exception as exc:  # counted, shown below
                errors += 1
                if errors == 1:
                    nearby.log(f"error: {exc!r}")
            samples.append((time.perf_counter() - began) * 1000)
            i += 1
    finally:
        worker.teardown(state)
    return {"n": len(samples), "errors": errors, **nearby.percentiles(samples)}


def fill_windows() -> tuple[float, int, int]:
    from webapp.extensions import db
    from webapp.places import opening_windows

    started = time.perf_counter()
    result = opening_windows.refresh_all(db.session.connection, batch_done=lambda _n: db.session.commit())
    db.session.commit()
    seconds = time.perf_counter() - started
    return seconds, result.places, result.texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000, help="synthetic places (default 1,000,000)")
    parser.add_argument("--db", default="buurtplek_bench_open", help="name of the separate database")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="use the database as it is when it exists (no load)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per measurement")
    parser.add_argument("--api", action="store_true", help="also GET /api/v1/places through gunicorn (c=1)")
    args = parser.parse_args()

    server = nearby.local_server()
    print(f"# open-now benchmark · {datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {platform.node()} · "
          f"{os.cpu_count()} CPUs · Python {platform.python_version()} · load average {os.getloadavg()[0]:.1f}")
    url, reused = nearby.create_database(server, args.db, args.reuse)
    try:
        if not reused:
            nearby.log(f"database {args.db}: migrating and loading gemeenten")
            nearby.migrate_and_load_gemeenten(url)
            nearby.log(f"loading {args.n:,} places")
            nearby.log(f"load done in {nearby.load_places(url, args.n):.0f} s")
        compile_for, threshold = nearby.search_sql(url)   # pushes an app context on the bench database
        nearby.log("filling the opening windows (refresh_all)")
        seconds, places, texts = fill_windows()
        with psycopg.connect(nearby.libpq(url), autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE place_opening_windows")
            size = conn.execute("select pg_size_pretty(pg_total_relation_size('place_opening_windows'))").fetchone()[0]
            pg_version = conn.execute("show server_version").fetchone()[0]
        print(f"places: {places:,} · PostgreSQL {pg_version}")
        print(f"windows filled: {places:,} places ({texts} distinct opening hours) in {seconds:.1f} s "
              f"({places / max(seconds, 1e-9):,.0f} places/s); table with indexes {size}")

        from webapp.places import opening_windows

        points = nearby.query_points(url)
        results: dict[tuple[str, str], dict] = {}
        plans: dict[str, list[str]] = {}
        for case, filters in CASES.items():
            variants = {"without open_now": filters, "open_now (windows)": {**filters, "open_now": "1"}}
            for label, values in variants.items():
                statements = [compile_for(lon, lat, **values) for lon, lat in points]
                with psycopg.connect(nearby.libpq(url), options="-c jit=off -c timezone=UTC") as conn:
                    plans[f"{case}, {label}"] = [r[0] for r in conn.execute(
                        "EXPLAIN (ANALYZE, BUFFERS) " + statements[0][0], statements[0][1]).fetchall()]
                worker = PreparedSqlWorker(url, statements, prepare_threshold=threshold)
                nearby.log(f"SQL {case}, {label} (load average {os.getloadavg()[0]:.1f})")
                results[(case, label)] = measure(worker, args.duration)
            # The path without windows, for comparison: over-fetch and evaluate in Python.
            original = opening_windows.covers
            opening_windows.covers = lambda moment, now=None: False   # type: ignore[assignment]
            try:
                old = [compile_for(lon, lat, **{**filters, "open_now": "1"}) for lon, lat in points]
            finally:
                opening_windows.covers = original   # type: ignore[assignment]
            limit = int(filters.get("limit", "50"))
            worker = PythonPathWorker(url, old, limit, threshold)
            nearby.log(f"SQL + Python {case}, open_now without windows")
            results[(case, "open_now without windows (over-fetch + Python)")] = measure(worker, args.duration)

        print()
        print("| search statement (c=1) | filter | requests | p50 ms | p95 ms |")
        print("| --- | --- | ---: | ---: | ---: |")
        for (case, label), r in results.items():
            print(f"| {case} | {label} | {r['n']} | {r['p50']:.2f} | {r['p95']:.2f} |")
        print()
        for name, lines in plans.items():
            if "open_now" in name:
                print(f"plan, {name}:\n  " + "\n  ".join(lines))
        print(flush=True)

        api: dict[tuple[str, str], dict] = {}
        if args.api:
            port = nearby.free_port()
            proc = nearby.start_gunicorn(url, port, 2, 4)
            try:
                for case, filters in CASES.items():
                    for label, values in (("without open_now", filters), ("open_now", {**filters, "open_now": "1"})):
                        paths = ["/api/v1/places?" + urlencode({"lat": f"{lat:.6f}", "lon": f"{lon:.6f}", **values})
                                 for lon, lat in points]
                        warm_up(nearby.HttpWorker(port, paths), 10)
                        nearby.log(f"API {case}, {label}")
                        api[(case, label)] = measure(nearby.HttpWorker(port, paths), args.duration)
            finally:
                proc.terminate()
                proc.wait(timeout=20)
            print()
            print("| GET /api/v1/places (c=1) | filter | requests | errors | p50 ms | p95 ms |")
            print("| --- | --- | ---: | ---: | ---: | ---: |")
            for (case, label), r in api.items():
                print(f"| {case} | {label} | {r['n']} | {r['errors']} | {r['p50']:.2f} | {r['p95']:.2f} |")
        print()
        for case in CASES:
            base, with_open = results[(case, "without open_now")], results[(case, "open_now (windows)")]
            ratio50, ratio95 = with_open["p50"] / base["p50"], with_open["p95"] / base["p95"]
            ok = ratio50 <= TARGET and ratio95 <= TARGET
            print(f"{'met    ' if ok else 'MISSED '} open now within {TARGET}x of the same search without it (SQL), "
                  f"{case}: p50 {ratio50:.2f}x, p95 {ratio95:.2f}x")
            if api:
                a, b = api[(case, "without open_now")], api[(case, "open_now")]
                ok = b["p50"] / a["p50"] <= TARGET and b["p95"] / a["p95"] <= TARGET
                print(f"{'met    ' if ok else 'MISSED '} the same through the API, {case}: "
                      f"p50 {b['p50'] / a['p50']:.2f}x, p95 {b['p95'] / a['p95']:.2f}x")
    finally:
        nearby.drop_unless_kept(server, args.db, args.keep)


if __name__ == "__main__":
    main()
