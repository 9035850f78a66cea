"""The rules of insight: loading buurten, the gap analysis (one PostGIS statement) and "Hoe voelde het?".

The acting user is passed in; nothing here reads the Flask request."""
from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from flask import current_app
from flask_babel import gettext as _
from shapely import wkb
from sqlalchemy import Float, String, bindparam, delete, func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError

from webapp.accounts.permissions import has_role
from webapp.accounts.models import Role
from webapp.areas.models import Gemeente
from webapp.areas.services import LoadError, LoadReport, clean_multipolygon
from webapp.extensions import db
from webapp.insight.models import RD_NEW, STATEMENTS, Buurt, CheckInGuard, WelcomeCheckIn
from webapp.places import rules
from webapp.places.models import Place

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MIN_RESIDENTS = 10          # aggregates are shown from this many different residents
LINKED_FOR = relativedelta(months=1)
BUURTCODE_RE = re.compile(r"^BU\d{8}$")
GEMEENTE_RE = re.compile(r"^GM\d{4}$")
QUAD_SEGS = 64              # a circle as 256 segments: at most 6 cm inside the true circle of 800 m


class PermissionDenied(Exception):
    """The acting user may not do this (routes answer 403)."""


class CheckInError(ValueError):
    """A check-in that cannot be saved; the message says why, in the user's language."""


# --- Buurten -------------------------------------------------------------------------------------

@dataclass
class BuurtLoadReport(LoadReport):
    skipped: int = 0          # buurten of another gemeente than --gemeente
    notes: list[str] = field(default_factory=list)


def _read_features(path: Path) -> list[dict]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise LoadError(f"File not found: {path}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise LoadError(f"{path} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not isinstance(data.get("features"), list):
        raise LoadError(f"{path} is not a GeoJSON FeatureCollection")
    return [f for f in data["features"] if isinstance(f, dict)]


def _inhabitants(value, label: str, report: BuurtLoadReport) -> int:
    """CBS writes unknown or secret figures as empty or negative numbers: they count as 0 (and are reported)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or value != int(value):
        report.notes.append(f"{label}: inhabitants unknown ({value!r}), counted as 0")
        return 0
    return int(value)


def load_buurten(path: Path, gemeente_code: str | None = None, commit: bool = True) -> BuurtLoadReport:
    """Create or update buurten from a CBS-style GeoJSON (buurtcode, buurtnaam, aantal_inwoners); a second
    load of the same file changes nothing. The gemeente is the file's `gemeentecode`, else the one in the
    buurtcode (BU0344xxxx is in GM0344). With `gemeente_code` only that gemeente's buurten are loaded."""
    if gemeente_code is not None and not GEMEENTE_RE.match(gemeente_code):
        raise LoadError(f"Not a gemeente code: {gemeente_code} (e.g. GM0344)")
    if gemeente_code is not None and db.session.get(Gemeente, gemeente_code) is None:
        raise LoadError(f"Unknown gemeente {gemeente_code}: load the gemeenten first")
    report = BuurtLoadReport()
    known_gemeenten = set(db.session.scalars(select(Gemeente.code)))
    existing = {row.code: row for row in db.session.execute(
        select(Buurt.code, Buurt.name, Buurt.gemeente_code, Buurt.inhabitants, func.ST_AsBinary(Buurt.boundary).label("wkb")))}
    seen: set[str] = set()
    for feature in _read_features(path):
        props = feature.get("properties") if isinstance(feature.get("properties"), dict) else {}
        code, name = props.get("buurtcode"), props.get("buurtnaam")
        if not isinstance(code, str) or not BUURTCODE_RE.match(code) or not isinstance(name, str) or not name.strip():
            report.rejected.append(f"feature without a buurtcode (BU + 8 digits) and buurtnaam: {str(props)[:80]}")
            continue
        name = " ".join(name.split())[:120]
        gemeente = props.get("gemeentecode") if isinstance(props.get("gemeentecode"), str) else "GM" + code[2:6]
        if gemeente_code is not None and gemeente != gemeente_code:
            report.skipped += 1
            continue
        if gemeente not in known_gemeenten:
            report.rejected.append(f"{code}: unknown gemeente {gemeente}")
            continue
        if code in seen:
            report.rejected.append(f"{code}: appears twice in the file")
            continue
        seen.add(code)
        inhabitants = _inhabitants(props.get("aantal_inwoners"), code, report)
        geom = clean_multipolygon(feature.get("geometry") or {}, code, report)
        if geom is None:
            continue
        old = existing.get(code)
        if old is not None and (old.name, old.gemeente_code, old.inhabitants) == (name, gemeente, inhabitants) \
                and wkb.loads(bytes(old.wkb)).equals_exact(geom, 0):
            report.unchanged += 1
            continue
        boundary = func.ST_GeomFromWKB(geom.wkb, 4326)
        values = {"code": code, "name": name, "gemeente_code": gemeente, "inhabitants": inhabitants,
                  "boundary": boundary, "boundary_rd": func.ST_Multi(func.ST_Transform(boundary, RD_NEW))}
        stmt = insert(Buurt).values(**values)
        stmt = stmt.on_conflict_do_update(
            index_elements=[Buurt.code],
            set_={k: stmt.excluded[k] for k in ("name", "gemeente_code", "inhabitants", "boundary", "boundary_rd")})
        db.session.execute(stmt)
        if old is None:
            report.inserted += 1
        else:
            report.updated += 1
    if commit:
        db.session.commit()
    return report


# --- Gap analysis --------------------------------------------------------------------------------

@dataclass(frozen=True)
class BuurtGap:
    code: str
    name: str
    inhabitants: int
    area_m2: float
    share_access: float       # 0..1 of the buurt's area within reach of a wheelchair-accessible place
    share_newcomers: float    # 0..1 within reach of a place that welcomes newcomers

    @property
    def reached_access(self) -> int:
        return round(self.share_access * self.inhabitants)

    @property
    def reached_newcomers(self) -> int:
        return round(self.share_newcomers * self.inhabitants)


@dataclass(frozen=True)
class GapReport:
    gemeente_code: str
    reach_m: int
    buurten: list[BuurtGap]

    @property
    def inhabitants(self) -> int:
        return sum(b.inhabitants for b in self.buurten)

    @property
    def reached_access(self) -> int:
        return sum(b.reached_access for b in self.buurten)

    @property
    def reached_newcomers(self) -> int:
        return sum(b.reached_newcomers for b in self.buurten)

    @property
    def without_access(self) -> list[BuurtGap]:
        return [b for b in self.buurten if b.share_access == 0]

    @property
    def without_newcomers(self) -> list[BuurtGap]:
        return [b for b in self.buurten if b.share_newcomers == 0]


def _share(value) -> float:
    """A share from SQL, 0..1 (ST_Area leaves float noise just below 0 and above 1)."""
    return min(1.0, max(0.0, float(value or 0)))


def _gap(row) -> BuurtGap:
    return BuurtGap(row.code, row.name, row.inhabitants, float(row.area_m2), _share(row.share_access),
                    _share(row.share_newcomers))


def walk_reach_m() -> int:
    return int(current_app.config.get("INSIGHT_WALK_REACH_M", 800))


def _reach(condition):
    """The union of circles of `reach` metres (RD New) around the public places meeting `condition` near
    the buurt: a LATERAL subquery, correlated to the buurt of the outer statement."""
    place_rd = func.ST_Transform(Place.location, RD_NEW)
    return (select(func.ST_Union(func.ST_Buffer(place_rd, bindparam("reach", type_=Float), f"quad_segs={QUAD_SEGS}")).label("area"))
            .where(rules.public(), condition,
                   # index prefilter on geography (metres on the spheroid), a little wider than the reach;
                   # the circles themselves decide.
                   func.ST_DWithin(func.geography(Place.location), func.geography(Buurt.boundary),
                                   bindparam("prefilter", type_=Float)))
            .lateral())


def gap_statement():
    """ONE statement: per buurt of a gemeente its area and the share of it within reach of at least one
    published, public, wheelchair-accessible place, and of one that welcomes newcomers."""
    access, newcomers = _reach(rules.wheelchair_accessible()), _reach(rules.welcomes_newcomers())
    area = func.ST_Area(Buurt.boundary_rd)

    def share(reach):
        return func.coalesce(func.ST_Area(func.ST_Intersection(Buurt.boundary_rd, reach.c.area)) / func.nullif(area, 0), 0)

    return (select(Buurt.code, Buurt.name, Buurt.inhabitants, area.label("area_m2"),
                   share(access).label("share_access"), share(newcomers).label("share_newcomers"))
            .select_from(Buurt)
            .join(access, text("true"), isouter=True)
            .join(newcomers, text("true"), isouter=True)
            .where(Buurt.gemeente_code == bindparam("gemeente", type_=String))
            .order_by(Buurt.name, Buurt.code))


def _gap_params(gemeente_code: str, reach: int) -> dict:
    # the index prefilter is a little wider than the reach; the circles themselves decide
    return {"gemeente": gemeente_code, "reach": float(reach), "prefilter": reach * 1.01 + 1}


def gap_report(gemeente_code: str, reach_m: int | None = None) -> GapReport:
    reach = reach_m if reach_m is not None else walk_reach_m()
    rows = db.session.execute(gap_statement(), _gap_params(gemeente_code, reach)).all()
    return GapReport(gemeente_code, reach, [_gap(row) for row in rows])


@dataclass(frozen=True)
class GemeenteWithBuurten:
    code: str
    name: str
    buurten: int
    inhabitants: int


def gemeenten_with_buurten() -> list[GemeenteWithBuurten]:
    """The gemeenten whose buurten are loaded (the insight pages that have something to show), by name."""
    rows = db.session.execute(
        select(Gemeente.code, Gemeente.name, func.count(Buurt.code), func.coalesce(func.sum(Buurt.inhabitants), 0))
        .join(Buurt, Buurt.gemeente_code == Gemeente.code).group_by(Gemeente.code, Gemeente.name)
        .order_by(Gemeente.name))
    return [GemeenteWithBuurten(code, name, count, int(total)) for code, name, count, total in rows]


def buurt_choices(gemeente_code: str) -> list[tuple[str, str]]:
    """(code, name) of the gemeente's buurten, by name: for a grant round's priority buurten."""
    return [(code, name) for code, name in db.session.execute(
        select(Buurt.code, Buurt.name).where(Buurt.gemeente_code == gemeente_code).order_by(Buurt.name, Buurt.code))]


def buurt_gap_at(location, reach_m: int | None = None) -> BuurtGap | None:
    """The gap figures of the buurt that contains `location` (a PostGIS point), or None outside every buurt.
    One statement: the gap statement for that one buurt."""
    if location is None:
        return None
    found = db.session.execute(select(Buurt.code, Buurt.gemeente_code)
                               .where(func.ST_Intersects(Buurt.boundary, location)).limit(1)).first()
    if found is None:
        return None
    reach = reach_m if reach_m is not None else walk_reach_m()
    row = db.session.execute(gap_statement().where(Buurt.code == bindparam("code", type_=String)),
                             {**_gap_params(found.gemeente_code, reach), "code": found.code}).one()
    return _gap(row)


def gemeente(code: str) -> Gemeente | None:
    if not isinstance(code, str) or not GEMEENTE_RE.match(code):
        return None
    return db.session.get(Gemeente, code)


def buurten_geojson(gemeente_code: str, report: GapReport) -> dict:
    """The buurten as GeoJSON (simplified to about 5 m for the map and the download) with their figures."""
    rows = db.session.execute(
        select(Buurt.code, func.ST_AsGeoJSON(func.ST_SimplifyPreserveTopology(Buurt.boundary, 0.00005), 6))
        .where(Buurt.gemeente_code == gemeente_code)).all()
    shapes = {code: json.loads(geometry) for code, geometry in rows}
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": shapes.get(b.code),
         "properties": {"buurtcode": b.code, "buurtnaam": b.name, "inhabitants": b.inhabitants,
                        "share_access": round(b.share_access, 4), "inhabitants_access": b.reached_access,
                        "share_newcomers": round(b.share_newcomers, 4), "inhabitants_newcomers": b.reached_newcomers}}
        for b in report.buurten]}


# --- "Hoe voelde het?" ---------------------------------------------------------------------------

def month_of(now: datetime | None = None) -> date:
    """The first day of the calendar month in Amsterdam."""
    local = (now or datetime.now(timezone.utc)).astimezone(AMSTERDAM)
    return date(local.year, local.month, 1)


def _guard_key(user_id: int, place_id: int, month: date) -> str:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, f"welcome-checkin:{user_id}:{place_id}:{month:%Y-%m}".encode(), hashlib.sha256).hexdigest()


def _logged_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def has_checked_in(user, place: Place, now: datetime | None = None) -> bool:
    if not _logged_in(user):
        return False
    return db.session.get(CheckInGuard, _guard_key(user.id, place.id, month_of(now))) is not None


def _public_place(place_id: int) -> Place | None:
    return db.session.scalars(select(Place).where(Place.id == place_id, rules.public())).first()


def check_in(user, place_id: int, answers: dict[str, int], now: datetime | None = None) -> WelcomeCheckIn:
    """Save one check-in: a logged-in resident, a public place, three answers 1-5, once a month per place."""
    if not _logged_in(user):
        raise PermissionDenied("login required")
    place = _public_place(place_id)
    if place is None:
        raise CheckInError(_("Deze plek bestaat niet of is niet openbaar."))
    values = {}
    for key in STATEMENTS:
        value = answers.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            raise CheckInError(_("Kies bij elke uitspraak een antwoord van 1 tot en met 5."))
        values[key] = value
    now = now or datetime.now(timezone.utc)
    month = month_of(now)
    checkin = WelcomeCheckIn(place_id=place.id, user_id=user.id, month=month, answered_at=now, **values)
    try:
        with db.session.begin_nested():
            db.session.add(CheckInGuard(key=_guard_key(user.id, place.id, month), month=month))
            db.session.add(checkin)
            db.session.flush()
    except IntegrityError:
        raise CheckInError(_("U heeft deze maand al verteld hoe het voelde bij deze plek. Volgende maand kan het weer."))
    return checkin


@dataclass(frozen=True)
class Figures:
    """Averages (1-5) of the three statements, only when at least MIN_RESIDENTS residents answered."""

    answers: int
    residents: int            # a lower bound of the number of different residents (docs/insight.md)
    pleasant: float | None
    welcome: float | None
    open_to_me: float | None

    @property
    def shown(self) -> bool:
        return self.residents >= MIN_RESIDENTS

    @classmethod
    def from_row(cls, answers, residents, pleasant, welcome, open_to_me) -> "Figures":
        residents = int(residents or 0)
        if residents < MIN_RESIDENTS:
            return cls(int(answers or 0), residents, None, None, None)
        return cls(int(answers), residents, *(round(float(v), 1) for v in (pleasant, welcome, open_to_me)))


HIDDEN = Figures(0, 0, None, None, None)

# Per group (a place, a buurt, the gemeente): the answers at public places, and a lower bound of the
# number of different residents: at one place in one month every answer is another resident (the
# guard), and while answers are linked the accounts can be counted. The larger of the two.
_FIGURES_SQL = """
with c as (
  select {group} as grp, c.place_id, c.month, c.user_id, c.pleasant, c.welcome, c.open_to_me
  from welcome_checkins c join places p on p.id = c.place_id and p.status = 'published' and not p.hidden
  {join}
  where {where}
), per_place_month as (
  select grp, max(n) as n from (select grp, place_id, month, count(*) as n from c group by 1, 2, 3) x group by grp
)
select c.grp, count(*) as answers, greatest(count(distinct c.user_id), max(ppm.n)) as residents,
       avg(c.pleasant) as pleasant, avg(c.welcome) as welcome, avg(c.open_to_me) as open_to_me
from c join per_place_month ppm on ppm.grp = c.grp
group by c.grp
"""


def _figures(group: str, join: str, where: str, params: dict) -> dict:
    rows = db.session.execute(text(_FIGURES_SQL.format(group=group, join=join, where=where)), params).all()
    return {row.grp: Figures.from_row(row.answers, row.residents, row.pleasant, row.welcome, row.open_to_me)
            for row in rows}


def place_figures(place_id: int) -> Figures:
    return _figures("c.place_id", "", "c.place_id = :place", {"place": place_id}).get(place_id, HIDDEN)


def gemeente_figures(gemeente_code: str) -> Figures:
    return _figures("p.gemeente_code", "", "p.gemeente_code = :g", {"g": gemeente_code}).get(gemeente_code, HIDDEN)


def buurt_figures(gemeente_code: str) -> dict[str, Figures]:
    """Per buurt of the gemeente (the buurt a place lies in): code -> Figures."""
    return _figures("b.code", "join buurten b on b.gemeente_code = :g and ST_Intersects(b.boundary, p.location)",
                    "true", {"g": gemeente_code})


def buurt_of_place(place: Place) -> Buurt | None:
    return db.session.scalars(select(Buurt).where(func.ST_Intersects(Buurt.boundary, place.location)).limit(1)).first()


def can_see_place_figures(user, place: Place) -> bool:
    """Co-owners of the place, its gemeente's moderators and staff, admins."""
    from webapp.stewardship.services import can_moderate, is_owner

    if not _logged_in(user):
        return False
    return is_owner(user, place) or can_moderate(user, place) or (
        bool(place.gemeente_code) and has_role(user, Role.STAFF, place.gemeente_code))


@dataclass(frozen=True)
class MonthFigures:
    month: date
    figures: Figures


def place_figures_by_month(user, place: Place) -> list[MonthFigures]:
    """The place's figures per month, newest first; a month with fewer than MIN_RESIDENTS answers shows
    only its count (at one place in one month every answer is another resident)."""
    if not can_see_place_figures(user, place):
        raise PermissionDenied("owners, moderators and staff only")
    rows = db.session.execute(
        select(WelcomeCheckIn.month, func.count(), func.avg(WelcomeCheckIn.pleasant), func.avg(WelcomeCheckIn.welcome),
               func.avg(WelcomeCheckIn.open_to_me))
        .where(WelcomeCheckIn.place_id == place.id).group_by(WelcomeCheckIn.month)
        .order_by(WelcomeCheckIn.month.desc())).all()
    return [MonthFigures(m, Figures.from_row(n, n, a, b, c)) for m, n, a, b, c in rows]


def can_remove_checkins(user, gemeente_code: str) -> bool:
    from webapp.stewardship.services import can_moderate

    return can_moderate(user, gemeente_code)


def remove_checkins_of(moderator, account, gemeente_code: str) -> int:
    """A moderator removes the (still linked) check-ins of an abused account at the gemeente's places.
    The guards stay: the account cannot answer again at those places this month."""
    if not can_remove_checkins(moderator, gemeente_code):
        raise PermissionDenied("moderators of the gemeente only")
    place_ids = select(Place.id).where(Place.gemeente_code == gemeente_code).scalar_subquery()
    result = db.session.execute(delete(WelcomeCheckIn).where(WelcomeCheckIn.user_id == account.id,
                                                             WelcomeCheckIn.place_id.in_(place_ids)))
    return result.rowcount or 0


def unlink_checkins(now: datetime | None = None) -> tuple[int, int]:
    """The nightly clean-up: answers older than a month lose their account and time (only place, month and
    scores remain); guards of past months go (they no longer stop anything). Returns (unlinked, guards)."""
    now = now or datetime.now(timezone.utc)
    unlinked = db.session.execute(
        update(WelcomeCheckIn).where(WelcomeCheckIn.answered_at.is_not(None), WelcomeCheckIn.answered_at <= now - LINKED_FOR)
        .values(user_id=None, answered_at=None)).rowcount or 0
    guards = db.session.execute(delete(CheckInGuard).where(CheckInGuard.month < month_of(now))).rowcount or 0
    db.session.commit()
    return unlinked, guards


def export_checkins(user) -> list[dict]:
    """For the account's data download: the own answers that are still linked to the account."""
    rows = db.session.execute(
        select(WelcomeCheckIn, Place.name).join(Place, Place.id == WelcomeCheckIn.place_id)
        .where(WelcomeCheckIn.user_id == user.id).order_by(WelcomeCheckIn.answered_at)).all()
    return [{"place_id": c.place_id, "place": name, "month": c.month.strftime("%Y-%m"), "answered_at": c.answered_at,
             **{key: getattr(c, key) for key in STATEMENTS}} for c, name in rows]
