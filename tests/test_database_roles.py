"""Least privilege (issue 10, finding 8): the app's database role reads and writes rows, nothing more.

It cannot TRUNCATE, change the schema, switch off the audit log's trigger, or change or delete audit-log
rows; the owner role (migrations) can. The test database is made by the owner (tests/conftest.py) and the
app's role (DATABASE_URL's user, `scripts/pg.sh url`) gets its rights through webapp.db_roles, exactly as
`flask db upgrade` gives them.
"""
from __future__ import annotations

import os
import secrets

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from webapp import create_app
from webapp.config import TestConfig
from webapp.db_roles import APPEND_ONLY_TABLES, app_role_for, grant_app_role
from webapp.extensions import db

pytestmark = pytest.mark.committed


@pytest.fixture(scope="module")
def least_privilege_url(app, app_role_url, database_url):
    """The test database as the app's role; when the tests run with the owner's URL only, as a
    throwaway role with the same rights (so the rights themselves are still tested)."""
    if app_role_url is not None:
        yield app_role_url
        return
    role = f"buurtplek_app_test_{os.getpid()}"
    password = secrets.token_hex(16)
    owner = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
    with owner.connect() as conn:
        conn.execute(sa.text(f'CREATE ROLE "{role}" LOGIN PASSWORD \'{password}\''))
        grant_app_role(conn, role)
    yield database_url.set(username=role, password=password)
    with owner.connect() as conn:
        conn.execute(sa.text(f'DROP OWNED BY "{role}"'))
        conn.execute(sa.text(f'DROP ROLE "{role}"'))
    owner.dispose()


@pytest.fixture
def as_app(least_privilege_url):
    engine = sa.create_engine(least_privilege_url, poolclass=sa.pool.NullPool)
    yield engine
    engine.dispose()


def _refused(engine, statement: str, params: dict | None = None) -> psycopg.Error:
    """Run `statement` as the app's role; it must be refused by the database's privileges."""
    with pytest.raises(sa.exc.DBAPIError) as caught, engine.begin() as conn:
        conn.execute(sa.text(statement), params or {})
    assert isinstance(caught.value.orig, (psycopg.errors.InsufficientPrivilege,)), caught.value.orig
    return caught.value.orig


def _audit_rows() -> int:
    with db.engine.connect() as conn:
        return conn.execute(sa.text("select count(*) from grant_audit_log")).scalar_one()


def _add_audit_row(engine) -> int:
    with engine.begin() as conn:
        return conn.execute(sa.text(
            "insert into grant_audit_log (action, details) values ('test.append', '{}') returning id")).scalar_one()


def test_app_role_is_not_the_owner_and_has_no_special_powers(least_privilege_url, database_url):
    role = least_privilege_url.username
    assert role != database_url.username
    with db.engine.connect() as conn:
        flags = conn.execute(sa.text(
            "select rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls from pg_roles"
            " where rolname = :r"), {"r": role}).one()
        owned = conn.execute(sa.text(
            "select count(*) from pg_class c join pg_roles r on r.oid = c.relowner where r.rolname = :r"),
            {"r": role}).scalar_one()
    assert tuple(flags) == (False, False, False, False, False)
    assert owned == 0


def test_configured_app_role_is_least_privilege(app_role_url, database_url):
    """`make test` and `scripts/pg.sh url` hand the tests the app's role, not the owner."""
    assert app_role_url is not None, (
        "DATABASE_URL connects as the owner: the app must run as its own role (scripts/pg.sh url)")
    assert app_role_for(os.environ["DATABASE_URL"], os.environ["MIGRATION_DATABASE_URL"]) == app_role_url.username


def test_app_role_cannot_truncate_the_audit_log(as_app):
    _add_audit_row(as_app)
    before = _audit_rows()
    _refused(as_app, "TRUNCATE grant_audit_log")
    _refused(as_app, "TRUNCATE grant_audit_log CASCADE")
    assert _audit_rows() == before == 1


def test_app_role_cannot_truncate_any_table(as_app):
    with db.engine.connect() as conn:
        tables = [t for (t,) in conn.execute(sa.text(
            "select tablename from pg_tables where schemaname = 'public' order by 1"))]
    assert "places" in tables and "users" in tables
    for table in tables:
        _refused(as_app, f'TRUNCATE "{table}"')


def test_app_role_cannot_disable_the_audit_log_trigger(as_app):
    _refused(as_app, "ALTER TABLE grant_audit_log DISABLE TRIGGER grant_audit_log_append_only")
    _refused(as_app, "ALTER TABLE grant_audit_log DISABLE TRIGGER ALL")
    _refused(as_app, "SET session_replication_role = replica")
    with db.engine.connect() as conn:
        enabled = conn.execute(sa.text(
            "select tgenabled from pg_trigger where tgname = 'grant_audit_log_append_only'")).scalar_one()
    assert enabled == "O"


@pytest.mark.parametrize("table", APPEND_ONLY_TABLES)
def test_app_role_cannot_update_or_delete_audit_rows(as_app, table):
    row = _add_audit_row(as_app)
    error = _refused(as_app, f"UPDATE {table} SET action = 'forged' WHERE id = :id", {"id": row})
    assert "permission denied" in str(error)  # the privilege refuses it, before the trigger would
    _refused(as_app, f"DELETE FROM {table} WHERE id = :id", {"id": row})
    with db.engine.connect() as conn:
        assert conn.execute(sa.text(f"select action from {table} where id = :id"), {"id": row}).scalar_one() \
            == "test.append"


def test_app_role_cannot_change_the_schema(as_app):
    _refused(as_app, "CREATE TABLE evil (id int)")
    _refused(as_app, "ALTER TABLE places ADD COLUMN evil text")
    _refused(as_app, "DROP TABLE grant_audit_log")
    _refused(as_app, "DROP TRIGGER grant_audit_log_append_only ON grant_audit_log")
    _refused(as_app, "CREATE OR REPLACE FUNCTION grant_audit_log_append_only() RETURNS trigger"
                     " LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$")
    _refused(as_app, "UPDATE alembic_version SET version_num = 'x'")


def test_owner_keeps_its_rights(app):
    """The role that runs the migrations can still change the schema (so migrations work)."""
    with db.engine.connect() as conn:
        trans = conn.begin()
        conn.execute(sa.text("ALTER TABLE grant_audit_log DISABLE TRIGGER grant_audit_log_append_only"))
        trans.rollback()


def test_normal_app_writes_work_as_the_app_role(least_privilege_url):
    """The app itself, connected as its role: insert (sequences), update, delete, append to the audit log."""
    from webapp.accounts.models import User
    from webapp.grants.models import GrantAuditEntry

    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = least_privilege_url.render_as_string(hide_password=False)
    app_as_role = create_app(config)
    with app_as_role.app_context():
        assert db.session.execute(sa.text("select current_user")).scalar_one() == least_privilege_url.username
        keep = User(email="keep@example.test", display_name="Blijft", password_hash="x")
        gone = User(email="gone@example.test", display_name="Gaat weg", password_hash="x")
        db.session.add_all([keep, gone])
        db.session.flush()
        db.session.add(GrantAuditEntry(actor_id=keep.id, action="test.role", details={"ok": True}))
        db.session.commit()
        keep.display_name = "Blijft hier"
        db.session.delete(gone)
        db.session.commit()
        assert db.session.scalars(sa.select(User.display_name)).all() == ["Blijft hier"]
        assert db.session.scalars(sa.select(GrantAuditEntry.action)).all() == ["test.role"]
        response = app_as_role.test_client().get("/plekken")
        assert response.status_code == 200
        db.session.remove()
        db.engine.dispose()


def test_grants_can_be_run_again(least_privilege_url, database_url):
    """Re-running the grants (every `flask db upgrade` does) changes nothing and keeps the limits."""
    owner = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    with owner.begin() as conn:
        assert grant_app_role(conn, least_privilege_url.username)
        assert grant_app_role(conn, least_privilege_url.username)
        assert not grant_app_role(conn, "no_such_role_here")
    owner.dispose()
    engine = sa.create_engine(least_privilege_url, poolclass=sa.pool.NullPool)
    _refused(engine, "TRUNCATE grant_audit_log")
    engine.dispose()


def test_private_cluster_urls():
    """`scripts/pg.sh url` is the app's role, `owner-url` the owner's, on the same database."""
    import subprocess
    from pathlib import Path

    script = Path(__file__).resolve().parent.parent / "scripts" / "pg.sh"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MIGRATION_DATABASE_URL")}
    answer = subprocess.run([script, "url"], env=env, capture_output=True, text=True, check=True)
    app_url = make_url(answer.stdout.strip())
    owner_url = make_url(subprocess.run([script, "owner-url"], env=env, capture_output=True, text=True,
                                        check=True).stdout.strip())
    assert app_url.username == "buurtplek_app" and owner_url.username == "buurtplek"
    assert (app_url.host, app_url.port, app_url.database) == (owner_url.host, owner_url.port, owner_url.database)
    env["DATABASE_URL"] = app_url.render_as_string(hide_password=False)
    again = subprocess.run([script, "owner-url"], env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert make_url(again).username == "buurtplek"
