"""Reads from a PostgreSQL streaming replica (DATABASE_REPLICA_URL): which requests, and when not.

- Which: GET and HEAD requests to the public read-only endpoints in READ_ONLY_ENDPOINTS (the searches,
  "Wat is er te doen?", the public place, initiative and grants pages, the open-data APIs). Every other
  request uses the primary: any other method, a signed-in user's own pages, the health check.
- Inside such a request `db.session` reads from the replica (extensions.Session asks `Route.bind_for`). A
  flush, an INSERT/UPDATE/DELETE or a `SELECT ... FOR UPDATE` goes to the primary, and so does everything
  after it in that request.
- Reading your own writes: a request that wrote leaves the primary's WAL position in the signed session
  cookie; that client's reads stay on the primary until the replica has replayed up to that position.
- Fallback: the replica's health is checked at most once a second per process: reachable, in recovery, and
  at most DATABASE_REPLICA_MAX_LAG seconds behind (the primary's WAL position is sampled at each check;
  the lag is the age of the newest sample the replica has replayed). When it is not healthy, requests use
  the primary; when it fails during a request, the request runs again on the primary. Both are logged.
  A visitor never gets a 500 or 503 because of the replica.

Without DATABASE_REPLICA_URL none of this is installed: one engine, as before.
docs/decisions/0004-read-replicas.md says why it is built this way.
"""
from __future__ import annotations

import functools
import logging
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, g, has_request_context, request, session
from sqlalchemy.orm import Session as OrmSession

from webapp.errors import database_unavailable
from webapp.extensions import READ_ROUTE, db, drop_dead_connections

log = logging.getLogger(__name__)

# The endpoints whose GET only reads public data. A signed-in user's own pages are not here: they stay on
# the primary. tests/test_replica.py checks that each exists and answers GET only.
READ_ONLY_ENDPOINTS = frozenset({
    "core.home", "core.openapi_document", "site.colofon", "site_api.plaatsen",
    "places.search", "places.detail", "places.history",
    "places_api.list", "places_api.get", "places_api.gemeente_geojson", "places_api.gemeente_csv",
    "initiatives.whats_on", "initiatives.whats_on_ics", "initiatives.index", "initiatives.detail",
    "initiatives.initiative_ics", "initiatives.initiative_poster", "initiatives.place_poster",
    "initiatives_api.list", "initiatives_api.get",
    "stewardship.history", "stewardship_api.place_history", "stewardship_api.initiative_history",
    "grants.index", "grants.public_page", "grants.round_page", "grants_api.public_json", "grants_api.public_csv",
    "insight.index", "insight.gemeente", "insight.gemeente_csv", "insight.gemeente_geojson",
})
EXTENSION = "buurtplek.replica"
WRITTEN_AT = "_wal"  # session key: [the primary's WAL position after this client's last write, unix time]
WROTE = "db_wrote"   # g: this request wrote on the primary
UNREACHABLE = "unreachable"
_WRITE_SQL = re.compile(r"\s*(insert|update|delete|merge|with\b.*\b(insert|update|delete)\b)", re.I | re.S)
_LOCKING_SQL = re.compile(r"\s*(select\b.*\bfor\s+(update|no\s+key\s+update|share|key\s+share)\b|lock\b|call\b)",
                          re.I | re.S)


def lsn_number(lsn: str) -> int:
    """'3/5E043430' -> a number that orders like the WAL position."""
    high, low = lsn.split("/")
    return (int(high, 16) << 32) + int(low, 16)


class Replica:
    """The replica's engine and what this process knows of its health."""

    def __init__(self, engine: sa.Engine, primary: Callable[[], sa.Engine | sa.Connection], max_lag: float):
        self.engine = engine
        self.primary = primary
        self.max_lag = max_lag
        self.check_every = 1.0         # seconds between health checks while healthy
        self.recheck_down_every = 5.0  # ... and while it does not answer (each try may cost a timeout)
        self.healthy = False
        self.reason = "not checked yet"
        self._checked_at = float("-inf")
        self._samples: deque[tuple[float, int]] = deque(maxlen=1000)  # (monotonic time, primary WAL position)
        self._lock = threading.Lock()

    def usable(self) -> bool:
        """Healthy as of the last check; checks again when that is old (one thread at a time, others go on)."""
        wait = self.recheck_down_every if self.reason.startswith(UNREACHABLE) else self.check_every
        if time.monotonic() - self._checked_at >= wait and self._lock.acquire(blocking=False):
            try:
                self.check()
            finally:
                self._lock.release()
        return self.healthy

    def check(self) -> None:
        now = time.monotonic()
        self._checked_at = now
        try:
            primary_lsn: int | None = lsn_number(self._primary_scalar("select pg_current_wal_flush_lsn()::text"))
        except sa.exc.SQLAlchemyError:
            primary_lsn = None  # the primary is away: the replica alone can still serve the public reads
        try:
            with self.engine.connect() as conn:
                in_recovery, replayed, replayed_commit_age = conn.execute(sa.text(
                    "select pg_is_in_recovery(), pg_last_wal_replay_lsn()::text,"
                    " extract(epoch from now() - pg_last_xact_replay_timestamp())::float")).one()
        except sa.exc.SQLAlchemyError as exc:
            self._set(False, f"{UNREACHABLE} ({type(exc).__name__}: {str(exc).splitlines()[0][:200]})")
            return
        if not in_recovery or replayed is None:
            self._set(False, "not a streaming replica (not in recovery)")
            return
        if primary_lsn is None:
            self._set(True, "the primary does not answer: lag not measured")
            return
        self._samples.append((now, primary_lsn))
        while len(self._samples) > 1 and self._samples[0][0] < now - self.max_lag - 2 * self.check_every:
            self._samples.popleft()
        # Two upper bounds of how old the replica's data is: the newest primary position it has replayed (exact
        # when the primary is idle), and the primary's time of the last commit it replayed (exact when busy).
        lag = min(self._lag(now, lsn_number(replayed)),
                  float("inf") if replayed_commit_age is None else max(0.0, replayed_commit_age))
        self._set(lag <= self.max_lag, f"{lag:.1f} s behind the primary (at most {self.max_lag:g} s)")

    def _lag(self, now: float, replayed: int) -> float:
        """How old the newest primary position is that the replica has replayed (infinite: none of them)."""
        for taken_at, lsn in reversed(self._samples):
            if lsn <= replayed:
                return now - taken_at
        return float("inf")

    def _set(self, healthy: bool, reason: str) -> None:
        if healthy != self.healthy:
            if healthy:
                log.info("read replica in use again: %s", reason)
            else:
                log.warning("read replica not used, reads go to the primary: %s", reason)
        self.healthy, self.reason = healthy, reason

    def failed(self, exc: BaseException) -> None:
        """The replica failed during a request: use the primary until the next check."""
        self._checked_at = time.monotonic()
        self._set(False, f"{UNREACHABLE}: failed during a request ({type(exc).__name__})")

    def has_replayed(self, lsn: str, written_at: float) -> bool:
        """True when the replica has replayed the primary's WAL up to `lsn` (written at unix time
        `written_at`); after max_lag plus two checks a healthy replica has, without asking."""
        if time.time() - written_at > self.max_lag + 2 * self.check_every:
            return True
        try:
            with self.engine.connect() as conn:
                return bool(conn.execute(sa.text("select pg_last_wal_replay_lsn() >= cast(:lsn as pg_lsn)"),
                                         {"lsn": lsn}).scalar())
        except sa.exc.SQLAlchemyError as exc:
            self.failed(exc)
            return False

    def primary_position(self) -> str:
        """The primary's WAL insert position: at or past the end of everything committed so far."""
        return str(self._primary_scalar("select pg_current_wal_insert_lsn()::text"))

    def _primary_scalar(self, sql: str) -> Any:
        bind = self.primary()
        if isinstance(bind, sa.Connection):  # tests: the session's connection
            return bind.execute(sa.text(sql)).scalar()
        with bind.connect() as conn:
            return conn.execute(sa.text(sql)).scalar()


class Route:
    """A request's reads go to the replica until the request writes; from then on, to the primary."""

    def __init__(self, engine: sa.Engine):
        self.engine = engine
        self.primary_only = False

    def bind_for(self, session: OrmSession, clause: Any) -> sa.Engine | None:
        if self.primary_only:
            return None
        if session._flushing or _writes(clause):
            self.primary_only = True
            return None
        return self.engine


def _writes(clause: Any) -> bool:
    """Whether a statement writes or locks rows (None: a connection for the caller's reads)."""
    if clause is None:
        return False
    if isinstance(clause, sa.sql.dml.UpdateBase):
        return True
    if isinstance(clause, sa.Select):
        return clause._for_update_arg is not None
    if isinstance(clause, sa.TextClause):
        return bool(_WRITE_SQL.match(clause.text) or _LOCKING_SQL.match(clause.text))
    return False


def replica_of(app: Flask) -> Replica | None:
    return app.extensions.get(EXTENSION)


def init_app(app: Flask) -> None:
    url = app.config.get("DATABASE_REPLICA_URL")
    if not url:
        return
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
    engine = sa.create_engine(url, **options)
    drop_dead_connections(engine)
    with app.app_context():
        primary_engine = db.engines[None]

    def primary() -> sa.Engine | sa.Connection:
        return db.engines[None]  # in tests a connection may stand in for the engine

    replica = Replica(engine, primary, float(app.config.get("DATABASE_REPLICA_MAX_LAG", 10)))
    app.extensions[EXTENSION] = replica
    sa.event.listen(primary_engine, "before_cursor_execute", _note_write)
    app.before_request(_choose_database)
    app.after_request(_remember_write)
    for endpoint in READ_ONLY_ENDPOINTS & set(app.view_functions):
        app.view_functions[endpoint] = _again_on_primary(app.view_functions[endpoint])


def _note_write(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
    """On the primary: a request that writes is remembered (its client then reads from the primary), and
    the rest of a routed request stays on the primary."""
    if has_request_context() and _WRITE_SQL.match(statement):
        g.setdefault(WROTE, True)
        route = g.get(READ_ROUTE)
        if route is not None:
            route.primary_only = True


def _choose_database() -> None:
    if request.method not in ("GET", "HEAD") or request.endpoint not in READ_ONLY_ENDPOINTS:
        return
    replica = replica_of(current_app)
    if replica is None or not replica.usable():
        return
    written = session.get(WRITTEN_AT)
    if written:
        try:
            lsn, written_at = str(written[0]), float(written[1])
            lsn_number(lsn)
        except (TypeError, ValueError, IndexError):
            session.pop(WRITTEN_AT, None)
        else:
            if not replica.has_replayed(lsn, written_at):
                return  # this client wrote a moment ago and the replica has not caught up: the primary
            session.pop(WRITTEN_AT, None)
    g.setdefault(READ_ROUTE, Route(replica.engine))


def _remember_write(response: Any) -> Any:
    if g.get(WROTE):
        replica = replica_of(current_app)
        try:
            if replica is not None:
                session[WRITTEN_AT] = [replica.primary_position(), round(time.time(), 1)]
        except sa.exc.SQLAlchemyError:
            log.warning("could not read the primary's WAL position after a write", exc_info=True)
    return response


def _again_on_primary(view: Callable[..., Any]) -> Callable[..., Any]:
    """A read-only view that fails on the replica runs again on the primary: nothing was written (a write
    goes to the primary, and the replica refuses one), so running it again is safe."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        route = g.get(READ_ROUTE)
        if route is None:
            return view(*args, **kwargs)
        try:
            return view(*args, **kwargs)
        except Exception as exc:
            if g.get(READ_ROUTE) is not route or route.primary_only:
                raise
            if _read_only_refusal(exc):
                log.warning("a write in read-only endpoint %s reached the replica; runs on the primary",
                            request.endpoint)
            elif database_unavailable(exc):
                replica = replica_of(current_app)
                if replica is not None:
                    replica.failed(exc)
            else:
                raise
            g.pop(READ_ROUTE, None)
            try:
                db.session.rollback()
            except sa.exc.SQLAlchemyError:
                db.session.close()
            return view(*args, **kwargs)

    return wrapper


def _read_only_refusal(exc: BaseException) -> bool:
    """PostgreSQL's "cannot execute ... in a read-only transaction" (SQLSTATE 25006)."""
    orig = getattr(exc, "orig", None)
    return isinstance(exc, sa.exc.DBAPIError) and getattr(orig, "sqlstate", None) == "25006"
