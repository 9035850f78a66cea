""""Open now" and "open at" in the database: each place's opening intervals for a rolling window.

`hours.intervals` turns a place's `opening_hours` into its open and unknown intervals, equal to
`hours.state_at` at every moment (public holidays, sunrise/sunset at the place, daylight saving time, hours
past midnight). They are stored per place in `place_opening_windows` (a `tstzmultirange` with a GiST
index), so the search asks "open at T" as one indexed predicate of its single statement (`open_at_sql`).

The window runs from yesterday's midnight (Amsterdam) to 16 days after today's midnight. The search uses it
for moments from today's midnight to 14 days from now (`covers`), so one missed nightly refresh still
leaves it complete; other moments are evaluated in Python as before (search.py).

Kept fresh by:
- `flask places refresh-opening-windows`, nightly (cron): every place, in batches;
- at once when a place is added or its hours (or, for hours with sunrise/sunset, its location) change:
  an `after_flush` listener on every ORM session, so every path (propose, edit, revisions and reverts,
  the OpenStreetMap import, the demo data) is covered by this one rule.
"""
from __future__ import annotations

import time as clock
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, TypeDecorator, bindparam, case, event, exists, func, literal_column, select, text
from sqlalchemy.orm import Session, attributes
from sqlalchemy.types import NullType

from webapp.places import hours
from webapp.places.models import Place, PlaceOpeningWindow

DAYS_BEFORE = 1            # the window starts at yesterday's midnight (Amsterdam) ...
DAYS_AFTER = 16            # ... and ends 16 days after today's midnight
SEARCH_DAYS = 14           # the search answers from the window up to 14 days from now
BATCH = 50_000             # places per statement (and per transaction of the CLI)

Literal = tuple[bool, str, str]     # hours known, open intervals, unknown intervals (multirange literals)


def window(now: datetime | None = None) -> tuple[datetime, datetime]:
    """(valid_from, valid_until) in UTC of a refresh at `now`."""
    today = (now or datetime.now(UTC)).astimezone(hours.TZ).date()
    start = datetime.combine(today - timedelta(days=DAYS_BEFORE), time(0, 0), hours.TZ)
    end = datetime.combine(today + timedelta(days=DAYS_AFTER), time(0, 0), hours.TZ)
    return start.astimezone(UTC), end.astimezone(UTC)


def covers(moment: datetime, now: datetime | None = None) -> bool:
    """Whether the search may answer "open at `moment`" from the windows (see the module's docstring)."""
    now = now or datetime.now(UTC)
    today = datetime.combine(now.astimezone(hours.TZ).date(), time(0, 0), hours.TZ)
    return today <= moment < now + timedelta(days=SEARCH_DAYS)


def _multirange(pieces: Iterable[tuple[datetime, datetime]]) -> str:
    return "{" + ",".join(f"[{begin.isoformat()},{end.isoformat()})" for begin, end in pieces) + "}"


@lru_cache(maxsize=4096)
def _literal(text: str, coords: hours.Coords | None, start: datetime, end: datetime) -> Literal:
    found = hours.intervals(text, start, end, coords)
    if found is None:    # not known, or cannot be evaluated: unknown during the whole window
        return False, "{}", _multirange([(start, end)])
    return (True, _multirange((b, e) for b, e, state in found if state == "open"),
            _multirange((b, e) for b, e, state in found if state == "unknown"))


def windows_for(text: str | None, lat: float, lon: float, now: datetime | None = None) -> Literal:
    start, end = window(now)
    text = text or ""
    return _literal(text, (lat, lon) if hours.uses_place(text) else None, start, end)


# ---------------------------------------------------------------------------------------------
# Writing

# Both writes replace a place's window whole.
_REPLACE = """
ON CONFLICT (place_id) DO UPDATE SET hours_known = excluded.hours_known, open_intervals = excluded.open_intervals,
    unknown_intervals = excluded.unknown_intervals, valid_from = excluded.valid_from,
    valid_until = excluded.valid_until, computed_at = excluded.computed_at
"""

_UPSERT = text("""
INSERT INTO place_opening_windows AS w (place_id, hours_known, open_intervals, unknown_intervals,
                                        valid_from, valid_until, computed_at)
SELECT t.id, t.known, t.open::tstzmultirange, t.unknown::tstzmultirange, :valid_from, :valid_until, now()
FROM unnest(CAST(:ids AS integer[]), CAST(:known AS boolean[]), CAST(:opens AS text[]),
            CAST(:unknowns AS text[])) AS t(id, known, open, unknown)
""" + _REPLACE)

# Every place whose hours do not depend on where it is, in one id range: joined with the windows per text.
_UPSERT_BY_TEXT = text("""
INSERT INTO place_opening_windows AS w (place_id, hours_known, open_intervals, unknown_intervals,
                                        valid_from, valid_until, computed_at)
WITH t AS MATERIALIZED (   -- each text's multiranges parsed once, not once per place
    SELECT text, known, open::tstzmultirange AS open, unknown::tstzmultirange AS unknown
    FROM unnest(CAST(:texts AS text[]), CAST(:known AS boolean[]), CAST(:opens AS text[]),
                CAST(:unknowns AS text[])) AS u(text, known, open, unknown))
SELECT p.id, t.known, t.open, t.unknown, :valid_from, :valid_until, now()
FROM places p JOIN t ON p.opening_hours = t.text
WHERE p.id >= :low AND p.id < :high
""" + _REPLACE)


def _write(conn: Connection, rows: list[tuple[int, Literal]], now: datetime | None) -> None:
    if not rows:
        return
    valid_from, valid_until = window(now)
    conn.execute(_UPSERT, {"ids": [i for i, _ in rows], "known": [lit[0] for _, lit in rows],
                           "opens": [lit[1] for _, lit in rows], "unknowns": [lit[2] for _, lit in rows],
                           "valid_from": valid_from, "valid_until": valid_until})


def refresh_places(conn: Connection, place_ids: Iterable[int], now: datetime | None = None) -> int:
    """Compute and store the windows of these places (on `conn`, in its transaction). Returns how many."""
    ids = sorted(set(place_ids))
    if not ids:
        return 0
    found = conn.execute(select(Place.id, Place.opening_hours, func.ST_Y(Place.location), func.ST_X(Place.location))
                         .where(Place.id.in_(ids))).all()
    _write(conn, [(pid, windows_for(text_, lat, lon, now)) for pid, text_, lat, lon in found], now)
    return len(found)


@dataclass
class Refreshed:
    places: int
    texts: int          # distinct opening_hours values evaluated
    per_place: int      # places whose hours use sunrise/sunset (evaluated at their own coordinates)
    seconds: float


def refresh_all(connection: Callable[[], Connection], now: datetime | None = None, batch: int = BATCH,
                batch_done: Callable[[int], None] | None = None) -> Refreshed:
    """Every place's window: each distinct `opening_hours` evaluated once (once per place for hours with
    sunrise/sunset), written in id ranges of `batch` places. `connection()` gives the connection for each
    range (e.g. `db.session.connection`); `batch_done(places so far)` runs after each range (the CLI
    commits there)."""
    started = clock.perf_counter()
    conn = connection()
    start, end = window(now)
    texts = [t for (t,) in conn.execute(text("SELECT DISTINCT opening_hours FROM places"))]
    shared = {t: _literal(t, None, start, end) for t in texts if not hours.uses_place(t)}
    located = [t for t in texts if t not in shared]
    low, high = conn.execute(text("SELECT coalesce(min(id), 0), coalesce(max(id), -1) FROM places")).one()
    done = per_place = 0
    values = {"texts": list(shared), "known": [v[0] for v in shared.values()],
              "opens": [v[1] for v in shared.values()], "unknowns": [v[2] for v in shared.values()],
              "valid_from": start, "valid_until": end}
    for first in range(low, high + 1, batch):
        conn = connection()
        done += conn.execute(_UPSERT_BY_TEXT, {**values, "low": first, "high": first + batch}).rowcount
        if located:
            ids = [pid for (pid,) in conn.execute(
                text("SELECT id FROM places WHERE opening_hours = ANY(:texts) AND id >= :low AND id < :high"),
                {"texts": located, "low": first, "high": first + batch})]
            done += refresh_places(conn, ids, now)
            per_place += len(ids)
        if batch_done is not None:
            batch_done(done)
    return Refreshed(done, len(texts), per_place, clock.perf_counter() - started)


# ---------------------------------------------------------------------------------------------
# Reading: the search's predicate

class Moment(TypeDecorator[datetime]):
    """The bound moment of the search (an aware datetime, sent as timestamptz) without a cast written into
    the SQL text at every use: the search statement stays short enough for psycopg's cache (search.py)."""

    impl = NullType
    cache_ok = True

    def process_literal_param(self, value: Any, dialect: Any) -> str:
        return f"'{value.isoformat()}'::timestamptz"


def moment_param() -> Any:
    return bindparam("open_at", type_=Moment())


def _window(moment: Any) -> tuple[Any, list[Any]]:
    w = PlaceOpeningWindow.__table__.alias("w")
    return w, [w.c.valid_from <= moment, w.c.valid_until > moment]


def open_at_sql(place_id: Any, moment: Any = None) -> Any:
    """SQL: the place is open at `moment` (default: the bound parameter `open_at`) by its window, and the
    window covers that moment. A lookup of the window by place id, then the GiST-able `@>`."""
    moment = moment_param() if moment is None else moment
    w, covering = _window(moment)
    return exists().where(w.c.place_id == place_id, *covering, w.c.open_intervals.op("@>")(moment))


def state_at_sql(place_id: Any, moment: Any = None) -> Any:
    """SQL: 'open', 'closed' or 'unknown' of the place at `moment` (default: the bound parameter `open_at`)
    by its window; NULL when it has no window covering that moment (then the caller evaluates in Python).
    Hours that are not known have the whole window in `unknown_intervals`."""
    moment = moment_param() if moment is None else moment
    w, covering = _window(moment)
    state = case((w.c.open_intervals.op("@>")(moment), literal_column("'open'")),
                 (w.c.unknown_intervals.op("@>")(moment), literal_column("'unknown'")),
                 else_=literal_column("'closed'"))
    return select(state).where(w.c.place_id == place_id, *covering).scalar_subquery()


# ---------------------------------------------------------------------------------------------
# Refresh at once when hours change (one rule for every path)

def _changed(session: Session) -> list[int]:
    ids = []
    for obj in (*session.new, *session.dirty):
        if not isinstance(obj, Place) or obj.id is None or obj in session.deleted:
            continue
        if obj in session.new or any(attributes.get_history(obj, key).has_changes()
                                     for key in ("opening_hours", "location")):
            ids.append(obj.id)
    return ids


def _after_flush(session: Session, _context: Any) -> None:
    ids = _changed(session)
    if ids:
        refresh_places(session.connection(), ids)


def listen() -> None:
    """Keep windows fresh on every ORM flush that adds a place or changes its hours (idempotent)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
