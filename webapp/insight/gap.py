"""The gap analysis: per buurt, the share of its area (and so of its inhabitants) within walking reach of a
wheelchair-accessible place, and of a place that welcomes newcomers. One PostGIS statement per gemeente."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import Float, Select, String, bindparam, func, select, text
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import LateralFromClause

from webapp import geo
from webapp.extensions import db
from webapp.insight.buurten import buurt_at
from webapp.insight.models import RD_NEW, Buurt
from webapp.places import rules
from webapp.places.models import Place

QUAD_SEGS = 64              # a circle as 256 segments: at most 6 cm inside the true circle of 800 m


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


def _share(value: Any) -> float:
    """A share from SQL, 0..1 (ST_Area leaves float noise just below 0 and above 1)."""
    return min(1.0, max(0.0, float(value or 0)))


def _gap(row: Any) -> BuurtGap:
    return BuurtGap(row.code, row.name, row.inhabitants, float(row.area_m2), _share(row.share_access),
                    _share(row.share_newcomers))


def walk_reach_m() -> int:
    return int(current_app.config.get("INSIGHT_WALK_REACH_M", 800))


def _reach(condition: ColumnElement[bool]) -> LateralFromClause:
    """The union of circles of `reach` metres (RD New) around the public places meeting `condition` near
    the buurt: a LATERAL subquery, correlated to the buurt of the outer statement."""
    place_rd = func.ST_Transform(Place.location, RD_NEW)
    circle = func.ST_Buffer(place_rd, bindparam("reach", type_=Float), f"quad_segs={QUAD_SEGS}")
    return (select(func.ST_Union(circle).label("area"))
            .where(rules.public(), condition,
                   # index prefilter on geography (metres on the sphere, webapp/geo.py), a little wider
                   # than the reach; the circles (RD New, planar metres) themselves decide.
                   geo.within_m(geo.geography(Place.location), geo.geography(Buurt.boundary),
                                bindparam("prefilter", type_=Float)))
            .lateral())


def gap_statement() -> Select[Any]:
    """ONE statement: per buurt of a gemeente its area and the share of it within reach of at least one
    published, public, wheelchair-accessible place, and of one that welcomes newcomers."""
    access, newcomers = _reach(rules.wheelchair_accessible()), _reach(rules.welcomes_newcomers())
    area = func.ST_Area(Buurt.boundary_rd)

    def share(reach: LateralFromClause) -> ColumnElement[Any]:
        covered = func.ST_Area(func.ST_Intersection(Buurt.boundary_rd, reach.c.area))
        return func.coalesce(covered / func.nullif(area, 0), 0)

    return (select(Buurt.code, Buurt.name, Buurt.inhabitants, area.label("area_m2"),
                   share(access).label("share_access"), share(newcomers).label("share_newcomers"))
            .select_from(Buurt)
            .join(access, text("true"), isouter=True)
            .join(newcomers, text("true"), isouter=True)
            .where(Buurt.gemeente_code == bindparam("gemeente", type_=String))
            .order_by(Buurt.name, Buurt.code))


def _gap_params(gemeente_code: str, reach: int) -> dict[str, Any]:
    # the index prefilter is a little wider than the reach; the circles themselves decide
    return {"gemeente": gemeente_code, "reach": float(reach), "prefilter": reach * 1.01 + 1}


def gap_report(gemeente_code: str, reach_m: int | None = None) -> GapReport:
    reach = reach_m if reach_m is not None else walk_reach_m()
    rows = db.session.execute(gap_statement(), _gap_params(gemeente_code, reach)).all()
    return GapReport(gemeente_code, reach, [_gap(row) for row in rows])


def buurt_gap_at(location: Any, reach_m: int | None = None) -> BuurtGap | None:
    """The gap figures of the buurt that contains `location` (a PostGIS point), or None outside every buurt.
    One statement: the gap statement for that one buurt."""
    found = buurt_at(location)
    if found is None:
        return None
    reach = reach_m if reach_m is not None else walk_reach_m()
    row = db.session.execute(gap_statement().where(Buurt.code == bindparam("code", type_=String)),
                             {**_gap_params(found.gemeente_code, reach), "code": found.code}).one()
    return _gap(row)


def buurten_geojson(gemeente_code: str, report: GapReport) -> dict[str, Any]:
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
