"""Alembic environment: the schema is made only by these migrations (see tests/test_migrations.py)."""
import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

config = context.config
if config.config_file_name and not logging.getLogger().handlers:
    fileConfig(config.config_file_name)
logger = logging.getLogger("alembic.env")

from webapp.schema_filters import include_name, include_object  # noqa: E402


def get_engine():
    """The owner's engine: MIGRATION_DATABASE_URL when set and different from the app's, else the app's."""
    import sqlalchemy as sa

    owner_url = current_app.config.get("MIGRATION_DATABASE_URL")
    app_url = current_app.config.get("SQLALCHEMY_DATABASE_URI")
    if owner_url and app_url and str(owner_url) != str(app_url):
        # The owner's credentials, always on the app's own database.
        owner = sa.engine.make_url(owner_url).set(database=sa.engine.make_url(app_url).database)
        if owner.username != sa.engine.make_url(app_url).username:
            return sa.create_engine(owner, poolclass=sa.pool.NullPool)
    return current_app.extensions["migrate"].db.engine


def grant_app_role(connection):
    """After migrating as the owner, give the app's role (DATABASE_URL's user) its rights again."""
    from webapp.db_roles import app_role_for, grant_app_role as grant

    role = app_role_for(current_app.config.get("SQLALCHEMY_DATABASE_URI"),
                        current_app.config.get("MIGRATION_DATABASE_URL"))
    if role:
        grant(connection, role)


def get_metadata():
    return current_app.extensions["migrate"].db.metadata


def run_migrations_offline():
    url = get_engine().url.render_as_string(hide_password=False)
    context.configure(url=url, target_metadata=get_metadata(), literal_binds=True,
                      include_object=include_object, include_name=include_name)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", process_revision_directives)
    connectable = config.attributes.get("connection") or get_engine()
    if hasattr(connectable, "connect"):
        with connectable.connect() as connection:
            _run(connection, conf_args)
    else:
        _run(connectable, conf_args)


def _run(connection, conf_args):
    context.configure(connection=connection, target_metadata=get_metadata(), include_object=include_object,
                      include_name=include_name, **conf_args)
    with context.begin_transaction():
        context.run_migrations()
        grant_app_role(connection)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
