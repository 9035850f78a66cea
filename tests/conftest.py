"""Test set-up: one fresh database per test run on the real PostGIS, one transaction per test.

- `app`: session-wide; creates database `buurtplek_test_<pid>` on the DATABASE_URL server as a copy of a
  template that has every migration applied and the 343 gemeenten (and Amsterdam's districts, Utrecht's
  buurten) loaded; the template is built once per change of its inputs (tests/fixtures/database.py).
- the test database is made and migrated by the owner role (MIGRATION_DATABASE_URL, else
  `scripts/pg.sh owner-url`, else DATABASE_URL); when DATABASE_URL names another role (the app's
  least-privilege role), it gets the app's rights there too (`app_role_url` connects as it).
- in parallel (`make test` runs pytest-xdist, `-p xdist -n auto`) every worker is its own process with its
  own database (the name carries its pid), live server port, browser and redis-server; the template is
  built by one of them at a time (an advisory lock in tests/fixtures/database.py).
- every test runs inside a transaction that is rolled back (app code may commit: it commits a
  savepoint). Tests marked `committed` (live server, threads) commit for real; afterwards every
  table but the reference data is emptied.
"""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url

from tests.fixtures import database, demo_snapshot
from webapp import create_app
from webapp.areas import names as area_names
from webapp.areas import services as areas
from webapp.config import TestConfig
from webapp.db_roles import app_role_for
from webapp.extensions import db, limiter
from webapp.insight import services as insight

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_TABLES = demo_snapshot.REFERENCE_TABLES

# Hypothesis' plugin by module name (pytest.ini switches off plugin autoloading: see there).
pytest_plugins = ["tests.fixtures.users", "tests.fixtures.browser", "tests.fixtures.crawl_shards",
                  "_hypothesis_pytestplugin"]


def _server_url() -> sa.URL:
    """The owner's URL on the server where the test databases are made."""
    raw = os.environ.get("DATABASE_URL")
    if not raw:
        pytest.exit("DATABASE_URL is not set: run the tests with `make test`.", returncode=2)
    return make_url(_owner_url(raw))


def _owner_url(app_url: str) -> str:
    if os.environ.get("MIGRATION_DATABASE_URL"):
        return os.environ["MIGRATION_DATABASE_URL"]
    try:
        owner = subprocess.run([str(ROOT / "scripts" / "pg.sh"), "owner-url"], capture_output=True, text=True,
                               timeout=60, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        owner = ""
    # Tests that make their own databases (tests/test_migrations.py) find the owner here.
    os.environ["MIGRATION_DATABASE_URL"] = owner or app_url
    return os.environ["MIGRATION_DATABASE_URL"]


def pytest_configure(config):
    # pytest-xdist registers it too; a run without xdist (`-p no:xdist`) still knows it (--strict-markers).
    config.addinivalue_line("markers", "xdist_group(name): tests that run on the same parallel worker")
    if os.environ.get("DATABASE_URL"):
        _owner_url(os.environ["DATABASE_URL"])


# Every parallel worker makes these for itself once anyway; other fixtures wider than one test (a module's
# redis-server or backup, a replica) are made once in all when their tests share one worker.
PER_WORKER_FIXTURES = {"database_url", "app", "app_role_url", "live_server", "_playwright", "browser",
                       "crawl_probes"}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist (`--dist loadgroup`): a test using a module- or session-wide fixture of this suite
    (other than the per-worker ones) joins the group of that fixture, so its tests run on one worker and
    the fixture is set up once, not once per worker.

    The scheduler groups by test id (`<id>@<group>`). pytest-xdist's worker hook writes that id to an
    attribute pytest 9 no longer reads (`item._nodeid`; the id is `item._id` now), so without `_group_ids`
    every test went to whichever worker was free and such a fixture was set up on both workers."""
    tests_dir = str(ROOT / "tests")
    for item in items:
        if item.get_closest_marker("xdist_group"):
            continue
        info = getattr(item, "_fixtureinfo", None)
        for name in (info.names_closure if info else ()):
            defs = info.name2fixturedefs.get(name) or ()
            fixturedef = defs[-1] if defs else None
            if (fixturedef is None or name in PER_WORKER_FIXTURES or fixturedef.scope == "function"
                    or not getattr(fixturedef.func, "__code__", None)
                    or not fixturedef.func.__code__.co_filename.startswith(tests_dir)):
                continue
            where = item.nodeid.split("::")[0] if fixturedef.scope == "module" else fixturedef.baseid
            item.add_marker(pytest.mark.xdist_group(f"{where}::{name}"))
            break
    if getattr(config.option, "loadgroup", False):  # a pytest-xdist worker under --dist loadgroup
        _group_ids(items)


def _group_ids(items) -> None:
    """Give each test with an xdist_group mark the id pytest-xdist's scheduler groups by, as xdist names it."""
    from _pytest.nodeid import NodeId

    for item in items:
        names = sorted({str(m.args[0] if m.args else m.kwargs.get("name", "default"))
                        for m in item.iter_markers("xdist_group")})
        if not names:
            continue
        suffix = "@" + "_".join(names)
        if not item.nodeid.endswith(suffix):
            item._id = NodeId.parse(item.nodeid + suffix)


def _test_config(url: sa.URL) -> TestConfig:
    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = url.render_as_string(hide_password=False)
    # Cheap argon2 parameters for the suite's thousands of logins (webapp/accounts/passwords.py); honoured
    # only by a TESTING app. tests/test_suite_speedups.py checks production keeps the strong ones.
    config.PASSWORD_HASH_FAST_FOR_TESTS = True
    return config


def _migrate_and_load(url: sa.URL) -> None:
    """Fill the empty database at `url`: every migration, then the reference data."""
    from flask_migrate import upgrade

    application = create_app(_test_config(url))
    with application.app_context():
        upgrade(revision="heads")
        areas.load_gemeenten(ROOT / "data" / "gemeenten-2023.geojson")
        areas.load_districts(ROOT / "data" / "amsterdam-stadsdelen.geojson", "GM0363")
        area_names.load_postcodes(ROOT / "data" / "nl-pc4-geonames.csv")
        area_names.load_place_names(ROOT / "data" / "nl-woonplaatsen-geonames.csv")
        insight.load_buurten(ROOT / "data" / "utrecht-buurten.geojson", "GM0344")
        db.session.remove()
        db.engine.dispose()


LOADERS = (areas.load_gemeenten, areas.load_districts, area_names.load_postcodes, area_names.load_place_names,
           insight.load_buurten)


@pytest.fixture(scope="session")
def database_url():
    """This run's database, migrated and loaded (dropped at the end)."""
    server = _server_url()
    name = f"buurtplek_test_{os.getpid()}"
    admin = sa.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    url = server.set(database=name)
    if database.templates_enabled():
        def template() -> str:
            return database.ensure_template(admin, server, _migrate_and_load, LOADERS)

        try:
            database.create_from_template(admin, name, template())
        except sa.exc.OperationalError:  # a stale template dropped by another run in between: build again
            database.create_from_template(admin, name, template())
    else:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        _migrate_and_load(url)
    yield url
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def app_role_url(app, database_url):
    """The test database as the app's least-privilege role (DATABASE_URL's user), or None when the
    tests run with the owner's URL only."""
    if not app_role_for(os.environ["DATABASE_URL"], database_url):
        return None
    return make_url(os.environ["DATABASE_URL"]).set(database=database_url.database)


@pytest.fixture(scope="session")
def app(database_url):
    application = create_app(_test_config(database_url))
    application.test_client_class = IsolatedClient
    with application.app_context():
        role = app_role_for(os.environ["DATABASE_URL"], database_url)
        if role:
            from webapp.db_roles import grant_app_role

            with db.engine.begin() as conn:
                grant_app_role(conn, role)
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def _truncate_all(app) -> None:
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            tables = [t for (t,) in conn.execute(sa.text(
                "select tablename from pg_tables where schemaname = 'public'")) if t not in REFERENCE_TABLES]
            if tables:
                conn.execute(sa.text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))


@pytest.fixture(autouse=True)
def _isolate(request, app):
    """Roll back everything a test did (or, for `committed` tests, empty the tables afterwards)."""
    if request.node.get_closest_marker("committed") or request.node.get_closest_marker("browser"):
        ctx = app.app_context()
        ctx.push()
        try:
            yield
        finally:
            db.session.remove()
            ctx.pop()
            _truncate_all(app)
        return
    ctx = app.app_context()
    ctx.push()
    engines = db._app_engines[app]
    engine = engines[None]
    connection = engine.connect()
    transaction = connection.begin()
    engines[None] = connection  # Flask-SQLAlchemy's get_bind now hands out this connection
    db.session.remove()
    db.session.configure(join_transaction_mode="create_savepoint")
    try:
        yield
    finally:
        db.session.remove()
        engines[None] = engine
        transaction.rollback()
        connection.close()
        ctx.pop()


class IsolatedClient(FlaskClient):
    """A test client whose requests don't share `g` with each other.

    The test's own app context stays pushed (for database access), so without this every request
    would reuse its `g`, including Flask-Login's cached user: switching users mid-test would silently
    keep the first one.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            for key in list(vars(g)):
                g.pop(key, None)
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def app_with(app):
    """app_with(SETTING=value, ...) -> another app on this run's database with those settings changed
    (for what the test configuration switches off: CSRF, rate limits, secure cookies)."""
    made = []

    def make(**settings):
        config = _test_config(make_url(app.config["SQLALCHEMY_DATABASE_URI"]))
        for name, value in settings.items():
            setattr(config, name, value)
        made.append(create_app(config))
        return made[-1]

    yield make
    for application in made:
        with application.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def limited_app(app_with):
    """An app with rate limits on (in memory, emptied before and after the test)."""
    was_enabled = limiter.enabled
    limited = app_with(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    limiter.reset()
    yield limited
    limiter.reset()
    limiter.enabled = was_enabled  # the limiter object is shared: switch it off again for other tests


@pytest.fixture
def in_request(app):
    """A request context around the test, for code that needs one (url_for, gettext, the locale):
    `pytestmark = pytest.mark.usefixtures("in_request")`."""
    with app.test_request_context():
        yield


class QueryCounter:
    """Counts the SQL statements sent while active: `with count_queries() as c: ...; c.count`."""

    def __init__(self):
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)

    def _listen(self, conn, cursor, statement, *args):
        if not re.match(r"\s*(SAVEPOINT|RELEASE|ROLLBACK)", statement, re.I):
            self.statements.append(statement)


@pytest.fixture
def count_queries(app):
    from contextlib import contextmanager

    @contextmanager
    def counting():
        counter = QueryCounter()
        engine = db._app_engines[app][None]
        target = engine.engine if hasattr(engine, "engine") else engine
        sa.event.listen(target, "before_cursor_execute", counter._listen)
        try:
            yield counter
        finally:
            sa.event.remove(target, "before_cursor_execute", counter._listen)

    return counting
