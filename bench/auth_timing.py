#!/usr/bin/env python3
"""Timing of sign-up and login for known vs. unknown addresses (issue 10, finding 9: user enumeration).

    DATABASE_URL=$(scripts/pg.sh owner-url) .venv/bin/python bench/auth_timing.py [--n 30]

Creates a SEPARATE database (`buurtplek_bench_auth_<pid>`) on the DATABASE_URL server (the role needs
CREATEDB: use the owner's URL), applies every migration, and sends the app's own POSTs in-process (Flask
test client, CSRF and rate limits off, mails to the outbox table), interleaved so that machine noise hits
every case alike:

  register   new address        vs.  register   an address that has an account
  login      wrong password for a known address  vs.  for an unknown address   (and the right password)

Prints median, p90 and mean per case in milliseconds and the difference of the medians. The database is
dropped at the end. The tests (tests/accounts/test_enumeration.py) do not time anything — they check that
both paths run the same argon2 step — because wall-clock assertions are flaky on a shared machine.
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

PASSWORD = "een lang wachtwoord"


def stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"median": statistics.median(ordered), "p90": ordered[int(0.9 * (len(ordered) - 1))],
            "mean": statistics.fmean(ordered)}


def timed(fn) -> float:
    start = time.perf_counter()
    response = fn()
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code < 500, response.status_code
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=30, help="rounds per case (default 30)")
    args = parser.parse_args()
    raw = os.environ.get("DATABASE_URL")
    if not raw:
        sys.exit("DATABASE_URL is not set (use the owner's URL: scripts/pg.sh owner-url)")
    server = make_url(raw)
    name = f"buurtplek_bench_auth_{os.getpid()}"
    admin = sa.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        run(server.set(database=name).render_as_string(hide_password=False), args.n)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run(url: str, n: int) -> None:
    import logging

    from flask_migrate import upgrade

    from webapp import create_app
    from webapp.accounts import services
    from webapp.config import TestConfig
    from webapp.extensions import db

    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = url
    app = create_app(config)
    logging.getLogger().setLevel(logging.WARNING)
    with app.app_context():
        upgrade(revision="heads")
        known = services.create_user("bekend@example.org", PASSWORD, "Bekende Bewoner")
        from datetime import UTC, datetime

        known.email_confirmed_at = datetime.now(UTC)
        db.session.commit()
        db.session.remove()

    client = app.test_client()
    cases: dict[str, list[float]] = {k: [] for k in (
        "register, new address", "register, known address",
        "login, wrong password, known address", "login, wrong password, unknown address",
        "login, right password")}

    def register(email):
        return client.post("/account/nieuw", data={"display_name": "Test", "email": email, "password": PASSWORD})

    def login(email, password="fout wachtwoord"):
        return client.post("/inloggen", data={"email": email, "password": password})

    for _ in range(3):  # warm up (imports, connection pool, templates, the dummy hash)
        register(f"opwarmen{_}@example.org"), register("bekend@example.org")
        login("bekend@example.org"), login("niemand@example.org")
    for i in range(n):
        cases["register, new address"].append(timed(lambda i=i: register(f"nieuw{i}@example.org")))
        cases["register, known address"].append(timed(lambda: register("bekend@example.org")))
        cases["login, wrong password, known address"].append(timed(lambda: login("bekend@example.org")))
        cases["login, wrong password, unknown address"].append(timed(lambda i=i: login(f"niemand{i}@example.org")))
        cases["login, right password"].append(timed(lambda: login("bekend@example.org", PASSWORD)))
        client.post("/uitloggen")

    print(f"# bench/auth_timing.py, n={n}, {platform.node()}, {os.cpu_count()} cpus, "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"{'case':42} {'median':>8} {'p90':>8} {'mean':>8}   (ms)")
    results = {}
    for case, samples in cases.items():
        results[case] = stats(samples)
        r = results[case]
        print(f"{case:42} {r['median']:8.1f} {r['p90']:8.1f} {r['mean']:8.1f}")
    for a, b in (("register, known address", "register, new address"),
                 ("login, wrong password, unknown address", "login, wrong password, known address")):
        diff = results[a]["median"] - results[b]["median"]
        print(f"difference of medians, {a.split(',')[0]}: {diff:+.1f} ms "
              f"({results[a]['median'] / results[b]['median']:.2f}x)")


if __name__ == "__main__":
    main()
