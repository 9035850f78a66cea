"""The Flask extensions, created here and bound to the app in create_app; the database session and pool."""
from __future__ import annotations

import select
from typing import TYPE_CHECKING, Any, Protocol

import sqlalchemy as sa
from flask import Flask, g, has_request_context
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as FlaskSession
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.orm import Session as OrmSession

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Where `g` keeps the read route of a request that webapp/replica.py sends to the replica (absent: the primary).
READ_ROUTE = "db_read_route"


class ReadRoute(Protocol):
    def bind_for(self, session: OrmSession, clause: Any) -> sa.Engine | None:
        """The replica's engine for this statement, or None for the primary."""


class Session(FlaskSession):
    """`db.session`: as Flask-SQLAlchemy's, but in a request routed to a read replica (webapp/replica.py) the
    route picks the engine of each statement."""

    def get_bind(self, mapper: Any | None = None, clause: Any | None = None,
                 bind: sa.Engine | sa.Connection | None = None, **kwargs: Any) -> sa.Engine | sa.Connection:
        if bind is None and has_request_context():
            route: ReadRoute | None = g.get(READ_ROUTE)
            if route is not None:
                chosen = route.bind_for(self, clause)
                if chosen is not None:
                    return chosen
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


db = SQLAlchemy(model_class=Base, session_options={"class_": Session})

# The models' base class: `class Place(Model)`. At run time it is Flask-SQLAlchemy's `db.Model`; a type checker
# cannot take an attribute of an object as a base class, so it sees the declarative base that db.Model extends.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def per_account() -> str:
    """The rate-limit key of a signed-in resident's own actions: their account (the address when anonymous)."""
    return f"user:{current_user.id}" if current_user.is_authenticated else get_remote_address()


def init_db(app: Flask) -> None:
    """Bind `db` to the app; its engines drop connections the server has closed (drop_dead_connections)."""
    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            drop_dead_connections(engine)


def drop_dead_connections(engine: sa.Engine) -> None:
    """Instead of `pool_pre_ping` (a round trip per checkout, ~5 % of an API request): a pooled connection
    whose socket has something to read while idle is dead — after a restart the server has sent "terminating
    connection" and closed it — so it is discarded at checkout and the pool connects anew. A restarted
    database costs no failed request; one that goes away mid-request gives that request a 503, and
    SQLAlchemy then invalidates the whole pool (docs/decisions/0004-read-replicas.md)."""
    sa.event.listen(engine, "checkout", _refuse_closed_connection)


def _refuse_closed_connection(dbapi_connection: Any, record: Any, proxy: Any) -> None:
    if _closed_by_server(dbapi_connection):
        raise sa.exc.DisconnectionError("the server closed this pooled connection")


def _closed_by_server(dbapi_connection: Any) -> bool:
    """True when an idle connection is closed, or its socket is readable (a message or end of file waits)."""
    if getattr(dbapi_connection, "closed", False):
        return True
    try:
        fd = dbapi_connection.fileno()
    except Exception:  # noqa: BLE001 - no socket any more
        return True
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLERR | select.POLLHUP)
    return bool(poller.poll(0))
