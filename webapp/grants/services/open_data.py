"""What the open data of a gemeente's startbijdragen (CSV and JSON) is made of, as a cheap fingerprint: a
download is made again only when the fingerprint changes, and a client that has the current one gets
"304 Not Modified".

The fingerprint covers everything the downloads show, read in one statement without building a row in
Python: per published round its own fields, and over the applications that count in its figures
(provisional, approved, in payment, paid) how many there are and a sum of hashes of the columns shown
or counted (status, money, title, date, district, the initiative's title and whether it is hidden). Any
decision, payout, refund, payment batch, round change or initiative rename changes it, whoever made it.

Reading it scans the applications of the gemeente's rounds (about 15-25 ms for 10,000 on a busy 2-core
machine), so a process reuses the one it read for a few seconds (`recent`): the downloads tell clients
and caches that they may use them for a minute anyway (api.MAX_AGE).
"""
from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, and_, func, select

from webapp.extensions import db
from webapp.grants import models as m
from webapp.grants.models import GrantApplication, GrantAuditEntry, GrantRound
from webapp.grants.services.areas import area_name
from webapp.grants.services.rounds import rounds_of
from webapp.initiatives.models import Initiative

# Changed whenever the downloads' layout changes, so no client keeps a copy in the old layout.
LAYOUT = "grants-open-data-1"


@dataclass(frozen=True)
class Version:
    etag: str                          # a strong validator of the downloads' content
    last_modified: datetime | None     # the newest change behind them (None: nothing published yet)


def published_rounds(gemeente_code: str) -> list[GrantRound]:
    """The rounds the public overview and the downloads show (their budget is agreed)."""
    return [r for r in rounds_of(gemeente_code) if r.settings_confirmed]


def version(gemeente_code: str, rounds: list[GrantRound] | None = None, *extra: str) -> Version:
    """The fingerprint of the gemeente's open data (`extra`: anything else the answer depends on, such as
    the language of the "hidden initiative" text)."""
    rounds = published_rounds(gemeente_code) if rounds is None else rounds
    digest = hashlib.sha256("\x1f".join((LAYOUT, gemeente_code, *extra)).encode())
    newest: list[datetime] = []
    for r in rounds:
        digest.update("\x1e".join(map(str, (r.id, r.name, r.opens_on, r.closes_on, area_name(r), r.budget_cents,
                                            r.max_amount_cents))).encode())
    if rounds:
        a, i = GrantApplication, Initiative
        counted = a.status.in_(m.RESERVING_STATUSES)
        shown = func.concat_ws("\x1f", a.id, a.status, a.reserved_cents, a.refunded_cents, a.granted_cents,
                               a.decided_at, a.title, a.district_id, i.title, i.hidden)
        ids = [r.id for r in rounds]
        stmt = (select(a.round_id, func.count().filter(counted),
                       func.coalesce(func.sum(func.hashtext(shown).cast(BigInteger)).filter(counted), 0),
                       func.max(a.updated_at), func.max(i.updated_at).filter(counted))
                .join(i, i.id == a.initiative_id).where(a.round_id.in_(ids))
                .group_by(a.round_id).order_by(a.round_id))
        for row in db.session.execute(stmt):
            digest.update("\x1e".join(map(str, row[:3])).encode())
            newest += [t for t in row[3:] if t is not None]
        # Round changes (name, dates, money settings confirmed) are in the audit log; its newest entry
        # about a round itself (not about one application).
        e = GrantAuditEntry
        changed = db.session.scalar(select(func.max(e.created_at))
                                    .where(and_(e.round_id.in_(ids), e.application_id.is_(None))))
        if changed is not None:
            newest.append(changed)
    return Version(etag=digest.hexdigest()[:40], last_modified=max(newest) if newest else None)


FRESH_SECONDS = 5.0   # how long a process reuses a fingerprint it read
_recent: dict[tuple[str, ...], tuple[float, Version]] = {}
_recent_lock = threading.Lock()


def recent(gemeente_code: str, *extra: str, fresh_for: float = FRESH_SECONDS) -> Version | None:
    """The fingerprint this process read less than `fresh_for` seconds ago, if any."""
    with _recent_lock:
        found = _recent.get((gemeente_code, *extra))
    if found is None or not 0 <= time.monotonic() - found[0] < fresh_for:
        return None
    return found[1]


def fresh_seconds(app: Any) -> float:
    """How long a process reuses a fingerprint: GRANTS_OPEN_DATA_FRESH_SECONDS, else FRESH_SECONDS (0 in
    tests, which check each change at once)."""
    return float(app.config.get("GRANTS_OPEN_DATA_FRESH_SECONDS", 0.0 if app.testing else FRESH_SECONDS))


def current(gemeente_code: str, *extra: str, fresh_for: float, check: Callable[[], object]) -> Version:
    """The recent fingerprint, else one read now after `check()` (which raises for an unknown gemeente)."""
    found = recent(gemeente_code, *extra, fresh_for=fresh_for)
    if found is None:
        check()
        found = read(gemeente_code, *extra)
    return found


def read(gemeente_code: str, *extra: str) -> Version:
    """The fingerprint, read now (and kept for `recent`)."""
    found = version(gemeente_code, None, *extra)
    with _recent_lock:
        if len(_recent) > 256:    # gemeenten x languages: never near this; a bound all the same
            _recent.clear()
        _recent[(gemeente_code, *extra)] = (time.monotonic(), found)
    return found


class Bodies:
    """What was made from the open data (a download, the public page's list), by a key that holds the
    fingerprint: a fingerprint names exactly one content, so a stored body is never stale, only unused.
    The latest `size` are kept, per process."""

    def __init__(self, size: int = 64):
        self.size, self.lock = size, threading.Lock()
        self.items: OrderedDict[tuple[str, ...], Any] = OrderedDict()

    def get_or_make(self, key: tuple[str, ...], make: Callable[[], Any]) -> Any:
        with self.lock:
            found = self.items.get(key)
            if found is not None:
                self.items.move_to_end(key)
                return found
        made = make()   # outside the lock: two requests may make the same body once each
        with self.lock:
            self.items[key] = made
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return made


BODIES = Bodies()
