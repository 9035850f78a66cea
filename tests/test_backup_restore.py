"""Nothing lost (issue 10, finding 14): the backup and restore drill of docs/deploy.md, as a test.

A database with data in every table (the demo data, plus the few rows the demo does not make) is
dumped with `pg_dump --format=custom`, restored with `pg_restore` into a fresh database, and then:
every table has the same number of rows and the same checksum, the sequences go on where they were,
and an app on the restored database serves the same places, initiatives, startbijdragen and audit log
as the app on the original.
"""
from __future__ import annotations

import os
import random
import shutil
import subprocess
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from webapp import create_app
from webapp.config import TestConfig
from webapp.extensions import db

ROOT = Path(__file__).resolve().parent.parent
# The options of docs/deploy.md's nightly backup.
DUMP_OPTIONS = ["--format=custom", "--compress=6"]

pytestmark = pytest.mark.committed


def _libpq(url: sa.URL) -> tuple[list[str], dict]:
    """Connection options for the PostgreSQL command-line tools (the password through the environment)."""
    args = ["--host", url.host or "127.0.0.1", "--port", str(url.port or 5432), "--username", url.username]
    env = {**os.environ, "PGPASSWORD": url.password or ""}
    return args, env


def _checksums(url: sa.URL) -> dict[str, tuple[int, str]]:
    """Per table: (rows, md5 over the md5 of every row in a fixed order)."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    result = {}
    with engine.connect() as conn:
        tables = [t for (t,) in conn.execute(sa.text(
            "select tablename from pg_tables where schemaname = 'public' order by 1"))]
        for table in tables:
            result[table] = tuple(conn.execute(sa.text(
                f'select count(*), coalesce(md5(string_agg(md5(t::text), \'\' order by md5(t::text))), \'\') '
                f'from "{table}" t')).one())
        result["(sequences)"] = (0, str(sorted(conn.execute(sa.text(
            "select sequencename, last_value from pg_sequences where schemaname = 'public'")).all())))
    engine.dispose()
    return result


def _make_app(url: sa.URL):
    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = url.render_as_string(hide_password=False)
    return create_app(config)


def _fill_every_table() -> None:
    """The demo data, and a row for the tables the demo leaves empty."""
    from webapp.accounts import services as accounts
    from webapp.accounts.models import User
    from webapp.demo import load_all
    from webapp.initiatives.models import Activity, ActivityCancellation

    load_all()
    db.session.flush()
    activity = db.session.scalars(sa.select(Activity).order_by(Activity.id)).first()
    db.session.add(ActivityCancellation(activity_id=activity.id, on_date=date(2027, 1, 5) + timedelta(weeks=1),
                                        reason="Het buurthuis is dicht"))
    accounts.start_session(db.session.scalars(sa.select(User).order_by(User.id)).first(), "drill")
    db.session.commit()


@pytest.fixture(scope="module")
def drill(app):
    """(original URL, restored URL, dump file) on the owner's server; both databases dropped afterwards."""
    owner = make_url(os.environ.get("MIGRATION_DATABASE_URL") or os.environ["DATABASE_URL"])
    source = owner.set(database=f"buurtplek_backup_{os.getpid()}")
    restored = owner.set(database=f"buurtplek_restored_{os.getpid()}")
    admin = sa.create_engine(owner.set(database="postgres"), isolation_level="AUTOCOMMIT")
    workdir = Path(tempfile.mkdtemp(prefix="buurtplek-backup-"))
    with admin.connect() as conn:
        for url in (source, restored):
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{source.database}"'))
    try:
        original = _make_app(source)
        with original.app_context():
            from flask_migrate import upgrade

            from webapp.areas import names as area_names
            from webapp.areas import services as areas

            db.session.execute(sa.text("CREATE EXTENSION IF NOT EXISTS postgis; "
                                       "CREATE EXTENSION IF NOT EXISTS pg_trgm"))
            db.session.commit()
            upgrade(revision="heads")
            areas.load_gemeenten(ROOT / "data" / "gemeenten-2023.geojson")
            areas.load_districts(ROOT / "data" / "amsterdam-stadsdelen.geojson", "GM0363")
            area_names.load_postcodes(ROOT / "data" / "nl-pc4-geonames.csv")
            area_names.load_place_names(ROOT / "data" / "nl-woonplaatsen-geonames.csv")
            _fill_every_table()
            db.session.remove()
            db.engine.dispose()

        # The drill, as in docs/deploy.md: dump, make an empty database, restore into it.
        dump = workdir / "buurtplek.dump"
        args, env = _libpq(owner)
        subprocess.run(["pg_dump", *DUMP_OPTIONS, *args, "--file", str(dump), source.database],
                       env=env, check=True, capture_output=True, timeout=300)
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{restored.database}"'))
        subprocess.run(["pg_restore", "--exit-on-error", "--single-transaction", *args, "--dbname",
                        restored.database, str(dump)], env=env, check=True, capture_output=True, timeout=300)
        yield source, restored, dump
    finally:
        with admin.connect() as conn:
            for url in (source, restored):
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        admin.dispose()
        shutil.rmtree(workdir, ignore_errors=True)


def test_every_table_has_rows_before_the_backup(drill):
    source, _, dump = drill
    sums = _checksums(source)
    empty = sorted(table for table, (rows, _) in sums.items() if rows == 0 and table != "(sequences)")
    assert empty == [], f"tables without rows (add demo data for them): {empty}"
    assert dump.stat().st_size > 0


def test_restored_tables_have_the_same_rows_and_checksums(drill):
    source, restored, _ = drill
    before, after = _checksums(source), _checksums(restored)
    assert set(after) == set(before)
    different = {table: (before[table], after[table]) for table in before if before[table] != after[table]}
    assert different == {}


def _get_all(app, paths: list[str]) -> dict[str, tuple[int, bytes]]:
    client = app.test_client()
    return {path: (r.status_code, r.get_data()) for path in paths for r in [client.get(path)]}


def test_app_on_the_restored_database_serves_the_same(drill):
    source, restored, _ = drill
    original, copy = _make_app(source), _make_app(restored)
    with original.app_context():
        from webapp.grants.models import GrantAuditEntry
        from webapp.initiatives.models import Initiative
        from webapp.places.models import Place

        place_ids = db.session.scalars(sa.select(Place.id).order_by(Place.id)).all()
        initiative_ids = db.session.scalars(sa.select(Initiative.id).order_by(Initiative.id)).all()
        audit = [(e.id, e.created_at, e.actor_id, e.action, e.round_id, e.application_id, e.details)
                 for e in db.session.scalars(sa.select(GrantAuditEntry).order_by(GrantAuditEntry.id))]
        db.session.remove()
        db.engine.dispose()
    with copy.app_context():
        audit_copy = [(e.id, e.created_at, e.actor_id, e.action, e.round_id, e.application_id, e.details)
                      for e in db.session.scalars(sa.select(GrantAuditEntry).order_by(GrantAuditEntry.id))]
        db.session.remove()
        db.engine.dispose()
    assert len(audit) > 10 and audit_copy == audit

    sample = random.Random(14)
    paths = ["/api/v1/initiatives?from=2027-01-01T00:00:00Z&to=2027-02-01T00:00:00Z",
             "/api/v1/gemeenten/GM0363/startbijdragen",
             "/api/v1/gemeenten/GM0344/startbijdragen", "/api/v1/gemeenten/GM0363/startbijdragen.csv",
             "/api/v1/gemeenten/GM0363/places.geojson", "/api/v1/gemeenten/GM0344/places.geojson"]
    paths += [f"/api/v1/places/{i}" for i in sample.sample(place_ids, 25)]
    paths += [f"/api/v1/initiatives/{i}" for i in sample.sample(initiative_ids, 10)]
    served, served_copy = _get_all(original, paths), _get_all(copy, paths)
    assert sum(status == 200 for status, _ in served.values()) >= len(paths) - 5  # unpublished places: 404
    different = [path for path in paths if served[path] != served_copy[path]]
    assert different == []
    for application in (original, copy):
        with application.app_context():
            db.engine.dispose()


def test_restored_database_takes_new_rows(drill):
    """The sequences came along: a new row in the restored database gets a new id, not a clash."""
    _, restored, _ = drill
    copy = _make_app(restored)
    with copy.app_context():
        from webapp.accounts.models import User

        user = User(email="na-herstel@example.test", display_name="Na herstel", password_hash="x")
        db.session.add(user)
        db.session.commit()
        assert user.id > db.session.scalar(sa.select(sa.func.count()).select_from(User)) - 1
        db.session.remove()
        db.engine.dispose()
