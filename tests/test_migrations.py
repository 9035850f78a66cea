"""The schema is made only by migrations: models and migrated database agree; down and up work."""
import os

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import make_url

from webapp import create_app
from webapp.config import TestConfig
from webapp.extensions import db
from webapp.schema_filters import include_name, include_object


def test_models_match_migrated_database(app):
    conn = db.session.connection()
    if True:
        context = MigrationContext.configure(conn, opts={
            "compare_type": True, "include_object": include_object, "include_name": include_name})
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


@pytest.fixture
def empty_database():
    server = make_url(os.environ.get("MIGRATION_DATABASE_URL") or os.environ["DATABASE_URL"])  # the owner
    name = f"buurtplek_migr_{os.getpid()}"
    admin = sa.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield server.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.mark.committed
def test_upgrade_downgrade_upgrade_on_empty_database(empty_database):
    from flask_migrate import downgrade, upgrade

    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = empty_database
    app = create_app(config)
    with app.app_context():
        upgrade(revision="heads")
        tables = set(sa.inspect(db.engine).get_table_names())
        assert {"gemeenten", "places", "users", "initiatives"} <= tables
        downgrade(revision="base")
        remaining = set(sa.inspect(db.engine).get_table_names()) - {"spatial_ref_sys", "alembic_version"}
        assert remaining == set()
        upgrade(revision="heads")
        assert {"gemeenten", "places"} <= set(sa.inspect(db.engine).get_table_names())
        db.engine.dispose()
