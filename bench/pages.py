#!/usr/bin/env python3
"""Benchmark of the pages residents and staff wait for, at realistic size, through gunicorn.

    DATABASE_URL=$(scripts/pg.sh owner-url) .venv/bin/python bench/pages.py [--scale 1] [--keep] [--reuse]

1. Creates a SEPARATE database (default `buurtplek_bench_pages`), applies every migration, loads the
   gemeenten and, at --scale 1: 100,000 places (spread like the population, as bench/nearby.py does),
   100,000 initiatives near them with one activity each (weekly mostly; biweekly, monthly and once too,
   like the real model), one grant round in Amsterdam with 10,000 decided applications (approved, paid,
   rejected) and 1,000 open ones in the staff queue. Each table in one INSERT ... SELECT.
2. One staff user for Amsterdam and one server-side session; the session cookie is signed once and reused
   by every staff request.
3. Through gunicorn (2 workers x 4 threads, like `make run`) with keep-alive clients, at concurrency 1 and
   16: the place page, "Wat is er te doen?" around a point, GET /api/v1/initiatives around a point, the
   grants public page, its CSV (as a plain client, as a browser asking for gzip, and as a repeat client
   sending its ETag back) and the staff queue. Prints p50/p95/req/s per page, every target
   (p95 <= 100 ms at 16) as met or missed, and the load average (`uptime`).

Everything stays on 127.0.0.1. The database is dropped at the end unless --keep.
"""
from __future__ import annotations

import argparse
import os
import platform
import random
import secrets
import statistics
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg  # noqa: E402
from nearby import (  # noqa: E402
    HttpWorker,
    create_database,
    drop_unless_kept,
    free_port,
    libpq,
    load_places,
    local_server,
    log,
    migrate_and_load_gemeenten,
    query_points,
    run_load,
    start_gunicorn,
)

GEMEENTE = "GM0363"   # Amsterdam: the grant round and the staff user
TARGET_MS = 100.0


def load_initiatives(url, n: int) -> None:
    """N initiatives near random published places, each with one activity (mostly weekly)."""
    with psycopg.connect(libpq(url), autocommit=True) as conn:
        conn.execute("SET synchronous_commit = off")
        conn.execute("SELECT setseed(0.17)")
        conn.execute("""
            INSERT INTO initiatives (title, summary, themes, audience, languages, cost, status, location,
                                     gemeente_code)
            SELECT 'Buurtinitiatief ' || g,
                   'Samen iets doen in de buurt',
                   ARRAY[(ARRAY['meet','food','sport','culture','nature','learn','help'])
                         [1 + floor(random() * 7)::int]]::varchar[],
                   ARRAY[(ARRAY['everyone','elderly','youth','women','newcomers'])
                         [1 + floor(random() * 5)::int]]::varchar[],
                   ARRAY['nl']::varchar[],
                   (ARRAY['free','free','contribution',NULL])[1 + floor(random() * 4)::int],
                   CASE WHEN random() < 0.9 THEN 'active' ELSE 'paused' END,
                   ST_SetSRID(ST_MakePoint(ST_X(p.location) + (random() - 0.5) * 0.004,
                                           ST_Y(p.location) + (random() - 0.5) * 0.003), 4326),
                   p.gemeente_code
            FROM generate_series(1, %(n)s) g
            JOIN places p ON p.id = 1 + mod(g * 7919, (SELECT max(id) FROM places))
        """, {"n": n})
        conn.execute("""
            INSERT INTO initiative_activities (initiative_id, title, place_id, starts_on, start_time, end_time,
                                               frequency, month_week, ends_on)
            SELECT i.id, 'Wekelijkse bijeenkomst',
                   CASE WHEN random() < 0.6 THEN 1 + floor(random() * (SELECT max(id) FROM places))::int END,
                   current_date - (floor(random() * 300))::int,
                   make_time(9 + floor(random() * 11)::int, 0, 0),
                   make_time(21, 0, 0),
                   f.freq,
                   CASE WHEN f.freq = 'monthly' THEN 1 END,
                   CASE WHEN f.freq = 'once' THEN NULL
                        WHEN random() < 0.2 THEN current_date + (floor(random() * 200))::int END
            FROM initiatives i
            CROSS JOIN LATERAL (SELECT (ARRAY['weekly','weekly','weekly','weekly','weekly','biweekly','monthly',
                                              'once'])[1 + floor(random() * 8 + i.id * 0)::int] AS freq) f
        """)
        # "once" activities: in the coming weeks, so they show up.
        conn.execute("UPDATE initiative_activities SET starts_on = current_date + (id % 40) "
                     "WHERE frequency = 'once'")
        conn.execute("VACUUM ANALYZE initiatives")
        conn.execute("VACUUM ANALYZE initiative_activities")


def load_grants(url, decided: int, open_: int) -> int:
    """One round in Amsterdam; `decided` decided applications and `open_` open ones. Returns the round id."""
    with psycopg.connect(libpq(url), autocommit=True) as conn:
        conn.execute("SET synchronous_commit = off")
        conn.execute("SELECT setseed(0.23)")
        round_id = conn.execute("""
            INSERT INTO grant_rounds (gemeente_code, name, criteria, opens_on, closes_on, budget_cents)
            VALUES (%s, 'Startbijdragen 2026', 'Voor iedereen in de buurt', current_date - 200,
                    current_date + 100, 2000000000) RETURNING id""", (GEMEENTE,)).fetchone()[0]
        ids = "(SELECT array_agg(id) FROM (SELECT id FROM initiatives LIMIT 20000) s)"
        common = f"""
            SELECT %(round)s, ({ids})[1 + mod(g, 20000)], %(status)s::varchar, 'Aanvraag ' || g, 'Buren', 'Dit jaar',
                   'Wat we willen doen', (10 + floor(random() * 90))::int * 1000,
                   now() - make_interval(days => (floor(random() * 150))::int),
                   current_date + (floor(random() * 30))::int - 10"""
        for status, n in (("approved", decided // 2), ("paid", decided // 4),
                          ("rejected", decided - decided // 2 - decided // 4)):
            conn.execute(f"""
                INSERT INTO grant_applications (round_id, initiative_id, status, title, audience, timing,
                                                description, amount_cents, submitted_at, due_on, granted_cents,
                                                decided_at, decision_reason)
                {common}, CASE WHEN %(status)s::varchar = 'rejected' THEN NULL ELSE 50000 END,
                       now() - make_interval(days => (floor(random() * 100))::int), 'Past bij de regeling'
                FROM generate_series(1, %(n)s) g""", {"round": round_id, "status": status, "n": n})
        conn.execute(f"""
            INSERT INTO grant_applications (round_id, initiative_id, status, title, audience, timing,
                                            description, amount_cents, submitted_at, due_on)
            {common} FROM generate_series(1, %(n)s) g""", {"round": round_id, "status": "submitted", "n": open_})
        conn.execute("UPDATE grant_rounds SET committed_cents = (SELECT coalesce(sum(granted_cents), 0) "
                     "FROM grant_applications WHERE round_id = %s) WHERE id = %s", (round_id, round_id))
        conn.execute("VACUUM ANALYZE grant_applications")
        return round_id


def staff_cookie(url) -> tuple[str, str]:
    """A staff user for GEMEENTE with one server-side session; returns (cookie name, signed value)."""
    from webapp import create_app
    from webapp.accounts import services as accounts
    from webapp.accounts.models import Role, User
    from webapp.config import Config
    from webapp.extensions import db

    config = Config()
    config.SQLALCHEMY_DATABASE_URI = url.render_as_string(hide_password=False)
    app = create_app(config)
    with app.app_context():
        user = db.session.execute(db.select(User).filter_by(email="staff@bench.test")).scalar_one_or_none()
        if user is None:
            user = User(email="staff@bench.test", display_name="Medewerker", password_hash="!",
                        email_confirmed_at=datetime.now(UTC))
            db.session.add(user)
            db.session.flush()
            accounts.grant_role(user, Role.STAFF, GEMEENTE)
        accounts.start_session(user, "bench")
        db.session.commit()
        value = app.session_interface.get_signing_serializer(app).dumps({"_user_id": user.get_id(),
                                                                         "_fresh": True})
        return app.config["SESSION_COOKIE_NAME"], value


def measure(worker, concurrency: int, duration: float) -> dict:
    """run_load, and a row of NaN (not a crash) when a page answered fewer than two times in the period."""
    try:
        return run_load(worker, concurrency, duration)
    except statistics.StatisticsError:
        return {"n": 1, "errors": 0, "rps": 1 / duration, "p50": float("nan"), "p95": float("nan")}


class CookieWorker(HttpWorker):
    def __init__(self, port: int, paths: list[str], cookie: str):
        super().__init__(port, paths)
        self.cookie = cookie

    def call(self, conn, i):
        conn.request("GET", self.paths[i % len(self.paths)], headers={"Cookie": self.cookie})
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}: {body[:200]!r}")


class BrowserLikeWorker(HttpWorker):
    """As a browser asks: gzip accepted; with `repeat`, the ETag of its first answer sent back
    (`If-None-Match`), so a 304 counts as an answer."""

    def __init__(self, port: int, paths: list[str], repeat: bool = False):
        super().__init__(port, paths)
        self.repeat, self.etags = repeat, {}

    def call(self, conn, i):
        path = self.paths[i % len(self.paths)]
        headers = {"Accept-Encoding": "gzip"}
        if self.repeat and path in self.etags:
            headers["If-None-Match"] = self.etags[path]
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        if response.status not in (200, 304):
            raise RuntimeError(f"HTTP {response.status}: {body[:200]!r}")
        if response.getheader("ETag"):
            self.etags[path] = response.getheader("ETag")


# --only takes these short names, or any part of a page's label.
SHORT_NAMES = {"place": "place page", "whats_on": "Wat is er", "initiatives_api": "api/v1/initiatives",
               "grants_public": "grants public", "grants_csv": "grants CSV", "staff_queue": "staff queue"}


class RepeatWorker(BrowserLikeWorker):
    """Marker for a BrowserLikeWorker that sends its ETag back."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 100k places/initiatives, 10k+1k applications")
    parser.add_argument("--db", default="buurtplek_bench_pages")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="use the database as it is when it exists")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per measurement")
    parser.add_argument("--concurrency", default="1,16")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--only", default="", help="comma-separated pages to measure: "
                        + ", ".join(SHORT_NAMES) + ", or any part of a label")
    args = parser.parse_args()

    server = local_server()
    os.environ.setdefault("SECRET_KEY", secrets.token_hex(32))   # the app in gunicorn signs cookies alike
    levels = [int(c) for c in args.concurrency.split(",")]
    n_places = int(100_000 * args.scale)
    n_initiatives = int(100_000 * args.scale)
    n_decided, n_open = int(10_000 * args.scale), int(1_000 * args.scale)

    print(f"# pages benchmark · {datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {platform.node()} · "
          f"{os.cpu_count()} CPUs · Python {platform.python_version()} · scale {args.scale} · "
          f"load average {os.getloadavg()[0]:.1f}")
    url, reused = create_database(server, args.db, args.reuse)
    try:
        if not reused:
            log(f"database {args.db}: migrating and loading gemeenten")
            migrate_and_load_gemeenten(url)
            log(f"loading {n_places:,} places")
            load_places(url, n_places)
            log(f"loading {n_initiatives:,} initiatives with activities")
            load_initiatives(url, n_initiatives)
            log(f"loading a grant round: {n_decided:,} decided, {n_open:,} open applications")
            load_grants(url, n_decided, n_open)
        with psycopg.connect(libpq(url)) as conn:
            counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]   # noqa: S608 (fixed names)
                      for t in ("places", "initiatives", "initiative_activities", "grant_applications")}
            open_count = conn.execute("SELECT count(*) FROM grant_applications WHERE status = 'submitted'"
                                      ).fetchone()[0]
            round_id = conn.execute("SELECT max(id) FROM grant_rounds WHERE gemeente_code = %s",
                                    (GEMEENTE,)).fetchone()[0]
            place_ids = [r[0] for r in conn.execute(
                "SELECT id FROM places TABLESAMPLE SYSTEM (5) REPEATABLE (3) WHERE status = 'published' "
                "ORDER BY id LIMIT 300").fetchall()]
        print(" · ".join(f"{t}: {n:,}" for t, n in counts.items()) + f" · open applications: {open_count:,}")
        name, value = staff_cookie(url)
        cookie = f"{name}={value}"
        rng = random.Random(5)
        rng.shuffle(place_ids)
        points = query_points(url, count=200)
        near = [{"lat": f"{lat:.5f}", "lon": f"{lon:.5f}"} for lon, lat in points]
        pages = {
            "place page /plekken/<id>": (HttpWorker, [f"/plekken/{i}" for i in place_ids]),
            "Wat is er te doen? (point)": (HttpWorker, ["/wat-is-er-te-doen?" + urlencode(p) for p in near]),
            "GET /api/v1/initiatives (point)": (HttpWorker, ["/api/v1/initiatives?" + urlencode(p) for p in near]),
            "grants public page": (HttpWorker, [f"/startbijdragen/gemeente/{GEMEENTE}"]),
            "grants CSV": (HttpWorker, [f"/api/v1/gemeenten/{GEMEENTE}/startbijdragen.csv"]),
            "grants CSV, gzip (browser)": (BrowserLikeWorker, [f"/api/v1/gemeenten/{GEMEENTE}/startbijdragen.csv"]),
            "grants CSV, repeat client (304)": (RepeatWorker, [f"/api/v1/gemeenten/{GEMEENTE}/startbijdragen.csv"]),
            "staff queue (open)": (CookieWorker, [f"/startbijdragen/regeling/{round_id}/wachtrij"]),
        }
        if args.only:
            wanted = [SHORT_NAMES.get(w.strip(), w.strip()) for w in args.only.split(",")]
            pages = {k: v for k, v in pages.items() if any(w in k for w in wanted)}

        port = free_port()
        proc = start_gunicorn(url, port, args.workers, args.threads)
        results: dict[tuple[str, int], dict] = {}
        try:
            def worker(kind, paths):
                if kind is CookieWorker:
                    return kind(port, paths, cookie)
                if kind is RepeatWorker:
                    return BrowserLikeWorker(port, paths, repeat=True)
                return kind(port, paths)
            for label, (kind, paths) in pages.items():
                measure(worker(kind, paths), 2, 2)    # warm up
                for c in levels:
                    log(f"{label}, concurrency {c} (load average {os.getloadavg()[0]:.1f})")
                    results[(label, c)] = measure(worker(kind, paths), c, args.duration)
        finally:
            proc.terminate()
            proc.wait(timeout=20)

        print()
        print("| page | concurrency | requests | errors | p50 ms | p95 ms | req/s |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for label in pages:
            for c in levels:
                r = results[(label, c)]
                print(f"| {label} | {c} | {r['n']} | {r['errors']} | {r['p50']:.1f} | {r['p95']:.1f} | "
                      f"{r['rps']:.0f} |")
        print()
        top = max(levels)
        for label in pages:
            r = results[(label, top)]
            ok = r["errors"] == 0 and r["p95"] <= TARGET_MS   # NaN (too few answers): missed
            print(f"{'met    ' if ok else 'MISSED '} {label}: p95 {r['p95']:.0f} ms <= {TARGET_MS:.0f} ms at "
                  f"concurrency {top}" + (f" ({r['errors']} errors)" if r["errors"] else ""))
        print()
        print("uptime:" + subprocess.run(["uptime"], capture_output=True, text=True).stdout.rstrip())
    finally:
        drop_unless_kept(server, args.db, args.keep)


if __name__ == "__main__":
    main()
