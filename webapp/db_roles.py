"""Least privilege in the database: the app runs as a role that may read and write rows, nothing more.

The owner role (the one that runs the migrations) owns every table. The app role gets SELECT, INSERT,
UPDATE and DELETE on the tables and USAGE on the sequences, never ownership: so no DDL (CREATE, ALTER,
DROP, ALTER TABLE ... DISABLE TRIGGER) and no TRUNCATE. The audit log is append-only for it: INSERT and
SELECT only. `grant_app_role` can be run again at any time (migrations/env.py runs it after every
`flask db upgrade`); docs/deploy.md has the same statements for an external PostgreSQL.
"""
from __future__ import annotations

import sqlalchemy as sa

# Tables the app may only add rows to and read.
APPEND_ONLY_TABLES = ("grant_audit_log",)
# Tables the app may only read (schema bookkeeping, PostGIS reference data).
READ_ONLY_TABLES = ("alembic_version", "spatial_ref_sys")


def app_role_statements(role: str, database: str, schema: str = "public") -> list[str]:
    """The SQL that gives `role` exactly the app's rights in `database` (run as the owner)."""
    r, d, s = _ident(role), _ident(database), _ident(schema)
    statements = [
        f"GRANT CONNECT ON DATABASE {d} TO {r}",
        f"GRANT USAGE ON SCHEMA {s} TO {r}",
        f"REVOKE CREATE ON SCHEMA {s} FROM PUBLIC",
        f"REVOKE CREATE ON SCHEMA {s} FROM {r}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {r}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {r}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {r}",
        # Tables the owner creates later (the next migration) get the same rights.
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {s} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {r}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {s} GRANT USAGE, SELECT ON SEQUENCES TO {r}",
    ]
    for table in APPEND_ONLY_TABLES:
        statements.append(_if_table(schema, table, f"REVOKE UPDATE, DELETE, TRUNCATE ON {s}.{_ident(table)} FROM {r}"))
    for table in READ_ONLY_TABLES:
        statements.append(_if_table(schema, table,
                                    f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {s}.{_ident(table)} FROM {r}"))
    return statements


def grant_app_role(connection: sa.Connection, role: str, schema: str = "public") -> bool:
    """Give `role` the app's rights in the connected database; False (nothing done) when it does not exist."""
    if not role_exists(connection, role):
        return False
    database = connection.execute(sa.text("select current_database()")).scalar_one()
    for statement in app_role_statements(role, database, schema):
        connection.execute(sa.text(statement))
    return True


def role_exists(connection: sa.Connection, role: str) -> bool:
    return connection.execute(sa.text("select 1 from pg_roles where rolname = :r"), {"r": role}).first() is not None


def app_role_for(app_url: str | sa.URL | None, owner_url: str | sa.URL | None) -> str | None:
    """The app's role when the app and the migrations connect as different roles, else None."""
    if not app_url or not owner_url:
        return None
    app_user = sa.engine.make_url(app_url).username
    owner_user = sa.engine.make_url(owner_url).username
    return app_user if app_user and app_user != owner_user else None


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _if_table(schema: str, table: str, statement: str) -> str:
    """Run `statement` only when the table exists (a fresh database has no audit log yet)."""
    literal = f"{schema}.{table}".replace("'", "''")
    body = statement.replace("'", "''")
    return f"DO $$ BEGIN IF to_regclass('{literal}') IS NOT NULL THEN EXECUTE '{body}'; END IF; END $$"
